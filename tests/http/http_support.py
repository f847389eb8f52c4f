"""Helpers of the HTTP tests: a receiver in a subprocess (stopped by PID), and sample bodies."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
EXAMPLES = HERE.parent.parent / "examples"
_START_DEADLINE = 30.0  # seconds; a guard against a hang, not a speed check


class ServerProcess:
    """``server_process.py`` running in a subprocess; ``url`` is its base URL."""

    def __init__(self, settings: dict[str, Any], log: Path) -> None:
        self.log = log
        with log.open("wb") as log_file:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, str(HERE / "server_process.py"), json.dumps(settings)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_file,
            )
        self.url = self._read_url()
        self._wait_healthy()

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=_START_DEADLINE):
                self.stop()
                raise RuntimeError(f"the test server printed no URL:\n{self.log.read_text()[-2000:]}")
        line = self.process.stdout.readline().decode().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the test server did not start:\n{self.log.read_text()[-2000:]}")
        return line

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + _START_DEADLINE
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/_test/report", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the test server does not answer")

    def report(self) -> dict[str, Any]:
        document: dict[str, Any] = httpx.get(self.url + "/_test/report", timeout=10).json()
        return document

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def invalid_examples() -> list[bytes]:
    """The lines of ``examples/invalid-events.ndjson``, each one an invalid envelope."""
    return [line for line in (EXAMPLES / "invalid-events.ndjson").read_bytes().splitlines() if line.strip()]


def problems_of(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(path, kind, message) of each problem of a problem details document."""
    return [(p["path"], p["kind"], p["message"]) for p in document.get("problems", [])]
