"""Changes to a campaign set, applied together, and what reloading a configuration changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from typing_extensions import Unpack

from thrilldrops_events._text import describe
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.enums import EventType

__all__ = ["CampaignChange", "ConfigDiff"]


class _Fields(TypedDict, total=False):
    """The optional fields of a campaign: the keywords of ``add`` and ``replace`` (here and on ``CampaignSet``)."""

    operator_id: str | None
    brand_id: str | None
    name: str | None
    tags: Iterable[str]
    active_from: int | None
    active_until: int | None
    extra: Mapping[str, Any] | None


# What an ``add`` or ``replace`` leaves out stands for these values.
_DEFAULTS: dict[str, Any] = {"operator_id": None, "brand_id": None, "name": None, "tags": (), "active_from": None,
                             "active_until": None, "extra": None}


def _shown(value: object) -> str:
    """``repr(value)``, or, for a value that has none (an integer of more than 4300 digits), its description."""
    try:
        return repr(value)
    except (ValueError, RecursionError):
        return describe(value)


@dataclass(frozen=True, repr=False)
class CampaignChange:
    """One change to a campaign set: add a campaign, replace one, or remove one.

    Make them with [add][thrilldrops_events.CampaignChange.add],
    [replace][thrilldrops_events.CampaignChange.replace] and
    [remove][thrilldrops_events.CampaignChange.remove], and hand a list of them to
    [CampaignSet.apply][thrilldrops_events.CampaignSet.apply], which makes them all or none.

    Attributes:
        kind: ``"add"``, ``"replace"`` or ``"remove"``.
        campaign_id: The campaign concerned.
        fields: For ``add`` and ``replace``: ``event_type``, ``condition`` and the optional fields.

    Examples:
        >>> from thrilldrops_events import CampaignChange
        >>> CampaignChange.add("welcome-drop", "Deposit", "amount >= 20", brand_id="b-7").kind
        'add'
        >>> CampaignChange.remove("welcome-drop")
        CampaignChange(kind='remove', campaign_id='welcome-drop', fields={})
    """

    kind: str
    campaign_id: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def add(cls, campaign_id: str, event_type: EventType | str, condition: str | Mapping[str, Any] | Node,
            **fields: Unpack[_Fields]) -> CampaignChange:
        """Add a campaign (the arguments of ``CampaignSet.add``)."""
        return cls("add", campaign_id, _fields("add", event_type, condition, fields))

    @classmethod
    def replace(cls, campaign_id: str, event_type: EventType | str, condition: str | Mapping[str, Any] | Node,
                **fields: Unpack[_Fields]) -> CampaignChange:
        """Replace a campaign, keeping its place (the arguments of ``CampaignSet.replace``)."""
        return cls("replace", campaign_id, _fields("replace", event_type, condition, fields))

    @classmethod
    def remove(cls, campaign_id: str) -> CampaignChange:
        """Remove a campaign."""
        return cls("remove", campaign_id)

    def __repr__(self) -> str:
        # A change is not checked until it is applied: any field may hold a value repr() cannot write.
        fields = self.fields
        shown = ("{" + ", ".join(f"{_shown(key)}: {_shown(value)}" for key, value in fields.items()) + "}"
                 if isinstance(fields, dict) else _shown(fields))
        return f"CampaignChange(kind={_shown(self.kind)}, campaign_id={_shown(self.campaign_id)}, fields={shown})"


def _fields(method: str, event_type: object, condition: object, given: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an ``add`` or ``replace``: the given optional fields over their defaults, in their order."""
    for key in given:
        if key not in _DEFAULTS:
            raise TypeError(f"{method}() got an unexpected keyword argument {key!r}")
    return {"event_type": event_type, "condition": condition, **_DEFAULTS, **given}


@dataclass(frozen=True)
class ConfigDiff:
    """What reloading a configuration changes: the changes, and the ids each kind of change concerns.

    Attributes:
        changes: The changes, removals first, then replacements and additions in the configuration's order.
        added: Ids of campaigns the configuration adds.
        replaced: Ids of campaigns whose configuration changed.
        removed: Ids of campaigns the configuration no longer holds.
        unchanged: Ids of campaigns left as they are.
    """

    changes: tuple[CampaignChange, ...]
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)
