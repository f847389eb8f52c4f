"""The index of one event type: a bit (slot) per campaign branch, and one facet per operand.

Every branch of every campaign of the event type has a *slot*, one bit of the Python ints the
facets hold (the k-index's postings as bit sets: AND, OR and XOR of ints of tens of thousands of
bits run in C in about a microsecond). A match starts from every live slot and, facet by facet
(scope first), removes the slots the event's value for that operand rules out, skipping a facet
none of the remaining candidates has an atom on (its operand is then not even computed), and
stopping when none remain. The facets on the local clock of the timestamp (hour and weekday
windows) come last, visited as one (``_clocks``). The few survivors with something left to decide
(a residual clause, or a range whose bound fell in a boundary block) are checked exactly; the rest
match.

A slot keeps its order key, campaign id and exact checks (of its ranges, for a bound in a boundary
group, and of its residual clauses); the key gives the set's order (the campaign's place, then the
branch). Slots are given out so that a higher slot has a higher key wherever possible (a new
campaign takes a slot above every other, a replaced one its old slots), so the matched slots, read
lowest first, are already in the set's order; a slot that could not be placed so is marked in
``disorder``, and a match that includes one sorts by the keys. Slots are kept in chunks of
``CHUNK``, and the campaign ids again in tables of rows of eight slots, the shape ``named`` reads a
match's ids out of; a change copies one chunk and one table, not all.

An ``EventIndex`` that readers see never changes: a writer works on ``draft()`` (which copies the
facets and chunks it changes when it first changes them) and publishes it after ``finish()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from thrilldrops_events.campaigns._atom import Filing
from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.campaigns._bits import ROW, TABLE, bits_of, lay_out, named, repeats, slots_of
from thrilldrops_events.campaigns._clocks import Clocks
from thrilldrops_events.campaigns._facets import Facet
from thrilldrops_events.campaigns._operands import Check, MatchState, Operand
from thrilldrops_events.campaigns._plan import Step, plan_of
from thrilldrops_events.conditions.runtime import read_context
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["CHUNK", "EMPTY_SLOT", "EventIndex", "Reader", "Scope", "Slot", "Step"]

T = TypeVar("T")

#: How many slots one chunk of the slot table holds.
CHUNK = 256
_SHIFT = CHUNK.bit_length() - 1
_MASK = CHUNK - 1
#: The campaign ids are kept in tables of ``TABLE`` rows of eight slots (see ``named``).
_ROWS_SHIFT = (8 * TABLE).bit_length() - 1
_ROW_MASK = TABLE - 1

#: A campaign's scope: ``(operator_id, brand_id)``, ``None`` meaning any.
Scope = tuple["str | None", "str | None"]
#: What a slot holds: ``(order key, campaign id, checks of its ranges, its residual clauses)``.
Slot = tuple[int, str, tuple[Check, ...], tuple[Check, ...]]
#: A campaign reading context values: ``(scope, active window, names)``.
Reader = tuple[Scope, tuple["int | None", "int | None"], tuple[str, ...]]
#: What a free slot holds.
EMPTY_SLOT: Slot = (-1, "", (), ())
#: A draft that wrote this many slots lays out the id tables it changed afresh (see ``_bits.lay_out``).
_LAY_OUT = 1024
#: Free slots beyond this many (and an eighth of the slots in use) are reused even out of order.
_SPARE = 64
#: How many of the slots freed last a new branch tries before the others.
_RECENT = 16
def _same(value: T) -> T:
    return value


class EventIndex:
    """The campaigns of one event type (see the module's docstring).

    Attributes:
        live: Every slot in use.
        residual: The slots with residual clauses (always checked exactly once their atoms hold).
        disorder: The slots in use whose key does not follow the order of the slots.
        followers: The slots of a campaign's further branches filed right after (one above) its
            previous branch's slot, in a run that starts at its first branch's slot.
        scattered: The slots of a campaign's further branches filed elsewhere.
        extra: How many slots are further branches of their campaign (those of ``followers`` and
            ``scattered``, when every campaign's branches were filed one after the other).
        chained: Whether they are (then repeats of a campaign are found by ``followers``).
        order: The facets, in the order a match visits them.
        plan: The facets of ``order`` as a match reads them, but for those of ``clocks``.
        clocks: The facets with set atoms only on the hour or the weekday of the timestamp, visited
            as one after the others (``None`` if there are none).
        facets: The facets by operand.
        campaigns: How many campaigns it holds (with or without slots).
        multi: How many of them have more than one slot.
        readers: Per campaign key, the context values it reads (for the rules of ``ctx``).
        context_types: The context values its campaigns read, with their types.
    """

    __slots__ = ("_cap", "_chunks", "_copied", "_free", "_ids", "_last", "_next", "_recent", "_spare", "_steps",
                 "_writes", "campaigns", "chained", "clocks", "context", "context_types", "disorder", "extra", "facets",
                 "followers", "live", "multi", "order", "plan", "readers", "residual", "scattered")

    def __init__(self) -> None:
        self.live = self.residual = self.disorder = self.followers = self.scattered = self.extra = 0
        self._last: tuple[str, int] = ("", -1)
        self.chained = True
        self.facets: dict[Operand, Facet] = {}
        self.order: tuple[Facet, ...] = ()
        self.plan: tuple[Step, ...] = ()
        self.clocks: Clocks | None = None
        self.campaigns = self.multi = 0
        self.readers: dict[int, Reader] = {}
        self.context: dict[str, tuple[Any, int]] = {}
        self.context_types: dict[str, Any] = {}
        self._chunks: list[list[Slot]] = []
        self._ids: list[list[tuple[str, ...]]] = []
        self._free = self._spare = self._next = 0
        self._recent: list[int] = []
        self._copied: set[int] | None = set()
        self._writes = 0
        self._steps: dict[Facet, Step] = {}
        self._cap = 0

    # -- the writer's side ----------------------------------------------------------------------

    def draft(self) -> EventIndex:
        """A copy to change, sharing what it has not changed yet."""
        other = EventIndex()
        other.live, other.residual, other.disorder = self.live, self.residual, self.disorder
        other.followers, other.scattered, other.extra = self.followers, self.scattered, self.extra
        other.facets = dict(self.facets)
        other.campaigns, other.multi = self.campaigns, self.multi
        other.readers = self.readers
        other.context = self.context
        other._chunks = list(self._chunks)
        other._ids = list(self._ids)
        other._free, other._spare, other._next = self._free, self._spare, self._next
        other._recent = list(self._recent)
        other._steps, other._cap, other.clocks = self._steps, self._cap, self.clocks
        return other

    def _mine(self, value: T, copy: Callable[[T], T]) -> T:
        """``value`` if this draft made it, else a copy of it that this draft owns."""
        copied = self._copied
        assert copied is not None, "a published index is not changed"
        if id(value) not in copied:
            value = copy(value)
            copied.add(id(value))
        return value

    def _facet(self, operand: Operand, rank: int) -> Facet:
        facet = self.facets.get(operand)
        facet = self._mine(Facet(operand, rank), _same) if facet is None else self._mine(facet, Facet.copy)
        self.facets[operand] = facet
        return facet

    def _set_slot(self, slot: int, value: Slot) -> None:
        number = slot >> _SHIFT
        while number >= len(self._chunks):
            self._chunks.append(self._mine([EMPTY_SLOT] * CHUNK, _same))
        chunk = self._chunks[number] = self._mine(self._chunks[number], list)
        chunk[slot & _MASK] = value
        number = slot >> _ROWS_SHIFT
        while number >= len(self._ids):
            self._ids.append(self._mine([ROW] * TABLE, _same))
        ids = self._ids[number] = self._mine(self._ids[number], list)
        row, bit = ids[slot >> 3 & _ROW_MASK], slot & 7
        ids[slot >> 3 & _ROW_MASK] = (*row[:bit], value[1], *row[bit + 1:])
        self._writes += 1

    def _fits(self, ordered: int, slot: int, key: int) -> bool:
        """Whether a branch of order key ``key`` in ``slot`` keeps the ordered slots (``ordered``) in order."""
        below = (ordered & ((1 << slot) - 1)).bit_length() - 1
        if below >= 0 and self.slot(below)[0] > key:
            return False
        above = ordered >> (slot + 1)
        return not above or self.slot((above & -above).bit_length() + slot)[0] > key

    def _place(self, key: int) -> tuple[int, bool]:
        """A slot for a branch of order key ``key``, and whether it keeps the slots in order."""
        ordered = self.live ^ self.disorder
        top = ordered.bit_length() - 1
        last = top < 0 or self.slot(top)[0] < key  # the key comes after every ordered slot's
        for slot in sorted(self._recent):  # a replaced campaign's own slots, most likely
            # after every key, a slot above the top ordered one fits, and no other; else only one below
            if (slot > top) if last else (slot < top and self._fits(ordered, slot, key)):
                return self._take(slot), True
        if self._spare > _SPARE + self.live.bit_count() // 8:  # too many holes: the lowest, in order or not
            slot = self._take((self._free & -self._free).bit_length() - 1)
            return slot, self._fits(ordered, slot, key)
        slot = self._next
        self._next += 1
        return slot, last

    def _take(self, slot: int) -> int:
        """Take a free slot."""
        self._free ^= 1 << slot
        self._spare -= 1
        if slot in self._recent:
            self._recent = [other for other in self._recent if other != slot]
        return slot

    def file(self, key: int, campaign_id: str, pairs: list[tuple[Atom, Operand, int]], ranges: tuple[Check, ...],
             residual: tuple[Check, ...]) -> int:
        """Give a branch a slot and file its atoms (``(atom, operand, facet rank)``); its slot.

        ``ranges`` test its range atoms (for a bound in a boundary group), ``residual`` its residual clauses.
        """
        slot, in_order = self._place(key)
        bit = 1 << slot
        if not in_order:
            self.disorder |= bit
        last_id, last_slot = self._last
        if last_id == campaign_id:  # a further branch of the campaign filed just before
            if slot == last_slot + 1 and not self.scattered >> last_slot & 1:  # its run starts at its first branch
                self.followers |= bit
            else:
                self.scattered |= bit
        self._last = (campaign_id, slot)
        self._set_slot(slot, (key, campaign_id, ranges, residual))
        self.live |= bit
        if residual:
            self.residual |= bit
        facets: dict[int, Facet] = {}
        for atom, operand, rank in pairs:
            facet = facets.get(id(operand))
            if facet is None:
                facet = facets[id(operand)] = self._facet(operand, rank)
                facet.count(slot, True)
            facet.file(atom, slot, True)
        return slot

    def unfile(self, slot: int, pairs: list[tuple[Filing, Operand, int]]) -> None:
        """Take a branch's atoms out (as its campaign's record kept them) and free its slot."""
        for atom, operand, rank in pairs:
            self._facet(operand, rank).file(atom, slot, False)
        for operand in {id(operand): operand for _, operand, _ in pairs}.values():
            facet = self.facets[operand]
            facet.count(slot, False)
            if not facet.slots:
                del self.facets[operand]
        bit = 1 << slot
        self.live ^= bit
        self.residual ^= self.residual & bit
        self.disorder ^= self.disorder & bit
        self.followers ^= self.followers & bit
        self.scattered ^= self.scattered & bit
        self._last = ("", -1)
        self._set_slot(slot, EMPTY_SLOT)
        self._free |= bit
        self._spare += 1
        self._recent = [*self._recent[1 - _RECENT:], slot]

    def count(self, key: int, reader: Reader | None, context: Mapping[str, Any], slots: int, adding: bool) -> None:
        """Count a campaign in (or out): its slots and the context values it reads."""
        step = 1 if adding else -1
        self.campaigns += step
        self.multi += step if slots > 1 else 0
        self.extra += step * max(0, slots - 1)
        self._last = ("", -1)
        if reader is None:
            return
        readers = self.readers = self._mine(self.readers, dict)
        counts = self.context = self._mine(self.context, dict)
        for name, kind in context.items():
            users = counts.get(name, (kind, 0))[1] + step
            if users:
                counts[name] = (kind, users)
            else:
                del counts[name]
        if adding:
            readers[key] = reader
        else:
            del readers[key]

    def finish(self) -> None:
        """Make the draft ready to publish: range lists, the facets' order and plan, the context's types."""
        copied = self._copied
        assert copied is not None
        for facet in self.facets.values():
            if id(facet) in copied:
                facet.finish()
        self.order = tuple(sorted(self.facets.values(), key=lambda facet: (facet.rank, -facet.slots)))
        self._steps, self._cap, self.plan, self.clocks = plan_of(
            self.order, self._next, (self._steps, self._cap, self.plan, self.clocks))
        self.chained = self.extra == self.followers.bit_count() + self.scattered.bit_count()
        self.context_types = {name: kind for name, (kind, _) in self.context.items()}
        if self._writes >= _LAY_OUT:
            lay_out(self._ids, copied)
        self._copied = None

    # -- reading ---------------------------------------------------------------------------------

    def slot(self, slot: int) -> Slot:
        """What a slot in use holds."""
        return self._chunks[slot >> _SHIFT][slot & _MASK]

    def read_context(self, ctx: Mapping[str, Any] | None, state: MatchState, envelope: Any) -> None:
        """Check and convert the context values its campaigns read into ``state.ctx``.

        As in the naive loop, only a campaign in the event's scope and active at its timestamp
        that reads a value missing from ``ctx`` (or of the wrong type) makes the match fail.

        Raises:
            ConditionEvaluationError: If such a campaign reads such a value.
        """
        names = tuple(self.context)
        try:
            state.ctx.update(zip(names, read_context(ctx, names, self.context_types), strict=True))
        except ConditionEvaluationError:
            moment, operator_id, brand_id = envelope.timestamp, envelope.operator_id, envelope.brand_id
            for (operator, brand), (start, end), needed in self.readers.values():
                if ((operator is None or operator == operator_id) and (brand is None or brand == brand_id)
                        and (start is None or moment >= start) and (end is None or moment < end)):
                    state.ctx.update(zip(needed, read_context(ctx, needed, self.context_types), strict=True))

    def candidates(self, envelope: Any) -> tuple[int, int]:
        """``(slots whose facets all let the event through, those of them whose ranges to check exactly)``.

        The slots with residual clauses (``residual``) among the first are checked too.

        A set atom keeps the candidates its value lets through or that have none on the facet
        (``c & (accept | free)``); the others remove what they rule out with AND and XOR only
        (``c ^ (c & fail)``): an AND-NOT of a positive int (``c & ~fail``) costs several times more.
        """
        candidates = self.live
        check = 0
        for every, read, free, accept, rest in self.plan:
            if not every & candidates:
                continue
            value = read(envelope)
            if free is not None:
                candidates &= free | accept(value, 0)
            if rest is not None:
                excluded, ranged, lows, highs = rest
                if excluded is not None:
                    candidates ^= candidates & excluded(value, 0)
                if ranged:
                    if value is None:  # null fails every ordering
                        candidates ^= candidates & ranged
                    else:
                        if lows is None:
                            assert highs is not None
                            fail, boundary = highs(value)
                        else:
                            fail, boundary = lows(value)
                            if highs is not None:
                                high, edge = highs(value)
                                fail |= high
                                boundary |= edge
                        candidates ^= candidates & fail
                        check |= boundary
            if not candidates:
                return 0, 0
        clocks = self.clocks
        if clocks is not None and clocks.every & candidates:
            candidates = clocks.narrow(envelope, candidates)
            if not candidates:
                return 0, 0
        return candidates, check & candidates

    def _checked(self, envelope: Any, state: MatchState, candidates: int, checks: int, ranges: bool) -> int:
        """``candidates`` without the slots of ``checks`` (among them) whose range (or residual) tests fail."""
        chunks = self._chunks
        failed = []
        for slot in slots_of(checks):
            entry = chunks[slot >> _SHIFT][slot & _MASK]
            for test in entry[2] if ranges else entry[3]:
                if not test(envelope, state):
                    failed.append(slot)
                    break
        return candidates ^ bits_of(failed) if failed else candidates

    def match(self, envelope: Any, state: MatchState) -> list[str]:
        """The ids of the campaigns ``envelope`` matches, in the set's order, each once."""
        candidates, bounded = self.candidates(envelope)
        if not candidates:
            return []
        if bounded:  # ranges first: they are cheap
            candidates = self._checked(envelope, state, candidates, bounded, True)
        residual = self.residual & candidates
        if residual:
            candidates = self._checked(envelope, state, candidates, residual, False)
        if not candidates:
            return []
        by_bits = self.multi and self.chained and not (self.disorder | self.scattered) & candidates
        if by_bits:
            candidates ^= repeats(candidates, self.followers)
        if self.disorder & candidates:
            slots = sorted(slots_of(candidates), key=lambda slot: self.slot(slot)[0])
            found = [self.slot(slot)[1] for slot in slots]
        else:  # the slots' order
            found = named(candidates, self._ids)
        if self.multi and not by_bits and len(found) > 1:
            return list(dict.fromkeys(found))  # a campaign with several branches may have matched by more than one
        return found
