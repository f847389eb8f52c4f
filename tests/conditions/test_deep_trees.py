"""Trees as deep as the largest ``max_depth`` allows: every operation on them is iterative, pickling included."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given, settings

from thrilldrops_events import compile_condition
from thrilldrops_events.conditions import Limits, parse_condition
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.testing import condition_trees

_DEEP = Limits(max_depth=10_000, max_nodes=100_000, max_source_length=1_000_000)
_TEXTS = [
    "not " * 9_998 + "is_free_spin",
    "-" * 9_997 + "game_bet > 1",
    "abs(" * 9_997 + "game_bet" + ")" * 9_997 + " > 1",
    "(is_free_spin or " * 4_990 + 'game_id in ["a", "b"]' + ")" * 4_990,
    "(1 + " * 4_990 + "game_bet" + ")" * 4_990 + " > 1 and event.timestamp is not null",
    "game_bet" + " / 3" * 9_997 + " is null",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_a_tree_at_the_largest_depth_pickles_flat(text: str) -> None:
    tree = parse_condition(text, limits=_DEEP)
    assert tree.depth > 4_000
    data = pickle.dumps(tree)
    again = pickle.loads(data)
    assert again == tree and hash(again) == hash(tree) and again.depth == tree.depth and again.size == tree.size
    assert len(data) < 60 * tree.size  # one short entry per node: no nested copies of the subtrees
    assert copy.deepcopy(tree) is tree


@pytest.mark.parametrize("text", _TEXTS[:2])
def test_a_checked_deep_condition_pickles(text: str) -> None:
    checked = compile_condition(text, "Transaction", limits=_DEEP).checked
    again: Any = pickle.loads(pickle.dumps(checked.node))
    assert again == checked.node


@settings(max_examples=100, deadline=None)
@given(condition_trees())
def test_any_tree_pickles_to_an_equal_tree_flat_or_nested(tree: n.Node) -> None:
    deep = tree
    for _ in range(40):  # deeper than the nested form is used for
        deep = n.Not(deep)
    for node in (tree, deep):
        again = pickle.loads(pickle.dumps(node))
        assert again == node and type(again) is type(node) and again.text == node.text


@pytest.mark.parametrize("word", ["and", "or", "not", "in", "is", "null", "true", "false"])
def test_a_node_named_by_a_keyword_is_refused_as_its_text_would_not_read_back(word: str) -> None:
    from thrilldrops_events.errors import ConditionSyntaxError

    for make in (lambda: n.FieldRef("payload", word), lambda: n.FieldRef("event", word),
                 lambda: n.FieldRef("ctx", word), lambda: n.Call(word, ())):
        with pytest.raises(ConditionSyntaxError, match="is not a keyword"):
            make()
    assert n.FieldRef("payload", word.upper()).text == word.upper()  # keywords are lower case only
