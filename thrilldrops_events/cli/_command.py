"""What the command modules share: how a command is declared, and the options, input and failures alike.

Each command module declares its command as a ``Command`` (name, help, description, arguments, actions)
next to the code that runs it; the package registers them all in one place. Also here: the options
several commands take (``--strict``, ``--format``), the input file (or standard input), and a usage
failure reported the same way by every command.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import io
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from thrilldrops_events._settings import concurrency_problem, seconds_problem
from thrilldrops_events.errors import EventRejectedError, EventValidationError

#: What runs a command: the parsed arguments in, the process exit code out.
Handler = Callable[[argparse.Namespace], int]
#: How much of the input is read at once.
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Arg:
    """One argument of a command: the names and keywords that ``ArgumentParser.add_argument`` takes."""

    names: tuple[str, ...]
    options: Mapping[str, Any]

    def add_to(self, parser: argparse._ActionsContainer) -> None:
        """Declare the argument on ``parser``."""
        parser.add_argument(*self.names, **self.options)


def arg(*names: str, **options: Any) -> Arg:
    """An argument, declared as ``ArgumentParser.add_argument`` would be called."""
    return Arg(names, options)


@dataclass(frozen=True)
class OneOf:
    """Arguments of which exactly one must be given."""

    arguments: tuple[Arg, ...]

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Declare the arguments on ``parser``, as a required group of alternatives."""
        group = parser.add_mutually_exclusive_group(required=True)
        for argument in self.arguments:
            argument.add_to(group)


@dataclass(frozen=True)
class Command:
    """A command: its name, help line and description, what runs it, and its arguments.

    A group of actions has no ``run``; one of its ``actions`` must be chosen, and its name is kept
    in ``dest``. A description is prose: ``--help`` fills it to the terminal's width.
    """

    name: str
    help: str
    description: str
    run: Handler | None = None
    arguments: tuple[Arg | OneOf, ...] = ()
    actions: tuple[Command, ...] = ()
    dest: str = ""
    metavar: str = "ACTION"
    #: Whether the command writes what it finds on standard output (then a closed one is a failure to write).
    prints: bool = True

    def register(self, subparsers: Any) -> None:
        """Add the command (and its actions) to the ``subparsers`` of the parser above it."""
        parser: argparse.ArgumentParser = subparsers.add_parser(self.name, help=self.help,
                                                                description=self.description)
        if self.run is not None:
            parser.set_defaults(handler=self.run, prints=self.prints)
        for argument in self.arguments:
            argument.add_to(parser)
        if self.actions:
            actions = parser.add_subparsers(dest=self.dest, required=True, metavar=self.metavar)
            for action in self.actions:
                action.register(actions)


#: ``--strict``: refuse unknown fields.
STRICT = arg("--strict", action="store_true", help="refuse unknown fields (in the envelope and in payloads)")

#: ``--format text|json``.
FORMAT = arg("--format", choices=["text", "json"], default="text", help="output format (default: text)")


#: What checks an option's value: ``None`` if it is good, else what is wrong (``--timeout <problem>``).
Check = Callable[[Any], "str | None"]


