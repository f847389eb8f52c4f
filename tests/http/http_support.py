"""Helpers of the HTTP tests: a receiver in a subprocess (stopped by PID), and sample bodies."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
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


class TricklingServer:
    """A loopback HTTP server that answers ``202`` one byte at a time, every ``pause`` seconds.

    ``part`` is ``"head"`` (the status line and headers trickle) or ``"body"`` (they come at once, the body
    trickles). No byte waits for long, so a timeout of each read never fires; the whole answer takes
    ``len(answer) * pause`` seconds (some 15 s for a trickled head, 7 s for a body), unless the client gives
    up. Stopped, and its threads joined, on exit.
    """

    BODY = b'{"status":"accepted","entry_id":"1-0","padding":"' + b"." * 20 + b'"}'

    def __init__(self, part: str, pause: float = 0.1) -> None:
        self.part, self.pause = part, pause
        self.requests = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        host, port = self._listener.getsockname()[:2]
        self.url = f"http://{host}:{port}"

    def __enter__(self) -> TricklingServer:
        self._threads[0].start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(10)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # the wait for a connection timed out, or the listener is closed
                continue
            thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_request(self, connection: socket.socket) -> bool:
        """Read one request (head, and a body of its Content-Length); ``False`` if the client went away."""
        request = b""
        while b"\r\n\r\n" not in request:
            if not (data := connection.recv(65536)):
                return False
            request += data
        head, _, body = request.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        while len(body) < length:
            if not (data := connection.recv(65536)):
                return False
            body += data
        self.requests += 1
        return True

    def _answer(self, connection: socket.socket) -> None:
        head = b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(
            self.BODY)
        with connection:
            connection.settimeout(5)
            try:
                if not self._read_request(connection):
                    return
                if self.part == "body":
                    connection.sendall(head)
                for byte in (head + self.BODY if self.part == "head" else self.BODY):
                    if self._stop.wait(self.pause):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:  # the client gave up
                return
