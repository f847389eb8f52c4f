"""``thrilldrops-events streams`` given a Redis URL whose host no socket can encode: a usage error, no traceback.

The socket encodes a host name with Python's ``idna`` codec, which refuses a label (between dots) that is
empty or longer than 63 characters, and characters no host name holds (a byte that was not UTF-8 on the
command line arrives as a lone surrogate). redis-py raised its ``UnicodeError`` at the first command.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events.cli import main

MESSAGE = "of the Redis URL is not a valid host name"
ACTIONS = (["info", "events"], ["replay-dead-letters", "events", "--dry-run"], ["trim", "events", "--maxlen", "5"])


@settings(max_examples=20)
@given(st.sampled_from(ACTIONS), st.text(st.sampled_from("abc"), min_size=64, max_size=200),
       st.sampled_from(["{}", "{}.com", "x.{}", "{}.y.z"]), st.booleans())
def test_a_host_with_a_long_label_is_a_usage_error(action: list[str], label: str, shape: str, cluster: bool) -> None:
    url = f"redis://{shape.format(label)}:6379/0"
    assert main(["streams", *action, "--url", url, *(["--cluster"] if cluster else [])]) == 2


@pytest.mark.parametrize("url", ["redis://a..b:6379/0", "redis://.x/0", "rediss://" + "a" * 64 + "/0"])
def test_an_empty_or_long_label_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["streams", "info", "events", "--url", url]) == 2
    err = capsys.readouterr().err
    assert MESSAGE in err and "Traceback" not in err


def test_the_same_for_redis_url_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://a..b/0")
    assert main(["streams", "info", "events"]) == 2
    assert MESSAGE in capsys.readouterr().err


def test_a_host_of_bytes_that_are_not_utf8_is_a_usage_error() -> None:
    argv = [os.fsencode(sys.executable), b"-m", b"thrilldrops_events", b"streams", b"info", b"events", b"--url",
            b"redis://\xff/0"]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert done.returncode == 2
    assert MESSAGE.encode() in done.stderr
    assert b"Traceback" not in done.stderr
