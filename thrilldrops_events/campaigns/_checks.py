"""The checks of a campaign's fields, shared by ``Campaign``, ``CampaignSet.add`` and the JSON loader.

Also the copying and comparing of engine fields as JSON values.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from itertools import repeat
from typing import Any

from thrilldrops_events._kinds import KIND_CONSTRAINTS
from thrilldrops_events._suggest import closest
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, describe, lone_surrogate

__all__ = [
    "KEYS",
    "MATCHING_KEYS",
    "copy_fields",
    "extra_problem",
    "field_problems",
    "fields_problem",
    "id_problem",
    "json_copy",
    "name_problem",
    "near_key",
    "plain",
    "same_json",
    "scope_problem",
    "tags_problem",
    "window_problem",
]

#: The keys of a campaign's JSON form that the set reads; any other key is an engine field.
KEYS = ("id", "name", "event_type", "operator_id", "brand_id", "active_from", "active_until", "tags", "condition")
#: The optional keys that change what a campaign matches: an unknown key close to one is refused as a misspelling.
MATCHING_KEYS = ("event_type", "operator_id", "brand_id", "active_from", "active_until")

_MAX_NAME = 1000
_MAX_TAG = 255
_MAX_TAGS = 1000
_MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
_MAX_EXTRA_DEPTH = 32
_MAX_EXTRA_ITEMS = 10_000
_JSON_DIGITS = 4300  # Python's limit on the digits of an integer written as text (json.dumps writes it so)
_JSON_INT = 10**_JSON_DIGITS


@functools.lru_cache(maxsize=1024)
def near_key(name: str) -> str | None:
    """The campaign key that decides what a campaign matches and that an engine field's ``name`` is close to.

    Kept per name: every campaign of a configuration holds the same engine fields, and the comparison
    costs far more than the look-up.
    """
    return closest(name, MATCHING_KEYS)


_IDENTIFIER = KIND_CONSTRAINTS["identifier"]
#: Whether a string is an envelope identifier as the event models check one (the table's pattern, in full).
_identifier_ok = re.compile((_IDENTIFIER.pattern or "^$")[1:-1]).fullmatch


def plain(value: Any) -> Any:
    """A string's text as a ``str`` (a subclass's own; an enum member's value), anything else as it is.

    An id or a scope is a key of the set's records and of its index, and is written back: a subclass
    may compare, hash or print as another string (``str()`` of a ``(str, Enum)`` member is its name).
    """
    return str.__str__(value) if isinstance(value, str) and type(value) is not str else value


def _not_text(value: object) -> bool:
    """Whether ``value`` is a string holding a lone surrogate: not text, and no UTF-8 writer can write it."""
    return isinstance(value, str) and lone_surrogate(value) >= 0


def id_problem(value: object) -> str | None:
    """What is wrong with a campaign id, or ``None``."""
    if type(value) is str and value.isascii() and value and value.strip() == value:  # the common case, at once
        return None
    value = plain(value)
    if _not_text(value):
        return f"a campaign id {LONE_SURROGATE_MESSAGE}"
    if isinstance(value, str) and value and value.strip() == value:
        return None
    return f"a campaign id is a non-empty string without surrounding whitespace, not {describe(value)}"


def scope_problem(name: str, value: object) -> str | None:
    """What is wrong with an ``operator_id`` or ``brand_id`` scope (an identifier an envelope may hold), or ``None``."""
    if value is None:
        return None
    if type(value) is not str or not value.isascii():  # else it is its own text, and holds no surrogate
        value = plain(value)
        if _not_text(value):
            return f"{name} {LONE_SURROGATE_MESSAGE}: no envelope holds one"
    if isinstance(value, str) and len(value) <= (_IDENTIFIER.max_length or 0) and _identifier_ok(value) is not None:
        return None
    return (f"{name} is an envelope identifier (a non-empty string without surrounding whitespace, "
            f"at most {_IDENTIFIER.max_length} characters) or null, not {describe(value)}")


def name_problem(value: object) -> str | None:
    """What is wrong with a campaign's name, or ``None``."""
    if _not_text(value):
        return f"name {LONE_SURROGATE_MESSAGE}"
    if value is None or (isinstance(value, str) and 0 < len(value) <= _MAX_NAME):
        return None
    return f"name is a non-empty string of at most {_MAX_NAME} characters or null, not {describe(value)}"


