"""Money fields scaled by numbers, and two of them compared: the rewrites that make them atoms.

A money field times a number compared with a number (``amount * 100 >= 2500``) is an atom on the
field itself when the quotient is exact (``amount >= 25``), and an ordering of two money fields an
atom on their difference (``game_win > game_bet`` is ``game_win - game_bet > 0``). A *scaled
comparison*, ``x >= y * k`` (any ordering; ``x`` a pure operand, ``y`` a money field, ``k`` a number,
one per campaign), is residual, but the index bounds it too: where ``y > 0`` it holds only if the
ratio ``x / y`` (one operand, computed once per event) is at least ``k`` (at most, for ``<=`` and
``<``), so the branch is split in two by the sign of ``y`` (once per field ``y``, within
``MAX_BRANCHES``): ``y > 0`` with a range atom on ``x / y``, and ``y <= 0``; both keep the comparison
to check exactly. These rules rest on ``y * k`` and ``x - y`` being exact: a money value has at most
38 digits, ``k`` at most ``SCALE_DIGITS``, and the language computes with 100. The ratio is rounded
to the nearest 100-digit number, so it cannot pass a ``k`` that is itself one: the range rules out
only branches that fail, and those at the boundary are settled by the check.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact
from typing import Any, Protocol

from thrilldrops_events.campaigns._atom import FLIPPED, Atom, compared
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.valuetypes import ValueType

__all__ = ["MADE", "SCALE_DIGITS", "Reads", "difference", "scaled", "signs", "unscaled"]

#: The most significant digits of a number ``k`` in ``y * k`` that the index reads through (see above).
SCALE_DIGITS = 60
#: The field kinds ``y`` may have in ``y * k`` (at most 38 significant digits).
_MONEY = frozenset({"money", "signed_money"})
_ZERO = Decimal(0)
_ZERO_NODE = n.Number(_ZERO)
#: Divides exactly or raises ``Inexact`` (``y * c op v`` becomes ``y op v / c``).
_EXACT = Context(prec=100, traps=[Inexact])
#: The type of an operand the index makes (``x / y``, ``x - y``): a number, or null.
MADE = ValueType("number", nullable=True)
_ORDERINGS = frozenset({"<", "<=", ">", ">="})


class Reads(Protocol):
    """What the rewrites ask of the reader of one condition."""

    #: The kind of each payload field of the condition's event type.
    kinds: dict[str, str]
    #: The operands made for it (their type is ``MADE``).
    made: set[Node]

    def operand(self, node: Node) -> bool: ...

    def kind(self, node: Node) -> ValueType: ...


def unscaled(reader: Reads, op: str, product: Node, value: Any, clause: Node) -> Atom | None:
    """``y * c op value`` as ``y op value / c`` for a money field ``y``, when ``value / c`` is exact.

    ``y * c`` is exact (see the module's docstring), so the two agree; the atom is then on ``y``
    itself, the facet its other atoms use.
    """
    found = _money_product(reader, product)
    if found is not None:
        factor, c = found
        try:
            bound = _EXACT.divide(value, c)
        except Inexact:
            pass
        else:
            return compared(op if c > 0 else FLIPPED[op], factor, bound, clause)
    return compared(op, product, value, clause)


def scaled(reader: Reads, clause: Node) -> tuple[Node, Atom] | None:
    """For a scaled comparison ``x op y * k`` (see the module's docstring): ``y``, and the range on ``x / y``."""
    if type(clause) is not n.Compare or clause.op not in _ORDERINGS:
        return None
    op, left, right = clause.op, clause.left, clause.right
    found = _money_product(reader, right)
    if found is None:
        op, left, right = FLIPPED[op], right, left
        found = _money_product(reader, right)
    if found is None or not reader.operand(left) or reader.kind(left).base != "number":
        return None
    factor, k = found
    ratio = n.Arithmetic("/", left, factor)
    reader.made.add(ratio)
    bound = (k, True)  # x > y * k too: the ratio may round to k (the check decides)
    if op == ">" or op == ">=":
        return factor, Atom(ratio, "range", low=bound, clauses=(n.Compare(">=", ratio, n.Number(k)),))
    return factor, Atom(ratio, "range", high=bound, clauses=(n.Compare("<=", ratio, n.Number(k)),))


def signs(reader: Reads, clauses: list[Node], room: int) -> tuple[list[tuple[Atom, ...]], int]:
    """The atoms each branch a conjunction's scaled comparisons split it into adds, and the ``room`` left.

    One split per factor ``y`` (``y > 0`` with the ratios' ranges, and ``y <= 0``), each doubling
    the branches, while they stay within ``room`` more.
    """
    by_factor: dict[Node, list[Atom]] = {}
    for clause in clauses:
        found = scaled(reader, clause)
        if found is not None:
            by_factor.setdefault(found[0], []).append(found[1])
    out: list[tuple[Atom, ...]] = [()]
    for factor, ratios in by_factor.items():
        if room < len(out):
            break
        room -= len(out)
        positive = Atom(factor, "range", low=(_ZERO, False), clauses=(n.Compare(">", factor, _ZERO_NODE),))
        other = Atom(factor, "range", high=(_ZERO, True), clauses=(n.Compare("<=", factor, _ZERO_NODE),))
        out = [*((*atoms, positive, *ratios) for atoms in out), *((*atoms, other) for atoms in out)]
    return out, room


def difference(reader: Reads, op: str, left: Node, right: Node, clause: Node) -> Atom | None:
    """``x op y`` (an ordering of two money fields) as ``x - y op 0``: exact, and null fails both."""
    if op not in _ORDERINGS or not (_money_field(reader, left) and _money_field(reader, right)):
        return None
    gap = n.Arithmetic("-", left, right)
    reader.made.add(gap)
    return compared(op, gap, _ZERO, clause)


def _money_field(reader: Reads, node: Node) -> bool:
    """Whether ``node`` is a payload field of money (at most 38 significant digits)."""
    return type(node) is n.FieldRef and node.scope == "payload" and reader.kinds.get(node.name) in _MONEY


def _money_product(reader: Reads, node: Node) -> tuple[Node, Decimal] | None:
    """``(y, k)`` if ``node`` is ``y * k`` or ``k * y`` (a money field; a number but 0, of few digits)."""
    if type(node) is not n.Arithmetic or node.op != "*":
        return None
    factor, scale = (node.left, node.right) if type(node.right) is n.Number else (node.right, node.left)
    if type(scale) is not n.Number or not _money_field(reader, factor):
        return None
    k = scale.value
    return (factor, k) if k and len(k.as_tuple().digits) <= SCALE_DIGITS else None
