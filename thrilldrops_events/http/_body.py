"""Reading a request body: its media type (and no compression) checked first, its size checked while it arrives.

A body larger than the limit is refused as soon as that is known: from ``Content-Length`` before a
byte of it is read, or, for a body sent in chunks, as soon as the bytes read pass the limit. The
part already read is dropped; the server discards the rest without keeping it.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.requests import ClientDisconnect, Request

from thrilldrops_events.errors import EventValidationError, Problem

__all__ = ["JSON_TYPES", "NDJSON_TYPES", "check_line_count", "check_media_type", "read_limited"]

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


async def read_limited(request: Request, limit: int) -> bytes:
    """Read the whole body, refusing it (``413``) as soon as it is known to be larger than ``limit`` bytes.

    The body is read from the ASGI ``receive`` channel directly, so nothing else may have read it.

    Raises:
        EventValidationError: With one ``too_large`` problem.
        starlette.requests.ClientDisconnect: If the client went away.
    """
    declared = _header(request, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
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
