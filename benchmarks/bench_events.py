"""Parse, validate and write events: thrilldrops-events beside what a user would write instead, in one run.

Run: python benchmarks/bench_events.py [--quick] [--events N] [--rounds R] [--validate-lines N] [--unknown SHARE]

The population is benchmarks/_workload.py: every event type in the proportions of real traffic, realistic
identifiers, 10% of events with unknown fields, written three ways (money as decimal strings, as JSON
numbers, and mixed per value). Contenders, on the same bytes:

  orjson.loads                 the floor: JSON to dicts, no validation, numbers as floats (inexact)
  msgspec structs              typed msgspec Structs for the eight schemas, Decimal fields (exact, no rules)
  pydantic union (by hand)     pydantic models + a union of one-key wrappers, validate_json (INEXACT numbers)
  pydantic exact (by hand)     the same models via json.loads(parse_float=Decimal) + validate_python
  parse_event                  this library: exact, every rule of the contract, unknown fields kept

The contenders take turns, R rounds, timed in CPU time; each figure is the best round, each ratio the median of the
per-round ratios. Then the validate command on a file of N lines beside a loop of orjson.loads over it,
each in a fresh process (its CPU time and peak memory); then memory per parsed envelope and import time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from _footprint import import_times, memory_per_envelope, validate_file
from _hand import HandEnvelope, hand_exact, msgspec_parse
from _workload import FORMS, make_envelopes, write

from thrilldrops_events import Envelope, parse_event, to_json

ROOT = Path(__file__).parents[1]


def _round(fn: Callable[[Any], Any], items: list[Any]) -> float:
    """µs of CPU time per item (the process's own: other work on a shared machine counts less than in wall time)."""
    gc.collect()
    start = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - start) / len(items) * 1e6


