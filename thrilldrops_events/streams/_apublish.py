"""Publishing events to a stream with the asyncio redis-py client: the twin of ``_publish``, awaited.

What the twins share is in ``_publishing``; see ``_publish`` for what stays written twice, and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Literal, overload

import redis
import redis.asyncio
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.streams._alink import AsyncLink
from thrilldrops_events.streams._front import group_info
from thrilldrops_events.streams._link import check_client
from thrilldrops_events.streams._publishing import LagWatch, PublishOptions, chunks, new_ids, options, publish_commands
from thrilldrops_events.streams._replies import stream_missing

__all__ = ["publish_async", "publish_many_async"]

AsyncClient = redis.asyncio.Redis | AsyncRedisCluster

_CLIENTS = (redis.asyncio.Redis, AsyncRedisCluster)
_EXPECTED = "a redis.asyncio.Redis or a redis.asyncio.cluster.RedisCluster"


async def _send(client: AsyncClient, stream: str, chunk: list[dict[str, str]], settings: PublishOptions) -> list[str]:
    link = AsyncLink(client, stream)
    try:
        replies = await link.run(publish_commands(stream, chunk, settings))
    finally:
        await link.close()
    return new_ids(replies, settings)


async def publish_async(client: AsyncClient, stream: str, envelope: Envelope, *, maxlen: int | None = None,
                        approximate: bool = True, replicas: int | None = None, replica_timeout_ms: int = 1000) -> str:
    """Append one event to a stream, like [publish][thrilldrops_events.streams.publish], with an asyncio client.

    Returns:
        The new entry's id.
    """
    settings = options(stream, maxlen=maxlen, approximate=approximate, replicas=replicas,
                       replica_timeout_ms=replica_timeout_ms)
    check_client(client, _CLIENTS, _EXPECTED, "publish")
    return (await _send(client, stream, [encode(envelope)], settings))[0]


async def _lag(client: Any, stream: str, group: str) -> int | None:
    try:
        info = group_info(await client.xinfo_groups(stream), group)
    except redis.ResponseError as error:
        if stream_missing(error):
            return None
        raise
    return None if info is None else info.lag


async def _wait_for_consumers(client: Any, stream: str, settings: PublishOptions, published: int) -> None:
    watch = LagWatch.before_chunk(settings, published)
    while watch is not None and watch.waiting(await _lag(client, stream, watch.group)):
        await asyncio.sleep(settings.lag_check_s)


@overload
async def publish_many_async(client: AsyncClient, stream: str, envelopes: Iterable[Envelope], *,
                             maxlen: int | None = ..., approximate: bool = ..., chunk_size: int = ...,
                             replicas: int | None = ..., replica_timeout_ms: int = ..., max_lag: int | None = ...,
                             lag_group: str | None = ..., lag_check_ms: int = ..., lag_timeout_s: float | None = ...,
                             return_ids: Literal[True] = ...) -> list[str]: ...


@overload
async def publish_many_async(client: AsyncClient, stream: str, envelopes: Iterable[Envelope], *,
                             maxlen: int | None = ..., approximate: bool = ..., chunk_size: int = ...,
                             replicas: int | None = ..., replica_timeout_ms: int = ..., max_lag: int | None = ...,
                             lag_group: str | None = ..., lag_check_ms: int = ..., lag_timeout_s: float | None = ...,
                             return_ids: Literal[False]) -> int: ...


async def publish_many_async(client: AsyncClient, stream: str, envelopes: Iterable[Envelope], *,
                             maxlen: int | None = None, approximate: bool = True, chunk_size: int = 1000,
                             replicas: int | None = None, replica_timeout_ms: int = 1000, max_lag: int | None = None,
                             lag_group: str | None = None, lag_check_ms: int = 100,
                             lag_timeout_s: float | None = None, return_ids: bool = True) -> list[str] | int:
    """Append many events in order, like [publish_many][thrilldrops_events.streams.publish_many], with asyncio.

    Returns:
        The new entries' ids in order, or their number with ``return_ids=False``.
    """
    settings = options(stream, maxlen=maxlen, approximate=approximate, chunk_size=chunk_size, replicas=replicas,
                       replica_timeout_ms=replica_timeout_ms, max_lag=max_lag, lag_group=lag_group,
                       lag_check_ms=lag_check_ms, lag_timeout_s=lag_timeout_s)
    check_client(client, _CLIENTS, _EXPECTED, "publish_many")
    redis_: Any = client
    ids: list[str] = []
    published = 0
    for chunk in chunks(envelopes, settings.chunk_size):
        await _wait_for_consumers(redis_, stream, settings, published)
        added = await _send(client, stream, chunk, settings)
        published += len(added)
        if return_ids:
            ids.extend(added)
    return ids if return_ids else published
