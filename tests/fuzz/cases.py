"""Seeded fuzz inputs and the properties every input must keep.

``event_case(seed, index)`` and ``condition_case(seed, index)`` rebuild any input from its number, so a
failure names an input that can be replayed. ``check_event`` and ``check_condition`` return ``None`` or
a description of the broken property; each call of the library is timed (CPU time), and the slowest is returned.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from thrilldrops_events import (
    EventValidationError,
    ThrillDropsError,
    compile_condition,
    parse_event,
    to_json,
)
from thrilldrops_events.codecs import redis as stream_codec
from thrilldrops_events.codecs._exact import loads_exact

ROOT = Path(__file__).parents[2]
SEEDS = [line for line in (ROOT / "examples" / "events.ndjson").read_bytes().splitlines() if line.strip()]
SEEDS += [line for line in (ROOT / "examples" / "invalid-events.ndjson").read_bytes().splitlines() if line.strip()]
SEEDS += [path.read_bytes() for path in sorted((Path(__file__).parent / "corpus").glob("*.json"))]

HOSTILE_VALUES = [
    "1e999999999", "-1e999999999", "1E-999999999", "1e1000000000000000000", "1E-400", "-0", "-0.0", "0e999999999",
    "1777852800.0", "1e3", "NaN", "Infinity", "1" * 120, "1" * 5000, "0." + "0" * 120 + "1", '"\\ud800"',
    '"a\\udfffb"', '"\\ud83d\\ude00"', '"1e1000000000000000000"', '"-0.00"', "true", "null", "[]", "{}",
    '"' + "x" * 300 + '"', "[" * 70 + "]" * 70, '{"session_token":"s"}', "12345678901234567890.123456789",
]
HOSTILE_BYTES = [b"\xed\xa0\x80", b"\xff", b"\\u0000", b",", b"]", b"}", b'"', b"\\", b"e99", b"-", b"."]
CONDITIONS = [
    'amount >= 20 and currency == "EUR"', "amount * 2 > balance_after", 'lower(method_id) in ["visa", "skrill"]',
    "not (amount < 1e3) or balance_after is null", "round(amount, 2) == 10.50", "event.timestamp > 0",
    'hour(event.timestamp, "Europe/Malta") >= 18', "amount / 0 is null", "-amount < -5",
]


def _mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.3 and data:
            del data[where : where + rng.randint(1, 8)]
        elif choice < 0.6:
            data[where:where] = rng.choice(HOSTILE_BYTES)
        elif choice < 0.8 and data:
            data[min(where, len(data) - 1)] = rng.randrange(256)
        else:
            other = rng.choice(SEEDS)
            start = rng.randrange(len(other))
            data[where:where] = other[start : start + rng.randint(1, 40)]
    return bytes(data)


def _mutate_value(rng: random.Random, raw: bytes) -> bytes:
    """Replace a scalar value (after a colon) with a hostile one, or add an unknown field holding one."""
    text = raw.decode("utf-8", "surrogateescape")
    colons = [i for i, char in enumerate(text) if char == ":"]
    value = rng.choice(HOSTILE_VALUES)
    if colons and rng.random() < 0.75:
        at = rng.choice(colons) + 1
        end = at
        while end < len(text) and text[end] not in ",}]":
            end += 1
        if text[at : at + 1] in ("{", "["):
            return (text[:at] + value + text[at:]).encode("utf-8", "surrogateescape")
        text = text[:at] + value + text[end:]
    else:
        brace = text.find("{")
        text = text[: brace + 1] + f'"x{rng.randrange(9)}":{value},' + text[brace + 1 :]
    return text.encode("utf-8", "surrogateescape")


def event_case(seed: int, index: int) -> tuple[bytes, bool]:
    """The fuzz input number ``index``: JSON bytes, and whether it is read in strict mode."""
    rng = random.Random(f"event:{seed}:{index}")
    raw = rng.choice(SEEDS)
    for _ in range(rng.randint(1, 3)):
        raw = _mutate_value(rng, raw) if rng.random() < 0.6 else _mutate_bytes(rng, raw)
    return raw, rng.random() < 0.25


def condition_case(seed: int, index: int) -> tuple[str | dict[str, Any], str]:
    """The condition input number ``index``: text or a JSON form, and its event type."""
    rng = random.Random(f"condition:{seed}:{index}")
    text = rng.choice(CONDITIONS)
    mutated = _mutate_bytes(rng, text.encode()).decode("utf-8", "replace")
    if rng.random() < 0.2:
        mutated = mutated.replace('"EUR"', rng.choice(['"\ud800"', '"' + "x" * 2000 + '"', "1e999999999"]))
    if rng.random() < 0.3:
        form: dict[str, Any] = compile_condition(text, "Deposit").to_json()
        change = rng.randrange(3)
        if change == 0:
            form["version"] = 10 ** rng.randint(1, 5000)
        elif change == 1:
            form["condition"] = {"op": rng.choice(["==", "and", 10**5000]), "args": [{"value": "\ud800"}] * 2}
        else:
            form["condition"] = {"number": rng.choice(["1e999999999", "1" * 200, 7, None])}
        return form, "Deposit"
    return mutated, "Deposit"


class _Timer:
    """The slowest call, in CPU time of the calling thread: what an input costs, whatever else the machine runs."""

    def __init__(self) -> None:
        self.slowest = 0.0

    def __call__(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            self.slowest = max(self.slowest, time.thread_time() - start)


def _verdict(timer: _Timer, source: Any, strict: bool) -> bytes | tuple[str, ...]:
    try:
        event = timer(parse_event, source, strict=strict)
    except EventValidationError as error:
        return tuple(sorted(f"{p.path}:{p.kind}" for p in error.problems))
    return timer(to_json, event)


def _round_trips(timer: _Timer, written: bytes) -> str | None:
    event = timer(parse_event, written)
    for money in ("string", "number"):
        once = timer(to_json, event, money=money)
        if timer(to_json, timer(parse_event, once), money=money) != once:
            return f"to_json(money={money!r}) does not round-trip byte for byte"
    if timer(stream_codec.decode, timer(stream_codec.encode, event)) != event:
        return "the stream codec does not round-trip"
    return None


def check_event(raw: bytes, strict: bool) -> tuple[str | None, float]:
    """Check one input on every route; return (the broken property or None, the slowest call in seconds)."""
    timer = _Timer()
    try:
        verdicts = {name: _verdict(timer, source, strict) for name, source in
                    [("bytes", raw), ("bytearray", bytearray(raw)), ("memoryview", memoryview(raw))]}
        try:  # the same document as text: bytes may be UTF-8, -16 or -32, as JSON allows (RFC 8259, 8.1)
            text = raw.decode(json.detect_encoding(raw))
        except UnicodeDecodeError:
            text = None
        if text is not None:
            verdicts["str"] = _verdict(timer, text, strict)
        if len(set(verdicts.values())) != 1:
            return f"the text routes disagree: {verdicts}", timer.slowest
        verdict = verdicts["bytes"]
        try:  # the document as Python values, read as the library reads JSON (bounded numbers, no NaN)
            data = loads_exact(raw)
        except EventValidationError:
            data = None
        if data is not None:
            as_dict = _verdict(timer, data, strict)
            if isinstance(as_dict, bytes) != isinstance(verdict, bytes):
                return f"the dict route says {as_dict!r}, the text routes {verdict!r}", timer.slowest
            if isinstance(as_dict, bytes):
                problem = _round_trips(timer, as_dict)
                if problem:
                    return f"dict route: {problem}", timer.slowest
        if isinstance(verdict, bytes):
            return _round_trips(timer, verdict), timer.slowest
    except ThrillDropsError as error:
        return f"{type(error).__name__} escaped where it should not: {error}", timer.slowest
    except Exception as error:
        return f"foreign exception {type(error).__name__}: {str(error)[:200]}", timer.slowest
    return None, timer.slowest


def check_condition(source: str | dict[str, Any], event_type: str) -> tuple[str | None, float]:
    """Compile one condition; whatever compiles must print back (text and JSON form) to the same condition."""
    timer = _Timer()
    try:
        try:
            condition = timer(compile_condition, source, event_type)
        except ThrillDropsError:
            return None, timer.slowest
        again = timer(compile_condition, condition.text, event_type)
        from_json = timer(compile_condition, condition.to_json(), event_type)
        if not again.text == from_json.text == condition.text:
            return f"does not print back: {condition.text!r}", timer.slowest
    except Exception as error:
        return f"foreign exception {type(error).__name__}: {str(error)[:200]}", timer.slowest
    return None, timer.slowest
