"""The parser gives exactly what the previous one gave: the same tree, spans and errors, on any text.

The previous lexer and parser are kept in ``legacy_lexer.py`` and ``legacy_parser.py`` as the
reference. Texts are the canonical texts of Hypothesis-made trees, written again with other
spacing, quotes and escapes, then mutated (characters deleted, inserted, replaced, pieces
swapped), or drawn from the language's own alphabet; limits are drawn small, so that every limit
is met at every point of the text.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions import _build as build
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.lexer import tokenize
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.parser import parse_with_spans
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.testing import condition_trees

from . import legacy_lexer, legacy_parser

_PIECES = [
    " ", "  ", "\t", "\n", "(", ")", "[", "]", ",", ".", "-", "+", "*", "/", "==", "!=", "<", "<=", ">", ">=", "=",
    "!", "=>", "<>", "and", "or", "not", "in", "is", "null", "true", "false", "AND", "Null", "amount", "event", "ctx",
    "f", "x", "0", "1", "2.50", "1e5", "1e999", "1.", "5x", "-3", '"', "'", '"a"', "'b'", '"in"', '"\\n"', '"\\q"',
    '"\\u00e9"', '"\\ud800"', "\\", "\x00", "\x7f", "é", "\u0430", "\ud800",
    "00000000000000000000000000000000000000000001",
]


def outcome(parse: Any, text: str, limits: Limits | None) -> tuple[Any, ...]:
    """What parsing ``text`` gives: the tree with every node's span in walk order, or the error's particulars."""
    try:
        node, spans = parse(text, limits)
    except ConditionError as error:
        return ("error", type(error), str(error), error.message, error.line, error.column,
                getattr(error, "limit", None), getattr(error, "maximum", None))
    walk = postorder(node)
    return ("tree", node, node.text, [type(item) for item in walk], [spans.get(id(item)) for item in walk],
            sorted(spans.values()))


def assert_same(text: str, limits: Limits | None = None) -> None:
    expected = outcome(legacy_parser.parse_with_spans, text, limits)
    assert outcome(parse_with_spans, text, limits) == expected
    if expected[0] == "tree":  # the same literals, down to each number's scale
        new, old = parse_with_spans(text, limits)[0], expected[1]
        assert [_literal(item) for item in postorder(new)] == [_literal(item) for item in postorder(old)]


def _literal(node: Node) -> Any:
    match node:
        case n.Number(value):
            return ("number", value.as_tuple())
        case n.String(value) | n.Boolean(value):
            return (type(node).__name__, type(value), value)
        case _:
            return type(node).__name__


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A condition text: a tree's canonical text, respaced and mutated, or pieces of the language."""
    if draw(st.integers(0, 4)) == 0:
        return "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=30)))
    text: str = draw(condition_trees()).text
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["", "  ", "\n", "\t "]))).replace('"', "'")
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 3))
        if action == 0:
            text = text[:position] + text[position + 1:]
        elif action == 1:
            text = text[:position] + draw(st.sampled_from(_PIECES)) + text[position:]
        elif action == 2:
            text = text[:position] + draw(st.sampled_from(_PIECES)) + text[position + draw(st.integers(1, 4)):]
        else:
            cut = draw(st.integers(0, len(text)))
            text = text[cut:] + text[:cut]
    return text


small_limits = st.one_of(
    st.none(),
    st.builds(
        Limits,
        max_source_length=st.integers(1, 400),
        max_nodes=st.integers(1, 30),
        max_depth=st.integers(1, 8),
        max_list_length=st.integers(1, 5),
        max_string_length=st.integers(1, 6),
        max_number_digits=st.integers(1, 6),
        max_number_exponent=st.integers(1, 6),
    ),
)


@pytest.mark.heavy  # long fuzzing against the previous implementation: once, on the newest Python
@settings(max_examples=300)
@given(texts(), small_limits)
@example('a == "x" and b in ["x", "y", "x"] and c in [1, 1.0, 1e2, -0, 2] or f("x", "x")', None)
@example("((((((((((a))))))))))", Limits(max_depth=5))
@example("a and b and c and d", Limits(max_nodes=3))
@example('x in ["aaaaaaa", "b"]', Limits(max_string_length=3))
@example("x in [1, 2, 3, 4, 5, 6, 7]", Limits(max_list_length=3))
@example("x in [123456789]", Limits(max_number_digits=3))
@example("a ==  5 * b - -c / 2 <= 3", None)
@example("not not not a or - - 5 == - x", None)
@example("-(-(-(a))) < 1", Limits(max_depth=5))
@example("-(a) + -((b))", Limits(max_depth=3))
@example("a <> 1 or b <>", None)
@example('a <>"x" and c = 1', None)
def test_parser_gives_what_the_previous_parser_gave(text: str, limits: Limits | None) -> None:
    assert_same(text, limits)


@given(st.text(alphabet=st.sampled_from('ab (),[]."\'\\-=<>!0159e+*/ \n\t'), max_size=40), small_limits)
def test_parser_agrees_on_noise(text: str, limits: Limits | None) -> None:
    assert_same(text, limits)


@pytest.mark.heavy  # long fuzzing against the previous implementation: once, on the newest Python
@given(texts())
def test_tokenize_gives_the_previous_tokens(text: str) -> None:
    limits = Limits()
    try:
        expected: Any = legacy_lexer.tokenize(text, limits)
    except ConditionError as error:
        expected = (type(error), str(error))
    try:
        got: Any = tokenize(text, limits)
    except ConditionError as error:
        got = (type(error), str(error))
    assert got == expected


def test_a_literal_repeated_in_one_condition_is_a_node_of_its_own() -> None:
    node, spans = parse_with_spans('a == "x" or b == "x" or c in ["x", "x"]')
    literals = [item for item in postorder(node) if isinstance(item, n.String)]
    assert len({id(item) for item in literals}) == 4
    assert sorted(spans[id(item)] for item in literals) == [(5, 8), (17, 20), (30, 33), (35, 38)]


@given(condition_trees())
def test_built_nodes_equal_constructed_ones(tree: Node) -> None:
    for node in postorder(tree):
        rebuilt = _rebuild(node)
        assert type(rebuilt) is type(node)
        assert rebuilt == node and hash(rebuilt) == hash(node)
        assert (rebuilt.depth, rebuilt.size, rebuilt.text) == (node.depth, node.size, node.text)


def _rebuild(node: Node) -> Node:
    match node:
        case n.Number(value):
            return build.number(value)
        case n.String(value):
            return build.string(value)
        case n.Boolean(value):
            return build.boolean(value)
        case n.Null():
            return build.null()
        case n.FieldRef(scope, name):
            return build.field(scope, name)
        case n.ListLiteral(items):
            return build.list_literal(items)
        case n.Compare(op, left, right):
            return build.compare(op, left, right)
        case n.Arithmetic(op, left, right):
            return build.arithmetic(op, left, right)
        case n.And(operands) | n.Or(operands):
            return build.chain(type(node), operands)
        case n.Not(operand):
            return build.not_(operand)
        case n.Negate(operand):
            return build.negate(operand)
        case n.In(operand, items, negated):
            return build.member(operand, items, negated)
        case n.IsNull(operand, negated):
            return build.is_null(operand, negated)
        case n.Call(name, args):
            return build.call(name, args)
    raise AssertionError(type(node))
