"""Hostile input files for the command line's tests: one whose reading fails part-way, as a disk or a network
share may (EIO), and one whose first line is too long to hold."""

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


class _LongLine(io.RawIOBase):
    """Gives a line of ``size`` bytes, made as it is read (never held whole), then ``rest``."""

    def __init__(self, size: int, rest: bytes) -> None:
        self._left = size
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left:
            size = min(len(buffer), self._left)
            buffer[:size] = b"x" * size
            self._left -= size
            return size
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def long_line_input(size: int, lines: list[str]) -> Callable[[str], io.RawIOBase]:
    """A stand-in for ``_command._source``: a file whose first line holds ``size`` bytes, then ``lines``."""
    return lambda path: _LongLine(size, ("\n" + "\n".join(lines) + "\n").encode())
