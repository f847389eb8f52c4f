"""The shape of a campaign set's index, and what matching a sample of events costs it."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._event_index import EventIndex
from thrilldrops_events.campaigns._matching import match_views
from thrilldrops_events.campaigns._store import Store
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["Posting", "SetStats", "held", "set_stats"]


@dataclass(frozen=True)
class Posting:
    """One look-up posting: the branches a value of one operand lets through (bits set in one facet).

    Attributes:
        event_type: The event type.
        scope: Always ``(None, None)``: one index serves every scope, whose operator and brand are
            facets like any other (their postings have the operand ``event.operator_id`` or
            ``event.brand_id``).
        operand: The operand looked up, as condition text.
        key: The value, as Python holds it.
        branches: How many branches are filed under it.
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
        indexes: Indexes, one per event type with campaigns.
        nodes: Facets of all indexes (one per operand of an event type, the scope's two included).
        lookup_keys: Values of set atoms' postings (``==``, ``in``, the scope).
        range_entries: Bounds in range lists (a tier counts two).
        checked_entries: Branches with residual clauses (checked once every facet lets them through).
        rejection_keys: Values of not-set atoms' postings (``!=``, ``not in``).
        operands: Distinct operands and residual clauses the set reads.
        largest: The largest look-up postings, largest first (at most ten).
        events: Events in the sample measured.
        in_scope: Per event of the sample, branches of its type and scope, on average.
        checked: Per event, branches the index had to check exactly (residual clauses, or a bound in
            the boundary block of a range list), on average.
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


def _shape(index: EventIndex, event_type: str, counts: dict[str, int], postings: list[Posting]) -> None:
    """Count an index's facets, keys and bounds; list its look-up postings."""
    counts["branches"] += index.live.bit_count()
    counts["checked_entries"] += index.residual.bit_count()
    for facet in index.facets.values():
        counts["nodes"] += 1
        counts["lookup_keys"] += len(facet.accept)
        counts["rejection_keys"] += len(facet.excluded)
        counts["range_entries"] += facet.lows.size + facet.highs.size
        text = facet.operand.node.text
        postings.extend(Posting(event_type, (None, None), text, key, bits.bit_count())
                        for key, bits in facet.accept.items())


def _sample(views: Mapping[EventType, EventIndex], envelope: Envelope) -> tuple[int, int]:
    """``(branches of the event's type and scope, branches checked exactly)`` for one event."""
    index = views.get(envelope.payload.event_type)
    if index is None:
        return 0, 0
    in_scope = index.live
    for facet in index.order:
        if facet.rank == 0:
            in_scope &= ~facet.failing(facet.read(envelope))[0]
    candidates, bounded = index.candidates(envelope)
    return in_scope.bit_count(), (bounded | index.residual & candidates).bit_count()


def held(views: Mapping[EventType, EventIndex]) -> int:
    """How many campaigns published views hold.

    The set's records are changed in place while a batch is published (new ones before the views,
    removed ones after), so their count may be neither the old one nor the new; the views' is one of them.
    """
    return sum(index.campaigns for index in views.values())


def set_stats(store: Store, sample: Sequence[Envelope], ctx: Mapping[str, Any] | None = None) -> SetStats:
    """Measure a store's index, and matches of the ``sample`` events (with the context values ``ctx``)."""
    counts = dict.fromkeys(("branches", "nodes", "lookup_keys", "range_entries", "checked_entries",
                            "rejection_keys"), 0)
    postings: list[Posting] = []
    views = store.views
    for event_type, index in views.items():
        _shape(index, event_type.value, counts, postings)
    postings.sort(key=lambda posting: -posting.branches)
    in_scope = checked = matched = 0
    for envelope in sample:
        scoped, looked = _sample(views, envelope)
        in_scope += scoped
        checked += looked
        with contextlib.suppress(ConditionEvaluationError):  # an event whose campaigns need ctx
            matched += len(match_views(views, envelope, ctx))
    events = len(sample)
    return SetStats(
        campaigns=held(views), branches=counts["branches"], indexes=len(views), nodes=counts["nodes"],
        lookup_keys=counts["lookup_keys"], range_entries=counts["range_entries"],
        checked_entries=counts["checked_entries"], rejection_keys=counts["rejection_keys"],
        operands=len(store.operands), largest=tuple(postings[:10]), events=events,
        in_scope=in_scope / events if events else 0.0, checked=checked / events if events else 0.0,
        matched=matched / events if events else 0.0,
    )
