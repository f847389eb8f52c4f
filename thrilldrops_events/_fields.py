"""One normalised view of "which fields, of which kind" per model.

The condition checker, the JSON Schema export, the Hypothesis strategies and the generated docs
all read the models through this module instead of digging through pydantic internals.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import StringConstraints
from pydantic.fields import FieldInfo

from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS
from thrilldrops_events.types import (
    _MAX_SECONDS,
    _MONEY_MAX_TEXT,
    MONEY_MAX_INTEGER_DIGITS,
    MONEY_MAX_SCALE,
    CountryCode,
    CurrencyCode,
    Identifier,
    Money,
    SessionToken,
    SignedMoney,
    StrictBool,
    Timestamp,
)

__all__ = ["ENVELOPE_FIELDS", "KIND_CONSTRAINTS", "KIND_RULES", "FieldKind", "FieldSpec", "KindConstraints",
           "payload_fields"]

#: The kinds of field in the contract.
FieldKind = Literal[
    "identifier", "currency", "country", "money", "signed_money", "bool", "channel", "secret", "timestamp"
]

_KINDS: tuple[tuple[Any, FieldKind], ...] = (
    (Money, "money"),
    (SignedMoney, "signed_money"),
    (CurrencyCode, "currency"),
    (CountryCode, "country"),
    (Identifier, "identifier"),
    (StrictBool, "bool"),
    (ChannelType, "channel"),
    (SessionToken, "secret"),
    (Timestamp, "timestamp"),
)


@dataclass(frozen=True)
class KindConstraints:
    """The constraints of a kind of field, read from its type in ``types.py`` (never restated).

    Attributes:
        pattern: The type's own regular expression (Python syntax), if it has one.
        min_length: The fewest characters of a string.
        max_length: The most characters of a string.
        minimum: The smallest integer.
        maximum: The largest integer.
        values: The allowed values, in a stable order (channels, countries).
        integer_digits: Money: the most digits before the decimal point.
        scale: Money: the most digits after the decimal point.
        max_text: Money: the longest decimal string read.
    """

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    values: tuple[str, ...] | None = None
    integer_digits: int | None = None
    scale: int | None = None
    max_text: int | None = None


def _metadata(annotation: Any) -> list[Any]:
    """The flat list of an ``Annotated`` type's constraints (inside ``Field(...)`` and grouped ones too)."""
    flat: list[Any] = []
    for item in typing.get_args(annotation)[1:]:
        if isinstance(item, FieldInfo):
            flat.extend(item.metadata)
        elif isinstance(item, StringConstraints):
            flat.append(item)
            flat.extend(part for part in item if not isinstance(part, StringConstraints))
        else:
            flat.append(item)
    return flat


def _read_constraints(annotation: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in _metadata(annotation):
        if isinstance(item, StringConstraints) and item.pattern is not None:
            found["pattern"] = str(item.pattern)
        elif isinstance(item, annotated_types.MinLen):
            found["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif isinstance(item, annotated_types.Ge):
            found["minimum"] = item.ge
    quantifier = re.search(r"\{(\d+),(\d+)\}\$$", found.get("pattern", ""))
    if quantifier and "min_length" not in found:  # a fixed character class repeated: its lengths
        found["min_length"], found["max_length"] = int(quantifier[1]), int(quantifier[2])
    return found


def _constraints(annotation: Any, kind: FieldKind) -> KindConstraints:
    extra: dict[str, Any] = {}
    if kind in ("money", "signed_money"):
        extra = {"integer_digits": MONEY_MAX_INTEGER_DIGITS, "scale": MONEY_MAX_SCALE, "max_text": _MONEY_MAX_TEXT}
    elif kind == "timestamp":
        extra = {"maximum": _MAX_SECONDS}
    elif kind == "country":
        extra = {"values": tuple(sorted(COUNTRY_CODES))}
    elif kind == "channel":
        extra = {"values": tuple(c.value for c in ChannelType)}
    return KindConstraints(**_read_constraints(annotation), **extra)


#: The constraints of each kind, read from the types.
KIND_CONSTRAINTS: dict[FieldKind, KindConstraints] = {
    kind: _constraints(annotation, kind) for annotation, kind in _KINDS
}


def _rules() -> dict[str, str]:
    identifier, currency = KIND_CONSTRAINTS["identifier"], KIND_CONSTRAINTS["currency"]
    money = KIND_CONSTRAINTS["money"]
    digits = f"at most {money.integer_digits} digits before the point and {money.scale} after; never a float."
    return {
        "identifier": f"Non-empty string, no leading or trailing whitespace, at most {identifier.max_length} "
        "characters.",
        "currency": f"{currency.min_length} to {currency.max_length} ASCII letters or digits, case kept (EUR, USDT, "
        "mBTC).",
        "country": "ISO 3166-1 alpha-2, upper case, an assigned code; UK is accepted as sent.",
        "money": f"Exact decimal >= 0, as a JSON number or a decimal string; {digits}",
        "signed_money": f"Exact decimal, may be negative, as a JSON number or a decimal string; {digits}",
        "bool": "true or false (strict mode refuses strings and numbers).",
        "channel": f"One of {', '.join(KIND_CONSTRAINTS['channel'].values or ())} (case-sensitive).",
        "secret": f"Opaque string, at most {KIND_CONSTRAINTS['secret'].max_length} characters; never shown in repr, "
        "logs or errors.",
        "timestamp": f"Integer Unix seconds >= {KIND_CONSTRAINTS['timestamp'].minimum}; a 13-digit value is refused "
        "as milliseconds.",
    }


#: The validation rule of each kind, in words (shown in the docs and the JSON Schema), from the constraints.
KIND_RULES: dict[str, str] = _rules()


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
