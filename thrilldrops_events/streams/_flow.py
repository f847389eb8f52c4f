"""What happens to the entries a consumer reads: validation, the handler's calls, acknowledgement, retries.

How handler attempts are counted. Redis raises an entry's delivery count whenever a read hands it
out, tried or not: ``XREADGROUP`` hands out a whole batch, and re-reading pending entries
(``XREADGROUP ... 0``, ``XAUTOCLAIM`` without ``JUSTID``) raises the count of every entry it returns.
So the consumer never re-reads that way (it lists pending entries with ``XPENDING`` and fetches them
with ``XRANGE``, and claims with ``XAUTOCLAIM ... JUSTID``, none of which count), and right before
each handler call it *stamps* the entry: ``XCLAIM ... RETRYCOUNT n+1 JUSTID`` sets the delivery count
to one more than the attempts started. A count of 1 therefore means "read, never tried", 2 "tried
once", and so on, whether the process went on, failed, or was killed inside the handler.

Writes that must happen before the next handler call (the stamp, and the acknowledgements of
entries already handled) are written on the connection before that call, without waiting for their
replies; the next round trip reads the replies. A process killed inside its handler has thus already
handed its acknowledgements and its stamp to the operating system, which delivers them.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from itertools import count
from typing import Any

from redis.exceptions import RedisError

from thrilldrops_events._text import shown
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.streams._deliveries import Delivery, DeliveryContext
from thrilldrops_events.streams._ops import Command, Finished, Operation, Run, Start, Steps, Wait
from thrilldrops_events.streams._records import dead_letter_fields
from thrilldrops_events.streams._replies import RepeatedFields, group_missing, printable, repeated_problem, temporary
from thrilldrops_events.streams._settings import Settings
from thrilldrops_events.streams._tally import Tally
from thrilldrops_events.streams._verdict import invalid, read_entry

__all__ = ["EntryFlow", "Item"]

logger = logging.getLogger("thrilldrops_events.streams")

#: An entry to process: its id, its fields (empty if trimmed away), and how many attempts it has had.
Item = tuple[str, dict[Any, Any], int]

_MAX_REMEMBERED_FAILURES = 10_000
_MAX_ERROR_TEXT = 2000
_FULL_WARNING_INTERVAL = 60.0  # seconds between two warnings that the dead-letter stream is full


@dataclass(slots=True)
class _Ready:
    entry_id: str
    fields: dict[Any, Any]
    envelope: Envelope
    attempt: int  # the number of the attempt about to start: 1 the first time

    @property
    def player(self) -> tuple[str, str, str]:
        envelope = self.envelope
        return envelope.operator_id, envelope.brand_id, envelope.player_id


@dataclass(slots=True)
class _Failure:
    due: float  # when the retry is due, on the consumer's clock
    error: str  # the last error, for the dead letter if the retries run out


class EntryFlow:
    """Decides, for each entry read, what to do with it, and owes the writes that follow."""

    def __init__(self, settings: Settings, tally: Tally, clock: Callable[[], float],
                 stopping: Callable[[], bool]) -> None:
        self._settings = settings
        self._tally = tally
        self._clock = clock
        self._stopping = stopping
        self._acks: list[str] = []  # to acknowledge, not yet written
        self._writes: list[Command] = []  # other writes owed: stamps, retry schedules
        self._unconfirmed: list[str] = []  # acknowledgements written, replies not read yet
        self._sent = 0  # commands written before a handler call (Start.writes) whose replies are not read yet
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._tokens = count(1)
        self._full_warned_at = float("-inf")

    # -- writes ------------------------------------------------------------------------------------------

    def _owed(self) -> tuple[Command, ...]:
        settings = self._settings
        commands: list[Command] = []
        if self._acks:
            commands.append(("XACK", settings.stream, settings.group, *self._acks))
            self._unconfirmed.extend(self._acks)
            self._acks = []
        if self._writes:
            commands.extend(self._writes)
            self._writes = []
        return tuple(commands)

    def run(self, commands: tuple[Command, ...]) -> Generator[Operation, Any, list[Any]]:
        """Run ``commands`` in one round trip, after the writes still owed; return the commands' own replies.

        Raises:
            RedisError: The first error among the commands' replies, or among the replies to earlier
                writes (except ``NOGROUP``, which the next read reports anyway): a ``ResponseError``, or
                an error redis-py makes a ``ConnectionError`` (``LOADING``, ``NOAUTH``).
        """
        owed = self._owed()
        earlier = self._sent + len(owed)
        replies: list[Any] = yield Run(owed + commands)
        self._sent = 0
        error = next((reply for index, reply in enumerate(replies) if isinstance(reply, RedisError)
                      and (index >= earlier or not group_missing(reply))), None)
        if error is None or not temporary(error):
            self._unconfirmed.clear()  # the acknowledgements were carried out
        if error is not None:
            raise error
        return replies[earlier:]

    def _start(self, deliveries: tuple[Delivery, ...], batch: bool) -> Start:
        """A handler call, preceded by the writes owed now (written without waiting for their replies)."""
        owed = self._owed()
        self._sent += len(owed)
        return Start(next(self._tokens), deliveries, batch, owed)

    def connection_lost(self) -> None:
        """Acknowledgements in doubt are owed again (``XACK`` may be repeated); stamps and schedules are dropped."""
        self._acks[:0] = self._unconfirmed
        self._unconfirmed = []
        self._writes = []
        self._sent = 0

    @property
    def owes_acks(self) -> int:
        """How many acknowledgements are owed or in doubt."""
        return len(self._acks) + len(self._unconfirmed)

    # -- retries scheduled by this consumer ------------------------------------------------------------

    def awaiting_retry(self, entry_id: str) -> bool:
        """Whether the entry failed here and waits for its retry (left to ``XAUTOCLAIM`` when it is due)."""
        return entry_id in self._failures

    def next_retry(self) -> float | None:
        """When the earliest retry scheduled here is due (``None`` if none is)."""
        return min((failure.due for failure in self._failures.values()), default=None)

    def forget_retries_before(self, moment: float) -> None:
        """Stop expecting retries due before ``moment``: another consumer took them, or they were settled."""
        for entry_id in [key for key, failure in self._failures.items() if failure.due < moment]:
            del self._failures[entry_id]

    def _remember(self, entry_id: str, due: float, error: str) -> None:
        self._failures[entry_id] = _Failure(due, error)
        self._failures.move_to_end(entry_id)
        while len(self._failures) > _MAX_REMEMBERED_FAILURES:
            self._failures.popitem(last=False)

    # -- entries -----------------------------------------------------------------------------------------

    def process(self, items: list[Item]) -> Steps:
        """Validate the entries, dead-letter what cannot be handled, and give the rest to the handler."""
        settings = self._settings
        ready: list[_Ready] = []
        for entry_id, fields, attempts in items:
            if self._stopping():
                break
            if not fields:
                self.trimmed(entry_id)
                continue
            if isinstance(fields, RepeatedFields):
                yield from self._dead_letter(entry_id, fields, attempts, invalid(repeated_problem(fields)))
                continue
            envelope = read_entry(fields, settings.strict)
            if not isinstance(envelope, Envelope):  # the error of its dead letter
                yield from self._dead_letter(entry_id, fields, attempts, envelope)
                continue
            if attempts >= settings.max_deliveries:
                yield from self._dead_letter(entry_id, fields, attempts, self._exhausted(entry_id, attempts))
                continue
            ready.append(_Ready(entry_id, fields, envelope, attempts + 1))
        if settings.mode == "batch":
            yield from self._deliver_batch(ready)
        else:
            yield from self._deliver_each(ready)

    def trimmed(self, entry_id: str) -> None:
        """A pending entry whose data is gone: acknowledge it, count it and say so."""
        self._acks.append(entry_id)
        self._failures.pop(entry_id, None)
        self._tally.add("trimmed")
        logger.warning("stream %r, group %r: entry %s was trimmed or deleted before it was acknowledged; "
                       "acknowledging it", self._settings.stream, self._settings.group, entry_id)

    def _exhausted(self, entry_id: str, attempts: int) -> dict[str, Any]:
        failure = self._failures.get(entry_id)
        last = failure.error if failure is not None else None
        message = f"the handler was tried {attempts} times (max_deliveries={self._settings.max_deliveries})"
        if last is None:
            message += "; the last try did not finish (the process stopped or crashed inside the handler)"
        return {"reason": "max_deliveries", "message": message, "last_error": last}

    def _context(self, item: _Ready) -> Delivery:
        settings = self._settings
        return Delivery(item.envelope, DeliveryContext(item.entry_id, item.attempt, settings.stream,
                                                       settings.group, settings.consumer))

    def _stamp(self, attempt: int, *entry_ids: str) -> None:
        settings = self._settings
        self._writes.append(("XCLAIM", settings.stream, settings.group, settings.consumer, 0, *entry_ids,
                             "RETRYCOUNT", attempt + 1, "JUSTID"))

    def _deliver_each(self, ready: list[_Ready]) -> Steps:
        """One handler call per entry, at most ``concurrency`` at a time, each player's entries in order."""
        if self._settings.concurrency == 1:
            yield from self._deliver_in_turn(ready)
            return
        waiting = deque(ready)
        running: dict[int, _Ready] = {}
        busy: set[tuple[str, str, str]] = set()
        try:
            while waiting or running:
                if self._stopping():
                    waiting.clear()  # not started: they stay pending, untried
                yield from self._start_some(waiting, running, busy)
                if not running:
                    return
                finished: Finished = yield Wait()
                item = running.pop(finished.token)
                busy.discard(item.player)
                if finished.raised is None:
                    self._handled([item], finished.seconds)
                else:
                    yield from self._failed(item, finished.raised, finished.seconds)
        except Exception:
            yield from self._settle(running)
            raise

    def _deliver_in_turn(self, ready: list[_Ready]) -> Steps:
        """One entry after the other: the common case of ``_deliver_each``, without its bookkeeping."""
        for item in ready:
            if self._stopping():
                return  # the rest stay pending, untried
            self._stamp(item.attempt, item.entry_id)
            yield self._start((self._context(item),), False)  # after the stamp, and the entry before's ack
            finished: Finished = yield Wait()
            if finished.raised is None:
                self._handled([item], finished.seconds)
            else:
                yield from self._failed(item, finished.raised, finished.seconds)

    def _settle(self, running: dict[int, _Ready]) -> Steps:
        """After an error, let the handler calls still running end; acknowledge later what they handled."""
        while running:
            finished: Finished = yield Wait()
            item = running.pop(finished.token)
            if finished.raised is None:
                self._handled([item], finished.seconds)  # a failure stays pending, retried after claim_idle_ms

    def _start_some(self, waiting: deque[_Ready], running: dict[int, _Ready],
                    busy: set[tuple[str, str, str]]) -> Steps:
        limit = self._settings.concurrency
        blocked: set[tuple[str, str, str]] = set()
        index = 0
        while index < len(waiting) and len(running) < limit:
            item = waiting[index]
            player = item.player
            if player in busy or player in blocked:  # an earlier entry of this player comes first
                blocked.add(player)
                index += 1
                continue
            del waiting[index]
            self._stamp(item.attempt, item.entry_id)
            start = self._start((self._context(item),), False)  # after the stamp and the acks owed so far
            yield start
            running[start.token] = item
            busy.add(player)

    def _deliver_batch(self, ready: list[_Ready]) -> Steps:
        """One handler call for all the valid entries; acknowledged together after it returns."""
        if not ready or self._stopping():
            return
        for attempt in sorted({item.attempt for item in ready}):
            self._stamp(attempt, *(item.entry_id for item in ready if item.attempt == attempt))
        yield self._start(tuple(self._context(item) for item in ready), True)
        finished: Finished = yield Wait()
        failures = self._batch_failures(ready, finished)
        handled = [item for item in ready if item.entry_id not in failures]
        seconds = finished.seconds  # reported once per call: with the handled entries, or the first failure
        if handled:
            self._handled(handled, seconds)
            seconds = 0.0
        for item in ready:
            if item.entry_id in failures:
                yield from self._failed(item, failures[item.entry_id], seconds)
                seconds = 0.0

    def _batch_failures(self, ready: list[_Ready], finished: Finished) -> dict[str, BaseException]:
        if finished.raised is not None:
            return {item.entry_id: finished.raised for item in ready}
        returned = finished.returned
        if returned is None:
            return {}
        if not isinstance(returned, Mapping):
            error = TypeError("a batch handler must return None or a mapping of failed entry ids to exceptions, "
                              f"not {type(returned).__name__}")
            return {item.entry_id: error for item in ready}
        ids = {item.entry_id for item in ready}
        try:
            pairs = list(returned.items())
        except Exception as failure:
            error = TypeError(f"the mapping the batch handler returned could not be read ({type(failure).__name__})")
            return {item.entry_id: error for item in ready}
        failures: dict[str, BaseException] = {}
        for key, value in pairs:
            entry_id = printable(key)
            if entry_id not in ids:
                logger.warning("stream %r, group %r: the batch handler named entry %s, which was not in its batch",
                               self._settings.stream, self._settings.group, shown(entry_id))
                continue
            failures[entry_id] = value if isinstance(value, BaseException) else RuntimeError(printable(value))
        return failures

    def _handled(self, items: list[_Ready], seconds: float) -> None:
        for item in items:
            self._acks.append(item.entry_id)
            self._failures.pop(item.entry_id, None)
        self._tally.add("handled", len(items), seconds)

    def _failed(self, item: _Ready, error: BaseException, seconds: float) -> Steps:
        settings = self._settings
        description = f"{type(error).__name__}: {printable(error)}"[:_MAX_ERROR_TEXT]
        if not settings.retry.retries(error):
            reason, message = "not_retryable", f"{type(error).__name__} is not retried (RetryPolicy.give_up_on)"
        elif item.attempt >= settings.max_deliveries:
            reason = "max_deliveries"
            message = f"the handler was tried {item.attempt} times (max_deliveries={settings.max_deliveries})"
        else:
            delay = settings.retry.delay_ms(item.attempt, cap=settings.claim_idle_ms)
            self._writes.append(("XCLAIM", settings.stream, settings.group, settings.consumer, 0, item.entry_id,
                                 "IDLE", settings.claim_idle_ms - delay, "RETRYCOUNT", item.attempt + 1, "JUSTID"))
            self._remember(item.entry_id, self._clock() + delay / 1000, description)
            self._tally.add("retried", 1, seconds)
            logger.warning("stream %r, group %r: handler failed on entry %s (%s, attempt %d of at most %d); "
                           "it will be delivered again in %d ms", settings.stream, settings.group, item.entry_id,
                           item.envelope.event_type.value, item.attempt, settings.max_deliveries, delay,
                           exc_info=error)
            return
        failure = {"reason": reason, "message": message, "last_error": description}
        logger.warning("stream %r, group %r: handler failed on entry %s (%s, attempt %d)", settings.stream,
                       settings.group, item.entry_id, item.envelope.event_type.value, item.attempt, exc_info=error)
        yield from self._dead_letter(item.entry_id, item.fields, item.attempt, failure, seconds)

    def _dead_letters_full(self) -> None:
        now = self._clock()
        if now - self._full_warned_at >= _FULL_WARNING_INTERVAL:
            self._full_warned_at = now
            logger.warning("dead-letter stream %r holds dead_letter_maxlen=%d entries: the oldest dead letters are "
                           "being trimmed away; replay or inspect them, or raise dead_letter_maxlen",
                           self._settings.dead_letter_stream, self._settings.dead_letter_maxlen)

    def _dead_letter(self, entry_id: str, fields: dict[Any, Any], attempts: int, error: dict[str, Any],
                     seconds: float = 0.0) -> Steps:
        """Copy the entry to the dead-letter stream (waiting for the reply), then acknowledge it."""
        settings = self._settings
        reason = error["reason"]
        trim = () if settings.dead_letter_maxlen is None else ("MAXLEN", "~", settings.dead_letter_maxlen)
        entry = dead_letter_fields(fields, original_id=entry_id, stream=settings.stream, group=settings.group,
                                   consumer=settings.consumer, deliveries=attempts, reason=reason,
                                   error=json.dumps(error, ensure_ascii=False))
        flat = [part for pair in entry for part in pair]
        bound = settings.dead_letter_maxlen
        commands: tuple[Command, ...] = (("XADD", settings.dead_letter_stream, *trim, "*", *flat),)
        if bound is not None:
            commands += (("XLEN", settings.dead_letter_stream),)
        replies = yield from self.run(commands)
        if bound is not None and int(replies[1]) >= bound:
            self._dead_letters_full()
        self._acks.append(entry_id)
        self._failures.pop(entry_id, None)
        self._tally.add("dead_lettered", 1, seconds, reason)
        summary = (error["message"].splitlines()[0] if reason != "invalid" else
                   "; ".join(f"{p['path'] or '<entry>'}: {p['message']}" for p in error["problems"]))
        if reason == "invalid" and error["omitted"]:
            summary += f"; ... and {error['omitted']} more problem{'s' if error['omitted'] != 1 else ''}"
        logger.error("stream %r, group %r: entry %s moved to dead-letter stream %r after %d attempts (%s): %s",
                     settings.stream, settings.group, entry_id, settings.dead_letter_stream, attempts, reason, summary)
