"""The base class shared by the payload models, and the enumerations of the wire contract."""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError
from typing_extensions import Self

from thrilldrops_events._problems import from_validation_error

__all__ = ["ChannelType", "EventPayload", "EventType"]


class _WireEnum(str, Enum):
    """A ``str`` enum whose ``str()`` and ``format()`` are the wire value on every Python version."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class ChannelType(_WireEnum):
    """The channel a player is logged in through. Values are case-sensitive."""

    DesktopWeb = "DesktopWeb"
    DesktopNative = "DesktopNative"
    MobileWeb = "MobileWeb"
    MobileNative = "MobileNative"


class EventType(_WireEnum):
    """The eight event variants; each value is the variant's wire name in the envelope."""

    PLAYER_LOGIN = "PlayerLogin"
    PLAYER_LOGOUT = "PlayerLogout"
    TRANSACTION = "Transaction"
    DEPOSIT = "Deposit"
    WITHDRAWAL = "Withdrawal"
    THRILLPOTS_WIN = "ThrillPotsWinEvent"
    THRILLPOTS_RAFFLE_WIN = "ThrillPotsRaffleWinEvent"
    THRILLPOTS_OPT_IN = "ThrillPotsOptInEvent"

    @property
    def model(self) -> type[EventPayload]:
        """The payload model class of this event type (``EventType.DEPOSIT.model is Deposit``)."""
        from thrilldrops_events.events import payload_model

        return payload_model(self)

    @property
    def is_internal(self) -> bool:
        """Whether this is an internal ThrillPots event, read from the Redis stream."""
        return self.value.startswith("ThrillPots")


class EventPayload(BaseModel):
    """Base of every event payload: frozen, compared by value, unknown fields kept.

    Unknown fields sent by a newer producer are kept (``model.model_extra``) and written back
    out unchanged; parse with ``strict=True`` to refuse them instead.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        hide_input_in_errors=True,
        use_enum_values=False,
        validate_default=False,
    )

    #: The wire variant name of this payload model.
    event_type: ClassVar[EventType]

    def __init__(self, /, **data: Any) -> None:
        """Build and validate a payload; raises ``EventValidationError`` listing every invalid field."""
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise from_validation_error(error) from None

    # Validation of nested models must not go through this __init__ (pydantic would then wrap our error
    # and call Python code on the hot path): mark it as pydantic's own, as BaseModel.__init__ is marked.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate a payload from Python data (as ``to_dict`` writes it).

        Raises:
            EventValidationError: With every problem found, each with its path.
        """
        try:
            return super().model_validate(obj, **options)
        except ValidationError as error:
            raise from_validation_error(error) from None

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *, strict: bool | None = None, **_: Any
    ) -> Self:
        """Read this payload from JSON exactly (same as :func:`~thrilldrops_events.parse_payload`).

        Raises:
            EventValidationError: With every problem found.
        """
        from thrilldrops_events.codecs.json import decode_payload

        return cast(Self, decode_payload(cls.event_type, json_data, strict=bool(strict)))
