"""The writer's side of a campaign set: records, filing, and publishing whole snapshots.

The published state is ``Store.views``, ``{event type: EventIndex}``: one index per event type,
in which a campaign's scope is two facets (``event.operator_id`` and ``event.brand_id``) like any
other atom. A ``Batch`` makes any number of changes on drafts of the indexes they touch (which copy
only the parts they change) and publishes them with one assignment, so every match sees the set as
it was before the batch or after it. Only the set's writer (holding its lock) uses a batch; a match
only reads ``views``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._atoms import Atom, Branch, branches_of
from thrilldrops_events.campaigns._event_index import EventIndex, Reader
from thrilldrops_events.campaigns._operands import Check, Operand, Operands, Residual, check
from thrilldrops_events.campaigns.campaign import Campaign
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.enums import EventType

__all__ = ["BRANCH_BITS", "OPERATOR", "BRAND", "Batch", "Placement", "Record", "Store"]

#: Bits of a slot's order key that number the branch (the rest is the campaign's place in the order).
BRANCH_BITS = 5
#: The envelope fields of a campaign's scope, as operands.
OPERATOR = n.FieldRef("event", "operator_id")
BRAND = n.FieldRef("event", "brand_id")
#: Where a facet comes in a match: the scope, then fields, then derived values.
_SCOPE_RANK, _FIELD_RANK, _DERIVED_RANK = 0, 1, 2

Views = dict[EventType, EventIndex]
#: One atom as filed: ``(atom, operand, facet rank)``.
Filed = tuple[Atom, Operand, int]


@dataclass(frozen=True, eq=False)
class Placement:
    """One branch as its index holds it.

    Attributes:
        number: The branch's number in the condition.
        slot: Its slot in the event type's index.
        filed: Every atom filed for it, the scope's included.
        atoms: The atoms of its condition (and active window) with their operands, for explanations.
    """

    number: int
    slot: int
    filed: tuple[Filed, ...]
    atoms: tuple[tuple[Atom, Operand], ...]


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
        """A batch of changes on drafts of the published views (publish it to apply them)."""
        return Batch(self)


def _rank(operand: Operand) -> int:
    if operand.node == OPERATOR or operand.node == BRAND:
        return _SCOPE_RANK
    return _DERIVED_RANK if operand.derived else _FIELD_RANK


def _reader(campaign: Campaign, context: Mapping[str, Any]) -> Reader | None:
    if not context:
        return None
    return (campaign.operator_id, campaign.brand_id), (campaign.active_from, campaign.active_until), tuple(context)


def _with_scope(scope: list[tuple[Atom, Operand]], atoms: list[tuple[Atom, Operand]]) -> tuple[Filed, ...] | None:
    """A branch's atoms and its scope's, filed; a set atom on a scope field merges with the scope's.

    ``None`` when they have no key in common: the branch never holds in the campaign's scope.
    """
    pairs = list(atoms)
    for atom, operand in scope:
        position = next((i for i, (mine, owner) in enumerate(pairs) if owner is operand and mine.kind == "set"), None)
        if position is None:
            pairs.append((atom, operand))
            continue
        mine = pairs[position][0]
        keys = mine.keys & atom.keys
        if not keys:
            return None
        pairs[position] = (Atom(mine.operand, "set", keys=keys, clauses=mine.clauses, share=mine.share), operand)
    return tuple((atom, operand, _rank(operand)) for atom, operand in pairs)


class Batch:
    """Changes to a store, made on drafts and published at once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.drafts: dict[EventType, EventIndex] = {}
        self.added: dict[str, Record] = {}
        self.removed: dict[str, Record] = {}

    def _draft(self, event_type: EventType) -> EventIndex:
        draft = self.drafts.get(event_type)
        if draft is None:
            published = self.store.views.get(event_type)
            draft = self.drafts[event_type] = published.draft() if published is not None else EventIndex()
        return draft

    def current(self, campaign_id: str) -> Record | None:
        """The record of a campaign as the batch leaves it so far."""
        if campaign_id in self.added:
            return self.added[campaign_id]
        if campaign_id in self.removed:
            return None
        return self.store.records.get(campaign_id)

    def _scope_atoms(self, campaign: Campaign, checked: CheckedCondition) -> list[tuple[Atom, Operand]]:
        pairs = []
        for node, value in ((OPERATOR, campaign.operator_id), (BRAND, campaign.brand_id)):
            if value is not None:
                operand = self.store.operands.operand(campaign.event_type, checked, node)
                pairs.append((Atom(node, "set", keys=frozenset({value}), share=0.05), operand))
        return pairs

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
        draft = self._draft(event_type)
        scope = self._scope_atoms(campaign, checked)
        uses: list[Operand | Residual] = [operand for _, operand in scope]
        placements = []
        for number, branch in enumerate(branches):
            if not branch.possible:
                continue
            atoms = [(atom, store.operands.operand(event_type, checked, atom.operand)) for atom in branch.atoms]
            residuals = [store.operands.residual(event_type, checked, node) for node in branch.residual]
            uses.extend(operand for _, operand in atoms)
            uses.extend(residuals)
            filed = _with_scope(scope, atoms)
            if filed is None:  # the condition's own test of the scope contradicts it
                continue
            checks: tuple[Check, ...] = (*(check(atom, operand.read) for atom, operand in atoms
                                           if atom.kind == "range"), *residuals)
            slot = draft.file(seq << BRANCH_BITS | number, campaign.id, list(filed), checks, bool(residuals))
            placements.append(Placement(number, slot, filed, tuple(atoms)))
        context = dict(checked.context)
        draft.count(seq, _reader(campaign, context), context, len(placements), True)
        record = Record(campaign, seq, branches, tuple(placements), tuple(uses), context, source)
        self.removed.pop(campaign.id, None)
        self.added[campaign.id] = record
        return record

    def remove(self, record: Record) -> None:
        """Take a campaign's branches out of its index and release what they used."""
        campaign = record.campaign
        event_type = campaign.event_type
        draft = self._draft(event_type)
        for placement in record.placements:
            draft.unfile(placement.slot, list(placement.filed))
        draft.count(record.seq, _reader(campaign, record.context), record.context, len(record.placements), False)
        for use in record.uses:
            self.store.operands.release(event_type, use)
        if self.added.pop(campaign.id, None) is None:
            self.removed[campaign.id] = record

    def publish(self) -> None:
        """Make the batch's views the set's (one assignment), then its records."""
        store = self.store
        views = dict(store.views)
        for event_type, draft in self.drafts.items():
            draft.finish()
            if draft.campaigns:
                views[event_type] = draft
            else:
                views.pop(event_type, None)
        store.views = views
        for campaign_id in self.removed:
            store.records.pop(campaign_id, None)
        store.records.update(self.added)
