"""Regenerate examples/events.ndjson: a few hundred realistic, valid envelopes of all eight types.

Run: python examples/make_samples.py  (deterministic: the same file every time)
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from thrilldrops_events import (
    ChannelType,
    Deposit,
    Envelope,
    EventPayload,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
    to_ndjson,
)

OPERATORS = {"op-1": ["brand-7", "brand-9"], "op-2": ["vegas-royal"], "op-3": ["nordic-spins", "nordic-live"]}
CURRENCIES = ["EUR", "EUR", "EUR", "GBP", "SEK", "USD", "USDT", "mBTC"]
COUNTRIES = ["DE", "FI", "SE", "MT", "UK", "GB", "IE", "NO", "CA", None]
GAMES = {
    "pragmatic": ["gates-of-olympus", "sweet-bonanza", "sugar-rush"],
    "netent": ["starburst", "gonzos-quest"],
    "playngo": ["book-of-dead", "reactoonz"],
    "evolution": ["lightning-roulette", "crazy-time"],
}
METHODS = ["visa", "mastercard", "trustly", "skrill", "paypal", "crypto-usdt"]


def money(rng: random.Random, low: int, high: int, places: int = 2) -> Decimal:
    return Decimal(rng.randint(low * 10**places, high * 10**places)).scaleb(-places)


def payload(rng: random.Random, kind: int, player: str, brand: str) -> EventPayload:
    currency = rng.choice(CURRENCIES)
    if kind == 0:
        return PlayerLogin(
            channel_type=rng.choice(list(ChannelType)),
            currency=currency,
            country=rng.choice(COUNTRIES),
            jurisdiction=rng.choice(["MGA", "UKGC", "SGA", None]),
            session_token=rng.choice([None, f"sess-{rng.getrandbits(64):016x}"]),
        )
    if kind == 1:
        return PlayerLogout(channel_type=rng.choice(list(ChannelType)))
    if kind in (2, 3, 4, 5):
        provider = rng.choice(sorted(GAMES))
        free = rng.random() < 0.15
        bet = Decimal("0.00") if free else money(rng, 0, 50)
        bonus = min(bet, money(rng, 0, 5)) if not free and rng.random() < 0.3 else Decimal("0.00")
        jackpot_bet = (bet * Decimal("0.01")).quantize(Decimal("0.01"))
        win = money(rng, 0, 200) if rng.random() < 0.35 else Decimal("0.00")
        return Transaction(
            provider_id=provider,
            game_id=rng.choice(GAMES[provider]),
            gameround_id=f"r-{rng.getrandbits(48):012x}",
            bet_transaction_id=None if free else f"bt-{rng.getrandbits(40):010x}",
            currency=currency,
            game_bet=bet,
            bonus_bet=bonus,
            real_bet=bet - bonus,
            jackpot_bet=jackpot_bet,
            win_transaction_id=f"wt-{rng.getrandbits(40):010x}" if win else None,
            game_win=win,
            jackpot_win=Decimal("0.00"),
            is_free_spin=free,
            round_finished=rng.random() < 0.95,
        )
    if kind == 6:
        amount = money(rng, 10, 500)
        return Deposit(method_id=rng.choice(METHODS), currency=currency, amount=amount,
                       balance_after=rng.choice([None, amount + money(rng, 0, 100)]))
    if kind == 7:
        amount = money(rng, 20, 1000)
        return Withdrawal(method_id=rng.choice(METHODS), currency=currency, amount=amount,
                          balance_after=rng.choice([None, money(rng, 0, 300)]))
    if kind == 8:
        return ThrillPotsWinEvent(
            jackpot_id=rng.choice(["jp-mega", "jp-daily", "jp-hourly"]),
            instance_id=f"inst-{rng.randint(1, 400)}",
            pot_id=rng.choice(["pot-mini", "pot-major", "pot-grand"]),
            player_brand_id=brand,
            player_id=player,
            currency=currency,
            amount=money(rng, 5, 5000),
            game_id=rng.choice([None, "starburst", "book-of-dead"]),
            contribution=rng.choice([None, money(rng, 0, 1)]),
            contribution_currency=rng.choice([None, currency]),
            payout_type=rng.choice([None, "cash", "bonus"]),
        )
    if kind == 9:
        return ThrillPotsRaffleWinEvent(
            raffle_id=rng.choice(["raffle-weekly", "raffle-vip"]),
            instance_id=f"inst-{rng.randint(1, 60)}",
            prize_id=f"prize-{rng.randint(1, 10)}",
            player_brand_id=brand,
            player_id=player,
            currency=currency,
            amount=money(rng, 10, 1000, places=0),
        )
    return ThrillPotsOptInEvent(
        player_brand_id=brand, player_id=player, jackpot_id=rng.choice(["jp-mega", "jp-daily"]), currency=currency,
        contribution=rng.choice([None, money(rng, 0, 2)]),
    )


def main() -> None:
    rng = random.Random(20261124)
    events = []
    timestamp = 1777852800
    for index in range(320):
        operator = rng.choice(sorted(OPERATORS))
        brand = rng.choice(OPERATORS[operator])
        player = f"p-{rng.randint(1, 250):06d}"
        kind = index % 11 if index < 22 else rng.randint(0, 10)
        timestamp += rng.randint(1, 90)
        events.append(
            Envelope(operator_id=operator, brand_id=brand, player_id=player, timestamp=timestamp,
                     payload=payload(rng, kind, player, brand))
        )
    Path(__file__).with_name("events.ndjson").write_bytes(to_ndjson(events))


if __name__ == "__main__":
    main()
