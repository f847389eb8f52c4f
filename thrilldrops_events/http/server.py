"""Serving an app with uvicorn: in the foreground (the ``serve`` command) or in a background thread (tests).

The listening socket is bound before uvicorn starts, so port ``0`` picks a free port and the real
address is known at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

__all__ = ["bind", "serve", "serve_in_thread"]

_START_TIMEOUT = 30.0  # seconds; a guard against a hang, not a speed expectation


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0``: a free port, see ``getsockname()``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, as getaddrinfo would give: asyncio sets TCP_NODELAY only on such sockets' connections,
    # and without it every answer written in two parts waits for a delayed ACK (about 40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    """The ``http://host:port`` a listening socket serves."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: Any, **options: Any) -> uvicorn.Config:
    settings: dict[str, Any] = {"log_level": "warning", "access_log": False, "lifespan": "on"}
    settings.update(options)
    return uvicorn.Config(app, **settings)


def serve(app: Any, sock: socket.socket, **options: Any) -> None:
    """Serve ``app`` on a bound socket until interrupted (``Ctrl-C`` or ``SIGTERM``); uvicorn ``options`` apply."""
    uvicorn.Server(_config(app, **options)).run(sockets=[sock])


@contextlib.contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields its base URL, stops it on exit.

    For tests and examples: the app is served for real, over a socket, by the same server as in production.

    Args:
        app: An ASGI app, such as [event_app][thrilldrops_events.http.event_app]'s.
        host: The address to listen on (loopback by default).
        port: The port (``0``: a free one).
        **options: More ``uvicorn.Config`` settings (``log_level`` is ``warning`` unless given).

    Examples:
        >>> with serve_in_thread(event_app()) as url:  # doctest: +SKIP
        ...     EventClient(url).send(envelope)
    """
    sock = bind(host, port)
    server = uvicorn.Server(_config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.005)
        yield base_url(sock)
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT)
        sock.close()
