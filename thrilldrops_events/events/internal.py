"""The three internal ThrillPots events, read from a Redis stream."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from thrilldrops_events.events._base import EventPayload, EventType
from thrilldrops_events.types import CurrencyCode, Identifier, Money

__all__ = ["ThrillPotsOptInEvent", "ThrillPotsRaffleWinEvent", "ThrillPotsWinEvent"]

_PLAYER_BRAND = "The brand the player belongs to."
_PLAYER = "The player identifier."


class ThrillPotsWinEvent(EventPayload):
    """A player won a ThrillPots jackpot pot."""

    event_type: ClassVar[EventType] = EventType.THRILLPOTS_WIN

    jackpot_id: Identifier = Field(description="The jackpot identifier.")
    instance_id: Identifier = Field(description="The jackpot instance identifier.")
    pot_id: Identifier = Field(description="The pot that was won.")
    player_brand_id: Identifier = Field(description=_PLAYER_BRAND)
    player_id: Identifier = Field(description=_PLAYER)
    currency: CurrencyCode = Field(description="The currency of the amount won.")
    amount: Money = Field(description="The amount won, >= 0.")
    game_id: Identifier | None = Field(default=None, description="The game in which the pot was won, if any.")
    contribution: Money | None = Field(default=None, description="The winning contribution, >= 0, if known.")
    contribution_currency: CurrencyCode | None = Field(
        default=None, description="The currency of the contribution, if known."
    )
    payout_type: Identifier | None = Field(default=None, description="How the win is paid out, if known.")


class ThrillPotsRaffleWinEvent(EventPayload):
    """A player won a ThrillPots raffle prize."""

    event_type: ClassVar[EventType] = EventType.THRILLPOTS_RAFFLE_WIN

    raffle_id: Identifier = Field(description="The raffle identifier.")
    instance_id: Identifier = Field(description="The raffle instance identifier.")
    prize_id: Identifier = Field(description="The prize that was won.")
    player_brand_id: Identifier = Field(description=_PLAYER_BRAND)
    player_id: Identifier = Field(description=_PLAYER)
    currency: CurrencyCode = Field(description="The currency of the amount won.")
    amount: Money = Field(description="The amount won, >= 0.")


class ThrillPotsOptInEvent(EventPayload):
    """A player opted in to a ThrillPots jackpot."""

    event_type: ClassVar[EventType] = EventType.THRILLPOTS_OPT_IN

    player_brand_id: Identifier = Field(description=_PLAYER_BRAND)
    player_id: Identifier = Field(description=_PLAYER)
    jackpot_id: Identifier = Field(description="The jackpot opted in to.")
    currency: CurrencyCode = Field(description="The currency of the contribution.")
    contribution: Money | None = Field(default=None, description="The player's contribution, >= 0, if any.")
