"""Reading raw Redis replies (RESP2 lists or RESP3 maps, bytes or text) and telling errors apart.

The consumer reads every reply undecoded, so these helpers accept what redis-py's connection gives
back for either protocol: an entry is ``[id, [field, value, ...]]`` (or a map of fields), a group
row of ``XINFO GROUPS`` is a flat list of names and values (or a map).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from redis.exceptions import (
    AskError,
    BusyLoadingError,
    ClusterDownError,
    MasterDownError,
    ReadOnlyError,
    ResponseError,
    SlotNotCoveredError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from thrilldrops_events._text import shown
from thrilldrops_events.errors import EventValidationError, Problem

__all__ = [
    "TEMPORARY_ERRORS",
    "Entry",
    "RepeatedFields",
    "autoclaimed",
    "group_missing",
    "mapping",
    "pending_rows",
    "printable",
    "range_fields",
    "read_entries",
    "redirected",
    "repeated_problem",
    "stream_missing",
    "temporary",
    "text",
]

#: An entry as the consumer handles it: its id and its fields (empty when its data was trimmed away).
Entry = tuple[str, dict[Any, Any]]

#: Errors after which the same command may succeed later: a lost connection, a server loading its data,
#: a cluster failing over (``CLUSTERDOWN``, ``TRYAGAIN``, ``MASTERDOWN``, ``READONLY`` from a demoted
#: master, ``MOVED``/``ASK`` for a slot that changed hands, a slot the client's map of the cluster lacks).
#: Some replies come as plain ``ResponseError``s; ``temporary`` recognises those by their text too.
TEMPORARY_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, BusyLoadingError, ClusterDownError,
    TryAgainError, MasterDownError, ReadOnlyError, AskError, SlotNotCoveredError,
)


def temporary(error: BaseException) -> bool:
    """Whether the command may succeed later, perhaps on another node (see ``TEMPORARY_ERRORS``)."""
    if isinstance(error, TEMPORARY_ERRORS):
        return True
    return isinstance(error, ResponseError) and str(error).startswith(("MOVED ", "ASK ", "CLUSTERDOWN", "TRYAGAIN"))


def redirected(error: BaseException) -> bool:
    """Whether a cluster answered that the slot is served elsewhere (``MOVED``, ``ASK``): it is up, and says where."""
    return isinstance(error, AskError) or (isinstance(error, ResponseError) and str(error).startswith(("MOVED ",
                                                                                                        "ASK ")))


def group_missing(error: BaseException) -> bool:
    """Whether the error says the consumer group (or its stream) does not exist."""
    message = str(error)
    return message.startswith("NOGROUP") or "no longer exists" in message


def stream_missing(error: ResponseError) -> bool:
    """Whether the error says the stream does not exist (``XINFO`` on a missing key)."""
    return "no such key" in str(error).lower()


def text(value: object) -> str:
    """A reply value as text (bytes are UTF-8, replaced where invalid)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def printable(value: object) -> str:
    """``text(value)``, or a stand-in if its ``__str__`` fails: a handler's error must never stop a consumer.

    A lone surrogate (text decoded with ``errors="surrogateescape"``) is written as its escape, a backslash
    then ``udcff``: Redis takes UTF-8, which cannot hold one, and the text goes into the dead-letter entry.
    """
    try:
        written = text(value)
    except Exception:
        return "<str() failed>"
    try:
        written.encode()
    except UnicodeEncodeError:
        return written.encode("utf-8", "backslashreplace").decode()
    return written


def mapping(value: Any) -> dict[str, Any]:
    """A RESP3 map or a RESP2 flat list of names and values, as a dict keyed by text."""
    if isinstance(value, Mapping):
        return {text(key): item for key, item in value.items()}
    pairs = iter(value or ())
    return {text(key): item for key, item in zip(pairs, pairs)}  # noqa: B905 - pairs from one iterator


class RepeatedFields(dict[Any, Any]):
    """The fields of an entry that holds some field name more than once (``XADD`` allows it).

    The ``dict`` keeps the last value of each name; ``pairs`` holds every pair, in the entry's order.
    """

    pairs: list[tuple[Any, Any]]


def repeated_problem(fields: RepeatedFields) -> EventValidationError:
    """The problem of an entry holding some field names more than once: which value is meant is unknown."""
    seen: set[str] = set()
    named: list[str] = []
    for key, _ in fields.pairs:
        name = text(key)
        if name in seen and name not in named:
            named.append(name)
        seen.add(name)
    return EventValidationError([Problem(shown(name), "field appears more than once in the entry",
                                         "duplicate_field") for name in named])


def _fields(raw: Any) -> dict[Any, Any]:
    if raw is None:
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    items = iter(raw)
    fields = dict(zip(items, items))  # noqa: B905 - pairs from one iterator
    if len(fields) < len(raw) // 2:  # some name is given twice: keep every pair too
        items = iter(raw)
        repeated = RepeatedFields(fields)
        repeated.pairs = list(zip(items, items))  # noqa: B905 - pairs from one iterator
        return repeated
    return fields


def _entry(item: Sequence[Any]) -> Entry:
    return text(item[0]), _fields(item[1])


def read_entries(reply: Any) -> list[Entry]:
    """The entries of an ``XREADGROUP`` reply for one stream (``None`` when the read timed out)."""
    if not reply:
        return []
    per_stream = reply.values() if isinstance(reply, Mapping) else [item[1] for item in reply]
    return [_entry(item) for entries in per_stream for item in entries or ()]


def range_fields(reply: Any) -> dict[Any, Any]:
    """The fields of the one entry an ``XRANGE id id`` returns; empty if the entry no longer exists."""
    if not reply:
        return {}
    return _fields(reply[0][1])


def pending_rows(reply: Any) -> list[tuple[str, str, int]]:
    """The rows of an extended ``XPENDING``: entry id, consumer, delivery count."""
    return [(text(row[0]), text(row[1]), int(row[3])) for row in reply or ()]


def autoclaimed(reply: Any) -> tuple[str, list[str], list[str]]:
    """An ``XAUTOCLAIM ... JUSTID`` reply: the next cursor, the claimed ids, the ids found deleted."""
    cursor = text(reply[0])
    claimed = [text(entry_id) for entry_id in reply[1] or ()]
    deleted = [text(entry_id) for entry_id in (reply[2] if len(reply) > 2 else None) or ()]
    return cursor, claimed, deleted
