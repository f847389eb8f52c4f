"""The Redis stream reader counts every problem it finds, as ``parse_event`` does: the listed ones and the rest.

An ``EventValidationError`` lists at most ``max_problems`` problems and counts the others in ``omitted``. The
payload's reader, the exact JSON reader of ``extra`` and the check of the unknown envelope fields may leave
problems out of their lists; ``decode`` takes their problems over, and must keep their count of those too, so
that an entry reports the problems, the count and the head line that ``parse_event`` reports for its event, plus
the problems of the entry's own fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import thrilldrops_events
from thrilldrops_events import EventValidationError, parse_event
from thrilldrops_events.codecs import redis

HEAD: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1}
DATA: dict[str, Any] = {"channel_type": "MobileWeb"}
UNKNOWN = {f"k{number}": 1 for number in range(1000)}  # refused in strict mode, each a problem
SURROGATES = {f"k{number}": "\ud800" for number in range(100)}  # refused in either mode, each a problem


def counted(read: Any, *args: Any, **kwargs: Any) -> tuple[list[tuple[str, str]], int, str]:
    """The problems listed (path and kind), how many more there are, and the head line of the message."""
    with pytest.raises(EventValidationError) as info:
        read(*args, **kwargs)
    error = info.value
    return [(p.path, p.kind) for p in error.problems], error.omitted, str(error).splitlines()[0]


def _entry(payload: dict[str, Any], extra: dict[str, Any] | None = None, **fields: str) -> dict[str, str]:
    """The fields of a stream entry (as text) of a PlayerLogout: ``payload``, ``extra`` as JSON, more ``fields``."""
    entry = {"format": "1", "event_type": "PlayerLogout", "operator_id": "o", "brand_id": "b", "player_id": "p",
             "timestamp": "1", "payload": json.dumps(payload)}
    if extra is not None:
        entry["extra"] = json.dumps(extra)  # lone surrogates as JSON escapes (\ud800)
    return {**entry, **fields}


def _as_bytes(entry: dict[str, str]) -> dict[bytes, bytes]:
    return {name.encode(): value.encode() for name, value in entry.items()}


CASES: dict[str, tuple[dict[str, Any], dict[str, str], dict[str, Any], bool, tuple[str, ...]]] = {
    # name: (the envelope as parse_event reads it, the entry, the envelope's paths as the entry names them
    #        (those not given stay as they are), strict, the forms of the entry)
    "unknown payload fields in strict mode": (
        {**HEAD, "event_type": {"PlayerLogout": {**DATA, **UNKNOWN}}}, _entry({**DATA, **UNKNOWN}), {}, True,
        ("bytes", "str")),
    "payload fields of lone surrogates": (
        {**HEAD, "event_type": {"PlayerLogout": {**DATA, **SURROGATES}}}, _entry({**DATA, **SURROGATES}), {}, False,
        ("bytes", "str")),
    "lone surrogates in extra": (
        {**HEAD, **SURROGATES, "event_type": {"PlayerLogout": DATA}}, _entry(DATA, SURROGATES),
        {name: f"extra.{name}" for name in SURROGATES}, False, ("bytes", "str")),
    "stream fields of lone surrogates": (  # only text (decode_responses=True) holds a lone surrogate
        {**HEAD, **SURROGATES, "event_type": {"PlayerLogout": DATA}}, _entry(DATA, **SURROGATES), {}, False,
        ("str",)),
    "unknown stream fields in strict mode": (
        {**HEAD, **UNKNOWN, "event_type": {"PlayerLogout": DATA}}, _entry(DATA, **dict.fromkeys(UNKNOWN, "1")), {},
        True, ("bytes", "str")),
}
RUNS = [(name, form) for name, case in sorted(CASES.items()) for form in case[4]]


def _as_entry_path(path: str, moved: dict[str, Any]) -> str:
    if path.startswith("event_type.PlayerLogout."):
        return "payload." + path.removeprefix("event_type.PlayerLogout.")
    return str(moved.get(path, path))


def _expected(name: str) -> tuple[list[tuple[str, str]], int, str]:
    envelope, _, moved, strict, _ = CASES[name]
    expected, omitted, head = counted(parse_event, json.dumps(envelope), strict=strict)
    assert omitted > 0, "the case must find more problems than an error lists"
    return [(_as_entry_path(path, moved), kind) for path, kind in expected], omitted, head


def _form(entry: dict[str, str], form: str) -> dict[Any, Any]:
    return _as_bytes(entry) if form == "bytes" else entry


def test_the_worktree_is_tested() -> None:
    assert "site-packages" not in thrilldrops_events.__file__


@pytest.mark.parametrize(("name", "form"), RUNS)
def test_every_problem_is_counted_as_parse_event_counts_it(name: str, form: str) -> None:
    expected = _expected(name)
    entry, strict = _form(CASES[name][1], form), CASES[name][3]
    assert counted(redis.decode, entry, strict=strict) == expected


@pytest.mark.parametrize(("name", "form"), RUNS)
def test_a_problem_of_the_entry_adds_to_the_count(name: str, form: str) -> None:
    expected, omitted, _ = _expected(name)
    total = len(expected) + omitted + 1  # the event's, and the format's
    entry, strict = _form({**CASES[name][1], "format": "2"}, form), CASES[name][3]
    problems, got_omitted, head = counted(redis.decode, entry, strict=strict)
    assert problems[0] == ("format", "format_version")
    assert problems[1:] == expected[:-1]
    assert (len(problems) + got_omitted, head) == (total, f"{total} problems in event")


@pytest.mark.parametrize("name", ["payload fields of lone surrogates", "unknown payload fields in strict mode"])
def test_the_fast_route_sees_the_entry_and_gives_way(name: str) -> None:
    """The layout's fields as bytes: the fast route reads such an entry first, and leaves it to the exact route."""
    entry, strict = _as_bytes(CASES[name][1]), CASES[name][3]
    assert set(entry) == {field.encode() for field in redis.FIELDS if field != "extra"}
    assert redis._decode_fast(entry, strict) is None
