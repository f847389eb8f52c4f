"""What a consumer reports: its counters, its group's figures, and dead-letter entries read back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.streams._replies import RepeatedFields

__all__ = ["DEAD_LETTER_FIELDS", "ConsumerStats", "DeadLetter", "GroupInfo", "dead_letter_fields",
           "parse_dead_letter"]

#: The metadata fields a dead-letter entry adds to the original fields, in the order written.
DEAD_LETTER_FIELDS: tuple[str, ...] = (
    "dead_letter_id",
    "dead_letter_stream",
    "dead_letter_group",
    "dead_letter_consumer",
    "dead_letter_deliveries",
    "dead_letter_reason",
    "dead_letter_error",
)
_ORIGINAL_PREFIX = "original:"  # an original field whose name clashes with a metadata field is kept under this


def _escaped(name: str) -> bool:
    """Whether an original field's name is kept under ``original:`` in a dead letter.

    A metadata field's name is, and so, for the escape to be undone exactly, is a name that already reads
    like an escaped one (``original:dead_letter_id``, ``original:original:dead_letter_id``...).
    """
    while name.startswith(_ORIGINAL_PREFIX):
        name = name[len(_ORIGINAL_PREFIX):]
    return name in DEAD_LETTER_FIELDS


@dataclass(frozen=True)
class ConsumerStats:
    """What a consumer has done since it was created.

    Attributes:
        handled: Entries whose handler returned (and which were then acknowledged).
        retried: Handler failures that left their entry pending, to be delivered again after the
            retry policy's delay.
        dead_lettered: Entries moved to the dead-letter stream (invalid, tried ``max_deliveries``
            times, or failed with an error not worth retrying).
        reclaimed: Entries taken over with ``XAUTOCLAIM``: from a consumer idle for ``claim_idle_ms``,
            or a failed entry whose retry is due.
        trimmed: Pending entries whose data was trimmed or deleted before they were handled;
            acknowledged and logged.
        reconnects: Outages recovered from (a lost connection, a server loading, a cluster failing over).
        groups_created: Times the consumer group was created (the first time, or again after ``NOGROUP``).
    """

    handled: int = 0
    retried: int = 0
    dead_lettered: int = 0
    reclaimed: int = 0
    trimmed: int = 0
    reconnects: int = 0
    groups_created: int = 0


@dataclass(frozen=True)
class GroupInfo:
    """The consumer group's figures from ``XINFO GROUPS``.

    Attributes:
        name: The group name.
        consumers: Consumers known to the group (dead ones too, until deleted).
        pending: Entries delivered to some consumer and not yet acknowledged.
        last_delivered_id: The id of the last entry delivered to the group.
        entries_read: Entries the group has read so far (Redis 7 and later; else ``None``).
        lag: Entries in the stream not yet delivered to the group; ``None`` when Redis cannot tell
            (older servers, or after some deletions).
    """

    name: str
    consumers: int
    pending: int
    last_delivered_id: str
    entries_read: int | None
    lag: int | None


@dataclass(frozen=True)
class DeadLetter:
    """One entry of a dead-letter stream.

    [parse_dead_letter][thrilldrops_events.streams.parse_dead_letter] reads it back.

    Attributes:
        id: The dead-letter entry's own id.
        original_id: The id the entry had in its stream.
        stream: The stream it came from.
        group: The consumer group that gave up on it.
        consumer: The consumer that moved it.
        deliveries: How many times the handler had been tried on it (``0`` for an invalid entry).
        reason: ``"invalid"`` (it failed validation), ``"max_deliveries"`` (the handler was tried
            ``max_deliveries`` times without success) or ``"not_retryable"`` (the handler raised an
            exception the retry policy gives up on).
        error: The error, as a dict: ``reason``, ``message``, and ``problems`` (each with ``path``,
            ``message`` and ``kind``; at most 20) and ``omitted`` (how many more problems were found and
            not listed; absent from dead letters written by version 0.1.0) for an invalid entry,
            ``last_error`` for a failing handler (``None`` when the last try never finished: the process
            stopped or crashed inside it).
        fields: The original fields, exactly as they were (``bytes`` unless your client decodes responses,
            and then ``bytes`` still for an entry whose fields are not all text).
    """

    id: str
    original_id: str
    stream: str
    group: str
    consumer: str
    deliveries: int
    reason: str
    error: dict[str, Any]
    fields: dict[Any, Any]


def _text_of(value: object) -> str | None:
    """The text of a ``str`` (its characters) or of bytes (UTF-8, bad bytes replaced); ``None`` for anything else."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return memoryview(value).tobytes().decode("utf-8", "replace")
    return None


