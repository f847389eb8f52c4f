"""The bounds of one operand's range atoms, in sorted blocks with precomputed unions of their slots.

A ``Bounds`` holds one side of the ranges on one operand: the lower bounds (``v >= b``, ``v > b``)
or the upper ones (``v <= b``, ``v < b``), each as an entry ``(b, rank, slot)``. Entries are sorted
so that, for an event's value ``v``, the entries below the probe ``(v, 0.5)`` are exactly:

* for lower bounds (rank 0 for ``>=``, 1 for ``>``): the bounds ``v`` passes;
* for upper bounds (rank 0 for ``<``, 1 for ``<=``): the bounds ``v`` fails.

(``(b, 0, slot) < (v, 0.5)`` when ``b <= v``; ``(b, 1, slot) < (v, 0.5)`` when ``b < v``; numbers
compare as Python compares them, so ``20 == 20.00``.) The entries are cut into blocks of at most
``MAX_BLOCK``; each block keeps the union of its slots (a Python int used as a bit set), and the
list keeps, per block, the union of every block beyond it (lower bounds) or before it (upper
bounds). So one bisection over the blocks' first entries gives every failing slot as one
precomputed int, except in the one block the probe falls into. That block also keeps the unions of
its groups of ``GROUP`` consecutive entries: a second bisection, in the block, gives the groups
wholly on either side of the probe, and only the slots of the group the probe falls into are
returned as *to check*: the caller checks the few of them that survive every other facet exactly.

Changes are made on a copy (``copy``) that copies a block only when it first changes it; the
cumulative unions and the changed blocks' group unions are recomputed once, by ``finish``, after
any number of changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Any

__all__ = ["GROUP", "MAX_BLOCK", "Bounds"]

#: The most entries of one block (a block splits in two past it).
MAX_BLOCK = 128
#: A block at most this large is merged with a neighbour when both fit in one block.
_SMALL = MAX_BLOCK // 8
#: How many consecutive entries of a block share one group union (the most slots a probe leaves to check).
GROUP = 16

Entry = tuple[Any, int, int]


class _Block:
    __slots__ = ("entries", "groups", "ranks", "union", "values")

    def __init__(self, entries: list[Entry], union: int) -> None:
        self.entries = entries
        self.union = union
        self.groups: tuple[int, ...] = ()
        self.values: list[Any] = []
        self.ranks: list[int] = []

    def group(self) -> None:
        """Recompute the unions of its groups of ``GROUP`` entries, and its bounds and ranks as lists."""
        entries = self.entries
        self.groups = tuple(_union(entries[start: start + GROUP]) for start in range(0, len(entries), GROUP))
        self.values = [bound for bound, _, _ in entries]
        self.ranks = [rank for _, rank, _ in entries]


def _union(entries: list[Entry]) -> int:
    if not entries:
        return 0
    top = max(slot for _, _, slot in entries)
    field = bytearray(top // 8 + 1)
    for _, _, slot in entries:
        field[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(field, "little")


class Bounds:
    """One side of the range atoms on one operand (see the module's docstring).

    Attributes:
        lower: Whether it holds lower bounds (else upper ones).
        size: How many entries it holds.
    """

    __slots__ = ("_blocks", "_cum", "_firsts", "_owned", "lower", "size")

    def __init__(self, lower: bool) -> None:
        self.lower = lower
        self.size = 0
        self._blocks: list[_Block] = []
        self._firsts: list[Entry] = []
        self._cum: list[int] = [0]
        self._owned: dict[int, _Block] | None = {}  # the blocks this copy made, by id

    def copy(self) -> Bounds:
        """A copy to change (blocks are copied when first changed); ``finish`` it before publishing."""
        other = Bounds(self.lower)
        other.size = self.size
        other._blocks = list(self._blocks)
        other._firsts = list(self._firsts)
        other._cum = self._cum
        return other

    def _own(self, position: int) -> _Block:
        block = self._blocks[position]
        owned = self._owned
        assert owned is not None, "a finished Bounds is not changed"
        if id(block) not in owned:
            block = _Block(list(block.entries), block.union)
            self._blocks[position] = block
            owned[id(block)] = block
        return block

    def add(self, bound: Any, rank: int, slot: int) -> None:
        """File a slot's bound."""
        entry = (bound, rank, slot)
        self.size += 1
        if not self._blocks:
            block = _Block([entry], 1 << slot)
            self._blocks.append(block)
            self._firsts.append(entry)
            assert self._owned is not None
            self._owned[id(block)] = block
            return
        position = max(0, bisect_right(self._firsts, entry) - 1)
        block = self._own(position)
        insort(block.entries, entry)
        block.union |= 1 << slot
        self._firsts[position] = block.entries[0]
        if len(block.entries) > MAX_BLOCK:
            self._split(position)

    def remove(self, bound: Any, rank: int, slot: int) -> None:
        """Take a slot's bound out (it is filed)."""
        entry = (bound, rank, slot)
        position = bisect_right(self._firsts, entry) - 1
        block = self._own(position)
        where = bisect_left(block.entries, entry)
        assert block.entries[where] == entry, "a bound the writer filed is in its list"
        del block.entries[where]
        block.union &= ~(1 << slot)
        self.size -= 1
        if not block.entries:
            del self._blocks[position], self._firsts[position]
            return
        self._firsts[position] = block.entries[0]
        if len(block.entries) <= _SMALL:
            self._merge(position)

    def _split(self, position: int) -> None:
        entries = self._blocks[position].entries
        half = len(entries) // 2
        left, right = _Block(entries[:half], _union(entries[:half])), _Block(entries[half:], _union(entries[half:]))
        assert self._owned is not None
        self._owned.update(((id(left), left), (id(right), right)))
        self._blocks[position: position + 1] = [left, right]
        self._firsts[position: position + 1] = [left.entries[0], right.entries[0]]

    def _merge(self, position: int) -> None:
        for first in (position - 1, position):
            if first >= 0 and first + 1 < len(self._blocks):
                a, b = self._blocks[first], self._blocks[first + 1]
                if len(a.entries) + len(b.entries) <= MAX_BLOCK // 2:
                    merged = _Block(a.entries + b.entries, a.union | b.union)
                    assert self._owned is not None
                    self._owned[id(merged)] = merged
                    self._blocks[first: first + 2] = [merged]
                    self._firsts[first: first + 2] = [merged.entries[0]]
                    return

    def finish(self) -> None:
        """Recompute the cumulative unions and the changed blocks' groups; the list is not changed after this."""
        owned = self._owned
        assert owned is not None
        for block in owned.values():  # (a block merged away since is grouped for nothing)
            block.group()
        unions = [block.union for block in self._blocks]
        cum = [0] * (len(unions) + 1)
        if self.lower:  # cum[i]: blocks i and beyond
            for i in range(len(unions) - 1, -1, -1):
                cum[i] = cum[i + 1] | unions[i]
        else:  # cum[i]: blocks before i
            for i, union in enumerate(unions):
                cum[i + 1] = cum[i] | union
        self._cum = cum
        self._owned = None

    def failing(self, value: Any) -> tuple[int, int]:
        """``(slots whose bound value fails, slots of the boundary group to check)``; ``value`` is not null."""
        j = bisect_right(self._firsts, (value, 0.5))  # blocks before j start below the probe
        if j == 0:
            return (self._cum[0], 0) if self.lower else (0, 0)
        block = self._blocks[j - 1]
        # in the block, bisect the bounds alone (numbers, not tuples); the entries equal to ``value``
        # of rank 1, which sort last among the equal ones, are not below the probe ``(value, 0.5)``
        values, ranks = block.values, block.ranks
        where = bisect_right(values, value)  # entries[:where] are below it
        while where and ranks[where - 1] and values[where - 1] == value:
            where -= 1
        if where == len(values):  # the whole block is below the probe
            return self._cum[j], 0
        middle, offset = divmod(where, GROUP)
        groups = block.groups
        if self.lower:  # the groups beyond the probe's fail
            fail = self._cum[j]
            for union in groups[middle + 1:]:
                fail |= union
            return (fail | groups[middle], 0) if not offset else (fail, groups[middle])
        fail = self._cum[j - 1]  # the groups before the probe's fail
        for union in groups[:middle]:
            fail |= union
        return (fail, groups[middle]) if offset else (fail, 0)

    def entries(self) -> list[Entry]:
        """Every entry, in order (for statistics and tests)."""
        return [entry for block in self._blocks for entry in block.entries]

    def blocks(self) -> list[int]:
        """The size of each block, in order."""
        return [len(block.entries) for block in self._blocks]
