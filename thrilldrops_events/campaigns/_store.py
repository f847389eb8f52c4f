"""The writer's side of a campaign set: records, filing, and publishing whole snapshots.

The published state is ``Store.views``, ``{event type: {(operator_id, brand_id): ScopeIndex}}``:
one index per scope that has campaigns, so a change touches the one index of its campaign's scope
(a global campaign is not copied into every brand's index). A ``Batch`` applies any number of
changes to copies of the indexes they touch and publishes them with one assignment, so every match
sees the set as it was before the batch or after it. Only the set's writer (holding its lock) uses
a batch; a match only reads ``views``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._atoms import Branch, branches_of
from thrilldrops_events.campaigns._operands import Operand, Operands, Residual, check
from thrilldrops_events.campaigns._pending import Pending
from thrilldrops_events.campaigns._scope_index import Placement, ScopeIndex
from thrilldrops_events.campaigns.campaign import Campaign
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.enums import EventType

__all__ = ["BRANCH_BITS", "Batch", "Record", "Scope", "Store"]

#: A campaign's scope, or an index's key: ``(operator_id, brand_id)``, ``None`` meaning any.
Scope = tuple["str | None", "str | None"]
#: Bits of an item's key that number the branch (the rest is the campaign's place in the order).
BRANCH_BITS = 5

Views = dict[EventType, dict[Scope, ScopeIndex]]


@dataclass(frozen=True, eq=False)
class Record:
    """A campaign as the set holds it: its place in the order and where each branch is filed."""

    campaign: Campaign
    seq: int
    branches: tuple[Branch, ...]
    placements: tuple[Placement, ...]
    uses: tuple[Operand | Residual, ...]
    context: Mapping[str, Any]
    source: Any = None


class Store:
    """Records, shared operands and the published views of one campaign set."""

    def __init__(self) -> None:
        self.views: Views = {}
        self.records: dict[str, Record] = {}
        self.operands = Operands()
        self.next_seq = 0

    def batch(self) -> Batch:
        """A batch of changes on copies of the published views (publish it to apply them)."""
        return Batch(self)


class Batch:
    """Changes to a store, made on copies and published at once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.views: Views = dict(store.views)
        self._copied: set[EventType] = set()
        self.added: dict[str, Record] = {}
        self.removed: dict[str, Record] = {}

    def _indexes(self, event_type: EventType) -> dict[Scope, ScopeIndex]:
        if event_type not in self._copied:
            self.views[event_type] = dict(self.views.get(event_type, {}))
            self._copied.add(event_type)
        return self.views[event_type]

    def current(self, campaign_id: str) -> Record | None:
        """The record of a campaign as the batch leaves it so far."""
        if campaign_id in self.added:
            return self.added[campaign_id]
        if campaign_id in self.removed:
            return None
        return self.store.records.get(campaign_id)

    def add(self, campaign: Campaign, checked: CheckedCondition, seq: int | None = None, source: Any = None
            ) -> Record:
        """File a campaign (a new one goes last in the order; ``seq`` keeps a replaced one's place).

        ``source`` is its condition as it was given, kept to tell an unchanged entry when reloading.
        """
        store = self.store
        if seq is None:
            seq = store.next_seq
            store.next_seq += 1
        event_type = campaign.event_type
        window = (campaign.active_from, campaign.active_until)
        branches = branches_of(checked, window)
        indexes = self._indexes(event_type)
        scope = (campaign.operator_id, campaign.brand_id)
        index = indexes.get(scope) or ScopeIndex()
        placements: list[Placement] = []
        uses: list[Operand | Residual] = []
        for number, branch in enumerate(branches):
            if not branch.possible:
                continue
            item = (seq << BRANCH_BITS | number, campaign.id)
            operands = [store.operands.operand(event_type, checked, atom.operand) for atom in branch.atoms]
            residuals = [store.operands.residual(event_type, checked, node) for node in branch.residual]
            uses.extend(operands)
            uses.extend(residuals)
            placement = _placement(branch, item, operands, residuals)
            index = index.filed(placement, True)
            placements.append(placement)
        index = index.with_campaign(seq, len(placements), window, dict(checked.context), True)
        indexes[scope] = index
        record = Record(campaign, seq, branches, tuple(placements), tuple(uses), dict(checked.context), source)
        self.removed.pop(campaign.id, None)
        self.added[campaign.id] = record
        return record

    def remove(self, record: Record) -> None:
        """Take a campaign's branches out of its index and release what they used."""
        campaign = record.campaign
        event_type = campaign.event_type
        indexes = self._indexes(event_type)
        scope = (campaign.operator_id, campaign.brand_id)
        index = indexes[scope]
        for placement in record.placements:
            index = index.filed(placement, False)
        window = (campaign.active_from, campaign.active_until)
        index = index.with_campaign(record.seq, len(record.placements), window, dict(record.context), False)
        if index.campaigns:
            indexes[scope] = index
        else:
            del indexes[scope]
        for use in record.uses:
            self.store.operands.release(event_type, use)
        if self.added.pop(campaign.id, None) is None:
            self.removed[campaign.id] = record

    def publish(self) -> None:
        """Make the batch's views the set's (one assignment), then its records."""
        store = self.store
        store.views = {event_type: indexes for event_type, indexes in self.views.items() if indexes}
        for campaign_id in self.removed:
            store.records.pop(campaign_id, None)
        store.records.update(self.added)


def _placement(branch: Branch, item: tuple[int, str], operands: list[Operand], residuals: list[Residual]
               ) -> Placement:
    pairs = tuple(zip(branch.atoms, operands, strict=True))
    tests = {id(atom): check(atom, operand.read) for atom, operand in pairs if atom.kind != "not_set"}
    by_share = sorted(pairs, key=lambda pair: pair[0].share)
    pending = Pending(item, tuple(pair for pair in by_share if pair[0].kind == "set"),
                      tuple(pair for pair in by_share if pair[0].kind == "range"), tuple(residuals), tests)
    negatives = tuple((operand, tuple(atom.keys)) for atom, operand in pairs if atom.kind == "not_set")
    return Placement(pending, negatives, pairs)
