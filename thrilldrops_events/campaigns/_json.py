"""Reading campaigns from their JSON form, reporting every bad entry at once.

The JSON form of a campaign set is a list of objects::

    [{"id": "welcome-drop", "event_type": "Deposit", "operator_id": null, "brand_id": "b-7",
      "condition": {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, {"number": "20"}]}},
      "name": "Welcome drop", "tags": ["onboarding"], "active_from": 1777852800, "reward": {"drops": 5}}]

``condition`` is the condition language's JSON form, or condition text (handy in hand-written
configuration). ``operator_id``, ``brand_id``, ``name``, ``tags``, ``active_from`` and
``active_until`` may be left out. Any other key is the engine's own field, kept and written back
as it is, except a key close to one that changes what a campaign matches (``brand`` for
``brand_id``): a misspelling there would silently widen a campaign, so it is refused.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from thrilldrops_events._suggest import closest
from thrilldrops_events._text import describe, path_text
from thrilldrops_events.campaigns.campaign import KEYS, extra_problem, field_problems, id_problem, near_key
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import CampaignConfigError, CampaignError, ConditionError, Problem

__all__ = ["BATCH", "collector_paused", "config_entries", "entry_fields", "is_parsed", "read_campaigns"]

T = TypeVar("T")
#: The fewest campaigns (entries, changes) of a batch that runs with the garbage collector paused.
BATCH = 100
_REQUIRED = ("id", "event_type", "condition")
_KEYS = frozenset(KEYS)
_EVENT_TYPES = frozenset(member.value for member in EventType)
_KINDS = {
    "ConditionSyntaxError": "condition_syntax",
    "ConditionTypeError": "condition_type",
    "ConditionLimitError": "condition_limit",
}


def _event_type_problem(value: object) -> str | None:
    if isinstance(value, str) and value in _EVENT_TYPES:
        return None
    names = [member.value for member in EventType]
    close = closest(value, names)
    hint = f"; did you mean {close!r}?" if close else f" (one of {', '.join(names)})"
    return f"unknown event type {describe(value)}{hint}"


@contextlib.contextmanager
def collector_paused(size: int) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch of ``size`` campaigns is built, if it is running.

    Building thousands of campaigns allocates millions of small objects, none of them garbage in
    a cycle, and the collector would walk them all again and again as they pile up (about a third
    of the time ``from_json`` took); msgspec pauses it likewise while it decodes. Only a batch of
    at least ``BATCH`` pauses it, and it runs again when the batch ends, even by an error.

    What the batch built is then moved to the oldest generation at once (``gc.freeze()`` then
    ``gc.unfreeze()``), rather than walked by the next collections of the young ones on its way
    there: a tenth of the time ``from_json`` took. Not if any object is frozen already (the
    program's own, or the few hundred CPython 3.12.1 keeps there after each full collection): they
    stay frozen.
    """
    if size < BATCH or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # else objects are frozen already (the program's or the interpreter's): kept so
            gc.freeze()
            gc.unfreeze()
        gc.enable()


class _Twice(dict[str, Any]):
    """An object of JSON text that gave a key more than once (``json.loads`` keeps the last value)."""

    __slots__ = ("twice",)
    twice: tuple[str, ...]


class _Parsed(list[Any]):
    """The entries read from JSON text: objects no caller holds."""

    __slots__ = ()


class _Entries(_Parsed):
    """The entries read from JSON text in which some object gave a key more than once."""

    __slots__ = ()


def is_parsed(entries: list[Any]) -> bool:
    """Whether ``entries`` (from ``config_entries``) were read from JSON text, so no caller holds their objects."""
    return isinstance(entries, _Parsed)


def _reader() -> tuple[Callable[[list[tuple[str, Any]]], dict[str, Any]], list[bool]]:
    """An ``object_pairs_hook`` that marks objects giving a key twice, and a flag set when it met one."""
    seen = [False]

    def pairs_to_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) == len(pairs):
            return made
        marked = _Twice(made)
        keys = [key for key, _ in pairs]
        marked.twice = tuple(dict.fromkeys(key for key in keys if keys.count(key) > 1))
        seen[0] = True
        return marked

    return pairs_to_object, seen


def config_entries(data: Any) -> list[Any]:
    """The entries of a configuration: a list as given, or the list JSON text holds.

    Raises:
        CampaignConfigError: If it is not JSON, or not a list.
    """
    if isinstance(data, _Parsed):
        return data
    seen: list[bool] | None = None
    if isinstance(data, (str, bytes, bytearray)):
        hook, seen = _reader()
        try:
            data = json.loads(data, object_pairs_hook=hook)
        except (ValueError, RecursionError) as error:
            raise CampaignConfigError([Problem("", f"not JSON: {error}", "json_invalid")], [None]) from None
    if isinstance(data, Mapping) or not isinstance(data, Iterable):
        what = "an object" if isinstance(data, Mapping) else type(data).__name__
        raise CampaignConfigError([Problem("", f"campaigns are a list of objects, not {what}", "not_a_list")], [None])
    if seen is None:
        return list(data)
    return _Entries(data) if seen[0] else _Parsed(data)


