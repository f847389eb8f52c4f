"""The five external events, sent by operators' platforms to ``POST /event``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from thrilldrops_events.events._base import ChannelType, EventPayload, EventType
from thrilldrops_events.types import (
    CountryCode,
    CurrencyCode,
    FreeText,
    Identifier,
    Money,
    SessionToken,
    SignedMoney,
    StrictBool,
)

__all__ = ["Deposit", "PlayerLogin", "PlayerLogout", "Transaction", "Withdrawal"]

_CHANNEL = (
    "Channel the player is logged in through: one of DesktopWeb, DesktopNative, MobileWeb, MobileNative "
    "(case-sensitive)."
)


class PlayerLogin(EventPayload):
    """A player logged in."""

    event_type: ClassVar[EventType] = EventType.PLAYER_LOGIN

    channel_type: ChannelType = Field(description=_CHANNEL)
    currency: CurrencyCode = Field(description="The player's currency: 2 to 10 ASCII letters or digits, case kept.")
    country: CountryCode | None = Field(
        default=None,
        description="The player's country: ISO 3166-1 alpha-2, upper case, an assigned code (UK is accepted).",
    )
    jurisdiction: FreeText | None = Field(
        default=None, description="The player's licensing jurisdiction, free text (for example MGA or UKGC)."
    )
    session_token: SessionToken | None = Field(
        default=None,
        description="The player's session token: opaque, never shown in repr, logs or error messages.",
    )


class PlayerLogout(EventPayload):
    """A player logged out."""

    event_type: ClassVar[EventType] = EventType.PLAYER_LOGOUT

    channel_type: ChannelType = Field(description=_CHANNEL)


class Transaction(EventPayload):
    """A game round's bet and win, reported by the game aggregator."""

    event_type: ClassVar[EventType] = EventType.TRANSACTION

    provider_id: Identifier = Field(description="The game provider (studio or aggregator) identifier.")
    game_id: Identifier = Field(description="The game identifier.")
    gameround_id: Identifier = Field(description="The game round identifier.")
    bet_transaction_id: Identifier | None = Field(
        default=None, description="The wallet transaction of the bet, if the round had one."
    )
    currency: CurrencyCode = Field(description="The currency of every amount in this event.")
    game_bet: Money = Field(description="The total stake of the round, >= 0 (0 for a free spin).")
    bonus_bet: Money = Field(description="The part of the stake paid from bonus money, >= 0.")
    real_bet: Money = Field(description="The part of the stake paid from real money, >= 0.")
    jackpot_bet: Money = Field(description="The part of the stake contributed to jackpots, >= 0.")
    win_transaction_id: Identifier | None = Field(
        default=None, description="The wallet transaction of the win, if the round had one."
    )
    game_win: Money = Field(description="The amount won in the game, >= 0.")
    jackpot_win: Money = Field(description="The amount won from jackpots, >= 0.")
    is_free_spin: StrictBool = Field(description="Whether the round was a free spin.")
    round_finished: StrictBool = Field(description="Whether the round is finished.")


class Deposit(EventPayload):
    """A player deposited money."""

    event_type: ClassVar[EventType] = EventType.DEPOSIT

    method_id: Identifier = Field(description="The payment method identifier (for example visa or skrill).")
    currency: CurrencyCode = Field(description="The currency of the amount.")
    amount: Money = Field(description="The amount deposited, >= 0.")
    balance_after: SignedMoney | None = Field(
        default=None, description="The player's balance after the deposit, if known; may be negative."
    )


class Withdrawal(EventPayload):
    """A player withdrew money."""

    event_type: ClassVar[EventType] = EventType.WITHDRAWAL

    method_id: Identifier = Field(description="The payment method identifier (for example visa or skrill).")
    currency: CurrencyCode = Field(description="The currency of the amount.")
    amount: Money = Field(description="The amount withdrawn, >= 0.")
    balance_after: SignedMoney | None = Field(
        default=None, description="The player's balance after the withdrawal, if known; may be negative."
    )
