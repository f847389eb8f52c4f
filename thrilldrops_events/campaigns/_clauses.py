"""The clauses of campaign conditions: interned, shared, and what an index can decide without them.

A campaign's condition is split into its top-level conjuncts (``a and b and c`` gives three
*clauses*; any other condition is one clause). Every distinct clause of an event type becomes one
:class:`Clause`, shared by every campaign that contains it, so the 500 campaigns holding
``currency == "EUR"`` share one, and a match evaluates it at most once per event.

Two kinds of clause are decided by the index rather than evaluated:

* :func:`discriminators`: ``field == literal`` and ``field in [...]`` on a payload or envelope field,
  decided by one dictionary look-up on the field's value (the campaign is filed under the literals);
* :func:`lookup_of`: ``operand == literal``, ``operand in [...]`` and ``operand < <= > >= literal`` on
  a pure expression (see :mod:`thrilldrops_events.conditions.closures`), decided inside a posting by a
  look-up or by bisection in sorted thresholds.

Why this equals evaluating the clause: the operand's value at evaluation time (a ``Decimal``, an
``int`` timestamp, a ``str``, a :class:`~thrilldrops_events.ChannelType`) and the literal, coerced
exactly as the evaluators coerce it, compare with Python's operators in both, and values that
compare equal hash equal (``Decimal("20") == Decimal("20.00") == 20``). ``null`` follows the
language: it equals only ``null``, is in no list, and makes an ordering comparison false. Boolean
operands are not indexed. Reading a field and calling a built-in function are pure and never raise,
so such clauses may be decided before a campaign's other clauses, whatever their place.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.closures import (
    LITERALS,
    SharedValue,
    Test,
    compare_parts,
    type_of,
    value_of,
)
from thrilldrops_events.conditions.nodes import And, Call, Compare, FieldRef, In, Node
from thrilldrops_events.conditions.runtime import coerce_literal

if TYPE_CHECKING:
    from thrilldrops_events.conditions import CheckedCondition

__all__ = ["Clause", "Discriminator", "Lookup", "clauses_of", "discriminators", "lookup_of"]



#: A discriminator: (scope, field name, the keys under which the campaign is filed).
Discriminator = tuple[str, str, frozenset[Any]]

#: How an index decides a clause (see :func:`lookup_of`): ``(op, operand key, threshold or keys, read)``.
Lookup = tuple[str, Any, Any, Callable[[Any], Any]]

#: Value types whose fields are indexed (booleans split campaigns in two at best: not worth a table).
_INDEXED_BASES = frozenset({"string", "number", "channel", "timestamp"})

#: How much more a function call weighs than another node when ordering clauses (time zones are slow).
_CALL_COST = 10


class Clause:
    """One distinct top-level conjunct of an event type, shared by every campaign containing it.

    Attributes:
        node: The clause's tree.
        test: Evaluates it on an envelope and a context: ``test(envelope, ctx) -> bool``. Given
            ``make`` instead, the test is made by ``make(node)`` when it is first needed (a clause
            used only as a discriminator never is); if two threads race there, both make an
            equal test and either is kept.
        users: How many campaigns hold it (the interning table drops it at zero).
        cost: A rough cost of evaluating it: its size, with function calls weighing more.
        lookup: How an index can decide it without evaluating it (see :func:`lookup_of`), or ``None``.
    """

    __slots__ = ("_make", "cost", "lookup", "node", "test", "users")

    def __init__(
        self,
        node: Node,
        test: Test | None = None,
        *,
        make: Callable[[Node], Test] | None = None,
        lookup: Lookup | None = None,
    ) -> None:
        self.node = node
        self.lookup = lookup
        self.users = 0
        self.cost = node.size + sum(_CALL_COST for sub in postorder(node) if type(sub) is Call)
        self._make = make
        self.test: Test = test if test is not None else self._first

    def _first(self, envelope: Any, ctx: Any) -> bool:
        if self._make is None:  # pragma: no cover - a clause has a test or a way to make one
            raise TypeError("clause without a test")
        test = self.test = self._make(self.node)
        return test(envelope, ctx)

    def __repr__(self) -> str:
        return f"<Clause {self.node.text[:80]}>"


def clauses_of(node: Node) -> tuple[Node, ...]:
    """The top-level conjuncts of a condition (itself when it is not an ``and``)."""
    return node.operands if isinstance(node, And) else (node,)


def _field_and_literals(node: Node) -> tuple[FieldRef, tuple[Node, ...]] | None:
    kind = type(node)
    if kind is Compare and node.op == "==":  # type: ignore[attr-defined]
        left, right = node.left, node.right  # type: ignore[attr-defined]
        if type(left) is FieldRef and type(right) in LITERALS:
            return left, (right,)
        if type(right) is FieldRef and type(left) in LITERALS:
            return right, (left,)
    elif kind is In and not node.negated and type(node.operand) is FieldRef:  # type: ignore[attr-defined]
        return node.operand, node.items.items  # type: ignore[attr-defined]
    return None


def discriminators(checked: CheckedCondition) -> dict[int, Discriminator]:
    """The clauses of a checked condition that a dictionary look-up can decide, by clause position.

    Only payload and envelope fields qualify (a ``ctx.`` value is per call), and only of the
    string, number, channel and timestamp types.
    """
    found: dict[int, Discriminator] = {}
    for position, clause in enumerate(clauses_of(checked.node)):
        parts = _field_and_literals(clause)
        if parts is None:
            continue
        field, literals = parts
        if field.scope == "ctx":
            continue
        field_type = type_of(checked, field)
        if field_type.base not in _INDEXED_BASES:
            continue
        keys = set()
        for literal in literals:
            key = coerce_literal(literal.value, field_type)  # type: ignore[attr-defined]
            if key is None or isinstance(key, bool):
                break
            keys.add(key)
        else:
            found[position] = (field.scope, field.name, frozenset(keys))
    return found


def lookup_of(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]) -> Lookup | None:
    """How an index can decide a clause on a pure expression without evaluating it, or ``None``.

    * ``("==", operand, keys, read)`` for ``operand == literal`` and ``operand in [...]``: the clause
      holds when ``read(envelope)`` is one of ``keys`` (a dictionary look-up; ``null`` is no key);
    * ``(op, operand, threshold, read)`` for ``operand < <= > >= literal``: the clause holds when
      the value compares so with ``threshold`` (bisection in sorted thresholds; ``null`` never does).

    Boolean operands are left out (two values split campaigns poorly).
    """
    kind = type(node)
    if kind is In:
        member: Any = node
        if member.negated:
            return None
        read = value_of(checked, member.operand, shared)
        target = type_of(checked, member.operand)
        if read is None or target.base == "bool":
            return None
        keys = frozenset(coerce_literal(item.value, target) for item in member.items.items)
        return ("==", _operand_key(member.operand, read), keys, read)
    if kind is not Compare or node.op == "!=":  # type: ignore[attr-defined]
        return None
    parts = compare_parts(checked, node, shared)
    if parts is None:
        return None
    op, read, operand_type, value, operand = parts
    if op == "==":
        return ("==", _operand_key(operand, read), frozenset({value}), read) if operand_type.base != "bool" else None
    return (op, _operand_key(operand, read), value, read)


def _operand_key(operand: Node, read: Callable[[Any], Any]) -> Any:
    """What identifies an operand cheaply: a field's path, a shared call itself, else its canonical text.

    Equal canonical text means equal trees (the printer writes every parenthesis the tree needs),
    and comparing strings is cheaper than comparing trees node by node each time an index is built.
    """
    if type(operand) is FieldRef:
        return operand.path
    return read if isinstance(read, SharedValue) else operand.text
