"""Hypothesis strategies for campaign sets whose conditions exercise the index.

Random well-typed conditions (``thrilldrops_events.testing.conditions``) rarely compare a field
with a value an event actually holds, so they test little of the look-up tables. These strategies
first draw the events, then build conditions whose equality, ``in``, null and range clauses use
the very values those events hold (written differently: ``20`` for ``20.00``, an ISO date-time
for a timestamp, a channel's name), and mix in the general random conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from hypothesis import strategies as st

from thrilldrops_events import EventType
from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.testing import conditions, context_values, envelopes, field_values

CONTEXT = {"vip": "number?", "segment": "string"}
OPERATORS = ["op-1", "op-2"]
BRANDS = ["b-1", "b-2", "b-3"]


@dataclass
class World:
    """Envelopes, and campaign rows ``(id, event_type, node, operator_id, brand_id)``."""

    envelopes: list[Envelope]
    campaigns: list[tuple[str, EventType, Any, str | None, str | None]]


def _literal(draw: st.DrawFn, value: Any, spec: FieldSpec) -> Any:
    """A literal node equal to ``value`` as the language compares it, written in one of its forms."""
    if value is None:
        return n.Null()
    if isinstance(value, bool):
        return n.Boolean(value)
    if isinstance(value, Enum):
        return n.String(value.value)
    if isinstance(value, str):
        return n.String(value)
    if spec.kind == "timestamp":
        if draw(st.booleans()):
            return n.String(datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return n.Number(Decimal(value))
    number = Decimal(value)
    form = draw(st.integers(0, 2))
    if form == 1:
        number = number.normalize()
    elif form == 2:
        sign, digits, exponent = number.as_tuple()
        number = Decimal((sign, (*digits, 0, 0), int(exponent) - 2))  # the same value, two more places
    if abs(number.adjusted()) > 40 or len(number.as_tuple().digits) > 40:
        number = Decimal(value)
    return n.Number(number)


@st.composite
def _clause(draw: st.DrawFn, event_type: EventType, samples: list[Envelope]) -> Any:
    """One clause about a field, using values the sample events hold (or fresh ones)."""
    specs = [(scope, spec) for scope, group in (("payload", payload_fields(event_type)), ("event", ENVELOPE_FIELDS))
             for spec in group if spec.kind != "secret"]
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([
            n.Compare(">=", n.FieldRef("ctx", "vip"), n.Number(Decimal(1))),
            n.Compare("==", n.FieldRef("ctx", "segment"), n.String("EUR")),
            n.IsNull(n.FieldRef("ctx", "vip")),
        ]))
    if draw(st.integers(0, 6)) == 0:
        return draw(_computed(event_type, samples))
    scope, spec = draw(st.sampled_from(specs))
    ref = n.FieldRef(scope, spec.name)

    def value() -> Any:
        held = [getattr(sample.payload if scope == "payload" else sample, spec.name) for sample in samples]
        return draw(st.one_of(st.sampled_from(held), field_values(spec))) if held else draw(field_values(spec))

    def literal() -> Any:
        return _literal(draw, value(), spec)

    def non_null() -> Any:
        node = literal()
        return node if type(node) is not n.Null else None

    shape = draw(st.integers(0, 7))
    if spec.kind == "bool" and shape >= 5:
        return draw(st.sampled_from([ref, n.Not(ref)]))
    if shape <= 2:
        lit = literal()
        if type(lit) is n.Null and shape == 2:
            return n.IsNull(ref, draw(st.booleans()))
        op = "==" if shape <= 1 else "!="
        return n.Compare(op, ref, lit) if shape != 1 else n.Compare(op, lit, ref)
    if shape <= 4:
        items = [item for item in (non_null() for _ in range(draw(st.integers(0, 4)))) if item is not None]
        if spec.kind == "timestamp":  # a list holds one type: all numbers or all date-times
            items = [item for item in items if type(item) is n.Number]
        return n.In(ref, n.ListLiteral(tuple(items)), negated=shape == 4)
    if spec.kind in ("money", "signed_money", "timestamp"):
        bound = non_null()
        if bound is not None:
            return n.Compare(draw(st.sampled_from(["<", "<=", ">", ">="])), ref, bound)
    if spec.nullable:
        return n.IsNull(ref, draw(st.booleans()))
    lit = non_null()
    return n.Compare("==", ref, lit) if lit is not None else n.IsNull(ref, True)


_ZONES = ["Europe/Malta", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]


@st.composite
def _computed(draw: st.DrawFn, event_type: EventType, samples: list[Envelope]) -> Any:
    """A clause on a computed value (a time helper, arithmetic, a string function) near what the samples hold."""
    stamp = n.FieldRef("event", "timestamp")
    moment = draw(st.sampled_from([sample.timestamp for sample in samples])) if samples else 0
    zone = draw(st.sampled_from(_ZONES))
    when = datetime.fromtimestamp(moment, timezone.utc)
    choice = draw(st.integers(0, 4))
    if choice == 0:
        call = n.Call("hour", (stamp, n.String(zone)) if draw(st.booleans()) else (stamp,))
        op = draw(st.sampled_from(["==", ">=", "<", "in"]))
        hours = [n.Number(Decimal(h)) for h in (when.hour, (when.hour + 1) % 24, draw(st.integers(0, 23)))]
        if op == "in":
            return n.In(call, n.ListLiteral(tuple(hours[: draw(st.integers(0, 3))])))
        return n.Compare(op, call, draw(st.sampled_from(hours)))
    if choice == 1:
        day = n.Number(Decimal(draw(st.sampled_from([when.isoweekday(), draw(st.integers(1, 7))]))))
        return n.Compare(draw(st.sampled_from(["==", "!=", ">="])), n.Call("weekday", (stamp,)), day)
    if choice == 2:
        date = n.String(draw(st.sampled_from([when.date().isoformat(), "2026-05-04"])))
        return n.Compare(draw(st.sampled_from(["==", ">=", "<"])), n.Call("date", (stamp, n.String(zone))), date)
    numbers = [(scope, spec) for scope, group in (("payload", payload_fields(event_type)),)
               for spec in group if spec.kind in ("money", "signed_money")]
    if choice == 3 and numbers:
        (_, first), (_, second) = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
        total = n.Arithmetic(draw(st.sampled_from(["+", "-", "*", "/"])), n.FieldRef("payload", first.name),
                             draw(st.sampled_from([n.FieldRef("payload", second.name), n.Number(Decimal(2))])))
        bound = n.Number(draw(st.sampled_from([Decimal(0), Decimal("1.5"), Decimal(10)])))
        return n.Compare(draw(st.sampled_from(["==", ">=", "<", "!="])), total, bound)
    strings = [spec for spec in payload_fields(event_type) if spec.kind in ("identifier", "currency")]
    if not strings:
        return n.Compare(">=", n.Call("hour", (stamp,)), n.Number(Decimal(12)))
    spec = draw(st.sampled_from(strings))
    held = [getattr(sample.payload, spec.name) for sample in samples] or ["eur"]
    word = draw(st.sampled_from([value.lower() for value in held if isinstance(value, str)] or ["eur"]))
    return n.Compare("==", n.Call("lower", (n.FieldRef("payload", spec.name),)), n.String(word))


@st.composite
def condition_for(draw: st.DrawFn, event_type: EventType, samples: list[Envelope]) -> Any:
    """A campaign condition: mostly conjunctions of field clauses, sometimes any well-typed condition."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(conditions(event_type, context=CONTEXT, max_depth=3))
    clauses = [draw(_clause(event_type, samples)) for _ in range(draw(st.integers(1, 4)))]
    if kind == 1 and len(clauses) >= 2:
        return n.Or(tuple(clauses))
    if kind == 2:
        clauses.append(draw(conditions(event_type, context=CONTEXT, max_depth=2)))
    if kind == 3:
        clauses[0] = n.Not(clauses[0])
    return clauses[0] if len(clauses) == 1 else n.And(tuple(clauses))


