"""Campaign populations for bench_campaigns.py: campaign configurations and event streams to match.

``hard`` is the population the index must not fear: 3 operators and 20 brands; scopes 70% brand,
20% operator, 10% global; all eight event types, weighted toward Transaction and Deposit;
thresholds drawn log-normally (few campaigns share one); amount tiers with a lower and an upper
bound; ``game_id in [...]`` lists of 50 games; hour-of-day and weekday windows in a dozen time
zones; ``country not in [...]``; a share of top-level ``or`` and of arithmetic; dozens of matches
per event at 10,000 campaigns. The harder variants change one thing each:

* ``wide``: ``in`` lists over the values events hold (a third of all games, most currencies), so
  each event's value is a key of thousands of campaigns and matches are many;
* ``zones``: hour and weekday windows in 300 distinct IANA time zones;
* ``weak``: many campaigns whose only indexable predicate is weak (``round_finished``, a low
  threshold) beside a predicate the index cannot decide (``game_win >= game_bet * 37.5``).

Events are wire JSON read by the library's decoder, money written as JSON numbers or strings, with
repeated players and games (Zipf-like popularity) over a month of timestamps.
"""

from __future__ import annotations

import json
import random
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thrilldrops_events import EventType
from thrilldrops_events.codecs.json import decode
from thrilldrops_events.envelope import Envelope

__all__ = ["POPULATIONS", "Population", "campaign_config", "event_stream"]

OPERATORS = {"op-north": 7, "op-south": 7, "op-east": 6}
BRANDS = [(operator, f"{operator}-b{number}") for operator, count in OPERATORS.items() for number in range(count)]
CURRENCIES = ["EUR", "USD", "GBP", "SEK", "NOK", "CAD", "BRL", "INR", "JPY", "AUD", "USDT", "mBTC"]
CURRENCY_WEIGHTS = [30, 20, 10, 6, 4, 6, 8, 5, 3, 4, 2, 2]
COUNTRIES = ["DE", "FI", "SE", "NO", "MT", "GB", "IE", "CA", "BR", "NZ", "AT", "NL", "IN", "JP", "AU", "ES",
             "PT", "IT", "FR", "PL", "CZ", "DK", "EE", "LV", "LT", "GR", "CY", "MX", "CL", "PE"]
METHODS = ["visa", "mastercard", "skrill", "neteller", "trustly", "paysafecard", "pix", "interac", "crypto",
           "applepay", "googlepay", "bank"]
PROVIDERS = [f"prov-{n:02d}" for n in range(16)]
GAMES = [f"{provider}-g{n:02d}" for provider in PROVIDERS for n in range(25)]  # 400 games
JACKPOTS = [f"jp-{n}" for n in range(12)]
POTS = ["mini", "minor", "major", "grand", "mega"]
RAFFLES = [f"raffle-{n}" for n in range(20)]
PRIZES = [f"prize-{n}" for n in range(8)]
JURISDICTIONS = ["MGA", "UKGC", "SGA", "DGA", "Curacao", "Ontario", "Spelinspektionen"]
CHANNELS = ["DesktopWeb", "DesktopNative", "MobileWeb", "MobileNative"]
ZONES = ["Europe/Malta", "Europe/Stockholm", "Europe/London", "Europe/Helsinki", "America/Toronto",
         "America/Sao_Paulo", "America/Mexico_City", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
         "Pacific/Auckland", "Europe/Lisbon"]
MANY_ZONES = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc"))

CAMPAIGN_MIX = {"Transaction": 36, "Deposit": 24, "PlayerLogin": 10, "Withdrawal": 7, "ThrillPotsWinEvent": 8,
                "ThrillPotsOptInEvent": 6, "ThrillPotsRaffleWinEvent": 5, "PlayerLogout": 4}
