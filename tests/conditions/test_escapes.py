"""Conditions: huge integers in the JSON form and lone surrogates in string literals end in a ConditionError.

Whatever compiles prints back: its ``.text`` and ``.to_json()`` compile again to the same condition.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import ConditionSyntaxError, compile_condition, condition_from_json
from thrilldrops_events.conditions import CompiledCondition

HUGE = 10**5000  # printing it raises ValueError (Python's 4,300-digit limit)
COMPARE = {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}


def _documents() -> list[tuple[dict[str, Any], str]]:
    return [
        ({"version": HUGE, "condition": COMPARE}, "version"),
        ({"version": 1, "condition": {"op": HUGE, "args": []}}, "condition.op"),
        ({"version": 1, "condition": {"field": HUGE}}, "condition.field"),
        ({"version": 1, "condition": {"call": HUGE, "args": []}}, "condition.call"),
        ({"version": 1, "condition": {"number": HUGE}}, "condition.number"),
        ({"version": 1, "condition": COMPARE, HUGE: 1}, ""),
        ({"version": 1, "condition": {"op": [[[[[]]]]] * 3, "args": []}}, "condition.op"),
    ]


@pytest.mark.parametrize(("document", "path"), _documents())
def test_huge_integers_in_the_json_form_are_syntax_errors(document: dict[str, Any], path: str) -> None:
    for read in (condition_from_json, lambda d: compile_condition(d, "Deposit")):
        with pytest.raises(ConditionSyntaxError) as info:
            read(document)
        assert info.value.path == path
        assert len(str(info.value)) < 300


def test_missing_version_names_the_key_once_and_has_a_path() -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        condition_from_json({"condition": COMPARE})
    assert info.value.message == "missing key 'version'"
    assert info.value.path == "version"
    assert str(info.value) == "version: missing key 'version'"


def test_an_error_of_the_whole_document_renders_without_an_empty_path() -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        condition_from_json({"version": 1, "condition": COMPARE, "extra": 1})
    assert info.value.path == ""
    assert str(info.value) == "unexpected key 'extra' beside 'version'"


@pytest.mark.parametrize("text", ['currency == "\ud800"', "currency == 'ab\udfffc'", 'currency in ["EUR", "\udc80"]'])
def test_a_lone_surrogate_in_a_string_literal_is_a_syntax_error(text: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(text, "Deposit")
    assert "lone surrogate" in info.value.message
    assert info.value.column == text.index(next(c for c in text if "\ud800" <= c <= "\udfff")) + 1
    str(info.value).encode("utf-8")  # the caret line shows the source, and stays text


def test_a_lone_surrogate_in_the_json_form_is_a_syntax_error() -> None:
    document = {"version": 1, "condition": {"op": "==", "args": [{"field": "currency"}, {"value": "\ud800"}]}}
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(document, "Deposit")
    assert info.value.path == "condition.args.1.value"


ANY_CHARACTER = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))


@given(st.text(ANY_CHARACTER, max_size=12), st.sampled_from(['"', "'"]))
def test_whatever_compiles_prints_back(literal: str, quote: str) -> None:
    text = f"currency == {quote}{literal}{quote}"
    try:
        condition = compile_condition(text, "Deposit")
    except ConditionSyntaxError:
        return
    again = compile_condition(condition.text, "Deposit")
    from_json = compile_condition(condition.to_json(), "Deposit")
    assert isinstance(again, CompiledCondition)
    assert again.text == from_json.text == condition.text
    condition.text.encode("utf-8")
