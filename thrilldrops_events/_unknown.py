"""What an unknown field may hold: JSON values the library can write back and read again, nested at most 64 deep.

Unknown fields are kept and written back out, so whatever is accepted must be writable. The check runs
wherever unknown fields enter: the exact JSON reader's output, a ``dict`` given to ``parse_event``, and
the constructors. It refuses, each with its path:

* a string or an object key holding a lone surrogate (see ``thrilldrops_events._text``);
* from Python values only: a number the JSON reader would refuse (an integer of more than 100 digits,
  a ``Decimal`` of more than 100 digits), NaN or an infinity, an object key that is not a string,
  and any value that is not JSON (a ``set``, ``bytes``, a ``datetime``...);
* nesting deeper than ``MAX_DEPTH`` in the whole document, and more than ``MAX_UNKNOWN_VALUES``
  values in the unknown fields of one object.

The walk is iterative, visits each value once and stops at that many values; problems beyond the
error's limit are only counted.

A ``Decimal`` given as a Python value (what ``json.loads(..., parse_float=Decimal)`` makes of a JSON number)
is kept as a ``JsonNumber``, as the exact reader keeps the numbers it reads, so that it is written back as the
JSON number it was, not as a string; an object key of a ``str`` subclass is kept as the plain ``str`` of its
characters (so that it pickles, compares and is written as the text it holds, whatever its class overrides).
The containers holding either are copied for that, never changed: they may be the caller's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from thrilldrops_events._numbers import JsonNumber, number_problem
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate, path_text
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.types import _HIDDEN, SECRET_FIELD_NAMES

__all__ = ["MAX_DEPTH", "MAX_UNKNOWN_VALUES", "PAYLOAD_DEPTH", "TOO_MANY_VALUES", "check_unknown_fields",
           "drop_surrogate_keys", "hide_unknown_secrets_in_json", "plain_keys", "unknown_field_problems"]

#: The deepest nesting of arrays and objects read in an event document.
MAX_DEPTH = 64
#: The most values (object members and array items, at any depth) in the unknown fields of one object;
#: the checks and the copies of unknown fields never cost more than that.
MAX_UNKNOWN_VALUES = 10_000
#: The problem stated when unknown fields hold more values than that.
TOO_MANY_VALUES = f"unknown fields hold more than {MAX_UNKNOWN_VALUES:,} values"
#: How deep a payload's object sits in its envelope (under ``event_type.<Variant>``); a payload read or
#: built on its own is measured there too, so that it can always be sent in an envelope.
PAYLOAD_DEPTH = 2

_NOT_JSON = "cannot be written as JSON"
_STR_ONLY = frozenset({str})
_NO_KEY = object()  # a problem of an object itself, not of one of its members (whose key may be None)


class _Report:
    """The problems found, the first ones listed and the rest counted; paths are built only for those listed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.omitted = 0

    def add(self, node: tuple[Any, ...], key: object, message: str, kind: str) -> None:
        """Record a problem of ``node``'s member ``key`` (``_NO_KEY``: of the object itself; ``None`` is a key)."""
        if len(self.problems) >= EventValidationError.max_problems:
            self.omitted += 1
            return
        parts = [] if key is _NO_KEY else [path_text(key)]
        while node[2] is not None:  # (container, level, parent, key in parent): climb to the root
            parts.append(path_text(node[3]))
            node = node[2]
        parts.append(self.path)
        self.problems.append(Problem(".".join(part for part in reversed(parts) if part), message, kind))


def _python_value(item: Any) -> tuple[str, str] | None:
    """Why a Python value (other than a string, an object or an array) cannot be written back, or ``None``."""
    if item is None or item is True or item is False:
        return None
    if isinstance(item, Enum):
        item = item.value
        if isinstance(item, str):
            return (f"string {LONE_SURROGATE_MESSAGE}", "lone_surrogate") if lone_surrogate(item) >= 0 else None
    if type(item) is int or type(item) is float or isinstance(item, Decimal):
        message = number_problem(item)
        if message is None:
            return None
        return message, "number_too_large" if "digits" in message else "number_not_finite"
    return f"{_NOT_JSON}: a value of type {type(item).__name__}", "not_serializable"


