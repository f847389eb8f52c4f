"""Publishing events to a stream with the blocking redis-py client (``redis.Redis`` or ``RedisCluster``).

Twin of ``_apublish`` (asyncio): the same steps, awaited; what they share is in ``_publishing`` (options,
chunks, commands, replies, the backpressure decision). The signatures and the loops over the chunks stay
written twice, since they differ only where one awaits.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Literal, overload

import redis
from redis.cluster import RedisCluster

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.streams._front import group_info
from thrilldrops_events.streams._link import Link, check_client
from thrilldrops_events.streams._publishing import LagWatch, PublishOptions, chunks, new_ids, options, publish_commands
from thrilldrops_events.streams._replies import stream_missing

__all__ = ["publish", "publish_many"]

_CLIENTS = (redis.Redis, RedisCluster)
_EXPECTED = "a redis.Redis or a redis.cluster.RedisCluster"


def _send(client: redis.Redis | RedisCluster, stream: str, chunk: list[dict[str, str]],
          settings: PublishOptions) -> list[str]:
    """One chunk in one round trip, on a connection of the client's pool (the stream's node in a cluster)."""
    link = Link(client, stream)
    try:
        replies = link.run(publish_commands(stream, chunk, settings))
    finally:
        link.close()
    return new_ids(replies, settings)


def publish(client: redis.Redis | RedisCluster, stream: str, envelope: Envelope, *, maxlen: int | None = None,
            approximate: bool = True, replicas: int | None = None, replica_timeout_ms: int = 1000) -> str:
    """Append one event to a stream (``XADD``) in the documented field layout.

    Args:
        client: A redis-py client: ``redis.Redis`` or ``redis.cluster.RedisCluster``.
        stream: The stream's key.
        envelope: The event.
        maxlen: Trim the stream to about this many entries (``MAXLEN ~``), at least 1 (``0`` would delete
            the entry just added). Trimming deletes the oldest
            entries even if a consumer group has not acknowledged them yet; prefer
            [trim][thrilldrops_events.streams.trim], which never does.
        approximate: Trim with ``~`` (cheap, the default) rather than exactly.
        replicas: Wait until this many replicas have the entry (``WAIT``, on the connection that
            carried the ``XADD``), so that a failover cannot lose it; see the guide for the limits.
        replica_timeout_ms: How long to wait for the replicas.

    Returns:
        The new entry's id, such as ``"1777852800000-0"``.

    Raises:
        StreamDurabilityError: With ``replicas``, if fewer replicas confirmed the entry in time (it
            was written to the master, and its id is in the error).
        StreamConfigError: If an option is impossible, or ``client`` is not a blocking redis-py client.
        EventValidationError: If an event cannot be written as an entry: it is not an
            [Envelope][thrilldrops_events.Envelope], or see [encode][thrilldrops_events.codecs.redis.encode].
    """
    settings = options(stream, maxlen=maxlen, approximate=approximate, replicas=replicas,
                       replica_timeout_ms=replica_timeout_ms)
    check_client(client, _CLIENTS, _EXPECTED, "publish_async")
    return _send(client, stream, [encode(envelope)], settings)[0]


def _lag(client: Any, stream: str, group: str) -> int | None:
    try:
        info = group_info(client.xinfo_groups(stream), group)
    except redis.ResponseError as error:
        if stream_missing(error):
            return None
        raise
    return None if info is None else info.lag


def _wait_for_consumers(client: Any, stream: str, settings: PublishOptions, published: int) -> None:
    """Wait while the group's lag is above ``max_lag`` (see ``LagWatch``)."""
    watch = LagWatch.before_chunk(settings, published)
    while watch is not None and watch.waiting(_lag(client, stream, watch.group)):
        time.sleep(settings.lag_check_s)


@overload
def publish_many(client: redis.Redis | RedisCluster, stream: str, envelopes: Iterable[Envelope], *,
                 maxlen: int | None = ..., approximate: bool = ..., chunk_size: int = ..., replicas: int | None = ...,
                 replica_timeout_ms: int = ..., max_lag: int | None = ..., lag_group: str | None = ...,
                 lag_check_ms: int = ..., lag_timeout_s: float | None = ...,
                 return_ids: Literal[True] = ...) -> list[str]: ...


@overload
def publish_many(client: redis.Redis | RedisCluster, stream: str, envelopes: Iterable[Envelope], *,
                 maxlen: int | None = ..., approximate: bool = ..., chunk_size: int = ..., replicas: int | None = ...,
                 replica_timeout_ms: int = ..., max_lag: int | None = ..., lag_group: str | None = ...,
                 lag_check_ms: int = ..., lag_timeout_s: float | None = ...,
                 return_ids: Literal[False]) -> int: ...


def publish_many(client: redis.Redis | RedisCluster, stream: str, envelopes: Iterable[Envelope], *,
                 maxlen: int | None = None, approximate: bool = True, chunk_size: int = 1000,
                 replicas: int | None = None, replica_timeout_ms: int = 1000, max_lag: int | None = None,
                 lag_group: str | None = None, lag_check_ms: int = 100, lag_timeout_s: float | None = None,
                 return_ids: bool = True) -> list[str] | int:
    """Append many events in order, ``chunk_size`` per pipeline round trip, encoding each chunk as it goes.

    ``envelopes`` may be a generator of any length: only one chunk is held at a time (with
    ``return_ids=False``, not even the ids), so memory stays bounded. A pipeline is not a
    transaction: if the connection fails midway, or an event fails to encode, the chunks already
    sent stay published.

    Args:
        client: A redis-py client: ``redis.Redis`` or ``redis.cluster.RedisCluster``.
        stream: The stream's key.
        envelopes: The events, in order.
        maxlen: As for [publish][thrilldrops_events.streams.publish].
        approximate: As for [publish][thrilldrops_events.streams.publish].
        chunk_size: Events per round trip.
        replicas: Wait after each chunk until this many replicas have it (``WAIT``).
        replica_timeout_ms: How long to wait for them, per chunk.
        max_lag: Backpressure: before each chunk, wait while ``lag_group`` has more than this many
            entries of the stream still to read.
        lag_group: The consumer group whose lag is watched.
        lag_check_ms: How often the lag is looked at while waiting.
        lag_timeout_s: Give up waiting after this long (default: wait as long as it takes).
        return_ids: Return the new ids (the default), or only how many events were published.

    Returns:
        The new entries' ids in order, or their number with ``return_ids=False``.

    Raises:
        StreamDurabilityError: With ``replicas``, if a chunk was not confirmed in time.
        StreamBackpressureError: If the lag stayed above ``max_lag`` for longer than ``lag_timeout_s``.
        StreamConfigError: If an option is impossible, or ``client`` is not a blocking redis-py client.
        EventValidationError: If an event cannot be written as an entry: it is not an
            [Envelope][thrilldrops_events.Envelope], or see [encode][thrilldrops_events.codecs.redis.encode].
    """
    settings = options(stream, maxlen=maxlen, approximate=approximate, chunk_size=chunk_size, replicas=replicas,
                       replica_timeout_ms=replica_timeout_ms, max_lag=max_lag, lag_group=lag_group,
                       lag_check_ms=lag_check_ms, lag_timeout_s=lag_timeout_s)
    check_client(client, _CLIENTS, _EXPECTED, "publish_many_async")
    redis_: Any = client
    ids: list[str] = []
    published = 0
    for chunk in chunks(envelopes, settings.chunk_size):
        _wait_for_consumers(redis_, stream, settings, published)
        added = _send(client, stream, chunk, settings)
        published += len(added)
        if return_ids:
            ids.extend(added)
    return ids if return_ids else published
