"""The consumer's own connection (blocking redis-py): round trips, and writes whose replies are read later.

A consumer sends every command on one connection of its own, taken from the client's pool (for a
``RedisCluster``, the pool of the node that serves the stream's hash slot). It does not go through
the client's command methods, so redis-py's own retries never hide an outage from it: every one is
seen, counted and recovered from by the consumer. Replies are read undecoded, whatever the client's
``decode_responses``, and by the consumer's own reader (``_reader``), straight off the socket: redis-py
writes the commands and makes the connection, but never reads from it while the consumer holds it.

``Link`` has an asyncio twin, ``_alink.AsyncLink``: the same steps, awaited.
"""

from __future__ import annotations

import inspect
import logging
import socket
from collections.abc import Sequence
from typing import Any

import redis
from redis.cluster import RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._ops import Command
from thrilldrops_events.streams._reader import NEED_MORE, ReplyReader
from thrilldrops_events.streams._replies import temporary
from thrilldrops_events.streams._resp import pack

__all__ = ["RECEIVE_SIZE", "Link", "check_client", "take_connection"]

logger = logging.getLogger("thrilldrops_events.streams")

#: How many bytes one read from the socket asks for.
RECEIVE_SIZE = 1 << 16


def _wants_command_name(get_connection: Any) -> bool:
    """redis-py before 5.3 requires ``get_connection(command_name)``; later versions warn if it is given."""
    parameters = list(inspect.signature(get_connection).parameters.values())
    return bool(parameters) and parameters[0].default is inspect.Parameter.empty and parameters[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def check_client(client: object, kinds: tuple[type, ...], expected: str, twin: str) -> None:
    """Refuse a client that is not one of ``kinds`` (``expected`` names them), pointing an asyncio one at ``twin``.

    Raises:
        StreamConfigError: If ``client`` is of another kind, such as the other flavour of redis-py client.
    """
    if isinstance(client, kinds):
        return
    kind = type(client)
    hint = (f"; for an asyncio client, use {twin}" if kind.__module__.startswith("redis.asyncio") else
            f"; for a blocking client, use {twin}" if kind.__module__.startswith("redis.") else "")
    raise StreamConfigError(f"client must be {expected}, not {kind.__module__}.{kind.__qualname__}{hint}")


def take_connection(pool: Any) -> Any:
    """A connection from a redis-py pool, whatever the version's signature of ``get_connection``."""
    return pool.get_connection("XREADGROUP") if _wants_command_name(pool.get_connection) else pool.get_connection()


class Link:
    """One connection to the server (or cluster node) holding ``key``: round trips, and deferred replies."""

    def __init__(self, client: redis.Redis | RedisCluster, key: str) -> None:
        self._client = client
        self._key = key
        self._pool: Any = None
        self._connection: Any = None
        self._socket: socket.socket | None = None
        self._reader: ReplyReader | None = None
        self._unread = 0  # commands written by send() whose replies are not read yet

    def _open(self) -> Any:
        if self._connection is None:
            client = self._client
            if isinstance(client, RedisCluster):
                node: Any = getattr(client, "get_node_from_key")(self._key)  # noqa: B009 - untyped in redis-py
                client = client.get_redis_connection(node)
            self._pool = client.connection_pool
            self._connection = connection = take_connection(self._pool)
            if connection._sock is None:
                connection.connect()
            self._socket = connection._sock
            self._reader = ReplyReader(connection._parser.parse_error)
            self._unread = 0
        return self._connection

    def _read(self, count: int) -> list[Any]:
        """The next ``count`` replies, received on the connection's socket and read by the own reader."""
        reader, sock = self._reader, self._socket
        assert reader is not None
        assert sock is not None
        replies: list[Any] = []
        while len(replies) < count:
            reply = reader.reply()
            if reply is not NEED_MORE:
                replies.append(reply)
                continue
            try:
                data = sock.recv(RECEIVE_SIZE)
            except TimeoutError:
                raise RedisTimeoutError(f"Timeout reading from the server of {self._key!r}") from None
            except OSError as error:
                raise RedisConnectionError(f"Error while reading from the server of {self._key!r}: {error}") from None
            if not data:
                raise RedisConnectionError(f"Connection closed by the server of {self._key!r}")
            reader.feed(data)
        return replies

    def run(self, commands: Sequence[Command]) -> list[Any]:
        """Send ``commands``; read the replies still owed to earlier ``send`` calls, then theirs.

        Returns:
            Every reply read, in order (earlier writes first); an error reply is a ``ResponseError`` in place.
        """
        connection = self._open()
        try:
            if commands:
                connection.send_packed_command([pack(commands)], check_health=False)
            replies = self._read(self._unread + len(commands))
        except BaseException:
            self.reset()
            raise
        self._unread = 0
        if any(isinstance(reply, RedisError) and temporary(reply) for reply in replies):
            self.reset()  # the stream moved, or the cluster is failing over: find its node again
        return replies

    def send(self, commands: Sequence[Command]) -> None:
        """Write ``commands`` now; their replies are read by the next ``run``."""
        connection = self._open()
        try:
            connection.send_packed_command([pack(commands)], check_health=False)
        except BaseException:
            self.reset()
            raise
        self._unread += len(commands)

    def reset(self) -> None:
        """Drop the connection; a cluster's map of slots is read again, since the stream may have moved."""
        connection, self._connection = self._connection, None
        self._socket, self._reader = None, None
        self._unread = 0
        if connection is not None:
            connection.disconnect()
            self._pool.release(connection)
        if isinstance(self._client, RedisCluster):
            try:
                self._client.nodes_manager.initialize()
            except Exception as error:  # the cluster may still be failing over; the next command tries again
                logger.debug("could not read the cluster's slots yet: %s", error)

    def close(self) -> None:
        """Read what is still owed and give the connection back to its pool."""
        if self._connection is None:
            return
        if self._unread:
            try:
                self.run(())
            except Exception:
                return  # run() has dropped the connection
        self._pool.release(self._connection)
        self._connection = self._socket = self._reader = None