def check_unknown_fields(
    extra: dict[str, Any], depth: int, path: str, *, number_type: type[Decimal] | None = None, python: bool = True
) -> None:
    """Check unknown fields (see the module docstring); with ``number_type``, mark the ``Decimal``s in place.

    Args:
        extra: The unknown fields of one object.
        depth: How deep that object sits in its document (the root object is at depth 0).
        path: The object's JSON path, for the problems (``""`` for the envelope).
        number_type: A ``Decimal`` subclass to turn each ``Decimal`` into (the exact reader's JSON numbers).
        python: Whether the values come from Python code, rather than from the exact JSON reader (whose
            numbers are already bounded and whose keys are strings).

    Raises:
        EventValidationError: With every problem found, each with its path.
    """
    report = _Report(path)
    stack: list[tuple[Any, int, Any, Any]] = [(extra, depth, None, None)]
    budget = MAX_UNKNOWN_VALUES
    copies = False  # a Decimal to mark, or a key of a str subclass to make plain: containers to copy
    while stack:
        node = stack.pop()
        container, level = node[0], node[1]
        if level >= MAX_DEPTH:
            report.add(node, _NO_KEY, f"unknown fields are nested more than {MAX_DEPTH} levels deep", "too_deep")
            continue
        budget -= len(container)
        if budget < 0:
            report.add((path, depth, None, None), _NO_KEY, TOO_MANY_VALUES, "too_large")
            break
        is_dict = type(container) is dict
        rekeyed = False
        for key, item in container.items() if is_dict else enumerate(container):
            if is_dict and (type(key) is not str or not key.isascii()):
                rekeyed = _check_key(report, node, key) or rekeyed
            kind = type(item)
            if kind is str:
                if not item.isascii() and lone_surrogate(item) >= 0:
                    report.add(node, key, f"string {LONE_SURROGATE_MESSAGE}", "lone_surrogate")
            elif kind is dict or kind is list or (python and kind is tuple):
                stack.append((item, level + 1, node, key))
            elif kind is Decimal and number_type is not None:
                container[key] = number_type(item)
            elif python:
                found = _python_value(item)
                if found is not None:
                    report.add(node, key, *found)
                elif kind is not JsonNumber and isinstance(item, Decimal):
                    copies = True
        if rekeyed:
            copies = True
            _check_plain_keys(report, node, container)
    if report.problems or report.omitted:
        raise EventValidationError(report.problems, omitted=report.omitted)
    if copies:
        plain = {_plain_key(key): _as_json_numbers(item) for key, item in extra.items()}
        extra.clear()
        extra.update(plain)


def unknown_field_problems(data: Mapping[Any, Any], known: Collection[str], depth: int, path: str, *,
                           python: bool = True) -> tuple[list[Problem], int]:
    """The problems ``check_unknown_fields`` finds in the unknown fields of ``data``, and how many more.

    For an object that failed validation: its unknown fields are checked all the same, so that every
    problem of the input is reported at once. Nothing of ``data`` is changed.

    Args:
        data: An object of the input, as given.
        known: The names of its fields.
        depth: How deep it sits in its document.
        path: Its JSON path.
        python: As for ``check_unknown_fields``.
    """
    extra = {key: value for key, value in data.items() if key not in known}
    if not extra:
        return [], 0
    try:
        check_unknown_fields(extra, depth, path, python=python)
    except EventValidationError as error:
        return list(error.problems), error.omitted
    return [], 0


def _plain_key(key: Any) -> Any:
    """A key of a ``str`` subclass as the plain ``str`` of its characters (``str.__str__`` ignores overrides)."""
    return str.__str__(key) if type(key) is not str and isinstance(key, str) else key


def _as_json_numbers(item: Any) -> Any:
    """``item`` with each other ``Decimal`` as a ``JsonNumber`` and each key plain, in copies of the containers.

    Only the containers that hold such a value or key (or hold one that does) are copied. The checks bounded
    the nesting first, so the recursion is at most ``MAX_DEPTH`` deep.
    """
    kind = type(item)
    if kind is dict:
        pairs = [(_plain_key(key), _as_json_numbers(value)) for key, value in item.items()]
        if all(new[0] is old[0] and new[1] is old[1] for new, old in zip(pairs, item.items(), strict=True)):
            return item
        return dict(pairs)
    if kind is list or kind is tuple:
        items = [_as_json_numbers(value) for value in item]
        if all(new is old for new, old in zip(items, item, strict=True)):
            return item
        return items if kind is list else tuple(items)
    if kind is not JsonNumber and isinstance(item, Decimal):
        return JsonNumber(item)
    return item


def _check_key(report: _Report, node: tuple[Any, ...], key: object) -> bool:
    """Check a key that is not an ASCII ``str``; returns whether it is of a ``str`` subclass (to make plain)."""
    if not isinstance(key, str):
        report.add(node, key, f"{_NOT_JSON}: an object key must be a string", "not_serializable")
        return False
    if lone_surrogate(key) >= 0:
        report.add(node, key, f"key {LONE_SURROGATE_MESSAGE}", "lone_surrogate")
    return type(key) is not str


