"""Hypothesis strategies for every event model, valid and invalid (extra ``testing``).

Use them to test your own producer or consumer::

    from hypothesis import given
    from thrilldrops_events import Envelope, to_json
    from thrilldrops_events.testing import envelopes

    @given(envelopes())
    def test_my_consumer_accepts_every_event(envelope: Envelope) -> None:
        my_consumer.handle(to_json(envelope))

Installing the package also registers the models with Hypothesis, so ``st.from_type(Deposit)``
and ``st.from_type(Envelope)`` work without importing this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "thrilldrops_events.testing needs Hypothesis: pip install 'thrilldrops-events[testing]'"
    ) from error

from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload

__all__ = [
    "InvalidEvent",
    "condition_trees",
    "conditions",
    "context_values",
    "envelopes",
    "field_values",
    "invalid_envelopes",
    "json_values",
    "money",
    "payloads",
    "wire_envelopes",
]

_REALISTIC_IDS = st.sampled_from(
    ["op-1", "brand-7", "p-000042", "pragmatic", "gates-of-olympus", "r-9f8e7d", "visa", "skrill", "jp-mega", "pot-1"]
)
_UNICODE_IDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
).map(str.strip).filter(bool)


def identifiers() -> st.SearchStrategy[str]:
    """Valid identifiers: realistic ones and arbitrary Unicode without surrounding whitespace."""
    return st.one_of(_REALISTIC_IDS, _UNICODE_IDS)


def money(*, signed: bool = False, max_scale: int = 18) -> st.SearchStrategy[Decimal]:
    """Valid exact money values: every scale from 0 to 18, up to 20 integer digits, trailing zeros kept."""

    def build(scale: int) -> st.SearchStrategy[Decimal]:
        digits = st.integers(min_value=-(10 ** (20 + scale)) + 1 if signed else 0, max_value=10 ** (20 + scale) - 1)
        return digits.map(lambda n: Decimal(f"{n}E-{scale}"))

    common = st.sampled_from(["0", "0.00", "1", "10.00", "25.50", "0.1", "0.01", "1000000", "0.00000001"]).map(Decimal)
    exact = st.integers(min_value=0, max_value=max_scale).flatmap(build)
    values = st.one_of(common, exact)
    if signed:
        values = st.one_of(values, common.map(lambda d: -d))
    return values


def field_values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid values of one field (Python values as a producer passes them), ``None`` where nullable."""
    base: st.SearchStrategy[Any]
    if spec.kind == "identifier":
        base = identifiers()
    elif spec.kind == "currency":
        base = st.one_of(st.sampled_from(["EUR", "USD", "GBP", "USDT", "mBTC", "SEK"]),
                         st.from_regex(r"[A-Za-z0-9]{2,10}", fullmatch=True))
    elif spec.kind == "country":
        base = st.sampled_from(sorted(COUNTRY_CODES))
    elif spec.kind == "money":
        base = money()
    elif spec.kind == "signed_money":
        base = money(signed=True)
    elif spec.kind == "bool":
        base = st.booleans()
    elif spec.kind == "channel":
        base = st.sampled_from(list(ChannelType))
    elif spec.kind == "secret":
        base = st.text(max_size=64)
    elif spec.kind == "timestamp":
        base = st.integers(min_value=0, max_value=253402300799)
    else:  # pragma: no cover - a new kind was added to _fields
        raise AssertionError(spec.kind)
    return st.one_of(st.none(), base) if spec.nullable else base


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """JSON values as the exact reader returns them: numbers with a fraction are ``Decimal``s, never floats."""
    numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 30
    ).map(lambda d: JsonNumber(d))
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), numbers)
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=max_leaves,
    )


def _unknown_fields(known: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
        lambda n: n not in known and n != "payload" and not n.startswith(("model_", "_"))
    )
    return st.dictionaries(names, json_values(), max_size=3)


def payloads(
    event_type: EventType | str | None = None, *, unknown_fields: bool = False
) -> st.SearchStrategy[EventPayload]:
    """Valid payload models, of one event type or of any.

    Args:
        event_type: Restrict to this type; ``None`` draws from every event type.
        unknown_fields: Also add fields the contract does not know (kept in lenient mode).
    """
    if event_type is None:
        return st.one_of([payloads(e, unknown_fields=unknown_fields) for e in EventType])
    kind = EventType(event_type)
    model = PAYLOAD_MODELS[kind]
    specs = payload_fields(kind)
    fields = st.fixed_dictionaries({spec.name: field_values(spec) for spec in specs})
    if unknown_fields:
        fields = st.tuples(fields, _unknown_fields({s.name for s in specs})).map(lambda p: {**p[1], **p[0]})
    return fields.map(lambda values: model(**values))


