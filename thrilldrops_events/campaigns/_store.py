"""The writer's side of a campaign set: records, filing, and publishing whole snapshots.

The published state is ``Store.views``, ``{event type: EventIndex}``: one index per event type,
in which a campaign's scope is two facets (``event.operator_id`` and ``event.brand_id``) like any
other atom. A ``Batch`` makes any number of changes on drafts of the indexes they touch (which copy
only the parts they change) and publishes them with one assignment, so every match sees the set as
it was before the batch or after it. Only the set's writer (holding its lock) uses a batch; a match
only reads ``views``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

from thrilldrops_events.campaigns._atom import Filing
from thrilldrops_events.campaigns._atoms import Atom, Branch, branches_of
from thrilldrops_events.campaigns._event_index import EventIndex, Reader
from thrilldrops_events.campaigns._operands import Check, Operand, Operands, Residual, check
from thrilldrops_events.campaigns.campaign import Campaign, Compiler
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.functions import BUILTINS, FunctionSpec, with_specs
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.enums import EventType

__all__ = ["BRANCH_BITS", "BRAND", "OPERATOR", "Batch", "Layout", "Placement", "Record", "Store"]

T = TypeVar("T")

#: Bits of a slot's order key that number the branch (the rest is the campaign's place in the order).
BRANCH_BITS = 5
#: The envelope fields of a campaign's scope, as operands.
OPERATOR = n.FieldRef("event", "operator_id")
BRAND = n.FieldRef("event", "brand_id")
_SCOPE_NAMES = frozenset({OPERATOR.name, BRAND.name})
#: Where a facet comes in a match: the scope, then fields, then derived values.
_SCOPE_RANK, _FIELD_RANK, _DERIVED_RANK = 0, 1, 2
#: The most shared values a store keeps (scope atoms, tuples of functions) before it starts again.
_SHARED = 4096
_NO_CONTEXT: Mapping[str, Any] = {}

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
class Layout:
    """How a campaign is filed: its condition's branches, and where each placed one is.

    Attributes:
        branches: The branches of its condition (and active window).
        placements: The branches filed, in order (a branch whose atoms contradict each other, or its
            scope, is not).
    """

    branches: tuple[Branch, ...]
    placements: tuple[Placement, ...]


@dataclass(eq=False, slots=True)
class Record:
    """A campaign as the set holds it: its place in the order and what it filed, to take it out again.

    ``filed`` is, per placed branch, its slot and what it keeps of the atoms it filed (``Filing``:
    kinds, keys and bounds); ``uses`` the operands and residual clauses it counts as a user of:
    first the operand of each filed atom, in the same order, then the residual clauses.
    The rest of what its condition was split into is not kept (nor, for a condition given as text,
    its tree): ``layout()`` works it out again, exactly as it was filed, to explain the campaign.
    ``functions`` are the functions its condition calls, as they were when it was checked, so a
    function replaced in the registry since changes nothing.
    """

    store: Store
    campaign: Campaign
    seq: int
    filed: tuple[tuple[int, tuple[Filing, ...]], ...]
    uses: tuple[Operand | Residual, ...]
    context: Mapping[str, Any]
    functions: tuple[FunctionSpec, ...]
    source: Any = None

    @property
    def slots(self) -> tuple[int, ...]:
        """The slots of its placed branches, in order."""
        return tuple(slot for slot, _ in self.filed)

    def layout(self) -> Layout:
        """How the campaign is filed (worked out again from its condition)."""
        return self.store.layout(self)

    @property
    def branches(self) -> tuple[Branch, ...]:
        """The branches of its condition."""
        return self.layout().branches

    @property
    def placements(self) -> tuple[Placement, ...]:
        """Its placed branches."""
        return self.layout().placements


#: A branch to file: its number, its atoms (its scope's merged in) and its residual clauses.
_Part = tuple[int, list[Atom], tuple[Node, ...]]


class Store:
    """Records, shared operands and the published views of one campaign set."""

    def __init__(self, compiler: Compiler | None = None) -> None:
        self.views: Views = {}
        self.records: dict[str, Record] = {}
        self.operands = Operands()
        self.next_seq = 0
        self.compiler = compiler or Compiler()
        self._shared: dict[Any, Any] = {}
        self._last: tuple[Record, Layout] | None = None

    def batch(self) -> Batch:
        """A batch of changes on drafts of the published views (publish it to apply them)."""
        return Batch(self)

    def share(self, key: Any, make: Callable[[], T]) -> T:
        """One shared value per ``key`` (scope atoms, tuples of functions), made when first asked for."""
        found = self._shared.get(key)
        if found is None:
            if len(self._shared) >= _SHARED:
                self._shared.clear()
            found = self._shared[key] = make()
        return cast(T, found)

    def checked(self, record: Record) -> CheckedCondition:
        """A record's condition checked again, with the functions it was checked with when filed."""
        campaign, compiler = record.campaign, self.compiler
        registry = compiler.functions or BUILTINS
        if all(registry.get(spec.name) is spec for spec in record.functions):
            text = campaign._text
            if text is not None:
                return compiler.check_text(text, campaign.event_type)
            return compiler.check(campaign.node, campaign.event_type)
        source: str | Node = campaign._text if campaign._text is not None else campaign.node
        return compiler.check(source, campaign.event_type, with_specs(registry, record.functions))

    def plan(self, campaign: Campaign, checked: CheckedCondition) -> tuple[tuple[Branch, ...], list[_Part]]:
        """A campaign's branches, and the atoms and residual clauses of each one it places."""
        branches = branches_of(checked, (campaign.active_from, campaign.active_until))
        scope: list[Atom] = []
        for node, value in ((OPERATOR, campaign.operator_id), (BRAND, campaign.brand_id)):
            if value is not None:  # the shared atom, made (by share) only when there is none yet
                found = self._shared.get((node.name, value))
                scope.append(found if found is not None else self.share((node.name, value),
                                                                        partial(_scope_atom, node, value)))
        parts: list[_Part] = []
        for number, branch in enumerate(branches):
            if branch.possible:
                atoms = _with_scope(scope, branch.atoms) if scope else list(branch.atoms)
                if atoms is not None:  # else the condition's own test of the scope contradicts it
                    parts.append((number, atoms, branch.residual))
        return branches, parts

    def layout(self, record: Record) -> Layout:
        """How a filed campaign is filed, worked out again (the last one asked for is remembered)."""
        last = self._last
        if last is not None and last[0] is record:
            return last[1]
        campaign, checked = record.campaign, self.checked(record)
        event_type, operands = campaign.event_type, self.operands
        branches, parts = self.plan(campaign, checked)
        assert len(parts) == len(record.filed), "a campaign's condition is filed as it was planned"
        placements = []
        for (number, atoms, _), (slot, _) in zip(parts, record.filed, strict=True):
            filed = tuple((atom, operand, _rank(operand)) for atom in atoms
                          for operand in (operands.find(event_type, checked, atom.operand),))
            mine = tuple((atom, operands.find(event_type, checked, atom.operand)) for atom in branches[number].atoms)
            placements.append(Placement(number, slot, filed, mine))
        layout = Layout(branches, tuple(placements))
        self._last = (record, layout)
        return layout