class _Checked(argparse.Action):
    """Stores an option's value once ``check`` finds nothing wrong with it (read as UTF-8 first, with ``utf8``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, *, check: Check | None, utf8: bool,
                 **options: Any) -> None:
        super().__init__(option_strings, dest, **options)
        self.check = check
        self.utf8 = utf8

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        name = option_string or str(self.metavar or self.dest)
        if self.utf8:
            try:
                values = utf8_argument(values, name)
            except ValueError as error:
                parser.exit(2, f"thrilldrops-events: {error}\n")
        problem = None if self.check is None else self.check(values)
        if problem is not None:
            parser.exit(2, f"thrilldrops-events: {name} {problem}\n")
        setattr(namespace, self.dest, values)


def checked(check: Check | None = None, *, utf8: bool = False) -> dict[str, Any]:
    """The keywords of ``arg`` for an option whose value ``check`` checks as it is parsed.

    With ``utf8``, the value is text (a key, a URL, a name; never a file's path) read as the UTF-8 it is
    written in, whatever the locale (see ``utf8_argument``), before it is checked. A bad value is a usage
    error: one line on standard error, exit code 2, as ``fail`` reports it.
    """
    return {"action": _Checked, "check": check, "utf8": utf8}


def seconds(value: float) -> str | None:
    """A duration: a number of seconds above 0, at most a day (``MAX_SECONDS``, which the HTTP clients share)."""
    return seconds_problem(value)


def port(value: int) -> str | None:
    """A TCP port, 0 to 65535 (0 picks a free one)."""
    return None if 0 <= value <= 65535 else f"must be a port from 0 to 65535, not {value}"


def in_flight(value: int) -> str | None:
    """A count of requests at once: 1 to ``MAX_CONCURRENCY`` (1000), the bound of ``send_many``."""
    return concurrency_problem(value)


def host(text: str) -> str | None:
    """An address to listen on: not empty (an unset shell variable would mean every interface)."""
    return None if text else f"must name an address (0.0.0.0 for every interface), not {text!r}"


def file_path(text: str) -> str | None:
    """A file's path: no NUL character, which no path holds (``open`` would raise ``ValueError``)."""
    return f"must not hold a NUL character: {text!r}" if "\0" in text else None


def directory(text: str) -> str | None:
    """A directory's path: not empty (an unset shell variable would mean the current directory), no NUL."""
    return file_path(text) if text else f"must name a directory, not {text!r}"


def http_url(text: str) -> str | None:
    """An ``http://`` or ``https://`` URL with a host (and, if it has one, a valid port), no control characters."""
    try:
        if any(char < " " or char == "\x7f" for char in text):
            raise ValueError("it holds a control character")
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        after_host = parts.netloc.rpartition("@")[2].rpartition("]")[2]  # what follows an IPv6 address
        if "]" in parts.netloc and after_host and not re.fullmatch(r":[0-9]*", after_host):
            raise ValueError(f"invalid port {after_host!r}")
        if parts.hostname and parts.hostname.isascii():  # what the socket checks: labels of 1 to 63 characters
            parts.hostname.encode("idna")
    except UnicodeError:
        return f"has a host name with a label (between dots) that is empty or longer than 63 characters: {text!r}"
    except ValueError as error:
        return f"is not a valid URL ({error}): {text!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL with a host, not {text!r}"
    return None


class _Lines(io.BufferedReader):
    """A buffered byte stream whose lines, read one by one (as iterating it reads them), are bounded in size.

    A line longer than ``limit`` bytes gives its first ``limit`` bytes (no newline: too large an event, as
    the decoder reports it); the rest of it is skipped, read a chunk at a time. So a file of one endless
    line (``/dev/zero``) is read in constant memory.
    """

    def __init__(self, raw: io.RawIOBase, limit: int) -> None:
        super().__init__(raw, _CHUNK)
        self._limit = limit

    def readline(self, size: int | None = -1, /) -> bytes:
        if size is not None and size >= 0:
            return super().readline(size)
        line = super().readline(self._limit)
        if len(line) == self._limit and not line.endswith(b"\n"):
            while (rest := super().readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
        return line


class _Reading(io.RawIOBase):
    """A byte stream read one chunk (one system call) at a time, which remembers the error its reading raised."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self._source = source
        self._read = getattr(source, "readinto1", None) or getattr(source, "readinto")  # noqa: B009 - one of two
        self.failure: OSError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            return int(self._read(buffer) or 0)
        except OSError as error:
            self.failure = error
            raise

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            super().close()


def unreadable(stream: IO[bytes], error: BaseException | None) -> bool:
    """Whether ``error`` is reading ``stream`` (from ``open_input``) failing, not writing the output."""
    raw = getattr(stream, "raw", None)
    return isinstance(raw, _Reading) and error is not None and raw.failure is error


def _source(path: str) -> IO[bytes]:
    """The file at ``path`` opened for reading bytes, unbuffered, or standard input's bytes for ``-``."""
    if path != "-":
        return open(path, "rb", buffering=0)  # the caller closes it
    if sys.stdin is None:  # the process was started with its standard input closed
        raise OSError(errno.EBADF, "standard input is closed")
    return sys.stdin.buffer


def open_input(path: str) -> IO[bytes]:
    """The file at ``path`` opened for reading bytes, or standard input for ``-``.

    A failure while it is read (a disk, a network share) is told apart from a failure to write the
    output by ``unreadable``. Its lines, read one by one, are at most one byte over the size of the
    largest event: the rest of a longer line is skipped (it is too large an event anyway).

    Raises:
        OSError: If the file cannot be opened, or standard input is closed.
    """
    from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES  # here: the command line starts without it

    return _Lines(_Reading(_source(path)), MAX_EVENT_BYTES + 1)


def utf8(data: bytes, what: str) -> str:
    """``data`` decoded as UTF-8.

    Raises:
        ValueError: If it is not UTF-8, naming ``what`` it is and the first byte that is not.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from None


def utf8_argument(text: str, what: str) -> str:
    """A command-line argument as the UTF-8 text it is written in.

    In a locale that is not UTF-8 (``LC_ALL=C`` without Python's UTF-8 mode) the bytes of an argument
    that are not ASCII reach Python undecoded (as ``surrogateescape`` keeps them); they are decoded here.

    Raises:
        ValueError: If the argument is not UTF-8 text.
    """
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    return utf8(os.fsencode(text), what)


def read_standard_input(what: str, limit: int) -> str:
    """All of standard input (at most ``limit`` bytes) as UTF-8 text, without a leading byte order mark.

    A file saved on Windows may start with one.

    Raises:
        OSError: If standard input is closed or cannot be read.
        ValueError: If it is larger than ``limit`` bytes, or not UTF-8 text (``what`` it is names it).
    """
    if sys.stdin is None:
        raise OSError(errno.EBADF, "standard input is closed")
    source = getattr(sys.stdin, "buffer", None)
    if source is not None:
        data = source.read(limit + 1)
    else:  # a text stream standing in for it
        data = sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise ValueError(f"{what} is larger than {limit >> 20} MiB")
    return utf8(data, what).removeprefix("\ufeff")


# Characters that would end or garble a line of text output, each shown as its JSON escape instead.
_LINE_BREAKERS = {code: json.dumps(chr(code))[1:-1] for code in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}


def one_line(text: str) -> str:
    r"""``text`` with its control characters and line separators shown as JSON escapes (``\n``, ``\u2028``).

    Keys and values of an input (an unknown field's name, say) are shown this way in text output, so
    that they can never forge a line of it.
    """
    return text.translate(_LINE_BREAKERS)


def problem_lines(head: str, error: EventValidationError | EventRejectedError) -> list[str]:
    """``head`` and each problem of ``error`` (on one line), then how many more it did not list, if any."""
    lines = [f"{head}{one_line(str(problem))}" for problem in error.problems]
    if error.omitted:
        lines.append(f"{head}... and {error.omitted} more problem{'s' if error.omitted != 1 else ''}")
    return lines


#: The error handler of standard output: what its encoding cannot hold is written as an escape.
ESCAPING = "thrilldrops-events-escape"


def _escaped(char: str) -> bytes:
    r"""One character as the escape a condition's strings (and Python's) read: ``\u20ac``, ``\U0001f600``.

    A byte that was not text where it came from (a file name's), kept as ``surrogateescape`` keeps it, is
    written back as that byte.
    """
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return bytes([code - 0xDC00])
    return (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}").encode()


def _escape(error: UnicodeError) -> tuple[bytes, int]:
    """The error handler ``ESCAPING``: what the encoding cannot hold, each character escaped."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return b"".join(map(_escaped, error.object[error.start : error.end])), error.end


codecs.register_error(ESCAPING, _escape)


def holds_any_text(stream: Any) -> bool:
    """Whether ``stream``'s encoding holds every character (UTF-8, -16 or -32), so that nothing need be escaped."""
    return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name.startswith("utf-")


class ClosedOutput(io.TextIOBase):
    """What stands for standard output when the process was started without one: writing to it fails."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def say(text: str) -> None:
    """Print ``text`` on standard error, unless the process was started with it closed.

    (``print`` to a closed standard error, ``None``, would print on standard output, among the results.)
    """
    if sys.stderr is not None:
        print(text, file=sys.stderr, flush=True)


def fail(message: str, code: int = 2) -> int:
    """Print ``thrilldrops-events: <message>`` on standard error; returns ``code`` (2: a usage problem)."""
    say(f"thrilldrops-events: {message}")
    return code
