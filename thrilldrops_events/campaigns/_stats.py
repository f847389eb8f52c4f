"""The shape of a campaign set's index, and what matching a sample of events costs it."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._matching import match_views, scopes_of
from thrilldrops_events.campaigns._nodes import Node, passed
from thrilldrops_events.campaigns._store import Store
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["Posting", "SetStats", "set_stats"]


@dataclass(frozen=True)
class Posting:
    """One look-up posting: the branches filed under one value of one operand, in one scope's index.

    Attributes:
        event_type: The event type.
        scope: ``(operator_id, brand_id)`` of the index.
        operand: The operand looked up, as condition text.
        key: The value, as Python holds it.
        branches: How many branches are filed under it (at any depth).
    """

    event_type: str
    scope: tuple[str | None, str | None]
    operand: str
    key: Any
    branches: int


@dataclass(frozen=True)
class SetStats:
    """The shape of a campaign set's index (see [CampaignSet.stats][thrilldrops_events.CampaignSet.stats]).

    Attributes:
        campaigns: Campaigns in the set.
        branches: Branches filed (a campaign whose condition is a top-level ``or`` has one per part).
        indexes: Indexes, one per event type and scope with campaigns.
        nodes: Nodes of all indexes.
        lookup_keys: Values in look-up tables (a branch filed under 50 games counts 50).
        range_entries: Bounds in range families.
        checked_entries: Branches that are checked once reached (they have residual clauses or atoms left).
        rejection_keys: Values of complement postings.
        operands: Distinct operands and residual clauses the set reads.
        largest: The largest look-up postings, largest first (at most ten).
        events: Events in the sample measured.
        in_scope: Per event of the sample, branches of its type and scope, on average.
        checked: Per event, branches the index had to check (not decided by look-up alone), on average.
        matched: Per event, campaigns matched, on average.
    """

    campaigns: int
    branches: int
    indexes: int
    nodes: int
    lookup_keys: int
    range_entries: int
    checked_entries: int
    rejection_keys: int
    operands: int
    largest: tuple[Posting, ...]
    events: int = 0
    in_scope: float = 0.0
    checked: float = 0.0
    matched: float = 0.0

    @property
    def share_checked(self) -> float:
        """The share of the branches in scope that the index had to check, per event (0 to 1)."""
        return self.checked / self.in_scope if self.in_scope else 0.0


def _size(root: Node, counts: dict[str, int], postings: list[tuple[int, str, Any]]) -> int:
    """Branch placements under ``root``; counts nodes and entries; lists the postings of root's tables."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for _, table, _ in node.tables for child in table.values())
            continue
        counts["nodes"] += 1
        counts["checked_entries"] += len(node.entries)
        own = len(node.done) + len(node.entries) + sum(len(family) for family in node.families)
        counts["range_entries"] += sum(len(family) for family in node.families)
        for _, table, _ in node.tables:
            counts["lookup_keys"] += len(table)
            own += sum(sizes[id(child)] for child in table.values())
        sizes[id(node)] = own
    for _, table, operand in root.tables:
        postings.extend((sizes[id(child)], operand.node.text, key) for key, child in table.items())
    return sizes[id(root)]


def _checked(root: Node, envelope: Envelope) -> int:
    """How many branches a match of ``envelope`` reaches with checks left (the work look-ups did not save)."""
    total = 0
    stack = [root]
    while stack:
        node = stack.pop()
        total += len(node.entries)
        for read, table, _ in node.tables:
            child = table.get(read(envelope))
            if child is not None:
                stack.append(child)
        for family in node.families:
            value = family.read(envelope)
            if value is None:
                continue
            for kind, bounds, _, checked in family.runs:
                if checked:
                    where = passed(kind, bounds, value)
                    total += len(range(*where.indices(len(bounds))))
    return total


def set_stats(store: Store, sample: Sequence[Envelope]) -> SetStats:
    """Measure a store's index, and matches of the ``sample`` events (with no context values)."""
    counts = dict.fromkeys(("nodes", "lookup_keys", "range_entries", "checked_entries"), 0)
    postings: list[tuple[int, str, tuple[str | None, str | None], str, Any]] = []
    branches = count = rejections = 0
    views = store.views
    for event_type, by_scope in views.items():
        for scope, index in by_scope.items():
            count += 1
            branches += index.branches
            rejections += sum(len(table) for _, table, _ in index.negatives)
            found: list[tuple[int, str, Any]] = []
            _size(index.root, counts, found)
            postings.extend((size, event_type.value, scope, text, key) for size, text, key in found)
    postings.sort(key=lambda row: -row[0])
    largest = tuple(Posting(event_type, scope, text, key, size) for size, event_type, scope, text, key in postings[:10])
    in_scope = checked = matched = 0
    for envelope in sample:
        indexes = views.get(envelope.payload.event_type, {})
        for scope in scopes_of(envelope):
            found_index = indexes.get(scope)
            if found_index is not None:
                in_scope += found_index.branches
                checked += _checked(found_index.root, envelope)
        with contextlib.suppress(ConditionEvaluationError):  # an event whose campaigns need ctx
            matched += len(match_views(views, envelope, None))
    events = len(sample)
    return SetStats(
        campaigns=len(store.records), branches=branches, indexes=count, nodes=counts["nodes"],
        lookup_keys=counts["lookup_keys"], range_entries=counts["range_entries"],
        checked_entries=counts["checked_entries"], rejection_keys=rejections, operands=len(store.operands),
        largest=largest, events=events, in_scope=in_scope / events if events else 0.0,
        checked=checked / events if events else 0.0, matched=matched / events if events else 0.0,
    )
