"""One match: the event type's index, its context values, and the answer in the set's order.

The published views are read once, so the match works on one snapshot however the set changes
meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events.campaigns._event_index import EventIndex
from thrilldrops_events.campaigns._operands import MatchState
from thrilldrops_events.conditions.runtime import check_context
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope

__all__ = ["match_views"]


def match_views(views: Mapping[EventType, EventIndex], envelope: Envelope, ctx: Mapping[str, Any] | None,
                 *_: Any) -> list[str]:
    """The ids of the campaigns of ``views`` that ``envelope`` triggers, in the set's order.

    Raises:
        TypeError: If ``ctx`` is neither ``None`` nor a mapping, whether or not a campaign reads it.
    """
    if ctx is not None and ctx.__class__ is not dict:
        check_context(ctx)
    index = views.get(envelope.payload.event_type)
    if index is None:
        return []
    state = MatchState({})
    if index.context:
        index.read_context(ctx, state, envelope)
    return index.match(envelope, state)
