"""The asyncio consumer's own connection: the twin of ``_link.Link``, with every step awaited.

See ``_link`` for why a consumer talks to Redis over a connection of its own. For
``redis.asyncio.cluster.RedisCluster`` the connection comes from the node that serves the stream's slot.

Cancelling the task that runs the consumer must end it at once, on every Python. redis-py's reads
and writes wrap themselves in timeouts (``asyncio.wait_for``, ``async_timeout``) that, on Python 3.10
and 3.11, can swallow a cancellation that arrives at the wrong moment, leaving the consumer running.
So the link writes to and reads from the connection's stream itself (a plain ``read`` and ``drain``,
which a cancellation always interrupts, and ``asyncio.wait`` for the socket timeout), and the few
calls into redis-py it still makes (opening, connecting, dropping a connection) run in a task of
their own that the consumer's task only waits for, through ``asyncio.shield``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import redis.asyncio
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from thrilldrops_events.streams._link import RECEIVE_SIZE, take_connection
from thrilldrops_events.streams._ops import Command
from thrilldrops_events.streams._reader import NEED_MORE, ReplyReader
from thrilldrops_events.streams._replies import temporary
from thrilldrops_events.streams._resp import pack

__all__ = ["AsyncLink", "guarded"]

logger = logging.getLogger("thrilldrops_events.streams")

T = TypeVar("T")


def _settle(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so that asyncio does not log it as never retrieved


async def guarded(work: Awaitable[T]) -> T:
    """Await ``work`` in a task of its own: a cancellation of the caller then always reaches the caller.

    If the caller is cancelled, ``work`` goes on to its end in the background.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        task.add_done_callback(_settle)
        raise


class AsyncLink:
    """One connection to the server (or cluster node) holding ``key``: round trips, and deferred replies."""

    def __init__(self, client: redis.asyncio.Redis | AsyncRedisCluster, key: str) -> None:
        self._client = client
        self._key = key
        self._node: Any = None  # the cluster node the connection came from, or None
        self._connection: Any = None
        self._reader: ReplyReader | None = None
        self._unread = 0

    async def _open(self) -> Any:
        if self._connection is None:
            client = self._client
            if isinstance(client, AsyncRedisCluster):
                await guarded(client.initialize())  # reads the cluster's slots the first time only
                self._node = client.get_node_from_key(self._key)
                self._connection = self._node.acquire_connection()
            else:
                taken = take_connection(client.connection_pool)
                self._connection = await guarded(taken) if inspect.isawaitable(taken) else taken
            connection = self._connection
            try:
                if not connection.is_connected:
                    await guarded(connection.connect())
            except BaseException as error:
                await self.reset(find_node=not isinstance(error, asyncio.CancelledError))
                raise
            self._reader = ReplyReader(connection._parser.parse_error)
            self._unread = 0
        return self._connection

    async def _release(self, connection: Any) -> None:
        client = self._client
        if isinstance(client, AsyncRedisCluster):
            self._node.release(connection)
            self._node = None
        else:
            await guarded(client.connection_pool.release(connection))

    async def _receive(self, connection: Any) -> bytes:
        """The next bytes the server sent, within the connection's socket timeout (if it has one)."""
        stream: asyncio.StreamReader = connection._reader
        timeout = connection.socket_timeout
        try:
            if timeout is None:
                data = await stream.read(RECEIVE_SIZE)
            else:
                reading = asyncio.ensure_future(stream.read(RECEIVE_SIZE))
                try:
                    done, _ = await asyncio.wait({reading}, timeout=timeout)
                except BaseException:
                    reading.cancel()
                    raise
                if not done:
                    reading.cancel()
                    raise RedisTimeoutError(f"Timeout reading from the server of {self._key!r}")
                data = reading.result()
        except OSError as error:
            raise RedisConnectionError(f"Error while reading from the server of {self._key!r}: {error}") from None
        if not data:
            raise RedisConnectionError(f"Connection closed by the server of {self._key!r}")
        return data

    async def _write(self, connection: Any, commands: Sequence[Command]) -> None:
        writer: asyncio.StreamWriter = connection._writer
        try:
            writer.write(pack(commands))
            await writer.drain()
        except OSError as error:
            raise RedisConnectionError(f"Error while writing to the server of {self._key!r}: {error}") from None

    async def run(self, commands: Sequence[Command]) -> list[Any]:
        """Send ``commands``; read the replies owed to earlier ``send`` calls, then theirs (errors in place)."""
        connection = await self._open()
        reader = self._reader
        assert reader is not None
        try:
            if commands:
                await self._write(connection, commands)
            replies: list[Any] = []
            while len(replies) < self._unread + len(commands):
                reply = reader.reply()
                if reply is NEED_MORE:
                    reader.feed(await self._receive(connection))
                else:
                    replies.append(reply)
        except BaseException as error:
            await self.reset(find_node=not isinstance(error, asyncio.CancelledError))
            raise
        self._unread = 0
        if any(isinstance(reply, RedisError) and temporary(reply) for reply in replies):
            await self.reset()  # the stream moved, or the cluster is failing over: find its node again
        return replies

    async def send(self, commands: Sequence[Command]) -> None:
        """Write ``commands`` now; their replies are read by the next ``run``."""
        connection = await self._open()
        try:
            await self._write(connection, commands)
        except BaseException as error:
            await self.reset(find_node=not isinstance(error, asyncio.CancelledError))
            raise
        self._unread += len(commands)

    async def reset(self, *, find_node: bool = True) -> None:
        """Drop the connection; with ``find_node``, read a cluster's map of slots again (the stream may have moved)."""
        connection, self._connection = self._connection, None
        self._reader = None
        self._unread = 0
        if connection is not None:
            await guarded(connection.disconnect())
            await self._release(connection)
        if find_node and isinstance(self._client, AsyncRedisCluster):
            try:
                await guarded(self._client.nodes_manager.initialize())
            except Exception as error:  # the cluster may still be failing over; the next command tries again
                logger.debug("could not read the cluster's slots yet: %s", error)

    async def close(self) -> None:
        """Read what is still owed and give the connection back to its pool."""
        if self._connection is None:
            return
        if self._unread:
            try:
                await self.run(())
            except Exception:
                return  # run() has dropped the connection
        connection, self._connection = self._connection, None
        self._reader = None
        await self._release(connection)
