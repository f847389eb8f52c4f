"""The metrics hook, the Prometheus adapter scraped over HTTP, and outages counted even when redis-py hides them."""

from __future__ import annotations

import logging
import signal
import urllib.request
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.parser import text_string_to_metric_families
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope
from thrilldrops_events.streams import (
    AsyncStreamConsumer,
    Outcome,
    RetryPolicy,
    StreamConfigError,
    StreamConsumer,
    publish_many,
)
from thrilldrops_events.streams.prometheus import PrometheusMetrics

pytestmark = pytest.mark.redis

STREAM, GROUP = "events", "campaigns"


class Recorder:
    """A metrics hook that keeps every outcome."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def __call__(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for outcome in self.outcomes:
            totals[outcome.kind] += outcome.count
        return totals


def scenario(client: Any, **options: Any) -> tuple[StreamConsumer, list[str]]:
    """Twelve events and a poison entry: one trimmed and one left behind by a dead consumer, one failing once,
    one failing with an error not worth retrying. Returns the consumer (not started) and the entry ids."""
    events = make_events(12)
    ids = publish_many(client, STREAM, events)
    client.xgroup_create(STREAM, GROUP, id="0")
    client.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=2)  # ids[0] and ids[1], never acknowledged
    client.xdel(STREAM, ids[0])
    client.xadd(STREAM, {"event_type": "Deposit"})
    tries: Counter[str] = Counter()

    def handler(envelope: Envelope) -> None:
        tries[envelope.player_id] += 1
        if envelope.player_id == events[5].player_id and tries[envelope.player_id] == 1:
            raise ConnectionError("database restarting")
        if envelope.player_id == events[6].player_id:
            raise LookupError("no such campaign")

    consumer = StreamConsumer(client, STREAM, GROUP, handler, consumer="c1", block_ms=20, claim_idle_ms=300,
                              retry=RetryPolicy(first_delay_ms=20, give_up_on=(LookupError,)), **options)
    return consumer, ids


def settled(consumer: StreamConsumer) -> Callable[[], bool]:
    return lambda: consumer.stats.handled == 10 and consumer.stats.trimmed == 1 and consumer.stats.dead_lettered == 2


def test_the_hook_hears_every_outcome(redis_server: RedisServer) -> None:
    recorder = Recorder()
    consumer, _ = scenario(redis_server.client(), metrics=recorder)
    with ConsumerThread(consumer):
        wait_until(settled(consumer))
    assert recorder.totals() == {"handled": 10, "retried": 1, "dead_lettered": 2, "reclaimed": 2, "trimmed": 1}
    stats = consumer.stats
    assert recorder.totals() == {"handled": stats.handled, "retried": stats.retried, "trimmed": stats.trimmed,
                                 "dead_lettered": stats.dead_lettered, "reclaimed": stats.reclaimed}
    by_kind: dict[str, list[Outcome]] = {}
    for outcome in recorder.outcomes:
        by_kind.setdefault(outcome.kind, []).append(outcome)
        assert (outcome.stream, outcome.group, outcome.consumer) == (STREAM, GROUP, "c1")
    assert all(o.count == 1 and o.seconds > 0 for o in by_kind["handled"])  # the handler's own time
    assert sorted(o.reason or "" for o in by_kind["dead_lettered"]) == ["invalid", "not_retryable"]
    assert [o.seconds > 0 for o in by_kind["dead_lettered"] if o.reason == "not_retryable"] == [True]


def test_a_failing_hook_never_stops_the_consumer(redis_server: RedisServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    def hook(outcome: Outcome) -> None:
        raise RuntimeError("statsd is down")

    consumer, _ = scenario(redis_server.client(), metrics=hook)
    with ConsumerThread(consumer):
        wait_until(settled(consumer))
    assert "the metrics hook raised" in caplog.text


def test_a_coroutine_function_as_hook_is_refused(redis_server: RedisServer) -> None:
    # The hook is called, never awaited: each outcome only made a coroutine, and none was recorded.
    async def hook(outcome: Outcome) -> None:
        pass  # pragma: no cover - never called

    for make in (lambda: StreamConsumer(redis_server.client(), "events", "campaigns", print, metrics=hook),
                 lambda: AsyncStreamConsumer(redis_server.async_client(), "events", "campaigns", print, metrics=hook)):
        with pytest.raises(StreamConfigError, match="metrics is a coroutine function"):
            make()


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_prometheus_metrics_scraped_over_http(redis_factory: Callable[..., RedisServer]) -> None:
    server = redis_factory(appendonly=True)
    registry = CollectorRegistry()
    consumer, _ = scenario(server.client(), metrics=PrometheusMetrics(registry))
    http, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    try:
        with ConsumerThread(consumer):
            wait_until(settled(consumer))
            server.restart(signal.SIGKILL)  # an outage: the consumer reconnects once
            publish_many(server.client(), STREAM, make_events(3, tag="after"))
            wait_until(lambda: consumer.stats.handled == 13)
        samples = scrape(http.server_port)
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=30)

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted({"stream": STREAM, "group": GROUP, **labels}.items())))]

    assert value("thrilldrops_stream_entries_total", outcome="handled") == 13
    assert value("thrilldrops_stream_entries_total", outcome="retried") == 1
    assert value("thrilldrops_stream_entries_total", outcome="reclaimed") == 2
    assert value("thrilldrops_stream_entries_total", outcome="trimmed") == 1
    assert value("thrilldrops_stream_entries_total", outcome="dead_lettered") == 2
    assert value("thrilldrops_stream_dead_letters_total", reason="invalid") == 1
    assert value("thrilldrops_stream_dead_letters_total", reason="not_retryable") == 1
    assert value("thrilldrops_stream_handler_seconds_count", outcome="handled") == 13
    assert value("thrilldrops_stream_handler_seconds_count", outcome="retried") == 1
    assert value("thrilldrops_stream_handler_seconds_sum", outcome="handled") > 0
    assert value("thrilldrops_stream_reconnects_total") == 1
    assert value("thrilldrops_stream_outage_seconds_count") == 1
    assert value("thrilldrops_stream_outage_seconds_sum") > 0


def test_outages_hidden_by_redis_py_retries_are_counted(redis_factory: Callable[..., RedisServer],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="thrilldrops_events.streams")
    server = redis_factory(appendonly=True)
    patient = Retry(ExponentialBackoff(cap=0.2, base=0.02), 100)  # retries long enough to outlast a restart
    client = server.client(retry=patient)
    recorder = Recorder()
    consumer = StreamConsumer(client, STREAM, GROUP, lambda e: None, consumer="c1", block_ms=50,
                              metrics=recorder)
    with ConsumerThread(consumer):
        publish_many(client, STREAM, make_events(5))
        wait_until(lambda: consumer.stats.handled == 5)
        server.restart(signal.SIGKILL)
        assert client.ping()  # the client's own retries hide the outage from its caller...
        publish_many(client, STREAM, make_events(5, start=5))
        wait_until(lambda: consumer.stats.handled == 10)
    assert consumer.stats.reconnects == 1  # ...but the consumer saw it, and counts it once
    reconnected = [o for o in recorder.outcomes if o.kind == "reconnected"]
    assert len(reconnected) == 1
    assert reconnected[0].count == 1 and reconnected[0].seconds > 0
    assert "reconnected after" in caplog.text
