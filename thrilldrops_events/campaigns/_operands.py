"""What the index reads from an event: operands (fields and derived values) and residual clauses.

An ``Operand`` is one pure expression of an event type, shared by every campaign of the set
that reads it: a field is read directly; a derived value (``hour(event.timestamp, "Europe/Malta")``,
``lower(currency)``, ``real_bet + bonus_bet``) is computed by compiled code once per event,
however many campaigns compare it with different values. A ``Residual`` is a clause the index
cannot decide by look-up; it is evaluated once per event for every campaign that holds it, and
only for the campaigns whose atoms all hold. ``check`` turns an atom into a test for the
campaigns that reach it without the index having decided it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any, Protocol, TypeVar

from thrilldrops_events.campaigns._affixes import Affix, affix_read
from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.closures import Closure
from thrilldrops_events.conditions.compiler import compile_clause
from thrilldrops_events.conditions.functions import BUILTINS
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import utc_hour, utc_weekday
from thrilldrops_events.conditions.runtime import zone as runtime_zone
from thrilldrops_events.enums import EventType

__all__ = ["Check", "Clock", "MatchState", "Operand", "Operands", "Read", "Residual", "check"]

#: How an operand is read from an envelope.
Read = Callable[[Any], Any]
#: A test of one campaign branch that the index did not decide: ``check(envelope, state) -> bool``.
Check = Callable[[Any, "MatchState"], bool]

_NO_CONTEXT: Mapping[str, Any] = {}


class _Counted(Protocol):
    users: int


U = TypeVar("U", bound=_Counted)


class MatchState:
    """What one match carries besides the envelope: the context values, and the residual clauses' values."""

    __slots__ = ("ctx", "memo")

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.ctx = ctx
        self.memo: dict[Residual, bool] = {}


class _Derived:
    """A derived value, computed once per envelope (envelopes are frozen, so one is known by its identity).

    The last result is kept with its envelope as one tuple, replaced whole, so threads never see half of it.
    """

    __slots__ = ("_cache", "_closure")

    def __init__(self, closure: Closure) -> None:
        self._closure = closure
        self._cache: tuple[Any, Any] = (None, None)

    def __call__(self, envelope: Any) -> Any:
        cache = self._cache
        if cache[0] is envelope:
            return cache[1]
        value = self._closure(envelope.payload, envelope, _NO_CONTEXT)
        self._cache = (envelope, value)
        return value


class Operand:
    """One pure expression of an event type, shared by the campaigns that read it.

    Attributes:
        node: The expression.
        read: ``read(envelope)`` gives its value for an event.
        derived: Whether it is computed (a call, arithmetic) rather than a field read.
        users: How many atoms of the set use it.
        clock: For the hour or the weekday of the timestamp read by a ``Clock``, that clock (its value
            depends on the timestamp alone); else ``None``.
    """

    __slots__ = ("clock", "derived", "node", "read", "users")

    def __init__(self, node: Node, read: Read, clock: Clock | None = None) -> None:
        self.node = node
        self.read = read
        self.users = 0
        self.derived = not isinstance(node, n.FieldRef)
        self.clock = clock

    def __repr__(self) -> str:
        return f"<Operand {self.node.text[:60]}>"


class Residual:
    """A clause the index cannot decide, shared by the campaigns that hold it; evaluated once per event."""

    __slots__ = ("closure", "key", "node", "users")

    def __init__(self, node: Node, closure: Closure, key: Any = None) -> None:
        self.node = node
        self.closure = closure
        self.users = 0
        self.key = node if key is None else key

    def __call__(self, envelope: Any, state: MatchState) -> bool:
        """Its value for ``envelope`` (computed at most once per match)."""
        memo = state.memo
        held = memo.get(self)
        if held is None:
            held = memo[self] = bool(self.closure(envelope.payload, envelope, state.ctx))
        return held

    def __repr__(self) -> str:
        return f"<Residual {self.node.text[:60]}>"


class _LocalTime:
    """The local date and time of an envelope's timestamp in one time zone, computed once per envelope.

    Its ``hour`` and ``weekday`` read it (``None`` out of the calendar's range, as the built-ins
    give), each in one call.
    """

    __slots__ = ("_cache", "_zone")

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone
        self._cache: tuple[Any, datetime | None] = (None, None)

    def _moment(self, envelope: Any) -> datetime | None:
        try:
            value: datetime | None = datetime.fromtimestamp(envelope.timestamp, self._zone)
        except (OverflowError, ValueError, OSError):
            value = None
        self._cache = (envelope, value)
        return value

    def hour(self, envelope: Any) -> int | None:
        cache = self._cache
        moment = cache[1] if cache[0] is envelope else self._moment(envelope)
        return None if moment is None else moment.hour

    def weekday(self, envelope: Any) -> int | None:
        cache = self._cache
        moment = cache[1] if cache[0] is envelope else self._moment(envelope)
        return None if moment is None else moment.isoweekday()


