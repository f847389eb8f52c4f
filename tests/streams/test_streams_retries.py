"""Retry policy (growing delays, errors not worth retrying) and the batch handler, on a real redis-server."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope
from thrilldrops_events.streams import (
    Delivery,
    DeliveryContext,
    RetryPolicy,
    StreamConfigError,
    StreamConsumer,
    parse_dead_letter,
    publish_many,
)

pytestmark = pytest.mark.redis

STREAM, GROUP = "events", "campaigns"


def dead_letters(client: Any) -> list[Any]:
    return [parse_dead_letter(entry_id, fields) for entry_id, fields in client.xrange("{events}:dead-letter")]


def test_retry_delays_grow_as_the_policy_says() -> None:
    policy = RetryPolicy(first_delay_ms=100, multiplier=3, max_delay_ms=2000)
    assert [policy.delay_ms(n, cap=60_000) for n in range(1, 6)] == [100, 300, 900, 2000, 2000]
    assert [policy.delay_ms(n, cap=500) for n in range(1, 4)] == [100, 300, 500]  # never past claim_idle_ms
    assert RetryPolicy(first_delay_ms=0).delay_ms(3, cap=10) == 0
    assert RetryPolicy(multiplier=1).delay_ms(10_000, cap=60_000) == 1000  # constant, and quick to compute


@pytest.mark.parametrize("options", [
    {"first_delay_ms": -1}, {"first_delay_ms": 1.5}, {"multiplier": 0.5}, {"multiplier": True},
    {"max_delay_ms": 10, "first_delay_ms": 100}, {"give_up_on": (ValueError, "KeyError")},
    {"give_up_on": [ValueError]},
])
def test_impossible_retry_policies_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(StreamConfigError):
        RetryPolicy(**options)


def test_a_retry_cannot_wait_longer_than_claim_idle_ms(redis_server: RedisServer) -> None:
    with pytest.raises(StreamConfigError, match="claim_idle_ms"):
        StreamConsumer(redis_server.client(), STREAM, GROUP, print, claim_idle_ms=1000,
                       retry=RetryPolicy(max_delay_ms=5000))


def test_a_failed_entry_waits_its_delay_on_the_server(redis_server: RedisServer) -> None:
    """After a failure the entry's idle time is set so that XAUTOCLAIM finds it exactly when the delay ends."""
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(3))

    def refuse(envelope: Envelope) -> None:
        raise RuntimeError("not now")

    consumer = StreamConsumer(client, STREAM, GROUP, refuse, consumer="c1", block_ms=50, claim_idle_ms=600_000,
                              retry=RetryPolicy(first_delay_ms=100_000))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.retried == 3)
    rows = client.xpending_range(STREAM, GROUP, "-", "+", 10)
    assert [row["message_id"].decode() for row in rows] == ids
    for row in rows:  # idle = claim_idle_ms - delay, plus the few milliseconds since
        assert 500_000 <= row["time_since_delivered"] < 560_000
        assert row["times_delivered"] == 2  # tried once


def test_retries_come_after_growing_delays_then_succeed(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(5)
    publish_many(client, STREAM, events)
    target = events[2].player_id
    attempts: list[tuple[int, float]] = []

    def handler(envelope: Envelope, context: DeliveryContext) -> None:
        if envelope.player_id == target:
            attempts.append((context.delivery_count, time.monotonic()))
            if context.delivery_count <= 3:
                raise ConnectionError(f"database unavailable (try {context.delivery_count})")

    consumer = StreamConsumer(client, STREAM, GROUP, handler, consumer="c1", block_ms=20, claim_idle_ms=10_000,
                              context=True, max_deliveries=5, retry=RetryPolicy(first_delay_ms=60, multiplier=2))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 5)
    assert [count for count, _ in attempts] == [1, 2, 3, 4]
    gaps = [later - earlier for (_, earlier), (_, later) in itertools.pairwise(attempts)]
    for gap, delay in zip(gaps, (0.060, 0.120, 0.240), strict=True):  # never before its delay
        assert gap >= delay - 0.005
    stats = consumer.stats
    assert (stats.handled, stats.retried, stats.reclaimed, stats.dead_lettered) == (5, 3, 3, 0)
    assert client.xpending(STREAM, GROUP)["pending"] == 0


