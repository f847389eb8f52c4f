"""Publishing events to a stream with the asyncio redis-py client."""

from __future__ import annotations

from collections.abc import Iterable

import redis.asyncio

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.streams._publish import _check_chunk, _entry_id

__all__ = ["publish_async", "publish_many_async"]


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
