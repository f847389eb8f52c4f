"""``thrilldrops-events validate``: check a file of envelopes, streaming, in constant memory."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES, JsonNumber
from thrilldrops_events.codecs.json import decode
from thrilldrops_events.errors import EventValidationError, Problem

_CHUNK = 1 << 16


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="validate a file of envelopes (NDJSON or a JSON array)",
        description="Validate envelopes from an NDJSON file or a JSON array, one by one, in constant memory. "
        "Prints every bad event with its line number, JSON path and message, then a summary; "
        "exits 1 if any event is invalid.",
    )
    parser.add_argument("file", help="the file to read, or - for standard input")
    parser.add_argument("--strict", action="store_true", help="refuse unknown fields and loosely typed scalars")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the file named by ``args.file`` and report; returns the exit code."""
    try:
        stream: IO[bytes] = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    except OSError as error:
        print(f"thrilldrops-events: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    with stream:
        return _report(_items(stream, strict=args.strict), as_json=args.format == "json")


def _report(items: Iterator[tuple[int, str | None, EventValidationError | None]], *, as_json: bool) -> int:
    by_type: Counter[str] = Counter()
    invalid = 0
    out = sys.stdout
    for line, event_type, error in items:
        if error is None:
            by_type[event_type or "?"] += 1
            continue
        invalid += 1
        if as_json:
            problems = [{"path": p.path, "message": p.message, "kind": p.kind} for p in error.problems]
            out.write(json.dumps({"line": line, "valid": False, "problems": problems}) + "\n")
        else:
            for problem in error.problems:
                out.write(f"line {line}: {problem}\n")
    valid = sum(by_type.values())
    if as_json:
        out.write(json.dumps({"summary": {"valid": valid, "invalid": invalid, "by_event_type": dict(by_type)}}) + "\n")
    else:
        out.write(f"{valid + invalid} events: {valid} valid, {invalid} invalid\n")
        for name, count in sorted(by_type.items()):
            out.write(f"  {name:<26}{count:>8}\n")
    return 1 if invalid else 0


def _items(stream: IO[bytes], *, strict: bool) -> Iterator[tuple[int, str | None, EventValidationError | None]]:
    first = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if first.lstrip()[:1] == b"[":
        yield from _array_items(stream, strict=strict)
    else:
        yield from _line_items(stream, strict=strict)


def _check(raw: Any, line: int, strict: bool) -> tuple[int, str | None, EventValidationError | None]:
    try:
        envelope = decode(raw, strict=strict)
    except EventValidationError as error:
        return line, None, error.with_line(line)
    return line, envelope.event_type.value, None


def _line_items(stream: IO[bytes], *, strict: bool) -> Iterator[tuple[int, str | None, EventValidationError | None]]:
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
        if line.strip():
            yield _check(line.rstrip(b"\r\n"), number, strict)


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _ArrayReader:
    """Reads the items of a top-level JSON array one at a time from a byte stream, in chunks."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = json.JSONDecoder(parse_float=JsonNumber, parse_constant=_refuse)
        self.text = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self.buffer = ""
        self.position = 0
        self.line = 1
        self.eof = False

    def _fill(self) -> bool:
        """Read one more chunk; ``False`` once the stream is exhausted."""
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        self.eof = not chunk
        self.buffer = self.buffer[self.position :] + self.text.decode(chunk, final=self.eof)
        self.position = 0
        return True

    def _skip(self, chars: str) -> bool:
        """Skip the given characters; ``False`` if the input ended."""
        while True:
            buffer, position = self.buffer, self.position
            while position < len(buffer) and buffer[position] in chars:
                self.line += buffer[position] == "\n"
                position += 1
            self.position = position
            if position < len(buffer):
                return True
            if not self._fill():
                return False

    def items(self) -> Iterator[tuple[int, Any]]:
        """Yield ``(line, value)`` per item; raise ``ValueError`` on malformed input."""
        if not self._skip(" \t\r\n") or self.buffer[self.position] != "[":
            raise ValueError("expected a JSON array")
        self.position += 1
        while self._skip(" \t\r\n,"):
            if self.buffer[self.position] == "]":
                return
            while True:
                try:
                    value, end = self.decoder.raw_decode(self.buffer, self.position)
                except json.JSONDecodeError as error:
                    if len(self.buffer) - self.position <= MAX_EVENT_BYTES and self._fill():
                        continue
                    raise ValueError(error.msg) from None
                break
            yield self.line, value
            self.line += self.buffer.count("\n", self.position, end)
            self.position = end
        raise ValueError("the array is not closed with ]")


def _array_items(stream: IO[bytes], *, strict: bool) -> Iterator[tuple[int, str | None, EventValidationError | None]]:
    reader = _ArrayReader(stream)
    try:
        for line, value in reader.items():
            yield _check(value, line, strict)
    except (ValueError, RecursionError) as error:
        reason = "JSON is nested too deeply" if isinstance(error, RecursionError) else f"malformed JSON: {error}"
        kind = "too_deep" if isinstance(error, RecursionError) else "json_invalid"
        yield reader.line, None, EventValidationError([Problem("", reason, kind)], line=reader.line)
