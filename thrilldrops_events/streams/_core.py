"""The consumer's decisions, written once for the sync and the asyncio consumer.

:class:`ConsumerCore` is a sans-I/O state machine: :meth:`ConsumerCore.run` is a generator that
yields *operations* (a redis command, a pipeline of commands, a call of the user's handler, a
pause) and receives their results; a redis error is thrown back into it. The sync and asyncio
consumers only execute those operations, so what to read, what to acknowledge, what to
dead-letter, when to reclaim, how to recover from ``NOGROUP`` and lost connections, and every
counter live here and nowhere else.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator
from itertools import count
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from thrilldrops_events.codecs.redis import decode
from thrilldrops_events.errors import EventValidationError, StreamConfigError
from thrilldrops_events.streams._ops import Call, Invoke, Operation, Pause, Pipeline, Steps
from thrilldrops_events.streams._records import (
    _ORIGINAL_PREFIX,
    DEAD_LETTER_FIELDS,
    ConsumerStats,
    GroupInfo,
    _name,
    _text,
)
from thrilldrops_events.streams._replies import _entries, _entry, _group_missing

__all__ = ["ConsumerCore", "default_consumer_name"]

logger = logging.getLogger("thrilldrops_events.streams")

NEVER_DECODE = "NEVER_DECODE"  # redis-py's option to read one reply as raw bytes

_MAX_REMEMBERED_ERRORS = 1024
_MAX_ERROR_TEXT = 2000
_BACKOFF_FIRST = 0.05
#: How often an idle consumer looks for entries pending for it that it never received (seconds).
_ORPHAN_SWEEP_INTERVAL = 1.0
_BACKOFF_MAX = 5.0
_CLAIM_ROUNDS = 100  # XAUTOCLAIM calls in one reclaim pass at most (each scans up to 10 x batch_size entries)


_numbers = count(1)
_numbers_lock = threading.Lock()


def default_consumer_name() -> str:
    """``<hostname>-<pid>-<n>``: stable across restarts of the same process slot, unique within a process."""
    with _numbers_lock:
        number = next(_numbers)
    return f"{socket.gethostname()}-{os.getpid()}-{number}"


class ConsumerCore:
    """The decision logic of a consumer of one stream in one consumer group (see the module docs)."""

    def __init__(
        self,
        *,
        stream: str,
        group: str,
        consumer: str | None,
        dead_letter_stream: str | None,
        dead_letter_maxlen: int | None,
        max_deliveries: int,
        claim_idle_ms: int,
        claim_interval_ms: int | None,
        batch_size: int,
        block_ms: int,
        group_start_id: str,
        strict: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for label, text in (("stream", stream), ("group", group), ("consumer", consumer),
                            ("dead_letter_stream", dead_letter_stream), ("group_start_id", group_start_id)):
            if text is not None and (not isinstance(text, str) or not text):
                raise StreamConfigError(f"{label} must be a non-empty string")
        for label, number, least in (("max_deliveries", max_deliveries, 1), ("claim_idle_ms", claim_idle_ms, 1),
                                     ("batch_size", batch_size, 1), ("block_ms", block_ms, 1),
                                     ("claim_interval_ms", claim_interval_ms, 1),
                                     ("dead_letter_maxlen", dead_letter_maxlen, 1)):
            if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < least):
                raise StreamConfigError(f"{label} must be an integer >= {least}")
        self.stream = stream
        self.group = group
        self.consumer = consumer or default_consumer_name()
        self.dead_letter_stream = dead_letter_stream or f"{stream}:dead-letter"
        if self.dead_letter_stream == stream:
            raise StreamConfigError("dead_letter_stream must differ from stream")
        self.dead_letter_maxlen = dead_letter_maxlen
        self.max_deliveries = max_deliveries
        self.claim_idle_ms = claim_idle_ms
        self.claim_interval = (claim_interval_ms or max(claim_idle_ms // 2, 1)) / 1000
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.group_start_id = group_start_id
        self.strict = strict
        self._clock = clock
        self._stopping = False
        self._acks: list[str] = []
        self._next_claim = 0.0
        self._next_orphan_sweep = 0.0
        self._last_errors: OrderedDict[str, str] = OrderedDict()
        self._counts: dict[str, int] = dict.fromkeys(
            ("handled", "retried", "dead_lettered", "reclaimed", "trimmed", "reconnects", "groups_created"), 0)
        self.current_entry_id: str | None = None

    # -- public state ---------------------------------------------------------------------------------

    @property
    def stats(self) -> ConsumerStats:
        """A snapshot of the counters."""
        return ConsumerStats(**self._counts)

    @property
    def stopping(self) -> bool:
        """Whether a stop was requested."""
        return self._stopping

    def stop(self) -> None:
        """Ask the loop to stop after the current entry (safe from another thread or a signal handler)."""
        self._stopping = True

    def group_info_call(self) -> Call:
        """The call that fetches the group figures."""
        return Call("xinfo_groups", (self.stream,))

    def group_info(self, reply: Any) -> GroupInfo | None:
        """Pick this consumer's group out of an ``XINFO GROUPS`` reply (``None`` if it is not there)."""
        for row in reply or ():
            info = {_name(key): value for key, value in row.items()}
            if _text(info.get("name")) != self.group:
                continue
            entries_read = info.get("entries-read")
            lag = info.get("lag")
            return GroupInfo(
                name=self.group,
                consumers=int(info.get("consumers", 0)),
                pending=int(info.get("pending", 0)),
                last_delivered_id=_text(info.get("last-delivered-id", "0-0")),
                entries_read=None if entries_read is None else int(entries_read),
                lag=None if lag is None else int(lag),
            )
        return None

    # -- the loop -------------------------------------------------------------------------------------

    def run(self) -> Steps:
        """The consumer loop, as a generator of operations; returns once :meth:`stop` was called."""
        backoff = _BACKOFF_FIRST
        while not self._stopping:
            try:
                yield from self._flush_acks()
                yield from self._ensure_group()
                yield from self._drain_own_pending()
                backoff = _BACKOFF_FIRST
                while not self._stopping:
                    if self._clock() >= self._next_claim:
                        yield from self._reclaim()
                    if not self._stopping:
                        yield from self._read_new()
            except (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError) as error:
                self._counts["reconnects"] += 1
                logger.warning("stream %r, group %r: connection lost (%s); reconnecting in %.2fs", self.stream,
                               self.group, error, backoff)
                yield Pause(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
            except ResponseError as error:
                if not _group_missing(error):
                    raise
                logger.warning("stream %r: consumer group %r is gone (%s); creating it again", self.stream,
                               self.group, error)
        try:
            yield from self._flush_acks()
        except (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, ResponseError) as error:
            logger.warning("stream %r, group %r: could not acknowledge %d handled entries on stop (%s); they will be "
                           "delivered again", self.stream, self.group, len(self._acks), error)
        logger.info("stream %r, group %r: consumer %r stopped", self.stream, self.group, self.consumer)

    def _ensure_group(self) -> Steps:
        try:
            yield Call("xgroup_create", (self.stream, self.group), {"id": self.group_start_id, "mkstream": True})
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        else:
            self._counts["groups_created"] += 1
            logger.info("stream %r: created consumer group %r at %s", self.stream, self.group, self.group_start_id)

    def _drain_own_pending(self) -> Steps:
        """Deliver again what this consumer name had read and not acknowledged (``XREADGROUP ... 0``)."""
        after = "0"
        while not self._stopping:
            command = ("XREADGROUP", "GROUP", self.group, self.consumer, "COUNT", self.batch_size, "STREAMS",
                       self.stream, after)
            reply = yield Call("execute_command", command, {NEVER_DECODE: True})
            entries = _entries(reply)
            if not entries:
                return
            counts = yield from self._delivery_counts([entry_id for entry_id, _ in entries])
            for entry_id, fields in entries:
                if self._stopping:
                    break
                if entry_id in counts:  # else another consumer took it over meanwhile
                    yield from self._process(entry_id, fields, counts[entry_id])
            yield from self._flush_acks()
            after = entries[-1][0]

    def _reclaim(self) -> Steps:
        """Take over entries idle for ``claim_idle_ms`` (dead consumers, failed handlers) with ``XAUTOCLAIM``."""
        self._next_claim = self._clock() + self.claim_interval
        cursor = "0-0"
        for _ in range(_CLAIM_ROUNDS):
            if self._stopping:
                return
            reply = yield Call("execute_command", ("XAUTOCLAIM", self.stream, self.group, self.consumer,
                                                   self.claim_idle_ms, cursor, "COUNT", self.batch_size),
                               {NEVER_DECODE: True})
            cursor = _text(reply[0])
            entries = [_entry(item) for item in (reply[1] or ()) if item is not None and item[0] is not None]
            deleted = [_text(entry_id) for entry_id in (reply[2] if len(reply) > 2 else None) or ()]
            for entry_id in deleted:  # Redis 7 drops these from the pending list itself; acknowledging is harmless
                self._trimmed(entry_id)
            live = [(entry_id, fields) for entry_id, fields in entries if fields]
            for entry_id, _ in (e for e in entries if not e[1]):  # Redis 6.2 reports them as entries without data
                self._trimmed(entry_id)
            if live:
                self._counts["reclaimed"] += len(live)
                logger.info("stream %r, group %r: reclaimed %d idle entries", self.stream, self.group, len(live))
                counts = yield from self._delivery_counts([entry_id for entry_id, _ in live])
                for entry_id, fields in live:
                    if self._stopping:
                        break
                    if entry_id in counts:
                        yield from self._process(entry_id, fields, counts[entry_id])
            yield from self._flush_acks()
            if cursor in ("0-0", "0"):
                return

    def _read_new(self) -> Steps:
        wait = max(self._next_claim - self._clock(), 0.001)
        block = max(1, min(self.block_ms, int(wait * 1000)))
        reply = yield Call("execute_command", ("XREADGROUP", "GROUP", self.group, self.consumer, "COUNT",
                                               self.batch_size, "BLOCK", block, "STREAMS", self.stream, ">"),
                           {NEVER_DECODE: True})
        entries = _entries(reply)
        for entry_id, fields in entries:
            if self._stopping:
                break
            yield from self._process(entry_id, fields, 1)
        yield from self._flush_acks()
        if not entries and self._clock() >= self._next_orphan_sweep:
            # A reply to XREADGROUP lost on the way (a dropped connection that the client retried by itself)
            # leaves entries pending for this consumer that it never saw. When idle, deliver them again,
            # leaving alone the handler failures that wait for their retry.
            self._next_orphan_sweep = self._clock() + _ORPHAN_SWEEP_INTERVAL
            yield from self._sweep_orphans()

    def _sweep_orphans(self) -> Steps:
        """Handle entries pending for this consumer that it never received (``XPENDING``, then ``XRANGE``).

        Neither command counts as a delivery, so handler failures waiting for their retry are left as they are.
        """
        rows = yield Call("xpending_range", (self.stream, self.group), {
            "min": "-", "max": "+", "count": self.batch_size + len(self._last_errors), "consumername": self.consumer})
        orphans = [(_text(row["message_id"]), int(row["times_delivered"])) for row in rows or ()
                   if _text(row["message_id"]) not in self._last_errors][: self.batch_size]
        if not orphans:
            return
        replies = yield Pipeline(tuple(Call("execute_command", ("XRANGE", self.stream, entry_id, entry_id),
                                            {NEVER_DECODE: True}) for entry_id, _ in orphans))
        for (entry_id, deliveries), reply in zip(orphans, replies):  # noqa: B905 - one reply per call
            if self._stopping:
                break
            entries = [_entry(item) for item in reply or ()]
            yield from self._process(entry_id, entries[0][1] if entries else {}, deliveries)
        yield from self._flush_acks()

    def _delivery_counts(self, ids: list[str]) -> Generator[Operation, Any, dict[str, int]]:
        """How often each entry has been delivered, for the entries still pending for this consumer."""
        calls = tuple(Call("xpending_range", (self.stream, self.group),
                           {"min": entry_id, "max": entry_id, "count": 1, "consumername": self.consumer})
                      for entry_id in ids)
        replies = yield Pipeline(calls)
        counts: dict[str, int] = {}
        for rows in replies:
            for row in rows or ():
                counts[_text(row["message_id"])] = int(row["times_delivered"])
        return counts

    def _flush_acks(self) -> Steps:
        if self._acks:
            yield Call("xack", (self.stream, self.group, *self._acks))
            self._acks = []

    # -- one entry --------------------------------------------------------------------------------------

    def _trimmed(self, entry_id: str) -> None:
        self._counts["trimmed"] += 1
        self._acks.append(entry_id)
        logger.warning("stream %r, group %r: entry %s was trimmed or deleted before it was acknowledged; "
                       "acknowledging it", self.stream, self.group, entry_id)

    def _process(self, entry_id: str, fields: dict[Any, Any], deliveries: int) -> Steps:
        if not fields:
            self._trimmed(entry_id)
            return
        try:
            envelope = decode(fields, strict=self.strict)
        except EventValidationError as error:
            problems = [{"path": p.path, "message": p.message, "kind": p.kind} for p in error.problems]
            yield from self._dead_letter(entry_id, fields, deliveries, "invalid",
                                         {"reason": "invalid", "message": str(error), "problems": problems})
            return
        if deliveries > self.max_deliveries:
            last = self._last_errors.pop(entry_id, None)
            message = f"delivered {deliveries} times, more than max_deliveries={self.max_deliveries}"
            yield from self._dead_letter(entry_id, fields, deliveries, "max_deliveries",
                                         {"reason": "max_deliveries", "message": message, "last_error": last})
            return
        self.current_entry_id = entry_id
        try:
            failure = yield Invoke(envelope)
        finally:
            self.current_entry_id = None
        if failure is None:
            self._acks.append(entry_id)
            self._counts["handled"] += 1
            self._last_errors.pop(entry_id, None)
            return
        self._counts["retried"] += 1
        text = f"{type(failure).__name__}: {failure}"[:_MAX_ERROR_TEXT]
        self._last_errors[entry_id] = text
        self._last_errors.move_to_end(entry_id)
        while len(self._last_errors) > _MAX_REMEMBERED_ERRORS:
            self._last_errors.popitem(last=False)
        logger.warning("stream %r, group %r: handler failed on entry %s (%s, delivery %d of at most %d); it stays "
                       "pending, to be delivered again after claim_idle_ms", self.stream, self.group, entry_id,
                       envelope.event_type.value, deliveries, self.max_deliveries, exc_info=failure)

    def _dead_letter(self, entry_id: str, fields: dict[Any, Any], deliveries: int, reason: str,
                     error: dict[str, Any]) -> Steps:
        entry: dict[Any, Any] = {
            "dead_letter_id": entry_id,
            "dead_letter_stream": self.stream,
            "dead_letter_group": self.group,
            "dead_letter_consumer": self.consumer,
            "dead_letter_deliveries": str(deliveries),
            "dead_letter_reason": reason,
            "dead_letter_error": json.dumps(error, ensure_ascii=False),
        }
        for key, value in fields.items():
            if _name(key) in DEAD_LETTER_FIELDS:  # never overwrite the metadata, never drop the original
                key = (_ORIGINAL_PREFIX.encode() + key) if isinstance(key, bytes) else _ORIGINAL_PREFIX + _name(key)
            entry[key] = value
        options: dict[str, Any] = {}
        if self.dead_letter_maxlen is not None:
            options = {"maxlen": self.dead_letter_maxlen, "approximate": True}
        yield Call("xadd", (self.dead_letter_stream, entry), options)
        self._acks.append(entry_id)
        self._counts["dead_lettered"] += 1
        logger.error("stream %r, group %r: entry %s moved to dead-letter stream %r after %d deliveries (%s): %s",
                     self.stream, self.group, entry_id, self.dead_letter_stream, deliveries, reason,
                     error["message"].splitlines()[0] if reason == "max_deliveries" else
                     "; ".join(f"{p['path'] or '<entry>'}: {p['message']}" for p in error["problems"]))
