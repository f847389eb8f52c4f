"""An atom, what one campaign branch requires of one operand, and a branch: the ``and`` of its atoms and the rest.

``_atoms`` reads a checked condition into branches of atoms (its docstring says how and why an atom
equals its clause); these are the shapes it reads them into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.nodes import Node

__all__ = ["FLIPPED", "TIMESTAMP", "Atom", "Bound", "Branch", "Filing", "compared", "shared_keys", "within"]

#: One end of a range: ``(value, inclusive)``.
Bound = tuple[Any, bool]
#: The event's timestamp, which an active window bounds.
TIMESTAMP = n.FieldRef("event", "timestamp")
#: Each comparison operator with its operands swapped.
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(eq=False, repr=False, slots=True)
class Atom:
    """What one branch requires of one operand (a record strips the atoms it keeps of their clauses).

    Attributes:
        operand: The pure expression (a node of the condition).
        kind: ``"set"``, ``"not_set"`` or ``"range"``.
        keys: The values of a set or not-set atom (``None`` stands for ``null``).
        low: The lower bound of a range, or ``None``.
        high: The upper bound of a range, or ``None``.
        clauses: The clauses it was made from, in the condition's order (for a scaled comparison,
            what its atoms test: ``y > 0``, ``x / y >= k``).
        share: A rough guess of how often it holds (0 to 1), to order the index's choices.
    """

    operand: Node
    kind: str
    keys: frozenset[Any] = frozenset()
    low: Bound | None = None
    high: Bound | None = None
    clauses: tuple[Node, ...] = ()
    share: float = 0.5

    def holds(self, value: Any) -> bool:
        """Whether the operand's value satisfies the atom."""
        if self.kind == "set":
            return value in self.keys
        if self.kind == "not_set":
            return value not in self.keys
        return value is not None and within(value, self.low, self.high)

    def __repr__(self) -> str:
        what = f"{sorted(map(repr, self.keys))}" if self.kind != "range" else f"{self.low}..{self.high}"
        return f"<Atom {self.operand.text[:60]} {self.kind} {what[:80]}>"


class Filing(NamedTuple):
    """What a campaign's record keeps of an atom it filed, to take it out again: no clauses, the keys as a tuple.

    A tuple of keys holds a third of what a set of them does (a tenth for one key), and taking the
    atom out only reads them one by one.
    """

    kind: str
    keys: tuple[Any, ...]
    low: Bound | None
    high: Bound | None

    @classmethod
    def of(cls, atom: Atom) -> Filing:
        """What a record keeps of ``atom``."""
        # what cls(...) makes, without the generated __new__ in between: one per atom of every campaign filed
        return _new_tuple(cls, (atom.kind, tuple(atom.keys), atom.low, atom.high))


_new_tuple = tuple.__new__


@dataclass(eq=False, slots=True)
class Branch:
    """One branch: its atoms (at most a set, or a range and a not-set, per operand) and its residual clauses.

    ``possible`` is false when its atoms contradict each other (``amount > 5 and amount < 2``).
    """

    atoms: tuple[Atom, ...]
    residual: tuple[Node, ...]
    possible: bool = True


def within(value: Any, low: Bound | None, high: Bound | None) -> bool:
    if low is not None and not (value >= low[0] if low[1] else value > low[0]):
        return False
    return high is None or (value <= high[0] if high[1] else value < high[0])



def compared(op: str, operand: Node, value: Any, clause: Node) -> Atom | None:
    """The atom of ``operand op value`` (the literal's value as compared), or ``None``."""
    if op == "==":
        return Atom(operand, "set", frozenset({value}), clauses=(clause,))
    if op == "!=":
        return Atom(operand, "not_set", frozenset({value}), clauses=(clause,))
    if value is None:  # pragma: no cover - the checker refuses orderings with null
        return None
    if op == ">=" or op == ">":
        return Atom(operand, "range", low=(value, op == ">="), clauses=(clause,))
    return Atom(operand, "range", high=(value, op == "<="), clauses=(clause,))


_SETS: dict[frozenset[Any], frozenset[Any]] = {}


def shared_keys(keys: frozenset[Any]) -> frozenset[Any]:
    """One frozenset per value (the sets of an operand of few values repeat across campaigns)."""
    found = _SETS.get(keys)
    if found is None:
        if len(_SETS) >= 4096:
            _SETS.clear()
        found = _SETS[keys] = keys
    return found
