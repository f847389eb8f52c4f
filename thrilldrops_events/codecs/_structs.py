"""The fast decoder's msgspec types, generated from the contract table and the field view.

Each kind of field becomes the msgspec type that checks in C what msgspec can check exactly: string
lengths, integer bounds, the allowed values of countries and channels, JSON types (``strict=True``, so
no ``"true"`` for a boolean and no ``1.0`` for a timestamp), and unknown fields (``forbid_unknown_fields``).
What msgspec cannot say exactly is left to ``thrilldrops_events.codecs._checks``, after decoding:
money (kept as the JSON value, see there), the whitespace rule of identifiers and the alphabet of
currencies.

The envelope and each payload have two structs: one refusing unknown fields, one skipping them (the
lenient reader collects them separately). The envelope's ``event_type`` is a struct of the variants, each
the payload's struct, so one decode reads the whole document. A nullable field absent from the document
decodes to ``UNSET``, so the models learn which fields were set, as pydantic would tell them.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import UNSET, Meta, UnsetType

from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, KindConstraints, payload_fields
from thrilldrops_events._kinds import ChannelType
from thrilldrops_events.enums import EventType

__all__ = ["ENVELOPE_NAMES", "envelope_struct", "kind_type", "payload_struct"]

#: The envelope's wire keys.
ENVELOPE_NAMES: tuple[str, ...] = (*(spec.name for spec in ENVELOPE_FIELDS), "event_type")


def _string(limits: KindConstraints) -> Any:
    return Annotated[str, Meta(min_length=limits.min_length, max_length=limits.max_length)]


def kind_type(limits: KindConstraints) -> Any:
    """The msgspec type of a (non-null) value of a kind: what msgspec checks in C."""
    if limits.integer_digits is not None:
        return Any  # money: a JSON number (read exactly by the float hook) or a string, checked after decoding
    if limits.kind == "channel":
        return ChannelType  # the enumeration of the table's values, decoded by value
    if limits.values is not None:
        return Literal[limits.values]
    if "boolean" in limits.json_types:
        return bool
    if "integer" in limits.json_types:
        return Annotated[int, Meta(ge=limits.minimum, le=limits.maximum)]
    return _string(limits)


def _field(spec: FieldSpec) -> tuple[str, Any] | tuple[str, Any, Any]:
    value = kind_type(spec.constraints)
    if spec.nullable:
        return spec.name, Union[value, None, UnsetType], UNSET  # noqa: UP007
    return spec.name, value


@functools.cache
def payload_struct(event_type: EventType, *, forbid: bool) -> type[msgspec.Struct]:
    """The struct of one payload, its fields in the model's order (one class per event type and mode)."""
    fields = [_field(spec) for spec in payload_fields(event_type)]
    return msgspec.defstruct(f"{event_type.value}Struct", fields, kw_only=True, forbid_unknown_fields=forbid,
                             frozen=True)


def envelope_struct(*, forbid: bool) -> type[msgspec.Struct]:
    """The struct of the envelope: its fields, and ``event_type`` as a struct of the variants.

    Each variant is its payload's struct, absent (``UNSET``) unless given, never ``null``. The variants'
    struct refuses unknown keys in both modes: an unknown event type is never skipped. Which variant a
    document holds (exactly one) is checked after decoding.
    """
    fields: list[Any] = [_field(spec) for spec in ENVELOPE_FIELDS]
    variants = [(member.value, Union[payload_struct(member, forbid=forbid), UnsetType], UNSET)  # noqa: UP007
                for member in EventType]
    event_type = msgspec.defstruct("EventTypeStruct", variants, kw_only=True, forbid_unknown_fields=True, frozen=True)
    return msgspec.defstruct("EnvelopeStruct", [*fields, ("event_type", event_type)], kw_only=True,
                             forbid_unknown_fields=forbid, frozen=True)
