"""A dead letter of an invalid entry counts every problem: those it lists, and in ``omitted`` those it leaves out.

The error of a dead letter lists the problems of the entry's ``EventValidationError``, at most
``max_problems`` of them; ``omitted`` holds how many more were found, so that a reader of the dead-letter
stream learns the total without parsing the message text. Checked on a real redis-server, through the
sync and the asyncio consumers, with entries of thousands of problems and of one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

import thrilldrops_events.streams._verdict as verdict
from thrilldrops_events import Envelope, EventValidationError
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.streams import AsyncStreamConsumer, StreamConsumer, parse_dead_letter

pytestmark = pytest.mark.redis

STREAM, GROUP = "events", "campaigns"
SURROGATES = {f"k{number}": "\ud800" for number in range(100)}  # each a problem, in either mode
UNKNOWN = {f"k{number}": 1 for number in range(1000)}  # each a problem in strict mode


def entries(strict: bool) -> list[dict[bytes, bytes]]:
    """Invalid entries: one of many problems (in ``extra`` or in the payload), and one of a single problem."""
    good = {key.encode(): value.encode() for key, value in codec.encode(make_events(1, tag="base")[0]).items()}
    payload = {**json.loads(good[b"payload"]), **(UNKNOWN if strict else SURROGATES)}
    return [
        {**good, b"payload": json.dumps(payload).encode()},
        {**good, b"extra": json.dumps(SURROGATES).encode()},  # one problem in strict mode: extra is refused
        {**good, b"format": b"2"},
    ]


def expected(fields: dict[bytes, bytes], strict: bool) -> EventValidationError:
    with pytest.raises(EventValidationError) as info:
        codec.decode(fields, strict=strict)
    return info.value


def check_dead_letters(server: RedisServer, strict: bool) -> None:
    raw = server.client()
    letters = [parse_dead_letter(entry_id, fields) for entry_id, fields in raw.xrange("{events}:dead-letter")]
    assert len(letters) == 3
    counts = []
    for letter, fields in zip(letters, entries(strict), strict=True):
        error = expected(fields, strict)
        assert letter.fields == fields
        assert letter.reason == "invalid"
        assert letter.error["problems"] == [{"path": p.path, "message": p.message, "kind": p.kind}
                                            for p in error.problems]
        assert letter.error["omitted"] == error.omitted
        assert letter.error["message"] == str(error)
        total = len(letter.error["problems"]) + letter.error["omitted"]
        assert letter.error["message"].splitlines()[0] == f"{total} problem{'s' if total != 1 else ''} in event"
        counts.append(letter.error["omitted"])
    assert counts == ([980, 0, 0] if strict else [80, 80, 0])


def publish_all(server: RedisServer, strict: bool) -> None:
    raw = server.client()
    for fields in entries(strict):
        raw.xadd(STREAM, fields)


def test_the_sync_consumer_writes_the_omitted_count(redis_server: RedisServer,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="thrilldrops_events.streams")
    publish_all(redis_server, strict=False)
    seen: list[Envelope] = []
    consumer = StreamConsumer(redis_server.client(), STREAM, GROUP, seen.append, consumer="c1", block_ms=100)
    with ConsumerThread(consumer):  # re-raises what run() raised
        wait_until(lambda: consumer.stats.dead_lettered == 3)
    assert seen == []
    check_dead_letters(redis_server, strict=False)
    logged = [record.getMessage() for record in caplog.records if "moved to dead-letter" in record.getMessage()]
    assert len(logged) == 3
    assert [line.endswith("... and 80 more problems") for line in logged] == [True, True, False]


def test_the_async_consumer_writes_the_omitted_count(redis_server: RedisServer) -> None:
    publish_all(redis_server, strict=True)
    seen: list[Envelope] = []

    async def main() -> None:
        client = redis_server.async_client()
        try:
            consumer = AsyncStreamConsumer(client, STREAM, GROUP, seen.append, consumer="a1", block_ms=100,
                                           strict=True)
            task = asyncio.create_task(consumer.run())
            while not (consumer.stats.dead_lettered == 3 or task.done()):
                await asyncio.sleep(0.02)
            consumer.stop()
            await task  # re-raises what run() raised
        finally:
            await client.aclose()

    asyncio.run(asyncio.wait_for(main(), timeout=120))
    assert seen == []
    check_dead_letters(redis_server, strict=True)


def test_the_error_of_an_entry_the_reader_fails_on_counts_its_one_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def decode(fields: Any, *, strict: bool = False) -> Envelope:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(verdict, "decode", decode)
    error = verdict.read_entry({b"format": b"1"}, False)
    assert isinstance(error, dict)
    assert ([p["kind"] for p in error["problems"]], error["omitted"]) == (["unreadable"], 0)


def test_an_old_dead_letter_without_the_count_is_still_read() -> None:
    meta = {b"dead_letter_id": b"1-0", b"dead_letter_stream": b"s", b"dead_letter_group": b"g",
            b"dead_letter_consumer": b"c", b"dead_letter_deliveries": b"0", b"dead_letter_reason": b"invalid",
            b"dead_letter_error": json.dumps({"reason": "invalid", "message": "1 problem in event\n  x: y",
                                              "problems": [{"path": "x", "message": "y", "kind": "z"}]}).encode()}
    letter = parse_dead_letter(b"2-0", meta)
    assert letter.error.get("omitted", 0) == 0
