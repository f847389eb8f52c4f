"""``event_app``: the ``POST /event`` receiver, a plain ASGI app built with Starlette.

Routes: ``POST /event`` (one envelope, ``202 Accepted``), ``POST /events`` (NDJSON, one result per
line), ``GET /health``, and the condition routes of ``_conditions`` (``POST /conditions/check`` and
``POST /conditions/eval``). Every error is an RFC 9457 problem details document.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from thrilldrops_events._flags import check_flag
from thrilldrops_events.codecs.json import decode as parse_event
from thrilldrops_events.codecs.json import decode_lines as parse_events
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError
from thrilldrops_events.http._body import (
    BODY_TIMEOUT,
    JSON_TYPES,
    NDJSON_TYPES,
    check_body_timeout,
    check_line_count,
    check_media_type,
    read_limited,
)
from thrilldrops_events.http._conditions import condition_routes
from thrilldrops_events.http._problem_details import (
    PROBLEM_MEDIA_TYPE,
    dumps,
    problem_document,
    problem_headers,
    validation_document,
)

__all__ = ["MAX_BATCH_BYTES", "MAX_BATCH_LINES", "MAX_EVENT_BYTES", "Handler", "event_app"]

logger = logging.getLogger("thrilldrops_events.http")

#: The largest ``POST /event`` body accepted by default, in bytes (the library's limit for one event).
MAX_EVENT_BYTES = 1 << 20
#: The largest ``POST /events`` (NDJSON) body accepted by default, in bytes.
MAX_BATCH_BYTES = 16 << 20
#: The most lines (blank ones included) of a ``POST /events`` body accepted by default: each line costs a
#: result, and a result can be larger than its line.
MAX_BATCH_LINES = 100_000

#: The handler of accepted events: a plain function or a coroutine function of the ``Envelope``.
Handler = Callable[[Envelope], Any]

_ACCEPTED = b'{"status":"accepted"}'
# The answer without a stream is always the same: made once (a Response holds nothing of a request).
_ACCEPTED_RESPONSE = Response(_ACCEPTED, 202, media_type="application/json")
_NDJSON = "application/x-ndjson"


def problem_response(document: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """A problem details response."""
    return Response(dumps(document), document["status"], problem_headers(document, headers), PROBLEM_MEDIA_TYPE)


def _as_coroutine(handler: Handler | None) -> Callable[[Envelope], Awaitable[Any]] | None:
    if handler is None:
        return None
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(type(handler).__call__):
        return handler

    async def in_thread(envelope: Envelope) -> Any:
        result = await run_in_threadpool(handler, envelope)
        if inspect.isawaitable(result):  # a plain function calling a coroutine function (a lambda, a partial...)
            return await result
        return result

    return in_thread


class _Receiver:
    """The endpoints of one app and the settings they share."""

    def __init__(self, handler: Handler | None, sink: Any, *, strict: bool, max_event_bytes: int,
                 max_batch_bytes: int, max_batch_lines: int, retry_after: int, body_timeout: float) -> None:
        self.call = _as_coroutine(handler)
        self.sink = sink
        self.strict = strict
        self.max_event_bytes = max_event_bytes
        self.max_batch_bytes = max_batch_bytes
        self.max_batch_lines = max_batch_lines
        self.body_timeout = body_timeout
        self.retry_after = {"Retry-After": str(retry_after)}

    def unavailable(self, error: BaseException) -> Response:
        detail = str(error) or "the event could not be stored; send it again later"
        return problem_response(problem_document(503, detail), self.retry_after)

    async def event(self, request: Request) -> Response:
        try:
            check_media_type(request, JSON_TYPES)
            body = await read_limited(request, self.max_event_bytes, self.body_timeout)
            envelope = parse_event(body, strict=self.strict)
        except EventValidationError as error:
            return problem_response(validation_document(error))
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            if self.call is not None:
                await self.call(envelope)
            if self.sink is None:
                return _ACCEPTED_RESPONSE
            entry_id = await self.sink.put(envelope)
        except EventValidationError as error:
            return problem_response(validation_document(error))
        except (ConnectionError, TimeoutError) as error:
            return self.unavailable(error)
        except Exception:
            logger.exception("the event handler failed")
            return problem_response(problem_document(500, "the event handler failed"))
        return Response(dumps({"status": "accepted", "entry_id": entry_id}), 202, media_type="application/json")

    async def events(self, request: Request) -> Response:
        try:
            check_media_type(request, NDJSON_TYPES)
            body = await read_limited(request, self.max_batch_bytes, self.body_timeout)
            check_line_count(body, self.max_batch_lines)
        except EventValidationError as error:
            return problem_response(validation_document(error))
        except ClientDisconnect:
            return Response(status_code=400)
        # Reading the lines is CPU work: done in a worker thread, so the loop goes on serving other requests.
        results, valid = await run_in_threadpool(self._read_lines, body)
        kept = [(result, envelope) for result, envelope in valid if await self._handle_line(result, envelope)]
        await self._store_lines(kept)
        lines = b"".join(result if isinstance(result, bytes) else dumps(result) + b"\n" for result in results)
        if all(result["status"] != "unavailable" for result, _ in valid):
            return Response(lines, 200, media_type=_NDJSON)
        return Response(lines, 503, self.retry_after, media_type=_NDJSON)

    def _read_lines(self, body: bytes) -> tuple[list[bytes | dict[str, Any]], list[tuple[dict[str, Any], Envelope]]]:
        """Each line's result in order, a rejected line's already written; and the valid lines with their results."""
        results: list[bytes | dict[str, Any]] = []
        valid: list[tuple[dict[str, Any], Envelope]] = []
        for parsed in parse_events(body, strict=self.strict):
            if parsed.error is not None:
                document = validation_document(parsed.error)
                line: dict[str, Any] = {"line": parsed.line, "status": "rejected"}
                line.update((key, document[key]) for key in ("problems", "omitted") if key in document)
                results.append(dumps(line) + b"\n")
            elif parsed.event is not None:
                result: dict[str, Any] = {"line": parsed.line}
                results.append(result)
                valid.append((result, parsed.event))
        return results, valid

    async def _handle_line(self, result: dict[str, Any], envelope: Envelope) -> bool:
        """Call the handler for one line; ``True`` if the event is accepted (and still to be stored)."""
        try:
            if self.call is not None:
                await self.call(envelope)
        except EventValidationError as error:
            result.update(status="rejected", problems=validation_document(error)["problems"])
            return False
        except (ConnectionError, TimeoutError) as error:
            result.update(status="unavailable", detail=str(error))
            return False
        except Exception:
            logger.exception("the event handler failed")
            result.update(status="error", detail="the event handler failed")
            return False
        result["status"] = "accepted"
        return True

    async def _store_lines(self, kept: list[tuple[dict[str, Any], Envelope]]) -> None:
        """Hand the accepted lines to the stream; those it did not store become ``unavailable``."""
        if self.sink is not None and kept:
            ids, error = await self.sink.put_many([envelope for _, envelope in kept])
            for (result, _), entry_id in zip(kept, ids, strict=False):  # the stored prefix
                result["entry_id"] = entry_id
            for result, _ in kept[len(ids):]:
                result.update(status="unavailable", detail=str(error))

    async def health(self, request: Request) -> Response:
        if self.sink is not None and not await self.sink.ping():
            return self.unavailable(ConnectionError("Redis is unavailable"))
        return Response(b'{"status":"ok"}', 200, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """The app's life: the stream's connection is closed when the app stops."""
        yield
        if self.sink is not None:
            await self.sink.aclose()


async def _http_problem(request: Request, error: Exception) -> Response:
    """``404``, ``405`` and the other errors Starlette raises, as problem details."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    detail = error.detail if error.detail != problem_document(error.status_code)["title"] else ""
    return problem_response(problem_document(error.status_code, detail), headers)


