"""The ``POST /event`` envelope: operator, brand and player scope around one payload.

On the wire the payload sits under its variant name (an externally tagged union)::

    {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-000042", "timestamp": 1777852800,
     "event_type": {"Deposit": {"method_id": "visa", "currency": "EUR", "amount": "25.00", "balance_after": null}}}

In Python the payload is the typed model itself: ``envelope.payload``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
)
from typing_extensions import Self

from thrilldrops_events._moments import fixed_moment, unix_seconds, utc_datetime
from thrilldrops_events._problems import single
from thrilldrops_events._unknown import hide_unknown_secrets_in_json
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload, Payload
from thrilldrops_events.events._base import ContractModel, EventType, build_when_used
from thrilldrops_events.types import WIRE_CONTEXT, Identifier, Timestamp

__all__ = ["Envelope"]



def _payload_tag(value: Any) -> str | None:
    return value.event_type.value if isinstance(value, EventPayload) else None


if TYPE_CHECKING:
    _TaggedPayload = Payload
else:
    # One tagged member per registered model: the discriminator reads the instance's event type.
    _TaggedPayload = Annotated[
        Union[tuple(Annotated[model, Tag(kind.value)] for kind, model in PAYLOAD_MODELS.items())],  # noqa: UP007
        Discriminator(
            _payload_tag,
            custom_error_type="payload_type",
            custom_error_message=f"payload must be an instance of one of the {len(PAYLOAD_MODELS)} payload models "
            "(Deposit, ...)",
        ),
    ]


class Envelope(ContractModel):
    """One ThrillDrops event: who it is about, when, and what happened.

    Build it from a payload model and read it with [parse_event][thrilldrops_events.parse_event];
    write it with [to_json][thrilldrops_events.to_json]. Unknown envelope fields are kept; one may not be
    named ``event_type``, the payload's wire name (``reserved_field``).

    Examples:
        >>> from decimal import Decimal
        >>> from thrilldrops_events import Deposit, Envelope
        >>> deposit = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
        >>> env = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-42",
        ...                timestamp=1777852800, payload=deposit)
        >>> env.event_type
        <EventType.DEPOSIT: 'Deposit'>
    """

    model_config = ConfigDict(frozen=True, extra="allow", hide_input_in_errors=True, defer_build=True)
    _json_reader: ClassVar[str] = "envelope"
    # The payload's wire name: an unknown field named so would be written over the payload.
    _reserved_names: ClassVar[frozenset[str]] = frozenset({"event_type"})

    operator_id: Identifier = Field(description="The casino operator the event belongs to.")
    brand_id: Identifier = Field(description="The operator's brand (site) the event belongs to.")
    player_id: Identifier = Field(description="The player the event is about.")
    timestamp: Timestamp = Field(
        description="When the event happened, in Unix seconds (an integer; not milliseconds, not a string)."
    )
    payload: _TaggedPayload = Field(
        description="The event itself; on the wire it is `event_type: {\"<Variant>\": {...}}`, exactly one key."
    )

    @property
    def event_type(self) -> EventType:
        """The payload's event type (its wire variant name)."""
        return self.payload.event_type

    @property
    def time(self) -> datetime:
        """The timestamp as an aware UTC ``datetime``."""
        return utc_datetime(self.timestamp)

    @classmethod
    def at(
        cls, when: datetime, payload: EventPayload, *, operator_id: str, brand_id: str, player_id: str, **extra: Any
    ) -> Self:
        """Build an envelope from an aware ``datetime`` (sub-second precision is dropped).

        Raises:
            TypeError: If ``when`` is not a ``datetime`` (a ``date``, a string, a number of seconds...).
            EventValidationError: If ``when`` is naive (has no time zone) or any field is invalid.
        """
        if not isinstance(when, datetime):
            raise TypeError(f"Envelope.at expects an aware datetime, not {type(when).__name__}; "
                            "for Unix seconds use Envelope(timestamp=...)")
        try:
            moment = fixed_moment(when)
        except ValueError as error:
            raise single("timestamp", f"datetime must be aware: {error}", "time_zone") from None
        if moment is None:
            raise single("timestamp", "datetime must be aware (have a time zone), such as UTC", "naive_datetime")
        return cls(
            operator_id=operator_id,
            brand_id=brand_id,
            player_id=player_id,
            timestamp=unix_seconds(moment),
            payload=payload,
            **extra,
        )

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate an envelope from Python data: its wire form (as ``to_dict`` writes it) or its fields.

        A mapping without a ``payload`` key is the wire form (``event_type: {"<Variant>": {...}}``) and is
        read as [parse_event][thrilldrops_events.parse_event] reads a ``dict``; ``strict=True`` then refuses
        unknown fields, as there, and other options are ignored. Otherwise the data are the constructor's
        arguments (``payload=`` a payload model), validated as the constructor validates them.

        Raises:
            EventValidationError: With every problem found, each with its path.
        """
        if isinstance(obj, Mapping) and "payload" not in obj:
            return cls._read_wire(obj, strict=bool(options.get("strict")))
        return super().model_validate(obj, **options)

    @model_serializer(mode="wrap")
    def _to_wire(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        fields: dict[str, Any] = handler(self)
        if self.__pydantic_extra__ and info.mode_is_json() and info.context is not WIRE_CONTEXT:
            fields = hide_unknown_secrets_in_json(fields, type(self).model_fields)
        wire: dict[str, Any] = {}
        for key, value in fields.items():
            if key == "payload":
                wire["event_type"] = {self.payload.event_type.value: value}
            else:
                wire[key] = value
        return wire


build_when_used(Envelope)
