"""Enumerations of the wire contract: channels and event types."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thrilldrops_events.events import EventPayload

__all__ = ["ChannelType", "EventType"]


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
