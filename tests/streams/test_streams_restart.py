"""A redis-server with AOF persistence killed and restarted mid-stream: consumers reconnect and lose no work."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from redis.backoff import NoBackoff
from redis.retry import Retry
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope
from thrilldrops_events.streams import StreamConsumer, publish_many

pytestmark = pytest.mark.redis

BEFORE = 3000
AFTER = 2000
BATCH = 50


def test_server_restart_with_aof_loses_nothing(redis_factory: Callable[..., RedisServer]) -> None:
    server = redis_factory(appendonly=True)
    publisher = server.client()
    lock = threading.Lock()
    handled: Counter[str] = Counter()
    restarted = threading.Event()

    def handler(envelope: Envelope) -> None:
        with lock:
            handled[envelope.player_id] += 1
            total = sum(handled.values())
        if total >= BEFORE // 3:
            restarted.wait(timeout=60)  # hold the consumers mid-stream until the server has been killed

    def restarting() -> bool:
        with lock:
            return sum(handled.values()) >= BEFORE // 3

    # c1's client retries failed commands itself (redis-py's default); c2's does not, so c2's own
    # reconnection logic is what carries it through the restart.
    clients = {"c1": server.client(), "c2": server.client(retry=Retry(NoBackoff(), 0))}
    consumers = [
        StreamConsumer(client, "events", "campaigns", handler, consumer=name, batch_size=BATCH, block_ms=100,
                       claim_idle_ms=600_000)
        for name, client in clients.items()
    ]
    first, second = make_events(BEFORE), make_events(AFTER, start=BEFORE)
    threads = [ConsumerThread(consumer) for consumer in consumers]
    try:
        publish_many(publisher, "events", first)
        wait_until(restarting)  # mid-stream: the consumers wait in their handlers
        server.restart(signal.SIGKILL)  # no shutdown save: only the append-only file (fsync always) survives
        with lock:
            handled_at_restart = sum(handled.values())
        restarted.set()
        publish_many(publisher, "events", second)
        wait_until(lambda: set(handled) == {e.player_id for e in first + second}
                   and publisher.xpending("events", "campaigns")["pending"] == 0)
    finally:
        restarted.set()
        for thread in threads:
            thread.finish()

    assert handled_at_restart < BEFORE  # the restart really happened mid-stream
    assert publisher.xlen("events") == BEFORE + AFTER  # every published entry survived
    assert set(handled) == {e.player_id for e in first + second}  # none missing
    assert [c.stats.reconnects for c in consumers] == [1, 1]  # one outage each, even c1's, hidden by retries
    assert sum(c.stats.groups_created for c in consumers) == 1  # the group survived the restart
    # Acknowledged work stayed acknowledged: only entries in flight at the kill (at most one batch per
    # consumer, handled but not yet acknowledged) may be delivered a second time.
    duplicates = sum(handled.values()) - (BEFORE + AFTER)
    assert 0 <= duplicates <= BATCH * len(consumers)
    assert all(c.stats.dead_lettered == c.stats.retried == 0 for c in consumers)
    info = consumers[0].group_info()
    assert info is not None
    assert (info.pending, info.lag) == (0, 0)