def _keys_given_twice(entry: Any) -> list[tuple[str, str, str]]:
    """``(path, message, kind)`` for each key an object of the entry (at any depth) gave more than once."""
    found: list[tuple[str, str, str]] = []
    stack: list[tuple[Any, str]] = [(entry, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, Mapping):
            found.extend((path + path_text(key), f"key {describe(key)} given more than once in one object; JSON "
                                                 "keeps only its last value, and the others would be lost",
                          "duplicate_key") for key in getattr(value, "twice", ()))
            stack.extend((member, f"{path}{path_text(key)}.") for key, member in value.items())
        elif isinstance(value, list):
            stack.extend((member, f"{path}{number}.") for number, member in enumerate(value))
    return sorted(found)


def _condition_message(error: ConditionError) -> str:
    """The condition error on one line: its position (or JSON path) and message."""
    if error.line is not None:
        return f"line {error.line}, column {error.column}: {error.message}"
    if error.path:  # the document's own problem (an unexpected key beside "version") has the empty path
        return f"{error.path}: {error.message}"
    return error.message


def entry_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of ``CampaignSet.add`` that a (checked) entry gives: known keys, and the rest as ``extra``."""
    return {
        "campaign_id": entry["id"],
        "event_type": entry["event_type"],
        "condition": entry["condition"],
        "operator_id": entry.get("operator_id"),
        "brand_id": entry.get("brand_id"),
        "name": entry.get("name"),
        "tags": tuple(entry.get("tags", ())),
        "active_from": entry.get("active_from"),
        "active_until": entry.get("active_until"),
        "extra": {} if _KEYS.issuperset(entry) else {key: value for key, value in entry.items() if key not in _KEYS},
    }


def _key_problems(entry: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(key, message, kind)`` for each key of an entry that is missing, misspelt or malformed."""
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
    # each check in turn, appended in this order (this runs for every entry: no lists of them to filter)
    for key in _REQUIRED:
        if key not in entry:
            found.append((key, f"{key} is missing", "missing"))
    if "id" in entry and (message := id_problem(entry["id"])) is not None:
        found.append(("id", message, "invalid_id"))
    if "event_type" in entry and (message := _event_type_problem(entry["event_type"])) is not None:
        found.append(("event_type", message, "unknown_event_type"))
    found += field_problems(entry)
    return found


def read_campaigns(data: Any, prepare: Callable[[dict[str, Any]], T]) -> list[T]:
    """Check and prepare every entry of ``data``; raise one error naming every bad entry.

    Args:
        data: A list of campaign objects, or JSON text (``str`` or ``bytes``) holding one.
        prepare: Called with the ``entry_fields`` of each well-formed entry; may raise a
            ``ConditionError`` or a ``CampaignError``, reported as a problem of that entry.

    Raises:
        CampaignConfigError: With one problem per bad entry (or key), each path starting with the
            entry's index, each message naming the entry's id when it has a usable one.
    """
    entries = config_entries(data)
    twice = isinstance(entries, _Entries)
    problems: list[Problem] = []
    ids: list[str | None] = []
    prepared: list[T] = []
    first_index: dict[str, int] = {}

    def report(index: int, key: str, campaign_id: str | None, message: str, kind: str) -> None:
        named = f"campaign {campaign_id!r}: " if campaign_id is not None else ""
        problems.append(Problem(f"{index}.{key}" if key else str(index), named + message, kind))
        ids.append(campaign_id)

    for index, entry in enumerate(entries):
        if type(entry) is not dict and not isinstance(entry, Mapping):  # a dict is one: no ABC check for it
            report(index, "", None, f"a campaign is an object, not {type(entry).__name__}", "not_an_object")
            continue
        raw_id = entry.get("id")
        campaign_id = raw_id if id_problem(raw_id) is None else None
        found = _key_problems(entry)
        if twice:
            found[:0] = _keys_given_twice(entry)
        if campaign_id is not None:
            if campaign_id in first_index:
                found.append(("id", f"duplicate id (entry {first_index[campaign_id]} has it too)", "duplicate_id"))
            else:
                first_index[campaign_id] = index
        for key, message, kind in found:
            report(index, key, campaign_id, message, kind)
        if found:
            continue
        try:
            prepared.append(prepare(entry_fields(entry)))
        except ConditionError as error:
            report(index, "condition", campaign_id, _condition_message(error), _KINDS.get(type(error).__name__,
                                                                                           "condition"))
        except CampaignError as error:
            report(index, "", campaign_id, str(error), error.kind)
    if problems:
        raise CampaignConfigError(problems, ids)
    return prepared
