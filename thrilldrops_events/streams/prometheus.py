"""Prometheus metrics for stream consumers (extra ``metrics``: ``pip install 'thrilldrops-events[metrics]'``).

[PrometheusMetrics][thrilldrops_events.streams.prometheus.PrometheusMetrics] is a metrics hook: pass it as
``StreamConsumer(..., metrics=PrometheusMetrics())`` and expose the registry as usual (for example with
``prometheus_client.start_http_server``). Its metrics, labelled by ``stream`` and ``group``:

- ``thrilldrops_stream_entries_total`` (counter): entries by ``outcome``: ``handled``, ``retried``,
  ``dead_lettered``, ``reclaimed``, ``trimmed``;
- ``thrilldrops_stream_dead_letters_total`` (counter): dead-lettered entries by ``reason``: ``invalid``,
  ``max_deliveries``, ``not_retryable``;
- ``thrilldrops_stream_handler_seconds`` (histogram): time in the handler per call, by ``outcome``
  (a batch handler's call is one observation);
- ``thrilldrops_stream_reconnects_total`` (counter): outages recovered from: lost connections, server
  restarts, cluster failovers, including those redis-py's own retries hide from other callers;
- ``thrilldrops_stream_outage_seconds`` (histogram): how long each outage lasted.
"""

from __future__ import annotations

from collections.abc import Sequence

try:
    from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
except ImportError as _error:  # pragma: no cover - exercised in a subprocess without prometheus-client
    raise ImportError(
        "thrilldrops_events.streams.prometheus needs prometheus-client: pip install 'thrilldrops-events[metrics]'"
    ) from _error

from thrilldrops_events.streams._tally import Outcome

__all__ = ["PrometheusMetrics"]

_HANDLER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_OUTAGE_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class PrometheusMetrics:
    """A metrics hook that keeps a consumer's outcomes in Prometheus counters and histograms.

    One instance can serve several consumers (their ``stream`` and ``group`` labels tell them apart);
    create it once per registry, since Prometheus refuses to register the same metric twice.

    Args:
        registry: Where the metrics are registered; default the global ``prometheus_client.REGISTRY``.
        namespace: The prefix of the metric names.
        handler_buckets: The histogram buckets of the handler's time, in seconds.

    Examples:
        >>> from prometheus_client import CollectorRegistry, generate_latest
        >>> from thrilldrops_events.streams import Outcome
        >>> registry = CollectorRegistry()
        >>> metrics = PrometheusMetrics(registry)
        >>> metrics(Outcome("handled", "events", "campaigns", "e-1", count=3, seconds=0.004))
        >>> labels = {"stream": "events", "group": "campaigns", "outcome": "handled"}
        >>> registry.get_sample_value("thrilldrops_stream_entries_total", labels)
        3.0
    """

    def __init__(self, registry: CollectorRegistry | None = None, *, namespace: str = "thrilldrops_stream",
                 handler_buckets: Sequence[float] = _HANDLER_BUCKETS) -> None:
        where = REGISTRY if registry is None else registry
        labels = ("stream", "group")
        self._entries = Counter(f"{namespace}_entries", "Stream entries by what happened to them",
                                (*labels, "outcome"), registry=where)
        self._dead_letters = Counter(f"{namespace}_dead_letters", "Entries moved to the dead-letter stream",
                                     (*labels, "reason"), registry=where)
        self._handler = Histogram(f"{namespace}_handler_seconds", "Time in the handler per call",
                                  (*labels, "outcome"), buckets=tuple(handler_buckets), registry=where)
        self._reconnects = Counter(f"{namespace}_reconnects", "Outages of the connection recovered from", labels,
                                   registry=where)
        self._outages = Histogram(f"{namespace}_outage_seconds", "How long each outage lasted", labels,
                                  buckets=_OUTAGE_BUCKETS, registry=where)

    def __call__(self, outcome: Outcome) -> None:
        """Record one outcome."""
        stream, group = outcome.stream, outcome.group
        if outcome.kind == "reconnected":
            self._reconnects.labels(stream, group).inc()
            self._outages.labels(stream, group).observe(outcome.seconds)
            return
        self._entries.labels(stream, group, outcome.kind).inc(outcome.count)
        if outcome.kind == "dead_lettered":
            self._dead_letters.labels(stream, group, outcome.reason or "unknown").inc(outcome.count)
        if outcome.seconds > 0 and outcome.kind in ("handled", "retried", "dead_lettered"):
            self._handler.labels(stream, group, outcome.kind).observe(outcome.seconds)
