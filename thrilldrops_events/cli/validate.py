"""``thrilldrops-events validate``: check a file of envelopes, streaming, in constant memory."""

from __future__ import annotations

import argparse
import codecs
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from thrilldrops_events._lines import is_blank, not_utf8, without_newline
from thrilldrops_events.cli._command import (
    FORMAT,
    STRICT,
    Command,
    arg,
    checked,
    fail,
    file_path,
    open_input,
    problem_lines,
    unreadable,
)
from thrilldrops_events.codecs._exact import DECODER, MAX_EVENT_BYTES
from thrilldrops_events.codecs.json import check_written_size, decode
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.events import EventPayload

_CHUNK = 1 << 16

# One item read: its line, and the payload model of a valid event or the error of an invalid one.
_Item = tuple[int, "type[EventPayload] | None", "EventValidationError | None"]


def run(args: argparse.Namespace) -> int:
    """Validate the file named by ``args.file`` and report; returns the exit code."""
    try:
        stream = open_input(args.file)
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    with stream:
        try:
            return _report(_items(stream, strict=args.strict), as_json=args.format == "json")
        except OSError as error:  # the file failed part-way (a disk, a network share): the lines before are reported
            if not unreadable(stream, error):
                raise  # the output failed
            return fail(f"cannot read {args.file}: {error.strerror}")


def _report(items: Iterator[_Item], *, as_json: bool) -> int:
    by_type: Counter[Any] = Counter()
    invalid = 0
    out = sys.stdout
    for line, event_type, error in items:
        if error is None:
            by_type[event_type] += 1  # the payload model, named by its event type below
            continue
        invalid += 1
        if as_json:
            problems = [{"path": p.path, "message": p.message, "kind": p.kind} for p in error.problems]
            more = {"omitted": error.omitted} if error.omitted else {}
            out.write(json.dumps({"line": line, "valid": False, "problems": problems, **more}) + "\n")
        else:
            out.writelines(f"{text}\n" for text in problem_lines(f"line {line}: ", error))
    by_type = Counter({model.event_type.value: count for model, count in by_type.items()})
    valid = sum(by_type.values())
    if as_json:
        out.write(json.dumps({"summary": {"valid": valid, "invalid": invalid, "by_event_type": dict(by_type)}}) + "\n")
    else:
        out.write(f"{valid + invalid} events: {valid} valid, {invalid} invalid\n")
        for name, count in sorted(by_type.items()):
            out.write(f"  {name:<26}{count:>8}\n")
    return 1 if invalid else 0


def _items(stream: IO[bytes], *, strict: bool) -> Iterator[_Item]:
    stream, array = _told_apart(stream)
    if array:
        yield from _array_items(stream, strict=strict)
    else:
        yield from _line_items(stream, strict=strict)


def _starts_an_array(head: bytes) -> bool | None:
    """Whether ``head`` starts a JSON array; ``None`` while it holds only whitespace or part of a byte order mark."""
    if codecs.BOM_UTF8.startswith(head):
        return None
    rest = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return rest[:1] == b"[" if rest else None


def _told_apart(stream: IO[bytes]) -> tuple[IO[bytes], bool]:
    """Whether the input is a JSON array (its first character past whitespace is ``[``), and what to read it from.

    Whitespace may come first, and a pipe may give it a little at a time: what is read to tell them apart (at
    most ``MAX_EVENT_BYTES``) is read again, in front of the rest of the stream.
    """
    peek = getattr(stream, "peek", None)
    array = _starts_an_array(peek(64)[:64]) if peek is not None else None
    if array is not None:
        return stream, array
    read = getattr(stream, "read1", stream.read)  # what has arrived, without waiting for a whole chunk
    head = b""
    while array is None and len(head) <= MAX_EVENT_BYTES and (chunk := read(_CHUNK)):
        head += chunk
        array = _starts_an_array(head)
    return io.BufferedReader(_Replayed(head, stream), _CHUNK), bool(array)


