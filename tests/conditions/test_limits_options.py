"""Limits given with wrong types or values are refused where they are made or passed, never read as others."""

from __future__ import annotations

from typing import Any

import pytest

from thrilldrops_events import compile_condition
from thrilldrops_events.conditions import (
    DEFAULT_LIMITS,
    Limits,
    check_condition,
    condition_from_json,
    parse_condition,
)
from thrilldrops_events.conditions.jsonform import read_with_paths
from thrilldrops_events.conditions.limits import limits_or_default
from thrilldrops_events.conditions.parser import parse_with_spans
from thrilldrops_events.errors import ConditionLimitError

_DOCUMENT = {"version": 1, "condition": {"field": "is_free_spin"}}
_WRONG: list[Any] = [{"max_depth": 3}, 0, False, "strict", 10, [], Limits]  # the class is not an instance


@pytest.mark.parametrize("value", ["10", 10.0, True, False, None, -1, 0, 10**9, b"1"])
def test_a_limit_of_the_wrong_type_or_value_is_refused_when_made(value: Any) -> None:
    with pytest.raises(ConditionLimitError, match=r"Limits\.max_depth must be an int from 1 to 10,000"):
        Limits(max_depth=value)


@pytest.mark.parametrize("limits", _WRONG)
@pytest.mark.parametrize("read", [
    lambda limits: parse_condition("is_free_spin", limits=limits),
    lambda limits: parse_with_spans("is_free_spin", limits),
    lambda limits: condition_from_json(_DOCUMENT, limits=limits),
    lambda limits: read_with_paths(_DOCUMENT, limits),
    lambda limits: condition_from_json([], limits=limits),  # the limits are checked before the document
    lambda limits: check_condition(parse_condition("is_free_spin"), "Transaction", limits=limits),
    lambda limits: compile_condition("is_free_spin", "Transaction", limits=limits),
    lambda limits: compile_condition(_DOCUMENT, "Transaction", limits=limits),
])
def test_limits_that_are_not_limits_are_a_type_error_where_they_are_passed(read: Any, limits: Any) -> None:
    with pytest.raises(TypeError, match=f"limits must be a Limits.*, not {type(limits).__name__}"):
        read(limits)


def test_none_is_the_default_limits() -> None:
    assert limits_or_default(None) is DEFAULT_LIMITS
    small = Limits(max_depth=2)
    assert limits_or_default(small) is small
    with pytest.raises(ConditionLimitError):
        parse_condition("not not is_free_spin", limits=small)