def tags_problem(value: object) -> str | None:
    """What is wrong with a campaign's tags, or ``None``."""
    if isinstance(value, (list, tuple)) and len(value) <= _MAX_TAGS:
        surrogate = False
        for tag in value:  # one pass (a few tags each, for thousands of campaigns), every tag checked first
            if not (isinstance(tag, str) and 0 < len(tag) <= _MAX_TAG):
                break
            if not surrogate and not tag.isascii():
                surrogate = lone_surrogate(tag) >= 0
        else:
            return f"a tag {LONE_SURROGATE_MESSAGE}" if surrogate else None
    return f"tags are a list of at most {_MAX_TAGS} non-empty strings of at most {_MAX_TAG} characters"


def window_problem(start: object, end: object) -> tuple[str, str] | None:
    """What is wrong with an active window, as ``(key, message)``, or ``None``."""
    if start is None and end is None:  # most campaigns have none
        return None
    for key, value in (("active_from", start), ("active_until", end)):
        if value is not None and (type(value) is not int or not 0 <= value <= _MAX_TIMESTAMP + 1):
            return key, f"{key} is Unix seconds (an integer from 0) or null, not {describe(value)}"
    if isinstance(start, int) and isinstance(end, int) and start >= end:
        return "active_until", f"active_until ({end}) must be later than active_from ({start})"
    return None


