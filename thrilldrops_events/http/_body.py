"""Reading a request body: its media type (and no compression) checked first, its size checked while it arrives.

A body larger than the limit is refused as soon as that is known: from ``Content-Length`` before a
byte of it is read, or, for a body sent in chunks, as soon as the bytes read pass the limit. The
part already read is dropped; the server discards the rest without keeping it. A body whose next part
does not arrive within the timeout (a client that stalled, or sends a byte now and then to hold the
connection) is refused too, rather than waited for forever.
"""

from __future__ import annotations

import asyncio
import functools
import math
import weakref
from collections.abc import Awaitable, Callable, Collection
from typing import Any

import anyio
from starlette.requests import ClientDisconnect, Request

from thrilldrops_events.errors import EventValidationError, Problem

__all__ = ["BODY_TIMEOUT", "JSON_TYPES", "NDJSON_TYPES", "check_body_timeout", "check_line_count", "check_media_type",
           "read_limited"]

#: The longest wait, in seconds, for the next part of a request body, by default.
BODY_TIMEOUT = 30.0

#: Media types accepted for one JSON document (``application/*+json`` is accepted too).
JSON_TYPES = frozenset({"application/json"})
#: Media types accepted for NDJSON (JSON Lines); a plain JSON type is accepted as well.
NDJSON_TYPES = frozenset({
    "application/json",
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/jsonlines",
})


def _single(message: str, kind: str) -> EventValidationError:
    return EventValidationError([Problem("", message, kind)])


def _header(request: Request, name: bytes) -> bytes | None:
    """One request header's raw value (ASGI gives names in lower case), without building a ``Headers`` object."""
    for key, value in request.scope["headers"]:
        if key == name:
            found: bytes = value
            return found
    return None


def check_media_type(request: Request, accepted: Collection[str]) -> None:
    """Refuse a body whose ``Content-Type`` is not one of ``accepted``, or that is compressed (``415``).

    A ``Content-Encoding`` other than ``identity`` (``gzip``, ``deflate``, ``br``...) is refused rather
    than decompressed: the body is read as it comes, so its size limit is that of the bytes received.

    Raises:
        EventValidationError: With one ``unsupported_media_type`` problem.
    """
    declared = (_header(request, b"content-type") or b"").decode("latin-1")
    media_type = declared.split(";", 1)[0].strip().lower()
    if not (media_type in accepted or (media_type.startswith("application/") and media_type.endswith("+json"))):
        shown = f"{media_type!r}" if media_type else "no Content-Type"
        wanted = " or ".join(sorted(accepted))
        raise _single(f"the body must be sent as {wanted}, not {shown}", "unsupported_media_type")
    encoding = (_header(request, b"content-encoding") or b"").decode("latin-1").strip()
    if any(coding.strip().lower() not in ("", "identity") for coding in encoding.split(",")):
        raise _single(f"the body must be sent without a Content-Encoding, not {encoding!r}", "unsupported_media_type")


def _too_large(limit: int) -> EventValidationError:
    return _single(f"the body is larger than {limit} bytes", "too_large")


def _declared_too_large(declared: bytes, limit: int) -> bool:
    """Whether a ``Content-Length`` says more than ``limit`` bytes; never ``int()`` of text of unbounded length.

    It is ``1*DIGIT`` (RFC 9110), ASCII digits only, leading zeros allowed: a value of more digits
    than ``limit`` has, once they are stripped, is larger than it, however long.

    Raises:
        EventValidationError: With one ``invalid_content_length`` problem, if it is not ASCII digits.
    """
    digits = declared.strip(b" \t")
    if not (digits.isdigit() and digits.isascii()):  # bytes.isdigit() is ASCII only; said twice, for a str too
        shown = digits[:20].decode("ascii", "backslashreplace") + ("..." if len(digits) > 20 else "")
        raise _single(f"the Content-Length must be a number of bytes in ASCII digits, not {shown!r}",
                      "invalid_content_length")
    digits = digits.lstrip(b"0")
    return len(digits) > len(str(limit)) or int(digits or b"0") > limit


