"""Reading the server's replies (RESP2 and RESP3) off a consumer's own connection.

The consumer reads the replies of its own connection itself instead of through redis-py's parser:
an ``XREADGROUP`` reply of a hundred entries holds some 1,600 strings, and redis-py's Python parser
reads each through several calls and a ``readline``, which costs more than validating the entry.
``ReplyReader`` is fed the bytes received and hands back whole replies, as redis-py's parser does
with ``disable_decoding=True``: bulk and simple strings as ``bytes``, integers, ``None`` for nulls,
arrays, sets and pushes as lists, maps as dicts, error replies as the exception redis-py would raise
(made by ``parse_error``), in place. Push messages (``>``) and attributes (``|``), which a consumer
never asks for, are read and dropped.

How: the bytes are split once at every ``CRLF`` into lines. Most lines are a type line or a whole
string; a string holding ``CRLF`` spans several lines, joined again until its declared length is
reached. An array of plain strings (an entry's fields) is taken in one slice, after checking every
length. The reader keeps its place between feeds, so a reply cut anywhere is finished when the rest
arrives without reading the start again; nesting is followed with a list, not by recursion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from redis.exceptions import InvalidResponse

__all__ = ["NEED_MORE", "ReplyReader"]

#: What ``ReplyReader.reply`` returns while the next reply is incomplete.
NEED_MORE: Final = object()
_DROP: Final = object()  # the value of a push message or an attribute: read, then dropped

_CRLF = b"\r\n"
_BULK, _VERBATIM, _BULK_ERROR = 36, 61, 33  # $ = !
_ARRAY, _SET, _PUSH, _MAP, _ATTRIBUTE = 42, 126, 62, 37, 124  # * ~ > % |
_INTEGER, _BIG_NUMBER, _SIMPLE, _ERROR, _NULL, _BOOLEAN, _DOUBLE = 58, 40, 43, 45, 95, 35, 44  # : ( + - _ # ,
_STRINGS = frozenset((_BULK, _VERBATIM, _BULK_ERROR))
_AGGREGATES = frozenset((_ARRAY, _SET, _PUSH, _MAP, _ATTRIBUTE))
_PAIRED = frozenset((_MAP, _ATTRIBUTE))  # aggregates of pairs
_DROPPED = frozenset((_PUSH, _ATTRIBUTE))
_NUMBERS = frozenset((_INTEGER, _BIG_NUMBER))


class ReplyReader:
    """Whole replies out of the bytes received on one connection (see the module docs).

    Args:
        parse_error: Turns an error reply's text into the exception redis-py would raise for it.
    """

    __slots__ = ("_lines", "_next", "_parse_error", "_stack")

    def __init__(self, parse_error: Callable[[str], BaseException]) -> None:
        self._parse_error = parse_error
        self._lines: list[bytes] = [b""]  # the last one is not ended by CRLF yet
        self._next = 0  # the first line not read yet
        self._stack: list[list[Any]] = []  # the aggregates being read: [items, elements still missing, kind]

    def feed(self, data: bytes) -> None:
        """Add bytes received from the server."""
        lines = self._lines
        if _CRLF not in data and not (data[:1] == b"\n" and lines[-1][-1:] == b"\r"):
            lines[-1] += data
            return
        tail = (lines[-1] + data).split(_CRLF)
        if self._next:
            del lines[:self._next]
            self._next = 0
        lines[-1:] = tail

    @property
    def idle(self) -> bool:
        """Whether every byte fed so far belongs to a reply already handed back."""
        return not self._stack and self._next == len(self._lines) - 1 and not self._lines[-1]

    def reply(self) -> Any:
        """The next whole reply, or ``NEED_MORE`` until its bytes have all been fed.

        Raises:
            InvalidResponse: If the bytes are not RESP (the connection must then be dropped).
        """
        lines = self._lines
        ended = len(lines) - 1  # lines[ended] has no CRLF after it yet
        index = self._next
        stack = self._stack
        while True:
            if index >= ended:
                self._next = index
                return NEED_MORE
            line = lines[index]
            if not line:
                raise InvalidResponse("Protocol error: an empty type line")
            kind = line[0]
            if kind in _STRINGS:
                read = self._string(kind, line, index, ended)
                if read is None:
                    self._next = index
                    return NEED_MORE
                value, index = read
            elif kind in _AGGREGATES:
                size = _number(line)
                index += 1
                if size < 0:
                    value = None
                elif kind == _ARRAY and index + 2 * size <= ended and _plain_strings(lines, index, size):
                    value = lines[index + 1:index + 2 * size:2]  # an entry's fields: checked, taken in one slice
                    index += 2 * size
                elif size == 0:
                    value = {} if kind == _MAP else _DROP if kind in _DROPPED else []
                else:
                    stack.append([[], size * 2 if kind in _PAIRED else size, kind])
                    continue
            else:
                value = self._line(kind, line)
                index += 1
            while stack:  # the element ends an aggregate, or several
                frame = stack[-1]
                if value is _DROP:  # an attribute is not an element of its aggregate
                    break
                frame[0].append(value)
                frame[1] -= 1
                if frame[1]:
                    break
                stack.pop()
                value = _whole(frame[0], frame[2])
            else:
                if value is not _DROP:
                    self._next = index
                    return value

    def _string(self, kind: int, line: bytes, index: int, ended: int) -> tuple[Any, int] | None:
        """The string whose type line is at ``index`` and the index after it, or ``None`` if it is incomplete."""
        size = _number(line)
        if size < 0:
            return None, index + 1
        lines = self._lines
        last = index + 1
        if last >= ended:
            return None
        value = lines[last]
        while len(value) < size and last + 1 < ended:  # the string holds CRLF: join its lines again
            last += 1
            value += _CRLF + lines[last]
        if len(value) != size:
            if len(value) > size:
                raise InvalidResponse("Protocol error: a string is longer than its declared length")
            return None
        if kind == _VERBATIM:
            return value[4:], last + 1  # the three-letter format and its colon, as redis-py drops them
        if kind == _BULK_ERROR:
            return self._parse_error(value.decode("utf-8", "replace")), last + 1
        return value, last + 1

    def _line(self, kind: int, line: bytes) -> Any:
        """The value of a reply that fits on its type line."""
        if kind in _NUMBERS:
            return _number(line)
        if kind == _SIMPLE:
            return line[1:]
        if kind == _ERROR:
            return self._parse_error(line[1:].decode("utf-8", "replace"))
        if kind == _NULL:
            return None
        if kind == _BOOLEAN:
            return line[1:] == b"t"
        if kind == _DOUBLE:
            try:
                return float(line[1:])
            except ValueError:
                raise InvalidResponse("Protocol error: a double is not a number") from None
        raise InvalidResponse(f"Protocol error: unknown reply type {bytes([kind])!r}")


def _number(line: bytes) -> int:
    try:
        return int(line[1:])
    except ValueError:
        raise InvalidResponse("Protocol error: a length or an integer is not a number") from None


def _plain_strings(lines: list[bytes], index: int, size: int) -> bool:
    """Whether the ``2 * size`` lines from ``index`` are ``size`` strings, each one line of its declared length.

    No line holds ``CRLF``, so the lines joined by ``CRLF`` equal the expected ones joined alike only if each
    does.
    """
    if lines[index + 2 * size - 2][:1] != b"$":  # an aggregate among the elements: read them one by one
        return False
    lengths = tuple(map(len, lines[index + 1:index + 2 * size:2]))
    return _CRLF.join(lines[index:index + 2 * size:2]) == _CRLF.join([b"$%d"] * size) % lengths


def _whole(items: list[Any], kind: int) -> Any:
    """An aggregate whose elements are all read: a list, a dict for a map, or dropped (a push, an attribute)."""
    if kind == _MAP:
        pairs = iter(items)
        try:
            return dict(zip(pairs, pairs))  # noqa: B905 - pairs from one iterator
        except TypeError:
            raise InvalidResponse("Protocol error: a map's key is an aggregate") from None
    if kind in _DROPPED:
        return _DROP
    return items
