"""The JSON form read from hostile or wrong documents: where each error points, and what is counted."""

from __future__ import annotations

from typing import Any

import pytest

from thrilldrops_events import compile_condition
from thrilldrops_events.conditions import condition_from_json, condition_to_json, parse_condition
from thrilldrops_events.errors import ConditionError


def _error(document: Any, event_type: str = "Deposit") -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        compile_condition(document, event_type)
    return caught.value


def _membership(items: list[Any], operand: str = "currency") -> dict[str, Any]:
    return {"version": 1, "condition": {"op": "and", "args": [
        {"value": True}, {"op": "in", "args": [{"field": operand}, {"list": items}]}]}}


@pytest.mark.parametrize(("text", "event_type"), [
    ('currency in [1, "a"]', "Deposit"),  # a mix of types
    ('amount in ["a"]', "Deposit"),  # items of another type than the operand's
    ('amount not in ["a", "b"]', "Deposit"),
])
def test_an_error_about_the_list_of_in_has_the_lists_path(text: str, event_type: str) -> None:
    document = {"version": 1, "condition": {"op": "or", "args": [
        {"value": False}, condition_to_json(parse_condition(text))["condition"]]}}
    assert _error(document, event_type).path == "condition.args.1.args.1"
    assert str(_error(document, event_type)).startswith("condition.args.1.args.1: ")


@pytest.mark.parametrize(("item", "path"), [
    ({"value": None}, "condition.args.1.args.1.list.2.value"),
    ({"number": "x"}, "condition.args.1.args.1.list.2.number"),
    ({"number": "1e999"}, "condition.args.1.args.1.list.2.number"),
    ({"value": "x" * 2000}, "condition.args.1.args.1.list.2.value"),
    ({"value": "\ud800"}, "condition.args.1.args.1.list.2.value"),
    ([1], "condition.args.1.args.1.list.2"),
    ({"value": "a", "x": 1}, "condition.args.1.args.1.list.2"),
])
def test_a_bad_item_of_the_list_of_in_keeps_its_path(item: Any, path: str) -> None:
    document = _membership([{"value": "a"}, {"value": "b"}, item])
    with pytest.raises(ConditionError) as caught:
        condition_from_json(document)
    assert caught.value.path == path


def test_an_item_the_checker_refuses_keeps_its_path() -> None:
    document = _membership([{"value": "DesktopWeb"}, {"value": "Nope"}], operand="channel_type")
    assert _error(document, "PlayerLogin").path == "condition.args.1.args.1.list.1"
