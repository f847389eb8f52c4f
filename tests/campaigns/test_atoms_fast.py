"""The index's reading of clauses, with its fast paths for the common ones, gives what its general steps give.

A comparison of a field with a literal (``amount >= 20``), a clause that is no ``or`` and a chain
holding no chain and no ``not`` are read at once; the general steps they skip are kept here as the
reference, and both read every clause of random conditions (context values too) and of the ``hard``
benchmark's kinds of clauses.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from thrilldrops_events import EventType, parse_condition
from thrilldrops_events.campaigns._atom import Atom, compared
from thrilldrops_events.campaigns._atoms import _Reader
from thrilldrops_events.campaigns._clauses import chained, negated
from thrilldrops_events.campaigns._scaling import difference, unscaled
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._checked_text import check_text
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.checker import check_condition
from thrilldrops_events.conditions.runtime import coerce_literal
from thrilldrops_events.testing import condition_trees, conditions

from .strategies import CONTEXT

_SCALARS = (n.Number, n.String, n.Boolean, n.Null)


def _comparison(reader: _Reader, op: str, left: Any, right: Any, clause: n.Node) -> Atom | None:
    """``_Reader.comparison`` by its general steps alone."""
    if isinstance(left, _SCALARS) and not isinstance(right, _SCALARS):
        op, left, right = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}[op], right, left
    if not isinstance(right, _SCALARS):
        return difference(reader, op, left, right, clause)
    if not reader.operand(left):
        return None
    value = None if isinstance(right, n.Null) else coerce_literal(right.value, reader.kind(left))
    if value is not None and type(left) is n.Arithmetic:
        return unscaled(reader, op, left, value, clause)
    return compared(op, left, value, clause)


def _options(reader: _Reader, clause: n.Node) -> list[n.Node]:
    """``_Reader.options`` of a clause that is neither a ``not`` nor an ``or``, by its general steps."""
    parts = chained(clause, n.Or)
    return [clause] if reader.guarded(parts) else parts


def _chained(node: n.Node, chain: type[n.And | n.Or]) -> list[n.Node]:
    """``chained`` by its general walk alone."""
    if type(node) is not n.Not and not isinstance(node, chain):
        return [node]
    other = n.Or if chain is n.And else n.And
    out: list[n.Node] = []
    stack: list[n.Node] = [node]
    while stack:
        item = stack.pop()
        while type(item) is n.Not and type(item.operand) is n.Not:
            item = item.operand.operand
        if isinstance(item, chain):
            stack.extend(reversed(item.operands))
        elif type(item) is n.Not and isinstance(item.operand, other):
            stack.extend(reversed([negated(part) for part in item.operand.operands]))
        else:
            out.append(item)
    return out


def _shown(atom: Atom | None) -> Any:
    if atom is None:
        return None
    return (atom.operand, atom.kind, atom.keys, atom.low, atom.high, atom.clauses, atom.share)


@st.composite
def checked(draw: st.DrawFn) -> Any:
    event_type = draw(st.sampled_from(list(EventType)))
    return check_condition(draw(conditions(event_type, context=CONTEXT)), event_type, context=CONTEXT)


@settings(max_examples=300, deadline=None)
@given(checked())
def test_each_clause_is_read_as_the_general_steps_read_it(condition: Any) -> None:
    reader = _Reader(condition)
    for node in postorder(condition.node):
        if type(node) is n.Compare:
            for op in (node.op, "==", "!=", "<", ">="):  # each operator, on the same sides
                expected = _shown(_comparison(reader, op, node.left, node.right, node))
                assert _shown(reader.comparison(op, node.left, node.right, node)) == expected
        if type(node) is not n.Not and not isinstance(node, n.Or):
            assert reader.options(node) == _options(reader, node)


@settings(max_examples=300, deadline=None)
@given(condition_trees())
@example(parse_condition("a and not (b or c) and d"))
@example(parse_condition("a and not not b"))
@example(parse_condition("a or not (b and not c) or d"))
@example(parse_condition("a or not not (b or c)"))
def test_chains_are_read_as_the_general_walk_reads_them(tree: n.Node) -> None:
    for node in postorder(tree):
        for chain in (n.And, n.Or):
            found, expected = chained(node, chain), _chained(node, chain)
            assert found == expected
            assert [type(item) for item in found] == [type(item) for item in expected]
            assert all(a is b for a, b in zip(found, expected, strict=True) if type(b) is not n.Not)


def test_the_common_clauses_are_read_alike() -> None:
    text = ('amount >= 20.5 and currency == "EUR" and method_id != "visa" and ctx.vip > 2 and amount < 300 '
            'and event.timestamp >= "2026-05-04T00:00:00Z" and 20 <= amount')
    condition = check_text(text, EventType.DEPOSIT, context=CONTEXT)
    reader = _Reader(condition)
    clauses = [node for node in postorder(condition.node) if type(node) is n.Compare]
    assert len(clauses) == 7
    for node in clauses:
        expected = _shown(_comparison(reader, node.op, node.left, node.right, node))
        assert expected is not None or node.left == n.FieldRef("ctx", "vip")
        assert _shown(reader.comparison(node.op, node.left, node.right, node)) == expected
