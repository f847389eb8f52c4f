r"""How NDJSON is cut into lines, the same everywhere the package reads it.

A line ends at ``"\n"`` only. A ``"\r"`` before it belongs to the line (it is JSON whitespace), and
U+2028, U+2029, U+0085 and a bare ``"\r"`` never end a line: the first three may stand raw inside JSON
strings, the last is whitespace between tokens. Text and bytes are cut alike, so line numbers count
``"\n"`` characters and are the same for both.

A line given as bytes must be UTF-8 (a UTF-8 byte order mark may start it): NDJSON has no other encoding.
A line in UTF-16 or UTF-32 is told apart by its NUL bytes (no JSON text holds one raw) or its byte order
mark, and named so (``not_utf8``; the readers report it as ``utf8_invalid``), rather than read as whatever
JSON's own detection of encodings makes of the piece of it between two ``0x0A`` bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["is_blank", "not_utf8", "split_lines", "without_newline"]

# A line holding only these is blank (skipped, still counted): ASCII whitespace, for text as for bytes.
_BLANK = " \t\n\r\x0b\x0c"
_BLANK_BYTES = _BLANK.encode()
# The byte order marks of UTF-16 (either order) and so of UTF-32 little-endian; UTF-32 big-endian starts with NULs.
_WIDE_MARKS = (b"\xff\xfe", b"\xfe\xff")


def split_lines(data: str | bytes | bytearray) -> Iterator[str | bytes | bytearray]:
    r"""The lines of ``data``, lazily, without their ``"\n"``; nothing after a final ``"\n"``."""
    newline: Any = "\n" if isinstance(data, str) else b"\n"  # str.find takes str, bytes.find bytes
    start, size = 0, len(data)
    while start < size:
        end = data.find(newline, start)
        if end < 0:
            yield data[start:]
            return
        yield data[start:end]
        start = end + 1


def without_newline(line: Any) -> Any:
    r"""A line as an iterable of lines gives it (a file's, say) without its final ``"\n"``, as ``split_lines`` cuts."""
    if isinstance(line, str):
        return line[:-1] if line.endswith("\n") else line
    if isinstance(line, (bytes, bytearray)) and line.endswith(b"\n"):
        return line[:-1]
    return line


def is_blank(line: str | bytes | bytearray) -> bool:
    """Whether ``line`` holds only ASCII whitespace (or nothing)."""
    return not (line.strip(_BLANK) if isinstance(line, str) else line.strip(_BLANK_BYTES))


def not_utf8(line: bytes | bytearray | memoryview) -> str | None:
    """Why a line given as bytes is not UTF-8 text, in words (``None`` if it is).

    A NUL byte or a UTF-16 byte order mark says UTF-16 or UTF-32; other bytes that are not UTF-8 are named
    by the first of them and its offset in the line.
    """
    if isinstance(line, memoryview):
        line = line.tobytes()
    if line.isascii() and b"\x00" not in line:
        return None
    if b"\x00" in line or line.startswith(_WIDE_MARKS):
        return "not UTF-8 text: it looks like UTF-16 or UTF-32 (NDJSON must be UTF-8)"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        where = f"byte 0x{line[error.start]:02x} at offset {error.start} of the line"
        return f"not UTF-8 text: {where} (NDJSON must be UTF-8)"
    return None
