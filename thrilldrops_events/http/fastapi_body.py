"""FastAPI routes that read an envelope exactly: ``Annotated[Envelope, EventBody()]``.

A FastAPI body parameter typed ``Envelope`` would be read by FastAPI's own JSON parsing, which turns
``25.10`` into a float (refused here as ``money_float``) and answers ``422`` in its own format.
``EventBody()`` reads the raw body instead, with the same reader as
[event_app][thrilldrops_events.http.event_app]: size limit, media type, exact money, lenient or strict.
[add_problem_handlers][thrilldrops_events.http.fastapi_body.add_problem_handlers] makes its errors
(and any ``EventValidationError`` a route raises) RFC 9457 problem details: ``400``, ``413`` or ``415``.

Needs FastAPI (``pip install fastapi``), which the ``http`` extra does not install.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

try:
    from fastapi import Depends, FastAPI
except ImportError as _error:  # pragma: no cover - exercised in a subprocess without FastAPI
    raise ImportError(
        "thrilldrops_events.http.fastapi_body needs FastAPI: pip install 'thrilldrops-events[http]' fastapi"
    ) from _error
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from thrilldrops_events._flags import check_flag
from thrilldrops_events.codecs.json import decode as parse_event
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError
from thrilldrops_events.http._body import BODY_TIMEOUT, JSON_TYPES, check_body_timeout, check_media_type, read_limited
from thrilldrops_events.http._problem_details import validation_document
from thrilldrops_events.http.app import MAX_EVENT_BYTES, problem_response
from thrilldrops_events.http.app import _whole as whole

__all__ = ["EventBody", "add_problem_handlers"]


def EventBody(*, strict: bool = False, max_bytes: int = MAX_EVENT_BYTES, body_timeout: float = BODY_TIMEOUT) -> Any:
    """Mark a route parameter as the request body read exactly as one envelope.

    Use it as ``event: Annotated[Envelope, EventBody()]``. It is a FastAPI dependency: it reads the
    raw body, so the route declares no other body parameter.

    Args:
        strict: Read in strict mode (unknown fields refused).
        max_bytes: The largest body; a larger one is refused before it is read.
        body_timeout: The longest wait, in seconds, for the next part of the body; then ``408``.

    Raises:
        EventValidationError: For a body that is not a valid envelope (``400``), too large (``413``),
            not JSON (``415``) or too slow to arrive (``408``): answered as problem details once
            [add_problem_handlers][thrilldrops_events.http.fastapi_body.add_problem_handlers] is installed.
        TypeError: When the route is declared: ``max_bytes`` is not an ``int``, ``strict`` not a bool, or
            ``body_timeout`` not a number.
        ValueError: When the route is declared: ``max_bytes`` below 1, or a ``body_timeout`` that is not a
            finite number of seconds above 0.

    Examples:
        >>> @app.post("/event", status_code=202)  # doctest: +SKIP
        ... async def receive(event: Annotated[Envelope, EventBody()]) -> dict[str, str]:
        ...     return {"status": "accepted"}
    """
    strict = check_flag("strict", strict)
    max_bytes = whole("max_bytes", max_bytes, 1)  # checked now: at each request it would be a 500
    timeout = check_body_timeout(body_timeout)

    async def read_event(request: Request) -> Envelope:
        check_media_type(request, JSON_TYPES)
        return parse_event(await read_limited(request, max_bytes, timeout), strict=strict)

    return Depends(read_event)


async def _problem_details(request: Request, error: Exception) -> Response:
    assert isinstance(error, EventValidationError)
    return problem_response(validation_document(error))


async def _gone(request: Request, error: Exception) -> Response:
    return Response(status_code=400)  # nobody reads it: the client went away


def add_problem_handlers(app: FastAPI) -> None:
    """Answer every ``EventValidationError`` raised while handling a request with RFC 9457 problem details.

    The status is ``413`` for a body that is too large, ``415`` for one that is not JSON, and ``400``
    otherwise; every problem is listed with its JSON path, kind and message. A client that goes away
    before its whole body arrived (``ClientDisconnect``) is answered ``400`` without a body, as
    [event_app][thrilldrops_events.http.event_app] does, rather than reaching the server as an error
    of the application (which it logs with a traceback).
    """
    handler: Callable[[Request, Exception], Awaitable[Response]] = _problem_details
    app.add_exception_handler(EventValidationError, handler)
    app.add_exception_handler(ClientDisconnect, _gone)