EVENT_MIX = {"Transaction": 60, "Deposit": 12, "PlayerLogin": 9, "PlayerLogout": 6, "Withdrawal": 4,
             "ThrillPotsOptInEvent": 4, "ThrillPotsWinEvent": 3, "ThrillPotsRaffleWinEvent": 2}

#: Typical size of each money field (the median of its log-normal distribution).
MONEY = {"real_bet": 1.5, "game_bet": 2.0, "bonus_bet": 0.5, "game_win": 2.0, "amount": 60.0,
         "balance_after": 40.0, "contribution": 1.0, "win_amount": 400.0, "raffle_amount": 50.0}


@dataclass(frozen=True)
class Population:
    """A named campaign population: how conditions are drawn, and for which zones and list widths."""

    name: str
    description: str
    zones: tuple[str, ...]
    game_list: int
    wide: bool = False
    weak: float = 0.0
    logic: bool = False


def _q(value: str) -> str:
    return f'"{value}"'


def _list(values: list[str] | list[int]) -> str:
    return "[" + ", ".join(_q(v) if isinstance(v, str) else str(v) for v in values) + "]"


def _lognormal(rng: random.Random, median: float, sigma: float = 1.0) -> str:
    return f"{rng.lognormvariate(0, sigma) * median:.2f}"


def _zipf(rng: random.Random, pool: list[str], skew: float = 1.1) -> str:
    index = min(int(rng.paretovariate(skew)) - 1, len(pool) - 1)
    return pool[index]


class _Pieces:
    """Predicates about one event type, drawn for one campaign."""

    def __init__(self, rng: random.Random, population: Population) -> None:
        self.rng = rng
        self.population = population

    def threshold(self, field: str, median: float) -> str:
        op = self.rng.choice([">=", ">=", ">", "<"])
        return f"{field} {op} {_lognormal(self.rng, median if op != '<' else median * 4)}"

    def tier(self, field: str, median: float) -> str:
        low = self.rng.lognormvariate(0, 1.0) * median
        return f"{field} >= {low:.2f} and {field} < {low * self.rng.uniform(1.5, 6):.2f}"

    def currency(self, field: str = "currency") -> str:
        rng = self.rng
        if self.population.wide:
            return f"{field} in {_list(rng.sample(CURRENCIES, rng.randint(6, 10)))}"
        shape = rng.random()
        if shape < 0.5:
            return f"{field} == {_q(rng.choices(CURRENCIES, CURRENCY_WEIGHTS)[0])}"
        if shape < 0.75:
            return f"{field} in {_list(rng.sample(CURRENCIES, rng.randint(2, 4)))}"
        if shape < 0.9:
            return f"{field} != {_q(rng.choice(CURRENCIES))}"
        return f'lower({field}) == {_q(rng.choice(CURRENCIES).lower())}'

    def games(self) -> str:
        rng = self.rng
        width = self.population.game_list
        if rng.random() < 0.2:
            return f"game_id == {_q(_zipf(rng, GAMES))}"
        return f"game_id in {_list(rng.sample(GAMES, rng.randint(width // 2, width)))}"

    def hours(self) -> str:
        rng = self.rng
        zone = rng.choice(self.population.zones)
        clock = f"hour(event.timestamp, {_q(zone)})" if rng.random() < 0.8 else "hour(event.timestamp)"
        start = rng.randint(0, 22)
        shape = rng.random()
        if shape < 0.6:
            return f"{clock} >= {start} and {clock} < {rng.randint(start + 1, 24)}"
        if shape < 0.8:
            return f"{clock} in {_list(sorted(rng.sample(range(24), rng.randint(2, 8))))}"
        return f"{clock} >= {start}"

    def weekdays(self) -> str:
        rng = self.rng
        zone = rng.choice(self.population.zones)
        clock = f"weekday(event.timestamp, {_q(zone)})" if rng.random() < 0.7 else "weekday(event.timestamp)"
        if rng.random() < 0.6:
            return f"{clock} in {_list(sorted(rng.sample(range(1, 8), rng.randint(1, 4))))}"
        return f"{clock} >= {rng.randint(2, 7)}"

    def one_of(self, options: list[tuple[int, Callable[[], str]]]) -> str:
        weights = [weight for weight, _ in options]
        return self.rng.choices([make for _, make in options], weights)[0]()


