"""The hand-written corpus, run against the reference, compiled and closure evaluators alike."""

from __future__ import annotations

import re
from typing import Any

import pytest

from thrilldrops_events import (
    ConditionError,
    ConditionEvaluationError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
    Envelope,
    compile_condition,
)
from thrilldrops_events.conditions.closures import evaluate_closure

from .corpus import CASES
from .events import CONTEXT, CTX, CTX_NULL_VIP, EVENTS

_ERRORS: dict[str, type[ConditionError]] = {
    "syntax": ConditionSyntaxError,
    "type": ConditionTypeError,
    "limit": ConditionLimitError,
    "eval": ConditionEvaluationError,
}
_CTX: dict[str, Any] = {"ctx": CTX, "null_vip": CTX_NULL_VIP, "none": None}


def _event_type(event: Any) -> str:
    return str((event.payload if isinstance(event, Envelope) else event).event_type.value)


def _case_id(case: tuple[Any, ...]) -> str:
    return f"{case[1]}: {case[0][:60]}"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 200
    assert len({(case[0], case[1], *case[3:]) for case in CASES}) == len(CASES), "duplicate cases"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case(case: tuple[Any, ...]) -> None:
    text, event_name, expected = case[:3]
    ctx = _CTX[case[3] if len(case) > 3 else "ctx"]
    event = EVENTS[event_name]
    if isinstance(expected, str):
        kind, _, fragment = expected.partition(": ")
        error = _ERRORS[kind]
        if kind != "eval":
            with pytest.raises(error, match=re.escape(fragment)):
                compile_condition(text, _event_type(event), context=CONTEXT)
            return
        condition = compile_condition(text, "Deposit", context=CONTEXT)
        with pytest.raises(error, match=re.escape(fragment)):
            condition(event, ctx=ctx)
        with pytest.raises(error, match=re.escape(fragment)):
            condition.evaluate_reference(event, ctx=ctx)
        with pytest.raises(error, match=re.escape(fragment)):
            evaluate_closure(condition.checked, event, ctx=ctx)
        return
    condition = compile_condition(text, _event_type(event), context=CONTEXT)
    assert condition.evaluate_reference(event, ctx=ctx) is expected, "reference evaluator"
    assert condition(event, ctx=ctx) is expected, "compiled form"
    assert evaluate_closure(condition.checked, event, ctx=ctx) is expected, "closure evaluator"
    # the same condition read back from its JSON form and its canonical text means the same
    assert compile_condition(condition.to_json(), _event_type(event), context=CONTEXT)(event, ctx=ctx) is expected
    assert compile_condition(condition.text, _event_type(event), context=CONTEXT)(event, ctx=ctx) is expected
