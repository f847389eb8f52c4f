"""A consumer process killed with SIGKILL mid-batch: what it finished stays acknowledged, the rest is reclaimed."""

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
from thrilldrops_events.streams import DeliveryContext, StreamConsumer, publish_many

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
    # The 29 entries it finished were acknowledged before it started the 30th; the 30th (inside the handler
    # at the kill) and the 70 it never reached stay pending. Redis's delivery count tells them apart:
    # 2 for the entry tried once, 1 for those read and never tried.
    rows = client.xpending_range("events", "campaigns", "-", "+", 1000)
    assert [row["consumer"] for row in rows] == [b"victim"] * (BATCH - HANDLED_BEFORE_KILL + 1)
    assert [row["times_delivered"] for row in rows] == [2] + [1] * (BATCH - HANDLED_BEFORE_KILL)
    finished = HANDLED_BEFORE_KILL - 1

    lock = threading.Lock()
    handled: Counter[str] = Counter()
    contexts: dict[str, int] = {}

    def handler(envelope: Envelope, context: DeliveryContext) -> None:
        with lock:
            handled[envelope.player_id] += 1
            contexts[envelope.player_id] = context.delivery_count

    rescuer = StreamConsumer(redis_server.client(), "events", "campaigns", handler, consumer="rescuer",
                             claim_idle_ms=200, block_ms=100, context=True)
    with ConsumerThread(rescuer):
        wait_until(lambda: rescuer.stats.handled == TOTAL - finished)

    everything = {e.player_id for e in events}
    assert set(handled) == everything - set(victim_handled[:finished])  # nothing lost, nothing finished repeated
    assert rescuer.stats.reclaimed == BATCH - finished  # exactly the dead consumer's pending entries
    assert sum(handled.values()) == TOTAL - finished  # each once; the one the victim was inside of a second time
    assert contexts[victim_handled[-1]] == 2  # its second try
    assert {contexts[e.player_id] for e in events[HANDLED_BEFORE_KILL:]} == {1}  # never tried before
    assert rescuer.stats.dead_lettered == rescuer.stats.retried == 0
    assert client.xpending("events", "campaigns")["pending"] == 0