def _transaction(p: _Pieces) -> list[str]:
    rng = p.rng
    money = p.one_of([(5, lambda: p.threshold("real_bet", MONEY["real_bet"])),
                      (3, lambda: p.tier("real_bet", MONEY["real_bet"])),
                      (2, lambda: p.threshold("game_bet", MONEY["game_bet"])),
                      (2, lambda: f"real_bet + bonus_bet >= {_lognormal(rng, 2.0)}"),
                      (1, lambda: f"real_bet * 100 >= {rng.randint(20, 900)}"),
                      (1, lambda: f"game_win - game_bet > {_lognormal(rng, 5.0)}")])
    parts = [money]
    extras = [(6, p.games), (4, p.currency), (3, p.hours), (2, p.weekdays),
              (2, lambda: f"provider_id in {_list(rng.sample(PROVIDERS, rng.randint(1, 5)))}"),
              (1, lambda: f"provider_id not in {_list(rng.sample(PROVIDERS, rng.randint(1, 4)))}"),
              (2, lambda: "not is_free_spin"), (1, lambda: "round_finished"),
              (1, lambda: "bet_transaction_id is not null"), (1, lambda: "jackpot_win > 0")]
    for _ in range(rng.choice([1, 2, 2, 3])):
        parts.append(p.one_of(extras))
    if p.population.weak and rng.random() < p.population.weak:
        parts = [rng.choice(["round_finished", "real_bet > 0.01", "not is_free_spin"]),
                 f"game_win >= game_bet * {rng.lognormvariate(0, 1.0) * 20:.1f}"]
    return parts


def _deposit(p: _Pieces, event_type: str) -> list[str]:
    rng = p.rng
    money = p.one_of([(5, lambda: p.threshold("amount", MONEY["amount"])),
                      (4, lambda: p.tier("amount", MONEY["amount"])),
                      (1, lambda: f"amount * 100 >= {rng.randint(1000, 20000)}"),
                      (1, lambda: f"balance_after < {_lognormal(rng, 10.0)}")])
    extras = [(5, p.currency), (3, lambda: f"method_id in {_list(rng.sample(METHODS, rng.randint(1, 4)))}"),
              (1, lambda: f"method_id not in {_list(rng.sample(METHODS, rng.randint(1, 3)))}"),
              (2, p.hours), (2, p.weekdays), (1, lambda: "balance_after is null"),
              (1, lambda: "balance_after is not null")]
    return [money] + [p.one_of(extras) for _ in range(rng.choice([1, 2, 2, 3]))]


def _login(p: _Pieces) -> list[str]:
    rng = p.rng
    options = [(4, lambda: f"country not in {_list(rng.sample(COUNTRIES, rng.randint(1, 8)))}"),
               (3, lambda: f"country in {_list(rng.sample(COUNTRIES, rng.randint(2, 10)))}"),
               (2, lambda: f"channel_type in {_list(rng.sample(CHANNELS, rng.randint(1, 3)))}"),
               (2, p.hours), (2, p.weekdays), (2, p.currency),
               (1, lambda: f"jurisdiction == {_q(rng.choice(JURISDICTIONS))}"),
               (1, lambda: "country is not null"), (1, lambda: f"country != {_q(rng.choice(COUNTRIES))}")]
    return [p.one_of(options) for _ in range(rng.choice([1, 2, 2, 3]))]