def check_body_timeout(body_timeout: object) -> float:
    """The ``body_timeout`` setting, checked: a finite number of seconds above 0.

    Raises:
        TypeError: If it is not a number.
        ValueError: If it is not finite and above 0.
    """
    if not isinstance(body_timeout, (int, float)) or isinstance(body_timeout, bool):
        raise TypeError(f"body_timeout must be a number of seconds, not {type(body_timeout).__name__}")
    if not 0 < body_timeout < math.inf:
        raise ValueError(f"body_timeout must be a finite number of seconds above 0, not {body_timeout!r}")
    return float(body_timeout)


class _Watch:
    """The body reads waiting on one asyncio event loop, and the one timer that times them all out.

    A timer per read (``asyncio.timeout``, an anyio cancel scope) costs from 5 to 25 µs, a fifth of
    what a whole request costs; a read here costs a dictionary entry, and the timer fires only when
    the earliest deadline of the reads then waiting is due.
    """

    def __init__(self) -> None:
        self.waiting: dict[asyncio.Task[Any], float] = {}
        self.expired: set[asyncio.Task[Any]] = set()
        self.timer: asyncio.TimerHandle | None = None
        self.next_at = math.inf

    def add(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any], deadline: float) -> None:
        self.waiting[task] = deadline
        if deadline < self.next_at:
            if self.timer is not None:
                self.timer.cancel()
            self.next_at = deadline
            self.timer = loop.call_at(deadline, functools.partial(self.sweep, loop))

    def sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel the reads past their deadline (each raises ``CancelledError`` in its ``receive``)."""
        self.timer, self.next_at = None, math.inf
        now = loop.time() + 0.001  # the loop may run a timer up to its clock's resolution early
        for task, deadline in list(self.waiting.items()):
            if deadline <= now:
                del self.waiting[task]
                self.expired.add(task)
                task.cancel()
        if self.waiting:
            self.add(loop, *min(self.waiting.items(), key=lambda item: item[1]))


_WATCHES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Watch] = weakref.WeakKeyDictionary()


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # not in asyncio (trio, through anyio)
        return None


async def _receive_within(receive: Callable[[], Awaitable[Any]], timeout: float) -> Any:
    """The next ASGI message, or ``None`` if none came within ``timeout`` seconds."""
    task = _current_task()
    if task is None:
        with anyio.move_on_after(timeout):
            return await receive()
        return None
    loop = task.get_loop()
    watch = _WATCHES.get(loop)
    if watch is None:
        watch = _WATCHES[loop] = _Watch()
    watch.add(loop, task, loop.time() + timeout)
    try:
        return await receive()
    except asyncio.CancelledError:
        if task not in watch.expired:
            raise
        watch.expired.discard(task)
        uncancel = getattr(task, "uncancel", None)  # Python 3.11 and later
        if uncancel is not None and uncancel() > 0:
            raise  # cancelled from elsewhere too (the server stopping)
        return None
    finally:
        watch.waiting.pop(task, None)
        watch.expired.discard(task)


async def read_limited(request: Request, limit: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """Read the whole body, refusing it (``413``) as soon as it is known to be larger than ``limit`` bytes.

    The body is read from the ASGI ``receive`` channel directly, so nothing else may have read it. Each
    part of it must arrive within ``timeout`` seconds of the one before (of the request's head, for
    the first), or the body is refused (``408``).

    Raises:
        EventValidationError: With one ``too_large``, ``body_timeout`` or ``invalid_content_length`` problem.
        starlette.requests.ClientDisconnect: If the client went away.
    """
    declared = _header(request, b"content-length")
    if declared is not None and _declared_too_large(declared, limit):
        raise _too_large(limit)
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await _receive_within(receive, timeout)
        if message is None:
            chunks.clear()
            raise _single(f"the body did not arrive: nothing of it for {timeout:g} seconds", "body_timeout")
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            chunks.clear()
            raise _too_large(limit)
        if not message.get("more_body", False):
            if not chunks:
                return chunk
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


def check_line_count(body: bytes, limit: int) -> None:
    """Refuse (``413``) an NDJSON body of more than ``limit`` lines, blank ones included (each newline ends one).

    Raises:
        EventValidationError: With one ``too_large`` problem.
    """
    lines = body.count(b"\n") + (not body.endswith(b"\n"))  # a last line without its "\n" counts too
    if lines > limit:
        raise _single(f"the batch holds more than {limit} lines", "too_large")
