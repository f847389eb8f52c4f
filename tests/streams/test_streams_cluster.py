"""Stream consumers and publishers on a real Redis Cluster: three masters, three replicas, and a failover.

Heavy: CI runs these once, with the newest Python. Each test starts its own cluster on free loopback
ports in a temporary directory and stops every process by its PID afterwards.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from cluster_support import LocalCluster, cluster_binaries, stream_names_on_every_master
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from streams_support import ConsumerThread, make_events, wait_until

from thrilldrops_events import Envelope, dedup_key
from thrilldrops_events.streams import (
    AsyncStreamConsumer,
    StreamConsumer,
    StreamDurabilityError,
    dead_letter_key,
    publish_many,
    publish_many_async,
    stream_info,
    trim,
)

pytestmark = [pytest.mark.redis, pytest.mark.heavy]

GROUP = "campaigns"
PATTERNS = ["td-events-{}", "casino:{{brand-{}}}:events", "wallet-events-{}"]


@pytest.fixture
def cluster(tmp_path: Any) -> Iterator[LocalCluster]:
    server, cli = cluster_binaries()
    made = LocalCluster(server, cli, tmp_path)
    try:
        made.start()
        yield made
    finally:
        made.stop()


class Tally:
    """What the handlers saw, by dedup key and by stream, from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.by_stream: Counter[str] = Counter()

    def handler(self, stream: str) -> Callable[[Envelope], None]:
        def handle(envelope: Envelope) -> None:
            with self.lock:
                self.keys[dedup_key(envelope)] += 1
                self.by_stream[stream] += 1
        return handle

    def seen(self) -> int:
        with self.lock:
            return len(self.keys)


def start_engines(cluster: LocalCluster, streams: list[str], tally: Tally, **options: Any) -> list[ConsumerThread]:
    """Three engines, each running one consumer per stream (each with a cluster client of its own)."""
    return [ConsumerThread(StreamConsumer(cluster.client(), stream, GROUP, tally.handler(stream),
                                          consumer=f"engine-{engine}", block_ms=100, **options))
            for engine in range(1, 4) for stream in streams]


def test_ten_thousand_events_over_streams_on_every_master(cluster: LocalCluster) -> None:
    client = cluster.client()
    streams = stream_names_on_every_master(cluster, PATTERNS)
    assert len({cluster.node_serving(stream).port for stream in streams}) == 3  # one stream per master
    for stream in streams:  # the dead-letter stream lives on its stream's slot
        assert client.keyslot(dead_letter_key(stream)) == client.keyslot(stream)
    events = make_events(10_000)
    expected = {dedup_key(event) for event in events}
    assert len(expected) == 10_000
    tally = Tally()
    threads = start_engines(cluster, streams, tally)
    try:
        for index, stream in enumerate(streams):
            assert len(publish_many(client, stream, events[index::3], chunk_size=500)) == len(events[index::3])
        wait_until(lambda: tally.seen() == 10_000, timeout=180)
    finally:
        for thread in threads:
            thread.finish()

    assert set(tally.keys) == expected
    assert set(tally.keys.values()) == {1}  # nothing failed, so each exactly once
    assert tally.by_stream == {stream: len(events[index::3]) for index, stream in enumerate(streams)}
    consumers = [thread.consumer for thread in threads]
    for stream in streams:
        mine = [c for c in consumers if c.stream == stream]
        info = mine[0].group_info()
        assert info is not None and (info.pending, info.lag, info.consumers) == (0, 0, 3)
        assert sum(c.stats.groups_created for c in mine) == 1
        assert client.xlen(dead_letter_key(stream)) == 0
    for engine in range(1, 4):  # every engine took part
        assert sum(c.stats.handled for c in consumers if c.consumer == f"engine-{engine}") > 0
    assert all(c.stats.reconnects == c.stats.dead_lettered == c.stats.retried == 0 for c in consumers)
    # Operating works on a cluster too: the figures, and a trim (nothing is left that a group needs).
    info = stream_info(client, streams[1])
    assert (info.length, [g.pending for g in info.groups], len(info.consumers[GROUP])) == (len(events[1::3]), [0], 3)
    assert trim(client, streams[1], maxlen=0).deleted == len(events[1::3])


