"""The ``rich`` campaign population: every feature of the language a campaign engine uses, built apart.

Written from the campaign matching issue's description alone, without reading the other
populations, so that the index is measured on campaigns it was not tuned for: 3 operators and 20
brands (scopes 70% brand, 20% operator, 10% global), all eight event types, log-normal thresholds,
tiers, 50-game lists, hour, weekday and date windows in 15 time zones, ``country not in``, top-level
``or``, arithmetic (sums, differences, ratios, ``max``), null tests, functions (``lower``,
``starts_with``, ``contains``, ``len``), ``!=`` and ``not in``, nested ``and``/``or``/``not``,
ranges on envelope fields, active windows, and a quarter of the texts shared by several campaigns:
about a hundred matches per event at 10,000 campaigns.

``gen(n, n_events, seed, features, variant) -> (config, events)``; a feature may be switched off
(``features={"nested": False}``) to see what it costs.
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable
from decimal import Decimal

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
)

FEATURES = [
    "lognormal",   # thresholds log-normal (off: a few round values)
    "tiers",       # lower+upper bound
    "games",       # game_id in [50 games]
    "hours",       # hour-of-day windows
    "weekdays",    # weekday windows
    "tz",          # time zones in hour/weekday/date
    "country",     # country not in [...]
    "or",          # top-level or
    "arith",       # arithmetic (ratios, sums, differences)
    "nulls",       # is null / is not null
    "funcs",       # lower/upper/starts_with/contains/len
    "neq",         # != and not in on categorical fields
    "nested",      # nested and/or/not
    "envrange",    # ranges/tests on envelope fields (event.timestamp, event.brand_id, date())
    "active",      # active windows
    "shared",      # campaigns sharing identical condition texts
    "cats",        # == / in on currency, provider, method, channel...
]

T0 = 1777593600  # 2026-05-01T00:00:00Z
MONTH = 30 * 86400
OPERATORS = ["op-1", "op-2", "op-3"]
BRANDS = [f"b-{i:02d}" for i in range(1, 21)]
BRAND_OP = {b: OPERATORS[i % 3] for i, b in enumerate(BRANDS)}
BRAND_W = [1.0 / (i + 1) ** 0.7 for i in range(20)]
ZONES = ["Europe/Malta", "Europe/London", "Europe/Berlin", "America/Toronto", "America/Sao_Paulo",
         "Asia/Tokyo", "Australia/Sydney", "America/Mexico_City", "Europe/Helsinki", "Asia/Kolkata",
         "Africa/Lagos", "America/Lima", "Pacific/Auckland", "Asia/Manila", "Europe/Lisbon"]
PROVIDERS = ["pragmatic", "netent", "evolution", "playngo", "hacksaw", "nolimit", "relax", "pushgaming",
             "redtiger", "bigtime"]
WORDS = ["book", "gates", "sweet", "big", "wolf", "fire", "gold", "wild", "mega", "star", "fruit",
         "dragon", "bonanza", "joker", "lucky", "crazy", "roulette", "blackjack", "baccarat", "mines"]
GAMES = [f"{p}-{WORDS[(i * 7 + j) % len(WORDS)]}-{j}" for i, p in enumerate(PROVIDERS) for j in range(40)]
GAME_W = [1.0 / (k + 1) ** 0.8 for k in range(len(GAMES))]
#: The further zones of the ``zones`` variant.
MORE_ZONES = [
    "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Oslo", "Europe/Stockholm",
    "Europe/Dublin", "America/Chicago", "America/Denver", "America/Bogota", "America/Santiago",
    "Asia/Singapore", "Asia/Seoul", "Asia/Dubai", "Africa/Johannesburg", "America/Halifax", "America/St_Johns",
    "Asia/Kathmandu", "Australia/Adelaide", "Pacific/Chatham",
]
CURRENCIES = ["EUR", "USD", "GBP", "CAD", "BRL", "NOK", "SEK", "NZD", "MXN", "JPY"]
CUR_W = [40, 15, 12, 8, 8, 5, 4, 3, 3, 2]
METHODS = ["visa", "mastercard", "skrill", "neteller", "paysafecard", "trustly", "bank-transfer",
           "pix", "interac", "apple-pay", "google-pay", "crypto-btc"]
METH_W = [30, 20, 8, 6, 6, 8, 5, 5, 4, 4, 3, 1]
COUNTRIES = ["DE", "FI", "NO", "SE", "GB", "CA", "BR", "MX", "NZ", "IE", "AT", "MT", "PE", "CL", "IN",
             "JP", "US", "FR", "ES", "IT", "NL", "PL", "PT", "CH", "AU"]
COUNTRY_W = [10, 8, 6, 6, 6, 8, 8, 4, 3, 3, 3, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]
JURIS = ["MGA", "UKGC", "ON", "DGOJ", "SGA", None]
CHANNELS = ["DesktopWeb", "DesktopNative", "MobileWeb", "MobileNative"]
JACKPOTS = [f"jp-{i}" for i in range(12)]
POTS = ["mini", "minor", "major", "grand"]
PAYOUTS = ["cash", "bonus", "freespins"]

ET_CAMPAIGN_W = {"Transaction": 40, "Deposit": 25, "Withdrawal": 7, "PlayerLogin": 9, "PlayerLogout": 3,
                 "ThrillPotsWinEvent": 7, "ThrillPotsRaffleWinEvent": 4, "ThrillPotsOptInEvent": 5}
ET_EVENT_W = {"Transaction": 62, "Deposit": 14, "Withdrawal": 4, "PlayerLogin": 9, "PlayerLogout": 5,
              "ThrillPotsWinEvent": 2, "ThrillPotsRaffleWinEvent": 1, "ThrillPotsOptInEvent": 3}

# numeric fields per type: (field, median, sigma) -- medians as in the events
NUM = {
    "Transaction": [("real_bet", 1.0, 1.1), ("game_bet", 1.2, 1.1), ("game_win", 1.5, 1.6),
                    ("bonus_bet", 0.5, 1.0), ("jackpot_bet", 0.05, 0.8)],
    "Deposit": [("amount", 50.0, 1.0), ("balance_after", 120.0, 1.2)],
    "Withdrawal": [("amount", 200.0, 1.0), ("balance_after", 80.0, 1.2)],
    "ThrillPotsWinEvent": [("amount", 100.0, 1.5), ("contribution", 0.2, 1.0)],
    "ThrillPotsRaffleWinEvent": [("amount", 50.0, 1.2)],
    "ThrillPotsOptInEvent": [("contribution", 1.0, 1.0)],
    "PlayerLogin": [], "PlayerLogout": [],
}
CUR = ["Transaction", "Deposit", "Withdrawal", "PlayerLogin", "ThrillPotsWinEvent",
       "ThrillPotsRaffleWinEvent", "ThrillPotsOptInEvent"]
CATS = {
    "Transaction": [("currency", CURRENCIES, CUR_W), ("provider_id", PROVIDERS, None)],
    "Deposit": [("currency", CURRENCIES, CUR_W), ("method_id", METHODS, METH_W)],
    "Withdrawal": [("currency", CURRENCIES, CUR_W), ("method_id", METHODS, METH_W)],
    "PlayerLogin": [("currency", CURRENCIES, CUR_W), ("channel_type", CHANNELS, None)],
    "PlayerLogout": [("channel_type", CHANNELS, None)],
    "ThrillPotsWinEvent": [("currency", CURRENCIES, CUR_W), ("jackpot_id", JACKPOTS, None), ("pot_id", POTS, None)],
    "ThrillPotsRaffleWinEvent": [("currency", CURRENCIES, CUR_W)],
    "ThrillPotsOptInEvent": [("currency", CURRENCIES, CUR_W), ("jackpot_id", JACKPOTS, None)],
}
NULLABLE = {
    "Transaction": ["win_transaction_id", "bet_transaction_id"],
    "Deposit": ["balance_after"], "Withdrawal": ["balance_after"],
    "PlayerLogin": ["country", "jurisdiction"], "PlayerLogout": [],
    "ThrillPotsWinEvent": ["game_id", "contribution", "payout_type"],
    "ThrillPotsRaffleWinEvent": [], "ThrillPotsOptInEvent": ["contribution"],
}
STRF = {
    "Transaction": ["game_id", "provider_id", "currency"], "Deposit": ["method_id", "currency"],
    "Withdrawal": ["method_id", "currency"], "PlayerLogin": ["currency", "channel_type"],
    "PlayerLogout": ["channel_type"], "ThrillPotsWinEvent": ["jackpot_id", "currency"],
    "ThrillPotsRaffleWinEvent": ["raffle_id", "currency"], "ThrillPotsOptInEvent": ["jackpot_id", "currency"],
}


def _money(x: float) -> str:
    if x >= 100:
        return str(round(x))
    return f"{x:.2f}"


class Gen:
    def __init__(self, seed: int, features: dict[str, bool], variant: str = "base"):
        self.r = random.Random(seed)
        self.seed = seed
        self.f = dict.fromkeys(FEATURES, True)
        self.f.update(features)
        self.variant = variant
        self.shared_pool: dict[str, list[str]] = {}

    def on(self, name: str, p: float) -> bool:
        x = self.r.random()
        return self.f[name] and x < p

    # ---- values
    def threshold(self, med: float, sig: float, lean: float = 0.0) -> str:
        r = self.r
        if not self.f["lognormal"]:
            return r.choice(["1", "5", "10", "20", "50", "100"]) if med >= 5 else r.choice(["0.2", "0.5", "1", "2"])
        return _money(med * math.exp(r.gauss(lean, sig)))

    def zone_arg(self) -> str:
        if self.f["tz"] and (self.variant == "zones" or self.r.random() < 0.5):
            zones = ZONES if self.variant != "zones" else [*ZONES, *MORE_ZONES]
            return f', "{self.r.choice(zones)}"'
        return ""

    # ---- clauses
    def c_threshold(self, et: str) -> str | None:
        if not NUM[et]:
            return None
        f, med, sig = self.r.choice(NUM[et][:2] if self.r.random() < 0.8 else NUM[et])
        op = self.r.choice([">=", ">=", ">=", ">"])
        return f"{f} {op} {self.threshold(med, sig, -0.6)}"

    def c_tier(self, et: str) -> str | None:
        if not NUM[et]:
            return None
        f, med, sig = NUM[et][0]
        lo = float(self.threshold(med, sig, -0.5))
        hi = lo * self.r.uniform(2, 12)
        return f"{f} >= {_money(lo)} and {f} < {_money(hi)}"

    def c_games(self, et: str) -> str | None:
        if et != "Transaction" and et != "ThrillPotsWinEvent":
            return None
        k = 1000 if self.variant == "biglists" else 50
        k = min(k, len(GAMES)) if self.variant != "biglists" else k
        if self.variant == "biglists":
            pool = GAMES + [f"extra-game-{i}" for i in range(2000)]
            items = self.r.sample(pool, k)
        else:
            items = set()
            while len(items) < k:
                items.add(self.r.choices(GAMES, GAME_W)[0])
            items = sorted(items)
        lst = ", ".join(f'"{g}"' for g in items)
        return f"game_id in [{lst}]"

    def c_hours(self, et: str) -> str:
        a = self.r.randrange(0, 20)
        b = min(24, a + self.r.randrange(4, 14))
        z = self.zone_arg()
        if self.r.random() < 0.3:
            return f"hour(event.timestamp{z}) in [{', '.join(str(h) for h in range(a, b))}]"
        return f"hour(event.timestamp{z}) >= {a} and hour(event.timestamp{z}) < {b}"

    def c_weekdays(self, et: str) -> str:
        z = self.zone_arg()
        ch = self.r.random()
        if ch < 0.4:
            return f"weekday(event.timestamp{z}) >= 5"
        if ch < 0.7:
            days = sorted(self.r.sample(range(1, 8), self.r.randrange(2, 6)))
            return f"weekday(event.timestamp{z}) in [{', '.join(map(str, days))}]"
        return f"weekday(event.timestamp{z}) != {self.r.randrange(1, 8)}"

    def c_country(self, et: str) -> str | None:
        if et != "PlayerLogin":
            return None
        excl = self.r.sample(COUNTRIES, self.r.randrange(2, 8))
        return f"country not in [{', '.join(f'{c!r}'.replace(chr(39), chr(34)) for c in excl)}]"

    def c_cats(self, et: str) -> str | None:
        field, pool, w = self.r.choice(CATS[et])
        if self.r.random() < 0.5:
            v = self.r.choices(pool, w)[0] if w else self.r.choice(pool)
            return f'{field} == "{v}"'
        vs = sorted(set(self.r.choices(pool, w, k=4) if w else self.r.sample(pool, min(3, len(pool)))))
        return f"{field} in [{', '.join(chr(34) + v + chr(34) for v in vs)}]"

    def c_neq(self, et: str) -> str | None:
        field, pool, _w = self.r.choice(CATS[et])
        if self.r.random() < 0.5:
            return f'{field} != "{self.r.choice(pool)}"'
        vs = self.r.sample(pool, min(len(pool) - 1, 2))
        return f"{field} not in [{', '.join(chr(34) + v + chr(34) for v in vs)}]"

    def c_nulls(self, et: str) -> str | None:
        if not NULLABLE[et]:
            return None
        f = self.r.choice(NULLABLE[et])
        return f"{f} is {'not ' if self.r.random() < 0.7 else ''}null"

    def c_funcs(self, et: str) -> str:
        f = self.r.choice(STRF[et])
        ch = self.r.randrange(5)
        if f == "currency":
            return f'lower(currency) == "{self.r.choices(CURRENCIES, CUR_W)[0].lower()}"' if ch < 3 else \
                f'upper(currency) != "{self.r.choice(CURRENCIES)}"'
        if f == "channel_type":
            return 'starts_with(channel_type, "Mobile")' if ch < 3 else 'ends_with(channel_type, "Web")'
        if f == "game_id":
            if ch == 0:
                return f'starts_with(game_id, "{self.r.choice(PROVIDERS)}-")'
            if ch == 1:
                return f'contains(game_id, "{self.r.choice(WORDS)}")'
            if ch == 2:
                return f"len(game_id) >= {self.r.randrange(10, 20)}"
            return f'upper(provider_id) == "{self.r.choice(PROVIDERS).upper()}"'
        pool = {"method_id": METHODS, "provider_id": PROVIDERS, "jackpot_id": JACKPOTS}.get(f, ["rf-1", "rf-2"])
        if ch < 2:
            return f'lower({f}) != "{self.r.choice(pool)}"'
        return f'starts_with({f}, "{self.r.choice(pool)[:2]}")'

    def c_arith(self, et: str) -> str | None:
        r = self.r
        if et == "Transaction":
            ch = r.randrange(6)
            if ch == 0:
                return f"game_win >= game_bet * {_money(math.exp(r.gauss(1.5, 1.0)))}"
            if ch == 1:
                return f"game_win - game_bet >= {self.threshold(2, 1.2, -0.5)}"
            if ch == 2:
                return f"real_bet + bonus_bet >= {self.threshold(1.5, 1.0, -0.7)}"
            if ch == 3:
                return "game_win > game_bet"
            if ch == 4:
                return f"real_bet / game_bet >= {r.choice(['0.5', '0.8', '1'])}"
            return f"max(real_bet, bonus_bet) >= {self.threshold(1.0, 1.0, -0.7)}"
        if et in ("Deposit", "Withdrawal"):
            ch = r.randrange(3)
            if ch == 0:
                return f"balance_after - amount < {self.threshold(50, 1.0, 0.5)}"
            if ch == 1:
                return f"amount * {r.choice(['1.1', '1.25', '2', '0.9'])} >= {self.threshold(40, 1.0, -0.5)}"
            return f"round(amount) >= {self.threshold(30, 1.0, -0.7)}"
        if et == "ThrillPotsWinEvent":
            return f"amount >= contribution * {r.randrange(10, 2000)}"
        return None

    def c_envrange(self, et: str, scope_brand: str | None) -> str:
        r = self.r
        ch = r.randrange(4)
        if ch == 0:
            d = r.randrange(0, 25)
            a = T0 + d * 86400
            return (f"event.timestamp >= {a} and event.timestamp < {a + r.randrange(3, 15) * 86400}")
        if ch == 1:
            d = r.randrange(1, 28)
            return f'event.timestamp >= "2026-05-{d:02d}T00:00:00Z"'
        if ch == 2 and scope_brand is None:
            return f'event.brand_id != "{r.choice(BRANDS)}"'
        z = self.zone_arg()
        days = sorted(r.sample(range(1, 31), r.randrange(3, 12)))
        return f"date(event.timestamp{z}) in [{', '.join(chr(34) + f'2026-05-{d:02d}' + chr(34) for d in days)}]"

    def c_nested(self, et: str) -> str | None:
        parts = [p for p in (self.c_cats(et), self.c_threshold(et), self.c_nulls(et) if self.f["nulls"] else None,
                             self.c_funcs(et) if self.f["funcs"] else None) if p]
        if len(parts) < 2:
            return None
        a, b = self.r.sample(parts, 2)
        ch = self.r.randrange(3)
        if ch == 0:
            return f"({a} or {b})"
        if ch == 1:
            return f"not ({a} and {b})"
        c = self.c_cats(et)
        return f"({a} or ({b} and {c}))"

    def conjunct(self, et: str, scope_brand: str | None) -> str:
        cl: list[str] = []
        base = self.c_threshold(et)
        if base and (self.r.random() < 0.85):
            cl.append(base)
        elif self.f["tiers"] and NUM[et]:
            cl.append(self.c_tier(et))
        if self.on("tiers", 0.2) and NUM[et] and len(cl) == 1 and self.r.random() < 0.5:
            cl.append(self.c_tier(et))
        clauses: list[tuple[str, float, Callable[[str], str | None]]] = [
            ("games", 0.35 if et == "Transaction" else 0.2, self.c_games), ("cats", 0.4, self.c_cats),
            ("hours", 0.25, self.c_hours), ("weekdays", 0.2, self.c_weekdays),
            ("country", 0.6 if et == "PlayerLogin" else 0, self.c_country), ("arith", 0.2, self.c_arith),
            ("nulls", 0.15, self.c_nulls), ("funcs", 0.15, self.c_funcs), ("neq", 0.2, self.c_neq),
            ("nested", 0.12, self.c_nested),
            ("envrange", 0.12, lambda event_type: self.c_envrange(event_type, scope_brand)),
        ]
        for feature, share, make in clauses:
            if self.on(feature, share):
                clause = make(et)
                if clause:
                    cl.append(clause)
        if not cl:
            cl.append(self.c_cats(et))
        return " and ".join(cl)

    def condition(self, et: str, scope_brand: str | None) -> str:
        if self.variant == "derived":
            return self.derived(et)
        n_or = 1
        if self.variant == "or4":
            n_or = self.r.randrange(4, 7)
        elif self.on("or", 0.15):
            n_or = self.r.randrange(2, 4)
        parts = [self.conjunct(et, scope_brand) for _ in range(n_or)]
        if n_or == 1:
            return parts[0]
        return " or ".join(f"({p})" if " and " in p else p for p in parts)

    def derived(self, et: str) -> str:
        # many distinct derived values: each campaign its own expression
        r = self.r
        base = self.conjunct(et, None)
        z = f', "{r.choice(ZONES)}"'
        if et == "Transaction":
            k = r.randrange(1, 60)
            extra = [f"real_bet + bonus_bet * {k} >= {_money(math.exp(r.gauss(0, 1)))}",
                     f"hour(event.timestamp{z}) >= {r.randrange(0, 12)}",
                     f"game_win * {r.randrange(2, 9)} - game_bet >= {_money(math.exp(r.gauss(0, 1)))}"]
        elif et in ("Deposit", "Withdrawal"):
            extra = [f"amount + balance_after * {r.randrange(1, 40)} >= {_money(math.exp(r.gauss(3, 1)))}",
                     f"weekday(event.timestamp{z}) != {r.randrange(1, 8)}"]
        else:
            extra = [f"hour(event.timestamp{z}) < {r.randrange(12, 24)}"]
        return " and ".join([base, *extra])

    # ---- campaigns
    def campaigns(self, n: int) -> list[dict]:
        r = self.r
        ets = list(ET_CAMPAIGN_W)
        out = []
        for i in range(n):
            # a stream per campaign: switching a feature off changes only what it must
            self.r = r = random.Random(self.seed * 1_000_003 + i)
            et = r.choices(ets, [ET_CAMPAIGN_W[e] for e in ets])[0]
            s = r.random()
            op = brand = None
            if self.variant == "global":
                pass
            elif s < 0.7:
                brand = r.choices(BRANDS, BRAND_W)[0]
                if r.random() < 0.5:
                    op = BRAND_OP[brand]
            elif s < 0.9:
                op = r.choice(OPERATORS)
            pool = self.shared_pool.setdefault(et, [])
            if self.f["shared"] and pool and r.random() < 0.25:
                cond = r.choice(pool)
            else:
                cond = self.condition(et, brand)
                if self.f["shared"] and len(pool) < 60 and r.random() < 0.3:
                    pool.append(cond)
            entry = {"id": f"c-{i:06d}", "event_type": et, "operator_id": op, "brand_id": brand,
                     "condition": cond}
            if self.on("active", 0.3):
                a = T0 + r.randrange(-10, 25) * 86400
                entry["active_from"] = a
                if r.random() < 0.8:
                    entry["active_until"] = a + r.randrange(2, 30) * 86400
            out.append(entry)
        return out

    # ---- events
    def money(self, med: float, sig: float) -> Decimal:
        return Decimal(_money(med * math.exp(self.r.gauss(0, sig))))

    def event(self) -> Envelope:
        r = self.r
        ets = list(ET_EVENT_W)
        et = r.choices(ets, [ET_EVENT_W[e] for e in ets])[0]
        brand = r.choices(BRANDS, BRAND_W)[0]
        ts = T0 + r.randrange(MONTH)
        cur = r.choices(CURRENCIES, CUR_W)[0]
        pid = f"p-{r.randrange(200000):06d}"
        if et == "Transaction":
            game = r.choices(GAMES, GAME_W)[0]
            bet = self.money(1.2, 1.1)
            bonus = Decimal("0.00") if r.random() < 0.6 else min(bet, self.money(0.5, 1.0))
            real = bet - bonus
            win = Decimal("0.00") if r.random() < 0.55 else self.money(1.5, 1.6) * (10 if r.random() < 0.05 else 1)
            p = Transaction(provider_id=game.split("-")[0], game_id=game, gameround_id=f"r-{r.randrange(10**9)}",
                            bet_transaction_id=None if r.random() < 0.1 else f"bt-{r.randrange(10**9)}",
                            currency=cur, game_bet=bet, bonus_bet=bonus, real_bet=real,
                            jackpot_bet=Decimal("0.00") if r.random() < 0.7 else self.money(0.05, 0.8),
                            win_transaction_id=None if win == 0 else f"wt-{r.randrange(10**9)}",
                            game_win=win, jackpot_win=Decimal("0.00"), is_free_spin=r.random() < 0.1,
                            round_finished=r.random() < 0.9)
        elif et in ("Deposit", "Withdrawal"):
            cls = Deposit if et == "Deposit" else Withdrawal
            p = cls(method_id=r.choices(METHODS, METH_W)[0], currency=cur,
                    amount=self.money(50 if et == "Deposit" else 200, 1.0),
                    balance_after=None if r.random() < 0.15 else self.money(120 if et == "Deposit" else 80, 1.2))
        elif et == "PlayerLogin":
            p = PlayerLogin(channel_type=ChannelType(r.choice(CHANNELS)), currency=cur,
                            country=None if r.random() < 0.05 else r.choices(COUNTRIES, COUNTRY_W)[0],
                            jurisdiction=r.choice(JURIS), session_token=None)
        elif et == "PlayerLogout":
            p = PlayerLogout(channel_type=ChannelType(r.choice(CHANNELS)))
        elif et == "ThrillPotsWinEvent":
            p = ThrillPotsWinEvent(jackpot_id=r.choice(JACKPOTS), instance_id=f"i-{r.randrange(1000)}",
                                   pot_id=r.choice(POTS), player_brand_id=brand, player_id=pid, currency=cur,
                                   amount=self.money(100, 1.5),
                                   game_id=None if r.random() < 0.3 else r.choices(GAMES, GAME_W)[0],
                                   contribution=None if r.random() < 0.2 else self.money(0.2, 1.0),
                                   contribution_currency=None, payout_type=r.choice([*PAYOUTS, None]))
        elif et == "ThrillPotsRaffleWinEvent":
            p = ThrillPotsRaffleWinEvent(raffle_id=f"rf-{r.randrange(20)}", instance_id=f"i-{r.randrange(1000)}",
                                         prize_id=f"pz-{r.randrange(50)}", player_brand_id=brand, player_id=pid,
                                         currency=cur, amount=self.money(50, 1.2))
        else:
            p = ThrillPotsOptInEvent(player_brand_id=brand, player_id=pid, jackpot_id=r.choice(JACKPOTS),
                                     currency=cur, contribution=None if r.random() < 0.2 else self.money(1, 1))
        return Envelope(operator_id=BRAND_OP[brand], brand_id=brand, player_id=pid, timestamp=ts, payload=p)


def gen(n: int, n_events: int = 400, seed: int = 1, features: dict[str, bool] | None = None,
        variant: str = "base") -> tuple[list[dict], list[Envelope]]:
    g = Gen(seed, features or {}, variant)
    cfg = g.campaigns(n)
    ev_gen = Gen(seed + 1000, features or {}, variant)
    events = [ev_gen.event() for _ in range(n_events)]
    return cfg, events


if __name__ == "__main__":
    import sys
    cfg, evs = gen(int(sys.argv[1]) if len(sys.argv) > 1 else 20, 5)
    for c in cfg[:40]:
        print(c)
    for e in evs:
        print(e)
