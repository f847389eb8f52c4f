"""The guide's example program, examples/stream_consumer.py, against a real redis-server."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope
from thrilldrops_events.streams import publish, publish_many

pytestmark = pytest.mark.redis

EXAMPLE = Path(__file__).parents[2] / "examples" / "stream_consumer.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stream_consumer_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected_counts(events: list[Envelope]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for event in events:
        key = f"counts:{event.operator_id}:{event.player_id}"
        counts.setdefault(key, Counter())[event.event_type.value] += 1
    return counts


def stored_counts(client: Any, keys: list[str]) -> dict[str, Counter[str]]:
    return {key: Counter({k.decode(): int(v) for k, v in client.hgetall(key).items()}) for key in keys}


def test_each_event_counts_once_even_when_delivered_twice(redis_server: RedisServer) -> None:
    example = load_example()
    client = redis_server.client()
    events = make_events(80)
    publish_many(client, "events", events)
    for event in events[:10]:  # a producer retried: the same events, published again
        publish(client, "events", event)
    consumer = example.build_consumer(redis_server.client(), "events", "campaigns", consumer="ex", block_ms=100)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 90)
    expected = expected_counts(events)
    assert stored_counts(client, list(expected)) == expected
    assert client.xpending("events", "campaigns")["pending"] == 0


def test_the_program_stops_gracefully_on_sigterm(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(40)
    program = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--url", f"redis://127.0.0.1:{redis_server.port}/0", "--consumer", "ex"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        publish_many(client, "events", events)
        expected = expected_counts(events)
        wait_until(lambda: stored_counts(client, list(expected)) == expected)
        os.kill(program.pid, signal.SIGTERM)
        assert program.wait(timeout=60) == 0
    finally:
        if program.poll() is None:
            os.kill(program.pid, signal.SIGKILL)
            program.wait()
        log = program.stderr.read() if program.stderr else ""
        if program.stderr:
            program.stderr.close()
    assert "stopped: ConsumerStats(handled=40" in log
    assert client.xpending("events", "campaigns")["pending"] == 0
