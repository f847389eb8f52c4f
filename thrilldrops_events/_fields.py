"""One normalised view of "which fields, of which kind" per model, each with every constraint of its kind.

The constraints are the contract table's (``thrilldrops_events._kinds``), where each is written once. The
condition checker, the JSON Schema export, the Hypothesis strategies, the fast decoder and the generated
docs all read the models through this module instead of digging through pydantic internals.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from typing import Any

from thrilldrops_events._kinds import KIND_CONSTRAINTS, KIND_RULES, FieldKind, KindConstraints
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS
from thrilldrops_events.types import (
    CountryCode,
    CurrencyCode,
    FreeText,
    Identifier,
    Money,
    SessionToken,
    SignedMoney,
    StrictBool,
    Timestamp,
)

__all__ = ["ENVELOPE_FIELDS", "KIND_CONSTRAINTS", "KIND_RULES", "FieldKind", "FieldSpec", "KindConstraints",
           "payload_fields"]

# The type of each kind, as the models annotate their fields.
_KINDS: tuple[tuple[Any, FieldKind], ...] = (
    (Money, "money"),
    (SignedMoney, "signed_money"),
    (CurrencyCode, "currency"),
    (CountryCode, "country"),
    (Identifier, "identifier"),
    (FreeText, "text"),
    (StrictBool, "bool"),
    (ChannelType, "channel"),
    (SessionToken, "secret"),
    (Timestamp, "timestamp"),
)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a model, as the rest of the library sees it.

    Attributes:
        name: The wire name.
        kind: What kind of value it holds.
        nullable: Whether ``null`` (or absence) is allowed.
        description: The field's description from the model.
    """

    name: str
    kind: FieldKind
    nullable: bool
    description: str

    @property
    def constraints(self) -> KindConstraints:
        """Every constraint of the field's kind (pattern, lengths, bounds, allowed values, money limits)."""
        return KIND_CONSTRAINTS[self.kind]

    @property
    def rule(self) -> str:
        """The validation rule of the field, in words."""
        return KIND_RULES[self.kind]


def _kind_of(annotation: Any) -> tuple[FieldKind, bool]:
    nullable = False
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(members) != len(typing.get_args(annotation))
        (annotation,) = members
    for known, kind in _KINDS:
        if annotation is known or annotation == known:
            return kind, nullable
    raise TypeError(f"no field kind for annotation {annotation!r}")  # pragma: no cover - a new type was added


def _fields_of(model: type[Any], names: tuple[str, ...] | None = None) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(model, include_extras=True)
    specs = []
    for name, info in model.model_fields.items():
        if names is not None and name not in names:
            continue
        kind, nullable = _kind_of(hints[name])
        specs.append(FieldSpec(name, kind, nullable, info.description or ""))
    return tuple(specs)


@functools.cache
def payload_fields(event_type: EventType | str) -> tuple[FieldSpec, ...]:
    """The fields of an event type's payload, in wire order."""
    return _fields_of(PAYLOAD_MODELS[EventType(event_type)])


#: The envelope's own scalar fields (``payload`` excluded), in wire order.
ENVELOPE_FIELDS: tuple[FieldSpec, ...] = _fields_of(Envelope, ("operator_id", "brand_id", "player_id", "timestamp"))