def envelopes(
    event_type: EventType | str | None = None, *, unknown_fields: bool = False
) -> st.SearchStrategy[Envelope]:
    """Valid envelopes around :func:`payloads`."""
    header = st.fixed_dictionaries({spec.name: field_values(spec) for spec in ENVELOPE_FIELDS})
    extra = _unknown_fields({s.name for s in ENVELOPE_FIELDS} | {"event_type"}) if unknown_fields else st.just({})
    body = payloads(event_type, unknown_fields=unknown_fields)
    return st.builds(lambda h, p, x: Envelope(**x, **h, payload=p), header, body, extra)


def wire_envelopes(event_type: EventType | str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid envelopes in their wire form (as parsed JSON), money as decimal strings as `to_json` writes it."""
    from thrilldrops_events.codecs.json import to_dict

    return envelopes(event_type).map(lambda env: to_dict(env))


@dataclass(frozen=True)
class InvalidEvent:
    """A wire envelope with exactly one thing wrong.

    Attributes:
        data: The envelope as parsed JSON.
        path: The JSON path of the broken field.
        why: A short description of what was broken.
    """

    data: dict[str, Any]
    path: str
    why: str


_MISSING = object()

# Values that are wrong for each kind of field, in JSON (valid in neither lenient nor strict mode).
_BAD_VALUES: dict[str, list[Any]] = {
    "identifier": ["", " padded", "padded ", "x" * 256, 5, [], {}],
    "currency": ["E", "EURO1234567", "E-R", "€UR", 978, ""],
    "country": ["de", "XX", "DEU", "", 276],
    "money": ["", "abc", "NaN", "Infinity", "1E+25", "1E-30", "-1", -1, True, [], "1_000", " 1"],
    "signed_money": ["", "abc", "NaN", "-Infinity", "1E+25", "1E-30", True, {}, "--1"],
    "bool": ["maybe", 2, [], {}, "", "1.5"],
    "channel": ["desktopweb", "Desktop", "", 1, None],
    "secret": [5, True, [], "x" * 4097],
    "timestamp": [-1, 1777852800000, "soon", 1.5, True, [], 10**15],
}


@st.composite
def invalid_envelopes(draw: st.DrawFn, event_type: EventType | str | None = None) -> InvalidEvent:
    """Wire envelopes with exactly one field broken (a wrong value, a null where none is allowed, or absent)."""
    from thrilldrops_events.codecs.json import to_dict

    envelope = draw(envelopes(event_type))
    data = to_dict(envelope)
    variant = envelope.event_type.value
    targets: list[tuple[dict[str, Any], FieldSpec, str]] = [(data, spec, spec.name) for spec in ENVELOPE_FIELDS]
    inner = data["event_type"][variant]
    targets += [(inner, spec, f"event_type.{variant}.{spec.name}") for spec in payload_fields(variant)]
    container, spec, path = draw(st.sampled_from(targets))
    choices: list[Any] = list(_BAD_VALUES[spec.kind])
    if not spec.nullable:
        choices += [None, _MISSING]
    bad = draw(st.sampled_from(choices))
    if bad is _MISSING:
        del container[spec.name]
        why = "missing"
    else:
        container[spec.name] = bad
        why = f"{spec.kind} set to {bad!r:.40}"
    return InvalidEvent(data, path, why)


def _hypothesis_setup_hook() -> None:
    """The entry point's former address (now ``thrilldrops_events._hypothesis``), for installs made before it moved."""
    for event_type, model in PAYLOAD_MODELS.items():
        st.register_type_strategy(model, payloads(event_type))
    st.register_type_strategy(Envelope, envelopes())


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
def _typed(draw: st.DrawFn, want: str, scope: _Scope, depth: int) -> Any:
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
            return draw(st.sampled_from(leaf_choices))
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
        return n.Not(draw(_typed("bool", scope, depth)))
    if choice in (1, 2):
        kind = n.And if choice == 1 else n.Or
        return kind(tuple(draw(_typed("bool", scope, depth)) for _ in range(draw(st.integers(2, 3)))))
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
    scope = _scope(event_type, context)
    return _boolean(scope, max_depth)


def context_values(context: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """Values for the declared context values (``None`` for nullable ones, sometimes)."""
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
