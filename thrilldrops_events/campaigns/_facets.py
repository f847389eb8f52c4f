"""One operand's facet of an event type's index: which slots an event's value rules out.

A *slot* is one bit, one campaign branch (see ``_event_index``); sets of slots are Python ints.
A ``Facet`` holds every atom that the branches of one event type have on one operand (a field, a
derived value, the envelope's operator or brand), by kind:

* set atoms: ``constrained`` (the slots with one) and ``accept`` (per value, the slots it lets
  through; ``accept[v]`` is within ``constrained``): the value ``v`` fails
  ``constrained ^ accept[v]``;
* not-set atoms: ``excluded`` (per value, the slots it rules out);
* range atoms: ``ranged`` (the slots with one; a null value fails them all) and two ``Bounds``, the
  lower and the upper ones (one bisection each).

A value is looked up as ``Atom.holds`` tests it: by hash and equality (``20 == 20.00``, ``None`` for
null), and by Python's ordering for ranges. Changes are made on a copy (``copy``), then ``finish``
is called once before the facet is published; a published facet never changes.
"""

from __future__ import annotations

from typing import Any

from thrilldrops_events.campaigns._atom import Filing
from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.campaigns._bounds import Bounds
from thrilldrops_events.campaigns._operands import Operand

__all__ = ["Facet"]


def _take(table: dict[Any, int], key: Any, bit: int) -> None:
    left = table[key] ^ bit  # the key holds the bit (see ``Facet.file``)
    if left:
        table[key] = left
    else:
        del table[key]


class Facet:
    """The atoms on one operand of one event type's branches (see the module's docstring).

    Attributes:
        operand: The operand.
        read: ``read(envelope)`` gives its value.
        every: The slots with any atom on it (a facet is skipped when no candidate has one).
        constrained: The slots with a set atom on it.
        accept: Per value, the slots whose set atom it satisfies.
        excluded: Per value, the slots whose not-set atom it fails.
        ranged: The slots with a range atom on it.
        lows: Lower bounds of the range atoms.
        highs: Upper bounds of the range atoms.
        slots: How many slots it holds.
        rank: Where it comes in a match (smaller first): the scope, fields, then derived values.
    """

    __slots__ = ("accept", "constrained", "every", "excluded", "highs", "lows", "operand", "ranged", "rank", "read",
                 "slots")

    def __init__(self, operand: Operand, rank: int) -> None:
        self.operand = operand
        self.read = operand.read
        self.rank = rank
        self.every = self.constrained = self.ranged = 0
        self.accept: dict[Any, int] = {}
        self.excluded: dict[Any, int] = {}
        self.lows = Bounds(lower=True)
        self.highs = Bounds(lower=False)
        self.slots = 0

    def copy(self) -> Facet:
        """A copy to change."""
        other = Facet.__new__(Facet)
        other.operand, other.read, other.rank = self.operand, self.read, self.rank
        other.every, other.constrained, other.ranged = self.every, self.constrained, self.ranged
        other.accept = dict(self.accept)
        other.excluded = dict(self.excluded)
        other.lows = self.lows.copy()
        other.highs = self.highs.copy()
        other.slots = self.slots
        return other

    def finish(self) -> None:
        """Make the range lists ready to read (once, after the changes of a batch)."""
        self.lows.finish()
        self.highs.finish()

    def file(self, atom: Atom | Filing, slot: int, adding: bool) -> None:
        """File one atom of ``slot`` (or take it out: a slot's atoms on an operand go out together).

        A slot has at most one atom of each kind on an operand (a branch's atoms are merged per
        operand), and takes out exactly what it filed: its bit is then in every int it clears, so
        XOR clears it (an AND-NOT of the bit, ``x & ~bit``, costs about eight times more).
        """
        bit = 1 << slot
        kind = atom.kind
        if kind == "set" or kind == "not_set":
            if kind == "set":
                self.constrained = self.constrained | bit if adding else self.constrained ^ bit
                table = self.accept
            else:
                table = self.excluded
            if adding:
                get = table.get
                for key in atom.keys:
                    table[key] = get(key, 0) | bit
            else:
                for key in atom.keys:
                    _take(table, key, bit)
        else:
            self.ranged = self.ranged | bit if adding else self.ranged ^ bit
            for bounds, end, ranks in ((self.lows, atom.low, (1, 0)), (self.highs, atom.high, (0, 1))):
                if end is not None:
                    rank = ranks[1] if end[1] else ranks[0]
                    (bounds.add if adding else bounds.remove)(end[0], rank, slot)

    def count(self, slot: int, adding: bool) -> None:
        """Count ``slot`` in (or out of) the facet, after (or before) filing its atoms (once per slot)."""
        bit = 1 << slot
        self.every = self.every | bit if adding else self.every ^ bit
        self.slots += 1 if adding else -1

    def failing(self, value: Any) -> tuple[int, int]:
        """``(slots that value rules out, slots to check exactly)`` (see ``Bounds.failing``)."""
        fail = self.constrained ^ self.accept.get(value, 0) if self.constrained else 0
        if self.excluded:
            fail |= self.excluded.get(value, 0)
        if not self.ranged:
            return fail, 0
        if value is None:  # null fails every ordering
            return fail | self.ranged, 0
        low, check = self.lows.failing(value)
        high, boundary = self.highs.failing(value)
        return fail | low | high, check | boundary
