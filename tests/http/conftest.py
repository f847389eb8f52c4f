"""Fixtures of the HTTP tests: receivers in subprocesses, and the real redis-server of the stream tests.

The redis fixtures are those of ``tests/streams`` (a redis-server per test on a free loopback port,
stopped by PID); without the binary the tests that need it skip, or fail under ``THRILLDROPS_REQUIRE_REDIS=1``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_STREAMS = Path(__file__).parent.parent / "streams"
sys.path.insert(0, str(_STREAMS))
_spec = importlib.util.spec_from_file_location("streams_conftest", _STREAMS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_streams_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_streams_conftest)
redis_factory = _streams_conftest.redis_factory
redis_server = _streams_conftest.redis_server

from http_support import ServerProcess  # noqa: E402 - after the path is set


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start receivers in subprocesses (settings as ``server_process.py`` takes them); stopped by PID at the end."""
    started: list[ServerProcess] = []

    def start(**settings: Any) -> ServerProcess:
        server = ServerProcess(settings, tmp_path / f"server-{len(started)}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
