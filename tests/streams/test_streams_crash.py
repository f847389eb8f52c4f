"""A consumer process killed with SIGKILL mid-batch: another consumer reclaims its pending entries, nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope
from thrilldrops_events.streams import StreamConsumer, publish_many

pytestmark = pytest.mark.redis

VICTIM = Path(__file__).with_name("victim_consumer.py")
TOTAL = 300
BATCH = 100
HANDLED_BEFORE_KILL = 30


def test_killed_consumer_loses_nothing(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(TOTAL)
    publish_many(client, "events", events)

    victim = subprocess.Popen(
        [sys.executable, str(VICTIM), str(redis_server.port), "events", "campaigns", "victim", str(BATCH),
         str(HANDLED_BEFORE_KILL)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    victim_handled: list[str] = []
    try:
        assert victim.stdout is not None
        while True:
            line = victim.stdout.readline()
            if not line:
                pytest.fail(f"the victim consumer exited early: {victim.stderr.read() if victim.stderr else ''}")
            if line.strip() == "READY":
                break
            victim_handled.append(line.split()[1])
        os.kill(victim.pid, signal.SIGKILL)  # mid-batch: 30 handled, none of its 100 acknowledged
        assert victim.wait(timeout=30) == -signal.SIGKILL
    finally:
        if victim.poll() is None:
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
        for stream in (victim.stdout, victim.stderr):
            if stream is not None:
                stream.close()

    assert victim_handled == [e.player_id for e in events[:HANDLED_BEFORE_KILL]]
    summary = client.xpending("events", "campaigns")
    assert summary["pending"] == BATCH
    assert summary["consumers"] == [{"name": b"victim", "pending": BATCH}]

    lock = threading.Lock()
    handled: Counter[str] = Counter()

    def handler(envelope: Envelope) -> None:
        with lock:
            handled[envelope.player_id] += 1

    rescuer = StreamConsumer(redis_server.client(), "events", "campaigns", handler, consumer="rescuer",
                             claim_idle_ms=200, block_ms=100)
    with ConsumerThread(rescuer):
        wait_until(lambda: rescuer.stats.handled == TOTAL)

    everything = {e.player_id for e in events}
    assert set(handled) == everything  # nothing lost
    assert set(victim_handled) | set(handled) == everything
    assert rescuer.stats.reclaimed == BATCH  # exactly the dead consumer's pending entries
    assert sum(handled.values()) == TOTAL  # the rescuer handled each entry once (the victim's 30 a second time)
    assert rescuer.stats.dead_lettered == rescuer.stats.retried == 0
    assert client.xpending("events", "campaigns")["pending"] == 0
