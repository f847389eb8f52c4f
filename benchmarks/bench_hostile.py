"""Hostile bodies: how long parse_event takes to refuse or accept them, beside json.loads of the same bytes.

Run: python benchmarks/bench_hostile.py [--repeat N]

Each body is at most 1 MiB (the largest event read). json.loads is the floor: reading the JSON at all,
with no validation. A hostile body should cost about as much as reading it, never seconds: before the
work per document was bounded, the 87,000 unknown event types took some 3 s, and a timestamp of
1e999999999 never finished.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from thrilldrops_events import EventValidationError, parse_event

BASE = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
        '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
KEYS = ",".join(f'"k{i}":0' for i in range(87_000))


def _unknown(text: str) -> str:
    return BASE[:-1] + "," + text + "}"


BODIES: list[tuple[str, str, bool]] = [
    ("timestamp 1e999999999", BASE.replace('"timestamp":1', '"timestamp":1e999999999'), False),
    ("amount 1e1000000000000000000",
     BASE.replace('{"PlayerLogout":{"channel_type":"MobileWeb"}}',
                  '{"Deposit":{"method_id":"v","currency":"EUR","amount":1e1000000000000000000}}'), False),
    ("87,000 unknown event types", BASE.replace('{"PlayerLogout"', "{" + KEYS + ',"PlayerLogout"'), False),
    ("87,000 unknown fields, strict", _unknown(KEYS), True),
    ("87,000 unknown fields, lenient", _unknown(KEYS), False),
    ("340,000 empty arrays", _unknown('"x":[' + ",".join(["[]"] * 340_000) + "]"), False),
    ("170,000 fractional numbers", _unknown('"x":[' + ",".join(["1.5"] * 170_000) + "]"), False),
    ("a 1 MB string", _unknown('"x":"' + "é" * 500_000 + '"'), False),
    ("arrays nested 500,000 deep", _unknown('"x":' + "[" * 500_000 + "]" * 500_000), False),
    ("9,999 values kept (accepted)", _unknown('"x":[' + ",".join(["[]"] * 9_999) + "]"), False),
]


def best_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def _verdict(raw: bytes, strict: bool) -> str:
    try:
        parse_event(raw, strict=strict)
    except EventValidationError as error:
        return f"refused ({error.problems[0].kind})"
    return "accepted"


def _floor(raw: bytes) -> None:
    with contextlib.suppress(ValueError, RecursionError):
        json.loads(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Hostile bodies (ms, best of {args.repeat}); lower is better\n")
    print(f"{'body':<32}{'bytes':>10}{'json.loads':>12}{'parse_event':>13}{'ratio':>8}  verdict")
    for name, text, strict in BODIES:
        raw = text.encode()
        floor = best_ms(lambda raw=raw: _floor(raw), args.repeat)
        ours = best_ms(lambda raw=raw, strict=strict: _verdict(raw, strict), args.repeat)
        ratio = ours / floor if floor > 0.05 else float("nan")
        print(f"{name:<32}{len(raw):>10,}{floor:>12.2f}{ours:>13.2f}{ratio:>8.2f}  {_verdict(raw, strict)}")


if __name__ == "__main__":
    main()
