"""The event population the benchmarks read: what a casino platform sends, not what is easy to pass.

Seeded, so every run reads the same events. Built with the library's own models, then written three
ways from the same envelopes: money as decimal strings (what ``to_json`` writes), as JSON numbers, and
mixed per value (each amount a string or a number at random, as producers written in several languages
do). What makes it hard on purpose:

* every event type, in the proportions of real traffic: game rounds dominate;
* identifiers of realistic length: UUID players and transactions, long game slugs, hex round ids;
* amounts with 2 decimals, crypto amounts with 8, zero wins and zero jackpot bets as real rounds have;
* unknown fields in a share of the events (``--unknown``, 10% by default): trace ids, nested
  metadata with fractional numbers, as newer producers add them.
"""

from __future__ import annotations

import json
import random
import uuid
from decimal import Decimal
from typing import Any

from thrilldrops_events import (
    ChannelType,
    Deposit,
    Envelope,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
    to_dict,
    to_json,
)
from thrilldrops_events.codecs._exact import JsonNumber

__all__ = ["FORMS", "make_envelopes", "write"]

#: The three ways money is written: strings, JSON numbers, and each value one or the other.
FORMS = ("string", "number", "mixed")

_TYPES = [("Transaction", 62), ("PlayerLogin", 8), ("PlayerLogout", 6), ("Deposit", 8), ("Withdrawal", 4),
          ("ThrillPotsWinEvent", 3), ("ThrillPotsRaffleWinEvent", 3), ("ThrillPotsOptInEvent", 6)]
_GAMES = ["pragmatic-gates-of-olympus-1000", "playngo-book-of-dead", "netent-starburst-xxxtreme",
          "evolution-lightning-roulette", "hacksaw-wanted-dead-or-a-wild", "nolimit-city-san-quentin-xways"]
_PROVIDERS = ["pragmatic-play", "playngo", "netent", "evolution-gaming", "hacksaw-gaming", "nolimit-city"]
_BRANDS = [f"brand-{name}" for name in ("nordic-spins", "casino-royale-se", "lucky-star-de", "goldrush-uk")]
_STAKES = ["0.10", "0.20", "0.40", "0.50", "1.00", "2.00", "2.50", "5.00", "10.00", "20.00", "100.00"]
_CURRENCIES = ["EUR", "EUR", "EUR", "SEK", "GBP", "USD", "USDT", "mBTC"]


def _money(rng: random.Random, low: float, high: float, currency: str) -> Decimal:
    places = 8 if currency in ("USDT", "mBTC") else 2
    return Decimal(rng.uniform(low, high)).quantize(Decimal(1).scaleb(-places))


def _transaction(rng: random.Random) -> Transaction:
    currency = rng.choice(_CURRENCIES)
    bet = Decimal(rng.choice(_STAKES))
    free = rng.random() < 0.08
    bet = Decimal("0.00") if free else bet
    bonus = (bet * Decimal(rng.choice(["0", "0", "0.5", "1"]))).quantize(Decimal("0.01"))
    jackpot_bet = (bet * Decimal("0.01")).quantize(Decimal("0.01")) if rng.random() < 0.3 else Decimal("0.00")
    win = Decimal("0.00") if rng.random() < 0.7 else _money(rng, 0.1, 500, currency)
    return Transaction(
        provider_id=rng.choice(_PROVIDERS), game_id=rng.choice(_GAMES),
        gameround_id=uuid.UUID(int=rng.getrandbits(128)).hex,
        bet_transaction_id=None if free else str(uuid.UUID(int=rng.getrandbits(128))), currency=currency,
        game_bet=bet, bonus_bet=bonus, real_bet=bet - bonus, jackpot_bet=jackpot_bet,
        win_transaction_id=str(uuid.UUID(int=rng.getrandbits(128))) if win else None, game_win=win,
        jackpot_win=Decimal("0.00") if rng.random() < 0.99 else _money(rng, 100, 50_000, currency),
        is_free_spin=free, round_finished=rng.random() < 0.95,
    )


