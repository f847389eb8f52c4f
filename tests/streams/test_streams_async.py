"""The asyncio consumer and publishers: the same core, so the same behaviour, on redis.asyncio."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from streams_support import RedisServer, make_events

from thrilldrops_events import Envelope
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.streams import (
    AsyncStreamConsumer,
    Delivery,
    DeliveryContext,
    RetryPolicy,
    parse_dead_letter,
    publish_async,
    publish_many_async,
)

pytestmark = pytest.mark.redis

T = TypeVar("T")


def run(coroutine: Awaitable[T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, timeout=120))


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


def test_async_consumers_share_the_work_and_dead_letter_poison(redis_server: RedisServer) -> None:
    events = make_events(600)
    target = events[10].player_id
    calls: Counter[str] = Counter()

    async def handler(envelope: Envelope) -> None:
        calls[envelope.player_id] += 1
        await asyncio.sleep(0)
        if envelope.player_id == target and calls[target] == 1:
            raise RuntimeError("first try fails")

    async def scenario() -> tuple[list[AsyncStreamConsumer], list[Any], int]:
        client = redis_server.async_client()
        try:
            first_id = await publish_async(client, "events", events[0])
            ids = await publish_many_async(client, "events", events[1:], chunk_size=128)
            assert len({first_id, *ids}) == 600
            poison_id = (await client.xadd("events", {"event_type": "Deposit", "payload": "{}"})).decode()
            clients = [redis_server.async_client() for _ in range(2)]
            # The failed entry is retried after 50 ms (its retry delay); the entries a consumer has read and not
            # yet started stay its own (claim_idle_ms is longer than a batch takes, however busy the machine),
            # so no entry is handled twice and the counts below are exact.
            consumers = [
                AsyncStreamConsumer(own, "events", "campaigns", handler, consumer=name, batch_size=50, block_ms=100,
                                    claim_idle_ms=60_000, retry=RetryPolicy(first_delay_ms=50))
                for name, own in zip(("a1", "a2"), clients, strict=True)
            ]
            tasks = [asyncio.create_task(consumer.run()) for consumer in consumers]
            await until(lambda: sum(c.stats.handled for c in consumers) == 600
                        and sum(c.stats.dead_lettered for c in consumers) == 1)
            for consumer in consumers:
                consumer.stop()
            await asyncio.gather(*tasks)
            info = await consumers[0].group_info()
            letters = [parse_dead_letter(i, f) for i, f in await client.xrange("{events}:dead-letter")]
            assert letters[0].original_id == poison_id
            for own in clients:
                await own.aclose()
            return consumers, letters, 0 if info is None else info.pending
        finally:
            await client.aclose()

    consumers, letters, pending = run(scenario())
    assert set(calls) == {e.player_id for e in events}
    assert calls[target] == 2 and sum(calls.values()) == 601
    assert sum(c.stats.retried for c in consumers) == 1
    assert sum(c.stats.reclaimed for c in consumers) == 1
    assert all(c.stats.handled > 0 for c in consumers)  # both took part
    assert pending == 0
    (letter,) = letters
    assert letter.reason == "invalid"
    assert {p["path"] for p in letter.error["problems"]} >= {"operator_id", "payload.method_id"}


def test_async_consumer_accepts_a_plain_function_and_recovers_nogroup(redis_server: RedisServer) -> None:
    seen: list[str] = []

    async def scenario() -> AsyncStreamConsumer:
        client = redis_server.async_client(decode_responses=True)
        admin = redis_server.async_client()
        consumer = AsyncStreamConsumer(client, "events", "campaigns", lambda e: seen.append(e.player_id),
                                       consumer="a1", block_ms=50)
        task = asyncio.create_task(consumer.run())
        try:
            await publish_many_async(admin, "events", make_events(5))
            await until(lambda: consumer.stats.handled == 5)
            await admin.flushall()
            await until(lambda: consumer.stats.groups_created == 2)
            await publish_many_async(admin, "events", make_events(5, start=5))
            await until(lambda: consumer.stats.handled == 10)
            await admin.xadd("events", {"event_type": b"\xff"})  # not UTF-8, with a decode_responses client
            await until(lambda: consumer.stats.dead_lettered == 1)
        finally:
            consumer.stop()
            await task
            await client.aclose()
            await admin.aclose()
        return consumer

    consumer = run(scenario())
    assert seen == [e.player_id for e in make_events(10)]
    assert consumer.stats.handled == 10


def test_async_graceful_stop_and_drain(redis_server: RedisServer) -> None:
    events = make_events(20)

    async def scenario() -> tuple[list[str], list[str]]:
        client = redis_server.async_client()
        await publish_many_async(client, "events", events)
        first: list[str] = []
        consumer: AsyncStreamConsumer

        async def handler(envelope: Envelope) -> None:
            first.append(envelope.player_id)
            if len(first) == 3:
                consumer.stop()

        consumer = AsyncStreamConsumer(client, "events", "campaigns", handler, consumer="a1", batch_size=20)
        await consumer.run()
        second: list[str] = []
        again = AsyncStreamConsumer(client, "events", "campaigns", lambda e: second.append(e.player_id),
                                    consumer="a1", block_ms=50)
        task = asyncio.create_task(again.run())
        await until(lambda: again.stats.handled == 17)
        again.stop()
        await task
        assert (await client.xpending("events", "campaigns"))["pending"] == 0
        await client.aclose()
        return first, second

    first, second = run(scenario())
    assert first == [e.player_id for e in events[:3]]
    assert second == [e.player_id for e in events[3:]]


def test_async_publish_writes_the_same_fields(redis_server: RedisServer) -> None:
    async def scenario() -> list[Any]:
        client = redis_server.async_client()
        await publish_async(client, "events", events[0], maxlen=1, approximate=False)
        await publish_async(client, "events", events[1], maxlen=1, approximate=False)
        rows = await client.xrange("events")
        await client.aclose()
        return list(rows)

    events = make_events(2)
    rows = run(scenario())
    assert len(rows) == 1
    assert rows[0][1] == {k.encode(): v.encode() for k, v in codec.encode(events[1]).items()}
    assert json.loads(rows[0][1][b"payload"]) == json.loads(codec.encode(events[1])["payload"])


def test_async_concurrency_is_bounded_and_keeps_each_players_order(redis_server: RedisServer) -> None:
    players = [f"p-{n:02d}" for n in range(30)]
    events = [event.model_copy(update={"player_id": players[index % 30]})
              for index, event in enumerate(make_events(300))]
    in_flight: set[str] = set()
    most = 0
    overlaps: list[str] = []
    order: dict[str, list[int]] = {}

    async def handler(envelope: Envelope, context: DeliveryContext) -> None:
        nonlocal most
        if envelope.player_id in in_flight:
            overlaps.append(envelope.player_id)
        in_flight.add(envelope.player_id)
        most = max(most, len(in_flight))
        await asyncio.sleep(0.001 * (envelope.timestamp % 3))
        order.setdefault(envelope.player_id, []).append(envelope.timestamp)
        in_flight.discard(envelope.player_id)

    async def scenario() -> AsyncStreamConsumer:
        client = redis_server.async_client()
        await publish_many_async(client, "events", events)
        consumer = AsyncStreamConsumer(client, "events", "campaigns", handler, consumer="a1", context=True,
                                       concurrency=8, block_ms=50)
        task = asyncio.create_task(consumer.run())
        await until(lambda: consumer.stats.handled == 300)
        consumer.stop()
        await task
        assert (await client.xpending("events", "campaigns"))["pending"] == 0
        await client.aclose()
        return consumer

    run(scenario())
    assert most == 8  # as many at once as allowed, never more
    assert not overlaps  # never two entries of one player at the same time
    for player in players:  # and each player's entries in stream order
        expected = [e.timestamp for e in events if e.player_id == player]
        assert order[player] == expected


def test_async_batch_handler_with_a_coroutine(redis_server: RedisServer) -> None:
    events = make_events(30)
    sizes: list[int] = []

    async def handle(deliveries: list[Delivery]) -> dict[str, Exception]:
        sizes.append(len(deliveries))
        await asyncio.sleep(0)
        return {d.entry_id: ValueError("no") for d in deliveries if d.envelope.player_id == events[7].player_id
                and d.context.delivery_count == 1}

    async def scenario() -> AsyncStreamConsumer:
        client = redis_server.async_client()
        await publish_many_async(client, "events", events)
        consumer = AsyncStreamConsumer(client, "events", "campaigns", handle, consumer="a1", batch=True,
                                       batch_size=16, block_ms=20, claim_idle_ms=10_000,
                                       retry=RetryPolicy(first_delay_ms=20))
        task = asyncio.create_task(consumer.run())
        await until(lambda: consumer.stats.handled == 30)
        consumer.stop()
        await task
        await client.aclose()
        return consumer

    consumer = run(scenario())
    assert sizes[:2] == [16, 14]
    assert sizes[2:] == [1]  # the one failure, retried alone
    assert (consumer.stats.retried, consumer.stats.dead_lettered) == (1, 0)
