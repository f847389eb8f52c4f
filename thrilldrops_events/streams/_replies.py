"""Reading redis-py replies: stream entries in whatever shape the client gives them, and error kinds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from redis.exceptions import ResponseError

from thrilldrops_events.streams._records import _text

__all__ = ["_entries", "_entry", "_group_missing"]

def _group_missing(error: ResponseError) -> bool:
    message = str(error)
    return message.startswith("NOGROUP") or "no longer exists" in message


def _entries(reply: Any) -> list[tuple[str, dict[Any, Any]]]:
    """The entries of an ``XREADGROUP`` reply for one stream, whatever shape redis-py gives it."""
    if not reply:
        return []
    per_stream = reply.values() if isinstance(reply, Mapping) else [item[1] for item in reply]
    entries: list[tuple[str, dict[Any, Any]]] = []
    for value in per_stream:
        if value and isinstance(value[0], list) and (not value[0] or isinstance(value[0][0], (tuple, list))):
            value = value[0]  # RESP3 replies are wrapped in one more list by some redis-py versions
        entries.extend(_entry(item) for item in value or ())
    return entries


def _entry(item: Sequence[Any]) -> tuple[str, dict[Any, Any]]:
    entry_id, fields = item[0], item[1]
    if fields is None:
        return _text(entry_id), {}
    if isinstance(fields, Mapping):
        return _text(entry_id), dict(fields)
    pairs = iter(fields)  # a raw flat list of field, value, field, value...
    return _text(entry_id), dict(zip(pairs, pairs))  # noqa: B905 - pairs from one iterator
