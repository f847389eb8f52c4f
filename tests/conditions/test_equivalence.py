"""The compiled form and the closure evaluator equal the reference evaluator on Hypothesis-made conditions."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import EventType, compile_condition, condition_from_json, condition_to_json
from thrilldrops_events.conditions.closures import closure_of, evaluate_closure
from thrilldrops_events.conditions.compiler import compile_clause
from thrilldrops_events.conditions.runtime import read_context
from thrilldrops_events.errors import ConditionEvaluationError
from thrilldrops_events.testing import conditions, context_values, envelopes

CONTEXT = {"vip": "number?", "segment": "string", "since": "timestamp"}


@given(st.data())
def test_compiled_equals_reference(data: st.DataObject) -> None:
    event_type = data.draw(st.sampled_from(list(EventType)))
    node = data.draw(conditions(event_type, context=CONTEXT))
    condition = compile_condition(node, event_type, context=CONTEXT)
    envelope = data.draw(envelopes(event_type, unknown_fields=data.draw(st.booleans())))
    ctx: dict[str, Any] = data.draw(context_values(CONTEXT))
    expected = condition.evaluate_reference(envelope, ctx=ctx)
    assert condition(envelope, ctx=ctx) is expected
    assert evaluate_closure(condition.checked, envelope, ctx=ctx) is expected
    if not condition.needs_envelope:
        assert condition(envelope.payload, ctx=ctx) is expected
        assert evaluate_closure(condition.checked, envelope.payload, ctx=ctx) is expected


@given(st.data())
def test_well_typed_conditions_survive_both_forms(data: st.DataObject) -> None:
    event_type = data.draw(st.sampled_from(list(EventType)))
    node = data.draw(conditions(event_type, context=CONTEXT))
    condition = compile_condition(node, event_type, context=CONTEXT)
    assert compile_condition(condition.text, event_type, context=CONTEXT).node == node
    assert condition_from_json(condition.to_json()) == node
    assert condition_to_json(node) == condition.to_json()


def _outcome(function: Any, *args: Any) -> Any:
    try:
        value = function(*args)
    except ConditionEvaluationError as error:
        return "raises", str(error)
    return type(value), value


@given(st.data())
def test_every_compiled_sub_expression_equals_its_closure(data: st.DataObject) -> None:
    """What a campaign set evaluates on its own: residual clauses and derived values."""
    event_type = data.draw(st.sampled_from(list(EventType)))
    node = data.draw(conditions(event_type, context=CONTEXT))
    checked = compile_condition(node, event_type, context=CONTEXT).checked
    envelope = data.draw(envelopes(event_type, unknown_fields=data.draw(st.booleans())))
    names = checked.context_names
    ctx = dict(zip(names, read_context(data.draw(context_values(CONTEXT)), names, checked.context), strict=True))
    stack = [checked.node]
    while stack:
        part = stack.pop()
        stack.extend(part.children)
        expected = _outcome(closure_of(checked, part), envelope.payload, envelope, ctx)
        assert _outcome(compile_clause(checked, part), envelope.payload, envelope, ctx) == expected
