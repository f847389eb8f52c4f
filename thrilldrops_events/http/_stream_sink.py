"""The hand-off to a Redis stream: accepted events are appended with the library's own publishing.

Imported only when the app is given a stream (so the ``http`` extra does not need redis-py). Any
Redis failure becomes a ``ConnectionError``, which the app answers with ``503`` and ``Retry-After``:
an event is acknowledged only once ``XADD`` has answered with its entry id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis.asyncio
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import parse_url
from redis.exceptions import RedisError

from thrilldrops_events._redis_urls import UNUSABLE, option_problem
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams import publish_async, publish_many_async
from thrilldrops_events.streams._publishing import options

__all__ = ["StreamSink"]

#: Events appended per pipeline round trip by a batch; a failure loses the acknowledgement of one chunk at most.
_CHUNK = 500


def _unavailable(error: Exception) -> ConnectionError:
    return ConnectionError(f"Redis is unavailable ({type(error).__name__})")


class StreamSink:
    """Append events to one stream, through a client given by the caller or made from a URL.

    Args:
        stream: The stream's key.
        client: A ``redis.asyncio.Redis`` client, or a ``redis://`` URL (the sink then owns the client).
        maxlen: Trim the stream to about this many entries (see ``publish``).
        timeout: Seconds to wait for Redis (connecting, and each command) when the sink makes the client.

    Raises:
        ValueError: A URL redis-py cannot connect to (not ``redis://``, ``rediss://`` or ``unix://``, a bad port),
            or whose query holds an option redis-py cannot use (an unknown name such as ``?foo=bar``, a socket
            timeout that is not a number of seconds above 0 and at most a day, an unknown ``encoding``).
        StreamConfigError: A client that is not an asyncio redis-py client (a blocking one, say).
    """

    def __init__(self, stream: str, client: Any, *, maxlen: int | None = None, timeout: float = 5.0) -> None:
        if not isinstance(stream, str) or not stream:
            raise ValueError("the stream name must be a non-empty string")
        options(stream, maxlen=maxlen)  # refused now, not with a 500 for every event
        if isinstance(client, str):
            try:
                parse_url(client)
            except ValueError:  # its message may quote a part of the URL, such as its password
                raise ValueError("redis= must be a redis://, rediss:// or unix:// URL that redis-py can read "
                                 "(a '/' or '#' in a password written %2F or %23)") from None
            problem = option_problem(client, redis.asyncio.ConnectionPool)
            if problem is not None:  # every event would fail with it, answered 500
                raise ValueError(f"redis=: {UNUSABLE}: {problem}")
        elif not isinstance(client, (redis.asyncio.Redis, RedisCluster)):
            kind = type(client)
            raise StreamConfigError("redis= must be a redis.asyncio.Redis or redis.asyncio.cluster.RedisCluster "
                                    f"client, or a redis:// URL, not {kind.__module__}.{kind.__qualname__}")
        self.stream = stream
        self.maxlen = maxlen
        self._url = client if isinstance(client, str) else None
        self._client: Any = None if isinstance(client, str) else client
        self._timeout = timeout

    def _redis(self) -> Any:
        if self._client is None and self._url is not None:  # made lazily, in the event loop that serves requests
            self._client = redis.asyncio.Redis.from_url(
                self._url, socket_connect_timeout=self._timeout, socket_timeout=self._timeout
            )
        return self._client

    async def put(self, envelope: Envelope) -> str:
        """Append one event and return its entry id.

        Raises:
            ConnectionError: If Redis did not store it (or did not say so).
        """
        try:
            return await publish_async(self._redis(), self.stream, envelope, maxlen=self.maxlen)
        except RedisError as error:
            raise _unavailable(error) from error

    async def put_many(self, envelopes: Sequence[Envelope]) -> tuple[list[str], ConnectionError | None]:
        """Append events in order, in chunks; return the ids of those stored and the error that stopped the rest.

        The events after the stored ones may or may not be in Redis (a pipeline is not a transaction);
        they are reported as not stored, so that they are sent again rather than lost.
        """
        ids: list[str] = []
        for start in range(0, len(envelopes), _CHUNK):
            chunk = envelopes[start : start + _CHUNK]
            try:
                ids.extend(await publish_many_async(self._redis(), self.stream, chunk, maxlen=self.maxlen))
            except RedisError as error:
                return ids, _unavailable(error)
        return ids, None

    async def ping(self) -> bool:
        """Whether Redis answers."""
        try:
            return bool(await self._redis().ping())
        except RedisError:
            return False

    async def aclose(self) -> None:
        """Close the client if the sink made it."""
        if self._url is not None and self._client is not None:
            await self._client.aclose()
            self._client = None