class _Replayed(io.RawIOBase):
    """The bytes already read from a stream, then the rest of it."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self.head = head
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.head[: len(buffer)] if self.head else self.stream.read(len(buffer))
        self.head = self.head[len(data) :]
        buffer[: len(data)] = data
        return len(data)


def _check(raw: Any, line: int, strict: bool, size: int) -> _Item:
    """An item of the array, read from ``size`` characters of text and measured as parse_event measures text."""
    try:
        envelope = decode(raw, strict=strict)
        check_written_size(envelope, size)
    except EventValidationError as error:
        return line, None, error.with_line(line)
    return line, type(envelope.payload), None


def _line_items(stream: IO[bytes], *, strict: bool) -> Iterator[_Item]:
    number = 0
    while True:
        line = stream.readline(MAX_EVENT_BYTES + 2)
        if not line:
            return
        number += 1
        if not line.endswith(b"\n") and len(line) > MAX_EVENT_BYTES:
            while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            problem = Problem("", f"line is longer than {MAX_EVENT_BYTES} bytes", "too_large")
            yield number, None, EventValidationError([problem], line=number)
            continue
        if not is_blank(line):
            try:
                if (wrong := not_utf8(line)) is not None:  # as parse_events reads NDJSON
                    raise EventValidationError([Problem("", wrong, "utf8_invalid")])
                envelope = decode(without_newline(line), strict=strict)
            except EventValidationError as error:
                yield number, None, error.with_line(number)
            else:
                yield number, type(envelope.payload), None


# Finds where an item ends without converting its numbers (used once an item's number was refused).
_SKIPPER = json.JSONDecoder(parse_float=len, parse_int=len, parse_constant=len)

# What an item over the size limit is reported as (the message of a document over it, read alone).
_TOO_LARGE = EventValidationError([Problem("", f"event is larger than {MAX_EVENT_BYTES} bytes", "too_large")])

# What an item nested too deeply to be read is reported as (the message of such a document, read alone).
_TOO_DEEP = EventValidationError([Problem("", "JSON is nested too deeply", "too_deep")])

# What the skipping of an item too large stops at: in a string, its end or an escape; elsewhere, a string
# or a bracket; after a bare number or literal, what ends it.
_STRING_STOP = re.compile(r'["\\]')
_BRACKET = re.compile(r'["\[\]{}]')
_SCALAR_END = re.compile(r"[,\]\s]")


def _utf8_size(text: str, start: int, end: int) -> int:
    """The UTF-8 size of ``text[start:end]``, encoded only when it may be over ``MAX_EVENT_BYTES``."""
    if (end - start) * 4 <= MAX_EVENT_BYTES:
        return end - start
    return len(text[start:end].encode("utf-8", "surrogatepass"))


class _ArrayReader:
    """Reads the items of a top-level JSON array one at a time from a byte stream, in chunks.

    Malformed input (a missing or doubled comma, a trailing comma, text after the array) raises
    ``ValueError`` naming its line and column in the file.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.text = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")  # a leading BOM is dropped
        self.buffer = ""
        self.position = 0
        self.dropped = 0  # characters dropped from the front of the buffer: the file offset of buffer[0]
        self.line = 1
        self.line_start = 0  # the file offset (in characters) where the current line starts
        self.eof = False
        self.read = 0  # the bytes read
        self.undecodable = ""  # once a byte is not UTF-8: what is wrong, reported when reading reaches it

    def _fill(self) -> bool:
        """Read one more chunk; ``False`` once the stream is exhausted.

        The text before a byte that is not UTF-8 is read first: the error is raised once reading reaches it.
        """
        if self.undecodable:
            raise self._malformed(self.undecodable, len(self.buffer))
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        self.eof = not chunk
        try:
            text = self.text.decode(chunk, final=self.eof)
        except UnicodeDecodeError as error:  # its bytes: those held from the chunk before, then this chunk's
            offset = self.read - (len(error.object) - len(chunk)) + error.start
            self.undecodable = f"not UTF-8 text: byte 0x{error.object[error.start]:02x} at offset {offset} of the file"
            text = bytes(error.object[: error.start]).decode("utf-8")
            text = text.removeprefix("\ufeff") if not self.read else text  # a leading byte order mark
        self.read += len(chunk)
        self.dropped += self.position
        self.buffer = self.buffer[self.position :] + text
        self.position = 0
        return True

    def _peek(self) -> str | None:
        """Skip whitespace; the next character, or ``None`` at the end of the input."""
        while True:
            buffer, position = self.buffer, self.position
            while position < len(buffer) and buffer[position] in " \t\r\n":
                if buffer[position] == "\n":
                    self.line += 1
                    self.line_start = self.dropped + position + 1
                position += 1
            self.position = position
            if position < len(buffer):
                return buffer[position]
            if not self._fill():
                return None

    def _advance(self, end: int) -> None:
        """Move past ``buffer[position:end]``, counting its lines."""
        newlines = self.buffer.count("\n", self.position, end)
        if newlines:
            self.line += newlines
            self.line_start = self.dropped + self.buffer.rfind("\n", self.position, end) + 1
        self.position = end

    def _malformed(self, message: str, position: int | None = None) -> ValueError:
        """An error naming the line and column (1-based, in characters) of ``buffer[position]``."""
        self._advance(self.position if position is None else position)
        message = message.removesuffix(" at")  # json's own messages end so ("Unterminated string starting at")
        return ValueError(f"{message} at line {self.line} column {self.dropped + self.position - self.line_start + 1}")

    def _value(self) -> tuple[Any, int]:
        """The next item and where it ends.

        An item holding a number the library refuses, or a constant that is not JSON (``NaN``, ``Infinity``),
        is that problem, as [parse_event][thrilldrops_events.parse_event] reports it; one over
        ``MAX_EVENT_BYTES`` (its UTF-8 size) is ``too_large``, one nested too deeply to be read is ``too_deep``,
        and reading goes on after it, as after such a line in NDJSON.
        """
        decoder, refused = DECODER, None
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.position <= MAX_EVENT_BYTES:
                    if self._fill():
                        continue
                    raise self._malformed(error.msg, error.pos) from None
                return _TOO_LARGE, self._skip_item()
            except OverflowError as error:  # the item may still be well-formed JSON: find its end, go on
                decoder, refused = _SKIPPER, Problem("", str(error), "number_too_large")
                continue
            except ValueError as error:  # a constant the exact decoder refuses; the same, as loads_exact says it
                decoder, refused = _SKIPPER, Problem("", f"malformed JSON: {error}", "json_invalid")
                continue
            except RecursionError:
                return _TOO_DEEP, self._skip_item()
            if not isinstance(value, (dict, list, str)) and _SCALAR_END.search(self.buffer, end) is None:
                # a bare number or literal may go on in the next chunk (``1.5`` of ``1.5e30``)
                if len(self.buffer) - self.position > MAX_EVENT_BYTES:
                    return _TOO_LARGE, self._skip_item()
                if self._fill():
                    continue
            if _utf8_size(self.buffer, self.position, end) > MAX_EVENT_BYTES:
                return _TOO_LARGE, end
            if refused is not None:
                return EventValidationError([refused]), end
            return value, end

    def _skip_item(self) -> int:
        """Where the item at the position ends, read on in chunks without keeping what it passes.

        Only strings and brackets are followed (the item is too large to be read anyway); the end of
        the input before the item closes is malformed input.
        """
        index, depth, in_string = self.position + 1, 1, False
        first = self.buffer[self.position]
        if first == '"':
            depth, in_string = 0, True
        elif first not in "[{":
            depth = -1  # a bare number or literal: it ends where a delimiter or whitespace starts
        while True:
            buffer = self.buffer
            if depth < 0:
                found = _SCALAR_END.search(buffer, index)
                if found:
                    return found.start()
            else:
                found = (_STRING_STOP if in_string else _BRACKET).search(buffer, index)
                while found:
                    char, index = found.group(), found.end()
                    if char == "\\":
                        index += 1  # the escaped character, which may be in the next chunk
                    elif char == '"':
                        in_string = not in_string
                    else:
                        depth += 1 if char in "[{" else -1
                    if depth == 0 and not in_string:
                        return index
                    found = (_STRING_STOP if in_string else _BRACKET).search(buffer, index)
            carry = max(0, index - len(buffer))
            self._advance(len(buffer))
            if not self._fill():
                raise self._malformed("the array is not closed with ]")
            index = self.position + carry

    def items(self) -> Iterator[tuple[int, Any, int]]:
        """Yield ``(line, value, characters)`` per item; raise ``ValueError`` on malformed input."""
        if self._peek() != "[":
            raise self._malformed("expected a JSON array")
        self.position += 1
        after_comma = False
        while True:
            char = self._peek()
            if char is None:
                raise self._malformed("the array is not closed with ]")
            if char == "]" and not after_comma:
                self.position += 1
                if self._peek() is not None:
                    raise self._malformed("unexpected text after the array")
                return
            if char in ",]":
                raise self._malformed("expected a value" + (" after ','" if after_comma else ""))
            line = self.line
            value, end = self._value()
            yield line, value, end - self.position
            self._advance(end)
            char = self._peek()
            if char == ",":
                self.position += 1
                after_comma = True
            elif char == "]":
                after_comma = False
            elif char is None:
                raise self._malformed("the array is not closed with ]")
            else:
                raise self._malformed("expected ',' or ']' after an item")


def _array_items(stream: IO[bytes], *, strict: bool) -> Iterator[_Item]:
    reader = _ArrayReader(stream)
    try:
        for line, value, size in reader.items():
            if isinstance(value, EventValidationError):
                yield line, None, value.with_line(line)
            else:
                yield _check(value, line, strict, size)
    except (ValueError, RecursionError) as error:
        if isinstance(error, RecursionError):
            problem = Problem("", "JSON is nested too deeply", "too_deep")
        else:
            problem = Problem("", f"malformed JSON: {error}", "json_invalid")
        yield reader.line, None, EventValidationError([problem], line=reader.line)


COMMAND = Command(
    "validate", "validate a file of envelopes (NDJSON or a JSON array)",
    """Validate envelopes from an NDJSON file or a JSON array, one by one, in constant memory. Prints every
    bad event with its line number, JSON path and message, then a summary; exits 1 if any event is invalid.""",
    run=run,
    arguments=(arg("file", **checked(file_path), help="the file to read, or - for standard input"), STRICT, FORMAT),
)