def field_problems(fields: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(key, message, kind)`` for each malformed optional field of a campaign: name, tags, scope, window."""
    found: list[tuple[str, str, str]] = []
    get = fields.get
    # one check after the other, in this order (no list of them to filter: this runs for every campaign loaded)
    if (message := name_problem(get("name"))) is not None:
        found.append(("name", message, "invalid_name"))
    if (message := tags_problem(get("tags", ()))) is not None:
        found.append(("tags", message, "invalid_tags"))
    if (message := scope_problem("operator_id", get("operator_id"))) is not None:
        found.append(("operator_id", message, "invalid_scope"))
    if (message := scope_problem("brand_id", get("brand_id"))) is not None:
        found.append(("brand_id", message, "invalid_scope"))
    window = window_problem(get("active_from"), get("active_until"))
    if window is not None:
        found.append((window[0], window[1], "invalid_window"))
    return found


def extra_problem(key: object, value: Any) -> str | None:
    """What is wrong with an engine field (a JSON value, kept as it is), or ``None``.

    Only what JSON text can hold: no NaN or infinite float, no integer of more digits than Python
    writes as text by default (4300), so ``json.dumps`` of the set always succeeds.
    """
    if type(key) is not str or not key.isascii():  # an ASCII str is a name, and holds no surrogate
        if not isinstance(key, str):
            return f"field names are strings, not {describe(key)}"
        if _not_text(key):
            return f"field name {describe(key)} {LONE_SURROGATE_MESSAGE}"  # repr() escapes it
    kind = type(value)
    if value is None or kind is bool or (kind is int and -_JSON_INT < value < _JSON_INT):
        return None  # a lone scalar (a priority, a flag): what the walk below finds of it, at once
    if kind is dict and _plain_object(value):
        return None  # an object of plain values (a reward, a budget): the walk below would find nothing either
    items = 0
    stack: list[tuple[Any, int]] = [(value, 0)]  # JSON values, told apart by their exact types below
    while stack:
        item, depth = stack.pop()
        items += 1
        if depth > _MAX_EXTRA_DEPTH or items > _MAX_EXTRA_ITEMS:
            return f"{key} is larger than a campaign field may be (depth {_MAX_EXTRA_DEPTH}, {_MAX_EXTRA_ITEMS} values)"
        kind = type(item)
        # The exact JSON types first, each as the general checks below would take it: a check
        # against an ABC costs several times more, and this runs for every value of every campaign.
        if kind is str:
            if not item.isascii() and lone_surrogate(item) >= 0:
                return f"{key} holds a string that {LONE_SURROGATE_MESSAGE}"
        elif kind is int:
            if not -_JSON_INT < item < _JSON_INT:
                return f"{key} holds an integer of more than {_JSON_DIGITS} digits, which JSON text cannot hold here"
        elif kind is dict:
            problem = _keys_problem(key, item)
            if problem is not None:
                return problem
            stack.extend(zip(item.values(), repeat(depth + 1)))
        elif kind is list:
            stack.extend(zip(item, repeat(depth + 1)))
        else:
            problem = _other_problem(key, item, depth, stack)
            if problem is not None:
                return problem
    return None


def _plain_object(item: dict[Any, Any]) -> bool:
    """Whether an object surely holds no problem: ASCII names of ASCII strings, JSON integers, booleans or nulls.

    ``False`` says nothing: ``extra_problem`` then walks it (it may hold other values, all fine).
    """
    if len(item) >= _MAX_EXTRA_ITEMS:
        return False
    for name, member in item.items():
        if type(name) is not str or not name.isascii():
            return False
        kind = type(member)
        if kind is str:
            if not member.isascii():
                return False
        elif kind is int:
            if not -_JSON_INT < member < _JSON_INT:
                return False
        elif member is not None and kind is not bool:
            return False
    return True


def _keys_problem(key: object, item: dict[Any, Any]) -> str | None:
    """What is wrong with the keys of an object in an engine field: a key not a string, else one not text."""
    surrogate = False
    for name in item:  # one pass, but every key is a string before a lone surrogate is reported
        if not isinstance(name, str):
            return f"{key} holds an object whose keys are not all strings"
        if not surrogate and not name.isascii():
            surrogate = lone_surrogate(name) >= 0
    return f"{key} holds a key that {LONE_SURROGATE_MESSAGE}" if surrogate else None


def _other_problem(key: object, item: object, depth: int, stack: list[tuple[Any, int]]) -> str | None:
    """``extra_problem``'s check of one value that is of no exact JSON type: a subclass, a float, ``None``, ...

    Its members (of a mapping, a list or a tuple) go on ``stack``, as ``extra_problem`` puts a dict's.
    """
    if isinstance(item, str):
        if lone_surrogate(item) >= 0:
            return f"{key} holds a string that {LONE_SURROGATE_MESSAGE}"
    elif item is None or isinstance(item, bool):
        pass
    elif isinstance(item, Mapping):
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


def fields_problem(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(kind, message)`` for the first malformed field of an ``add`` or ``replace`` (``extra`` too), or ``None``."""
    problems = field_problems(fields)
    if problems:
        _, message, kind = problems[0]
        return kind, message
    extra = fields.get("extra") or {}
    if not isinstance(extra, Mapping):
        return "invalid_field", f"extra is a mapping of field names to JSON values, not {type(extra).__name__}"
    for key, value in extra.items():
        if key in KEYS or (isinstance(key, str) and near_key(key) is not None):
            return "invalid_field", f"{key!r} cannot be an engine field: it is, or is close to, a campaign key"
        problem = extra_problem(key, value)
        if problem is not None:
            return "invalid_field", problem
    return None


_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (Mapping, list, tuple)


def json_copy(value: Any) -> Any:
    """A JSON value whose objects (dicts) and arrays (lists, a tuple too) are new ones; without recursion.

    What a campaign keeps of what it was given (a condition document, engine fields), so that the
    caller changing its own objects afterwards changes nothing in the set.
    """
    kind = value.__class__
    if kind in _SCALARS or (kind is not dict and not isinstance(value, _CONTAINERS)):  # exact types, at once
        return value
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    while stack:
        source, into, slot = stack.pop()
        # a dict is a Mapping: told by its exact type, without the ABC's check (which costs several times more)
        made: Any = dict(source) if source.__class__ is dict or isinstance(source, Mapping) else list(source)
        for place, member in (made.items() if isinstance(made, dict) else enumerate(made)):
            if member.__class__ not in _SCALARS and isinstance(member, _CONTAINERS):
                stack.append((member, made, place))
        into[slot] = made
    return holder[0]


def copy_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Engine fields of their own: a campaign shares none of its objects with what it was given or gives."""
    return {key: json_copy(value) for key, value in fields.items()}


def _json_kind(value: object) -> object:
    """What JSON text tells apart: ``true``, ``1`` and ``1.0`` are different values (Python calls them equal)."""
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return float
    return type(value)


def same_json(first: object, second: object) -> bool:
    """Whether two JSON values (as ``json.loads`` gives them) are the same value, as their JSON text says.

    Unlike ``==``, ``true``, ``1`` and ``1.0`` (and ``0.0`` and ``-0.0``) differ; a tuple is the list it
    writes as. Walks without recursion, so a deep condition document is no problem.
    """
    stack: list[tuple[object, object]] = [(first, second)]
    while stack:
        a, b = stack.pop()
        if isinstance(a, Mapping):
            if not isinstance(b, Mapping) or len(a) != len(b):
                return False
            for key, value in a.items():
                if key not in b:
                    return False
                stack.append((value, b[key]))
        elif isinstance(a, (list, tuple)):
            if not isinstance(b, (list, tuple)) or len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif _json_kind(a) is not _json_kind(b) or (repr(a) != repr(b) if isinstance(a, float) else a != b):
            return False
    return True