def _bare(atom: Atom, operand: Operand) -> Atom:
    """The atom as the index files it (a new one from ``plan``, stripped in place), holding no part of the tree.

    Its keys and bounds stay; its operand becomes the shared operand's node, and its clauses go (the
    exact test of a range with both bounds keeps its atom).
    """
    if atom.clauses:
        atom.operand, atom.clauses = operand.node, ()
    return atom


def _scope_atom(node: Node, value: str) -> Atom:
    return Atom(node, "set", keys=frozenset({value}), share=0.05)


def _rank(operand: Operand) -> int:
    node = operand.node
    if type(node) is n.FieldRef and node.scope == "event" and node.name in _SCOPE_NAMES:  # OPERATOR or BRAND
        return _SCOPE_RANK
    return _DERIVED_RANK if operand.derived else _FIELD_RANK


def _same_field(node: Node, other: Node) -> bool:
    """Whether both are references to the same field (``==`` of two references, without the general walk)."""
    return (type(node) is n.FieldRef and type(other) is n.FieldRef and node.name == other.name
            and node.scope == other.scope)


def _reader(campaign: Campaign, context: Mapping[str, Any]) -> Reader | None:
    if not context:
        return None
    return (campaign.operator_id, campaign.brand_id), (campaign.active_from, campaign.active_until), tuple(context)


