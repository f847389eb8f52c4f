"""The facets on the local clock of the timestamp (hour and weekday windows in any zone), visited as one.

An index holds one facet per zone and part (``hour(event.timestamp, "Europe/Malta")``,
``weekday(event.timestamp)``, ...); visited one by one, each costs a few bit operations on the
candidates, for every event. What they let through depends on the timestamp alone, and only through
the local hours and weekdays, so ``Clocks`` visits them as one: the slots they let through are kept
per *clock* (the hour and weekday of every zone, then of UTC), computed once, so a match reads one
local time per zone and ANDs one set (with more than ``_BY_CLOCK`` zones it visits the facets one by
one instead, skipping those no candidate has an atom on, and reads only their zones' local times). A
week has a few hundred clocks (more with zones of half- and quarter-hour offsets), the same every
week but for offset changes. The facets' steps are the index's (their free slots within
``universe``).

A live stream's events come in the same few quarter-hours, so the sets are also kept per quarter-hour
of UTC (the key ``timestamp // 900``): one look-up, and no local time at all. A quarter-hour is a key
only if it is *exact*: every zone's offset from UTC is a multiple of 15 minutes and the same at its
first and last second (so the local hour and weekday are the same all through it; an offset changes
at most once within a quarter-hour), and every value is in the calendar's range. Filling a key costs
two local times per zone (twice what a match by its own clock costs), so it waits until the
quarter-hour has been met ``2 + zones // 16`` times; until then, and for a quarter-hour that is not
exact (a zone's offset changes in it, an offset of local mean time, a timestamp out of range), a match
goes by its own clock. The sets and keys are kept per published index (kept by the next one while the
facets are the same) and bounded: past the bound they are dropped and made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from thrilldrops_events.campaigns._facets import Facet
from thrilldrops_events.conditions.runtime import utc_hour, utc_weekday

__all__ = ["QUARTER", "Clocks"]

#: The seconds of one key of the timestamp (a quarter-hour: every zone's offset is a multiple of it).
QUARTER = 900
_QUARTER_DELTA = timedelta(seconds=QUARTER)
#: The most quarter-hours kept (each holds a reference to a shared set), and met without a key.
_KEYS = 1 << 16
#: The bytes the distinct sets of slots kept by one index may take (and the fewest and most of them).
_BYTES = 16 << 20
_FEWEST, _MOST = 256, 4096
#: Up to this many zones, a match without its quarter-hour's key goes by its own clock (a local time
#: per zone, one set); beyond, facet by facet, skipping the zones no candidate has a window in.
_BY_CLOCK = 32

#: The hour and weekday of each zone, then of UTC, in one quarter-hour (or at one moment).
Clock = tuple[tuple["int | None", "int | None"], ...]
#: A zone's hour and weekday out of the calendar's range.
_NOWHERE: tuple[None, None] = (None, None)


class Clocks:
    """The facets of one index on the local clock of the timestamp, with the slots they let through per quarter-hour.

    Attributes:
        facets: The facets.
        universe: Every slot the facets' steps cover.
        every: The slots with an atom on any of them (visited only when a candidate has one).
    """

    __slots__ = ("_by_clock", "_keys", "_limit", "_met", "_patience", "_places", "_sets", "_steps", "_zones", "every",
                 "facets", "universe")

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
        zones: dict[int, int] = {}  # a zone's id: its place
        found: list[tzinfo] = []
        places: list[tuple[int, int]] = []  # per facet: its zone's place (-1: UTC), then 0 (the hour) or 1
        for facet in facets:
            every |= facet.every
            clock = facet.operand.clock
            assert clock is not None
            where = -1
            if clock.zone is not None:
                where = zones.get(id(clock.zone), -1)
                if where < 0:
                    where = zones[id(clock.zone)] = len(found)
                    found.append(clock.zone)
            places.append((where, 0 if facet.read is clock.hour else 1))
        self.every = every
        self._zones = tuple(found)
        self._places = tuple(places)
        self._patience = 2 + len(found) // 16
        self._by_clock = len(found) <= _BY_CLOCK
        self._keys: dict[int, int | None] = {}  # quarter-hour: the slots let through (None: not exact)
        self._met: dict[int, int] = {}  # quarter-hours met without a key: how many times
        self._sets: dict[Clock, int] = {}  # the local hours and weekdays: the slots let through
        self._limit = max(_FEWEST, min(_MOST, _BYTES // max(1, (universe.bit_length() + 7) >> 3)))

    def narrow(self, envelope: Any, candidates: int) -> int:
        """The ``candidates`` that every facet lets ``envelope`` through."""
        timestamp = envelope.timestamp
        key = timestamp // QUARTER
        keys = self._keys
        found = keys.get(key)
        if found is not None:
            return candidates & found
        if key not in keys:  # else not exact
            met = self._met
            times = met.get(key, 0)
            if times < self._patience:
                if len(met) >= _KEYS:
                    met.clear()
                met[key] = times + 1
            else:
                met.pop(key, None)
                passing = self._fill(key)
                if passing is not None:
                    return candidates & passing
        if self._by_clock:
            return candidates & self._passing(self.local(timestamp))
        return self.visit(envelope, candidates)

    def visit(self, envelope: Any, candidates: int) -> int:
        """``narrow`` facet by facet (those a candidate has an atom on; their zones' local times only)."""
        for every, read, free, accept in self._steps:
            if every & candidates:
                candidates &= free | accept(read(envelope), 0)
                if not candidates:
                    return 0
        return candidates

    def local(self, timestamp: int) -> Clock:
        """The hour and weekday of each zone, then of UTC, at ``timestamp``, as the facets read them.

        ``datetime.hour`` and ``isoweekday()`` of one local time per zone (``(None, None)`` out of the
        calendar's range, as the built-ins give), ``utc_hour`` and ``utc_weekday``.
        """
        out: list[tuple[int | None, int | None]] = []
        for zone in self._zones:
            try:
                moment = datetime.fromtimestamp(timestamp, zone)
            except (OverflowError, ValueError, OSError):
                out.append(_NOWHERE)
                continue
            out.append((moment.hour, moment.isoweekday()))
        out.append((utc_hour(timestamp), utc_weekday(timestamp)))
        return tuple(out)

    def _passing(self, clock: Clock) -> int:
        """The slots every facet lets through at the local hours and weekdays ``clock``, kept."""
        sets = self._sets
        passing = sets.get(clock)
        if passing is None:
            if len(sets) >= self._limit:  # the keys hold the sets dropped: they go too
                sets.clear()
                self._keys.clear()
            passing = self.universe
            for (_, _, free, accept), (where, part) in zip(self._steps, self._places, strict=True):
                passing &= free | accept(clock[where][part], 0)
            sets[clock] = passing
        return passing

    def _fill(self, key: int) -> int | None:
        """The slots let through in quarter-hour ``key``, kept; ``None`` (kept too) if it is not exact."""
        keys = self._keys
        if len(keys) >= _KEYS:
            keys.clear()
        clock = self._clock(key * QUARTER)
        if clock is None:
            keys[key] = None
            return None
        passing = self._passing(clock)
        keys[key] = passing
        return passing

    def _clock(self, start: int) -> Clock | None:
        """The hour and weekday of each zone, then of UTC, all through the quarter-hour from ``start``.

        ``None`` unless every zone's offset is a multiple of a quarter-hour and the same at its
        first and last second, and its local times are in the calendar's range. The values are
        those the facets read (``datetime.hour`` and ``isoweekday()``; ``utc_hour``, ``utc_weekday``).
        """
        out = []
        for zone in self._zones:
            try:
                first = datetime.fromtimestamp(start, zone)
                last = datetime.fromtimestamp(start + QUARTER - 1, zone).utcoffset()
            except (OverflowError, ValueError, OSError):
                return None
            offset = first.utcoffset()
            if offset is None or offset != last or offset % _QUARTER_DELTA:
                return None
            out.append((first.hour, first.isoweekday()))
        out.append((utc_hour(start), utc_weekday(start)))
        return tuple(out)
