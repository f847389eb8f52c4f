"""The envelope exactly as it is on the wire (``event_type: {variant: {...}}``), and its conversion to ``Envelope``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from thrilldrops_events._problems import single
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload
from thrilldrops_events.types import Identifier, Timestamp

__all__ = ["WIRE", "WireEnvelope", "envelope_from_wire", "new_envelope", "payload_of"]


class _VariantsBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True, defer_build=True)

    @model_validator(mode="after")
    def _exactly_one(self) -> _VariantsBase:
        present = self.model_fields_set
        if len(present) != 1:
            found = ", ".join(sorted(present)) or "none"
            raise PydanticCustomError(
                "variant_count",
                "must hold exactly one event type, such as {\"Deposit\": {...}}; found {found}",
                {"found": found},
            )
        return self


# `event_type` on the wire: an object with exactly one key, the variant name. Built from the registry.
_Variants: type[_VariantsBase] = create_model(  # type: ignore[call-overload]
    "_Variants",
    __base__=_VariantsBase,
    **{event_type.value: (model, None) for event_type, model in PAYLOAD_MODELS.items()},
)


class WireEnvelope(BaseModel):
    """The envelope exactly as it is on the wire; converted to ``Envelope`` once valid."""

    model_config = ConfigDict(extra="allow", frozen=True, hide_input_in_errors=True, defer_build=True)

    operator_id: Identifier
    brand_id: Identifier
    player_id: Identifier
    timestamp: Timestamp
    event_type: _Variants = Field()


WIRE = WireEnvelope.__pydantic_validator__


def envelope_from_wire(wire: WireEnvelope) -> Envelope:
    extra = wire.__pydantic_extra__
    if extra and "payload" in extra:
        raise single("payload", "unknown field 'payload' clashes with Envelope.payload; the payload goes under "
                     "event_type", "reserved_field")
    return new_envelope(wire, payload_of(wire), extra)


_ENVELOPE_FIELDS_SET = frozenset(Envelope.model_fields)
_new_object = object.__new__
_set = object.__setattr__


def new_envelope(wire: WireEnvelope, payload: EventPayload, extra: dict[str, Any] | None) -> Envelope:
    """Build an ``Envelope`` from parts already validated, the way ``model_construct`` does, minus its overhead."""
    envelope = _new_object(Envelope)
    _set(envelope, "__dict__", {
        "operator_id": wire.operator_id,
        "brand_id": wire.brand_id,
        "player_id": wire.player_id,
        "timestamp": wire.timestamp,
        "payload": payload,
    })
    _set(envelope, "__pydantic_fields_set__", set(_ENVELOPE_FIELDS_SET))
    _set(envelope, "__pydantic_extra__", dict(extra) if extra else {})
    _set(envelope, "__pydantic_private__", None)
    return envelope


def payload_of(wire: WireEnvelope) -> EventPayload:
    variants = wire.event_type
    (name,) = variants.model_fields_set
    payload: EventPayload = getattr(variants, name)
    return payload