def _check_plain_keys(report: _Report, node: tuple[Any, ...], container: dict[Any, Any]) -> None:
    """Refuse an object two of whose keys are the same text once plain (a ``str`` subclass may hash as it likes)."""
    seen: set[str] = set()
    for key in container:
        if isinstance(key, str):
            plain = str.__str__(key)
            if plain in seen:
                report.add(node, key, "key given twice (two keys hold the same text)", "duplicate_key")
            seen.add(plain)


def _bad_key(key: object) -> bool:
    return type(key) is str and not key.isascii() and lone_surrogate(key) >= 0


def plain_keys(data: Mapping[Any, Any], path: str, found: list[Problem], counted: list[int]) -> Mapping[Any, Any]:
    """``data`` with each key of a ``str`` subclass as the plain ``str`` of its characters (``data`` itself if none).

    A subclass may hash and compare as it likes: pydantic, looking a field up by its name, would take the value
    of a key merely equal to it (``Evil("note") == "amount"``), and keep that key as an unknown field as well.
    Made plain, a key names a field only if its text does. Two keys of the same text (a subclass equal to
    nothing else) would be one: the second is a problem (``duplicate_key``), added to ``found`` as in
    ``drop_surrogate_keys``. Keys that are not strings are left to pydantic, which refuses them.
    """
    if _STR_ONLY.issuperset(map(type, data)):  # the usual case, in C
        return data
    plain: dict[Any, Any] = {}
    for key, value in data.items():
        if isinstance(key, str):
            key = str.__str__(key)  # its characters, whatever its class overrides
            if key in plain:
                if len(found) < EventValidationError.max_problems:
                    where = f"{path}.{path_text(key)}" if path else path_text(key)
                    found.append(Problem(where, "key given twice (two keys hold the same text)", "duplicate_key"))
                else:
                    counted[0] += 1
                continue
        plain[key] = value
    return plain


def drop_surrogate_keys(data: Mapping[Any, Any], depth: int, path: str, found: list[Problem],
                        counted: list[int]) -> Mapping[Any, Any]:
    """``data`` without its keys holding a lone surrogate (``data`` itself if it has none), each one a problem.

    Pydantic refuses an object with such a key whole, naming neither the key nor any other problem of the
    object: the readers and the constructors take these fields out before validating, and check them as
    unknown fields, as nested ones are checked (the key, and what its value holds). The problems are added to
    ``found`` (the object at ``depth``, its path ``path``), up to the error's limit; the others are counted in
    ``counted[0]``. A key of a ``str`` subclass is made plain first (see ``plain_keys``).
    """
    data = plain_keys(data, path, found, counted)
    try:
        if "".join(data).isascii():  # the usual case, in C
            return data
    except TypeError:  # a key that is not a string (from Python): pydantic refuses it
        pass
    bad = {key: value for key, value in data.items() if _bad_key(key)}
    if not bad:
        return data
    try:
        check_unknown_fields(bad, depth, path)
    except EventValidationError as error:
        room = max(0, EventValidationError.max_problems - len(found))
        found.extend(error.problems[:room])
        counted[0] += error.omitted + max(0, len(error.problems) - room)
    return {key: value for key, value in data.items() if key not in bad}


def hide_unknown_secrets_in_json(fields: dict[str, Any], declared: Collection[str]) -> dict[str, Any]:
    """A model's JSON dump (``fields``) with every unknown field named like a secret written as ``**********``.

    That is each member named ``session_token`` of the unknown fields (the keys of ``fields`` not in
    ``declared``), at any depth: pydantic's JSON dumps hide the declared token, and a stray one must not
    show either. The objects and arrays on the way are copied, never changed; the walk is iterative.
    """
    unknown = [key for key in fields if key not in declared]
    if not unknown:
        return fields
    hidden = dict(fields)
    stack: list[tuple[Any, Any]] = [(hidden, key) for key in unknown]
    while stack:
        holder, at = stack.pop()
        if at in SECRET_FIELD_NAMES and type(holder) is dict:
            holder[at] = _HIDDEN
            continue
        item = holder[at]
        if isinstance(item, dict):
            holder[at] = item = dict(item)
            stack.extend((item, key) for key in item)
        elif isinstance(item, (list, tuple)):
            holder[at] = item = list(item)
            stack.extend((item, index) for index in range(len(item)))
    return hidden