def test_errors_not_worth_retrying_go_to_the_dead_letter_stream_at_once(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(6)
    ids = publish_many(client, STREAM, events)
    calls: Counter[str] = Counter()

    class UnknownCampaign(LookupError):
        pass

    def handler(envelope: Envelope) -> None:
        calls[envelope.player_id] += 1
        if envelope.player_id == events[1].player_id:
            raise UnknownCampaign("campaign c-9 does not exist")
        if envelope.player_id == events[4].player_id and calls[envelope.player_id] == 1:
            raise TimeoutError("slow database")

    consumer = StreamConsumer(client, STREAM, GROUP, handler, consumer="c1", block_ms=20, claim_idle_ms=10_000,
                              retry=RetryPolicy(first_delay_ms=20, give_up_on=(LookupError,)))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 5 and consumer.stats.dead_lettered == 1)
    assert calls[events[1].player_id] == 1  # never tried again
    assert calls[events[4].player_id] == 2  # a TimeoutError is retried
    (letter,) = dead_letters(client)
    assert (letter.original_id, letter.reason, letter.deliveries) == (ids[1], "not_retryable", 1)
    assert letter.error["last_error"] == "UnknownCampaign: campaign c-9 does not exist"
    assert consumer.stats.retried == 1


def test_batch_handler_gets_each_batch_and_retries_only_what_it_names(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(25)
    ids = publish_many(client, STREAM, events)
    poison = client.xadd(STREAM, {"event_type": "Deposit"}).decode()
    batches: list[list[tuple[str, int]]] = []
    lock = threading.Lock()

    def handle(deliveries: list[Delivery]) -> dict[str, Exception] | None:
        with lock:
            batches.append([(d.entry_id, d.context.delivery_count) for d in deliveries])
        assert all(isinstance(d.envelope, Envelope) and d.context.stream == STREAM for d in deliveries)
        failed = {d.entry_id: RuntimeError("row locked") for d in deliveries
                  if d.entry_id in (ids[3], ids[17]) and d.context.delivery_count == 1}
        return failed or None

    consumer = StreamConsumer(client, STREAM, GROUP, handle, consumer="c1", batch=True, batch_size=10,
                              block_ms=20, claim_idle_ms=10_000, retry=RetryPolicy(first_delay_ms=30))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 25 and consumer.stats.dead_lettered == 1)
    seen = [entry for batch in batches for entry in batch]
    assert sorted(entry_id for entry_id, count in seen if count == 1) == sorted(ids)  # each once at first
    assert sorted(entry_id for entry_id, count in seen if count == 2) == sorted([ids[3], ids[17]])  # retried
    assert all(len(batch) <= 10 for batch in batches)
    assert poison not in {entry_id for entry_id, _ in seen}  # invalid entries never reach the batch handler
    stats = consumer.stats
    assert (stats.handled, stats.retried, stats.dead_lettered) == (25, 2, 1)
    assert client.xpending(STREAM, GROUP)["pending"] == 0


def test_a_batch_handler_that_raises_retries_the_whole_batch(redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(8))
    calls: list[list[str]] = []

    def handle(deliveries: list[Delivery]) -> None:
        calls.append([d.entry_id for d in deliveries])
        if len(calls) == 1:
            raise RuntimeError("bulk insert failed")

    consumer = StreamConsumer(client, STREAM, GROUP, handle, consumer="c1", batch=True, block_ms=20,
                              claim_idle_ms=10_000, retry=RetryPolicy(first_delay_ms=30))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 8)
    assert calls[0] == ids
    assert sorted(entry_id for call in calls[1:] for entry_id in call) == ids  # each retried once
    assert (consumer.stats.retried, consumer.stats.dead_lettered) == (8, 0)


def test_a_batch_handler_returning_nonsense_fails_its_batch_loudly(redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(3))
    consumer = StreamConsumer(client, STREAM, GROUP, lambda deliveries: True, consumer="c1", batch=True,
                              block_ms=20, max_deliveries=1, claim_idle_ms=10_000)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 3)
    letters = dead_letters(client)
    assert [letter.original_id for letter in letters] == ids
    assert all(letter.error["last_error"].startswith("TypeError: a batch handler must return None or a mapping")
               for letter in letters)


@pytest.mark.parametrize("options", [{"batch": True, "context": True}, {"context": 1}, {"concurrency": 0},
                                     {"batch": True, "concurrency": 2}])
def test_impossible_handler_options_are_refused(redis_server: RedisServer, options: dict[str, Any]) -> None:
    from thrilldrops_events.streams import AsyncStreamConsumer

    with pytest.raises(StreamConfigError):
        AsyncStreamConsumer(redis_server.async_client(), STREAM, GROUP, print, **options)
