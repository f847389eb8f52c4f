"""Hypothesis strategies for campaign conditions (part of ``thrilldrops_events.testing``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from thrilldrops_events._fields import ENVELOPE_FIELDS, payload_fields
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.testing._arguments import check_context, check_event_type, check_int
from thrilldrops_events.testing._values import money

__all__ = ["condition_trees", "conditions", "context_values"]

# =====================================================================================================================
# Campaign conditions: syntax trees of any shape, and well-typed conditions for one event type
# =====================================================================================================================

_CONDITION_NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: name not in {"and", "or", "not", "in", "is", "null", "true", "false"}
)
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_ORDERINGS = ("<", "<=", ">", ">=")


def _condition_numbers() -> st.SearchStrategy[Decimal]:
    exact = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: len(d.as_tuple().digits) <= 40 and (not d or abs(d.adjusted()) <= 40)
    )
    common = st.sampled_from(["0", "1", "2", "10", "20", "25.00", "0.1", "0.2", "0.3", "-1", "3", "100"]).map(Decimal)
    return st.one_of(common, exact)


def condition_trees(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Condition trees of any shape that the syntax allows (not necessarily well-typed).

    For round trips of the text and JSON forms: ``parse_condition(tree.text) == tree``.
    """
    check_int("max_leaves", max_leaves, 1)
    from thrilldrops_events.conditions import nodes as n

    scalars = st.one_of(
        _condition_numbers().map(n.Number), st.text(max_size=8).map(n.String), st.booleans().map(n.Boolean)
    )
    leaves = st.one_of(
        scalars,
        st.just(n.Null()),
        st.builds(n.FieldRef, st.sampled_from(["payload", "event", "ctx"]), _CONDITION_NAMES),
        st.lists(scalars, max_size=4).map(lambda items: n.ListLiteral(tuple(items))),
    )

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        lists = st.lists(scalars, max_size=4).map(lambda items: n.ListLiteral(tuple(items)))
        several = st.lists(inner, min_size=2, max_size=4).map(tuple)
        return st.one_of(
            st.builds(n.Not, inner),
            st.builds(n.And, several),
            st.builds(n.Or, several),
            st.builds(n.Compare, st.sampled_from(_COMPARISONS), inner, inner),
            st.builds(n.In, inner, lists, st.booleans()),
            st.builds(n.IsNull, inner, st.booleans()),
            st.builds(n.Arithmetic, st.sampled_from(["+", "-", "*", "/"]), inner, inner),
            st.builds(n.Negate, inner),
            st.builds(n.Call, _CONDITION_NAMES, st.lists(inner, max_size=3).map(tuple)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


@dataclass(frozen=True)
class _Scope:
    """The references a well-typed condition may use, by base type: ``(reference, nullable)``."""

    refs: dict[str, list[Any]]


def _scope(event_type: EventType | str, context: dict[str, str] | None) -> _Scope:
    from thrilldrops_events.conditions.nodes import FieldRef
    from thrilldrops_events.conditions.valuetypes import KIND_TYPES, parse_type

    refs: dict[str, list[Any]] = {}
    for scope, specs in (("payload", payload_fields(event_type)), ("event", ENVELOPE_FIELDS)):
        for spec in specs:
            if spec.kind in KIND_TYPES:
                refs.setdefault(KIND_TYPES[spec.kind].base, []).append((FieldRef(scope, spec.name), spec.nullable))
    for name, declared in (context or {}).items():
        kind = parse_type(declared)
        refs.setdefault(kind.base, []).append((FieldRef("ctx", name), kind.nullable))
    return _Scope(refs)


_STRING_POOL = ["EUR", "USD", "visa", "skrill", "MT", "DE", "UK", "MGA", "starburst", "", "p-000042", "mobile"]
_ZONES = ["UTC", "Europe/Malta", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"]


@st.composite
def _typed(draw: st.DrawFn, want: str, scope: _Scope, depth: int, *, decided: bool = False) -> Any:
    """A ``want`` value; with ``decided``, a bool that is never null (what ``not``, ``and`` and ``or`` take)."""
    from thrilldrops_events.conditions import nodes as n

    refs = scope.refs.get(want, [])
    leaf_choices: list[Any] = [ref for ref, _ in refs]
    if want == "number":
        leaf_choices += [n.Number(draw(_condition_numbers()))]
    elif want == "string":
        leaf_choices += [n.String(draw(st.one_of(st.sampled_from(_STRING_POOL), st.text(max_size=5))))]
    elif want == "bool":
        leaf_choices += [n.Boolean(draw(st.booleans()))]
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        if leaf_choices:
            leaf = draw(st.sampled_from(leaf_choices))
            if decided and (leaf, True) in refs:  # a nullable bool (``bool?``): the checker wants ``== true``
                return n.Compare("==", leaf, n.Boolean(True))
            return leaf
        depth = max(depth, 1)
    sub = depth - 1
    if want == "number":
        choice = draw(st.integers(0, 7))
        if choice <= 2:
            op = draw(st.sampled_from(["+", "-", "*", "/"]))
            return n.Arithmetic(op, draw(_typed("number", scope, sub)), draw(_typed("number", scope, sub)))
        if choice == 3:
            return n.Negate(draw(_typed("number", scope, sub)))
        if choice == 4:
            name = draw(st.sampled_from(["abs", "min", "max"]))
            count = 1 if name == "abs" else draw(st.integers(1, 3))
            return n.Call(name, tuple(draw(_typed("number", scope, sub)) for _ in range(count)))
        if choice == 5:
            places = n.Number(Decimal(draw(st.integers(0, 4))))
            return n.Call("round", (draw(_typed("number", scope, sub)), places))
        if choice == 6:
            return n.Call("len", (draw(_typed("string", scope, sub)),))
        stamp = draw(_typed("timestamp", scope, sub))
        if draw(st.booleans()):
            return n.Arithmetic("-", stamp, draw(_typed("timestamp", scope, sub)))
        zone = [n.String(draw(st.sampled_from(_ZONES)))] if draw(st.booleans()) else []
        return n.Call(draw(st.sampled_from(["hour", "weekday"])), (stamp, *zone))
    if want == "string":
        if draw(st.booleans()) and refs:
            return draw(st.sampled_from(leaf_choices))
        return n.Call(draw(st.sampled_from(["lower", "upper"])), (draw(_typed("string", scope, sub)),))
    if want == "date":
        zone = [n.String(draw(st.sampled_from(_ZONES)))] if draw(st.booleans()) else []
        return n.Call("date", (draw(_typed("timestamp", scope, sub)), *zone))
    if want in ("timestamp", "channel"):
        return draw(st.sampled_from(leaf_choices))
    return draw(_boolean(scope, sub))


@st.composite
def _boolean(draw: st.DrawFn, scope: _Scope, depth: int) -> Any:
    from thrilldrops_events.conditions import nodes as n

    def number() -> Any:
        return draw(_typed("number", scope, depth))

    def string() -> Any:
        return draw(_typed("string", scope, depth))

    choice = draw(st.integers(0, 12))
    if choice == 0:
        return n.Not(draw(_typed("bool", scope, depth, decided=True)))
    if choice in (1, 2):
        kind = n.And if choice == 1 else n.Or
        count = draw(st.integers(2, 3))
        return kind(tuple(draw(_typed("bool", scope, depth, decided=True)) for _ in range(count)))
    if choice == 3:
        return n.Compare(draw(st.sampled_from(_COMPARISONS)), number(), number())
    if choice == 4:
        return n.Compare(draw(st.sampled_from(["==", "!="])), string(), string())
    if choice == 5:
        items = draw(st.lists(_condition_numbers(), max_size=5))
        return n.In(number(), n.ListLiteral(tuple(n.Number(i) for i in items)), draw(st.booleans()))
    if choice == 6:
        words = draw(st.lists(st.sampled_from(_STRING_POOL), max_size=5))
        return n.In(string(), n.ListLiteral(tuple(n.String(i) for i in words)), draw(st.booleans()))
    if choice == 7:
        want = draw(st.sampled_from(["number", "string", "bool", "timestamp"]))
        return n.IsNull(draw(_typed(want, scope, depth)), draw(st.booleans()))
    if choice == 8 and "channel" in scope.refs:
        channels = [member.value for member in ChannelType]
        ref = draw(st.sampled_from([ref for ref, _ in scope.refs["channel"]]))
        if draw(st.booleans()):
            return n.Compare(draw(st.sampled_from(["==", "!="])), ref, n.String(draw(st.sampled_from(channels))))
        names = draw(st.lists(st.sampled_from(channels), max_size=4))
        return n.In(ref, n.ListLiteral(tuple(n.String(i) for i in names)), draw(st.booleans()))
    if choice == 9:
        stamp = draw(_typed("timestamp", scope, depth))
        moment = draw(st.integers(min_value=0, max_value=253402300799))
        text = datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        other = n.String(text) if draw(st.booleans()) else n.Number(Decimal(moment))
        return n.Compare(draw(st.sampled_from(_COMPARISONS)), stamp, other)
    if choice == 10:
        day = draw(st.dates(min_value=date(1970, 1, 1))).isoformat()
        return n.Compare(draw(st.sampled_from(_COMPARISONS)), draw(_typed("date", scope, depth)), n.String(day))
    if choice == 11:
        name = draw(st.sampled_from(["starts_with", "ends_with", "contains"]))
        return n.Call(name, (string(), string()))
    return n.Compare(draw(st.sampled_from(["==", "!="])), draw(_typed("bool", scope, depth)), n.Boolean(True))


def conditions(
    event_type: EventType | str, *, context: dict[str, str] | None = None, max_depth: int = 4
) -> st.SearchStrategy[Any]:
    """Well-typed conditions (trees) for one event type, as ``compile_condition`` accepts them.

    They read the payload's fields, ``event.*`` and the declared ``context``, call the built-in
    functions, and include nulls, division by zero and literals near realistic values.

    Args:
        event_type: The event type the conditions are for.
        context: Declared context values (``{"vip": "number?"}``) that conditions may read.
        max_depth: How deeply operators nest, roughly.
    """
    kind = check_event_type("event_type", event_type)
    if context is not None:
        check_context("context", context)
    check_int("max_depth", max_depth, 0)
    scope = _scope(kind, context)
    return _boolean(scope, max_depth)


def context_values(context: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """Values for the declared context values (``None`` for nullable ones, sometimes)."""
    check_context("context", context)
    from thrilldrops_events.conditions.valuetypes import parse_type

    values: dict[str, st.SearchStrategy[Any]] = {}
    for name, declared in context.items():
        kind = parse_type(declared)
        base: st.SearchStrategy[Any] = {
            "number": money(signed=True),
            "string": st.sampled_from(_STRING_POOL),
            "bool": st.booleans(),
            "channel": st.sampled_from(list(ChannelType)),
            "timestamp": st.integers(min_value=0, max_value=253402300799),
            "date": st.dates().map(lambda day: day.isoformat()),
        }[kind.base]
        values[name] = st.one_of(st.none(), base) if kind.nullable else base
    return st.fixed_dictionaries(values)
