"""Runs fuzz inputs in a long-lived worker process, with a watchdog that reports a hang with its input.

The worker measures each input itself; one slower than ``slow_ms`` is a failure (a defect, not a speed
target). If no answer comes for ``hang_seconds``, the worker is killed and restarted after that input,
which is reported as a hang.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .cases import condition_case, event_case

WORKER = Path(__file__).with_name("worker.py")


@dataclass(frozen=True)
class Failure:
    """One input that broke a property: its number, what broke, and the input itself."""

    index: int
    problem: str
    input: str


def _describe(kind: str, seed: int, index: int) -> str:
    case = event_case(seed, index) if kind == "event" else condition_case(seed, index)
    return repr(case)[:2000]


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        self.pending = ""

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read_line(self, timeout: float) -> str | None:
        """The next line of output, or ``None`` if none came within ``timeout`` seconds."""
        assert self.process.stdout is not None
        stream = self.process.stdout.fileno()
        while "\n" not in self.pending:
            ready, _, _ = select.select([stream], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(stream, 65536).decode()
            if not chunk:
                return None
            self.pending += chunk
        line, self.pending = self.pending.split("\n", 1)
        return line

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


def run(kind: str, seed: int, count: int, *, batch: int = 2_000, slow_ms: float = 100.0,
        hang_seconds: float = 20.0) -> list[Failure]:
    """Check inputs ``0 .. count - 1`` of ``kind`` (``event`` or ``condition``) and return the failures."""
    failures: list[Failure] = []
    worker = _Worker()
    start = 0
    try:
        while start < count:
            stop = min(start + batch, count)
            worker.send(f"{kind} {seed} {start} {stop}")
            expected = start
            while expected < stop:
                line = worker.read_line(hang_seconds)
                if line is None:  # a hang (or a crash): report the input and go on after it
                    failures.append(Failure(expected, f"no answer within {hang_seconds} s (hang or crash)",
                                            _describe(kind, seed, expected)))
                    worker.kill()
                    worker = _Worker()
                    expected += 1
                    if expected < stop:
                        worker.send(f"{kind} {seed} {expected} {stop}")
                    continue
                index_text, milliseconds, problem = line.split("\t", 2)
                index = int(index_text)
                if problem:
                    failures.append(Failure(index, problem, _describe(kind, seed, index)))
                elif float(milliseconds) > slow_ms:
                    failures.append(Failure(index, f"took {float(milliseconds):.1f} ms (over {slow_ms} ms)",
                                            _describe(kind, seed, index)))
                expected = index + 1
            if expected == stop and worker.read_line(hang_seconds) != "done":
                worker.kill()
                worker = _Worker()
            start = stop
    finally:
        worker.kill()
    return failures