def test_a_master_killed_mid_stream_loses_no_durably_published_event(cluster: LocalCluster) -> None:
    streams = stream_names_on_every_master(cluster, PATTERNS)
    victim = cluster.node_serving(streams[0])
    events = make_events(4_500)
    chunk_size = 50
    confirmed: set[str] = set()
    failures: Counter[str] = Counter()
    progress = {"published": 0}
    tally = Tally()

    def produce() -> None:
        client = cluster.client()
        for start in range(0, len(events), chunk_size):
            chunk = events[start:start + chunk_size]
            stream = streams[(start // chunk_size) % 3]
            while True:
                try:
                    publish_many(client, stream, chunk, replicas=1, replica_timeout_ms=300)
                except (StreamDurabilityError, redis.RedisError, OSError) as error:
                    failures[type(error).__name__] += 1  # retried; a chunk written twice is de-duplicated
                    time.sleep(0.1)
                    continue
                confirmed.update(dedup_key(event) for event in chunk)
                progress["published"] += len(chunk)
                break

    threads = start_engines(cluster, streams, tally, max_deliveries=1000)
    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    try:
        wait_until(lambda: progress["published"] >= len(events) // 3, timeout=180)
        cluster.kill(victim)  # SIGKILL: its replica is promoted after cluster-node-timeout
        cluster.wait_healthy(masters=3, replicas=2)
        cluster.start_node(victim)  # it comes back as the replica of the promoted master
        cluster.wait_healthy(masters=3, replicas=3)
        producer.join(timeout=300)
        assert not producer.is_alive()
        wait_until(lambda: set(tally.keys) >= confirmed, timeout=180)
        # Every consumer met the failover. The others may have handled every event while one still
        # waited out its backoff: stopped then, it would not have carried on yet (a reconnect counts
        # once a command succeeds again).
        wait_until(lambda: all(thread.consumer.stats.reconnects >= 1 for thread in threads), timeout=60)
    finally:
        for thread in threads:
            thread.finish()  # re-raises if a consumer's run() raised (CLUSTERDOWN, say)

    assert len(confirmed) == len(events)  # every publish was retried until a replica confirmed it
    assert set(tally.keys) >= confirmed  # and every confirmed event was handled, at least once
    assert sum(failures.values()) >= 1  # the producer did meet the failover
    consumers = [thread.consumer for thread in threads]
    assert all(c.stats.reconnects >= 1 for c in consumers)  # every consumer met it too, and carried on
    assert all(c.stats.dead_lettered == 0 for c in consumers)
    assert cluster.node_serving(streams[0]).port != victim.port  # the stream moved to the promoted replica


def test_async_consumers_on_a_cluster(cluster: LocalCluster) -> None:
    streams = stream_names_on_every_master(cluster, PATTERNS)
    events = make_events(900)
    ports = [node.port for node in cluster.nodes]

    async def scenario() -> tuple[Tally, list[AsyncStreamConsumer]]:
        from redis.asyncio.cluster import ClusterNode

        tally = Tally()
        clients = [AsyncRedisCluster(startup_nodes=[ClusterNode("127.0.0.1", port) for port in ports])
                   for _ in range(7)]
        try:
            consumers = [AsyncStreamConsumer(clients[index * 2 + engine], stream, GROUP, tally.handler(stream),
                                             consumer=f"engine-{engine}", block_ms=100, concurrency=4)
                         for index, stream in enumerate(streams) for engine in range(2)]
            tasks = [asyncio.create_task(consumer.run()) for consumer in consumers]
            for index, stream in enumerate(streams):
                await publish_many_async(clients[6], stream, events[index::3], chunk_size=100, replicas=1,
                                         replica_timeout_ms=5000)
            while tally.seen() < 900:
                await asyncio.sleep(0.02)
            for consumer in consumers:
                consumer.stop()
            await asyncio.gather(*tasks)
            return tally, consumers
        finally:
            for client in clients:
                await client.aclose()

    tally, consumers = asyncio.run(asyncio.wait_for(scenario(), timeout=180))
    assert set(tally.keys) == {dedup_key(event) for event in events}
    assert set(tally.keys.values()) == {1}
    assert all(c.stats.handled > 0 for c in consumers)
