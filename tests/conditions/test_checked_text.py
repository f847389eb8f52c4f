"""Text checked in the parser's order gives exactly what parsing, then checking the tree gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from thrilldrops_events import EventType
from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._checked_text import check_text
from thrilldrops_events.conditions._walk import parents_first, postorder
from thrilldrops_events.conditions.checker import check_condition
from thrilldrops_events.conditions.parser import parse_in_order, parse_with_spans
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.testing import condition_trees

from .test_checker_equivalence import CONTEXT, checked_texts, limits


def _outcome(check: Any) -> tuple[Any, ...]:
    try:
        checked = check()
    except ConditionError as error:
        return ("error", type(error), str(error), error.message, error.line, error.column,
                getattr(error, "suggestion", None), getattr(error, "limit", None), getattr(error, "maximum", None))
    return ("checked", checked.node, checked.event_type, [checked.types.get(id(item)) for item in
            postorder(checked.node)], len(checked.types), checked.fields, dict(checked.context),
            dict(checked.functions), checked.needs_envelope, checked.limits)


def _parsed_then_checked(text: str, event_type: EventType, limit: Limits | None) -> Any:
    node, spans = parse_with_spans(text, limit)
    return check_condition(node, event_type, context=CONTEXT, limits=limit, source=text, spans=spans)


@settings(max_examples=300)
@given(checked_texts(), limits)
def test_check_text_gives_what_parsing_then_checking_gives(case: tuple[str, EventType], limit: Limits | None) -> None:
    text, event_type = case
    expected = _outcome(lambda: _parsed_then_checked(text, event_type, limit))
    assert _outcome(lambda: check_text(text, event_type, context=CONTEXT, limits=limit)) == expected


@given(condition_trees())
def test_the_parser_makes_nodes_children_first_without_list_items(tree: n.Node) -> None:
    node, _, order = parse_in_order(tree.text, Limits())
    assert [id(item) for item in order] == [id(item) for item in reversed(parents_first(node))]
    items = {id(item) for list_ in postorder(node) if isinstance(list_, n.ListLiteral) for item in list_.items}
    assert {id(item) for item in postorder(node)} - items == {id(item) for item in order}
