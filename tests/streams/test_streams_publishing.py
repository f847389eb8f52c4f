"""Publishing: chunks encoded as they are sent (bounded memory), backpressure on a group's lag, durable publishes."""

from __future__ import annotations

import asyncio
import gc
import resource
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_event, make_events, wait_until

from thrilldrops_events import Envelope, EventValidationError
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.streams import (
    StreamBackpressureError,
    StreamConfigError,
    StreamConsumer,
    StreamDurabilityError,
    publish,
    publish_async,
    publish_many,
    publish_many_async,
)

pytestmark = pytest.mark.redis

STREAM, GROUP = "events", "campaigns"


def test_chunks_are_sent_while_the_events_are_still_being_made(redis_server: RedisServer) -> None:
    client = redis_server.client()
    watcher = redis_server.client()
    behind: list[int] = []

    def events() -> Iterator[Envelope]:
        for number in range(1000):
            behind.append(number - watcher.xlen(STREAM))  # made but not yet on the stream
            yield make_event(number)

    assert publish_many(client, STREAM, events(), chunk_size=64, return_ids=False) == 1000
    assert max(behind) == 63  # never more than one chunk held back
    assert [codec.decode(fields).player_id for _, fields in client.xrange(STREAM)] == [
        e.player_id for e in make_events(1000)]


@pytest.mark.heavy  # long fuzzing (or load): CI runs it once, on the newest Python
def test_a_generator_is_published_in_bounded_memory(redis_server: RedisServer) -> None:
    client = redis_server.client()
    template = make_event(2)

    def events(count: int) -> Iterator[Envelope]:
        for number in range(count):
            yield template.model_copy(update={"player_id": f"p-{number}"})

    def peak(count: int) -> int:
        client.delete(STREAM)
        gc.collect()
        tracemalloc.start()
        try:
            assert publish_many(client, STREAM, events(count), chunk_size=250, return_ids=False) == count
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(8_000)
    # Holding 8,000 encoded entries at once takes about 6 MB; a chunk of 250 at a time about half a megabyte.
    assert large < 2 * 1024 * 1024
    assert large < small + 256 * 1024  # eight times the events, not eight times the memory


@pytest.mark.heavy
def test_a_million_events_from_a_generator_in_bounded_memory(redis_server: RedisServer) -> None:
    client = redis_server.client()
    template = make_event(2)

    def events() -> Iterator[Envelope]:
        for number in range(1_000_000):
            yield template.model_copy(update={"player_id": f"p-{number}"})

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    count = publish_many(client, STREAM, events(), chunk_size=1000, maxlen=10_000, return_ids=False)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert count == 1_000_000
    assert client.xlen(STREAM) < 20_000  # the server kept it short too
    assert grown < 100 * 1024  # a million encoded entries held at once would take over a gigabyte


def test_publishing_waits_while_the_group_lags(redis_server: RedisServer) -> None:
    client = redis_server.client()
    monitor = redis_server.client()
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            groups = monitor.xinfo_groups(STREAM) if monitor.exists(STREAM) else []
            seen.extend(int(g["lag"]) for g in groups if g["lag"] is not None)
            time.sleep(0.002)

    def slow(envelope: Envelope) -> None:
        time.sleep(0.001)

    client.xgroup_create(STREAM, GROUP, id="$", mkstream=True)
    consumer = StreamConsumer(redis_server.client(), STREAM, GROUP, slow, consumer="c1", block_ms=20, batch_size=10)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with ConsumerThread(consumer):
            ids = publish_many(client, STREAM, make_events(600), chunk_size=50, max_lag=100, lag_group=GROUP,
                               lag_check_ms=5)
            wait_until(lambda: consumer.stats.handled == 600)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert len(ids) == 600
    assert max(seen) <= 150  # the limit, plus the one chunk sent when the lag was just under it
    assert consumer.stats.handled == 600


def test_publishing_gives_up_when_the_group_never_catches_up(redis_server: RedisServer) -> None:
    client = redis_server.client()
    client.xgroup_create(STREAM, GROUP, id="$", mkstream=True)  # nobody reads
    with pytest.raises(StreamBackpressureError) as caught:
        publish_many(client, STREAM, make_events(400), chunk_size=50, max_lag=100, lag_group=GROUP,
                     lag_check_ms=10, lag_timeout_s=0.2)
    assert (caught.value.group, caught.value.lag, caught.value.published) == (GROUP, 150, 150)
    assert isinstance(caught.value, TimeoutError)
    assert client.xlen(STREAM) == 150
    # A group that does not exist has no lag to wait for.
    assert len(publish_many(client, STREAM, make_events(10), max_lag=0, lag_group="nobody")) == 10


