"""Cancelling the task that runs ``AsyncStreamConsumer.run()`` ends it, on every Python version and at any moment.

A cancellation lost on the way (redis-py's timeouts can swallow one on Python 3.10 and 3.11) would keep
the consumer reading for ever: each test gives the cancelled task a generous time to end, so that a
lost cancellation fails the test instead of hanging it, and reads block for a minute, far longer.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio
from streams_support import RedisServer, make_events

from thrilldrops_events import Envelope
from thrilldrops_events.streams import AsyncStreamConsumer, publish_many_async

pytestmark = pytest.mark.redis

ENDS_WITHIN = 20.0  # seconds a cancelled consumer gets to end: a hang, not a speed, is what fails


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(6000):
        if await condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail("condition not reached within a minute")


async def cancel_and_wait(task: asyncio.Task[None]) -> None:
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=ENDS_WITHIN)  # not wait_for: it may swallow cancellations too
    assert task in done, "the cancelled consumer is still running"
    assert task.cancelled()  # it ended with CancelledError, not by returning or with another error


async def blocked_readers(client: Any) -> int:
    clients = await client.client_list()
    return sum(1 for row in clients if row.get("cmd") == "xreadgroup" and "b" in row.get("flags", ""))


def holds(value: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return value()

    return check


def test_cancel_while_blocked_in_a_read(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client, observer = redis_server.async_client(), redis_server.async_client()
        consumer = AsyncStreamConsumer(client, "events", "campaigns", lambda envelope: None, block_ms=60_000,
                                       claim_idle_ms=600_000)
        task = asyncio.ensure_future(consumer.run())

        async def blocked() -> bool:
            return await blocked_readers(observer) == 1

        async def released() -> bool:
            return await blocked_readers(observer) == 0

        await until(blocked)
        await cancel_and_wait(task)
        await until(released)  # its connection was dropped, not left blocking
        await client.aclose()
        await observer.aclose()

    asyncio.run(scenario())


def test_cancel_while_the_handler_runs(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        client = redis_server.async_client()
        await publish_many_async(client, "events", make_events(5))
        entered: list[str] = []
        outcome: list[str] = []

        async def handler(envelope: Envelope) -> None:
            entered.append(envelope.player_id)
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                outcome.append("cancelled")
                raise

        consumer = AsyncStreamConsumer(client, "events", "campaigns", handler, block_ms=60_000, concurrency=2)
        task = asyncio.ensure_future(consumer.run())
        await until(holds(lambda: len(entered) == 2))
        await cancel_and_wait(task)
        await until(holds(lambda: outcome == ["cancelled", "cancelled"]))  # the handler calls were cancelled with it
        assert consumer.stats.handled == 0
        # Nothing was acknowledged: a new consumer of the group gets all five entries again.
        seen: list[str] = []
        again = AsyncStreamConsumer(client, "events", "campaigns", lambda envelope: seen.append(envelope.player_id),
                                    consumer=consumer.consumer, block_ms=100)
        rerun = asyncio.ensure_future(again.run())
        await until(holds(lambda: len(seen) == 5))
        again.stop()
        await rerun
        await client.aclose()

    asyncio.run(scenario())


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_handler_cancelled_on_its_own_fails_its_entry_only(redis_server: RedisServer, concurrency: int) -> None:
    # A CancelledError the handler raises itself (it awaited something that was cancelled) is not a
    # cancellation of the consumer: it used to end run() with it, as if the consumer's task were cancelled.
    async def scenario() -> None:
        client = redis_server.async_client()
        events = make_events(4)
        await publish_many_async(client, "events", events)
        seen: list[str] = []

        async def handler(envelope: Envelope) -> None:
            if envelope.player_id == events[1].player_id:
                cancelled = asyncio.get_running_loop().create_future()
                cancelled.cancel()
                await cancelled
            seen.append(envelope.player_id)

        consumer = AsyncStreamConsumer(client, "events", "campaigns", handler, block_ms=100, max_deliveries=2,
                                       concurrency=concurrency)
        task = asyncio.ensure_future(consumer.run())
        await until(holds(lambda: consumer.stats.dead_lettered == 1))
        assert not task.done()
        consumer.stop()
        await task
        assert sorted(seen) == sorted(event.player_id for index, event in enumerate(events) if index != 1)
        assert consumer.stats.retried == 1
        (letter,) = await client.xrange("{events}:dead-letter")
        assert letter[1][b"dead_letter_reason"] == b"max_deliveries"
        assert letter[1][b"dead_letter_error"].decode().count("CancelledError") == 1
        await client.aclose()

    asyncio.run(scenario())


def test_cancel_while_waiting_out_an_outage() -> None:
    with socket.socket() as probe:  # a free port where no server listens: every connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario() -> None:
        client = redis.asyncio.Redis(host="127.0.0.1", port=port)
        consumer = AsyncStreamConsumer(client, "events", "campaigns", lambda envelope: None, block_ms=60_000)
        task = asyncio.ensure_future(consumer.run())
        await asyncio.sleep(0.3)  # connection refused, then waiting before it tries again
        await cancel_and_wait(task)
        await client.aclose()

    asyncio.run(scenario())


@pytest.mark.parametrize("socket_timeout", [None, 120.0])
def test_cancel_at_many_moments(redis_server: RedisServer, socket_timeout: float | None) -> None:
    async def scenario() -> None:
        client = redis_server.async_client(socket_timeout=socket_timeout)
        await publish_many_async(client, "events", make_events(2000))
        for attempt in range(25):  # reads that end often, cancelled at moments spread over read, handler and reply

            async def handler(envelope: Envelope) -> None:
                await asyncio.sleep(0)

            consumer = AsyncStreamConsumer(client, "events", "campaigns", handler, block_ms=60_000 if attempt % 2
                                           else 1 + attempt % 5, batch_size=10, claim_idle_ms=600_000)
            task = asyncio.ensure_future(consumer.run())
            for _ in range(attempt * 3):
                await asyncio.sleep(0)
            await asyncio.sleep(0.002 * (attempt % 7))
            await cancel_and_wait(task)
        await client.aclose()

    asyncio.run(scenario())

