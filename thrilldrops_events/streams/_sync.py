"""Consuming with the blocking redis-py client (``redis.Redis``, ``redis.cluster.RedisCluster``).

The sync and asyncio consumers are twins: each only executes the operations the shared core
(``_core``, ``_flow``) yields, with its own kind of I/O; its twin is ``_async.AsyncStreamConsumer``.
What they share is in ``_front`` (settings, views, the handler's call); their signatures and the loops
that drive the core stay written twice, since they differ only where one awaits.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import redis
from redis.cluster import RedisCluster

from thrilldrops_events.streams._front import ConsumerFront, group_info
from thrilldrops_events.streams._link import Link, check_client
from thrilldrops_events.streams._ops import Finished, Operation, Pause, Reset, Run, Start, Wait
from thrilldrops_events.streams._records import GroupInfo
from thrilldrops_events.streams._replies import stream_missing
from thrilldrops_events.streams._retry import RetryPolicy
from thrilldrops_events.streams._settings import check_handler
from thrilldrops_events.streams._tally import MetricsHook

__all__ = ["StreamConsumer"]

#: The handler of a [StreamConsumer][thrilldrops_events.streams.StreamConsumer]: ``handler(envelope)``,
#: ``handler(envelope, context)`` with ``context=True``, or ``handler(deliveries)`` with ``batch=True`` (see the
#: class).
Handler = Callable[..., object]


def _kind(awaitable: object) -> str:
    return "a coroutine" if inspect.iscoroutine(awaitable) else f"an awaitable ({type(awaitable).__name__})"


def _discard(awaitable: object) -> None:
    """Close a coroutine that will never be awaited, so that Python does not warn about it."""
    if inspect.iscoroutine(awaitable):
        awaitable.close()


class StreamConsumer(ConsumerFront):
    """Consume one stream in one consumer group with a blocking client; see the Redis streams guide.

    Delivery is at least once: the handler is called with each valid event, the entry is
    acknowledged (``XACK``) once the handler has returned (the acknowledgement is on its way to
    the server before the next handler call starts), and an entry whose handler raised stays
    pending and is delivered again after the retry policy's delay. Handlers must therefore be
    idempotent; [dedup_key][thrilldrops_events.dedup_key] gives each event's natural de-duplication key.

    An entry that fails validation, whose handler was tried ``max_deliveries`` times, or whose
    handler raised an exception the retry policy gives up on, is copied to the dead-letter stream
    with its error and then acknowledged, so it never blocks the group.

    Args:
        client: A redis-py client: ``redis.Redis`` or ``redis.cluster.RedisCluster``. If it has a
            ``socket_timeout``, it must exceed ``block_ms``.
        stream: The stream's key.
        group: The consumer group; created (with ``MKSTREAM``) if missing, and again after ``NOGROUP``.
        handler: Called with each valid [Envelope][thrilldrops_events.Envelope] (see ``context`` and ``batch``);
            a plain function (a coroutine function needs
            [AsyncStreamConsumer][thrilldrops_events.streams.AsyncStreamConsumer]).
        consumer: This consumer's name in the group. Give each process a stable name (a pod name, say)
            so that after a restart it first finishes what it had read; default ``<hostname>-<pid>-<n>``.
        dead_letter_stream: Where invalid and undeliverable entries go; default ``<stream>:dead-letter``.
        dead_letter_maxlen: Keep the dead-letter stream to about this many entries, trimming the oldest
            (with a warning in the log when it is full); ``None`` for no limit.
        max_deliveries: The most times the handler is tried on one entry.
        claim_idle_ms: Entries pending this long without news (their consumer died) are taken over
            with ``XAUTOCLAIM`` and delivered again. Must exceed the time a batch takes to handle.
        claim_interval_ms: How often to look for such entries; default half of ``claim_idle_ms``.
        batch_size: Entries read per call.
        block_ms: How long one read waits for new entries;
            [stop][thrilldrops_events.streams.StreamConsumer.stop] takes effect within it.
        group_start_id: Where a newly created group starts: ``"0"`` (the default) delivers the entries
            already in the stream too, ``"$"`` only new ones, an entry id those after it.
        strict: Validate in strict mode (unknown fields refused).
        context: Call ``handler(envelope, context)``, with a
            [DeliveryContext][thrilldrops_events.streams.DeliveryContext].
        batch: Call ``handler(deliveries)`` once per batch read, with a list of
            [Delivery][thrilldrops_events.streams.Delivery]; see the guide for what it returns.
        retry: When failed entries are tried again, and which errors are not retried
            (default ``RetryPolicy()``: 1 s, doubling, at most ``claim_idle_ms``).
        metrics: Called with an [Outcome][thrilldrops_events.streams.Outcome] for everything the consumer does.

    Raises:
        StreamConfigError: If a setting is impossible, or ``client`` is not a blocking redis-py client.
    """

    def __init__(
        self,
        client: redis.Redis | RedisCluster,
        stream: str,
        group: str,
        handler: Handler,
        *,
        consumer: str | None = None,
        dead_letter_stream: str | None = None,
        dead_letter_maxlen: int | None = 100_000,
        max_deliveries: int = 5,
        claim_idle_ms: int = 60_000,
        claim_interval_ms: int | None = None,
        batch_size: int = 100,
        block_ms: int = 1000,
        group_start_id: str = "0",
        strict: bool = False,
        context: bool = False,
        batch: bool = False,
        retry: RetryPolicy | None = None,
        metrics: MetricsHook | None = None,
    ) -> None:
        super().__init__(
            handler, metrics=metrics,
            stream=stream, group=group, consumer=consumer, dead_letter_stream=dead_letter_stream,
            dead_letter_maxlen=dead_letter_maxlen, max_deliveries=max_deliveries, claim_idle_ms=claim_idle_ms,
            claim_interval_ms=claim_interval_ms, batch_size=batch_size, block_ms=block_ms,
            group_start_id=group_start_id, strict=strict, context=context, batch=batch, retry=retry,
        )
        check_client(client, (redis.Redis, RedisCluster), "a redis.Redis or a redis.cluster.RedisCluster",
                     "AsyncStreamConsumer")
        check_handler(handler, awaits=False)
        self._client = client
        self._wake = threading.Event()
        self._finished: deque[Finished] = deque()

    def stop(self) -> None:
        """Stop after the current entry.

        [run][thrilldrops_events.streams.StreamConsumer.run] then acknowledges what was handled and returns.

        Safe to call from another thread or from a signal handler. Entries already read but not yet
        handled stay pending: this consumer name delivers them first when it starts again, and
        other consumers reclaim them after ``claim_idle_ms``. A stopped consumer cannot be run again.
        """
        self._core.stop()
        self._wake.set()

    def group_info(self) -> GroupInfo | None:
        """The group's ``XINFO GROUPS`` figures (pending, lag...), or ``None`` if the group does not exist."""
        try:
            return group_info(self._client.xinfo_groups(self.stream), self.group)
        except redis.ResponseError as error:
            if stream_missing(error):
                return None
            raise

    def run(self) -> None:
        """Consume until stopped; outages are waited out with backoff.

        It returns once [stop][thrilldrops_events.streams.StreamConsumer.stop] is called.

        Raises:
            redis.ResponseError: For a server error other than a missing group or an outage (such as ``WRONGTYPE``).
            RuntimeError: If the consumer is already running, in another thread.
        """
        self._enter_run()
        try:
            self._consume()
        finally:
            self._leave_run()

    def _consume(self) -> None:
        link = Link(self._client, self.stream)
        steps = self._core.run()
        result: Any = None
        error: BaseException | None = None
        try:
            while True:
                try:
                    operation = steps.throw(error) if error is not None else steps.send(result)
                except StopIteration:
                    return
                result, error = None, None
                try:
                    result = self._execute(operation, link)
                except Exception as failure:  # handed to the core, which recovers or re-raises
                    error = failure
        finally:
            steps.close()
            link.close()

    def _execute(self, operation: Operation, link: Link) -> Any:
        if isinstance(operation, Start):
            if operation.writes:
                link.send(operation.writes)
            self._finished.append(self._call(operation))
        elif isinstance(operation, Wait):
            return self._finished.popleft()
        elif isinstance(operation, Run):
            return link.run(operation.commands)
        elif isinstance(operation, Pause):
            self._wake.wait(operation.seconds)
        elif isinstance(operation, Reset):
            link.reset()
        return None

    def _call(self, start: Start) -> Finished:
        began = time.perf_counter()
        raised: BaseException | None = None
        returned: object = None
        try:
            returned = self._invoke(start)
            if inspect.isawaitable(returned):
                _discard(returned)
                raise TypeError(f"the handler returned {_kind(returned)}, which this consumer cannot await: nothing "
                                "was handled (use AsyncStreamConsumer for a coroutine function)")
        except Exception as failure:
            raised = failure
        return Finished(start.token, raised, returned, time.perf_counter() - began)