def _whole(name: str, value: object, lowest: int) -> int:
    """An integer setting, checked: an ``int`` (never a ``bool``) of at least ``lowest``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    if value < lowest:
        raise ValueError(f"{name} must be an integer >= {lowest}, not {value}")
    return value


def event_app(
    handler: Handler | None = None,
    *,
    stream: str | None = None,
    redis: Any = None,
    strict: bool = False,
    maxlen: int | None = None,
    max_event_bytes: int = MAX_EVENT_BYTES,
    max_batch_bytes: int = MAX_BATCH_BYTES,
    max_batch_lines: int = MAX_BATCH_LINES,
    retry_after: int = 1,
    conditions: bool = True,
    body_timeout: float = BODY_TIMEOUT,
) -> Starlette:
    """The ``POST /event`` receiver: an ASGI app (Starlette), to serve with uvicorn or mount into FastAPI.

    Each body is read exactly, like [parse_event][thrilldrops_events.parse_event], and answered with
    ``202 Accepted`` once the handler has returned and, with ``stream``, once the event is in Redis.
    Errors are RFC 9457 problem details (``application/problem+json``) listing every problem.

    Args:
        handler: Called with each accepted [Envelope][thrilldrops_events.Envelope]; a plain function
            (run in a worker thread; an awaitable it returns is awaited on the event loop) or a coroutine
            function. If it raises ``EventValidationError`` the
            answer is ``400`` with its problems; ``ConnectionError`` or ``TimeoutError`` (its own store
            is down) gives ``503`` with ``Retry-After``; anything else ``500``.
        stream: Publish accepted events to this Redis stream (extra ``redis``): ``202`` then means
            the entry is stored; if Redis fails the answer is ``503`` and nothing is acknowledged.
        redis: With ``stream``: a ``redis.asyncio.Redis`` client, or a ``redis://`` URL.
        strict: Read events in strict mode (unknown fields refused).
        maxlen: With ``stream``: trim it to about this many entries (at least 1).
        max_event_bytes: The largest ``POST /event`` body; larger ones get ``413`` before they are read.
        max_batch_bytes: The largest ``POST /events`` body.
        max_batch_lines: The most lines of a ``POST /events`` body, blank ones included; more get ``413``
            before any line is read.
        retry_after: The ``Retry-After`` seconds of a ``503``.
        conditions: Serve ``POST /conditions/check`` and ``POST /conditions/eval``.
        body_timeout: The longest wait, in seconds, for the next part of a request body (30 by default):
            a body that stops arriving is answered ``408`` rather than waited for forever.

    Returns:
        The app.

    Raises:
        TypeError: A setting of the wrong type (named in the message), or a handler that is not callable.
        ValueError: A limit below 1, a negative ``retry_after``, a ``body_timeout`` that is not a finite
            number of seconds above 0, ``stream`` without ``redis``, or a ``redis`` URL that redis-py cannot
            read or whose query holds an option it cannot use (``?foo=bar``, a ``socket_timeout`` of ``1e10``).
        StreamConfigError: A ``stream`` name or a ``maxlen`` that publishing refuses.

    Examples:
        >>> app = event_app(print)  # doctest: +SKIP
        >>> uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
    """
    receiver = _receiver(handler, stream, redis, maxlen, strict=strict, max_event_bytes=max_event_bytes,
                         max_batch_bytes=max_batch_bytes, max_batch_lines=max_batch_lines, retry_after=retry_after,
                         body_timeout=body_timeout)
    return _app(receiver, check_flag("conditions", conditions))


def _receiver(handler: Handler | None, stream: str | None, redis: Any, maxlen: int | None, *, strict: bool,
              max_event_bytes: int, max_batch_bytes: int, max_batch_lines: int, retry_after: int,
              body_timeout: float) -> _Receiver:
    """The receiver of ``event_app``'s settings, each checked (see its Raises)."""
    if handler is not None and not callable(handler):
        raise TypeError(f"handler must be a function of the Envelope, not {type(handler).__name__}")
    strict = check_flag("strict", strict)
    max_event_bytes = _whole("max_event_bytes", max_event_bytes, 1)
    max_batch_bytes = _whole("max_batch_bytes", max_batch_bytes, 1)
    max_batch_lines = _whole("max_batch_lines", max_batch_lines, 1)
    retry_after = _whole("retry_after", retry_after, 0)  # Retry-After is a whole number of seconds
    body_timeout = check_body_timeout(body_timeout)
    return _Receiver(handler, _stream_sink(stream, redis, maxlen), strict=strict,
                     max_event_bytes=max_event_bytes, max_batch_bytes=max_batch_bytes,
                     max_batch_lines=max_batch_lines, retry_after=retry_after, body_timeout=body_timeout)


def _app(receiver: _Receiver, conditions: bool) -> Starlette:
    """The app of a receiver: its routes, and with ``conditions`` the condition routes."""
    routes: list[BaseRoute] = [
        Route("/event", receiver.event, methods=["POST"]),
        Route("/events", receiver.events, methods=["POST"]),
        Route("/health", receiver.health, methods=["GET"]),
    ]
    if conditions:
        routes += condition_routes(strict=receiver.strict, max_bytes=receiver.max_batch_bytes,
                                   body_timeout=receiver.body_timeout)
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_problem}, lifespan=receiver.lifespan)
    # A path with a slash too many is no route (404 problem details), not a bare 307 redirect to the Host header's
    # address, which a sender would have to follow with its body and without the problem details of every error.
    app.router.redirect_slashes = False
    return app


def _stream_sink(stream: str | None, redis: Any, maxlen: int | None) -> Any:
    """Where accepted events are published: ``None`` without a stream."""
    if stream is None:
        return None
    if redis is None:
        raise ValueError("event_app(stream=...) needs redis=: a redis.asyncio.Redis client or a redis:// URL")
    from thrilldrops_events.http._stream_sink import StreamSink  # needs redis-py, so only when asked for

    return StreamSink(stream, redis, maxlen=maxlen)
