"""Poison entries on a real redis-server: each is dead-lettered with its problems, and the consumer goes on.

Entries a producer outside this library may write (a field of many megabytes, one of bytes that are not
UTF-8, payloads nested 100,000 deep, numbers of 100,000 digits), and an entry the reader fails on with an
exception of its own (a defect of the library): none stops the consumer, none is handed to the handler,
none is acknowledged without a dead letter, and the good entries around them are handled.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

import thrilldrops_events.streams._verdict as verdict
from thrilldrops_events import Envelope
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.streams import AsyncStreamConsumer, StreamConsumer, parse_dead_letter, publish

pytestmark = pytest.mark.redis

STREAM, GROUP = "events", "campaigns"
MARK = b"reader-fails-on-this"


def poison() -> list[tuple[dict[bytes, bytes], str]]:
    """Entries no reader accepts, each with the kind of its first problem."""
    good = {key.encode(): value.encode() for key, value in codec.encode(make_events(1, tag="base")[0]).items()}
    return [
        ({**good, b"note": b"x" * (10 << 20)}, "too_large"),
        ({**good, b"player_id": b"\xff\xfe"}, "utf8_invalid"),
        ({**good, b"payload": b"[" * 100_000}, "too_deep"),
        ({**good, b"extra": b'{"a":' * 100_000}, "too_deep"),
        ({**good, b"payload": b'{"x":' + b"9" * 100_000 + b"}"}, "number_too_large"),
        ({**good, b"format": b"2"}, "format_version"),
        ({**good, MARK: b"1"}, "unreadable"),
    ]


def failing_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the reader raise an exception of no library class on the marked entry, as a defect would."""
    real = verdict.decode

    def decode(fields: Any, *, strict: bool = False) -> Envelope:
        if MARK in fields:
            raise RecursionError("maximum recursion depth exceeded")
        return real(fields, strict=strict)

    monkeypatch.setattr(verdict, "decode", decode)


def publish_all(server: RedisServer) -> tuple[list[Envelope], list[str]]:
    """Good events with a poison entry after each but the last; the good events and the poison ids."""
    raw = server.client()
    entries = poison()
    good = make_events(len(entries) + 1, tag="good")
    ids: list[str] = []
    for index, event in enumerate(good):
        publish(raw, STREAM, event)
        if index < len(entries):
            ids.append(raw.xadd(STREAM, entries[index][0]).decode())
    return good, ids


def check_dead_letters(server: RedisServer, ids: list[str]) -> None:
    raw = server.client()
    letters = [parse_dead_letter(entry_id, fields) for entry_id, fields in raw.xrange("{events}:dead-letter")]
    assert [letter.original_id for letter in letters] == ids
    for letter, (fields, kind) in zip(letters, poison(), strict=True):
        assert letter.fields == fields
        assert letter.reason == "invalid"
        assert letter.error["problems"][0]["kind"] == kind
    assert int(raw.xpending(STREAM, GROUP)["pending"]) == 0


def test_poison_entries_are_dead_lettered_and_the_sync_consumer_goes_on(redis_server: RedisServer,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    failing_reader(monkeypatch)
    good, ids = publish_all(redis_server)
    seen: list[Envelope] = []
    consumer = StreamConsumer(redis_server.client(), STREAM, GROUP, seen.append, consumer="c1", block_ms=100)
    with ConsumerThread(consumer):  # re-raises what run() raised
        wait_until(lambda: consumer.stats.handled + consumer.stats.dead_lettered == len(good) + len(ids))
    assert seen == good
    assert consumer.stats.dead_lettered == len(ids)
    check_dead_letters(redis_server, ids)


def test_poison_entries_are_dead_lettered_and_the_async_consumer_goes_on(redis_server: RedisServer,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    failing_reader(monkeypatch)
    good, ids = publish_all(redis_server)
    seen: list[Envelope] = []

    async def main() -> None:
        client = redis_server.async_client()
        try:
            consumer = AsyncStreamConsumer(client, STREAM, GROUP, seen.append, consumer="a1", block_ms=100)
            task = asyncio.create_task(consumer.run())
            while not (consumer.stats.handled + consumer.stats.dead_lettered == len(good) + len(ids) or task.done()):
                await asyncio.sleep(0.02)
            consumer.stop()
            await task  # re-raises what run() raised
            assert consumer.stats.dead_lettered == len(ids)
        finally:
            await client.aclose()

    asyncio.run(asyncio.wait_for(main(), timeout=120))
    assert seen == good
    check_dead_letters(redis_server, ids)
