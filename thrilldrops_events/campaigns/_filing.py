"""Filing branches in an index that organises itself as campaigns come and go.

A branch arrives at the root with its *pending* atoms (set and range atoms not yet decided by the
index). At each node it goes, in this order of preference:

1. into an existing look-up table on one of its set atoms' operands (the most selective one): one
   child per value of the atom, where it continues with that atom decided;
2. into an existing range family on one of its range atoms' operands: a sorted run, with what is
   still pending as its checks (a prefix or suffix of each run is found by one bisection);
3. into ``done`` when nothing is pending, or else among the node's ``entries`` (checked one by one).

Each node keeps its *pressure*: per operand, how many checks per event a look-up table on it would
save among the branches it checks (entries, and family members with set atoms left). When a table
would save more than it costs, the branches are moved into one (like a BE-Tree's leaf split), and
when a node holds more than ``CAPACITY`` entries, those sharing a range operand are moved into a
family. So an operand gets a table where enough branches use it, and a small index reads few
operands while a large one decides more by look-up. Every step is bounded by the size of one node;
nothing is ever re-filed as a whole. Removal finds the branch where its atoms say it can be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.campaigns._nodes import EMPTY, Family, Node
from thrilldrops_events.campaigns._operands import Operand
from thrilldrops_events.campaigns._pending import MAX_FANOUT, RANGE_SHARE, Pending, bound_of

__all__ = ["CAPACITY", "insert", "located", "remove"]

#: The most entries a node keeps before it moves those sharing a range operand into a family.
CAPACITY = 4
#: What a look-up on a derived operand (a call, arithmetic) costs per event, in checks; a field's costs one.
LOOKUP_COST = 3.0
#: How much more than its cost a table must save before branches are moved into one.
MARGIN = 1.0
#: The deepest a branch is filed (look-ups on its path).
MAX_DEPTH = 8
#: A family member is checked only when its bound passes: about half the time.
FAMILY_WEIGHT = 1.0 - RANGE_SHARE


def _pressure(node: Node, pending: Pending, weight: float) -> dict[Operand, float]:
    """The node's pressure with a member's set atoms added (``weight`` > 0) or taken away (< 0)."""
    pressure = dict(node.pressure)
    for atom, operand in pending.selective():
        value = pressure.get(operand, 0.0) + weight * (1.0 - atom.share)
        if value > 1e-9:
            pressure[operand] = value
        else:
            pressure.pop(operand, None)
    return pressure


def _lookup_choice(node: Node, pending: Pending) -> tuple[Operand, Atom] | None:
    best: tuple[Operand, Atom] | None = None
    for _, _, operand in node.tables:
        atom = pending.set_atom(operand)
        if (atom is not None and pending.fanout * len(atom.keys) <= MAX_FANOUT
                and (best is None or atom.share < best[1].share)):
            best = (operand, atom)
    return best


def insert(node: Node, pending: Pending, depth: int = 0) -> Node:
    """A copy of ``node`` with the branch filed in it (see the module's docstring)."""
    choice = _lookup_choice(node, pending) if depth < MAX_DEPTH else None
    if choice is not None:
        operand, atom = choice
        table = node.table(operand)
        assert table is not None
        return node.with_table(operand, _filed_under(table, atom, pending.looked_up(operand, len(atom.keys)), depth))
    for family in node.families:
        bounded = pending.range_atom(family.operand)
        if bounded is not None:
            node = _joined(node, family, bounded, pending)
            return _settle(node, depth)
    checks = pending.checks
    if not checks:
        return node.replaced(done=(*node.done, pending.item))
    node = node.replaced(entries=(*node.entries, (checks, pending.item, pending)),
                         pressure=_pressure(node, pending, 1.0))
    return _settle(node, depth)


def _filed_under(table: dict[Any, Node], atom: Atom, pending: Pending, depth: int) -> dict[Any, Node]:
    table = dict(table)
    for key in atom.keys:
        table[key] = insert(table.get(key, EMPTY), pending, depth + 1)
    return table


def _joined(node: Node, family: Family | None, atom: Atom, pending: Pending) -> Node:
    """A copy of ``node`` whose family on the atom's operand holds the branch too."""
    operand = next(owner for candidate, owner in pending.ranges if candidate is atom)
    kind, bound, left = bound_of(atom, operand)
    rest = pending.ranged(operand, left)
    checks = rest.checks
    value: Any = (checks, pending.item, pending) if checks else pending.item  # the branch as it came (to move it)
    if family is None:
        family = Family(operand, ((kind, [bound], [value], bool(checks)),))
    else:
        changed = family.changed(kind, bound, value, bool(checks), True)
        assert changed is not None
        family = changed
    node = node.with_family(operand, family)
    if checks and rest.selective():
        node = node.replaced(pressure=_pressure(node, rest, FAMILY_WEIGHT))
    return node


def _table_gain(node: Node) -> tuple[Operand, float] | None:
    best: tuple[Operand, float] | None = None
    for operand, saved in node.pressure.items():
        gain = saved - (LOOKUP_COST if operand.derived else 1.0)
        if best is None or gain > best[1]:
            best = (operand, gain)
    return best


def _settle(node: Node, depth: int) -> Node:
    """Move branches into a new table while one would save enough, and entries into families past capacity."""
    while depth < MAX_DEPTH:
        best = _table_gain(node)
        if best is not None and best[1] > MARGIN:
            node = _into_table(node, best[0], depth)
            continue
        if len(node.entries) <= CAPACITY:
            return node
        counts: dict[Operand, int] = {}
        for _, _, pending in node.entries:
            for _, operand in pending.ranges:
                counts[operand] = counts.get(operand, 0) + 1
        if not counts or max(counts.values()) < 2:
            return node
        operand = max(counts, key=lambda owner: counts[owner])
        node = _into_family(node, operand)
    return node


def _into_table(node: Node, operand: Operand, depth: int) -> Node:
    """Move every branch checked at ``node`` that has a selective set atom on ``operand`` into a table on it."""
    table = dict(node.table(operand) or {})
    moved: list[tuple[Pending, float]] = []
    entries = []
    for entry in node.entries:
        if any(owner is operand for _, owner in entry[2].selective()):
            moved.append((entry[2], 1.0))
        else:
            entries.append(entry)
    node = node.replaced(entries=entries)
    for family in node.families:
        members = [value[2] for _, _, values, checked in family.runs if checked for value in values
                   if any(owner is operand for _, owner in value[2].selective())]
        if members:
            node = node.with_family(family.operand, family.without({id(rest.item) for rest in members}))
            moved.extend((rest, FAMILY_WEIGHT) for rest in members)
    pressure = dict(node.pressure)
    for rest, weight in moved:
        for atom, owner in rest.selective():
            pressure[owner] = pressure.get(owner, 0.0) - weight * (1.0 - atom.share)
    node = node.replaced(pressure={owner: value for owner, value in pressure.items()
                                   if owner is not operand and value > 1e-9})
    for rest, _ in moved:
        found = rest.set_atom(operand)
        assert found is not None
        table = _filed_under(table, found, rest.looked_up(operand, len(found.keys)), depth)
    return node.with_table(operand, table)


def _into_family(node: Node, operand: Operand) -> Node:
    """Move the entries that bound ``operand`` into its family."""
    group = [entry for entry in node.entries if entry[2].range_atom(operand) is not None]
    moved = {id(entry) for entry in group}
    pressure = dict(node.pressure)
    for _, _, pending in group:  # entries weigh fully; family members about half
        for atom, owner in pending.selective():
            pressure[owner] = pressure.get(owner, 0.0) - (1.0 - atom.share)
    node = node.replaced(entries=[entry for entry in node.entries if id(entry) not in moved],
                         pressure={owner: value for owner, value in pressure.items() if value > 1e-9})
    for _, _, pending in group:
        found = pending.range_atom(operand)
        assert found is not None
        node = _joined(node, node.family(operand), found, pending)
    return node


def remove(node: Node, pending: Pending) -> Node | None:
    """A copy of ``node`` without the branch, or ``None`` if it is not filed there."""
    item = pending.item
    if any(done is item for done in node.done):
        return node.replaced(done=[done for done in node.done if done is not item])
    for entry in node.entries:
        if entry[1] is item:
            return node.replaced(entries=[other for other in node.entries if other[1] is not item],
                                 pressure=_pressure(node, entry[2], -1.0))
    for family in node.families:
        atom = pending.range_atom(family.operand)
        if atom is None:
            continue
        kind, bound, _ = bound_of(atom, family.operand)
        for checked in (False, True):
            held = family.holds(kind, bound, item, checked)
            if held is not None:
                node = node.with_family(family.operand, family.changed(kind, bound, held, checked, False))
                return node.replaced(pressure=_pressure(node, held[2], -FAMILY_WEIGHT)) if checked else node
    for _, table, operand in node.tables:
        atom = pending.set_atom(operand)
        if atom is None:
            continue
        rest = pending.looked_up(operand, len(atom.keys))
        keys = list(atom.keys)
        first = remove(table.get(keys[0], EMPTY), rest)
        if first is None:
            continue
        changed = dict(table)
        for key in keys:
            child = first if key is keys[0] else remove(table[key], rest)
            assert child is not None
            if child:
                changed[key] = child
            else:
                del changed[key]
        return node.with_table(operand, changed)
    return None


def located(node: Node, pending: Pending, value_of: Callable[[Operand], Any]) -> list[tuple[str, Atom, Operand]]:
    """How the index decides a filed branch: ``("look-up", ...)`` and ``("range", ...)`` steps, in order.

    At each look-up, the path follows the event's value (``value_of(operand)``) when the branch is
    filed under it, else any of its values (the look-up then rules the branch out).
    """
    steps: list[tuple[str, Atom, Operand]] = []
    item = pending.item
    while True:
        if any(done is item for done in node.done) or any(entry[1] is item for entry in node.entries):
            return steps
        for family in node.families:
            atom = pending.range_atom(family.operand)
            if atom is not None and remove(node.replaced(tables=()), pending) is not None:
                steps.append(("range", atom, family.operand))
                return steps
        for _, table, operand in node.tables:
            atom = pending.set_atom(operand)
            if atom is None:
                continue
            rest = pending.looked_up(operand, len(atom.keys))
            value = value_of(operand)
            key = value if value in atom.keys else next(iter(atom.keys))
            child = table.get(key, EMPTY)
            if remove(child, rest) is not None:
                steps.append(("look-up", atom, operand))
                node, pending = child, rest
                break
        else:
            return steps
