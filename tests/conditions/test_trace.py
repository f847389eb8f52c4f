"""The reference evaluator's trace and evaluate_node: every value a tool may show, the same as evaluation's."""

from __future__ import annotations

import doctest
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import Deposit, EventType, compile_condition
from thrilldrops_events.conditions import Node, evaluate_node, evaluate_reference, reference
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.nodes import ListLiteral
from thrilldrops_events.errors import ConditionEvaluationError
from thrilldrops_events.testing import conditions, context_values, envelopes

CONTEXT = {"vip": "number?", "segment": "string", "since": "timestamp"}
DEPOSIT = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(reference, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2
    assert result.failed == 0


def test_trace_lists_nodes_children_first_and_skips_what_evaluation_skips() -> None:
    checked = compile_condition('amount >= 30 and currency == "EUR" or balance_after > 1', "Deposit").checked
    seen: list[tuple[str, Any]] = []
    assert evaluate_reference(checked, DEPOSIT, trace=lambda node, value: seen.append((node.text, value))) is False
    assert seen == [
        ("amount", Decimal("25.00")),
        ("30", Decimal("30")),
        ("amount >= 30", False),
        ('amount >= 30 and currency == "EUR"', False),  # `and` stopped: currency was not read
        ("balance_after", None),  # null: the right side of > is not evaluated
        ("balance_after > 1", False),
        ('amount >= 30 and currency == "EUR" or balance_after > 1', False),
    ]


def test_evaluate_node_gives_skipped_values() -> None:
    checked = compile_condition('amount >= 30 and currency == "EUR"', "Deposit").checked
    right = checked.node.children[1]
    assert evaluate_node(checked, right, DEPOSIT) is True
    seen: list[str] = []
    assert evaluate_node(checked, right, DEPOSIT, trace=lambda node, value: seen.append(node.text)) is True
    assert seen == ["currency", '"EUR"', 'currency == "EUR"']
    # a node equal to one of the tree's (not the same object) is found by structure
    assert evaluate_node(checked, compile_condition('currency == "EUR"', "Deposit").node, DEPOSIT) is True


def test_evaluate_node_refuses_a_node_of_another_condition() -> None:
    checked = compile_condition("amount >= 30", "Deposit").checked
    with pytest.raises(KeyError):
        evaluate_node(checked, compile_condition("amount >= 31", "Deposit").node, DEPOSIT)


def test_trace_checks_the_event_and_context_like_evaluation() -> None:
    checked = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"}).checked
    with pytest.raises(ConditionEvaluationError):
        evaluate_reference(checked, DEPOSIT, trace=lambda node, value: None)
    with pytest.raises(ConditionEvaluationError):
        evaluate_node(checked, checked.node, DEPOSIT, {})
    assert evaluate_node(checked, checked.node.children[0], DEPOSIT, {"vip": 2}) == 2


def test_trace_of_a_deep_condition_does_not_recurse() -> None:
    depth = 3000
    text = "not " * depth + "amount > 1"
    limits = compile_condition("true", "Deposit").checked.limits
    from thrilldrops_events.conditions import Limits

    big = Limits(max_depth=depth + 10, max_nodes=limits.max_nodes)
    checked = compile_condition(text, "Deposit", limits=big).checked
    count = 0

    def trace(node: Node, value: Any) -> None:
        nonlocal count
        count += 1

    assert evaluate_reference(checked, DEPOSIT, trace=trace) is True  # an even number of nots
    assert count == depth + 3


@given(st.data())
def test_traced_values_are_the_values_of_the_nodes(data: st.DataObject) -> None:
    event_type = data.draw(st.sampled_from(list(EventType)))
    node = data.draw(conditions(event_type, context=CONTEXT))
    condition = compile_condition(node, event_type, context=CONTEXT)
    envelope = data.draw(envelopes(event_type))
    ctx: dict[str, Any] = data.draw(context_values(CONTEXT))
    checked = condition.checked
    seen: list[tuple[Node, Any]] = []
    result = evaluate_reference(checked, envelope, ctx, trace=lambda n, v: seen.append((n, v)))
    assert result is condition(envelope, ctx=ctx)
    assert seen[-1][0] is checked.node
    assert seen[-1][1] is result
    expected = iter(postorder(checked.node))  # the traced nodes come in this order (a node may occur twice)
    assert all(any(each is traced for each in expected) for traced, _ in seen)
    items = {id(item) for each in postorder(checked.node) if isinstance(each, ListLiteral) for item in each.items}
    for traced, value in seen:
        assert not isinstance(traced, ListLiteral)
        assert id(traced) not in items
        assert evaluate_node(checked, traced, envelope, ctx) == value
    traced_ids = {id(n) for n, _ in seen}
    for each in postorder(checked.node):
        if not isinstance(each, ListLiteral) and id(each) not in items and id(each) not in traced_ids:
            evaluate_node(checked, each, envelope, ctx)  # skipped nodes have a value of their own too


def test_a_literal_equal_to_a_list_item_is_found_with_its_own_type() -> None:
    from thrilldrops_events.conditions.nodes import String

    checked = compile_condition('currency in ["EUR"] and currency == "EUR"', "Deposit").checked
    assert checked.type_of(String("EUR")).base == "string"
    assert evaluate_node(checked, String("EUR"), DEPOSIT) == "EUR"
