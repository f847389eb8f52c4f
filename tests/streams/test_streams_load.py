"""10,000 mixed events, three consumers in one group: every event handled, all acknowledged, none missing or pending."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope, EventType
from thrilldrops_events.streams import StreamConsumer, publish_many

pytestmark = pytest.mark.redis

TOTAL = 10_000


def test_ten_thousand_events_three_consumers(redis_server: RedisServer) -> None:
    publisher = redis_server.client()
    events = make_events(TOTAL)
    assert Counter(e.event_type for e in events) == dict.fromkeys(EventType, TOTAL // 8)
    lock = threading.Lock()
    handled: Counter[str] = Counter()
    by_consumer: Counter[str] = Counter()
    originals = {e.player_id: e for e in events}
    mismatched: list[str] = []

    def handler_for(name: str) -> Callable[[Envelope], None]:
        def handler(envelope: Envelope) -> None:
            if originals.get(envelope.player_id) != envelope:
                mismatched.append(envelope.player_id)
            with lock:
                handled[envelope.player_id] += 1
                by_consumer[name] += 1
        return handler

    consumers = [
        StreamConsumer(redis_server.client(), "events", "campaigns", handler_for(name), consumer=name,
                       batch_size=100, block_ms=100, claim_idle_ms=600_000)
        for name in ("c1", "c2", "c3")
    ]
    threads = [ConsumerThread(consumer) for consumer in consumers]
    try:
        # Publish while the consumers are already reading, in chunks, as a producer would.
        for start in range(0, TOTAL, 1000):
            publish_many(publisher, "events", events[start:start + 1000], chunk_size=250)
        wait_until(lambda: sum(c.stats.handled for c in consumers) >= TOTAL, timeout=120)
    finally:
        for thread in threads:
            thread.finish()

    assert publisher.xlen("events") == TOTAL
    assert set(handled) == set(originals)  # none missing
    assert sum(handled.values()) == TOTAL  # nobody died and nothing was reclaimed, so each exactly once
    assert not mismatched  # every event arrived equal to what was published
    assert sum(c.stats.handled for c in consumers) == TOTAL
    assert all(c.stats.dead_lettered == c.stats.retried == c.stats.reclaimed == 0 for c in consumers)
    assert sum(by_consumer.values()) == TOTAL
    assert len(by_consumer) == 3  # all three took part
    info = consumers[0].group_info()
    assert info is not None
    assert (info.pending, info.lag, info.entries_read, info.consumers) == (0, 0, TOTAL, 3)
    assert publisher.xpending("events", "campaigns")["pending"] == 0