def _text(value: object) -> str:
    text = _text_of(value)
    return text if text is not None else str(value)


def _name(key: object) -> str:
    return _text(key)


def dead_letter_fields(fields: Mapping[Any, Any], *, original_id: str, stream: str, group: str, consumer: str,
                       deliveries: int, reason: str, error: str) -> list[tuple[Any, Any]]:
    """The field-value pairs of a dead-letter entry: the metadata, then the original fields exactly as they were.

    An original field named like a metadata field is kept under ``original:<name>`` (and one named like
    such an escaped name gets one more ``original:``), so nothing is overwritten, dropped or renamed;
    a name the entry held more than once (``RepeatedFields``) is kept as often, with each of its values.
    """
    entry: list[tuple[Any, Any]] = list(zip(DEAD_LETTER_FIELDS, (original_id, stream, group, consumer,
                                                                 str(deliveries), reason, error), strict=True))
    pairs = fields.pairs if isinstance(fields, RepeatedFields) else fields.items()
    for key, value in pairs:
        if _escaped(_name(key)):
            key = (_ORIGINAL_PREFIX.encode() + key) if isinstance(key, bytes) else _ORIGINAL_PREFIX + _name(key)
        entry.append((key, value))
    return entry


def _split(fields: Mapping[Any, Any]) -> tuple[dict[str, str], dict[Any, Any], list[Problem]]:
    """The metadata of a dead letter as text, its original fields, and the problems of its names and metadata.

    Names and metadata values must be text (``str`` or bytes): anything else is a problem (``field_type``),
    named by its type, never by its ``str``. A metadata name given twice (as bytes and as str) is a problem too.
    """
    meta: dict[str, str] = {}
    original: dict[Any, Any] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for key, value in fields.items():
        name = _text_of(key)
        if name is None:
            problems.append(Problem("", f"field names must be text (str or bytes), not {type(key).__name__}",
                                    "field_type"))
        elif name in DEAD_LETTER_FIELDS:
            item = _text_of(value)
            if name in seen:
                problems.append(Problem(name, "field appears twice", "duplicate_field"))
            elif item is None:
                problems.append(Problem(name, f"must be text (str or bytes), not {type(value).__name__}",
                                        "field_type"))
            else:
                meta[name] = item
            seen.add(name)
        elif name.startswith(_ORIGINAL_PREFIX) and _escaped(name):
            original[key[len(_ORIGINAL_PREFIX):] if isinstance(key, (str, bytes)) else key] = value
        else:
            original[key] = value
    problems += [Problem(name, "required field is missing", "missing") for name in DEAD_LETTER_FIELDS
                 if name not in seen]
    return meta, original, problems


def parse_dead_letter(entry_id: object, fields: Mapping[Any, Any]) -> DeadLetter:
    """Read one dead-letter entry, as returned by ``XRANGE`` on the dead-letter stream.

    Raises:
        EventValidationError: If the entry lacks the dead-letter fields or holds malformed ones (a metadata field
            given twice, as bytes and as str; a name, a metadata value or the entry id that is not text), or is
            not a mapping.
    """
    if not isinstance(fields, Mapping):
        raise EventValidationError([Problem("", "a dead-letter entry must be a mapping of field names to values, not "
                                                f"{type(fields).__name__}", "not_a_mapping")])
    meta, original, problems = _split(fields)
    if _text_of(entry_id) is None:
        problems.append(Problem("", f"the entry id must be text (str or bytes), not {type(entry_id).__name__}",
                                "field_type"))
    deliveries = meta.get("dead_letter_deliveries", "0")
    if not (deliveries.isascii() and deliveries.isdigit()) or len(deliveries) > 18:
        problems.append(Problem("dead_letter_deliveries", "must be a whole number", "int_parsing"))
    try:
        error: object = json.loads(meta.get("dead_letter_error", "{}"))
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply for the decoder
        error = None
    if not isinstance(error, dict):
        problems.append(Problem("dead_letter_error", "must be a JSON object", "json_invalid"))
        error = {}
    if problems:
        raise EventValidationError(problems)
    return DeadLetter(
        id=_text(entry_id),
        original_id=meta["dead_letter_id"],
        stream=meta["dead_letter_stream"],
        group=meta["dead_letter_group"],
        consumer=meta["dead_letter_consumer"],
        deliveries=int(deliveries),
        reason=meta["dead_letter_reason"],
        error=error,
        fields=original,
    )
