"""One match: the indexes of an event's scopes, their context values, and the answer in the set's order.

An event of operator ``o`` and brand ``b`` is in scope of the campaigns of ``(o, b)``, ``(o, any)``,
``(any, b)`` and ``(any, any)``: four look-ups of an index, each walked by
``collect``. The published views are read once, so
the match works on one snapshot however the set changes meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events.campaigns._nodes import Item
from thrilldrops_events.campaigns._operands import MatchState
from thrilldrops_events.campaigns._scope_index import ScopeIndex, collect
from thrilldrops_events.conditions.runtime import read_context
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["match_views", "scopes_of"]


def scopes_of(envelope: Envelope) -> tuple[tuple[str | None, str | None], ...]:
    """The scopes whose campaigns see ``envelope``, most specific first."""
    operator_id, brand_id = envelope.operator_id, envelope.brand_id
    return ((operator_id, brand_id), (operator_id, None), (None, brand_id), (None, None))


def read_index_context(index: ScopeIndex, ctx: Mapping[str, Any] | None, state: MatchState, timestamp: int) -> None:
    """Check and convert the context values an index's campaigns read, into ``state.ctx``.

    As in the naive loop, only an active campaign reading a value that is missing or of the wrong
    type makes the match fail; a value only inactive campaigns read may be missing.

    Raises:
        ConditionEvaluationError: If an active campaign of the index reads such a value.
    """
    names = index.context_names
    try:
        state.ctx.update(zip(names, read_context(ctx, names, index.context_types), strict=True))
    except ConditionEvaluationError:
        for (start, end), needed in index.readers.values():
            if (start is None or timestamp >= start) and (end is None or timestamp < end):
                state.ctx.update(zip(needed, read_context(ctx, needed, index.context_types), strict=True))


def match_views(views: Mapping[EventType, Mapping[Any, ScopeIndex]], envelope: Envelope,
                ctx: Mapping[str, Any] | None, *_: Any) -> list[str]:
    """The ids of the campaigns of ``views`` that ``envelope`` triggers, in the set's order."""
    indexes = views.get(envelope.payload.event_type)
    if indexes is None:
        return []
    found: list[Item] = []
    rejected: set[Item] = set()
    state = MatchState({})
    several = 0
    for scope in scopes_of(envelope):
        index = indexes.get(scope)
        if index is None:
            continue
        if index.context_names:
            read_index_context(index, ctx, state, envelope.timestamp)
        collect(index, envelope, state, found, rejected)
        several += index.multi
    if rejected:
        found = [item for item in found if item not in rejected]
    if not found:
        return []
    found.sort()
    if several:  # a campaign with several branches may have matched by more than one
        return list(dict.fromkeys([campaign_id for _, campaign_id in found]))
    return [campaign_id for _, campaign_id in found]