def _payload(kind: str, rng: random.Random, player: str, brand: str) -> Any:
    currency = rng.choice(_CURRENCIES)
    if kind == "Transaction":
        return _transaction(rng)
    if kind == "PlayerLogin":
        return PlayerLogin(channel_type=rng.choice(list(ChannelType)), currency=currency,
                           country=rng.choice(["DE", "SE", "GB", "UK", "FI", None]),
                           jurisdiction=rng.choice(["MGA", "UKGC", "SGA", None]), session_token=uuid.uuid4().hex * 2)
    if kind == "PlayerLogout":
        return PlayerLogout(channel_type=rng.choice(list(ChannelType)))
    if kind in ("Deposit", "Withdrawal"):
        model = Deposit if kind == "Deposit" else Withdrawal
        amount = _money(rng, 10, 2000, currency)
        return model(method_id=rng.choice(["visa", "trustly", "skrill", "mastercard-3ds"]), currency=currency,
                     amount=amount, balance_after=None if rng.random() < 0.2 else _money(rng, -50, 5000, currency))
    common = {"player_brand_id": brand, "player_id": player, "currency": currency}
    if kind == "ThrillPotsWinEvent":
        return ThrillPotsWinEvent(jackpot_id="jp-mega-weekly", instance_id=f"i-{rng.getrandbits(32):08x}",
                                  pot_id=rng.choice(["pot-mini", "pot-major", "pot-grand"]), **common,
                                  amount=_money(rng, 10, 100_000, currency), game_id=rng.choice(_GAMES),
                                  contribution=_money(rng, 0, 1, currency), contribution_currency=currency,
                                  payout_type=rng.choice(["cash", "bonus", None]))
    if kind == "ThrillPotsRaffleWinEvent":
        return ThrillPotsRaffleWinEvent(raffle_id="raffle-weekly-2026-19", instance_id=f"i-{rng.getrandbits(32):08x}",
                                        prize_id=f"prize-{rng.randrange(1, 50)}", **common,
                                        amount=_money(rng, 5, 1000, currency))
    return ThrillPotsOptInEvent(**common, jackpot_id="jp-mega-weekly",
                                contribution=None if rng.random() < 0.5 else _money(rng, 0, 1, currency))


def _unknown(rng: random.Random) -> dict[str, Any]:
    return {"trace_id": uuid.UUID(int=rng.getrandbits(128)).hex,
            "meta": {"region": "eu-north-1", "latency_ms": JsonNumber(f"{rng.uniform(0, 50):.3f}"), "retries": 0}}


def make_envelopes(count: int, *, unknown: float = 0.10, seed: int = 20260504) -> list[Envelope]:
    """``count`` envelopes of the population; a share ``unknown`` of them carries unknown fields."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in _TYPES for _ in range(weight)]
    players = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(500)]
    envelopes = []
    for index in range(count):
        player, brand = rng.choice(players), rng.choice(_BRANDS)
        payload = _payload(rng.choice(kinds), rng, player, brand)
        extra = _unknown(rng) if rng.random() < unknown else {}
        if extra and rng.random() < 0.5:
            payload = type(payload)(**to_dict(payload, money="decimal"), build=f"{rng.randrange(1000)}")
            extra = {}
        envelopes.append(Envelope(operator_id=f"op-{index % 7 + 1}", brand_id=brand, player_id=player,
                                  timestamp=1777852800 + index, payload=payload, **extra))
    return envelopes


def _mixed(value: Any, rng: random.Random) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _mixed(v, rng) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_mixed(v, rng) for v in value) + "]"
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, Decimal):
        return str(value) if rng.random() < 0.5 else f'"{value}"'
    return json.dumps(value)


def write(envelopes: list[Envelope], form: str, *, seed: int = 7) -> list[bytes]:
    """The envelopes as JSON lines, money written as ``form`` says (one of :data:`FORMS`)."""
    if form != "mixed":
        return [to_json(envelope, money=form) for envelope in envelopes]
    rng = random.Random(seed)
    return [_mixed(to_dict(envelope, money="decimal"), rng).encode() for envelope in envelopes]
