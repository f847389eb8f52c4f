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

from thrilldrops_events import Deposit, EventType
from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.testing import conditions, context_values, envelopes, field_values

CONTEXT = {"vip": "number?", "segment": "string"}
#: A deposit of 25.00 EUR by player p-1 of brand b-7 (operator op-1), at 2026-05-04T00:00:00Z.
ENVELOPE = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800,
                    payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")))
OPERATORS = ["op-1", "op-2"]
BRANDS = ["b-1", "b-2", "b-3"]


@dataclass(frozen=True)
class Row:
    """One campaign to add: its id, event type, condition tree, scope and active window."""

    id: str
    event_type: EventType
    node: Any
    operator_id: str | None
    brand_id: str | None
    active_from: int | None = None
    active_until: int | None = None

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``CampaignSet.add`` for this row."""
        return {"operator_id": self.operator_id, "brand_id": self.brand_id, "active_from": self.active_from,
                "active_until": self.active_until}


@dataclass
class World:
    """Envelopes, and the campaigns aimed at them."""

    envelopes: list[Envelope]
    campaigns: list[Row]


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
    choice = draw(st.integers(0, 6))
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
        scale = Decimal(draw(st.sampled_from([2, -2, 100, 3])))
        total = n.Arithmetic(draw(st.sampled_from(["+", "-", "*", "/"])), n.FieldRef("payload", first.name),
                             draw(st.sampled_from([n.FieldRef("payload", second.name), n.Number(scale)])))
        held = [getattr(sample.payload, first.name) for sample in samples]
        bound = n.Number(draw(st.sampled_from([Decimal(0), Decimal("1.5"), Decimal(10)]
                                              + [value * scale for value in held
                                                 if value is not None and len(value.as_tuple().digits) <= 30])))
        return n.Compare(draw(st.sampled_from(["==", ">=", "<", "!=", ">"])), total, bound)
    if choice == 4 and numbers:
        return draw(_scaled(numbers, samples))
    strings = [spec for spec in payload_fields(event_type) if spec.kind in ("identifier", "currency", "channel")]
    if not strings:
        return n.Compare(">=", n.Call("hour", (stamp,)), n.Number(Decimal(12)))
    spec = draw(st.sampled_from(strings))
    held = [value for value in (getattr(sample.payload, spec.name) for sample in samples) if isinstance(value, str)]
    word = draw(st.sampled_from([value.lower() for value in held] or ["eur"]))
    field = n.FieldRef("payload", spec.name)
    if draw(st.booleans()):
        return n.Compare("==", n.Call("lower", (field,)), n.String(word))
    return draw(_affixed(field, held))


@st.composite
def _affixed(draw: st.DrawFn, field: Any, held: list[str]) -> Any:
    """``starts_with`` or ``ends_with`` of a field (or its lower case) and a literal: a prefix or suffix of a
    value the samples hold (of any length, longer than the value too) or a fresh one; perhaps negated, or
    in an ``or`` with another."""

    def one() -> Any:
        name = draw(st.sampled_from(["starts_with", "ends_with"]))
        value = draw(st.sampled_from(held)) if held and draw(st.integers(0, 3)) else draw(st.text("ab-01", max_size=4))
        cut = draw(st.one_of(st.sampled_from([0, len(value) + 1]), st.integers(0, len(value))))
        part = value[:cut] if name == "starts_with" else value[len(value) - min(cut, len(value)):]
        if cut > len(value):
            part += "x"
        operand = n.Call("lower", (field,)) if draw(st.integers(0, 3)) == 0 else field
        call = n.Call(name, (operand, n.String(part)))
        return n.Not(call) if draw(st.integers(0, 3)) == 0 else call

    first = one()
    return n.Or((first, one())) if draw(st.integers(0, 3)) == 0 else first


@st.composite
def _scaled(draw: st.DrawFn, numbers: list[tuple[str, FieldSpec]], samples: list[Envelope]) -> Any:
    """``x op y * k`` (either side, either order of the product), ``k`` often a sample's ``x / y``, or near it."""
    (_, first), (_, second) = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
    x, y = n.FieldRef("payload", first.name), n.FieldRef("payload", second.name)
    ks = [Decimal(0), Decimal("1.5"), Decimal("-2")]
    for sample in samples:
        top, bottom = getattr(sample.payload, first.name), getattr(sample.payload, second.name)
        if top is not None and bottom:
            ratio = Decimal(top) / Decimal(bottom)  # 28 digits: exact for the sample or near it
            ks += [k for k in (ratio, ratio.quantize(Decimal("0.01")) if abs(ratio) < 10**20 else ratio,
                               ratio + Decimal("0.01"))
                   if len(k.as_tuple().digits) <= 30 and abs(k.adjusted()) <= 20]
    k = n.Number(draw(st.sampled_from(ks)).normalize() if draw(st.booleans()) else draw(st.sampled_from(ks)))
    product = n.Arithmetic("*", y, k) if draw(st.booleans()) else n.Arithmetic("*", k, y)
    op = draw(st.sampled_from(["<", "<=", ">", ">="]))
    return n.Compare(op, x, product) if draw(st.booleans()) else n.Compare(op, product, x)


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
    if kind == 4:
        clauses.extend(draw(_tier(event_type, samples)))
    if kind == 5 and len(clauses) >= 2:  # a top-level or of conjunctions
        half = len(clauses) // 2
        return n.Or((n.And(tuple(clauses[:half])) if half > 1 else clauses[0],
                     n.And(tuple(clauses[half:])) if len(clauses) - half > 1 else clauses[-1]))
    if kind == 6 and len(clauses) >= 2:  # not (a or b), not (a and b), not not a: alone or beside a clause
        inner = draw(st.sampled_from([n.Or, n.And]))(tuple(clauses[1:])) if len(clauses) > 2 else n.Not(clauses[1])
        return n.Not(inner) if draw(st.booleans()) else n.And((clauses[0], n.Not(inner)))
    if kind == 7 and len(clauses) >= 3:  # an or inside an and, perhaps under not
        either = n.Or((clauses[0], clauses[1])) if draw(st.booleans()) else n.Not(n.And((clauses[0], clauses[1])))
        return n.And((either, *clauses[2:]))
    return clauses[0] if len(clauses) == 1 else n.And(tuple(clauses))


