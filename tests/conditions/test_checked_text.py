"""Text checked in the parser's order gives exactly what parsing, then checking the tree gives."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import example, given, settings

from thrilldrops_events import EventType
from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._checked_text import check_text
from thrilldrops_events.conditions._walk import parents_first, postorder
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.checker import check_condition
from thrilldrops_events.conditions.parser import parse_in_order, parse_with_spans
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.testing import condition_trees

from .test_checker_equivalence import CONTEXT, checked_texts, limits
from .test_parser_equivalence import small_limits, texts


def _outcome(check: Any) -> tuple[Any, ...]:
    try:
        checked = check()
    except ConditionError as error:
        return ("error", type(error), str(error), error.message, error.line, error.column,
                getattr(error, "suggestion", None), getattr(error, "limit", None), getattr(error, "maximum", None))
    if isinstance(checked, n.Node):
        return ("tree", checked, [type(item) for item in postorder(checked)])
    typed = reversed(parents_first(checked.node))  # list items have no type (and may be another node's twin)
    return ("checked", checked.node, checked.event_type, [checked.types.get(id(item)) for item in typed],
            len(checked.types), checked.fields, dict(checked.context), dict(checked.functions),
            checked.needs_envelope, checked.limits)


def _parsed_then_checked(text: str, event_type: EventType, limit: Limits | None) -> Any:
    node, spans = parse_with_spans(text, limit)
    return check_condition(node, event_type, context=CONTEXT, limits=limit, source=text, spans=spans)


@settings(max_examples=300)
@given(checked_texts(), limits)
@example(("0 in [0]", EventType.PLAYER_LOGIN), None)
@example(("not event.timestamp == abs()", EventType.PLAYER_LOGIN), None)
def test_check_text_gives_what_parsing_then_checking_gives(case: tuple[str, EventType], limit: Limits | None) -> None:
    text, event_type = case
    expected = _outcome(lambda: _parsed_then_checked(text, event_type, limit))
    assert _outcome(lambda: check_text(text, event_type, context=CONTEXT, limits=limit)) == expected


@given(condition_trees())
def test_the_parser_makes_nodes_children_first_without_list_items(tree: n.Node) -> None:
    node, _, order = parse_in_order(tree.text, Limits())
    assert [id(item) for item in order] == [id(item) for item in reversed(parents_first(node))]


@pytest.mark.heavy  # long fuzzing (or load): CI runs it once, on the newest Python
@settings(max_examples=300)
@given(texts(), small_limits)
def test_parsing_in_order_gives_the_tree_or_error_parsing_with_spans_gives(text: str, limit: Limits | None) -> None:
    expected = _outcome(lambda: parse_with_spans(text, limit)[0])
    assert _outcome(lambda: parse_in_order(text, limit or Limits())[0]) == expected


def test_list_items_are_shared_in_order_and_placed_with_spans() -> None:
    text = 'a in ["x", "y", "x"] and b in [1, \'x\', 2.50]'
    in_order, placed = parse_in_order(text, Limits())[0], parse_with_spans(text)[0]
    assert in_order == placed
    items = [item for node in postorder(in_order) if isinstance(node, n.ListLiteral) for item in node.items]
    assert items[0] is items[2] is items[4]
    items = [item for node in postorder(placed) if isinstance(node, n.ListLiteral) for item in node.items]
    assert len({id(item) for item in items}) == 6


def test_a_checked_condition_has_every_field_its_class_declares() -> None:
    checked = check_text('amount >= 20 and lower(currency) == "eur"', EventType.DEPOSIT)
    assert {field.name for field in dataclasses.fields(checked)} == set(vars(checked))
    assert checked.fields == ("amount", "currency") and checked.needs_envelope is False
    assert checked.limits == Limits() and set(checked.functions) == {"lower"}


def test_the_checked_condition_is_the_one_its_constructor_makes() -> None:
    """The checker fills a CheckedCondition's fields itself: the same fields, in the same order, as its __init__."""
    checked = check_text('amount >= 20 and ctx.vip > 1 and lower(currency) == "eur"', EventType.DEPOSIT,
                         context={"vip": "number"})
    made = CheckedCondition(**{field.name: getattr(checked, field.name) for field in dataclasses.fields(checked)})
    assert list(vars(checked).items()) == list(vars(made).items())
    assert repr(checked) == repr(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked.fields = ()  # type: ignore[misc]
