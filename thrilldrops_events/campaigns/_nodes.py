"""The immutable pieces of a campaign index: nodes, look-up tables and range families.

A ``Node`` holds the campaign branches that reach it: ``done`` (nothing left to decide: returned
as they are), ``entries`` (checks left, tested one by one), look-up ``tables`` that lead to deeper
nodes by the value of one operand, and range ``families``. A ``Family`` keeps the branches that
bound one operand in sorted lists (*runs*): one bisection finds every branch whose bound the event's
value passes, a prefix of the lower bounds or a suffix of the upper ones.

Nothing here is changed once built: a writer makes new nodes along the path it changes and shares
everything else (see ``_filing``), so matches read published nodes while it works.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from thrilldrops_events.campaigns._operands import Check, Operand, Read

__all__ = ["EMPTY", "GE", "GT", "LE", "LT", "Entry", "Family", "Item", "Node", "Run", "Table"]

#: What a match returns for a branch: ``(key, campaign id)``, the key giving the set's order.
Item = tuple[int, str]
#: A branch with checks left: ``(checks, item, pending)``; ``pending`` is the writer's note of its atoms.
Entry = tuple[tuple[Check, ...], Item, Any]
#: A look-up table: ``(read, {value: node}, operand)``.
Table = tuple[Read, dict[Any, "Node"], Operand]

#: The kinds of bound a run holds: ``>=``, ``>``, ``<=``, ``<``.
GE, GT, LE, LT = 0, 1, 2, 3
#: A run: ``(kind, sorted bounds, what each holds, checked)``; values are items, or entries when checked.
Run = tuple[int, list[Any], list[Any], bool]


def passed(kind: int, bounds: list[Any], value: Any) -> slice:
    """The positions of the bounds of one kind that ``value`` passes (not ``None``)."""
    if kind == GE:
        return slice(0, bisect_right(bounds, value))
    if kind == GT:
        return slice(0, bisect_left(bounds, value))
    if kind == LE:
        return slice(bisect_left(bounds, value), None)
    return slice(bisect_right(bounds, value), None)


class Family:
    """The branches of a node filed by one operand's bound, in up to eight sorted runs. Immutable."""

    __slots__ = ("operand", "read", "runs", "size")

    def __init__(self, operand: Operand, runs: tuple[Run, ...]) -> None:
        self.operand = operand
        self.read: Read = operand.read
        self.runs = runs
        self.size = sum(len(bounds) for _, bounds, _, _ in runs)

    def changed(self, kind: int, bound: Any, value: Any, checked: bool, adding: bool) -> Family | None:
        """A copy with ``value`` (an item, or an entry when ``checked``) added under ``bound`` (or removed)."""
        runs = list(self.runs)
        position = next((i for i, run in enumerate(runs) if run[0] == kind and run[3] == checked), None)
        if position is None:
            assert adding
            runs.append((kind, [bound], [value], checked))
            return Family(self.operand, tuple(runs))
        _, bounds, values, _ = runs[position]
        bounds, values = bounds.copy(), values.copy()
        if adding:
            where = bisect_right(bounds, bound)
            bounds.insert(where, bound)
            values.insert(where, value)
        else:
            item = value if not checked else value[1]
            where = next(i for i in range(bisect_left(bounds, bound), bisect_right(bounds, bound))
                         if (values[i] if not checked else values[i][1]) is item)
            del bounds[where], values[where]
        if bounds:
            runs[position] = (kind, bounds, values, checked)
        else:
            del runs[position]
        return Family(self.operand, tuple(runs)) if runs else None

    def without(self, items: set[int]) -> Family | None:
        """A copy without the checked members whose items are in ``items`` (by identity)."""
        runs = []
        for kind, bounds, values, checked in self.runs:
            if checked:
                kept = [position for position, value in enumerate(values) if id(value[1]) not in items]
                bounds, values = [bounds[i] for i in kept], [values[i] for i in kept]
            if bounds:
                runs.append((kind, bounds, values, checked))
        return Family(self.operand, tuple(runs)) if runs else None

    def holds(self, kind: int, bound: Any, item: Item, checked: bool) -> Any:
        """What the family holds for ``item`` under ``bound`` (its entry, or the item), or ``None``."""
        for run_kind, bounds, values, run_checked in self.runs:
            if run_kind == kind and run_checked == checked:
                for where in range(bisect_left(bounds, bound), bisect_right(bounds, bound)):
                    value = values[where]
                    if (value[1] if checked else value) is item:
                        return value
        return None

    def __len__(self) -> int:
        return self.size


class Node:
    """One node of an index: branches that reach it, tables to deeper nodes, range families. Immutable.

    ``pressure`` is the writer's note of how many checks per event a table on each operand would save
    among the branches this node checks (see ``_filing``); matches never read it.
    """

    __slots__ = ("done", "entries", "families", "pressure", "tables")

    def __init__(self, done: tuple[Item, ...] = (), entries: tuple[Entry, ...] = (), tables: tuple[Table, ...] = (),
                 families: tuple[Family, ...] = (), pressure: dict[Operand, float] | None = None) -> None:
        self.done = done
        self.entries = entries
        self.tables = tables
        self.families = families
        self.pressure: dict[Operand, float] = pressure if pressure is not None else {}

    def __bool__(self) -> bool:
        return bool(self.done or self.entries or self.tables or self.families)

    def replaced(self, *, done: Sequence[Item] | None = None, entries: Sequence[Entry] | None = None,
                 tables: Sequence[Table] | None = None, families: Sequence[Family] | None = None,
                 pressure: dict[Operand, float] | None = None) -> Node:
        """A copy with some of its parts replaced."""
        return Node(
            self.done if done is None else tuple(done),
            self.entries if entries is None else tuple(entries),
            self.tables if tables is None else tuple(tables),
            self.families if families is None else tuple(families),
            self.pressure if pressure is None else pressure,
        )

    def table(self, operand: Operand) -> dict[Any, Node] | None:
        """The node's table on ``operand``, if it has one."""
        for _, table, owner in self.tables:
            if owner is operand:
                return table
        return None

    def with_table(self, operand: Operand, table: dict[Any, Node]) -> Node:
        """A copy whose table on ``operand`` is ``table`` (dropped when empty)."""
        tables = list(self.tables)
        position = next((i for i, entry in enumerate(tables) if entry[2] is operand), None)
        if position is None:
            if table:
                tables.append((operand.read, table, operand))
        elif table:
            tables[position] = (operand.read, table, operand)
        else:
            del tables[position]
        return self.replaced(tables=tables)

    def family(self, operand: Operand) -> Family | None:
        """The node's family on ``operand``, if it has one."""
        for family in self.families:
            if family.operand is operand:
                return family
        return None

    def with_family(self, operand: Operand, family: Family | None) -> Node:
        """A copy whose family on ``operand`` is ``family`` (dropped when ``None``)."""
        families = [existing for existing in self.families if existing.operand is not operand]
        if family is not None:
            families.append(family)
        return self.replaced(families=families)


#: The empty node.
EMPTY = Node()
