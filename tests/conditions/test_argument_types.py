"""Options of the wrong type given to the compiler and to a function registry: a TypeError naming them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import (
    CampaignSet,
    ConditionEvaluationError,
    Deposit,
    Envelope,
    FunctionRegistry,
    compile_condition,
    parse_condition,
)

ENVELOPE = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800,
                    payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")))


@pytest.mark.parametrize(("options", "message"), [
    ({"context": ["a"]}, "context must be a mapping of names to types, not list"),
    ({"limits": {"max_depth": 3}}, "limits must be a Limits, not dict"),
    ({"functions": 5}, "functions must be a FunctionRegistry, not int"),
])
def test_compiling_names_an_option_of_the_wrong_type(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=f"^{message}$"):
        compile_condition("amount > 1", "Deposit", **options)


@pytest.mark.parametrize(("options", "message"), [
    ({"context": ["a"]}, "context must be a mapping of names to types, not list"),
    ({"limits": 5}, "limits must be a Limits, not int"),
    ({"functions": "f"}, "functions must be a FunctionRegistry, not str"),
])
def test_checking_names_an_option_of_the_wrong_type(options: dict[str, Any], message: str) -> None:
    from thrilldrops_events.conditions import check_condition

    with pytest.raises(TypeError, match=f"^{message}$"):
        check_condition(parse_condition("amount > 1"), "Deposit", **options)


@pytest.mark.parametrize("params", [None, "number", 5])
def test_register_names_params_that_are_not_a_sequence_of_types(params: Any) -> None:
    with pytest.raises(TypeError, match=f"^params must be a sequence of types, not {type(params).__name__}$"):
        FunctionRegistry().register("f", abs, params=params, returns="number")


def test_a_timestamp_beyond_the_calendar_returned_by_a_function_is_an_evaluation_error() -> None:
    functions = FunctionRegistry()
    functions.register("far", lambda: 10 ** 5000, params=[], returns="timestamp")
    functions.register("last", lambda: 253402300799, params=[], returns="timestamp")
    campaigns = CampaignSet(functions=functions)
    campaigns.add("far", "Deposit", "far() > event.timestamp")
    campaigns.add("last", "Deposit", "last() > event.timestamp")
    with pytest.raises(ConditionEvaluationError, match="function far returned a timestamp after 9999-12-31"):
        campaigns.match(ENVELOPE)
    explanation = campaigns.explain("last", ENVELOPE)
    assert explanation.matched
    assert "9999-12-31T23:59:59Z" in str(explanation)
    with pytest.raises(ConditionEvaluationError, match="function far returned a timestamp after 9999-12-31"):
        campaigns.explain("far", ENVELOPE)


@pytest.mark.parametrize("junk", [None, "amount > 1", 3])
def test_the_lower_level_functions_name_a_checked_condition_of_the_wrong_type(junk: Any) -> None:
    from thrilldrops_events.conditions import (
        CompiledCondition,
        compile_checked,
        evaluate_node,
        evaluate_reference,
        to_text,
    )
    from thrilldrops_events.conditions.closures import evaluate_closure

    deposit = compile_condition("amount > 1", "Deposit")
    for call in (lambda: CompiledCondition(junk), lambda: compile_checked(junk), lambda: evaluate_reference(junk, None),
                 lambda: evaluate_closure(junk, None), lambda: evaluate_node(junk, deposit.node, None)):
        with pytest.raises(TypeError, match=f"checked must be a CheckedCondition .*, not {type(junk).__name__}"):
            call()
    with pytest.raises(TypeError, match=f"node must be a condition tree .*, not {type(junk).__name__}"):
        to_text(junk)


@pytest.mark.parametrize("junk", [None, "amount > 1", 3])
def test_evaluate_node_names_a_node_of_the_wrong_type(junk: Any) -> None:
    from thrilldrops_events.conditions import evaluate_node

    checked = compile_condition("amount > 1", "Deposit").checked
    with pytest.raises(TypeError, match=f"node must be a node of checked.node, not {type(junk).__name__}"):
        evaluate_node(checked, junk, None)
