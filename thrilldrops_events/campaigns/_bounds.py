"""The bounds of one operand's range atoms, in sorted blocks of groups with accumulated unions of their slots.

A ``Bounds`` holds one side of the ranges on one operand: the lower bounds (``v >= b``, ``v > b``)
or the upper ones (``v <= b``, ``v < b``), each as an entry ``(b, rank, slot)``, a slot at most
once. Entries are sorted so that, for an event's value ``v``, the entries below the probe
``(v, 0.5)`` are exactly:

* for lower bounds (rank 0 for ``>=``, 1 for ``>``): the bounds ``v`` passes;
* for upper bounds (rank 0 for ``<``, 1 for ``<=``): the bounds ``v`` fails.

(``(b, 0, slot) < (v, 0.5)`` when ``b <= v``; ``(b, 1, slot) < (v, 0.5)`` when ``b < v``; numbers
compare as Python compares them, so ``20 == 20.00``.) The entries are cut into *groups* of at most
``GROUP`` consecutive entries, and the groups into *blocks* of at most ``MAX_GROUPS`` groups. The
failing side is accumulated: a lower list keeps, per block, the union of the slots (a Python int
used as a bit set) of every block from it on, and, in each block, the union of every group from
each group on; an upper list keeps the unions of everything before instead. So one bisection over
the bounds the blocks start with and one in the block give every failing slot as the OR of two
precomputed ints, except the slots of the one group the probe falls into, returned as *to check*:
the caller checks the few of them that survive every other facet exactly (a group's slots are the
XOR of two neighbouring unions, since a slot is filed once).

Changes are made on a copy (``copy``) that copies a block only when it first changes it. One change
touches only what it lands in: it toggles its slot's bit in the unions that cover its group (those
of its block and the list's), and a group or block that overflows splits in two (one that empties
or shrinks merges with a neighbour) without recomputing the others. A copy given many changes (a
batch, or a set built at once) stops keeping its unions up to date and recomputes those it changed
once, in ``finish``; ``finish`` is called once, after any number of changes, before publishing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import pairwise
from typing import Any

__all__ = ["GROUP", "MAX_BLOCK", "MAX_GROUPS", "Bounds"]

#: The most entries of one group (the most slots a probe leaves to check); a group splits in two past it.
GROUP = 16
#: The most groups of one block; a block splits in two past it.
MAX_GROUPS = 32
#: The most entries of one block.
MAX_BLOCK = GROUP * MAX_GROUPS
#: Two neighbouring groups holding at most this many entries together merge.
_SMALL_GROUPS = GROUP // 2
#: Two neighbouring blocks of at most this many groups together merge.
_SMALL_BLOCKS = MAX_GROUPS // 2
#: After this many changes to one copy, its unions are recomputed once by ``finish`` rather than kept.
INCREMENTAL = 48

Entry = tuple[Any, int, int]


def _union(entries: list[Entry]) -> int:
    if not entries:
        return 0
    top = max(slot for _, _, slot in entries)
    field = bytearray(top // 8 + 1)
    for _, _, slot in entries:
        field[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(field, "little")


def _accumulate(unions: list[int], lower: bool) -> list[int]:
    """``len(unions) + 1`` ints: lower, ``acc[i]`` is the union of parts ``i`` on; upper, of the parts before ``i``."""
    acc = [0] * (len(unions) + 1)
    if lower:
        for i in range(len(unions) - 1, -1, -1):
            acc[i] = acc[i + 1] | unions[i]
    else:
        for i, union in enumerate(unions):
            acc[i + 1] = acc[i] | union
    return acc


def _toggle(acc: list[int], part: int, bit: int, lower: bool) -> None:
    """Add (or take out) ``bit`` in part ``part``: in the accumulated unions that include that part."""
    for i in range(part + 1) if lower else range(part + 1, len(acc)):
        acc[i] ^= bit


class _Block:
    """Consecutive entries, their groups (``starts``: where each begins, then the length) and unions."""

    __slots__ = ("acc", "entries", "ranks", "starts", "values")

    def __init__(self, entries: list[Entry], starts: list[int], acc: list[int] | None) -> None:
        self.entries = entries
        self.values = [bound for bound, _, _ in entries]
        self.ranks = [rank for _, rank, _ in entries]
        self.starts = starts
        self.acc = acc  # None: to recompute in ``finish``

    def copy(self) -> _Block:
        other = _Block.__new__(_Block)
        other.entries, other.values, other.ranks = list(self.entries), list(self.values), list(self.ranks)
        other.starts = list(self.starts)
        other.acc = None if self.acc is None else list(self.acc)
        return other

    def insert(self, where: int, entry: Entry) -> int:
        """Put ``entry`` at ``where``; the group it joins."""
        self.entries.insert(where, entry)
        self.values.insert(where, entry[0])
        self.ranks.insert(where, entry[1])
        starts = self.starts
        group = min(bisect_right(starts, where), len(starts) - 1) - 1
        for i in range(group + 1, len(starts)):
            starts[i] += 1
        return group

    def delete(self, where: int) -> int:
        """Take the entry at ``where`` out; the group it left."""
        del self.entries[where], self.values[where], self.ranks[where]
        starts = self.starts
        group = bisect_right(starts, where) - 1
        for i in range(group + 1, len(starts)):
            starts[i] -= 1
        return group

    def split_group(self, group: int, lower: bool) -> None:
        """Cut a group in two halves."""
        starts, acc = self.starts, self.acc
        start, end = starts[group], starts[group + 1]
        middle = (start + end) // 2
        starts.insert(group + 1, middle)
        if acc is not None:
            acc.insert(group + 1, _union(self.entries[middle:end]) | acc[group + 1] if lower
                       else acc[group] | _union(self.entries[start:middle]))

    def join(self, group: int) -> None:
        """Merge group ``group`` with the next (or drop an empty group): the union between them goes."""
        del self.starts[group + 1]
        if self.acc is not None:
            del self.acc[group + 1]

    def tidy(self, group: int) -> None:
        """After an entry left ``group``: drop it if empty, or merge it with a neighbour if both are small."""
        starts = self.starts
        size = starts[group + 1] - starts[group]
        if not size:
            self.join(group)
            return
        for first in (group - 1, group):
            if 0 <= first < len(starts) - 2 and starts[first + 2] - starts[first] <= _SMALL_GROUPS:
                self.join(first)
                return

    def cut(self, lower: bool) -> tuple[_Block, _Block]:
        """The block's two halves (by groups)."""
        half = (len(self.starts) - 1) // 2
        at = self.starts[half]
        acc = self.acc
        left_acc = right_acc = None
        if acc is not None:
            if lower:
                left_acc, right_acc = [union ^ acc[half] for union in acc[:half + 1]], acc[half:]
            else:
                left_acc, right_acc = acc[:half + 1], [union ^ acc[half] for union in acc[half:]]
        return (_Block(self.entries[:at], self.starts[:half + 1], left_acc),
                _Block(self.entries[at:], [start - at for start in self.starts[half:]], right_acc))

    def then(self, other: _Block, lower: bool) -> _Block:
        """This block followed by ``other`` as one."""
        size = len(self.entries)
        starts = self.starts[:-1] + [start + size for start in other.starts]
        a, b = self.acc, other.acc
        acc = None
        if a is not None and b is not None:
            acc = [union | b[0] for union in a[:-1]] + b if lower else a + [union | a[-1] for union in b[1:]]
        return _Block(self.entries + other.entries, starts, acc)

    def regroup(self, lower: bool) -> None:
        """Recompute its unions (after changes that left them to ``finish``)."""
        entries, starts = self.entries, self.starts
        self.acc = _accumulate([_union(entries[a:b]) for a, b in pairwise(starts)], lower)

    def total(self, lower: bool) -> int:
        acc = self.acc
        assert acc is not None
        return acc[0] if lower else acc[-1]