@st.composite
def _tier(draw: st.DrawFn, event_type: EventType, samples: list[Envelope]) -> list[Any]:
    """Two bounds on one money field (a tier), or an hour window, around the values the samples hold."""
    money = [spec for spec in payload_fields(event_type) if spec.kind in ("money", "signed_money")]
    if not money or draw(st.booleans()):
        clock = n.Call("hour", (n.FieldRef("event", "timestamp"), n.String(draw(st.sampled_from(_ZONES)))))
        start = draw(st.integers(0, 23))
        return [n.Compare(">=", clock, n.Number(Decimal(start))),
                n.Compare(draw(st.sampled_from(["<", "<="])), clock, n.Number(Decimal(draw(st.integers(start, 24)))))]
    spec = draw(st.sampled_from(money))
    held = [getattr(sample.payload, spec.name) for sample in samples if getattr(sample.payload, spec.name) is not None]
    low = draw(st.sampled_from(held)) if held and draw(st.booleans()) else draw(st.decimals(0, 100, places=2))
    high = low + draw(st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(1), Decimal(50)]))
    ref = n.FieldRef("payload", spec.name)
    return [n.Compare(draw(st.sampled_from([">", ">="])), ref, n.Number(low)),
            n.Compare(draw(st.sampled_from(["<", "<="])), ref, n.Number(high))]


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
        window = draw(_window([sample.timestamp for sample in samples]))
        campaigns.append(Row(f"c{number}", event_type, node, operator_id, brand_id, *window))
    return World(samples, campaigns)


