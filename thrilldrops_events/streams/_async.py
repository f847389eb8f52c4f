"""Publishing and consuming with the asyncio redis-py client (``redis.asyncio.Redis``)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import redis
import redis.asyncio

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.streams._front import ConsumerFront
from thrilldrops_events.streams._ops import Call, Invoke, Operation, Pause, Pipeline
from thrilldrops_events.streams._records import GroupInfo
from thrilldrops_events.streams._sync import _check_chunk, _entry_id

__all__ = ["AsyncStreamConsumer", "publish_async", "publish_many_async"]

#: The handler of an :class:`AsyncStreamConsumer`: a coroutine function (or a plain function) of the event.
AsyncHandler = Callable[[Envelope], Awaitable[object] | object]


async def publish_async(
    client: redis.asyncio.Redis, stream: str, envelope: Envelope, *, maxlen: int | None = None,
    approximate: bool = True,
) -> str:
    """Append one event to a stream, like :func:`~thrilldrops_events.streams.publish`, with an asyncio client.

    Returns:
        The new entry's id.
    """
    entry_id = await client.xadd(stream, encode(envelope), maxlen=maxlen, approximate=approximate)  # type: ignore[arg-type]
    return _entry_id(entry_id)


async def publish_many_async(
    client: redis.asyncio.Redis,
    stream: str,
    envelopes: Iterable[Envelope],
    *,
    maxlen: int | None = None,
    approximate: bool = True,
    chunk_size: int = 1000,
) -> list[str]:
    """Append many events in order, like :func:`~thrilldrops_events.streams.publish_many`, with an asyncio client.

    Returns:
        The new entries' ids, in order.
    """
    _check_chunk(chunk_size)
    encoded = [encode(envelope) for envelope in envelopes]
    ids: list[str] = []
    for start in range(0, len(encoded), chunk_size):
        async with client.pipeline(transaction=False) as pipe:
            for fields in encoded[start:start + chunk_size]:
                pipe.xadd(stream, fields, maxlen=maxlen, approximate=approximate)  # type: ignore[arg-type]
            ids.extend(_entry_id(entry_id) for entry_id in await pipe.execute())
    return ids


class AsyncStreamConsumer(ConsumerFront):
    """The asyncio flavour of :class:`~thrilldrops_events.streams.StreamConsumer`, with the same behaviour.

    It takes the same arguments, with a ``redis.asyncio.Redis`` client and a handler that may be a
    coroutine function. Call :meth:`stop` from the event loop's thread (from another thread, use
    ``loop.call_soon_threadsafe(consumer.stop)``).

    Raises:
        StreamConfigError: If a setting is impossible.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        stream: str,
        group: str,
        handler: AsyncHandler,
        *,
        consumer: str | None = None,
        dead_letter_stream: str | None = None,
        dead_letter_maxlen: int | None = None,
        max_deliveries: int = 5,
        claim_idle_ms: int = 60_000,
        claim_interval_ms: int | None = None,
        batch_size: int = 100,
        block_ms: int = 1000,
        group_start_id: str = "0",
        strict: bool = False,
    ) -> None:
        super().__init__(
            handler,
            stream=stream, group=group, consumer=consumer, dead_letter_stream=dead_letter_stream,
            dead_letter_maxlen=dead_letter_maxlen, max_deliveries=max_deliveries, claim_idle_ms=claim_idle_ms,
            claim_interval_ms=claim_interval_ms, batch_size=batch_size, block_ms=block_ms,
            group_start_id=group_start_id, strict=strict,
        )
        self._client = client
        self._handler = handler
        self._wake: asyncio.Event | None = None

    def stop(self) -> None:
        """Stop after the current entry; :meth:`run` then acknowledges what was handled and returns."""
        self._core.stop()
        if self._wake is not None:
            self._wake.set()

    async def group_info(self) -> GroupInfo | None:
        """The group's ``XINFO GROUPS`` figures (pending, lag...), or ``None`` if the group does not exist."""
        try:
            return self._core.group_info(await self._client.xinfo_groups(self._core.stream))
        except redis.ResponseError as error:
            if "no such key" in str(error).lower():
                return None
            raise

    async def run(self) -> None:
        """Consume until :meth:`stop` is called; lost connections are retried with backoff.

        Raises:
            redis.ResponseError: For a server error other than a missing group (such as ``WRONGTYPE``).
        """
        self._wake = asyncio.Event()
        if self._core.stopping:
            self._wake.set()
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
                    result = await self._execute(operation)
                except Exception as failure:  # handed to the core, which recovers or re-raises
                    error = failure
        finally:
            steps.close()

    async def _execute(self, operation: Operation) -> Any:
        if type(operation) is Call:
            return await getattr(self._client, operation.method)(*operation.args, **operation.kwargs)
        if type(operation) is Invoke:
            try:
                outcome = self._handler(operation.envelope)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as failure:
                return failure
            return None
        if type(operation) is Pipeline:
            async with self._client.pipeline(transaction=False) as pipe:
                for call in operation.calls:
                    getattr(pipe, call.method)(*call.args, **call.kwargs)
                return await pipe.execute()
        if type(operation) is Pause:
            assert self._wake is not None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), operation.seconds)
            return None
        raise AssertionError(operation)  # pragma: no cover
