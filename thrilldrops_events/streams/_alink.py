"""The asyncio consumer's own connection: the twin of ``_link.Link``, with every step awaited.

See ``_link`` for why a consumer talks to Redis over a connection of its own. For
``redis.asyncio.cluster.RedisCluster`` the connection comes from the node that serves the stream's slot.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from typing import Any

import redis.asyncio
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.exceptions import ResponseError

from thrilldrops_events.streams._link import take_connection
from thrilldrops_events.streams._ops import Command
from thrilldrops_events.streams._replies import temporary
from thrilldrops_events.streams._resp import pack

__all__ = ["AsyncLink"]

logger = logging.getLogger("thrilldrops_events.streams")


class AsyncLink:
    """One connection to the server (or cluster node) holding ``key``: round trips, and deferred replies."""

    def __init__(self, client: redis.asyncio.Redis | AsyncRedisCluster, key: str) -> None:
        self._client = client
        self._key = key
        self._node: Any = None  # the cluster node the connection came from, or None
        self._connection: Any = None
        self._unread = 0

    async def _open(self) -> Any:
        if self._connection is None:
            client = self._client
            if isinstance(client, AsyncRedisCluster):
                await client.initialize()  # reads the cluster's slots the first time only
                self._node = client.get_node_from_key(self._key)
                self._connection = self._node.acquire_connection()
            else:
                taken = take_connection(client.connection_pool)
                self._connection = await taken if inspect.isawaitable(taken) else taken
            self._unread = 0
        return self._connection

    async def _release(self, connection: Any) -> None:
        client = self._client
        if isinstance(client, AsyncRedisCluster):
            self._node.release(connection)
            self._node = None
        else:
            await client.connection_pool.release(connection)

    async def run(self, commands: Sequence[Command]) -> list[Any]:
        """Send ``commands``; read the replies owed to earlier ``send`` calls, then theirs (errors in place)."""
        connection = await self._open()
        try:
            if commands:
                await connection.send_packed_command([pack(commands)], check_health=False)
            replies: list[Any] = []
            for _ in range(self._unread + len(commands)):
                try:
                    replies.append(await connection.read_response(disable_decoding=True))
                except ResponseError as error:
                    replies.append(error)
        except BaseException:
            await self.reset()
            raise
        self._unread = 0
        if any(isinstance(reply, ResponseError) and temporary(reply) for reply in replies):
            await self.reset()  # the stream moved, or the cluster is failing over: find its node again
        return replies

    async def send(self, commands: Sequence[Command]) -> None:
        """Write ``commands`` now; their replies are read by the next ``run``."""
        connection = await self._open()
        try:
            await connection.send_packed_command([pack(commands)], check_health=False)
        except BaseException:
            await self.reset()
            raise
        self._unread += len(commands)

    async def reset(self) -> None:
        """Drop the connection; a cluster's map of slots is read again, since the stream may have moved."""
        connection, self._connection = self._connection, None
        self._unread = 0
        if connection is not None:
            await connection.disconnect()
            await self._release(connection)
        if isinstance(self._client, AsyncRedisCluster):
            try:
                await self._client.nodes_manager.initialize()
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
        await self._release(connection)
