"""Bounding the work on a hostile document before pydantic validates it.

Each unknown key of ``event_type``, and in strict mode each unknown field, is one problem, and a 1 MiB
body can hold 100,000 of them: pydantic would build an error for each, and the library would word
each one. Before validation, such keys beyond the first
[EventValidationError.max_problems][thrilldrops_events.EventValidationError] are dropped and counted,
so the error lists the first ones, counts the rest in ``omitted``, and the work stays proportional to
the limit. A document with few keys is passed through untouched, after one ``len()`` (or, for a mapping that is
not a plain ``dict``, a count of its keys up to the limit).

A key holding a lone surrogate at the top of the envelope or of a payload would make pydantic refuse the
whole object, without naming the key or any other problem of it: such keys are taken out before validation
and reported as nested ones are, by name (``without_surrogate_keys``).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any

from thrilldrops_events._problems import single
from thrilldrops_events._text import path_text
from thrilldrops_events._unknown import (
    MAX_UNKNOWN_VALUES,
    PAYLOAD_DEPTH,
    TOO_MANY_VALUES,
    drop_surrogate_keys,
    plain_keys,
    unknown_field_problems,
)
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import EventValidationError, Problem

__all__ = ["trim_envelope", "trim_payload", "unknown_problems", "without_surrogate_keys"]

_LIMIT = EventValidationError.max_problems
_ENVELOPE_KEYS = frozenset({"operator_id", "brand_id", "player_id", "timestamp", "event_type"})
_VARIANTS = frozenset(member.value for member in EventType)


def _over(data: Mapping[Any, Any], most: int) -> bool:
    """Whether ``data`` holds more than ``most`` keys.

    ``len`` of a plain dict; another mapping's keys are counted up to ``most + 1``, as its ``__len__`` may
    say anything (even a number no ``len()`` can return).
    """
    if type(data) is dict:
        return len(data) > most
    return sum(1 for _ in islice(data, most + 1)) > most


def _trim(data: Mapping[Any, Any], known: frozenset[str]) -> tuple[dict[Any, Any], int]:
    """``data`` with its known keys and its first unknown ones; and how many unknown keys were dropped."""
    kept: dict[Any, Any] = {}
    unknown = 0
    for key, value in data.items():
        if key in known:
            kept[key] = value
        else:
            unknown += 1
            if unknown <= _LIMIT:
                kept[key] = value
    return kept, max(0, unknown - _LIMIT)


def _too_many(data: Mapping[Any, Any], known: int, path: str) -> None:
    """Refuse, before validation, an object whose unknown fields alone are more values than they may hold."""
    if _over(data, known + MAX_UNKNOWN_VALUES):
        raise single(path, TOO_MANY_VALUES, "too_large")


def trim_payload(data: Mapping[Any, Any], event_type: EventType, strict: bool, path: str = "") -> tuple[
        Mapping[Any, Any], int]:
    """A payload's fields, with unknown ones beyond the limit dropped in strict mode (where each is a problem).

    Raises:
        EventValidationError: In lenient mode, if it has more unknown fields than they may hold values.
    """
    fields = event_type.model.model_fields
    if not _over(data, len(fields) + _LIMIT):
        return data, 0
    if not strict:
        _too_many(data, len(fields), path)
        return data, 0
    return _trim(data, frozenset(fields))


def trim_envelope(data: Mapping[Any, Any], strict: bool) -> tuple[Mapping[Any, Any], int]:
    """An envelope, with the keys that would each be a problem dropped beyond the limit, and their count.

    Those are the keys of ``event_type`` that name no event type, and in strict mode the unknown fields
    of the envelope and of each payload.

    Raises:
        EventValidationError: In lenient mode, if the envelope or a payload has more unknown fields than
            they may hold values (the check of unknown fields would refuse them after validation).
    """
    omitted = 0
    if _over(data, len(_ENVELOPE_KEYS) + _LIMIT):
        if strict:
            data, dropped = _trim(data, _ENVELOPE_KEYS)
            omitted += dropped
        else:
            _too_many(data, len(_ENVELOPE_KEYS), "")
    variants = data.get("event_type")
    if not isinstance(variants, Mapping):
        return data, omitted
    if _over(variants, _LIMIT):
        variants, dropped = _trim(variants, _VARIANTS)
        omitted += dropped
    for name, payload in variants.items():
        if name in _VARIANTS and isinstance(payload, Mapping):
            kept, dropped = trim_payload(payload, EventType(name), strict, f"event_type.{name}")
            if dropped:
                variants = {**variants, name: kept}
                omitted += dropped
    if variants is not data["event_type"]:
        data = {**data, "event_type": variants}
    return data, omitted


def without_surrogate_keys(data: Mapping[Any, Any], payload: bool) -> tuple[Mapping[Any, Any], list[Problem], int]:
    """An envelope (or with ``payload`` a payload) without its keys and its payload's holding a lone surrogate.

    Also a problem for each of the first such keys, and how many more there are. ``data`` itself is returned
    when it has none. The keys of ``event_type`` are left alone: a variant name is no field's name, and
    pydantic refuses it at ``event_type``.
    """
    found: list[Problem] = []
    counted = [0]
    data = drop_surrogate_keys(data, PAYLOAD_DEPTH if payload else 0, "", found, counted)
    variants = None if payload else data.get("event_type")
    if isinstance(variants, Mapping):
        plain = plain_keys(variants, "event_type", found, counted)  # a variant's name is its text
        if plain is not variants:
            data, variants = {**data, "event_type": plain}, plain
        payloads = {name: drop_surrogate_keys(value, PAYLOAD_DEPTH, f"event_type.{path_text(name)}", found, counted)
                    for name, value in variants.items() if name in _VARIANTS and isinstance(value, Mapping)}
        if any(value is not variants[name] for name, value in payloads.items()):
            data = {**data, "event_type": {**variants, **payloads}}
    return data, found, counted[0]


def unknown_problems(data: Mapping[Any, Any], payload: EventType | None, *, python: bool) -> tuple[list[Problem], int]:
    """The problems of the unknown fields of an envelope (or with ``payload`` a payload) that failed validation.

    Unknown fields are otherwise checked once the object is valid (see ``thrilldrops_events._unknown``);
    for one that is not, they are checked here, so that its error lists every problem at once. The
    payloads checked are those under a variant name, each against its event type's fields.
    """
    if payload is not None:
        return unknown_field_problems(data, payload.model.model_fields, PAYLOAD_DEPTH, "", python=python)
    found, omitted = unknown_field_problems(data, _ENVELOPE_KEYS, 0, "", python=python)
    variants = data.get("event_type")
    if isinstance(variants, Mapping):
        for name, value in variants.items():
            if name in _VARIANTS and isinstance(value, Mapping):
                more, counted = unknown_field_problems(value, EventType(name).model.model_fields, PAYLOAD_DEPTH,
                                                       f"event_type.{name}", python=python)
                found += more
                omitted += counted
    return found, omitted
