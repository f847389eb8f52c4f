"""Round trips between the tree, the canonical text and the JSON form, on Hypothesis-made trees."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given

from thrilldrops_events import compile_condition, condition_from_json, condition_to_json, parse_condition
from thrilldrops_events.conditions import JSON_SCHEMA, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.testing import condition_trees

_VALIDATOR = jsonschema.Draft202012Validator(JSON_SCHEMA)


@given(condition_trees())
def test_text_round_trip_gives_the_same_tree(tree: Node) -> None:
    text = tree.text
    again = parse_condition(text)
    assert again == tree
    assert hash(again) == hash(tree)
    assert again.text == text


@given(condition_trees())
def test_json_round_trip_gives_the_same_tree(tree: Node) -> None:
    document = condition_to_json(tree)
    assert condition_from_json(document) == tree
    # through real JSON text, too
    assert condition_from_json(json.loads(json.dumps(document))) == tree


@given(condition_trees())
def test_json_to_text_to_json_is_the_identity(tree: Node) -> None:
    document: dict[str, Any] = condition_to_json(tree)
    text = condition_from_json(document).text
    assert condition_to_json(parse_condition(text)) == document


@given(condition_trees())
def test_json_form_is_valid_against_its_schema(tree: Node) -> None:
    _VALIDATOR.validate(condition_to_json(tree))


@given(condition_trees(), condition_trees())
def test_equal_trees_have_equal_texts(first: Node, second: Node) -> None:
    assert (first == second) == (first.text == second.text)


@pytest.mark.parametrize("leaf", ["amount", "5", "-5", "abs(amount)", "(amount + 1)"])
@pytest.mark.parametrize("count", [1, 2, 3, 49, 50, 51, 97])
def test_the_canonical_text_of_negations_is_within_the_limits_of_its_tree(leaf: str, count: int) -> None:
    # -(-(-amount)) writes a parenthesis for each minus but the last: it nests as deep as its tree
    condition = compile_condition("-" * count + leaf + " < 1", "Deposit")
    assert compile_condition(condition.text, "Deposit").node == condition.node
    tree = condition.node
    assert parse_condition(tree.text, limits=Limits(max_depth=tree.depth)) == tree


def test_the_canonical_text_of_a_large_json_form_reads_back_with_a_limit_as_long_as_it() -> None:
    games = [{"value": f"pragmatic-vs20olympgate-{n:04d}"} for n in range(5_000)]
    document = {"version": 1, "condition": {"op": "in", "args": [{"field": "game_id"}, {"list": games}]}}
    condition = compile_condition(document, "Transaction")
    assert len(condition.text) > 140_000 > Limits().max_source_length
    roomy = Limits(max_source_length=len(condition.text))
    assert compile_condition(condition.text, "Transaction", limits=roomy).node == condition.node
