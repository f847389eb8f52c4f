"""The plan of an event type's index: each facet as a match reads it, and the clock windows visited as one.

A facet's *step* is the flat tuple a match reads (see ``Step``). A published index's steps are
kept by the next one for every facet a change leaves alone (the same object), while the index's
*capacity* holds: a step's free slots are taken below the capacity (the slots in use rounded up by
256, or an eighth), not below the slots in use, so they stay right as slots come and go; when the
capacity changes every step is made again. The facets with set atoms only on the hour or the weekday
of the timestamp are left out of the plan and visited as one by ``Clocks`` (kept too while they are
the same facets).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thrilldrops_events.campaigns._clocks import Clocks
from thrilldrops_events.campaigns._facets import Facet

__all__ = ["Failing", "Plan", "Step", "plan_of"]

#: ``failing(value)`` of one side of a facet's bounds (see ``Bounds.failing``).
Failing = Callable[[Any], tuple[int, int]]
#: One facet as a match reads it: ``(every, read, free, accept.get, rest)``: ``free`` is the slots
#: below the capacity without a set atom on it (``None`` if no slot has one), and ``rest`` is
#: ``None`` or, for a facet with not-set or range atoms, ``(excluded.get or None, ranged,
#: lows.failing, highs.failing)`` (see ``Facet``; a side without bounds is ``None``).
Step = tuple[int, Callable[[Any], Any], "int | None", Callable[[Any, int], int],
             "tuple[Callable[[Any, int], int] | None, int, Failing | None, Failing | None] | None"]
#: ``(steps by facet, capacity, plan, clocks)``.
Plan = tuple[dict[Facet, Step], int, tuple[Step, ...], "Clocks | None"]


def _step(facet: Facet, universe: int) -> Step:
    rest = (facet.excluded.get if facet.excluded else None, facet.ranged,
            facet.lows.failing if facet.lows.size else None, facet.highs.failing if facet.highs.size else None)
    return (facet.every, facet.read, universe ^ facet.constrained if facet.constrained else None, facet.accept.get,
            rest if facet.excluded or facet.ranged else None)


def _capacity(slots: int) -> int:
    """How many slots the steps cover for an index of ``slots`` slots: rounded up, so it changes seldom."""
    step = max(256, 1 << max(0, slots.bit_length() - 3))
    return -(-max(slots, 1) // step) * step


def plan_of(order: tuple[Facet, ...], slots: int, published: Plan) -> Plan:
    """The plan of the facets ``order`` of an index of ``slots`` slots, reusing what ``published`` made.

    Args:
        order: The facets, in the order a match visits them.
        slots: How many slots the index has given out (those in use are below).
        published: The plan of the index the draft was made from.
    """
    known, cap, _, clocks = published
    fresh = _capacity(slots)
    universe = (1 << fresh) - 1
    if fresh != cap:
        known = {}
    steps: dict[Facet, Step] = {}
    plan: list[Step] = []
    found: list[Facet] = []
    for facet in order:
        step = known.get(facet)
        if step is None:
            step = _step(facet, universe)
        steps[facet] = step
        if facet.operand.clock is not None and not facet.excluded and not facet.ranged:
            found.append(facet)
        else:
            plan.append(step)
    timed = tuple(found)
    if not timed:
        clocks = None
    elif clocks is None or clocks.facets != timed or clocks.universe != universe:  # else its keys still hold
        clocks = Clocks(timed, [steps[facet] for facet in timed], universe)
    return steps, fresh, tuple(plan), clocks
