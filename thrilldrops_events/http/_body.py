"""Reading a request body: its media type (and no compression) checked first, its size checked while it arrives.

A body larger than the limit is refused as soon as that is known: from ``Content-Length`` before a
byte of it is read, or, for a body sent in chunks, as soon as the bytes read pass the limit. The
part already read is dropped; the server discards the rest without keeping it. A body whose next part
does not arrive within the timeout (a client that stalled, or sends a byte now and then to hold the
connection) is refused too, rather than waited for forever.
"""

from __future__ import annotations

import math
from collections.abc import Collection

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


async def read_limited(request: Request, limit: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """Read the whole body, refusing it (``413``) as soon as it is known to be larger than ``limit`` bytes.

    The body is read from the ASGI ``receive`` channel directly, so nothing else may have read it. Each
    part of it must arrive within ``timeout`` seconds of the one before (of the request's head, for
    the first), or the body is refused (``408``).

    Raises:
        EventValidationError: With one ``too_large`` or ``body_timeout`` problem.
        starlette.requests.ClientDisconnect: If the client went away.
    """
    declared = _header(request, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        with anyio.move_on_after(timeout) as waiting:
            message = await receive()
        if waiting.cancelled_caught:
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