class Bounds:
    """One side of the range atoms on one operand (see the module's docstring).

    Attributes:
        lower: Whether it holds lower bounds (else upper ones).
        size: How many entries it holds.
    """

    __slots__ = ("_blocks", "_changes", "_cum", "_firsts", "_owned", "_starts", "lower", "size")

    def __init__(self, lower: bool) -> None:
        self.lower = lower
        self.size = 0
        self._blocks: list[_Block] = []
        self._firsts: list[Entry] = []
        self._starts: list[Any] = []  # the bound of each block's first entry (set by ``finish``)
        self._cum: list[int] | None = [0]  # None: to recompute in ``finish``
        self._owned: dict[int, _Block] | None = {}  # the blocks this copy made, by id
        self._changes = 0

    def copy(self) -> Bounds:
        """A copy to change (blocks are copied when first changed); ``finish`` it before publishing."""
        other = Bounds(self.lower)
        other.size = self.size
        other._blocks = list(self._blocks)
        other._firsts = list(self._firsts)
        other._cum = None if self._cum is None else list(self._cum)
        return other

    def _own(self, position: int) -> _Block:
        block = self._blocks[position]
        owned = self._owned
        assert owned is not None, "a finished Bounds is not changed"
        if id(block) not in owned:
            block = self._blocks[position] = self._adopt(block.copy())
        return block

    def _adopt(self, block: _Block) -> _Block:
        assert self._owned is not None
        self._owned[id(block)] = block
        return block

    def _mark(self, position: int, block: _Block, group: int, bit: int) -> None:
        """Toggle ``bit`` in the unions over a group of a block, or leave them to ``finish`` after many changes."""
        self._changes += 1
        if self._changes > INCREMENTAL:
            block.acc = self._cum = None
            return
        if block.acc is not None:
            _toggle(block.acc, group, bit, self.lower)
        if self._cum is not None:
            _toggle(self._cum, position, bit, self.lower)

    def add(self, bound: Any, rank: int, slot: int) -> None:
        """File a slot's bound (the slot has none here)."""
        entry = (bound, rank, slot)
        self.size += 1
        if not self._blocks:
            self._blocks.append(self._adopt(_Block([], [0, 0], [0, 0])))
            self._firsts.append(entry)
            self._cum = None if self._cum is None else [0, 0]
        position = max(0, bisect_right(self._firsts, entry) - 1)
        block = self._own(position)
        group = block.insert(bisect_right(block.entries, entry), entry)
        self._firsts[position] = block.entries[0]
        self._mark(position, block, group, 1 << slot)
        if block.starts[group + 1] - block.starts[group] > GROUP:
            block.split_group(group, self.lower)
            if len(block.starts) > MAX_GROUPS + 1:
                self._split(position)

    def remove(self, bound: Any, rank: int, slot: int) -> None:
        """Take a slot's bound out (it is filed)."""
        entry = (bound, rank, slot)
        position = bisect_right(self._firsts, entry) - 1
        block = self._own(position)
        where = bisect_left(block.entries, entry)
        assert block.entries[where] == entry, "a bound the writer filed is in its list"
        group = block.delete(where)
        self._mark(position, block, group, 1 << slot)
        self.size -= 1
        if not block.entries:
            self._drop(position)
            return
        self._firsts[position] = block.entries[0]
        block.tidy(group)
        if len(block.starts) <= _SMALL_BLOCKS + 1:
            self._merge(position)

    def _split(self, position: int) -> None:
        left, right = self._blocks[position].cut(self.lower)
        self._blocks[position: position + 1] = [self._adopt(left), self._adopt(right)]
        self._firsts[position: position + 1] = [left.entries[0], right.entries[0]]
        cum = self._cum
        if cum is not None:  # the union between the halves
            cum.insert(position + 1, right.total(True) | cum[position + 1] if self.lower
                       else cum[position] | left.total(False))

    def _drop(self, position: int) -> None:
        """Take out an emptied block (and the union between it and the next)."""
        del self._blocks[position], self._firsts[position]
        if self._cum is not None:
            del self._cum[position + 1]

    def _merge(self, position: int) -> None:
        blocks = self._blocks
        for first in (position - 1, position):
            if 0 <= first < len(blocks) - 1 and (len(blocks[first].starts) + len(blocks[first + 1].starts)
                                                 <= _SMALL_BLOCKS + 2):
                merged = self._adopt(blocks[first].then(blocks[first + 1], self.lower))
                blocks[first: first + 2] = [merged]
                self._firsts[first: first + 2] = [merged.entries[0]]
                if self._cum is not None:
                    del self._cum[first + 1]
                return

    def finish(self) -> None:
        """Recompute the unions left to it; the list is not changed after this."""
        lower = self.lower
        for block in self._blocks:
            if block.acc is None:
                block.regroup(lower)
        if self._cum is None:
            self._cum = _accumulate([block.total(lower) for block in self._blocks], lower)
        self._starts = [bound for bound, _, _ in self._firsts]
        self._owned = None

    def failing(self, value: Any) -> tuple[int, int]:
        """``(slots whose bound value fails, slots of the boundary group to check)``; ``value`` is not null."""
        cum = self._cum
        assert cum is not None
        starts = self._starts
        j = bisect_right(starts, value)  # blocks before j start below the probe, but for those that start
        while j and starts[j - 1] == value and self._firsts[j - 1][1]:  # with a bound equal to ``value`` of rank 1
            j -= 1
        if j == 0:
            return (cum[0], 0) if self.lower else (0, 0)
        block = self._blocks[j - 1]
        values = block.values
        where = bisect_right(values, value)  # entries[:where] are below it, but for bounds equal to
        if values[where - 1] == value and block.ranks[where - 1]:  # ``value`` of rank 1 (which sort last)
            where = bisect_left(block.entries, (value, 1), 0, where)
        if where == len(values):  # the whole block is below the probe
            return cum[j], 0
        starts, acc = block.starts, block.acc
        assert acc is not None
        group = bisect_right(starts, where) - 1  # the group of the first entry not below it
        if self.lower:  # the groups from the probe's on fail
            if starts[group] == where:
                return cum[j] | acc[group], 0
            return cum[j] | acc[group + 1], acc[group] ^ acc[group + 1]
        fail = cum[j - 1] | acc[group]  # the groups before the probe's fail
        return (fail, acc[group + 1] ^ acc[group]) if starts[group] != where else (fail, 0)

    def entries(self) -> list[Entry]:
        """Every entry, in order (for statistics and tests)."""
        return [entry for block in self._blocks for entry in block.entries]

    def blocks(self) -> list[int]:
        """The size of each block, in order."""
        return [len(block.entries) for block in self._blocks]

    def groups(self) -> list[list[int]]:
        """The sizes of the groups of each block, in order."""
        return [[b - a for a, b in pairwise(block.starts)] for block in self._blocks]

    def unions(self) -> tuple[list[int], list[list[int]]]:
        """The accumulated unions, of the blocks and in each block (for tests); the list is finished."""
        assert self._cum is not None
        return list(self._cum), [list(block.acc or ()) for block in self._blocks]
