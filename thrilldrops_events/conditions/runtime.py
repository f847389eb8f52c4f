"""What both evaluators share at evaluation time: the decimal context, literal coercions, context values.

Arithmetic uses ``DECIMAL_CONTEXT``, never the thread's current context: 100 significant
digits, half-even rounding, and an exponent range so wide that no condition within its limits can
overflow it. Sums and differences of literals and money values, and products of two, are therefore
exact; a result of more than 100 digits (a product of three 38-digit amounts) is rounded, and a
quotient is exact when it terminates within 100 digits. Dividing by zero gives ``null``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any
from zoneinfo import ZoneInfo

from thrilldrops_events._kinds import TIMESTAMP_MAX
from thrilldrops_events._moments import unix_seconds
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError
from thrilldrops_events.events import EventPayload

__all__ = [
    "DECIMAL_CONTEXT",
    "MAX_INT_BITS",
    "SERVER_ZONES",
    "check_context",
    "coerce_literal",
    "divide",
    "parse_date",
    "parse_datetime",
    "read_context",
    "unwrap",
    "zone",
]

#: The decimal context of all condition arithmetic.
DECIMAL_CONTEXT = Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_ZERO = Decimal(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
#: The most bits of an ``int`` read as a number (from ``ctx`` or a function); 1e1000 has 3,322. A larger int is
#: refused before it is converted: ``Decimal()`` of an int of millions of bits takes minutes.
MAX_INT_BITS = 3_400

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(Z|[+-][0-9]{2}:[0-9]{2})")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,3}")
#: Files of the time zone database that stand for the server's own setting, not for a place.
SERVER_ZONES = frozenset({"localtime", "posixrules"})


def divide(left: Any, right: Any) -> Any:
    """``left / right`` in ``DECIMAL_CONTEXT``; ``None`` (null) when ``right`` is zero."""
    if not right:
        return None
    return DECIMAL_CONTEXT.divide(left, right)


def parse_date(text: str) -> str | None:
    """The ISO date ``YYYY-MM-DD`` if ``text`` is one (a real calendar date), else ``None``."""
    if _DATE.fullmatch(text) is None:
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def parse_datetime(text: str) -> int | None:
    """Unix seconds of an ISO date-time with a zone (``2026-05-04T18:00:00Z``, ``...+02:00``), else ``None``."""
    match = _DATETIME.fullmatch(text)
    if match is None:
        return None
    day, clock, offset = match.groups()
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset == 'Z' else offset}")
    except ValueError:
        return None
    return unix_seconds(moment)


def coerce_literal(value: Any, target: ValueType) -> Any:
    """A literal's value as it is compared with a value of type ``target``.

    String literals compared with a timestamp are ISO date-times and become Unix seconds;
    compared with a channel they become the [ChannelType][thrilldrops_events.ChannelType] member.
    Everything else is compared as it is. The checker has already refused invalid literals.
    """
    if type(value) is str:
        if target.base == "timestamp":
            return parse_datetime(value)
        if target.base == "channel":
            return ChannelType(value)
    return value


@functools.lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone of that name, or ``None`` if there is none (never raises).

    ``localtime`` and ``posixrules`` are the server's own setting, whose meaning differs from one
    machine to another: they are no time zone of a condition.
    """
    if len(name) > 64 or _ZONE_NAME.fullmatch(name) is None or name in SERVER_ZONES:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None


def _seconds(name: str, value: Any) -> int | None:
    """The Unix seconds of a context value given as an ``int`` or a ``datetime`` with its zone, else ``None``.

    Raises:
        ConditionEvaluationError: If the ``datetime``'s time zone fails to give its offset (it raises, or gives
            an offset of a day or more).
    """
    if type(value) is int:  # an int subclass is made a plain int first, by ``_context_value``
        return value if value >= 0 else None
    if not isinstance(value, datetime):
        return None
    try:
        # counted by datetime's own subtraction, as unix_seconds counts: a subclass's __sub__ may give anything
        return datetime.__sub__(value, _EPOCH) // _SECOND if value.utcoffset() is not None else None
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a tzinfo of the caller's, however it fails
        raise ConditionEvaluationError(f"ctx.{name} could not be read as a timestamp: its time zone raised "
                                       f"{type(error).__name__}") from error


