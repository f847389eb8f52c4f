"""Exact JSON reading: numbers with a fraction or exponent become ``Decimal``, never ``float``."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from thrilldrops_events._problems import single

__all__ = ["MAX_DEPTH", "MAX_EVENT_BYTES", "JsonNumber", "needs_exact_route", "loads_exact"]

#: The largest event document read, in bytes (or characters for ``str`` input).
MAX_EVENT_BYTES = 1 << 20
#: The deepest nesting of arrays and objects read in an event document.
MAX_DEPTH = 64


class JsonNumber(Decimal):
    """A JSON number with a fraction or exponent, read exactly from an unknown field.

    It is a ``Decimal`` that remembers it was a JSON number, so it is written back as one.
    """

    __slots__ = ()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_exact(raw: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text exactly, or raise ``EventValidationError`` (``json_invalid``, ``too_large``, ``too_deep``)."""
    if isinstance(raw, memoryview):
        raw = raw.tobytes()
    if len(raw) > MAX_EVENT_BYTES:
        raise single("", f"event is larger than {MAX_EVENT_BYTES} bytes", "too_large")
    try:
        value = json.loads(raw, parse_float=JsonNumber, parse_constant=_refuse_constant)
    except RecursionError:
        raise single("", "JSON is nested too deeply", "too_deep") from None
    except json.JSONDecodeError as error:
        raise single("", f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}",
                     "json_invalid") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise single("", f"malformed JSON: {error}", "json_invalid") from None
    if _too_deep(value):
        raise single("", f"JSON is nested more than {MAX_DEPTH} levels deep", "too_deep")
    return value


def _too_deep(value: object) -> bool:
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def needs_exact_route(value: object, depth: int) -> bool:
    """Whether natively parsed data holds a ``float`` or nests too deeply (bounded walk, no recursion).

    Args:
        value: Data the native JSON route produced (unknown fields).
        depth: How deep ``value`` sits in its document (the root object is at depth 0).
    """
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        kind = type(item)
        if kind is float:
            return True
        if kind is dict or kind is list:
            if level >= MAX_DEPTH:
                return True
            children: Any = item.values() if kind is dict else item  # type: ignore[attr-defined]
            stack.extend((child, level + 1) for child in children)
    return False