@pytest.mark.parametrize("options", [{"chunk_size": 0}, {"replicas": 0}, {"max_lag": 10}, {"lag_group": "g"},
                                     {"max_lag": -1, "lag_group": "g"}, {"max_lag": 1, "lag_group": ""},
                                     {"lag_timeout_s": -1.0}, {"replica_timeout_ms": 0}, {"maxlen": -5},
                                     {"maxlen": 0}, {"maxlen": 0, "approximate": False}])
def test_impossible_publishing_options_are_refused(redis_server: RedisServer, options: dict[str, Any]) -> None:
    with pytest.raises(StreamConfigError):
        publish_many(redis_server.client(), STREAM, make_events(1), **options)
    assert not redis_server.client().exists(STREAM)


@pytest.mark.parametrize("approximate", [True, False])
def test_a_publish_never_returns_the_id_of_an_entry_its_own_trim_deleted(redis_server: RedisServer,
                                                                         approximate: bool) -> None:
    client = redis_server.client()
    with pytest.raises(StreamConfigError, match="maxlen"):
        publish(client, STREAM, make_events(1)[0], maxlen=0, approximate=approximate)
    entry_id = publish(client, STREAM, make_events(1)[0], maxlen=1, approximate=approximate)
    assert [entry for entry, _ in client.xrange(STREAM)] == [entry_id.encode()]


def test_publishing_what_is_not_an_envelope_is_an_event_validation_error(redis_server: RedisServer) -> None:
    client = redis_server.client()
    with pytest.raises(EventValidationError, match="expected an Envelope, not NoneType"):
        publish(client, STREAM, None)  # type: ignore[arg-type]
    with pytest.raises(EventValidationError, match="expected an Envelope, not dict"):
        publish_many(client, STREAM, [{"operator_id": "op-1"}])  # type: ignore[list-item]
    with pytest.raises(EventValidationError, match="expected an Envelope, not str"):
        asyncio.run(publish_async(redis_server.async_client(), STREAM, "Deposit"))  # type: ignore[arg-type]
    assert not client.exists(STREAM)


def test_a_durable_publish_without_replicas_says_it_is_not_durable(redis_server: RedisServer) -> None:
    client = redis_server.client()
    with pytest.raises(StreamDurabilityError) as caught:
        publish(client, STREAM, make_event(1), replicas=1, replica_timeout_ms=50)
    error = caught.value
    assert (error.replicas, error.acknowledged, len(error.entry_ids)) == (1, 0, 1)
    assert client.xrange(STREAM)[0][0].decode() == error.entry_ids[0]  # written, though not replicated


def test_durable_publishes_wait_for_the_replica(redis_factory: Callable[..., RedisServer]) -> None:
    primary = redis_factory(extra=("--repl-diskless-sync-delay", "0"))
    replica = redis_factory(extra=("--replicaof", "127.0.0.1", str(primary.port)))
    client = primary.client()
    wait_until(lambda: client.info("replication")["connected_slaves"] == 1
               and replica.client().info("replication")["master_link_status"] == "up")
    first = publish(client, STREAM, make_event(1), replicas=1, replica_timeout_ms=10_000)
    rest = publish_many(client, STREAM, make_events(300, start=2), chunk_size=64, replicas=1,
                        replica_timeout_ms=10_000)
    mirror = replica.client()
    assert [entry_id.decode() for entry_id, _ in mirror.xrange(STREAM)] == [first, *rest]  # already on the replica

    async def scenario() -> list[str]:
        aclient = primary.async_client()
        try:
            one = await publish_async(aclient, STREAM, make_event(9000), replicas=1, replica_timeout_ms=10_000)
            more = await publish_many_async(aclient, STREAM, make_events(20, start=9001), replicas=1,
                                            replica_timeout_ms=10_000)
            return [one, *more]
        finally:
            await aclient.aclose()

    ids = asyncio.run(asyncio.wait_for(scenario(), timeout=120))
    assert [entry_id.decode() for entry_id, _ in mirror.xrange(STREAM)][-21:] == ids


def test_async_backpressure_and_counting(redis_server: RedisServer) -> None:
    async def scenario() -> tuple[int, StreamBackpressureError]:
        client = redis_server.async_client()
        try:
            await client.xgroup_create(STREAM, GROUP, id="$", mkstream=True)
            with pytest.raises(StreamBackpressureError) as caught:
                await publish_many_async(client, STREAM, make_events(100), chunk_size=20, max_lag=30,
                                         lag_group=GROUP, lag_check_ms=5, lag_timeout_s=0.1)
            count = await publish_many_async(client, "other", make_events(70), chunk_size=20, return_ids=False)
            return count, caught.value
        finally:
            await client.aclose()

    count, error = asyncio.run(asyncio.wait_for(scenario(), timeout=120))
    assert count == 70
    assert (error.lag, error.published) == (40, 40)
