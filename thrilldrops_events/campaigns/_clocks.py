"""The facets on the local clock of the timestamp (hour and weekday windows in any zone), visited as one.

An index holds one facet per zone and part (``hour(event.timestamp, "Europe/Malta")``,
``weekday(event.timestamp)``, ...); visited one by one, each costs a local time and a few bit
operations, for every event. What they let through depends on the timestamp alone, and only
through the local hours and weekdays, so ``Clocks`` visits them as one: the slots they let
through are kept per quarter-hour of UTC (the key ``timestamp // 900``), shared by the quarter-hours
that give every facet the same value (a quarter-hour of Monday 10:00 in every zone gives what the
next Monday's does). The facets' steps are the index's (their free slots within ``universe``).

A quarter-hour is a key only if it is *exact*: every zone's offset from UTC is a multiple of 15
minutes and the same at its first and last second (so the local hour and weekday are the same all
through it; an offset changes at most once within a quarter-hour), and every value is in the
calendar's range. Any other (a quarter-hour a zone's offset changes in, an offset of local mean
time, a timestamp out of range) is visited facet by facet, as is a quarter-hour the first time it
is met (a stream of events far apart costs what it did; the second event of a quarter-hour fills
its key). The keys are kept per published index (a new index starts empty) and bounded: past the
bound they are dropped and filled again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from thrilldrops_events.campaigns._facets import Facet

__all__ = ["QUARTER", "Clocks"]

#: The seconds of one key of the timestamp (a quarter-hour: every zone's offset is a multiple of it).
QUARTER = 900
_QUARTER_DELTA = timedelta(seconds=QUARTER)
#: The most quarter-hours kept (each holds a reference to a shared set).
_KEYS = 1 << 16
#: The bytes the distinct sets of slots kept by one index may take (and the fewest and most of them).
_BYTES = 16 << 20
_FEWEST, _MOST = 256, 4096


class _Moment:
    """An envelope as a clock reads it: only its timestamp."""

    __slots__ = ("timestamp",)

    def __init__(self, timestamp: int) -> None:
        self.timestamp = timestamp


class Clocks:
    """The facets of one index on the local clock of the timestamp, with the slots they let through per quarter-hour.

    Attributes:
        facets: The facets.
        universe: Every slot the facets' steps cover.
        every: The slots with an atom on any of them (visited only when a candidate has one).
    """

    __slots__ = ("_keys", "_limit", "_seen", "_sets", "_steps", "_zones", "every", "facets", "universe")

    def __init__(self, facets: tuple[Facet, ...], steps: Sequence[tuple[Any, ...]], universe: int) -> None:
        """Visit ``facets`` (set atoms only, each on a ``Clock``'s hour or weekday).

        Args:
            facets: The facets.
            steps: Each facet's step in the index's plan, ``(every, read, free, accept.get, rest)``.
            universe: Every slot the steps cover (the slots of ``free`` are within it).
        """
        self.facets = facets
        self.universe = universe
        self._steps = tuple(step[:4] for step in steps)
        every = 0
        zones: dict[int, tzinfo] = {}
        for facet in facets:
            every |= facet.every
            clock = facet.operand.clock
            assert clock is not None
            if clock.zone is not None:
                zones[id(clock.zone)] = clock.zone
        self.every = every
        self._zones = tuple(zones.values())
        self._keys: dict[int, int | None] = {}  # quarter-hour: the slots let through (None: not exact)
        self._seen: set[int] = set()  # quarter-hours met once
        self._sets: dict[tuple[Any, ...], int] = {}  # the facets' values: the slots let through
        self._limit = max(_FEWEST, min(_MOST, _BYTES // max(1, (universe.bit_length() + 7) >> 3)))

    def narrow(self, envelope: Any, candidates: int) -> int:
        """The ``candidates`` that every facet lets ``envelope`` through."""
        key = envelope.timestamp // QUARTER
        keys = self._keys
        found = keys.get(key)
        if found is not None:
            return candidates & found
        if key in keys or key not in self._seen:  # not exact, or met for the first time
            seen = self._seen
            if len(seen) >= _KEYS:
                seen.clear()
            seen.add(key)
            return self.visit(envelope, candidates)
        passing = self._fill(key)
        return self.visit(envelope, candidates) if passing is None else candidates & passing

    def visit(self, envelope: Any, candidates: int) -> int:
        """``narrow`` facet by facet (those a candidate has an atom on)."""
        for every, read, free, accept in self._steps:
            if every & candidates:
                candidates &= free | accept(read(envelope), 0)
                if not candidates:
                    return 0
        return candidates

    def _fill(self, key: int) -> int | None:
        """The slots let through in quarter-hour ``key``, kept; ``None`` (kept too) if it is not exact."""
        keys = self._keys
        if len(keys) >= _KEYS:
            keys.clear()
        start = key * QUARTER
        if not self._exact(start):
            keys[key] = None
            return None
        moment = _Moment(start)
        values = tuple(read(moment) for _, read, _, _ in self._steps)
        if None in values:  # pragma: no cover - out of the calendar's range, which _exact refuses first
            keys[key] = None
            return None
        sets = self._sets
        passing = sets.get(values)
        if passing is None:
            if len(sets) >= self._limit:  # the keys hold the sets dropped: they go too
                sets.clear()
                keys.clear()
            passing = self.universe
            for (_, _, free, accept), value in zip(self._steps, values, strict=True):
                passing &= free | accept(value, 0)
            sets[values] = passing
        keys[key] = passing
        return passing

    def _exact(self, start: int) -> bool:
        """Whether every zone's offset is a multiple of a quarter-hour, the same all through the one from ``start``."""
        for zone in self._zones:
            try:
                first = datetime.fromtimestamp(start, zone).utcoffset()
                last = datetime.fromtimestamp(start + QUARTER - 1, zone).utcoffset()
            except (OverflowError, ValueError, OSError):
                return False
            if first is None or first != last or first % _QUARTER_DELTA:
                return False
        return True
