"""The arguments of a campaign set's public methods, checked where they are given.

A wrong type is a ``TypeError`` naming the argument and what it should be; a malformed change (one
not made by ``CampaignChange.add``, ``replace`` or ``remove``) a ``CampaignError`` of kind
``invalid_campaign``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from thrilldrops_events._text import describe
from thrilldrops_events.campaigns.campaign import Campaign
from thrilldrops_events.campaigns.changes import _DEFAULTS, CampaignChange
from thrilldrops_events.conditions._options import wrong_type
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.errors import CampaignError, ConditionEvaluationError

__all__ = ["as_change", "changes_of", "id_of", "items_of", "not_envelope", "tags_of"]

T = TypeVar("T")


def id_of(campaign_id: object) -> str:
    """The id of a campaign to look up (``get``, ``remove``, ``replace``, ``explain``), once known to be a ``str``.

    Any string is an id to look up (one the set does not hold is ``unknown_id``); anything else is a
    wrong type. The id of a new campaign is checked otherwise: ``add`` reports a malformed one,
    whatever its type, as ``invalid_id``.

    Raises:
        TypeError: Naming ``campaign_id``, if it is not a ``str``.
    """
    if not isinstance(campaign_id, str):
        raise wrong_type("campaign_id", "a str", campaign_id)
    return str.__str__(campaign_id)  # its text: a subclass may compare or hash as another string


def items_of(given: object, name: str, kind: type[T]) -> list[T]:
    """The items of an iterable argument, each a ``kind``; a string is not taken as an iterable of them."""
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise wrong_type(name, f"an iterable of {kind.__name__}", given)
    items = list(given)
    for item in items:
        if not isinstance(item, kind):
            raise wrong_type(name, f"an iterable of {kind.__name__}", item, held=True)
    return items


_KINDS = ("add", "replace", "remove")
#: The fields of an ``add`` or ``replace`` (what ``CampaignChange.add`` and ``replace`` make).
_FIELDS = frozenset({"event_type", "condition", *_DEFAULTS})


def changes_of(given: object) -> list[CampaignChange]:
    """The changes given to ``apply``, each made as ``CampaignChange.add``, ``replace`` or ``remove`` make them."""
    changes = items_of(given, "changes", CampaignChange)
    for change in changes:
        fields = change.fields
        if change.kind not in _KINDS:
            problem = f"a change is one of {', '.join(_KINDS)}, not {describe(change.kind)}"
        elif change.kind != "remove" and not (isinstance(fields, Mapping) and "event_type" in fields
                                              and "condition" in fields):
            problem = f"a change {change.kind} has fields holding event_type and condition"
        elif change.kind != "remove" and not _FIELDS.issuperset(fields):
            unknown = sorted(map(describe, set(fields) - _FIELDS))
            problem = (f"a change {change.kind} has no field {', '.join(unknown)} (its fields are "
                       f"{', '.join(sorted(_FIELDS))})")
        else:
            continue
        campaign_id = change.campaign_id if isinstance(change.campaign_id, str) else None
        shown = describe(change.campaign_id) if campaign_id is None else repr(campaign_id)
        raise CampaignError(f"campaign {shown}: {problem}", campaign_id=campaign_id,
                            kind="invalid_campaign")
    return changes


def tags_of(tags: Iterable[str]) -> Iterable[str]:
    """The tags given to ``add`` or ``replace`` as a tuple: any iterable but a string (left for the check to refuse)."""
    if isinstance(tags, Iterable) and not isinstance(tags, (str, bytes, Mapping)):
        return tuple(tags)
    return tags


def as_change(campaign: Campaign) -> CampaignChange:
    """The change that adds ``campaign`` to another set (its condition as a tree, its engine fields copied)."""
    node: Node = campaign.node
    return CampaignChange.add(campaign.id, campaign.event_type, node, operator_id=campaign.operator_id,
                              brand_id=campaign.brand_id, name=campaign.name, tags=campaign.tags,
                              active_from=campaign.active_from, active_until=campaign.active_until,
                              extra=dict(campaign.extra))


def not_envelope(value: object) -> ConditionEvaluationError:
    """The error for something other than an ``Envelope`` given to be matched."""
    return ConditionEvaluationError(
        f"campaigns match an Envelope (it names the operator and brand), not {type(value).__name__}"
    )
