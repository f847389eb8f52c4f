"""A branch on its way into an index: what is still undecided about it, and the tests of that."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.campaigns._nodes import GE, GT, LE, LT, Item
from thrilldrops_events.campaigns._operands import Check, Operand, Residual, check

__all__ = ["MAX_FANOUT", "RANGE_SHARE", "WEAK", "Pair", "Pending", "bound_of"]

#: A set atom that lets more events through than this share is not worth a look-up table.
WEAK = 0.6
#: The share of events a range atom is taken to let through.
RANGE_SHARE = 0.5
#: The most nodes one branch may be filed under (the product of its look-ups' value counts).
MAX_FANOUT = 256

Pair = tuple[Atom, Operand]


@dataclass(frozen=True, eq=False)
class Pending:
    """A branch on its way down: its item, what is still undecided, and the tests of it.

    Attributes:
        item: The branch.
        sets: Its set atoms not yet decided by a look-up, most selective first.
        ranges: Its range atoms not yet decided by a family.
        residuals: Its residual clauses (always checked).
        tests: The test of each atom, by ``id(atom)``, shared along the way.
        fanout: Under how many nodes it is filed so far.
        extra: Tests added on the way (the upper end of a tier filed by its lower end).
    """

    item: Item
    sets: tuple[Pair, ...]
    ranges: tuple[Pair, ...]
    residuals: tuple[Residual, ...]
    tests: dict[int, Check] = field(repr=False)
    fanout: int = 1
    extra: tuple[Check, ...] = ()

    @property
    def checks(self) -> tuple[Check, ...]:
        """What is left to test: pending atoms, then residual clauses."""
        tests = self.tests
        return (*self.extra, *(tests[id(atom)] for atom, _ in self.sets),
                *(tests[id(atom)] for atom, _ in self.ranges), *self.residuals)

    def set_atom(self, operand: Operand) -> Atom | None:
        for atom, owner in self.sets:
            if owner is operand:
                return atom
        return None

    def range_atom(self, operand: Operand) -> Atom | None:
        for atom, owner in self.ranges:
            if owner is operand:
                return atom
        return None

    def looked_up(self, operand: Operand, keys: int) -> Pending:
        """The branch once a look-up on ``operand`` (with ``keys`` values) has decided its atom there."""
        return Pending(self.item, tuple(pair for pair in self.sets if pair[1] is not operand), self.ranges,
                       self.residuals, self.tests, self.fanout * keys, self.extra)

    def ranged(self, operand: Operand, extra: tuple[Check, ...]) -> Pending:
        """The branch once a family on ``operand`` decides its range atom there (``extra``: what it leaves)."""
        return Pending(self.item, self.sets, tuple(pair for pair in self.ranges if pair[1] is not operand),
                       self.residuals, self.tests, self.fanout, self.extra + extra)

    def selective(self) -> list[tuple[Atom, Operand]]:
        """Its set atoms that are worth a look-up table: selective, and not filing it under too many nodes."""
        return [(atom, operand) for atom, operand in self.sets
                if atom.share <= WEAK and self.fanout * len(atom.keys) <= MAX_FANOUT]


def bound_of(atom: Atom, operand: Operand) -> tuple[int, Any, tuple[Check, ...]]:
    """Where a range atom sits in a family: ``(kind, bound, what is left to check)``."""
    if atom.low is not None:
        left: tuple[Check, ...] = ()
        if atom.high is not None:  # a tier is filed by its lower end; its upper end is checked
            left = (check(Atom(atom.operand, "range", high=atom.high), operand.read),)
        return (GE if atom.low[1] else GT), atom.low[0], left
    assert atom.high is not None
    return (LE if atom.high[1] else LT), atom.high[0], ()