#: The last second an envelope's timestamp may hold, plus one.
_LAST_SECOND = 253_402_300_800


@st.composite
def _window(draw: st.DrawFn, moments: list[int]) -> tuple[int | None, int | None]:
    """An active window, mostly none, else with ends at, just around or away from the samples' timestamps."""
    if draw(st.integers(0, 3)):
        return None, None
    ends: list[int | None] = []
    for _ in range(2):
        if draw(st.booleans()):
            ends.append(None)
        else:
            moment = draw(st.sampled_from(moments)) + draw(st.sampled_from([-1, 0, 1, 3600]))
            ends.append(min(max(0, moment), _LAST_SECOND))
    start, end = ends
    if start is not None and end is not None:
        start, end = min(start, end), max(start, end)
        if start == end:  # an empty window is refused: widen it by a second
            start, end = (start - 1, end) if start else (start, end + 1)
    return start, end


def contexts() -> st.SearchStrategy[dict[str, Any] | None]:
    """Context values for :data:`CONTEXT`, or none at all (an error when a campaign in scope reads one)."""
    return st.one_of(st.none(), context_values(CONTEXT))


@st.composite
def dense_worlds(draw: st.DrawFn, max_campaigns: int = 80) -> World:
    """Many campaigns over few operands, so that the index forms look-up tables and range families and moves
    branches between them as it grows and shrinks."""
    samples = []
    for _ in range(draw(st.integers(2, 4))):
        envelope = draw(envelopes(EventType.TRANSACTION))
        scope = {"operator_id": draw(st.sampled_from(OPERATORS)), "brand_id": draw(st.sampled_from(BRANDS))}
        samples.append(envelope.model_copy(update=scope))
    games = sorted({sample.payload.game_id for sample in samples} | {"g-1", "g-2"})
    providers = sorted({sample.payload.provider_id for sample in samples} | {"p-1"})
    stamp = n.FieldRef("event", "timestamp")
    hour = n.Call("hour", (stamp, n.String(draw(st.sampled_from(_ZONES)))))
    campaigns = []
    for number in range(draw(st.integers(10, max_campaigns))):
        parts: list[Any] = []
        money = draw(st.sampled_from(["real_bet", "game_bet", "bonus_bet"]))
        threshold = draw(st.sampled_from([sample.payload.real_bet for sample in samples] + [Decimal(0),
                                                                                             Decimal("1.5")]))
        parts.append(n.Compare(draw(st.sampled_from([">=", ">", "<", "<="])), n.FieldRef("payload", money),
                               n.Number(threshold)))
        if draw(st.booleans()):
            parts.append(n.Compare("<", n.FieldRef("payload", money), n.Number(threshold + draw(st.sampled_from(
                [Decimal(0), Decimal(1), Decimal(100)])))))
        for _ in range(draw(st.integers(0, 3))):
            choice = draw(st.integers(0, 5))
            if choice == 0:
                keys = draw(st.lists(st.sampled_from(games), min_size=1, max_size=3, unique=True))
                parts.append(n.In(n.FieldRef("payload", "game_id"), n.ListLiteral(tuple(n.String(k) for k in keys))))
            elif choice == 1:
                parts.append(n.Compare(draw(st.sampled_from(["==", "!="])), n.FieldRef("payload", "provider_id"),
                                       n.String(draw(st.sampled_from(providers)))))
            elif choice == 2:
                hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=12, unique=True))
                parts.append(n.In(hour, n.ListLiteral(tuple(n.Number(Decimal(h)) for h in hours))))
            elif choice == 3:
                parts.append(draw(st.sampled_from([n.FieldRef("payload", "is_free_spin"),
                                                   n.Not(n.FieldRef("payload", "round_finished"))])))
            else:
                parts.append(n.In(n.FieldRef("payload", "currency"), n.ListLiteral(
                    (n.String(draw(st.sampled_from(["EUR", "USD", "SEK"]))),)), negated=draw(st.booleans())))
        node = parts[0] if len(parts) == 1 else n.And(tuple(parts))
        operator_id = draw(st.one_of(st.none(), st.sampled_from(OPERATORS)))
        campaigns.append(Row(f"d{number}", EventType.TRANSACTION, node, operator_id, None))
    return World(samples, campaigns)


