"""The consumer's decisions, written once for the sync and the asyncio consumer.

``ConsumerCore`` is a sans-I/O state machine: ``ConsumerCore.run`` is a generator that
yields *operations* (raw Redis commands, a handler call, a pause) and receives their results; a
Redis error is thrown back into it. The sync and asyncio consumers only execute those operations,
so what to read, when to reclaim, and how to recover from ``NOGROUP``, lost connections and cluster
failovers live here; what happens to each entry read lives in ``._flow``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from typing import Any

from redis.exceptions import ResponseError

from thrilldrops_events.streams._flow import EntryFlow, Item
from thrilldrops_events.streams._ops import Command, Operation, Pause, Reset, Steps
from thrilldrops_events.streams._records import ConsumerStats
from thrilldrops_events.streams._replies import (
    autoclaimed,
    group_missing,
    pending_rows,
    range_fields,
    read_entries,
    redirected,
)
from thrilldrops_events.streams._replies import temporary as _temporary
from thrilldrops_events.streams._settings import Settings
from thrilldrops_events.streams._tally import MetricsHook, Tally

__all__ = ["ConsumerCore"]

logger = logging.getLogger("thrilldrops_events.streams")

_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 5.0
#: How often an idle consumer looks for entries pending for it that it never received (seconds).
_ORPHAN_SWEEP_INTERVAL = 1.0
_CLAIM_ROUNDS = 100  # XAUTOCLAIM calls in one reclaim pass at most (each scans up to 10 x batch_size entries)
_PENDING_PAGES = 1000  # XPENDING pages read when recovering this consumer's own pending entries
_RETRY_SLACK = 0.005  # claim a little after a retry is due, so that the server sees it idle long enough
_MIN_CLAIM_GAP = 0.05  # never claim more often than this, even when a retry was due and not found
_RETRY_GRACE = 1.0  # a retry not found this long after it was due was taken by another consumer


class ConsumerCore:
    """The decision logic of a consumer of one stream in one consumer group (see the module docs)."""

    def __init__(self, settings: Settings, *, metrics: MetricsHook | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.tally = Tally(settings, metrics)
        self._clock = clock
        self._stopping = False
        self.flow = EntryFlow(settings, self.tally, clock, lambda: self._stopping)
        self._next_claim = 0.0
        self._last_claim = float("-inf")
        self._next_sweep = 0.0
        self._outage_since: float | None = None

    @property
    def stats(self) -> ConsumerStats:
        """A snapshot of the counters."""
        return self.tally.stats

    @property
    def stopping(self) -> bool:
        """Whether a stop was requested."""
        return self._stopping

    def stop(self) -> None:
        """Ask the loop to stop after the current entry (safe from another thread or a signal handler)."""
        self._stopping = True

    # -- the loop -------------------------------------------------------------------------------------

    def run(self) -> Steps:
        """The consumer loop, as a generator of operations; returns once ``stop`` was called."""
        backoff = _BACKOFF_FIRST
        while not self._stopping:
            try:
                yield from self._ensure_group()  # also sends the acknowledgements still owed
                self._recovered()
                yield from self._recover_own()
                backoff = _BACKOFF_FIRST
                while not self._stopping:
                    if self._clock() >= self._claim_due():
                        yield from self._reclaim()
                    if not self._stopping:
                        yield from self._read_new()
            except Exception as error:
                if _temporary(error):
                    if redirected(error):  # the cluster is up again and names the stream's node: go there now
                        backoff = _BACKOFF_FIRST
                    self._lost(error, backoff)
                    yield Reset()
                    yield Pause(backoff)
                    backoff = min(backoff * 2, _BACKOFF_MAX)
                elif isinstance(error, ResponseError) and group_missing(error):
                    logger.warning("stream %r: consumer group %r is gone (%s); creating it again",
                                   self.settings.stream, self.settings.group, error)
                else:
                    raise
        yield from self._finish()

    def _finish(self) -> Steps:
        settings = self.settings
        try:
            yield from self.flow.run(())
        except Exception as error:
            if not isinstance(error, ResponseError) and not _temporary(error):
                raise
            logger.warning("stream %r, group %r: could not acknowledge %d handled entries on stop (%s); they will be "
                           "delivered again", settings.stream, settings.group, self.flow.owes_acks, error)
        logger.info("stream %r, group %r: consumer %r stopped", settings.stream, settings.group, settings.consumer)

    def _lost(self, error: BaseException, backoff: float) -> None:
        if self._outage_since is None:
            self._outage_since = self._clock()
        self.flow.connection_lost()
        logger.warning("stream %r, group %r: %s (%s); reconnecting in %.2fs", self.settings.stream,
                       self.settings.group, "connection lost" if isinstance(error, (ConnectionError, OSError)) else
                       "server unavailable", error, backoff)

    def _recovered(self) -> None:
        if self._outage_since is not None:
            seconds = self._clock() - self._outage_since
            self._outage_since = None
            self.tally.add("reconnected", 1, seconds)
            logger.info("stream %r, group %r: reconnected after %.2fs", self.settings.stream, self.settings.group,
                        seconds)

    def _ensure_group(self) -> Steps:
        settings = self.settings
        try:
            yield from self.flow.run((("XGROUP", "CREATE", settings.stream, settings.group, settings.group_start_id,
                                       "MKSTREAM"),))
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        else:
            self.tally.group_created()
            logger.info("stream %r: created consumer group %r at %s", settings.stream, settings.group,
                        settings.group_start_id)

    def _claim_due(self) -> float:
        due = self._next_claim
        retry = self.flow.next_retry()
        if retry is not None:
            due = min(due, max(retry + _RETRY_SLACK, self._last_claim + _MIN_CLAIM_GAP))
        return due

    # -- reading --------------------------------------------------------------------------------------

    def _read_new(self) -> Steps:
        settings = self.settings
        now = self._clock()
        block = max(1, min(settings.block_ms, int(max(self._claim_due() - now, 0.001) * 1000)))
        (reply,) = yield from self.flow.run((("XREADGROUP", "GROUP", settings.group, settings.consumer, "COUNT",
                                              settings.batch_size, "BLOCK", block, "STREAMS", settings.stream, ">"),))
        entries = read_entries(reply)
        if entries:
            yield from self.flow.process([(entry_id, fields, 0) for entry_id, fields in entries])
        elif self._clock() >= self._next_sweep:
            # A reply to XREADGROUP lost on the way (a dropped connection that a client retried by itself)
            # leaves entries pending for this consumer that it never saw. When idle, deliver them again.
            self._next_sweep = self._clock() + _ORPHAN_SWEEP_INTERVAL
            yield from self._recover_own()

    def _recover_own(self) -> Steps:
        """Handle this consumer's pending entries, except failures waiting for their retry.

        They are listed with ``XPENDING`` and fetched with ``XRANGE``, neither of which counts as a
        delivery. On start this finishes what a previous run under the same name left unfinished.
        """
        settings = self.settings
        after = "-"
        for _ in range(_PENDING_PAGES):
            if self._stopping:
                return
            (reply,) = yield from self.flow.run((("XPENDING", settings.stream, settings.group, after, "+",
                                                  settings.batch_size, settings.consumer),))
            rows = pending_rows(reply)
            wanted = [(entry_id, count) for entry_id, _, count in rows if not self.flow.awaiting_retry(entry_id)]
            if wanted:
                replies = yield from self.flow.run(tuple(("XRANGE", settings.stream, entry_id, entry_id)
                                                         for entry_id, _ in wanted))
                yield from self.flow.process([(entry_id, range_fields(fields), max(count - 1, 0))
                                              for (entry_id, count), fields in zip(wanted, replies, strict=True)])
            if len(rows) < settings.batch_size:
                return
            after = "(" + rows[-1][0]

    def _reclaim(self) -> Steps:
        """Take over entries idle for ``claim_idle_ms`` (dead consumers, due retries) with ``XAUTOCLAIM``."""
        settings = self.settings
        self._last_claim = self._clock()
        self._next_claim = self._last_claim + settings.claim_interval_ms / 1000
        cursor = "0-0"
        for _ in range(_CLAIM_ROUNDS):
            if self._stopping:
                break
            started = self._clock()
            (reply,) = yield from self.flow.run((("XAUTOCLAIM", settings.stream, settings.group, settings.consumer,
                                                  settings.claim_idle_ms, cursor, "COUNT", settings.batch_size,
                                                  "JUSTID"),))
            cursor, claimed, deleted = autoclaimed(reply)
            for entry_id in deleted:  # Redis 7 drops these from the pending list itself; acknowledging is harmless
                self.flow.trimmed(entry_id)
            if claimed:
                items = yield from self._fetch(claimed)
                live = sum(1 for _, fields, _ in items if fields)
                if live:
                    self.tally.add("reclaimed", live, self._clock() - started)
                    logger.info("stream %r, group %r: reclaimed %d idle entries", settings.stream, settings.group,
                                live)
                yield from self.flow.process(items)
            if cursor in ("0-0", "0"):
                break
        self.flow.forget_retries_before(self._clock() - _RETRY_GRACE)

    def _fetch(self, entry_ids: list[str]) -> Generator[Operation, Any, list[Item]]:
        """The data and attempts of entries this consumer just claimed (``XPENDING`` and ``XRANGE`` per entry)."""
        settings = self.settings
        commands: list[Command] = []
        for entry_id in entry_ids:
            commands.append(("XPENDING", settings.stream, settings.group, entry_id, entry_id, 1))
            commands.append(("XRANGE", settings.stream, entry_id, entry_id))
        replies = yield from self.flow.run(tuple(commands))
        items: list[Item] = []
        for index, entry_id in enumerate(entry_ids):
            rows = pending_rows(replies[2 * index])
            if rows and rows[0][1] == settings.consumer:  # else it was acknowledged or taken meanwhile
                items.append((entry_id, range_fields(replies[2 * index + 1]), max(rows[0][2] - 1, 0)))
        return items
