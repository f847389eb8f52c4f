"""What the blocking and asyncio publishers share: checking options, encoding in chunks, the commands.

A chunk is sent as raw ``XADD`` commands in one round trip over a ``Link`` (a connection taken from
the client's pool, on the cluster node that serves the stream), followed, for a durable publish, by
``WAIT replicas timeout`` on the same connection: ``WAIT`` counts the writes of its own connection only.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import StreamBackpressureError, StreamConfigError, StreamDurabilityError
from thrilldrops_events.streams._checks import nonempty, whole
from thrilldrops_events.streams._ops import Command
from thrilldrops_events.streams._replies import text

__all__ = ["LagWatch", "PublishOptions", "chunks", "new_ids", "options", "publish_commands"]


@dataclass(frozen=True)
class PublishOptions:
    """Checked publishing options."""

    maxlen: int | None
    approximate: bool
    chunk_size: int
    replicas: int | None
    replica_timeout_ms: int
    max_lag: int | None
    lag_group: str | None
    lag_check_s: float
    lag_timeout_s: float | None


def options(stream: object, *, maxlen: object = None, approximate: object = True, chunk_size: object = 1000,
            replicas: object = None, replica_timeout_ms: object = 1000, max_lag: object = None,
            lag_group: object = None, lag_check_ms: object = 100, lag_timeout_s: object = None) -> PublishOptions:
    """Check the stream's name and the publishing options.

    Raises:
        StreamConfigError: If one is impossible.
    """
    nonempty("stream", stream)  # as a consumer, which reads it, requires
    if (max_lag is None) != (lag_group is None):
        raise StreamConfigError("max_lag and lag_group go together: the lag of which group, up to how much")
    if lag_group is not None:
        nonempty("lag_group", lag_group)
    return PublishOptions(
        # At least 1: MAXLEN 0 would delete the very entry XADD just returned the id of.
        maxlen=None if maxlen is None else whole("maxlen", maxlen, 1), approximate=bool(approximate),
        chunk_size=whole("chunk_size", chunk_size, 1),
        replicas=None if replicas is None else whole("replicas", replicas, 1),
        replica_timeout_ms=whole("replica_timeout_ms", replica_timeout_ms, 1),
        max_lag=None if max_lag is None else whole("max_lag", max_lag, 0),
        lag_group=lag_group if isinstance(lag_group, str) else None,
        lag_check_s=whole("lag_check_ms", lag_check_ms, 1) / 1000,
        lag_timeout_s=_seconds(lag_timeout_s),
    )


def _seconds(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise StreamConfigError("lag_timeout_s must be a number of seconds >= 0")
    return float(value)


@dataclass
class LagWatch:
    """Backpressure before one chunk: whether to wait (again) for the group's consumers, until when."""

    group: str  # the group whose lag is watched
    limit: int  # max_lag
    published: int  # events published so far (for the error)
    deadline: float | None

    @classmethod
    def before_chunk(cls, settings: PublishOptions, published: int) -> LagWatch | None:
        """The watch for the next chunk, or ``None`` without backpressure."""
        if settings.max_lag is None or settings.lag_group is None:
            return None
        deadline = None if settings.lag_timeout_s is None else time.monotonic() + settings.lag_timeout_s
        return cls(settings.lag_group, settings.max_lag, published, deadline)

    def waiting(self, lag: int | None) -> bool:
        """Whether to wait with the group's lag now (a missing group, or an unknown lag, never waits).

        Raises:
            StreamBackpressureError: If the lag is still too high once ``lag_timeout_s`` has passed.
        """
        if lag is None or lag <= self.limit:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise StreamBackpressureError(self.group, lag, self.published)
        return True


def chunks(envelopes: Iterable[Envelope], size: int) -> Iterator[list[dict[str, str]]]:
    """The events' field maps, ``size`` at a time, encoded only as each chunk is taken."""
    chunk: list[dict[str, str]] = []
    for envelope in envelopes:
        chunk.append(encode(envelope))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def publish_commands(stream: str, chunk: list[dict[str, str]], settings: PublishOptions) -> tuple[Command, ...]:
    """``XADD`` each entry, then (for a durable publish) ``WAIT`` for the replicas, as raw commands."""
    trim: tuple[Any, ...] = ()
    if settings.maxlen is not None:
        trim = ("MAXLEN", "~" if settings.approximate else "=", settings.maxlen)
    commands: list[Command] = [("XADD", stream, *trim, "*", *(part for pair in fields.items() for part in pair))
                               for fields in chunk]
    if settings.replicas is not None:
        commands.append(("WAIT", settings.replicas, settings.replica_timeout_ms))
    return tuple(commands)


def new_ids(replies: list[Any], settings: PublishOptions) -> list[str]:
    """The new entries' ids, once ``WAIT`` (if asked) says enough replicas have them.

    Raises:
        RedisError: The first error among the replies (the entries before it were written): a
            ``ResponseError``, or one redis-py makes a ``ConnectionError`` (``LOADING``, ``NOAUTH``).
        StreamDurabilityError: If fewer replicas than asked confirmed the entries in time.
    """
    failure = next((reply for reply in replies if isinstance(reply, RedisError)), None)
    if failure is not None:
        raise failure
    if settings.replicas is None:
        return [text(reply) for reply in replies]
    ids = [text(reply) for reply in replies[:-1]]
    acknowledged = int(replies[-1])
    if acknowledged < settings.replicas:
        raise StreamDurabilityError(ids, settings.replicas, acknowledged)
    return ids
