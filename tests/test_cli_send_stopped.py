"""``thrilldrops-events send`` stopped part-way by something other than its file: one line, never a traceback.

``send_many`` stops (``SendInterruptedError``) when no thread can be started for the next request (a
``--concurrency`` the machine cannot give), or when ``on_result`` fails: here, writing the progress to a
terminal that went away.
"""

from __future__ import annotations

import errno
import io
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from thrilldrops_events.cli import main

EXAMPLES = Path(__file__).parents[1] / "examples"
pytest.importorskip("httpx")


def test_a_thread_that_cannot_be_started_stops_the_sending_in_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    submit = ThreadPoolExecutor.submit
    submitted = 0

    def at_most_two(self: ThreadPoolExecutor, *args: Any, **kwargs: Any) -> Any:
        nonlocal submitted
        submitted += 1
        if submitted > 2:
            raise RuntimeError("can't start new thread")
        return submit(self, *args, **kwargs)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", at_most_two)
    argv = ["send", str(EXAMPLES / "events.ndjson"), "--url", "http://127.0.0.1:1", "--retries", "0"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == ("thrilldrops-events: sending stopped after 2 events: RuntimeError: can't start new "
                            "thread; the events after them were not sent\n")
    out = captured.out.splitlines()
    assert [line.split(":")[0] for line in out[:2]] == ["line 1", "line 2"]
    assert out[-1] == "2 events: 0 accepted, 0 rejected (0 invalid, not sent), 2 failed"


class _GoneTerminal(io.StringIO):
    """A terminal that went away: every write fails."""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EIO, "Input/output error")


def test_a_progress_display_that_cannot_be_written_is_a_failure_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _GoneTerminal())
    argv = ["send", str(EXAMPLES / "events.ndjson"), "--url", "http://127.0.0.1:1", "--retries", "0"]
    assert main(argv) == 2
