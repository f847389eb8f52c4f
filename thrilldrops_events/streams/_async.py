"""Consuming with the asyncio redis-py client (``redis.asyncio.Redis``, ``redis.asyncio.cluster.RedisCluster``).

The sync and asyncio consumers are twins: each only executes the operations the shared core
(``_core``, ``_flow``) yields, with its own kind of I/O; its twin is ``_sync.StreamConsumer``.
What they share is in ``_front`` (settings, views, the handler's call); their signatures and the loops
that drive the core stay written twice, since they differ only where one awaits.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis
import redis.asyncio
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster

from thrilldrops_events.streams._alink import AsyncLink
from thrilldrops_events.streams._front import ConsumerFront, group_info
from thrilldrops_events.streams._link import check_client
from thrilldrops_events.streams._ops import Finished, Operation, Pause, Reset, Run, Start, Wait
from thrilldrops_events.streams._records import GroupInfo
from thrilldrops_events.streams._replies import stream_missing
from thrilldrops_events.streams._retry import RetryPolicy
from thrilldrops_events.streams._settings import check_handler
from thrilldrops_events.streams._tally import MetricsHook

__all__ = ["AsyncStreamConsumer"]

logger = logging.getLogger("thrilldrops_events.streams")

#: The handler of an [AsyncStreamConsumer][thrilldrops_events.streams.AsyncStreamConsumer]: a coroutine function (or a
#: plain function) called as ``handler(envelope)``, ``handler(envelope, context)`` or ``handler(deliveries)`` (see
#: ``StreamConsumer``).
AsyncHandler = Callable[..., Awaitable[object] | object]


def _cancelling() -> bool:
    """Whether the current task is being cancelled (known from Python 3.11; before, only the consumer's flag tells)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)
    return bool(cancelling()) if cancelling is not None else False


class AsyncStreamConsumer(ConsumerFront):
    """The asyncio flavour of [StreamConsumer][thrilldrops_events.streams.StreamConsumer], with the same behaviour.

    It takes the same arguments, with a ``redis.asyncio.Redis`` (or ``redis.asyncio.cluster.RedisCluster``)
    client and a handler that may be a coroutine function, plus ``concurrency``: how many entries
    may be in the handler at once. Entries of the same player (operator, brand and player ids) are
    never handled at the same time, and are handled in stream order. Call
    [stop][thrilldrops_events.streams.AsyncStreamConsumer.stop] from the event loop's thread (from another thread, use
    ``loop.call_soon_threadsafe(consumer.stop)``).

    Raises:
        StreamConfigError: If a setting is impossible, or ``client`` is not an asyncio redis-py client.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis | AsyncRedisCluster,
        stream: str,
        group: str,
        handler: AsyncHandler,
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
        concurrency: int = 1,
    ) -> None:
        super().__init__(
            handler, metrics=metrics,
            stream=stream, group=group, consumer=consumer, dead_letter_stream=dead_letter_stream,
            dead_letter_maxlen=dead_letter_maxlen, max_deliveries=max_deliveries, claim_idle_ms=claim_idle_ms,
            claim_interval_ms=claim_interval_ms, batch_size=batch_size, block_ms=block_ms,
            group_start_id=group_start_id, strict=strict, context=context, batch=batch, retry=retry,
            concurrency=concurrency,
        )
        check_client(client, (redis.asyncio.Redis, AsyncRedisCluster),
                     "a redis.asyncio.Redis or a redis.asyncio.cluster.RedisCluster", "StreamConsumer")
        check_handler(handler, awaits=True)
        self._client = client
        self._wake: asyncio.Event | None = None
        self._running: set[asyncio.Task[Finished]] = set()
        self._closing = False
        self._finished: list[Finished] = []

    def stop(self) -> None:
        """Stop once the entries in the handler are done.

        [run][thrilldrops_events.streams.AsyncStreamConsumer.run] then acknowledges them and returns.
        """
        self._core.stop()
        if self._wake is not None:
            self._wake.set()

    async def group_info(self) -> GroupInfo | None:
        """The group's ``XINFO GROUPS`` figures (pending, lag...), or ``None`` if the group does not exist."""
        try:
            return group_info(await self._client.xinfo_groups(self.stream), self.group)
        except redis.ResponseError as error:
            if stream_missing(error):
                return None
            raise

    async def run(self) -> None:
        """Consume until stopped; outages are waited out with backoff.

        It returns once [stop][thrilldrops_events.streams.AsyncStreamConsumer.stop] is called. Cancelling the
        task that runs it ends it at once, on every Python version, with ``asyncio.CancelledError``: handler
        calls in progress are cancelled too, the connection is dropped, and entries not yet acknowledged are
        delivered again (``stop`` is the clean way out).

        Raises:
            redis.ResponseError: For a server error other than a missing group or an outage (such as ``WRONGTYPE``).
            asyncio.CancelledError: When the task running it is cancelled.
            RuntimeError: If the consumer is already running, in another task.
        """
        self._enter_run()
        try:
            await self._consume()
        finally:
            self._leave_run()

    async def _consume(self) -> None:
        self._closing = False
        self._wake = asyncio.Event()
        if self._core.stopping:
            self._wake.set()
        link = AsyncLink(self._client, self.stream)
        steps = self._core.run()
        result: Any = None
        error: BaseException | None = None
        cancelled = False
        try:
            while True:
                try:
                    operation = steps.throw(error) if error is not None else steps.send(result)
                except StopIteration:
                    return
                result, error = None, None
                try:
                    result = await self._execute(operation, link)
                except Exception as failure:  # handed to the core, which recovers or re-raises
                    error = failure
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            steps.close()
            self._closing = True  # from now on a cancelled handler call is the consumer's own doing
            for task in self._running:
                task.cancel()
            if cancelled:  # drop the connection rather than wait for what it still owes
                try:
                    await link.reset(find_node=False)
                except Exception as failure:  # the cancellation is what the caller must see
                    logger.debug("could not drop the connection of a cancelled consumer: %s", failure)
            else:
                await link.close()

    async def _execute(self, operation: Operation, link: AsyncLink) -> Any:
        if isinstance(operation, Start):
            if operation.writes:
                await link.send(operation.writes)
            task = asyncio.ensure_future(self._call(operation))
            self._running.add(task)
        elif isinstance(operation, Wait):
            return await self._next_finished()
        elif isinstance(operation, Run):
            return await link.run(operation.commands)
        elif isinstance(operation, Pause):
            assert self._wake is not None
            waking = asyncio.ensure_future(self._wake.wait())
            try:  # not asyncio.wait_for, which may swallow a cancellation on Python 3.10 and 3.11
                await asyncio.wait({waking}, timeout=operation.seconds)
            finally:
                waking.cancel()
        elif isinstance(operation, Reset):
            await link.reset()
        return None

    async def _next_finished(self) -> Finished:
        if not self._finished:
            done, _ = await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)
            self._running -= done
            self._finished.extend(task.result() for task in done)
        return self._finished.pop(0)

    async def _call(self, start: Start) -> Finished:
        began = time.perf_counter()
        raised: BaseException | None = None
        returned: object = None
        try:
            returned = self._invoke(start)
            if inspect.isawaitable(returned):
                returned = await returned
        except asyncio.CancelledError as failure:
            if self._closing or _cancelling():
                raise  # the consumer, or the loop, is cancelling this call
            raised = failure  # the handler's own (it awaited something cancelled): a failure of its entry
        except Exception as failure:
            raised = failure
        return Finished(start.token, raised, returned, time.perf_counter() - began)
