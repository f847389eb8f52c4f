"""A real redis-server per test, on a free loopback port in a temporary directory, stopped by its PID afterwards.

Without the ``redis-server`` binary the stream tests skip, saying how to install it, unless
``THRILLDROPS_REQUIRE_REDIS=1`` is set (``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streams_support import RedisServer, redis_binary


@pytest.fixture
def redis_factory(tmp_path: Path) -> Iterator[Callable[..., RedisServer]]:
    """Start redis-servers (``appendonly=True`` for AOF persistence, ``extra`` options); all stopped by PID."""
    binary = redis_binary()
    servers: list[RedisServer] = []

    def start(*, appendonly: bool = False, extra: tuple[str, ...] = ()) -> RedisServer:
        directory = tmp_path / f"redis-{len(servers)}"
        directory.mkdir()
        server = RedisServer(binary, directory, appendonly, extra=extra)
        servers.append(server)
        for attempt in range(3):  # the free port may be taken between probing and binding
            try:
                server.start()
                break
            except RuntimeError:
                server.stop()
                server.port = 0
                if attempt == 2:
                    raise
        return server

    yield start
    for server in servers:
        for made in server.clients:
            made.close()
        server.stop()


@pytest.fixture
def redis_server(redis_factory: Callable[..., RedisServer]) -> RedisServer:
    """A fresh redis-server without persistence."""
    return redis_factory()
