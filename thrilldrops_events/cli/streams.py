"""``thrilldrops-events streams``: look at a Redis stream, replay its dead letters, trim it safely (extra ``redis``)."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from thrilldrops_events._redis_urls import UNUSABLE, query_problem
from thrilldrops_events.cli._command import FORMAT, Command, OneOf, arg, checked, one_line, say
from thrilldrops_events.cli._urls import redacted

_NEEDS_REDIS = "thrilldrops-events streams needs redis-py: pip install 'thrilldrops-events[redis]'"
_DEFAULT_URL = "redis://127.0.0.1:6379/0"

# The arguments of every action: the stream, and the server it lives on.
_STREAM = (
    arg("stream", metavar="STREAM", **checked(utf8=True), help="the stream's key"),
    arg("--url", default=None, help=f"the Redis server (default: $REDIS_URL or {_DEFAULT_URL})"),
    arg("--cluster", action="store_true", help="the server is part of a Redis Cluster"),
    arg("--dead-letter-stream", metavar="KEY", default=None, **checked(utf8=True),
        help="the dead-letter stream (default: the consumers' default for STREAM)"),
)


def _guarded(args: argparse.Namespace, action: Any) -> int:
    """Import the streams package (saying so if redis-py is missing), connect, run ``action``, report errors."""
    try:
        from thrilldrops_events import streams
        from thrilldrops_events.streams import _admin
    except ImportError:
        say(_NEEDS_REDIS)
        return 2
    url = args.url or os.environ.get("REDIS_URL") or _DEFAULT_URL
    problem = _host_problem(url) or _unusable_query(url)
    if problem is not None:
        say(f"thrilldrops-events streams: {problem}")
        return 2
    try:
        client = _admin.connect(url, cluster=args.cluster)  # a cluster client connects at once
    except ValueError as error:  # redis-py refuses a malformed URL with a ValueError
        say(f"thrilldrops-events streams: {error}")
        return 2
    except Exception as error:
        if not _from_redis(error):
            raise
        return _redis_error(url, error)
    try:
        unusable = _unusable_option(client)
        if unusable is not None:
            say(f"thrilldrops-events streams: {UNUSABLE}: {unusable}")
            return 2
        code: int = action(streams, client)
        return code
    except streams.StreamConfigError as error:
        say(f"thrilldrops-events streams: {error}")
        return 2
    except Exception as error:
        if not _from_redis(error):
            raise
        return _redis_error(url, error)
    finally:
        client.close()


def _host_problem(url: str) -> str | None:
    """What is wrong with the URL's host name, which the socket encodes with Python's ``idna`` codec; ``None`` if fine.

    That codec refuses a label (the text between dots) that is empty or longer than 63 characters, and
    characters no host name holds (such as a byte that was not UTF-8 on the command line): redis-py would
    raise its ``UnicodeError`` at the first command.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed URL: redis-py says what is wrong with it
        return None
    if not host:
        return None
    try:
        host.encode("idna")
    except UnicodeError:
        shown = host[:80] + ("..." if len(host) > 80 else "")
        return f"the host name {shown!r} of the Redis URL is not a valid host name (a label between dots is " \
               "empty or longer than 63 characters, or it holds characters no host name holds)"
    return None


def _unusable_query(url: str) -> str | None:
    """The usage error of an option of the URL's query that the socket cannot take, if any (before connecting)."""
    problem = query_problem(url)
    return None if problem is None else f"{UNUSABLE}: {problem}"


def _unusable_option(client: Any) -> str | None:
    """Connect (``PING``): what is wrong with an option of the URL's query that redis-py cannot use, if any.

    redis-py reads each parameter of the query as an option of the connection, and finds out that one cannot
    be used only as it connects: an unknown name (``?timout=5``) is a ``TypeError``, a socket timeout out of
    range a ``ValueError`` or an ``OverflowError``, an unknown encoding a ``LookupError``. What redis-py
    raises itself is raised, but for the server's answer (``NOPERM``: an account that may not ``PING``).
    """
    try:
        client.ping()
    except Exception as error:
        if not _from_redis(error):
            return f"{type(error).__name__}: {error}"
        if not any(kind.__name__ == "ResponseError" for kind in type(error).__mro__):
            raise  # the server cannot be reached, or refused the account: reported as the action's errors are
    return None


def _from_redis(error: Exception) -> bool:
    """Whether redis-py raised ``error``: a ``RedisError``, or a ``RedisClusterException`` (which is not one)."""
    return type(error).__module__.partition(".")[0] == "redis"