def _thrillpots(p: _Pieces, event_type: str) -> list[str]:
    rng = p.rng
    if event_type == "ThrillPotsWinEvent":
        options = [(4, lambda: f"jackpot_id == {_q(rng.choice(JACKPOTS))}"),
                   (3, lambda: p.threshold("amount", MONEY["win_amount"])),
                   (2, lambda: f"pot_id in {_list(rng.sample(POTS, rng.randint(1, 3)))}"),
                   (2, p.currency), (1, lambda: "game_id is not null"), (1, lambda: "contribution is null"),
                   (1, lambda: f"game_id in {_list(rng.sample(GAMES, 20))}")]
    elif event_type == "ThrillPotsRaffleWinEvent":
        options = [(4, lambda: f"raffle_id in {_list(rng.sample(RAFFLES, rng.randint(1, 5)))}"),
                   (3, lambda: p.tier("amount", MONEY["raffle_amount"])),
                   (2, lambda: f"prize_id == {_q(rng.choice(PRIZES))}"), (2, p.currency)]
    elif event_type == "ThrillPotsOptInEvent":
        options = [(4, lambda: f"jackpot_id in {_list(rng.sample(JACKPOTS, rng.randint(1, 4)))}"),
                   (3, lambda: p.threshold("contribution", MONEY["contribution"])),
                   (1, lambda: "contribution is null"), (2, p.currency), (1, p.hours)]
    else:  # PlayerLogout
        options = [(4, lambda: f"channel_type == {_q(rng.choice(CHANNELS))}"), (3, p.hours), (3, p.weekdays)]
    return [p.one_of(options) for _ in range(rng.choice([1, 2, 2, 3]))]


def _parts(p: _Pieces, event_type: str) -> list[str]:
    if event_type == "Transaction":
        return _transaction(p)
    if event_type in ("Deposit", "Withdrawal"):
        return _deposit(p, event_type)
    if event_type == "PlayerLogin":
        return _login(p)
    return _thrillpots(p, event_type)


def _condition(p: _Pieces, event_type: str) -> str:
    rng = p.rng
    parts = (lambda: _grouped(p, event_type)) if p.population.logic else (lambda: _parts(p, event_type))
    if rng.random() < 0.12:  # a top-level or of two or three conjunctions
        branches = [" and ".join(parts()) for _ in range(rng.choice([2, 2, 3]))]
        return " or ".join(f"({branch})" for branch in branches)
    return " and ".join(parts())


_THRESHOLD = re.compile(r"^(\w+) (>=|>|<) ([0-9.]+)$")
_TIER = re.compile(r"^(\w+) >= ([0-9.]+) and \1 < ([0-9.]+)$")
_OPPOSITE = {">=": "<", ">": "<=", "<": ">="}


def _grouped(p: _Pieces, event_type: str) -> list[str]:
    """The parts of a condition as a rule builder with AND, OR and NOT groups writes them.

    A threshold or tier as the negation of its opposite (``not (amount < 20)``, ``not (amount < 20 or
    amount >= 80)``), two parts as an OR group (``(a or b)``), or an exclusion group of two more
    (``not (a or b)``), each part perhaps one of another group's.
    """
    rng = p.rng
    parts = _parts(p, event_type)
    for index, part in enumerate(parts):
        if rng.random() < 0.4 and (found := _THRESHOLD.match(part)):
            parts[index] = f"not ({found[1]} {_OPPOSITE[found[2]]} {found[3]})"
        elif rng.random() < 0.4 and (found := _TIER.match(part)):
            parts[index] = f"not ({found[1]} < {found[2]} or {found[1]} >= {found[3]})"
    if len(parts) >= 3 and rng.random() < 0.5:
        first, second = parts.pop(1), parts.pop(1)
        parts.append(f"({first} or {second})")
    if rng.random() < 0.3:
        more = _parts(p, event_type)
        parts.append(f"not ({more[-1]} or {rng.choice(more[:-1] or parts)})")
    return parts


