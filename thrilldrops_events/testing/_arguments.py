"""The checks of the strategies' arguments: a wrong one is Hypothesis's ``InvalidArgument``, named."""

from __future__ import annotations

from typing import Any

from hypothesis.errors import InvalidArgument

from thrilldrops_events._fields import KIND_CONSTRAINTS, FieldSpec
from thrilldrops_events.enums import EventType

__all__ = ["check_bool", "check_context", "check_event_type", "check_field_spec", "check_int"]


def check_bool(name: str, value: Any) -> None:
    """Refuse anything but ``True`` or ``False``."""
    if type(value) is not bool:
        raise InvalidArgument(f"{name}={value!r} must be a bool")


def check_int(name: str, value: Any, lowest: int, highest: int | None = None) -> None:
    """Refuse anything but an int (not a bool) from ``lowest`` to ``highest``."""
    if type(value) is not int:
        raise InvalidArgument(f"{name}={value!r} must be an int")
    if highest is not None and not lowest <= value <= highest:
        raise InvalidArgument(f"{name}={value!r} must be between {lowest} and {highest}")
    if value < lowest:
        raise InvalidArgument(f"{name}={value!r} must be at least {lowest}")


def check_event_type(name: str, value: Any) -> EventType:
    """Refuse anything but an ``EventType`` or its exact wire name; return the member."""
    if isinstance(value, EventType):
        return value
    names = [member.value for member in EventType]
    if isinstance(value, str) and value in names:
        return EventType(value)
    raise InvalidArgument(f"{name}={value!r} must be an EventType or its name: one of {', '.join(names)}")


def check_field_spec(name: str, value: Any) -> None:
    """Refuse anything but a field of the contract, as ``payload_fields`` and ``ENVELOPE_FIELDS`` give them."""
    if not isinstance(value, FieldSpec):
        raise InvalidArgument(f"{name}={value!r:.40} must be a FieldSpec (one of payload_fields(event_type) or "
                              f"ENVELOPE_FIELDS), not {type(value).__name__}")
    kinds = sorted(KIND_CONSTRAINTS)
    if not (isinstance(value.kind, str) and value.kind in kinds):
        raise InvalidArgument(f"{name}.kind={value.kind!r:.40} must be one of the kinds of the contract: "
                              f"{', '.join(kinds)}")
    if type(value.nullable) is not bool:
        raise InvalidArgument(f"{name}.nullable={value.nullable!r:.40} must be a bool")


def check_context(name: str, value: Any) -> None:
    """Refuse anything but a dict of names to declared types (both strings), as ``compile_condition`` takes them.

    Each name must be one a condition can read (``ctx.vip_level``), and each type one conditions know.
    """
    from thrilldrops_events.conditions.checked import declarations
    from thrilldrops_events.errors import ConditionError

    if not isinstance(value, dict) or not all(type(k) is str and type(v) is str for k, v in value.items()):
        raise InvalidArgument(f"{name} must be a dict of names to types ({{'vip': 'bool'}}), not {value!r:.200}")
    try:
        declarations(value)
    except ConditionError as error:
        raise InvalidArgument(f"{name} must be a dict of names to types ({{'vip': 'bool'}}): {error}") from None
