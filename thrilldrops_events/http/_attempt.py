"""One attempt of a client: post the body and read the answer, bounded in time and in size.

Time. httpx's ``timeout`` bounds each phase apart (connecting, each write, each read), so a server that
trickles its answer a byte at a time never trips it. ``attempt_timeout`` bounds the attempt as a whole,
from connecting to the answer's last byte; an attempt that overruns it is given up, and counts as a
timeout (retried):

* awaited, the attempt runs under [asyncio.wait_for][], which cancels it at the deadline;
* blocking, httpx's socket calls cannot be interrupted from another thread, so each one is given at most
  the time left: the client's own transport connects through ``_DeadlineBackend``, whose streams cut the
  timeout of every connect, read and write to the time left before the deadline of the attempt under way
  (a context variable, set by [post][thrilldrops_events.http._attempt.post] around the attempt, in the
  thread that makes it). With a transport of the caller's, only the reading of the body is bounded
  (the deadline is checked between its chunks).

Size. The answer's body is read up to [MAX_ANSWER_BYTES][thrilldrops_events.http._attempt.MAX_ANSWER_BYTES]
(after decompression); a longer one, or one whose ``Content-Encoding`` cannot be decoded, is dropped unread
and the answer is taken as its status alone (a body that cannot be read holds no problems to report).
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from thrilldrops_events.errors import ClientClosedError

__all__ = ["MAX_ANSWER_BYTES", "apost", "check_open", "deadline_transport", "post"]

#: The most bytes of an answer's body read (decompressed); a receiver's answers are a few hundred bytes.
MAX_ANSWER_BYTES = 1 << 20

Reply = httpx.Response | httpx.TransportError

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("thrilldrops_attempt_deadline",
                                                                        default=None)


def _left(timeout: float | None, late: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` cut to the time left before the attempt's deadline; ``late`` raised if none is left."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise late("the attempt's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the deadline of the attempt under way."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, its connections ending by the deadline of the attempt under way."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, left, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def deadline_transport(**options: Any) -> httpx.HTTPTransport:
    """``httpx.HTTPTransport(**options)``, connecting through ``_DeadlineBackend``.

    httpx takes no network backend, so the one of its connection pool (an httpcore ``ConnectionPool``,
    which does) is wrapped in place; were it not found (another httpx), only the body would be bounded.
    """
    transport = httpx.HTTPTransport(**options)
    pool: Any = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):  # so in httpx 0.27 and 0.28; the trickle tests watch it
        pool._network_backend = _DeadlineBackend(backend)
    return transport


def _overdue(limit: float | None, request: httpx.Request) -> httpx.TimeoutException:
    return httpx.TimeoutException(f"no complete answer within attempt_timeout ({limit or 0:g} s)", request=request)


def _answer(response: httpx.Response, body: bytes | None) -> httpx.Response:
    """``response`` read (``body``; ``None``: dropped), as an answer without a stream."""
    skipped = (b"content-encoding", b"content-length", b"transfer-encoding")
    headers = [(name, value) for name, value in response.headers.raw if name.lower() not in skipped]
    extensions = {"reason_phrase": response.extensions["reason_phrase"]} if "reason_phrase" in response.extensions \
        else {}
    return httpx.Response(response.status_code, headers=headers, content=body or b"", request=response.request,
                          extensions=extensions)


def _collect(chunks: Iterator[bytes], deadline: float | None) -> bytes | None:
    """The body of ``chunks``, or ``None`` if it is too long; ``ReadTimeout`` if the deadline passes meanwhile."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return None
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the attempt's deadline has passed")
    return bytes(body)


def post(http: httpx.Client, request: httpx.Request, limit: float | None, client: str) -> Reply:
    """Send ``request`` once, within ``limit`` seconds: the answer, or the error that stood in for one.

    Raises:
        ClientClosedError: ``http`` is closed (``client`` names the client for the message).
    """
    deadline = None if limit is None else time.monotonic() + limit
    token = _DEADLINE.set(deadline)
    try:
        response = _send(http, request, client)
        try:
            body = _collect(response.iter_bytes(), deadline)
        except httpx.DecodingError:
            body = None
        finally:
            response.close()
    except httpx.TransportError as error:
        if deadline is not None and time.monotonic() >= deadline:
            return _overdue(limit, request)
        return error
    finally:
        _DEADLINE.reset(token)
    return _answer(response, body)


def check_open(http: httpx.Client | httpx.AsyncClient, client: str) -> None:
    """Raise ``ClientClosedError`` (naming ``client``) if ``http`` is closed."""
    if http.is_closed:
        raise ClientClosedError(client)


def _send(http: httpx.Client, request: httpx.Request, client: str) -> httpx.Response:
    check_open(http, client)
    try:
        return http.send(request, stream=True)
    except RuntimeError as error:  # httpx's own, for a client closed meanwhile
        if http.is_closed:
            raise ClientClosedError(client) from error
        raise


async def _acollect(chunks: AsyncIterator[bytes]) -> bytes | None:
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            return None
    return bytes(body)


async def _apost(http: httpx.AsyncClient, request: httpx.Request, client: str) -> Reply:
    check_open(http, client)
    try:
        response = await http.send(request, stream=True)
    except RuntimeError as error:  # httpx's own, for a client closed meanwhile
        if http.is_closed:
            raise ClientClosedError(client) from error
        raise
    except httpx.TransportError as error:
        return error
    try:
        body = await _acollect(response.aiter_bytes())
    except httpx.DecodingError:
        body = None
    except httpx.TransportError as error:
        return error
    finally:
        await response.aclose()
    return _answer(response, body)


async def apost(http: httpx.AsyncClient, request: httpx.Request, limit: float | None, client: str) -> Reply:
    """[post][thrilldrops_events.http._attempt.post], awaited: the attempt is cancelled at its deadline."""
    try:
        return await asyncio.wait_for(_apost(http, request, client), limit)
    except asyncio.TimeoutError:
        return _overdue(limit, request)