def _redis_error(url: str, error: Exception) -> int:
    """Report a Redis error (the URL shown without its password); returns the exit code, 1."""
    say(f"thrilldrops-events streams: Redis error at {redacted(url)}: {error}")
    return 1


def run_info(args: argparse.Namespace) -> int:
    """Print the stream's figures."""
    def action(streams: Any, client: Any) -> int:
        info = streams.stream_info(client, args.stream, dead_letter_stream=args.dead_letter_stream)
        if args.format == "json":
            print(json.dumps(asdict(info)))
            return 0
        span = f" ({info.first_id} to {info.last_id})" if info.length else ""
        print(f"stream {one_line(info.stream)}: {info.length} entries{span}")
        print(f"dead letters: {info.dead_letters} in {one_line(info.dead_letter_stream)}")
        for group in info.groups:
            lag = "unknown" if group.lag is None else str(group.lag)
            print(f"group {one_line(group.name)}: {group.consumers} consumers, {group.pending} pending, lag {lag}, "
                  f"last delivered {group.last_delivered_id}")
            for consumer in info.consumers.get(group.name, ()):
                print(f"  consumer {one_line(consumer.name)}: {consumer.pending} pending, "
                      f"idle {consumer.idle_ms / 1000:.1f}s")
        return 0
    return _guarded(args, action)


def run_replay(args: argparse.Namespace) -> int:
    """Replay dead letters and say what was replayed."""
    def action(streams: Any, client: Any) -> int:
        replayed = streams.replay_dead_letters(client, args.stream, dead_letter_stream=args.dead_letter_stream,
                                               reason=args.reason, count=args.count, dry_run=args.dry_run)
        for item in replayed:
            letter = item.dead_letter
            target = "(dry run)" if item.entry_id is None else f"-> {item.entry_id}"
            print(one_line(f"{letter.original_id} {letter.reason} {target}"))
        verb = "would replay" if args.dry_run else "replayed"
        print(f"{verb} {len(replayed)} dead letters onto {one_line(args.stream)}")
        return 0
    return _guarded(args, action)


def run_trim(args: argparse.Namespace) -> int:
    """Trim the stream safely and say how far it went."""
    def action(streams: Any, client: Any) -> int:
        result = streams.trim(client, args.stream, maxlen=args.maxlen, minid=args.minid,
                              approximate=args.approximate)
        where = "" if result.boundary is None else f" (below {result.boundary})"
        print(f"deleted {result.deleted} entries from {one_line(args.stream)}{where}")
        if result.held_by is not None:
            print(f"stopped short of what was asked: group {one_line(result.held_by)} still needs the entries from "
                  f"{result.boundary}")
        return 0
    return _guarded(args, action)


COMMAND = Command(
    "streams", "look at a Redis stream, replay its dead letters, trim it safely",
    "Operate the Redis streams that thrilldrops-events consumers read (needs the redis extra). The server is "
    f"given by --url, or the REDIS_URL environment variable, or {_DEFAULT_URL}.",
    dest="streams_command",
    actions=(
        Command(
            "info", "the stream's groups, consumers, pending entries, lag and dead letters",
            """Show the stream's length, each consumer group with its consumers, pending entries and lag, and how
            many entries wait in the dead-letter stream.""",
            run=run_info, arguments=(*_STREAM, FORMAT),
        ),
        Command(
            "replay-dead-letters", "put dead letters back on their stream",
            """Add the original fields of each dead letter that came from STREAM back onto it (with a new id),
            oldest first, and delete the dead letter. Use it once the cause is fixed.""",
            run=run_replay,
            arguments=(
                *_STREAM,
                arg("--reason", choices=["invalid", "max_deliveries", "not_retryable"],
                    help="replay only dead letters of this reason"),
                arg("--count", type=int, help="replay at most this many"),
                arg("--dry-run", action="store_true", help="only list what would be replayed"),
            ),
        ),
        Command(
            "trim", "trim the stream without deleting entries a consumer group still needs",
            """Delete the oldest entries, but never one that a consumer group has pending or has not read yet:
            the trim stops short of what was asked if a group still needs older entries.""",
            run=run_trim,
            arguments=(
                *_STREAM,
                OneOf((arg("--maxlen", type=int, help="keep at most this many of the newest entries"),
                       arg("--minid", help="delete the entries older than this id"))),
                arg("--approximate", action="store_true", help="let Redis keep a few more entries (cheaper)"),
            ),
        ),
    ),
)
