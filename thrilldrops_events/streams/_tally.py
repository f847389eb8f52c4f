"""A consumer's counters, and the metrics hook it calls on each outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from thrilldrops_events.streams._records import ConsumerStats
from thrilldrops_events.streams._settings import Settings

__all__ = ["MetricsHook", "Outcome", "OutcomeKind", "Tally"]

logger = logging.getLogger("thrilldrops_events.streams")

#: What happened: entries handled, retried, dead-lettered, reclaimed or trimmed, or a connection recovered.
OutcomeKind = Literal["handled", "retried", "dead_lettered", "reclaimed", "trimmed", "reconnected"]

_STAT = {"handled": "handled", "retried": "retried", "dead_lettered": "dead_lettered", "reclaimed": "reclaimed",
         "trimmed": "trimmed", "reconnected": "reconnects"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One thing a consumer did, as its metrics hook receives it.

    Attributes:
        kind: ``handled``, ``retried`` (the handler raised; the entry will be delivered again),
            ``dead_lettered``, ``reclaimed`` (taken over from an idle consumer or for a retry), ``trimmed``
            (pending, but its data was gone) or ``reconnected`` (the connection is back after an outage).
        stream: The stream's key.
        group: The consumer group.
        consumer: The consumer's name.
        count: How many entries (a batch handler's call covers several; ``1`` for ``reconnected``).
        seconds: The time taken: the handler call's for ``handled``, ``retried`` and a ``dead_lettered`` entry
            whose handler failed (a batch handler's call is reported once, with its handled entries or its
            first failure; ``0`` on the others); the whole outage for ``reconnected``; the claim's round trip
            for ``reclaimed``; ``0`` else.
        reason: For ``dead_lettered``: ``invalid``, ``max_deliveries`` or ``not_retryable``; else ``None``.

    Examples:
        >>> seen = []
        >>> hook = seen.append  # StreamConsumer(..., metrics=hook) takes any such callable
        >>> hook(Outcome("handled", "events", "campaigns", "engine-1", count=1, seconds=0.002))
        >>> seen[0].kind, seen[0].count
        ('handled', 1)
    """

    kind: OutcomeKind
    stream: str
    group: str
    consumer: str
    count: int
    seconds: float
    reason: str | None = None


#: The metrics hook: called with each [Outcome][thrilldrops_events.streams.Outcome], in the consumer's own thread or
#: task; it must be quick.
MetricsHook = Callable[[Outcome], object]


class Tally:
    """The counters behind ``consumer.stats``; each change is also reported to the metrics hook, if any."""

    def __init__(self, settings: Settings, hook: MetricsHook | None) -> None:
        self._settings = settings
        self._hook = hook
        self._counts = dict.fromkeys(ConsumerStats.__dataclass_fields__, 0)

    @property
    def stats(self) -> ConsumerStats:
        """A snapshot of the counters."""
        return ConsumerStats(**self._counts)

    def group_created(self) -> None:
        """Count a creation of the consumer group (no metric: it happens once, and is logged)."""
        self._counts["groups_created"] += 1

    def add(self, kind: OutcomeKind, count: int = 1, seconds: float = 0.0, reason: str | None = None) -> None:
        """Count ``count`` entries (or one reconnection) and tell the hook; a failing hook is logged, never raised."""
        self._counts[_STAT[kind]] += count
        if self._hook is None:
            return
        settings = self._settings
        try:
            self._hook(Outcome(kind, settings.stream, settings.group, settings.consumer, count, seconds, reason))
        except Exception:
            logger.exception("stream %r, group %r: the metrics hook raised on a %s outcome; carrying on",
                             settings.stream, settings.group, kind)
