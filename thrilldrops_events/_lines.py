r"""How NDJSON is cut into lines, the same everywhere the package reads it.

A line ends at ``"\n"`` only. A ``"\r"`` before it belongs to the line (it is JSON whitespace), and
U+2028, U+2029, U+0085 and a bare ``"\r"`` never end a line: the first three may stand raw inside JSON
strings, the last is whitespace between tokens. Text and bytes are cut alike, so line numbers count
``"\n"`` characters and are the same for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["is_blank", "split_lines", "without_newline"]

# A line holding only these is blank (skipped, still counted): ASCII whitespace, for text as for bytes.
_BLANK = " \t\n\r\x0b\x0c"
_BLANK_BYTES = _BLANK.encode()


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
