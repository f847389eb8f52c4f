"""The field checks of the JSON loader as they were before their fast paths: the reference the tests compare with."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, describe, lone_surrogate
from thrilldrops_events.campaigns._checks import _IDENTIFIER, _identifier_ok, plain

__all__ = ["extra_problem", "field_problems", "id_problem", "json_copy", "key_problems", "scope_problem",
           "tags_problem", "window_problem"]

_MAX_NAME = 1000
_MAX_TAG = 255
_MAX_TAGS = 1000
_MAX_TIMESTAMP = 253_402_300_799
_MAX_EXTRA_DEPTH = 32
_MAX_EXTRA_ITEMS = 10_000
_JSON_DIGITS = 4300
_JSON_INT = 10**_JSON_DIGITS


def _not_text(value: object) -> bool:
    return isinstance(value, str) and lone_surrogate(value) >= 0


def id_problem(value: object) -> str | None:
    value = plain(value)
    if _not_text(value):
        return f"a campaign id {LONE_SURROGATE_MESSAGE}"
    if isinstance(value, str) and value and value.strip() == value:
        return None
    return f"a campaign id is a non-empty string without surrounding whitespace, not {describe(value)}"


def scope_problem(name: str, value: object) -> str | None:
    value = plain(value)
    if _not_text(value):
        return f"{name} {LONE_SURROGATE_MESSAGE}: no envelope holds one"
    if value is None or (isinstance(value, str) and len(value) <= (_IDENTIFIER.max_length or 0)
                         and _identifier_ok(value) is not None):
        return None
    return (f"{name} is an envelope identifier (a non-empty string without surrounding whitespace, "
            f"at most {_IDENTIFIER.max_length} characters) or null, not {describe(value)}")


def name_problem(value: object) -> str | None:
    if _not_text(value):
        return f"name {LONE_SURROGATE_MESSAGE}"
    if value is None or (isinstance(value, str) and 0 < len(value) <= _MAX_NAME):
        return None
    return f"name is a non-empty string of at most {_MAX_NAME} characters or null, not {describe(value)}"


def tags_problem(value: object) -> str | None:
    if isinstance(value, (list, tuple)) and len(value) <= _MAX_TAGS and all(
        isinstance(tag, str) and 0 < len(tag) <= _MAX_TAG for tag in value
    ):
        if any(map(_not_text, value)):
            return f"a tag {LONE_SURROGATE_MESSAGE}"
        return None
    return f"tags are a list of at most {_MAX_TAGS} non-empty strings of at most {_MAX_TAG} characters"


def window_problem(start: object, end: object) -> tuple[str, str] | None:
    for key, value in (("active_from", start), ("active_until", end)):
        if value is not None and (type(value) is not int or not 0 <= value <= _MAX_TIMESTAMP + 1):
            return key, f"{key} is Unix seconds (an integer from 0) or null, not {describe(value)}"
    if isinstance(start, int) and isinstance(end, int) and start >= end:
        return "active_until", f"active_until ({end}) must be later than active_from ({start})"
    return None


def field_problems(fields: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    checks = [("name", name_problem(fields.get("name")), "invalid_name"),
              ("tags", tags_problem(fields.get("tags", ())), "invalid_tags"),
              *((name, scope_problem(name, fields.get(name)), "invalid_scope") for name in ("operator_id", "brand_id"))]
    found = [(key, message, kind) for key, message, kind in checks if message is not None]
    window = window_problem(fields.get("active_from"), fields.get("active_until"))
    if window is not None:
        found.append((window[0], window[1], "invalid_window"))
    return found


def extra_problem(key: object, value: object) -> str | None:
    if not isinstance(key, str):
        return f"field names are strings, not {describe(key)}"
    if _not_text(key):
        return f"field name {describe(key)} {LONE_SURROGATE_MESSAGE}"
    items = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        items += 1
        if depth > _MAX_EXTRA_DEPTH or items > _MAX_EXTRA_ITEMS:
            return f"{key} is larger than a campaign field may be (depth {_MAX_EXTRA_DEPTH}, {_MAX_EXTRA_ITEMS} values)"
        if isinstance(item, str):
            if lone_surrogate(item) >= 0:
                return f"{key} holds a string that {LONE_SURROGATE_MESSAGE}"
        elif item is None or isinstance(item, bool):
            pass
        elif isinstance(item, (dict, Mapping)):
            if not all(isinstance(name, str) for name in item):
                return f"{key} holds an object whose keys are not all strings"
            if any(map(_not_text, item)):
                return f"{key} holds a key that {LONE_SURROGATE_MESSAGE}"
            stack.extend((member, depth + 1) for member in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((member, depth + 1) for member in item)
        elif not isinstance(item, (int, float)):
            return f"{key} holds {type(item).__name__}, which is not a JSON value"
        elif isinstance(item, float) and not math.isfinite(item):
            return f"{key} holds {item}, which is not a JSON number"
        elif isinstance(item, int) and not -_JSON_INT < item < _JSON_INT:
            return f"{key} holds an integer of more than {_JSON_DIGITS} digits, which JSON text cannot hold here"
    return None


def key_problems(entry: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    from thrilldrops_events._text import path_text
    from thrilldrops_events.campaigns._checks import near_key
    from thrilldrops_events.campaigns._json import _KEYS, _REQUIRED, _event_type_problem

    found: list[tuple[str, str, str]] = []
    for key, value in entry.items():
        if key in _KEYS:
            continue
        close = near_key(key) if isinstance(key, str) else None
        if close is not None:
            found.append((path_text(key), f"unknown key {key!r}; did you mean {close!r}? (other keys are kept as the "
                                    "engine's own fields, but not one so close to a key that changes what a "
                                    "campaign matches)", "unknown_key"))
            continue
        problem = extra_problem(key, value)
        if problem is not None:
            found.append((path_text(key), problem, "invalid_field"))
    found.extend((key, f"{key} is missing", "missing") for key in _REQUIRED if key not in entry)
    checks = [("id", id_problem(entry["id"]) if "id" in entry else None, "invalid_id"),
              ("event_type", _event_type_problem(entry["event_type"]) if "event_type" in entry else None,
               "unknown_event_type")]
    found.extend((key, message, kind) for key, message, kind in checks if message is not None)
    found.extend(field_problems(entry))
    return found


_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (Mapping, list, tuple)


def json_copy(value: Any) -> Any:
    if not isinstance(value, _CONTAINERS):
        return value
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    while stack:
        source, into, slot = stack.pop()
        made: Any = dict(source) if isinstance(source, Mapping) else list(source)
        for place, member in (made.items() if isinstance(made, dict) else enumerate(made)):
            if member.__class__ not in _SCALARS and isinstance(member, _CONTAINERS):
                stack.append((member, made, place))
        into[slot] = made
    return holder[0]
