"""``thrilldrops-events send``: replay a file of envelopes to a ``POST /event`` receiver (extra ``http``)."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from thrilldrops_events.cli._command import (
    Command,
    arg,
    checked,
    fail,
    file_path,
    http_url,
    in_flight,
    one_line,
    open_input,
    problem_lines,
    seconds,
    unreadable,
)
from thrilldrops_events.codecs.json import decode_lines as parse_events
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventRejectedError, SendInterruptedError

if TYPE_CHECKING:
    from thrilldrops_events.http import EventClient, SendResult


class _Tally:
    """Counts results as they come, and shows them on a terminal (at most ten times a second)."""

    def __init__(self, total: int | None, show: IO[str] | None) -> None:
        self.total = total
        self.show = show
        self.done = self.accepted = self.rejected = self.failed = self.invalid = 0
        self.counted: set[int] = set()  # the indexes of the results counted
        self._shown_at = 0.0

    def count(self, result: Any) -> None:
        self.counted.add(result.index)
        self.done += 1
        if result.accepted:
            self.accepted += 1
        elif isinstance(result.error, EventRejectedError):
            self.rejected += 1
        else:
            self.failed += 1
        now = time.monotonic()
        if self.show is not None and (now - self._shown_at >= 0.1 or self.done == self.total):
            self._shown_at = now
            of = f"/{self.total}" if self.total is not None else ""
            self.show.write(f"\r{self.done}{of} sent: {self.accepted} accepted, {self.rejected} rejected, "
                            f"{self.failed} failed")
            self.show.flush()


def _count_lines(path: str) -> int | None:
    """The events to send, counted ahead for the progress display; ``None`` unless ``path`` is a regular file.

    A pipe given by its path (``<(...)``, a named pipe) can be read only once: it is never counted.
    """
    if path == "-" or not stat.S_ISREG(os.stat(path).st_mode):
        return None
    with open_input(path) as lines:  # a line too long for an event is not held whole
        return sum(1 for line in lines if line.strip())


def _headers(items: list[str]) -> dict[str, str]:
    headers = {}
    for item in items:
        name, colon, value = item.partition(":")
        if not colon or not name.strip():
            raise ValueError(f"--header must be 'NAME: VALUE', not {item!r}")
        headers[name.strip()] = value.strip()
    return headers


def _send_all(client: EventClient, events: Iterator[Envelope], concurrency: int, tally: _Tally,
              stream: IO[bytes]) -> tuple[list[SendResult], BaseException | None]:
    """Send the events: their results, and what stopped the sending part-way, if anything (reported after them).

    That is the file failing, or another failure (no thread could be started for the next request); a
    failure to write the progress is raised, as any failure to write the output is.
    """
    try:
        return client.send_many(events, concurrency=concurrency, on_result=tally.count), None
    except SendInterruptedError as error:  # what was sent is reported first
        cause = error.__cause__
        if cause is None or (isinstance(cause, OSError) and not unreadable(stream, cause)):
            raise (cause or error) from None  # writing the progress failed
        for result in error.results:  # those finished after the failure were not given to on_result
            if result.index not in tally.counted:
                tally.count(result)
        return error.results, cause


def run(args: argparse.Namespace) -> int:
    """Send the file; returns the exit code (1 if any event was not accepted, 2 for a usage problem)."""
    try:
        from thrilldrops_events.http import EventClient  # the optional extra, only when asked for
    except ImportError as error:
        return fail(str(error))
    try:
        headers = _headers(args.header)
        total = _count_lines(args.file)
        client = EventClient(args.url, headers=headers, timeout=args.timeout, retries=args.retries)
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    except ValueError as error:
        return fail(str(error))
    try:
        stream = open_input(args.file)
    except OSError as error:
        client.close()
        return fail(f"cannot read {args.file}: {error.strerror}")
    tally = _Tally(total, sys.stderr if sys.stderr is not None and sys.stderr.isatty() else None)
    line_of: list[int] = []
    not_sent: list[str] = []

    def events() -> Iterator[Envelope]:
        for parsed in parse_events(stream):
            if parsed.error is not None:
                tally.invalid += 1
                tally.rejected += 1
                not_sent.extend(problem_lines(f"line {parsed.line}: not sent: ", parsed.error))
            elif parsed.event is not None:
                line_of.append(parsed.line)
                yield parsed.event

    with stream, client:
        results, stopped = _send_all(client, events(), args.concurrency, tally, stream)
    if tally.show is not None:
        tally.show.write("\n")
    for text in not_sent:
        print(text)
    for result in results:
        line = line_of[result.index]
        if isinstance(result.error, EventRejectedError):
            print(f"line {line}: rejected ({result.error.status} {one_line(result.error.title)})")
            for text in problem_lines(f"line {line}:   ", result.error):
                print(text)
        elif result.error is not None:
            print(f"line {line}: failed: {one_line(str(result.error))}")
    print(f"{len(results) + tally.invalid} events: {tally.accepted} accepted, {tally.rejected} rejected "
          f"({tally.invalid} invalid, not sent), {tally.failed} failed")
    if isinstance(stopped, OSError):
        return fail(f"cannot read {args.file}: {stopped.strerror}; the events before were sent")
    if stopped is not None:
        reason = f"{type(stopped).__name__}: {stopped}" if str(stopped) else type(stopped).__name__
        return fail(f"sending stopped after {len(results)} events: {reason}; the events after them were not sent")
    return 0 if tally.accepted == len(results) + tally.invalid else 1


COMMAND = Command(
    "send", "send a file of envelopes (NDJSON) to a POST /event receiver",
    """Send every envelope of an NDJSON file to URL/event, several at a time, retrying connection errors, 408,
    429 and 5xx answers. Shows progress on a terminal, then every event not accepted with its reasons, and a
    summary; exits 1 if any event was not accepted. Needs the http extra.""",
    run=run,
    arguments=(
        arg("file", **checked(file_path), help="the NDJSON file to send, or - for standard input"),
        arg("--url", required=True, **checked(http_url, utf8=True),
            help="the receiver's root URL; events go to URL/event"),
        arg("--concurrency", type=int, **checked(in_flight), default=8,
            help="requests in flight at once, 1 to 1000 (default: 8)"),
        arg("--retries", type=int, default=3, help="retries per event (default: 3)"),
        arg("--timeout", type=float, **checked(seconds), default=10.0,
            help="seconds to wait for each answer (default: 10)"),
        arg("--header", action="append", default=[], metavar="'NAME: VALUE'",
            help="an extra request header, such as 'Authorization: Bearer ...'; repeatable"),
    ),
)
