"""A receiver in its own process, for the tests: prints its base URL on the first line of stdout, then serves.

Usage: ``python server_process.py '<json settings>'`` with ``mode`` one of ``plain`` (a handler that
records events), ``flaky`` (the handler raises ``ConnectionError`` for its first ``failures`` calls) or
``stream`` (events go to ``stream`` on the Redis server at ``redis``). Test-only routes under ``/_test``
report what the app received: the events recorded, the handler's calls, and the body bytes the app read
and the process's peak memory (for the size-limit test).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from thrilldrops_events import Envelope
from thrilldrops_events.http import event_app
from thrilldrops_events.http.server import base_url, bind, serve


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


class BytesRead:
    """ASGI middleware counting the request body bytes the app received."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.total = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.total += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def build(settings: dict[str, Any]) -> Any:
    received: list[str] = []
    calls = [0]
    failures = int(settings.get("failures", 0))

    def handler(envelope: Envelope) -> None:
        calls[0] += 1
        if calls[0] <= failures:
            raise ConnectionError("the test store is down")
        received.append(envelope.player_id)

    mode = settings["mode"]
    options = {key: settings[key] for key in ("strict", "retry_after", "max_event_bytes") if key in settings}
    if mode == "stream":
        app = event_app(stream=settings["stream"], redis=settings["redis"], **options)
    else:
        app = event_app(handler, **options)
    counter = BytesRead(app)

    async def report(request: Request) -> JSONResponse:
        return JSONResponse({"received": received, "calls": calls[0], "bytes_read": counter.total,
                             "peak_rss_kib": _memory_kib("VmHWM"), "rss_kib": _memory_kib("VmRSS")})

    return Starlette(routes=[Route("/_test/report", report), Mount("/", counter)])


def main() -> None:
    settings = json.loads(sys.argv[1])
    sock = bind("127.0.0.1", 0)
    print(base_url(sock), flush=True)
    serve(build(settings), sock, log_level="error")


if __name__ == "__main__":
    main()
