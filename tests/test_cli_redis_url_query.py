"""The query of a Redis URL given to the command line: a password there is never shown.

redis-py reads every parameter of the query as an option of the connection, a ``password`` (or an
``ssl_password``) among them, as it reads the one written before the host (``redis://:secret@host``).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys

import pytest

from thrilldrops_events.cli import main
from thrilldrops_events.cli._urls import redacted

SECRET = "s3cret-never-shown"


@pytest.mark.parametrize(("url", "shown"), [
    (f"redis://127.0.0.1:1/0?password={SECRET}", "redis://127.0.0.1:1/0?password=***"),
    (f"redis://127.0.0.1:1/0?db=0&password={SECRET}&protocol=3", "redis://127.0.0.1:1/0?db=0&password=***&protocol=3"),
    (f"redis://127.0.0.1:1/0?pass%77ord={SECRET}", "redis://127.0.0.1:1/0?pass%77ord=***"),
    (f"rediss://127.0.0.1:1/0?ssl_password={SECRET}#x", "rediss://127.0.0.1:1/0?ssl_password=***#x"),
    (f"redis://user:{SECRET}@127.0.0.1:1/0?password={SECRET}", "redis://***@127.0.0.1:1/0?password=***"),
    ("redis://127.0.0.1:1/0?db=1&username=bob", "redis://127.0.0.1:1/0?db=1&username=bob"),
])
def test_a_password_in_the_query_is_redacted(url: str, shown: str) -> None:
    assert redacted(url) == shown


@pytest.mark.parametrize("action", [["info", "events"], ["trim", "events", "--maxlen", "5"]])
def test_a_redis_error_does_not_show_the_password_of_the_query(action: list[str],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["streams", *action, "--url", f"redis://127.0.0.1:1/0?password={SECRET}"]) == 1
    err = capsys.readouterr().err
    assert SECRET not in err
    assert err.startswith("thrilldrops-events streams: Redis error at redis://127.0.0.1:1/0?password=***: ")


def test_serve_does_not_show_the_password_of_the_query() -> None:
    pytest.importorskip("uvicorn")
    argv = [sys.executable, "-m", "thrilldrops_events", "serve", "--port", "0", "--log-level", "warning",
            "--stream", "events", "--redis", f"redis://127.0.0.1:1/0?password={SECRET}"]
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stderr, selectors.EVENT_READ)
            assert selector.select(timeout=30), "serve printed nothing"
        first_line = process.stderr.readline().decode()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stderr.close()
    assert "serving http://127.0.0.1:" in first_line
    assert SECRET not in first_line and "at redis://127.0.0.1:1/0?password=***" in first_line
