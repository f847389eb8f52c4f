"""Fixed events and context values shared by the condition tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from thrilldrops_events import (
    Deposit,
    Envelope,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
)

MONDAY_MIDNIGHT = 1777852800  # 2026-05-04T00:00:00Z, a Monday
MONDAY_EVENING = 1777915800  # 2026-05-04T17:30:00Z


def _wrap(payload: Any, timestamp: int = MONDAY_MIDNIGHT, player: str = "p-000042") -> Envelope:
    return Envelope(operator_id="op-1", brand_id="brand-7", player_id=player, timestamp=timestamp, payload=payload)


PAYLOADS: dict[str, Any] = {
    "dep": Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")),
    "dep_small": Deposit(method_id="skrill", currency="USD", amount=Decimal("0.1"), balance_after=Decimal("-5.50")),
    "dep_zero": Deposit(method_id="visa", currency="EUR", amount=Decimal("0"), balance_after=Decimal("100")),
    "wd": Withdrawal(method_id="visa", currency="EUR", amount=Decimal("50"), balance_after=Decimal("0.00")),
    "tx": Transaction(
        provider_id="pragmatic", game_id="starburst", gameround_id="r-1", currency="EUR",
        game_bet=Decimal("1.00"), bonus_bet=Decimal("0.25"), real_bet=Decimal("0.75"), jackpot_bet=Decimal("0"),
        win_transaction_id="w-1", game_win=Decimal("2.50"), jackpot_win=Decimal("0"), is_free_spin=False,
        round_finished=True,
    ),
    "tx_free": Transaction(
        provider_id="netent", game_id="book-of-dead", gameround_id="r-2", bet_transaction_id="b-2", currency="SEK",
        game_bet=Decimal("0"), bonus_bet=Decimal("0"), real_bet=Decimal("0"), jackpot_bet=Decimal("0"),
        game_win=Decimal("0"), jackpot_win=Decimal("0"), is_free_spin=True, round_finished=False,
    ),
    "login": PlayerLogin(channel_type="MobileWeb", currency="EUR", country="MT", jurisdiction="MGA",
                         session_token="tok-secret"),
    "login_null": PlayerLogin(channel_type="DesktopWeb", currency="SEK"),
    "logout": PlayerLogout(channel_type="MobileNative"),
    "win": ThrillPotsWinEvent(
        jackpot_id="jp-mega", instance_id="i-1", pot_id="pot-1", player_brand_id="brand-7", player_id="p-1",
        currency="EUR", amount=Decimal("1000.50"), contribution=Decimal("0.10"),
    ),
    "raffle": ThrillPotsRaffleWinEvent(
        raffle_id="r-9", instance_id="i-2", prize_id="car", player_brand_id="brand-7", player_id="p-1",
        currency="EUR", amount=Decimal("0"),
    ),
    "optin": ThrillPotsOptInEvent(player_brand_id="brand-7", player_id="p-1", jackpot_id="jp-mega", currency="EUR"),
}

EVENTS: dict[str, Any] = {
    **PAYLOADS,
    **{f"env_{name}": _wrap(payload) for name, payload in PAYLOADS.items()},
    "env_login_evening": _wrap(PAYLOADS["login"], MONDAY_EVENING, "p-7"),
}

#: The context declarations the corpus compiles with.
CONTEXT = {"vip": "number?", "segment": "string", "registered": "timestamp", "opted_in": "bool", "day": "date"}
#: The context values the corpus evaluates with.
CTX = {"vip": 3, "segment": "high-roller", "registered": MONDAY_MIDNIGHT - 86400, "opted_in": True,
       "day": "2026-05-04"}
CTX_NULL_VIP = {**CTX, "vip": None}
