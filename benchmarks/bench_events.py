"""Parse and write mixed envelopes: thrilldrops-events beside what a user would write instead.

Run: python benchmarks/bench_events.py [--quick] [--events N]

Contenders, all on the same bytes in the same run:
  orjson.loads                 the floor: JSON to dicts, no validation, floats for numbers (inexact)
  msgspec structs              typed msgspec Structs for the eight schemas, Decimal fields (exact)
  pydantic union (by hand)     pydantic models + a smart Union of one-key wrappers, validate_json (INEXACT numbers)
  pydantic exact (by hand)     the same models via json.loads(parse_float=Decimal) + validate_python (exact)
  thrilldrops parse_event      this library (exact, validated, unknown fields kept)
Two inputs: money as decimal strings (the processor's own style) and money as JSON numbers.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Union

import msgspec
import orjson
from pydantic import BaseModel, ConfigDict

from thrilldrops_events import Envelope, parse_event, to_json

ROOT = Path(__file__).parents[1]


# --- what a user would write by hand with pydantic ------------------------------------------------------------------
class _M(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlayerLogin(_M):
    channel_type: str
    currency: str
    country: Optional[str] = None  # noqa: UP045
    jurisdiction: Optional[str] = None  # noqa: UP045
    session_token: Optional[str] = None  # noqa: UP045


class PlayerLogout(_M):
    channel_type: str


class Transaction(_M):
    provider_id: str
    game_id: str
    gameround_id: str
    bet_transaction_id: Optional[str] = None  # noqa: UP045
    currency: str
    game_bet: Decimal
    bonus_bet: Decimal
    real_bet: Decimal
    jackpot_bet: Decimal
    win_transaction_id: Optional[str] = None  # noqa: UP045
    game_win: Decimal
    jackpot_win: Decimal
    is_free_spin: bool
    round_finished: bool


class Deposit(_M):
    method_id: str
    currency: str
    amount: Decimal
    balance_after: Optional[Decimal] = None  # noqa: UP045


class Withdrawal(Deposit):
    pass


class ThrillPotsWinEvent(_M):
    jackpot_id: str
    instance_id: str
    pot_id: str
    player_brand_id: str
    player_id: str
    currency: str
    amount: Decimal
    game_id: Optional[str] = None  # noqa: UP045
    contribution: Optional[Decimal] = None  # noqa: UP045
    contribution_currency: Optional[str] = None  # noqa: UP045
    payout_type: Optional[str] = None  # noqa: UP045


class ThrillPotsRaffleWinEvent(_M):
    raffle_id: str
    instance_id: str
    prize_id: str
    player_brand_id: str
    player_id: str
    currency: str
    amount: Decimal


class ThrillPotsOptInEvent(_M):
    player_brand_id: str
    player_id: str
    jackpot_id: str
    currency: str
    contribution: Optional[Decimal] = None  # noqa: UP045


_MODELS = [PlayerLogin, PlayerLogout, Transaction, Deposit, Withdrawal, ThrillPotsWinEvent, ThrillPotsRaffleWinEvent,
           ThrillPotsOptInEvent]
_WRAPPERS = [type(f"{m.__name__}W", (_M,), {"__annotations__": {m.__name__: m}}) for m in _MODELS]
_WRAPPERS[4] = type("WithdrawalW", (_M,), {"__annotations__": {"Withdrawal": Withdrawal}})


class HandEnvelope(_M):
    operator_id: str
    brand_id: str
    player_id: str
    timestamp: int
    event_type: Union[tuple(_WRAPPERS)]  # type: ignore[valid-type]  # noqa: UP007


# --- msgspec -------------------------------------------------------------------------------------------------------
def _struct(model: type[BaseModel]) -> type[msgspec.Struct]:
    fields: list[Any] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        fields.append((name, annotation, None) if not info.is_required() else (name, annotation))
    required = [f for f in fields if len(f) == 2]
    optional = [f for f in fields if len(f) == 3]
    return msgspec.defstruct(f"S{model.__name__}", required + optional, frozen=True)


_STRUCTS = {m.__name__: _struct(m) for m in _MODELS}
_STRUCT_DECODERS = {name: msgspec.json.Decoder(s) for name, s in _STRUCTS.items()}


class SEnvelope(msgspec.Struct, frozen=True):
    operator_id: str
    brand_id: str
    player_id: str
    timestamp: int
    event_type: dict[str, msgspec.Raw]


_SENV = msgspec.json.Decoder(SEnvelope)


def msgspec_parse(raw: bytes) -> Any:
    env = _SENV.decode(raw)
    ((name, body),) = env.event_type.items()
    return env, _STRUCT_DECODERS[name].decode(body)


def hand_exact(raw: bytes) -> Any:
    return HandEnvelope.model_validate(json.loads(raw, parse_float=Decimal))


# --- the run -------------------------------------------------------------------------------------------------------
def load(n: int, money: str) -> list[bytes]:
    lines = (ROOT / "examples" / "events.ndjson").read_bytes().splitlines()
    if money == "number":
        lines = [to_json(parse_event(line), money="number") for line in lines]
    return [lines[i % len(lines)] for i in range(n)]


def per_event(fn: Callable[[Any], Any], items: list[Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for item in items:
            fn(item)
        times.append((time.perf_counter() - start) / len(items) * 1e6)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10,000 events, one repeat")
    args = parser.parse_args()
    n, repeat = (10_000, 1) if args.quick else (args.events, args.repeat)

    print(f"Parsing {n:,} mixed envelopes (µs per event, best of {repeat}); lower is better\n")
    print(f"{'contender':<34}{'exact':>7}{'money as strings':>19}{'money as numbers':>19}")
    rows: list[tuple[str, str, Callable[[bytes], Any]]] = [
        ("orjson.loads (floor, no validation)", "no", orjson.loads),
        ("msgspec structs (Decimal fields)", "yes", msgspec_parse),
        ("pydantic union by hand (validate_json)", "NO", HandEnvelope.model_validate_json),
        ("pydantic by hand, exact (json.loads)", "yes", hand_exact),
        ("thrilldrops parse_event", "yes", parse_event),
    ]
    data = {money: load(n, money) for money in ("string", "number")}
    results: dict[str, tuple[float, float]] = {}
    for name, exact, fn in rows:
        s = per_event(fn, data["string"], repeat)
        num = per_event(fn, data["number"], repeat)
        results[name] = (s, num)
        print(f"{name:<34}{exact:>7}{s:>19.2f}{num:>19.2f}")

    envelopes: list[Envelope] = [parse_event(raw) for raw in data["string"]]
    hand = [HandEnvelope.model_validate_json(raw) for raw in data["string"]]
    plain = [orjson.loads(raw) for raw in data["string"]]
    structs = [msgspec_parse(raw) for raw in data["string"]]
    print(f"\nWriting {n:,} envelopes (µs per event, best of {repeat})\n")
    print(f"{'contender':<42}{'µs':>8}")
    writers: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
        ("orjson.dumps of dicts (floor)", orjson.dumps, plain),
        ("msgspec.json.encode (structs)", lambda p: msgspec.json.encode(p[1]), structs),
        ("pydantic model_dump_json (by hand)", lambda m: m.__pydantic_serializer__.to_json(m), hand),
        ("thrilldrops to_json (money as strings)", to_json, envelopes),
        ("thrilldrops to_json(money='number')", lambda e: to_json(e, money="number"), envelopes),
    ]
    for name, fn, items in writers:
        print(f"{name:<42}{per_event(fn, items, repeat):>8.2f}")
    ours = results["thrilldrops parse_event"]
    hand_inexact = results["pydantic union by hand (validate_json)"]
    print(f"\nparse_event / inexact pydantic union: {ours[0] / hand_inexact[0]:.2f}x (strings), "
          f"{ours[1] / hand_inexact[1]:.2f}x (numbers)")


if __name__ == "__main__":
    main()