@st.composite
def worlds(draw: st.DrawFn, max_campaigns: int = 12) -> World:
    """A few envelopes over a few operators and brands, and campaigns aimed at them."""
    types = draw(st.lists(st.sampled_from(list(EventType)), min_size=1, max_size=3, unique=True))
    samples = []
    for _ in range(draw(st.integers(2, 5))):
        envelope = draw(envelopes(draw(st.sampled_from(types)), unknown_fields=draw(st.booleans())))
        scope = {"operator_id": draw(st.sampled_from(OPERATORS)), "brand_id": draw(st.sampled_from(BRANDS))}
        samples.append(envelope.model_copy(update=scope))
    campaigns = []
    for number in range(draw(st.integers(1, max_campaigns))):
        event_type = draw(st.sampled_from(types))
        of_type = [sample for sample in samples if sample.payload.event_type is event_type]
        node = draw(condition_for(event_type, of_type))
        operator_id = draw(st.one_of(st.none(), st.sampled_from(OPERATORS)))
        brand_id = draw(st.one_of(st.none(), st.sampled_from(BRANDS)))
        campaigns.append((f"c{number}", event_type, node, operator_id, brand_id))
    return World(samples, campaigns)


def contexts() -> st.SearchStrategy[dict[str, Any] | None]:
    """Context values for :data:`CONTEXT`, or none at all (an error when a campaign in scope reads one)."""
    return st.one_of(st.none(), context_values(CONTEXT))
