"""``thrilldrops-events streams`` given a Redis URL whose query holds an option redis-py cannot use.

redis-py reads every parameter of a URL's query as an option of the connection, and finds out that one
cannot be used only when it connects: an unknown name (a typo, ``?timout=5``) is a ``TypeError``, a
socket timeout out of range a ``ValueError`` or an ``OverflowError``, an unknown encoding a
``LookupError``. Each is a usage error (one line, exit code 2), not a traceback.
"""

from __future__ import annotations

import socket

import pytest
from streams_support import RedisServer

from thrilldrops_events.cli import main

pytestmark = pytest.mark.redis

# Options that fail as the connection is made, whether a server listens or not.
WITHOUT_A_SERVER = ["foo=bar", "timeout=5", "socket_connect_timeout=-5", "socket_keepalive_options=x"]
# Options that fail once the server answers.
WITH_A_SERVER = [*WITHOUT_A_SERVER, "socket_timeout=-1", "socket_timeout=nan", "socket_timeout=1e10",
                 "encoding=nope", "socket_read_size=-1"]
ACTIONS = (["info", "events"], ["replay-dead-letters", "events", "--dry-run"], ["trim", "events", "--maxlen", "5"])


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str], query: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert not captured.out
    assert captured.err.startswith("thrilldrops-events streams: redis-py cannot use an option of the query of the "
                                   "Redis URL"), captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert query.partition("=")[0] in captured.err or "Error" in captured.err


@pytest.mark.parametrize("action", ACTIONS, ids=" ".join)
@pytest.mark.parametrize("query", WITH_A_SERVER)
def test_an_option_redis_py_cannot_use_is_a_usage_error(redis_server: RedisServer, action: list[str], query: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://127.0.0.1:{redis_server.port}/0?{query}"
    _usage_error(capsys, ["streams", *action, "--url", url], query)


@pytest.mark.parametrize("query", WITHOUT_A_SERVER)
def test_the_same_without_a_server(unused_port: int, query: str, capsys: pytest.CaptureFixture[str]) -> None:
    _usage_error(capsys, ["streams", "info", "events", "--url", f"redis://127.0.0.1:{unused_port}/0?{query}"], query)


def test_options_redis_py_can_use_still_work(redis_server: RedisServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://127.0.0.1:{redis_server.port}/0?socket_timeout=5&socket_connect_timeout=5&client_name=admin"
    assert main(["streams", "info", "events", "--url", url]) == 0
    assert capsys.readouterr().out.startswith("stream events: 0 entries")


def test_an_account_that_may_not_ping_still_works(redis_server: RedisServer,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import redis

    with redis.Redis(host="127.0.0.1", port=redis_server.port) as admin:
        admin.execute_command("ACL", "SETUSER", "operator", "on", ">pw", "~*", "+@all", "-ping")
    assert main(["streams", "info", "events", "--url", f"redis://operator:pw@127.0.0.1:{redis_server.port}/0"]) == 0
    assert capsys.readouterr().out.startswith("stream events: 0 entries")


def test_a_server_that_cannot_be_reached_is_still_a_redis_error(unused_port: int,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["streams", "info", "events", "--url", f"redis://127.0.0.1:{unused_port}/0?socket_timeout=5"]) == 1
    assert capsys.readouterr().err.startswith(f"thrilldrops-events streams: Redis error at redis://127.0.0.1:"
                                              f"{unused_port}/0?socket_timeout=5: ")