def _scope(rng: random.Random) -> tuple[str | None, str | None]:
    operator, brand = rng.choice(BRANDS)
    draw = rng.random()
    if draw < 0.70:
        return (operator, brand) if rng.random() < 0.85 else (None, brand)
    if draw < 0.90:
        return operator, None
    return None, None


def campaign_config(population: Population, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` campaigns in their JSON form, as an engine's configuration holds them (conditions as text)."""
    rng = random.Random(f"{population.name}-{seed}")
    pieces = _Pieces(rng, population)
    types = list(CAMPAIGN_MIX)
    weights = list(CAMPAIGN_MIX.values())
    meta = random.Random(f"{population.name}-{seed}-fields")  # apart, so the conditions stay as they were
    out = []
    for number in range(count):
        event_type = rng.choices(types, weights)[0]
        operator_id, brand_id = _scope(rng)
        entry: dict[str, Any] = {"id": f"{population.name}-{number:06d}", "event_type": event_type,
                                 "operator_id": operator_id, "brand_id": brand_id,
                                 "condition": _condition(pieces, event_type), **_engine_fields(meta, number)}
        out.append(entry)
    return out


_TAGS = ["vip", "slots", "live-casino", "weekend", "new-players", "reactivation", "high-rollers", "sports"]


def _engine_fields(rng: random.Random, number: int) -> dict[str, Any]:
    """What an engine keeps beside each campaign: a name, tags, and fields of its own (the set keeps them)."""
    return {"name": f"Campaign {number} ({rng.choice(_TAGS)})", "tags": rng.sample(_TAGS, rng.randrange(0, 4)),
            "reward": {"kind": rng.choice(["free_spins", "bonus", "cashback", "points"]),
                       "amount": f"{rng.randrange(1, 500)}.{rng.randrange(100):02d}", "wagering": rng.randrange(0, 40),
                       "game": f"prov-{rng.randrange(16):02d}-g{rng.randrange(25):02d}"},
            "priority": rng.randrange(100), "budget": {"currency": "EUR", "limit": f"{rng.randrange(1000, 100000)}.00"},
            "max_per_player": rng.choice([None, 1, 3, 10])}


# --- events -----------------------------------------------------------------------------------------------------------


def _money(rng: random.Random, median: float, *, zero: float = 0.0) -> Any:
    """A money value as the wire carries it: a JSON number or a decimal string, with varying scales."""
    if rng.random() < zero:
        return rng.choice([0, "0.00", "0"])
    value = f"{rng.lognormvariate(0, 1.1) * median:.2f}"
    shape = rng.random()
    if shape < 0.4:
        return json.loads(value, parse_float=lambda text: _Raw(text))
    if shape < 0.5:
        return value.rstrip("0").rstrip(".") or "0"
    return value


class _Raw(str):
    """A number to write into JSON as it is (a JSON number with its scale, not a float)."""


def _payload(rng: random.Random, event_type: str, player: str, brand: str) -> dict[str, Any]:
    currency = rng.choices(CURRENCIES, CURRENCY_WEIGHTS)[0]
    if event_type == "Transaction":
        game = _zipf(rng, GAMES, 0.6)
        free = rng.random() < 0.1
        win = _money(rng, MONEY["game_win"], zero=0.55)
        return {"provider_id": game.rsplit("-g", 1)[0], "game_id": game, "gameround_id": f"r-{rng.getrandbits(40):x}",
                "bet_transaction_id": None if free else f"t-{rng.getrandbits(36):x}", "currency": currency,
                "game_bet": _money(rng, MONEY["game_bet"]), "bonus_bet": _money(rng, MONEY["bonus_bet"], zero=0.7),
                "real_bet": "0.00" if free else _money(rng, MONEY["real_bet"]), "jackpot_bet": 0,
                "win_transaction_id": None if win in (0, "0", "0.00") else f"w-{rng.getrandbits(36):x}",
                "game_win": win, "jackpot_win": 0 if rng.random() > 0.01 else _money(rng, 800.0),
                "is_free_spin": free, "round_finished": rng.random() < 0.93}
    if event_type in ("Deposit", "Withdrawal"):
        return {"method_id": rng.choice(METHODS), "currency": currency, "amount": _money(rng, MONEY["amount"]),
                "balance_after": None if rng.random() < 0.3 else _money(rng, MONEY["balance_after"])}
    if event_type == "PlayerLogin":
        return {"channel_type": rng.choice(CHANNELS), "currency": currency,
                "country": None if rng.random() < 0.1 else _zipf(rng, COUNTRIES, 0.8),
                "jurisdiction": None if rng.random() < 0.3 else rng.choice(JURISDICTIONS),
                "session_token": f"s-{rng.getrandbits(64):x}"}
    if event_type == "PlayerLogout":
        return {"channel_type": rng.choice(CHANNELS)}
    common = {"player_brand_id": brand, "player_id": player, "currency": currency}
    if event_type == "ThrillPotsWinEvent":
        return {**common, "jackpot_id": rng.choice(JACKPOTS), "instance_id": f"i-{rng.randint(1, 99)}",
                "pot_id": rng.choice(POTS), "amount": _money(rng, MONEY["win_amount"]),
                "game_id": None if rng.random() < 0.3 else _zipf(rng, GAMES, 0.6),
                "contribution": None if rng.random() < 0.5 else _money(rng, MONEY["contribution"])}
    if event_type == "ThrillPotsRaffleWinEvent":
        return {**common, "raffle_id": rng.choice(RAFFLES), "instance_id": f"i-{rng.randint(1, 99)}",
                "prize_id": rng.choice(PRIZES), "amount": _money(rng, MONEY["raffle_amount"])}
    return {**common, "jackpot_id": rng.choice(JACKPOTS),
            "contribution": None if rng.random() < 0.4 else _money(rng, MONEY["contribution"])}


def _dumps(value: Any) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)}: {_dumps(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


def event_stream(count: int, seed: int = 11, *, days: int = 30, ordered: bool = False) -> list[Envelope]:
    """``count`` envelopes read from wire JSON: repeated players and games, timestamps over ``days`` days.

    The timestamps are drawn at random over the span, or, ``ordered``, given out in time order (a live stream).
    """
    rng = random.Random(seed)
    types = list(EVENT_MIX)
    weights = list(EVENT_MIX.values())
    players = [f"p-{n:06d}" for n in range(20_000)]
    start = 1_777_852_800  # 2026-05-04T00:00:00Z
    out = []
    for _ in range(count):
        event_type = rng.choices(types, weights)[0]
        operator, brand = rng.choice(BRANDS)
        player = _zipf(rng, players, 0.7)
        wire = {"operator_id": operator, "brand_id": brand, "player_id": player,
                "timestamp": start + rng.randint(0, days * 86_400),
                "event_type": {event_type: _payload(rng, event_type, player, brand)}}
        out.append(wire)
    if ordered:
        for wire, moment in zip(out, sorted(wire["timestamp"] for wire in out), strict=True):
            wire["timestamp"] = moment
    return [decode(_dumps(wire)) for wire in out]


POPULATIONS = {
    "hard": Population("hard", "the population of the issue, and more", tuple(ZONES), 50),
    "wide": Population("wide", "in lists over the values events hold", tuple(ZONES), 140, wide=True),
    "zones": Population("zones", "windows in 300 time zones", tuple(MANY_ZONES[::max(1, len(MANY_ZONES) // 300)]), 50),
    "weak": Population("weak", "a fifth only weakly indexable", tuple(ZONES), 50, weak=0.2),
    "logic": Population("logic", "written with AND, OR and NOT groups", tuple(ZONES), 50, logic=True),
}


def event_type_of(envelope: Envelope) -> EventType:
    """The event type of an envelope (for summaries)."""
    return envelope.payload.event_type
