"""Exact JSON reading: numbers with a fraction or exponent become ``Decimal``, never ``float``."""

from __future__ import annotations

import json
from typing import Any

from thrilldrops_events._numbers import JsonNumber, read_float, read_int
from thrilldrops_events._problems import single
from thrilldrops_events._unknown import MAX_DEPTH, check_unknown_fields

__all__ = [
    "DECODER",
    "MAX_DEPTH",
    "MAX_EVENT_BYTES",
    "MEASURED_ABOVE",
    "JsonNumber",
    "adopt_unknown_fields",
    "document_too_large",
    "loads_exact",
]

#: The largest event document read, in bytes: the size of its UTF-8 form for ``str`` input. An event read from
#: text is also at most this size as ``to_json`` writes it (see ``MEASURED_ABOVE``).
MAX_EVENT_BYTES = 1 << 20

#: The size of text (bytes, or characters of a ``str``) above which the readers measure the event they read as
#: ``to_json`` writes it. Writing may make an event longer than its text: the ``null`` of each nullable field
#: left out, money read as a number quoted and in ``Decimal``'s own form (``1e19`` becomes twenty digits),
#: the numbers of unknown fields in that form (``0e-6`` becomes ``0.000000``), UTF-8 where the text was
#: UTF-16, the JSON escapes of control characters a stream field holds raw (six bytes for one). None of that
#: writes more than six bytes for a byte (or a character) read, beside the few hundred that the fields of an
#: event may add: text of at most this size is written in well under ``MAX_EVENT_BYTES``, and only larger
#: text, which the exact route reads anyway, is measured.
MEASURED_ABOVE = 1 << 16


def document_too_large(raw: bytes | bytearray | str, limit: int = MAX_EVENT_BYTES) -> bool:
    """Whether ``raw`` is over ``limit`` bytes, text counted by its UTF-8 size (encoded only if it may be)."""
    size = len(raw)
    if size > limit:
        return True
    if not isinstance(raw, str) or size * 4 <= limit or raw.isascii():
        return False
    # A lone surrogate has no UTF-8 form: it counts as its three bytes, and keeps its own error below the limit.
    return len(raw.encode("utf-8", "surrogatepass")) > limit


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: The exact JSON decoder: fractional numbers become ``Decimal`` in the library's own context, and every
#: number is bounded (``MAX_NUMBER_DIGITS``) before it is converted.
DECODER = json.JSONDecoder(parse_float=read_float, parse_int=read_int, parse_constant=_refuse_constant)


def loads_exact(raw: bytes | bytearray | memoryview | str, limit: int = MAX_EVENT_BYTES) -> Any:
    """Parse JSON text exactly, or raise ``EventValidationError`` (``json_invalid``, ``too_large``, ``too_deep``).

    Numbers with a fraction or exponent become ``Decimal``; a number with more than 100 digits or an
    exponent no ``Decimal`` holds is refused (``number_too_large``). A document over ``limit`` bytes
    (``MAX_EVENT_BYTES`` unless told) is refused unread (``too_large``), text measured by its UTF-8 size.
    Bytes must be UTF-8 (or another encoding JSON allows), without encoded surrogates. A leading byte order
    mark is ignored, in bytes and text alike. The nesting of unknown fields is bounded later, by
    ``adopt_unknown_fields``, since known fields have a fixed shape.
    """
    if isinstance(raw, memoryview):
        raw = raw.tobytes()
    if document_too_large(raw, limit):
        raise single("", f"event is larger than {limit} bytes", "too_large")
    try:
        if not isinstance(raw, str):
            raw = raw.decode(json.detect_encoding(raw))  # a leading byte order mark is dropped
        elif raw.startswith("\ufeff"):
            raw = raw[1:]  # as from the bytes it was decoded from
        return DECODER.decode(raw)
    except RecursionError:
        raise single("", "JSON is nested too deeply", "too_deep") from None
    except json.JSONDecodeError as error:
        raise single("", f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}",
                     "json_invalid") from None
    except OverflowError as error:
        raise single("", str(error), "number_too_large") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise single("", f"malformed JSON: {error}", "json_invalid") from None


def adopt_unknown_fields(extra: dict[str, Any], depth: int, path: str, *, mark: bool) -> None:
    """Check unknown fields (see ``thrilldrops_events._unknown``); with ``mark``, make their numbers JSON numbers.

    With ``mark``, each ``Decimal`` becomes a ``JsonNumber``, which is written back as a JSON number.

    Args:
        extra: The unknown fields of one object.
        depth: How deep that object sits in its document (the root object is at depth 0).
        path: The object's JSON path, for the error.
        mark: Whether the data comes from the exact reader: its numbers are marked in place (never a
            caller's objects), and the checks for Python values are skipped.

    Raises:
        EventValidationError: If an unknown field could not be written back, or they nest deeper than
            ``MAX_DEPTH``.
    """
    check_unknown_fields(extra, depth, path, number_type=JsonNumber if mark else None, python=not mark)