def _with_scope(scope: list[Atom], atoms: tuple[Atom, ...]) -> list[Atom] | None:
    """A branch's atoms and its scope's; a set atom on a scope field merges with the scope's.

    ``None`` when they have no key in common: the branch never holds in the campaign's scope.
    """
    out = list(atoms)
    for atom in scope:
        position = None
        for i, mine in enumerate(out):
            if mine.kind == "set" and _same_field(mine.operand, atom.operand):
                position = i
                break
        if position is None:
            out.append(atom)
            continue
        mine = out[position]
        keys = mine.keys & atom.keys
        if not keys:
            return None
        out[position] = Atom(mine.operand, "set", keys=keys, clauses=mine.clauses, share=mine.share)
    return out


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
        operands = store.operands
        draft = self._draft(event_type)
        placed: list[tuple[int, tuple[Filing, ...]]] = []
        uses: list[Operand | Residual] = []
        residuals: list[Operand | Residual] = []
        operand_of, residual_of = operands.operand, operands.residual
        for number, atoms, residual in store.plan(campaign, checked)[1]:
            filed: list[Filed] = []
            ranges: list[Check] = []
            for atom in atoms:
                operand = operand_of(event_type, checked, atom.operand)
                filed.append((_bare(atom, operand), operand, _rank(operand)))
                uses.append(operand)
                if atom.kind == "range":
                    ranges.append(check(atom, operand.read))
            mine = [residual_of(event_type, checked, node) for node in residual] if residual else []
            slot = draft.file(seq << BRANCH_BITS | number, campaign.id, filed, tuple(ranges), tuple(mine))
            placed.append((slot, tuple([Filing.of(atom) for atom, _, _ in filed])))
            residuals.extend(mine)
        uses.extend(residuals)
        context = checked.context or _NO_CONTEXT
        draft.count(seq, _reader(campaign, context), context, len(placed), True)
        functions = tuple(checked.functions.values())
        if functions:
            functions = store.share(tuple(map(id, functions)), lambda: functions)
        record = Record(store, campaign, seq, tuple(placed), tuple(uses), context, functions, source)
        self.added[campaign.id] = record
        return record

    def remove(self, record: Record) -> None:
        """Take a campaign's branches out of its index and release what they used."""
        campaign = record.campaign
        event_type = campaign.event_type
        draft = self._draft(event_type)
        operands = iter(record.uses)  # the operand of each filed atom, in order
        for slot, atoms in record.filed:
            draft.unfile(slot, [(atom, operand, _rank(operand)) for atom, operand in zip(atoms, operands, strict=False)
                                if isinstance(operand, Operand)])
        draft.count(record.seq, _reader(campaign, record.context), record.context, len(record.filed), False)
        for use in record.uses:
            self.store.operands.release(event_type, use)
        if self.added.pop(campaign.id, None) is None:
            self.removed[campaign.id] = record

    def publish(self) -> None:
        """Make the batch's records and views the set's: new records, then the views (one assignment), then removals.

        The records are changed in place: the new ones go in before the views that match them, and the
        removed ones go out after the views without them, so a campaign ``match`` returns can always be
        read (``get``, ``in``, ``explain``), and a campaign the batch replaces is never missing.
        """
        store = self.store
        views = dict(store.views)
        for event_type, draft in self.drafts.items():
            draft.finish()
            if draft.campaigns:
                views[event_type] = draft
            else:
                views.pop(event_type, None)
        records, added = store.records, self.added
        records.update(added)
        store.views = views
        for campaign_id in self.removed:
            if campaign_id not in added:
                records.pop(campaign_id, None)