class Clock:
    """The hour and the weekday of the timestamp in one zone (or UTC), read without the evaluator.

    Both come from one local time per zone and envelope (``None`` out of the calendar's range, as
    the built-ins give), shared by every campaign of the set that reads that zone.

    Attributes:
        zone: The time zone (``None``: UTC).
        hour: Reads the hour.
        weekday: Reads the weekday.
    """

    __slots__ = ("hour", "weekday", "zone")

    def __init__(self, where: tzinfo | None) -> None:
        self.zone = where
        self.hour: Read
        self.weekday: Read
        if where is None:
            self.hour = lambda envelope: utc_hour(envelope.timestamp)
            self.weekday = lambda envelope: utc_weekday(envelope.timestamp)
        else:
            local = _LocalTime(where)
            self.hour, self.weekday = local.hour, local.weekday


class Operands:
    """The operands and residual clauses of one campaign set, per event type, counted by their users."""

    def __init__(self) -> None:
        self._operands: dict[tuple[EventType, Node], Operand] = {}
        self._residuals: dict[tuple[EventType, Any], Residual] = {}
        self._clocks: dict[tuple[Node, ...], Clock | None] = {}

    def operand(self, event_type: EventType, checked: CheckedCondition, node: Node) -> Operand:
        """The shared operand for ``node`` (a pure expression of ``checked``), counting one more user."""
        return _counted(self._operands, (event_type, node), lambda: self._make(checked, node))

    def residual(self, event_type: EventType, checked: CheckedCondition, node: Node) -> Residual:
        """The shared residual clause for ``node``, counting one more user.

        A clause calling registered functions is shared only by campaigns checked with the same ones
        (a function replaced in the registry since an earlier campaign was added changes nothing for it).
        """
        called = _registered(checked, node)
        key = (node, called) if called else node
        return _counted(self._residuals, (event_type, key), lambda: Residual(node, compile_clause(checked, node), key))

    def _make(self, checked: CheckedCondition, node: Node) -> Operand:
        """An operand for a pure expression.

        A field is read directly; the built-in hour and weekday of the timestamp without the evaluator,
        from one local time per zone and event; a prefix or suffix (``Affix``) by slicing its operand's
        value; anything else by its compiled code.
        """
        match node:
            case Affix(operand):
                return Operand(node, affix_read(node, self._make(checked, operand).read))
            case n.FieldRef("payload", name):
                return Operand(node, operator.attrgetter(f"payload.{name}"))
            case n.FieldRef("event", name):
                return Operand(node, operator.attrgetter(name))
            case n.Call("hour" | "weekday" as part, (n.FieldRef("event", "timestamp"), *zone)):
                clock = self._clock(tuple(zone))
                if clock is not None:
                    return Operand(node, clock.hour if part == "hour" else clock.weekday, clock)
        return Operand(node, _Derived(compile_clause(checked, node)))

    def _clock(self, zone: tuple[Node, ...]) -> Clock | None:
        """The clock of UTC (no argument) or of a zone named by a string, shared by the set."""
        if zone not in self._clocks:
            match zone:
                case ():
                    self._clocks[zone] = Clock(None)
                case (n.String(name),) if (where := runtime_zone(name)) is not None:
                    self._clocks[zone] = Clock(where)
                case _:
                    self._clocks[zone] = None
        return self._clocks[zone]

    def find(self, event_type: EventType, checked: CheckedCondition, node: Node) -> Operand:
        """The shared operand for ``node`` if the set reads it, else a new one it does not hold; counting no user."""
        found = self._operands.get((event_type, node))
        return self._make(checked, node) if found is None else found

    def release(self, event_type: EventType, item: Operand | Residual) -> None:
        """One user fewer; forgotten at none."""
        item.users -= 1
        if item.users <= 0:
            table: dict[tuple[EventType, Node], Any] = (
                self._operands if isinstance(item, Operand) else self._residuals
            )
            table.pop((event_type, item.node if isinstance(item, Operand) else item.key), None)

    def __len__(self) -> int:
        return len(self._operands) + len(self._residuals)


def _registered(checked: CheckedCondition, node: Node) -> tuple[int, ...]:
    """The identities of the functions other than the built-ins that ``node`` calls, in order."""
    found: list[int] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is n.Call:
            spec = checked.functions.get(item.name)
            if spec is not None and BUILTINS.get(item.name) is not spec:
                found.append(id(spec))
        stack.extend(item.children)
    return tuple(found)


def _counted(table: dict[tuple[EventType, Any], U], key: tuple[EventType, Any], make: Callable[[], U]) -> U:
    """The entry of ``table`` at ``key`` (made if missing), counting one more user."""
    found = table.get(key)
    if found is None:
        found = table[key] = make()
    found.users += 1
    return found


def check(atom: Atom, read: Read) -> Check:
    """A test of ``atom`` for one campaign branch, reading its operand with ``read``."""
    if atom.kind == "set":
        keys = atom.keys
        return lambda envelope, state: read(envelope) in keys
    if atom.kind == "not_set":
        excluded = atom.keys
        return lambda envelope, state: read(envelope) not in excluded
    low, high = atom.low, atom.high
    if high is None and low is not None:
        floor, inclusive = low
        if inclusive:
            return lambda envelope, state: (value := read(envelope)) is not None and value >= floor
        return lambda envelope, state: (value := read(envelope)) is not None and value > floor
    if low is None and high is not None:
        ceiling, inclusive = high
        if inclusive:
            return lambda envelope, state: (value := read(envelope)) is not None and value <= ceiling
        return lambda envelope, state: (value := read(envelope)) is not None and value < ceiling
    holds = atom.holds
    return lambda envelope, state: holds(read(envelope))