def race(contenders: dict[str, Callable[[Any], Any]], items: list[Any], rounds: int) -> dict[str, list[float]]:
    """µs per item of each contender, per round, the contenders taking turns within each round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(_round(fn, items))
    return times


def ratio(times: dict[str, list[float]], name: str, base: str) -> float:
    return statistics.median(a / b for a, b in zip(times[name], times[base], strict=True))


def _parsing(envelopes: list[Envelope], rounds: int) -> dict[str, float]:
    """The parsing table; returns the ratios the targets are about."""
    contenders: dict[str, Callable[[bytes], Any]] = {
        "orjson.loads (floor, no validation)": orjson.loads,
        "msgspec structs (Decimal, no rules)": msgspec_parse,
        "pydantic union by hand (INEXACT)": HandEnvelope.model_validate_json,
        "pydantic by hand, exact (json.loads)": hand_exact,
        "parse_event": parse_event,
    }
    print(f"Parsing {len(envelopes):,} envelopes, µs per event (best of {rounds} rounds); ratios are medians\n")
    print(f"{'contender':<40}" + "".join(f"{form:>12}" for form in FORMS))
    targets: dict[str, float] = {}
    table: dict[str, list[str]] = {name: [] for name in contenders}
    for form in FORMS:
        times = race(contenders, write(envelopes, form), rounds)
        for name in contenders:
            table[name].append(f"{min(times[name]):>12.2f}")
        targets[f"parse_event / orjson.loads, money {form}"] = ratio(times, "parse_event", next(iter(contenders)))
        targets[f"parse_event / pydantic union, money {form}"] = ratio(times, "parse_event",
                                                                       "pydantic union by hand (INEXACT)")
    for name, cells in table.items():
        print(f"{name:<40}" + "".join(cells))
    known = [e for e in envelopes if not e.model_extra and not e.payload.model_extra]
    lines = write(known, "mixed")
    modes = race({"lenient": parse_event, "strict": lambda raw: parse_event(raw, strict=True)}, lines, rounds)
    print(f"\nThe {len(known):,} events without unknown fields, money mixed: lenient {min(modes['lenient']):.2f} µs, "
          f"strict {min(modes['strict']):.2f} µs")
    targets["parse_event strict / lenient, valid events"] = ratio(modes, "strict", "lenient")
    return targets


def _writing(envelopes: list[Envelope], rounds: int) -> dict[str, float]:
    lines = write(envelopes, "string")
    hand = [HandEnvelope.model_validate_json(raw) for raw in lines]
    plain = [orjson.loads(raw) for raw in lines]
    contenders: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {
        "orjson.dumps of dicts (floor)": (orjson.dumps, plain),
        "pydantic model_dump_json (models by hand)": (lambda m: m.model_dump_json(), hand),
        "pydantic model_dump_json (Envelope)": (lambda e: e.model_dump_json(), envelopes),
        "to_json (money as strings)": (to_json, envelopes),
        "to_json(money='number')": (lambda e: to_json(e, money="number"), envelopes),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, (fn, items) in contenders.items():
            times[name].append(_round(fn, items))
    print(f"\nWriting {len(envelopes):,} envelopes, µs per event (best of {rounds} rounds)\n")
    for name in contenders:
        print(f"{name:<44}{min(times[name]):>8.2f}")
    by_hand = ratio(times, "to_json (money as strings)", "pydantic model_dump_json (models by hand)")
    print(f"\nto_json / model_dump_json of the models by hand: {by_hand:.2f}x")
    return {"to_json / model_dump_json (Envelope)": ratio(times, "to_json (money as strings)",
                                                          "pydantic model_dump_json (Envelope)")}


def _validate(envelopes: list[Envelope], lines: int) -> dict[str, float]:
    found = validate_file(write(envelopes, "mixed"), lines)
    print(f"\nthrilldrops-events validate on {lines:,} lines (money mixed, 10% unknown fields), fresh processes\n")
    for name, (seconds, peak) in found.items():
        print(f"{name:<44}{seconds:>8.2f} s{peak:>10.0f} MiB peak")
    return {"validate / orjson.loads loop": found["thrilldrops-events validate"][0] / found["orjson.loads loop"][0],
            "validate peak memory, N lines / N/10 lines": found["thrilldrops-events validate"][1]
            / found["thrilldrops-events validate, a tenth of the lines"][1]}


# The acceptance target of each ratio, by the start of its name.
_TARGETS = {"parse_event / orjson.loads": 4.0, "parse_event / pydantic union": 0.7, "parse_event strict": 1.2,
            "to_json": 0.5, "validate / orjson": 6.0, "validate peak memory": 1.2, "import": 1.3}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--validate-lines", type=int, default=1_000_000)
    parser.add_argument("--unknown", type=float, default=0.10, help="share of events with unknown fields")
    parser.add_argument("--quick", action="store_true", help="2,000 events, 2 rounds, 20,000 lines")
    args = parser.parse_args()
    if args.quick:
        args.events, args.rounds, args.validate_lines = 2_000, 2, 20_000
    envelopes = make_envelopes(args.events, unknown=args.unknown)
    targets = {**_parsing(envelopes, args.rounds), **_writing(envelopes, args.rounds),
               **_validate(envelopes, args.validate_lines)}
    examples = (ROOT / "examples" / "events.ndjson").read_bytes().splitlines()
    memory = memory_per_envelope(examples)
    print(f"\nMemory per parsed envelope (tracemalloc, the {len(examples)} examples): "
          + ", ".join(f"{name} {size:,.0f} B" for name, size in memory.items()))
    imports = import_times()
    print("Import time (median of fresh processes): "
          + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in imports.items()))
    base = imports["from pydantic import BaseModel"]
    targets["import thrilldrops_events / from pydantic import BaseModel"] = imports["import thrilldrops_events"] / base
    print(f"from thrilldrops_events import parse_event, Envelope / from pydantic import BaseModel: "
          f"{imports['from thrilldrops_events import parse_event, Envelope'] / base:.2f}x (the models and the codec)")
    print("\nTargets\n")
    for name, value in targets.items():
        limit = next(limit for key, limit in _TARGETS.items() if name.startswith(key))
        print(f"{name:<62}{value:>7.2f}x  (at most {limit}x: {'met' if value <= limit else 'MISSED'})")
    print(f"{'memory per parsed envelope (fast route)':<62}{memory['parse_event']:>7.0f} B  "
          f"(at most 1,536 B: {'met' if memory['parse_event'] <= 1536 else 'MISSED'})")


if __name__ == "__main__":
    main()
