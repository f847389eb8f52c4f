"""Publishing events to a stream with the blocking redis-py client."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from thrilldrops_events.codecs.redis import encode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import StreamConfigError

__all__ = ["publish", "publish_many"]


def _entry_id(value: object) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


def _check_chunk(chunk_size: int) -> None:
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise StreamConfigError("chunk_size must be an integer >= 1")


def publish(
    client: redis.Redis, stream: str, envelope: Envelope, *, maxlen: int | None = None, approximate: bool = True
) -> str:
    """Append one event to a stream (``XADD``) in the documented field layout.

    Args:
        client: A redis-py client.
        stream: The stream's key.
        envelope: The event.
        maxlen: Trim the stream to about this many entries (``MAXLEN ~``). Trimming deletes the oldest
            entries even if a consumer group has not acknowledged them yet; make it comfortably larger
            than the backlog your consumers may build up.
        approximate: Trim with ``~`` (cheap, the default) rather than exactly.

    Returns:
        The new entry's id, such as ``"1777852800000-0"``.
    """
    return _entry_id(client.xadd(stream, encode(envelope), maxlen=maxlen, approximate=approximate))  # type: ignore[arg-type]


def publish_many(
    client: redis.Redis,
    stream: str,
    envelopes: Iterable[Envelope],
    *,
    maxlen: int | None = None,
    approximate: bool = True,
    chunk_size: int = 1000,
) -> list[str]:
    """Append many events in order, ``chunk_size`` per pipeline round trip.

    Every event is encoded before anything is sent. A pipeline is not a transaction: if the
    connection fails midway, the chunks already sent stay published.

    Returns:
        The new entries' ids, in order.
    """
    _check_chunk(chunk_size)
    encoded = [encode(envelope) for envelope in envelopes]
    ids: list[str] = []
    for start in range(0, len(encoded), chunk_size):
        with client.pipeline(transaction=False) as pipe:
            for fields in encoded[start:start + chunk_size]:
                pipe.xadd(stream, fields, maxlen=maxlen, approximate=approximate)  # type: ignore[arg-type]
            ids.extend(_entry_id(entry_id) for entry_id in pipe.execute())
    return ids

