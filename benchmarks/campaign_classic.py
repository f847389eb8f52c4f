"""The classic campaign population of bench_campaigns.py: realistic templates, few matches per event.

N campaigns spread over the eight event types and the 20 brands of four operators (most scoped to one
brand, some to a whole operator, a few global), with conditions drawn from realistic templates:
equality, ranges, ``in`` lists, null tests, time helpers and a few complex ones with ``or`` and
arithmetic; and a seeded stream of envelopes built with the real models (mostly transactions).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thrilldrops_events import (
    ChannelType,
    Deposit,
    Envelope,
    EventType,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
)

# --- the world: operators, brands, vocabularies ---------------------------------------------------------------------

OPERATORS = {f"op-{o}": [f"op-{o}-brand-{b}" for b in range(1, 6)] for o in range(1, 5)}  # 4 operators x 5 brands
BRANDS = [(operator, brand) for operator, brands in OPERATORS.items() for brand in brands]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "USD", "GBP", "CAD", "SEK", "NOK", "BRL", "USDT", "mBTC"]
COUNTRIES = ["DE", "FI", "SE", "NO", "MT", "UK", "IE", "CA", "BR", "NZ", "AT", "NL"]
METHODS = ["visa", "mastercard", "skrill", "neteller", "trustly", "paysafecard", "pix", "interac", "crypto"]
PROVIDERS = ["pragmatic", "netent", "playngo", "evolution", "hacksaw", "nolimit", "relax", "pushgaming"]
GAMES = [f"{provider}-game-{n}" for provider in PROVIDERS for n in range(1, 16)]  # 120 games
CHANNELS = [c.value for c in ChannelType]
JACKPOTS = [f"jp-{n}" for n in range(1, 9)]
POTS = ["mini", "minor", "major", "grand"]
RAFFLES = [f"raffle-{n}" for n in range(1, 13)]
JURISDICTIONS = ["MGA", "UKGC", "SGA", "DGA", "Curacao", "Ontario"]
ZONES = ["Europe/Malta", "Europe/Stockholm", "America/Toronto", "America/Sao_Paulo"]

#: How often each event type arrives, roughly as in production (bets dominate).
EVENT_MIX: dict[EventType, int] = {
    EventType.TRANSACTION: 62,
    EventType.PLAYER_LOGIN: 9,
    EventType.PLAYER_LOGOUT: 7,
    EventType.DEPOSIT: 8,
    EventType.WITHDRAWAL: 3,
    EventType.THRILLPOTS_OPT_IN: 5,
    EventType.THRILLPOTS_WIN: 4,
    EventType.THRILLPOTS_RAFFLE_WIN: 2,
}
#: How campaigns spread over event types (campaign managers mostly target bets, deposits and logins).
CAMPAIGN_MIX: dict[EventType, int] = {
    EventType.TRANSACTION: 40,
    EventType.DEPOSIT: 20,
    EventType.PLAYER_LOGIN: 12,
    EventType.WITHDRAWAL: 5,
    EventType.PLAYER_LOGOUT: 3,
    EventType.THRILLPOTS_OPT_IN: 8,
    EventType.THRILLPOTS_WIN: 8,
    EventType.THRILLPOTS_RAFFLE_WIN: 4,
}


def _q(value: str) -> str:
    return f'"{value}"'


def _list(rng: random.Random, pool: Sequence[str], low: int, high: int) -> str:
    return "[" + ", ".join(_q(v) for v in rng.sample(list(pool), rng.randint(low, min(high, len(pool))))) + "]"


def _money(rng: random.Random, *choices: int) -> str:
    return str(rng.choice(choices))


# --- campaign condition templates, per event type -------------------------------------------------------------------

Template = Callable[[random.Random], str]

TEMPLATES: dict[EventType, list[Template]] = {
    EventType.DEPOSIT: [
        lambda r: f"amount >= {_money(r, 10, 20, 25, 50, 100)} and currency == {_q(r.choice(CURRENCIES))}",
        lambda r: f"currency in {_list(r, CURRENCIES, 2, 3)} and method_id in {_list(r, METHODS, 1, 3)}"
        f" and amount >= {_money(r, 20, 50)}",
        lambda r: f"currency == {_q(r.choice(CURRENCIES))} and amount >= {_money(r, 50, 100)}"
        f" and amount < {_money(r, 500, 1000)}",
        lambda r: f"method_id == {_q(r.choice(METHODS))} and amount >= {_money(r, 10, 30)}",
        lambda r: f'(amount >= {_money(r, 20, 50)} and currency == "EUR") or (amount >= {_money(r, 25, 60)}'
        f' and currency == "USD")',
        lambda r: f"balance_after is not null and balance_after < {_money(r, 5, 10)}"
        f" and amount >= {_money(r, 10, 20)} and currency == {_q(r.choice(CURRENCIES))}",
    ],
    EventType.WITHDRAWAL: [
        lambda r: f"amount >= {_money(r, 100, 500, 1000)} and currency == {_q(r.choice(CURRENCIES))}",
        lambda r: f"method_id in {_list(r, METHODS, 1, 3)} and amount > {_money(r, 0, 50)}",
    ],
    EventType.TRANSACTION: [
        lambda r: f"real_bet >= {_money(r, 1, 2, 5)} and currency == {_q(r.choice(CURRENCIES))}"
        " and not is_free_spin",
        lambda r: f"game_id in {_list(r, GAMES, 1, 6)} and real_bet >= {_money(r, 1, 2)}",
        lambda r: f"provider_id == {_q(r.choice(PROVIDERS))} and game_bet >= {_money(r, 1, 5)} and round_finished",
        lambda r: f"real_bet + bonus_bet >= {_money(r, 1, 3)} and not is_free_spin"
        f" and game_id in {_list(r, GAMES, 20, 50)}",
        lambda r: f"game_win >= game_bet * {_money(r, 50, 100, 500)} and game_bet > 0"
        f" and currency == {_q(r.choice(CURRENCIES))}",
        lambda r: f"game_id == {_q(r.choice(GAMES))} and is_free_spin",
        lambda r: f"currency == {_q(r.choice(CURRENCIES))} and weekday(event.timestamp) == {r.randint(1, 7)}"
        f" and real_bet >= {_money(r, 1, 5)}",
        lambda r: f"provider_id in {_list(r, PROVIDERS, 1, 3)}"
        f" and hour(event.timestamp, {_q(r.choice(ZONES))}) >= {r.choice([17, 18, 20])}"
        f" and real_bet >= {_money(r, 1, 2)}",
        lambda r: f"jackpot_win > 0 and provider_id == {_q(r.choice(PROVIDERS))}",
    ],
    EventType.PLAYER_LOGIN: [
        lambda r: f'channel_type in ["MobileWeb", "MobileNative"] and country is not null'
        f" and country != {_q(r.choice(COUNTRIES))}",
        lambda r: f"country == {_q(r.choice(COUNTRIES))} and currency == {_q(r.choice(CURRENCIES))}",
        lambda r: f"channel_type == {_q(r.choice(CHANNELS))} and jurisdiction == {_q(r.choice(JURISDICTIONS))}",
        lambda r: f"country in {_list(r, COUNTRIES, 2, 4)} and hour(event.timestamp) < {r.choice([6, 8, 10])}",
    ],
    EventType.PLAYER_LOGOUT: [
        lambda r: f"channel_type == {_q(r.choice(CHANNELS))}",
        lambda r: f"channel_type in {_list(r, CHANNELS, 2, 2)} and weekday(event.timestamp) >= 6",
    ],
    EventType.THRILLPOTS_WIN: [
        lambda r: f"jackpot_id == {_q(r.choice(JACKPOTS))} and amount >= {_money(r, 100, 1000)}",
        lambda r: f"pot_id in {_list(r, POTS, 1, 2)} and currency == {_q(r.choice(CURRENCIES))}",
        lambda r: f"game_id is not null and game_id in {_list(r, GAMES, 3, 10)}",
    ],
    EventType.THRILLPOTS_RAFFLE_WIN: [
        lambda r: f"raffle_id == {_q(r.choice(RAFFLES))}",
        lambda r: f"raffle_id in {_list(r, RAFFLES, 2, 4)} and amount >= {_money(r, 10, 50)}",
    ],
    EventType.THRILLPOTS_OPT_IN: [
        lambda r: f"jackpot_id == {_q(r.choice(JACKPOTS))} and contribution >= {_money(r, 1, 5)}",
        lambda r: f"contribution is null and currency == {_q(r.choice(CURRENCIES))}",
    ],
}


@dataclass(frozen=True)
class CampaignSpec:
    """One generated campaign."""

    id: str
    event_type: EventType
    text: str
    operator_id: str | None
    brand_id: str | None


def generate_campaigns(count: int, seed: int = 7) -> list[CampaignSpec]:
    """``count`` campaigns: 85% scoped to a brand, 11% to an operator, 4% global."""
    rng = random.Random(seed)
    types = list(CAMPAIGN_MIX)
    weights = list(CAMPAIGN_MIX.values())
    out = []
    for number in range(count):
        event_type = rng.choices(types, weights)[0]
        text = rng.choice(TEMPLATES[event_type])(rng)
        operator, brand = rng.choice(BRANDS)
        scope = rng.random()
        if scope < 0.85:
            operator_id, brand_id = operator, brand
        elif scope < 0.96:
            operator_id, brand_id = operator, None
        else:
            operator_id, brand_id = None, None
        out.append(CampaignSpec(f"c-{number:05d}", event_type, text, operator_id, brand_id))
    return out


# --- the event stream ----------------------------------------------------------------------------------------------


def _amount(rng: random.Random, typical: float, *, zero: float = 0.0) -> Decimal:
    if rng.random() < zero:
        return Decimal("0.00")
    return Decimal(str(round(rng.lognormvariate(0, 1.2) * typical, 2))).quantize(Decimal("0.01"))


def _payload(rng: random.Random, event_type: EventType, player: str, brand: str) -> Any:
    currency = rng.choice(CURRENCIES)
    if event_type is EventType.TRANSACTION:
        free = rng.random() < 0.1
        real = Decimal("0.00") if free else _amount(rng, 1.5)
        bonus = _amount(rng, 0.5, zero=0.7)
        bet = real + bonus
        win = _amount(rng, 2.0, zero=0.6) if rng.random() > 0.002 else bet * 200
        return Transaction(
            provider_id=(game := rng.choice(GAMES)).split("-game-")[0],
            game_id=game,
            gameround_id=f"r-{rng.getrandbits(48):x}",
            bet_transaction_id=None if free else f"t-{rng.getrandbits(40):x}",
            currency=currency,
            game_bet=bet,
            bonus_bet=bonus,
            real_bet=real,
            jackpot_bet=Decimal("0.00"),
            win_transaction_id=None if win == 0 else f"t-{rng.getrandbits(40):x}",
            game_win=win,
            jackpot_win=Decimal("0.00") if rng.random() > 0.003 else _amount(rng, 500),
            is_free_spin=free,
            round_finished=rng.random() < 0.95,
        )
    if event_type in (EventType.DEPOSIT, EventType.WITHDRAWAL):
        model = Deposit if event_type is EventType.DEPOSIT else Withdrawal
        return model(
            method_id=rng.choice(METHODS),
            currency=currency,
            amount=_amount(rng, 40),
            balance_after=None if rng.random() < 0.3 else _amount(rng, 30) - Decimal(rng.randint(0, 20)),
        )
    if event_type is EventType.PLAYER_LOGIN:
        return PlayerLogin(
            channel_type=rng.choice(CHANNELS),
            currency=currency,
            country=None if rng.random() < 0.15 else rng.choice(COUNTRIES),
            jurisdiction=None if rng.random() < 0.3 else rng.choice(JURISDICTIONS),
            session_token=f"s-{rng.getrandbits(64):x}",
        )
    if event_type is EventType.PLAYER_LOGOUT:
        return PlayerLogout(channel_type=rng.choice(CHANNELS))
    if event_type is EventType.THRILLPOTS_WIN:
        return ThrillPotsWinEvent(
            jackpot_id=rng.choice(JACKPOTS),
            instance_id=f"i-{rng.randint(1, 99)}",
            pot_id=rng.choice(POTS),
            player_brand_id=brand,
            player_id=player,
            currency=currency,
            amount=_amount(rng, 300),
            game_id=None if rng.random() < 0.3 else rng.choice(GAMES),
            contribution=None if rng.random() < 0.5 else _amount(rng, 1),
        )
    if event_type is EventType.THRILLPOTS_RAFFLE_WIN:
        return ThrillPotsRaffleWinEvent(
            raffle_id=rng.choice(RAFFLES),
            instance_id=f"i-{rng.randint(1, 99)}",
            prize_id=f"prize-{rng.randint(1, 5)}",
            player_brand_id=brand,
            player_id=player,
            currency=currency,
            amount=_amount(rng, 50),
        )
    return ThrillPotsOptInEvent(
        player_brand_id=brand,
        player_id=player,
        jackpot_id=rng.choice(JACKPOTS),
        currency=currency,
        contribution=None if rng.random() < 0.4 else _amount(rng, 2),
    )


def generate_events(count: int, seed: int = 11) -> list[Envelope]:
    """``count`` envelopes built with the real models, spread over brands, players and a month of time."""
    rng = random.Random(seed)
    types = list(EVENT_MIX)
    weights = list(EVENT_MIX.values())
    start = 1_777_852_800  # 2026-05-04T00:00:00Z
    out = []
    for _ in range(count):
        event_type = rng.choices(types, weights)[0]
        operator, brand = rng.choice(BRANDS)
        player = f"p-{rng.randint(1, 50_000):06d}"
        out.append(
            Envelope(
                operator_id=operator,
                brand_id=brand,
                player_id=player,
                timestamp=start + rng.randint(0, 30 * 86_400),
                payload=_payload(rng, event_type, player, brand),
            )
        )
    return out


def config(specs: Sequence[CampaignSpec]) -> list[dict[str, Any]]:
    """The campaigns as a configuration file holds them (conditions as text, as people write them)."""
    return [
        {"id": spec.id, "event_type": spec.event_type.value, "operator_id": spec.operator_id,
         "brand_id": spec.brand_id, "condition": spec.text}
        for spec in specs
    ]
