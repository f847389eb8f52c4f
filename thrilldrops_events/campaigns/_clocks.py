"""The facets on the local clock of the timestamp (hour and weekday windows in any zone), visited as one.

An index holds one facet per zone and part (``hour(event.timestamp, "Europe/Malta")``,
``weekday(event.timestamp)``, ...); visited one by one, each costs a few bit operations on the
candidates, for every event. What they let through depends on the timestamp alone, and only through
the local hours and weekdays, so ``Clocks`` visits them as one: the slots they let through are kept
per *clock* (the hour and weekday of every zone, then of UTC), computed once. A week has a few
hundred clocks (more with zones of half- and quarter-hour offsets), the same every week but for
offset changes. The facets' steps are the index's (their free slots within ``universe``).

Most days, no zone changes its offset from UTC: a day (of UTC) is *even* when every zone's offset is
a multiple of 15 minutes and the same at its first and last second (no zone of the time zone
database changes its offset twice within four days), and every local time is in the calendar's
range. In an even day, the clock depends only on the zones' offsets and the quarter-hour of the week
(``timestamp // 900 % 672``), so the sets are also kept per *week key*: the day's offsets (each
distinct list of them numbered once) and that quarter-hour. A match then makes one look-up for its
day and one for its week key, with no local time at all, whether the events come in the same few
quarter-hours (a live stream), spread over a month (a replay) or weeks and years apart. Finding
whether a day is even costs two local times per zone (each kept per zone and day, for every index),
so it is done at the day's next meet after ``1 + zones // 64``, or at once if another index has
found its zones' offsets for the day; until then, and in a day that is not even (a zone's offset changes that day, an
offset of local mean time, a local time out of the calendar's range), a match goes by its own
clock (a local time per zone, one set), or with more than ``_BY_CLOCK`` zones facet by facet,
skipping those no candidate has an atom on and reading only their zones' local times. What is kept
belongs to one published index (kept by the next one while the facets are the same) and is bounded:
past the bound it is dropped and made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from thrilldrops_events.campaigns._facets import Facet
from thrilldrops_events.conditions.runtime import utc_hour, utc_weekday

__all__ = ["DAY", "QUARTER", "WEEK", "Clocks"]

#: The seconds of one quarter-hour (every zone's offset is a multiple of it in an even day).
QUARTER = 900
_QUARTER_DELTA = timedelta(seconds=QUARTER)
_SECOND = timedelta(seconds=1)
#: The seconds of one day of UTC.
DAY = 86400
#: The quarter-hours of one week.
WEEK = 7 * DAY // QUARTER
#: The most days and week keys kept (each week key holds a reference to a shared set), and days met
#: without an entry.
_KEYS = 1 << 16
#: The bytes the distinct sets of slots kept by one index may take (and the fewest and most of them).
_BYTES = 16 << 20
_FEWEST, _MOST = 256, 4096
#: Each zone's offset from UTC (seconds) all through a day, or ``_UNEVEN`` if it changes that day or is not
#: whole quarter-hours, by zone and day's start: shared by every index, as most event types' zones are the same.
_ZONE_DAYS: dict[tuple[tzinfo, int], int] = {}
#: Not an offset (an offset is less than a day either way).
_UNEVEN = DAY
#: Up to this many zones, a match in a day not (yet) known to be even goes by its own clock (a local time
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

    __slots__ = ("_by_clock", "_days", "_limit", "_met", "_offsets", "_patience", "_places", "_sets", "_steps",
                 "_vectors", "_weeks", "_zones", "every", "facets", "universe")

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
        self._patience = 1 + len(found) // 64
        self._by_clock = len(found) <= _BY_CLOCK
        self._days: dict[int, int] = {}  # day: the number of its offsets times WEEK (-1: not even)
        self._met: dict[int, int] = {}  # days met without an entry: how many times
        self._vectors: dict[tuple[int, ...], int] = {}  # the zones' offsets (seconds) in an even day: their number
        self._offsets: list[tuple[int, ...]] = []  # the same, by number
        self._weeks: dict[int, int] = {}  # week key (number * WEEK + quarter-hour of the week): the slots let through
        self._sets: dict[Clock, int] = {}  # the local hours and weekdays: the slots let through
        self._limit = max(_FEWEST, min(_MOST, _BYTES // max(1, (universe.bit_length() + 7) >> 3)))

    def narrow(self, envelope: Any, candidates: int) -> int:
        """The ``candidates`` that every facet lets ``envelope`` through."""
        timestamp = envelope.timestamp
        base = self._days.get(timestamp // DAY)
        if base is None:
            base = self._meet(timestamp // DAY)
        if base >= 0:  # an even day
            key = base + timestamp // QUARTER % WEEK
            found = self._weeks.get(key)
            if found is None:
                found = self._fill(key)
            return candidates & found
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
            if len(sets) >= self._limit:  # the week keys hold the sets dropped: they go too
                sets.clear()
                self._weeks.clear()
            passing = self.universe
            for (_, _, free, accept), (where, part) in zip(self._steps, self._places, strict=True):
                passing &= free | accept(clock[where][part], 0)
            sets[clock] = passing
        return passing

    def _meet(self, day: int) -> int:
        """What ``_days`` holds for ``day`` once it has been met ``_patience`` times (or its zones' offsets are known).

        ``-1`` until then.
        """
        met = self._met
        times = met.get(day, 0)
        if times < self._patience and not self._known(day * DAY):
            if len(met) >= _KEYS:
                met.clear()
            met[day] = times + 1
            return -1
        met.pop(day, None)
        days = self._days
        if len(days) >= _KEYS:
            days.clear()
        offsets = self._even(day * DAY)
        if offsets is None:
            days[day] = -1
            return -1
        number = self._vectors.get(offsets)
        if number is None:
            number = self._vectors[offsets] = len(self._offsets)
            self._offsets.append(offsets)
        base = days[day] = number * WEEK
        return base

    def _known(self, start: int) -> bool:
        """Whether the offsets of its first and last zone in the day from ``start`` are known (found by any index)."""
        zones = self._zones
        return not zones or ((zones[0], start) in _ZONE_DAYS and (zones[-1], start) in _ZONE_DAYS)

    def _even(self, start: int) -> tuple[int, ...] | None:
        """Each zone's offset from UTC in seconds all through the day from ``start``, or ``None`` if it is not even.

        Even: every offset a multiple of a quarter-hour and the same at the day's first and last
        second, and every local time in the calendar's range.
        """
        out = []
        known = _ZONE_DAYS
        for zone in self._zones:
            offset = known.get((zone, start))
            if offset is None:
                if len(known) >= _KEYS:
                    known.clear()
                offset = known[zone, start] = _even_offset(zone, start)
            if offset == _UNEVEN:
                return None
            out.append(offset)
        return tuple(out)

    def _fill(self, key: int) -> int:
        """The slots let through at week key ``key``, kept."""
        weeks = self._weeks
        if len(weeks) >= _KEYS:
            weeks.clear()
        number, quarter = divmod(key, WEEK)
        moment = quarter * QUARTER  # a moment of that quarter-hour of the week (in the first week of 1970)
        clock = tuple((utc_hour(moment + offset), utc_weekday(moment + offset))
                      for offset in (*self._offsets[number], 0))  # each zone, then UTC
        passing = weeks[key] = self._passing(clock)
        return passing


def _even_offset(zone: tzinfo, start: int) -> int:
    """The offset of ``zone`` from UTC in seconds all through the day from ``start``, or ``_UNEVEN``.

    ``_UNEVEN`` if it is not the same at the day's first and last second, or not a multiple of a
    quarter-hour, or a local time is out of the calendar's range.
    """
    try:
        first = datetime.fromtimestamp(start, zone).utcoffset()
        last = datetime.fromtimestamp(start + DAY - 1, zone).utcoffset()
    except (OverflowError, ValueError, OSError):
        return _UNEVEN
    if first is None or first != last or first % _QUARTER_DELTA:
        return _UNEVEN
    return first // _SECOND
