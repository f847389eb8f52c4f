"""Reading campaigns from their JSON form, reporting every bad entry at once.

The JSON form of a campaign set is a list of objects::

    [{"id": "welcome-drop", "event_type": "Deposit", "operator_id": null, "brand_id": "b-7",
      "condition": {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, {"number": "20"}]}}}]

``condition`` is the condition language's JSON form, or condition text (handy in hand-written
configuration). ``operator_id`` and ``brand_id`` may be left out. Other keys are refused: a
misspelt ``"brand"`` must not silently turn a brand's campaign into a global one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from thrilldrops_events._suggest import closest
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import CampaignConfigError, ConditionError, Problem

if TYPE_CHECKING:
    from thrilldrops_events.campaigns.campaign_set import Campaign

__all__ = ["KEYS", "id_problem", "read_campaigns", "scope_problem"]

#: The keys of a campaign's JSON form.
KEYS = ("id", "event_type", "operator_id", "brand_id", "condition")
_REQUIRED = ("id", "event_type", "condition")
_KINDS = {
    "ConditionSyntaxError": "condition_syntax",
    "ConditionTypeError": "condition_type",
    "ConditionLimitError": "condition_limit",
}

Compile = Callable[[Any, Any, Any, Any, Any], "Campaign"]


def id_problem(value: object) -> str | None:
    """What is wrong with a campaign id, or ``None``."""
    if isinstance(value, str) and value and value.strip() == value:
        return None
    return f"a campaign id is a non-empty string without surrounding whitespace, not {_shown(value)}"


def scope_problem(name: str, value: object) -> str | None:
    """What is wrong with an ``operator_id`` or ``brand_id`` scope, or ``None``."""
    if value is None or (isinstance(value, str) and value and value.strip() == value and len(value) <= 255):
        return None
    return (f"{name} is an envelope identifier (a non-empty string without surrounding whitespace, "
            f"at most 255 characters) or null, not {_shown(value)}")


def _event_type_problem(value: object) -> str | None:
    names = [member.value for member in EventType]
    if isinstance(value, str) and value in names:
        return None
    close = closest(value, names)
    hint = f"; did you mean {close!r}?" if close else f" (one of {', '.join(names)})"
    return f"unknown event type {_shown(value)}{hint}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _entries(data: Any) -> list[Any]:
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise CampaignConfigError([Problem("", f"not JSON: {error}", "json_invalid")], [None]) from None
    if isinstance(data, Mapping) or not isinstance(data, Iterable):
        what = "an object" if isinstance(data, Mapping) else type(data).__name__
        raise CampaignConfigError([Problem("", f"campaigns are a list of objects, not {what}", "not_a_list")], [None])
    return list(data)


def _condition_message(error: ConditionError) -> str:
    """The condition error on one line: its position (or JSON path) and message."""
    if error.line is not None:
        return f"line {error.line}, column {error.column}: {error.message}"
    if error.path is not None:
        return f"{error.path}: {error.message}"
    return error.message


def read_campaigns(data: Any, compile_campaign: Compile) -> list[Campaign]:
    """Check and compile every entry of ``data``; raise one error naming every bad entry.

    Args:
        data: A list of campaign objects, or JSON text (``str`` or ``bytes``) holding one.
        compile_campaign: ``(id, event_type, condition, operator_id, brand_id) -> Campaign``.

    Raises:
        CampaignConfigError: With one problem per bad entry (or key), each path starting with the
            entry's index, each message naming the entry's id when it has a usable one.
    """
    entries = _entries(data)
    problems: list[Problem] = []
    ids: list[str | None] = []
    campaigns: list[Campaign] = []
    first_index: dict[str, int] = {}

    def report(index: int, key: str, campaign_id: str | None, message: str, kind: str) -> None:
        named = f"campaign {campaign_id!r}: " if campaign_id is not None else ""
        problems.append(Problem(f"{index}.{key}" if key else str(index), named + message, kind))
        ids.append(campaign_id)

    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            report(index, "", None, f"a campaign is an object, not {type(entry).__name__}", "not_an_object")
            continue
        raw_id = entry.get("id")
        campaign_id = raw_id if isinstance(raw_id, str) and raw_id and raw_id.strip() == raw_id else None
        before = len(problems)
        for key in entry:
            if key not in KEYS:
                report(index, str(key), campaign_id, f"unknown key {key!r} (a campaign has {', '.join(KEYS)})",
                       "unknown_key")
        for key in _REQUIRED:
            if key not in entry:
                report(index, key, campaign_id, f"{key} is missing", "missing")
        checks = [("id", id_problem(raw_id) if "id" in entry else None, "invalid_id"),
                  ("event_type", _event_type_problem(entry["event_type"]) if "event_type" in entry else None,
                   "unknown_event_type")]
        for name in ("operator_id", "brand_id"):
            checks.append((name, scope_problem(name, entry.get(name)), "invalid_scope"))
        for key, message, kind in checks:
            if message is not None:
                report(index, key, campaign_id, message, kind)
        if campaign_id is not None:
            if campaign_id in first_index:
                report(index, "id", campaign_id, f"duplicate id (entry {first_index[campaign_id]} has it too)",
                       "duplicate_id")
            else:
                first_index[campaign_id] = index
        if len(problems) > before:
            continue
        try:
            campaign = compile_campaign(
                raw_id, entry["event_type"], entry["condition"], entry.get("operator_id"), entry.get("brand_id")
            )
        except ConditionError as error:
            kind = _KINDS.get(type(error).__name__, "condition")
            report(index, "condition", campaign_id, _condition_message(error), kind)
        else:
            campaigns.append(campaign)
    if problems:
        raise CampaignConfigError(problems, ids)
    return campaigns
