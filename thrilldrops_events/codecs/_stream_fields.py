"""The field map of a Redis stream entry read as plain text: each name by its characters or its UTF-8 bytes.

A key of a ``str`` or ``bytes`` subclass names the field its text names, whatever its hash, ``__eq__`` or
``decode`` say; two keys of the same text are a problem (``duplicate_key``, or ``duplicate_field`` for one
given as bytes and one as str).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events._text import SHOWN_NAME, shown
from thrilldrops_events.errors import Problem

__all__ = ["entry_size", "read_fields"]

_BYTES_ONLY = frozenset({bytes})
_STR_ONLY = frozenset({str})


def _plain_bytes(value: bytes | bytearray | memoryview) -> bytes:
    """The bytes ``value`` holds, read by its base class (a subclass may override ``decode`` or ``__bytes__``)."""
    if isinstance(value, bytes):
        return bytes.__getitem__(value, slice(None))
    if isinstance(value, bytearray):
        return bytes(bytearray.__getitem__(value, slice(None)))
    return value.tobytes()  # memoryview cannot be subclassed


def _as_text(value: object, path: str, problems: list[Problem]) -> str | None:
    """``value`` as a plain ``str`` of its characters, or ``None`` with a problem added."""
    if isinstance(value, str):
        return str.__str__(value)  # its characters, whatever a subclass overrides
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return _plain_bytes(value).decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(path, f"is not valid UTF-8 (byte 0x{error.object[error.start]:02x} at offset "
                                          f"{error.start})", "utf8_invalid"))
            return None
    problems.append(Problem(path, f"must be text (str or UTF-8 bytes), not {type(value).__name__}", "field_type"))
    return None


def read_fields(fields: Mapping[Any, Any], problems: list[Problem], broken: set[str]) -> dict[str, str]:
    """The entry's fields as plain text, each name read by its characters (never by its hash or ``__eq__``)."""
    if type(fields) is dict:
        if _BYTES_ONLY.issuperset(map(type, fields)) and _BYTES_ONLY.issuperset(map(type, fields.values())):
            try:  # the common case, redis-py's default: bytes keys and values, all UTF-8
                return {key.decode(): value.decode() for key, value in fields.items()}
            except UnicodeDecodeError:
                pass
        elif _STR_ONLY.issuperset(map(type, fields)) and _STR_ONLY.issuperset(map(type, fields.values())):
            return dict(fields)  # decode_responses=True
    text: dict[str, str] = {}
    given_as: dict[str, bool] = {}  # each name read, and whether it was given as str
    for key, value in fields.items():
        if isinstance(key, (str, bytes, bytearray, memoryview)):
            where = shown(str.__str__(key)) if isinstance(key, str) else \
                shown(_plain_bytes(key)[:SHOWN_NAME + 1].decode("utf-8", "backslashreplace"))
            name = _as_text(key, where, problems)
        else:
            problems.append(Problem("", f"field names must be text (str or UTF-8 bytes), not {type(key).__name__}",
                                    "field_type"))
            name = None
        if name is None:
            continue
        if name in given_as:
            if given_as[name] != isinstance(key, str):
                problems.append(Problem(shown(name), "field appears twice (as bytes and as str)", "duplicate_field"))
            else:
                problems.append(Problem(shown(name), "field given twice (two keys hold the same text)",
                                        "duplicate_key"))
            continue
        given_as[name] = isinstance(key, str)
        item = _as_text(value, shown(name), problems)
        if item is None:
            broken.add(name)
        else:
            text[name] = item
    return text


def _size(item: object, budget: int) -> int:
    """The UTF-8 size of a text or bytes ``item`` (0 for anything else), exact up to ``budget``."""
    if isinstance(item, (bytes, bytearray)):
        return len(item)
    if isinstance(item, memoryview):
        return item.nbytes
    if isinstance(item, str):
        size = str.__len__(item)
        if size > budget or str.isascii(item):
            return size
        return len(str.encode(item, "utf-8", "surrogatepass"))  # a lone surrogate counts as its three bytes
    return 0


def entry_size(fields: Mapping[Any, Any], limit: int) -> int:
    """How many bytes the field names and values of an entry hold (text by its UTF-8 size), exact up to ``limit``.

    Counted before anything is decoded, and only until it passes ``limit``, so that an entry with a field of
    many megabytes is refused unread.
    """
    total = 0
    for key, value in fields.items():
        total += _size(key, limit - total)
        total += _size(value, limit - total)
        if total > limit:
            break
    return total
