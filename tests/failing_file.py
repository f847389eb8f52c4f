"""A file whose reading fails part-way, as a disk or a network share may (EIO), for the command line's tests."""

from __future__ import annotations

import errno
import io
from collections.abc import Callable
from typing import Any


class _FailingFile(io.RawIOBase):
    """Gives ``data``, then fails every read with EIO."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._data:
            raise OSError(errno.EIO, "Input/output error")
        size = min(len(buffer), len(self._data))
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


def failing_input(lines: list[str]) -> Callable[[str], io.RawIOBase]:
    """A stand-in for what the command line opens its input with (``_command._source``): a file of ``lines``
    whose reading then fails."""
    return lambda path: _FailingFile(("\n".join(lines) + "\n").encode())