def _context_value(name: str, value: Any, declared: ValueType) -> Any:
    if value is None:
        if declared.nullable:
            return None
        raise ConditionEvaluationError(f"ctx.{name} is null, but it was declared {declared} (not nullable)")
    base = declared.base
    kind = type(value)
    if kind is not int and kind is not bool and isinstance(value, int):  # an IntEnum member, say: its value
        value, kind = int.__index__(value), int
    if base == "number":
        if kind is int and value.bit_length() > MAX_INT_BITS:  # before Decimal(), which is slow on huge ints
            raise ConditionEvaluationError(f"ctx.{name} must be a number from 1e-1000 to 1e1000 in magnitude, "
                                           f"not an int of {value.bit_length():,} bits")
        # a plain Decimal of a subclass: its own methods (is_finite, say) may say anything
        number = Decimal(value) if kind is int or (kind is not Decimal and isinstance(value, Decimal)) else value
        if isinstance(number, Decimal):
            if number.is_finite() and abs(number.adjusted()) <= 1000:
                return DECIMAL_CONTEXT.plus(number)
            if number.is_zero():  # a zero of any exponent (0E-5000) is zero
                return _ZERO
            if not number.is_finite():  # NaN, sNaN and the infinities are numbers to Decimal, not to a condition
                raise ConditionEvaluationError(f"ctx.{name} must be a finite number, not {number!r}")
            raise ConditionEvaluationError(f"ctx.{name} must be a number from 1e-1000 to 1e1000 in magnitude, "
                                           f"not {number:.3e}")
    elif base == "string":
        if isinstance(value, str) and not isinstance(value, ChannelType):
            return str.__str__(value)  # its text: str() of a subclass may be another (an enum member's name)
    elif base == "bool":
        if kind is bool:
            return value
    elif base == "channel":
        member = ChannelType._value2member_map_.get(str.__str__(value)) if isinstance(value, str) else None
        if member is not None:  # looked up by its text: a subclass of str may compare equal to anything
            return member
    elif base == "timestamp":
        seconds = _seconds(name, value)
        if seconds is not None:
            if 0 <= seconds <= TIMESTAMP_MAX:
                return seconds
            raise ConditionEvaluationError(f"ctx.{name} must be a timestamp from 1970-01-01T00:00:00Z to "
                                           f"9999-12-31T23:59:59Z, as an event's is")
    elif base == "date":
        if isinstance(value, date) and not isinstance(value, datetime):
            return date.isoformat(value)  # date's own: a subclass's isoformat may give anything
        if isinstance(value, str) and parse_date(value) is not None:
            return str.__str__(value)
    hint = " (floats are inexact: pass a Decimal or an int)" if kind is float else ""
    raise ConditionEvaluationError(f"ctx.{name} must be {declared.spoken}, not {kind.__name__}{hint}")


def check_context(ctx: object) -> None:
    """Refuse a ``ctx`` that is neither ``None`` (no context) nor a mapping, whatever reads it.

    Callers test ``ctx is not None and type(ctx) is not dict`` first, so that the usual cases cost
    no call.

    Raises:
        TypeError: Naming ``ctx``, if it is not a mapping (a list, a string, a number...).
    """
    if ctx is not None and not isinstance(ctx, Mapping):
        raise TypeError(f"ctx must be a mapping of context values, not {type(ctx).__name__}")


def read_context(
    ctx: Mapping[str, Any] | None, names: tuple[str, ...], declared: Mapping[str, ValueType]
) -> tuple[Any, ...]:
    """Check and convert the context values a condition reads, in the order of ``names``.

    Raises:
        TypeError: If ``ctx`` is neither ``None`` nor a mapping (even if ``names`` is empty).
        ConditionEvaluationError: If ``ctx`` is missing, lacks a value or holds one of the wrong type, or
            if looking a value up in it raises (anything but ``KeyboardInterrupt``).
    """
    if type(ctx) is not dict:
        check_context(ctx)
    if not names:
        return ()
    if ctx is None:
        needed = ", ".join(f"ctx.{name}" for name in names)
        raise ConditionEvaluationError(f"this condition reads {needed}: pass ctx={{...}} (a mapping), not no ctx")
    out = []
    for name in names:
        try:
            present = name in ctx
            value = ctx[name] if present else None
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # a mapping of the caller's whose look-up fails, however it fails
            raise ConditionEvaluationError(f"ctx.{name} could not be read: {type(error).__name__}") from error
        if not present:
            raise ConditionEvaluationError(f"ctx.{name} is missing from the context passed")
        out.append(_context_value(name, value, declared[name]))
    return tuple(out)


def utc_hour(timestamp: int) -> int:
    """The hour (0-23) of Unix seconds in UTC."""
    return timestamp // 3600 % 24


def utc_weekday(timestamp: int) -> int:
    """The ISO weekday (1 = Monday ... 7 = Sunday) of Unix seconds in UTC."""
    return (timestamp // 86400 + 3) % 7 + 1


def utc_date(timestamp: int) -> str | None:
    """The ISO date of Unix seconds in UTC, or ``None`` out of the calendar's range."""
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def unwrap(event: Any, event_type: EventType, needs_envelope: bool) -> tuple[EventPayload, Envelope | None]:
    """The payload (and envelope, if given one) a condition for ``event_type`` is evaluated on.

    Raises:
        ConditionEvaluationError: If ``event`` is not a payload of that type or an envelope holding one,
            or is a bare payload while the condition reads ``event.*``.
    """
    envelope = event if isinstance(event, Envelope) else None
    payload = event.payload if envelope is not None else event
    if not isinstance(payload, EventPayload):
        raise ConditionEvaluationError(
            f"a condition on {event_type.value} events is evaluated on a {event_type.value} payload or an Envelope "
            f"holding one, not on {type(event).__name__}"
        )
    if payload.event_type is not event_type:
        raise ConditionEvaluationError(
            f"this condition is for {event_type.value} events and was given a {payload.event_type.value} event"
        )
    if needs_envelope and envelope is None:
        raise ConditionEvaluationError(
            f"this condition reads event.* fields: evaluate it on the Envelope, not on the bare {event_type.value} "
            "payload"
        )
    return payload, envelope