@st.composite
def _multiple(draw: st.DrawFn, numbers: list[tuple[str, FieldSpec]], samples: list[Envelope]) -> Any:
    """``y * c op v`` (``c * y`` too), ``v`` often a sample's ``y * c`` or near it; or ``y op z`` of two fields."""
    _, spec = draw(st.sampled_from(numbers))
    y = n.FieldRef("payload", spec.name)
    c = n.Number(draw(st.sampled_from([Decimal(2), Decimal(-2), Decimal(100), Decimal(3), Decimal("-0.5")])))
    held = [getattr(sample.payload, spec.name) * c.value for sample in samples
            if getattr(sample.payload, spec.name) is not None]
    near = [value for value in (*held, *(value + Decimal("0.01") for value in held))
            if len(value.as_tuple().digits) <= 30]
    v = draw(st.sampled_from([Decimal(0), Decimal(1), *near]))
    product = n.Arithmetic("*", y, c) if draw(st.booleans()) else n.Arithmetic("*", c, y)
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    if draw(st.integers(0, 3)) == 0:  # two fields compared: an ordering is read as their difference
        _, other = draw(st.sampled_from(numbers))
        return n.Compare(op, y, n.FieldRef("payload", other.name))
    return n.Compare(op, product, n.Number(v)) if draw(st.booleans()) else n.Compare(op, n.Number(v), product)


_FACTORS = [Decimal(0), Decimal("0.01"), Decimal("2.50"), Decimal("-4.00"), Decimal("100"), None]


@st.composite
def scaled_worlds(draw: st.DrawFn, max_campaigns: int = 24) -> World:
    """Campaigns with scaled comparisons (``x op y * k``) on events whose factors ``y`` are positive, zero,
    negative or null, and ``k`` at, just off or away from their ratios."""
    samples = []
    for _ in range(draw(st.integers(2, 5))):
        event_type = draw(st.sampled_from([EventType.TRANSACTION, EventType.DEPOSIT]))
        envelope = draw(envelopes(event_type))
        name = "game_bet" if event_type is EventType.TRANSACTION else "balance_after"
        factor = draw(st.sampled_from(_FACTORS))
        if factor is None and name == "game_bet":
            factor = Decimal(0)
        if factor is not None and factor < 0 and name == "game_bet":
            factor = -factor
        payload = envelope.payload.model_copy(update={name: factor})
        samples.append(envelope.model_copy(update={"payload": payload, "operator_id": draw(st.sampled_from(OPERATORS)),
                                                   "brand_id": draw(st.sampled_from(BRANDS))}))
    campaigns = []
    for number in range(draw(st.integers(1, max_campaigns))):
        event_type = draw(st.sampled_from([EventType.TRANSACTION, EventType.DEPOSIT]))
        of_type = [sample for sample in samples if sample.payload.event_type is event_type]
        numbers = [("payload", spec) for spec in payload_fields(event_type) if spec.kind in ("money", "signed_money")]
        parts = [draw(st.one_of(_scaled(numbers, of_type), _multiple(numbers, of_type)))
                 for _ in range(draw(st.integers(1, 3)))]
        if draw(st.booleans()):
            parts.append(draw(_clause(event_type, of_type)))
        node = parts[0] if len(parts) == 1 else n.And(tuple(parts))
        if draw(st.integers(0, 3)) == 0:
            node = n.Or((node, draw(_scaled(numbers, of_type))))
        campaigns.append(Row(f"s{number}", event_type, node, draw(st.one_of(st.none(), st.sampled_from(OPERATORS))),
                             None))
    return World(samples, campaigns)
