"""The public surface of conditions: compile_condition, CompiledCondition, errors, the JSON form."""

from __future__ import annotations

import copy
import enum
import json
import pickle
from datetime import datetime, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import thrilldrops_events
from thrilldrops_events import (
    CompiledCondition,
    ConditionError,
    ConditionEvaluationError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
    EventType,
    ThrillDropsError,
    compile_condition,
    condition_from_json,
    condition_to_json,
    parse_condition,
)
from thrilldrops_events.conditions import (
    JSON_SCHEMA,
    Limits,
    check_condition,
    compile_checked,
    evaluate_node,
    evaluate_reference,
    json_schema,
)
from thrilldrops_events.conditions.closures import evaluate_closure
from thrilldrops_events.conditions.nodes import And, Compare, FieldRef, Number, String

from .events import EVENTS, PAYLOADS


def test_errors_are_one_hierarchy() -> None:
    for error in (ConditionSyntaxError, ConditionTypeError, ConditionLimitError, ConditionEvaluationError):
        assert issubclass(error, ConditionError)
        assert issubclass(error, ThrillDropsError)
        assert issubclass(error, ValueError)
    assert "ConditionTypeError" in thrilldrops_events.errors.__doc__  # type: ignore[operator]


def test_syntax_error_has_line_column_and_caret() -> None:
    text = 'amount >= 20\nand currency == "EUR" &&\nmethod_id == "visa"'
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    error = caught.value
    assert (error.line, error.column) == (2, 23)
    assert error.caret == '  and currency == "EUR" &&\n                        ^'
    assert str(error).startswith("line 2, column 23: '&' is not an operator; write 'and'")
    assert error.source == text and error.path is None


def test_caret_of_a_long_line_is_clipped() -> None:
    text = "amount > 1 and " * 1_000 + "amount >"
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    lines = caught.value.caret.splitlines()
    assert len(lines[0]) < 200 and lines[0].startswith("  ...")
    assert lines[1].rstrip().endswith("^") and len(lines[1]) == len(lines[1].rstrip())


def test_type_error_has_a_suggestion_and_a_position() -> None:
    with pytest.raises(ConditionTypeError) as caught:
        compile_condition('currency == "EUR" and amout >= 20', "Deposit")
    assert caught.value.suggestion == "amount"
    assert (caught.value.line, caught.value.column) == (1, 23)
    assert caught.value.caret.endswith("                      ^")


def test_type_error_in_json_form_names_its_path() -> None:
    document = {"version": 1, "condition": {"op": "and", "args": [
        {"op": ">=", "args": [{"field": "amout"}, {"number": "20"}]},
        {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]},
    ]}}
    with pytest.raises(ConditionTypeError) as caught:
        compile_condition(document, "Deposit")
    assert caught.value.path == "condition.args.0.args.0"
    assert caught.value.suggestion == "amount"
    assert str(caught.value).startswith("condition.args.0.args.0: unknown field 'amout'")


def test_errors_pickle() -> None:
    for text in ("amount >", "amout > 1", "amount > 1e99"):
        with pytest.raises(ConditionError) as caught:
            compile_condition(text, "Deposit")
        again = pickle.loads(pickle.dumps(caught.value))
        assert type(again) is type(caught.value)
        assert str(again) == str(caught.value)
        assert again.__dict__ == caught.value.__dict__


def test_limit_error_names_its_limit() -> None:
    with pytest.raises(ConditionLimitError) as caught:
        compile_condition("amount > 1", "Deposit", limits=Limits(max_source_length=5))
    assert (caught.value.limit, caught.value.maximum) == ("max_source_length", 5)


def test_event_type_by_name_or_enum_and_suggestion() -> None:
    assert compile_condition("amount > 1", "Deposit").event_type is EventType.DEPOSIT
    assert compile_condition("amount > 1", EventType.DEPOSIT).event_type is EventType.DEPOSIT
    with pytest.raises(ConditionTypeError, match="did you mean 'Deposit'") as caught:
        compile_condition("amount > 1", "Deposits")
    assert caught.value.suggestion == "Deposit"


def test_compiled_condition_attributes() -> None:
    condition = compile_condition(
        '  amount>=20 and(currency=="EUR" or ctx.vip >= 3) and hour(event.timestamp) < 23 and amount < 1e3',
        "Deposit",
        context={"vip": "number", "unused": "string"},
    )
    assert isinstance(condition, CompiledCondition)
    assert condition.text == 'amount >= 20 and (currency == "EUR" or ctx.vip >= 3) and hour(event.timestamp) < 23 ' \
        "and amount < 1E+3"
    assert condition.fields == ("amount", "currency", "ctx.vip", "event.timestamp")
    assert condition.needs_envelope is True
    assert dict(condition.context) == {"vip": thrilldrops_events.conditions.ValueType("number")}
    assert condition.node == parse_condition(condition.text)
    assert condition.to_json() == condition_to_json(condition.node)
    assert repr(condition).startswith("CompiledCondition('amount >= 20 and")
    assert condition(EVENTS["env_dep"], ctx={"vip": 1}) is True
    assert compile_condition("amount > 1", "Deposit").needs_envelope is False


def test_compiled_conditions_refuse_pickling_but_copy() -> None:
    condition = compile_condition("amount > 1", "Deposit")
    with pytest.raises(TypeError, match="to_json"):
        pickle.dumps(condition)
    assert copy.copy(condition) is condition and copy.deepcopy(condition) is condition


def test_trees_pickle_and_copy() -> None:
    tree = parse_condition('amount > 1 and currency in ["EUR", "USD"] or -balance_after is null')
    for again in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree), copy.copy(tree)):
        assert again == tree and hash(again) == hash(tree) and again.depth == tree.depth
        assert again.text == tree.text


@pytest.mark.parametrize("value", ["\ud800", "ok\udfff", "\udc00\ud83d"])
def test_a_string_node_holds_no_lone_surrogate(value: str) -> None:
    # as the text and JSON forms refuse one: its condition would compile, and its text would not read back
    with pytest.raises(ConditionSyntaxError, match=r"^a String holds a lone surrogate"):
        String(value)
    assert String("caf\u00e9 \U0001f3b0").value == "caf\u00e9 \U0001f3b0"

def test_a_deep_tree_copies_without_recursion() -> None:
    deep = Limits(max_depth=2_000)
    tree = parse_condition("-" * 1_500 + "amount < 1", limits=deep)
    assert copy.deepcopy(tree) is tree and copy.copy(tree) is tree
    assert copy.deepcopy({"condition": tree})["condition"] is tree

def test_compile_from_a_tree_and_check_on_its_own() -> None:
    tree = And((Compare(">=", FieldRef("payload", "amount"), Number(Decimal(20))),
                Compare("==", FieldRef("payload", "currency"), String("EUR"))))
    condition = compile_condition(tree, "Deposit")
    assert condition.text == 'amount >= 20 and currency == "EUR"'
    checked = check_condition(tree, "Deposit")
    assert checked.type_of(tree.operands[0]).base == "bool"
    assert checked.type_of(Compare(">=", FieldRef("payload", "amount"), Number(Decimal(20)))).base == "bool"
    assert compile_checked(checked)(PAYLOADS["dep"]) is evaluate_reference(checked, PAYLOADS["dep"]) is True
    with pytest.raises(ConditionSyntaxError, match="not int"):
        compile_condition(5, "Deposit")  # type: ignore[arg-type]


def test_evaluation_errors() -> None:
    needs_envelope = compile_condition("event.timestamp > 1", "Deposit")
    with pytest.raises(ConditionEvaluationError, match="evaluate it on the Envelope"):
        needs_envelope(PAYLOADS["dep"])
    with pytest.raises(ConditionEvaluationError, match="given a Withdrawal event"):
        needs_envelope(EVENTS["env_wd"])
    with pytest.raises(ConditionEvaluationError, match="not on dict"):
        needs_envelope({"amount": 1})
    with_ctx = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"})
    with pytest.raises(ConditionEvaluationError, match="missing"):
        with_ctx(PAYLOADS["dep"], ctx={})
    with pytest.raises(ConditionEvaluationError, match=r"reads ctx\.vip: pass ctx=\{\.\.\.\} \(a mapping\), not no"):
        with_ctx(PAYLOADS["dep"])
    with pytest.raises(ConditionEvaluationError, match="declared number"):
        with_ctx(PAYLOADS["dep"], ctx={"vip": None})


@given(ctx=st.one_of(st.lists(st.integers(), max_size=3), st.text(max_size=5), st.integers(), st.floats(),
                    st.booleans(), st.tuples(st.text(max_size=2)), st.binary(max_size=2), st.just([("vip", 2)])))
def test_a_ctx_that_is_not_a_mapping_is_a_type_error_whether_or_not_the_condition_reads_it(ctx: Any) -> None:
    message = f"^ctx must be a mapping of context values, not {type(ctx).__name__}$"
    for condition in (compile_condition("amount > 1", "Deposit"),
                      compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"}),
                      compile_condition("amount > 1 or ctx.vip > 1", "Deposit", context={"vip": "number"}),
                      compile_condition("event.timestamp > 1", "Deposit")):
        checked = condition.checked
        with pytest.raises(TypeError, match=message):
            condition(EVENTS["env_dep"], ctx=ctx)
        with pytest.raises(TypeError, match=message):
            condition.evaluate_reference(EVENTS["env_dep"], ctx=ctx)
        with pytest.raises(TypeError, match=message):
            evaluate_closure(checked, EVENTS["env_dep"], ctx)
        with pytest.raises(TypeError, match=message):
            evaluate_node(checked, checked.node, EVENTS["env_dep"], ctx)


def test_none_and_any_mapping_are_a_ctx() -> None:
    plain = compile_condition("amount > 1", "Deposit")
    reading = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"})
    assert plain(PAYLOADS["dep"]) is plain(PAYLOADS["dep"], ctx=None) is plain(PAYLOADS["dep"], ctx={}) is True
    assert plain(PAYLOADS["dep"], ctx=MappingProxyType({"vip": 2})) is True
    assert reading(PAYLOADS["dep"], ctx=MappingProxyType({"vip": 2})) is True
    assert reading.evaluate_reference(PAYLOADS["dep"], ctx=MappingProxyType({"vip": 2})) is True


@pytest.mark.parametrize("value", [253402300800, 10**30, datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc)])
def test_a_context_timestamp_outside_the_calendar_of_events_is_an_evaluation_error(value: object) -> None:
    # hour(ctx.t) and hour(ctx.t, "UTC") would disagree on a moment past 9999 (a number, and null)
    condition = compile_condition('hour(ctx.t) == hour(ctx.t, "UTC")', "Deposit", context={"t": "timestamp"})
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        with pytest.raises(ConditionEvaluationError, match=r"^ctx\.t must be a timestamp from 1970-01-01T00:00:00Z "
                                                           r"to 9999-12-31T23:59:59Z"):
            evaluate(PAYLOADS["dep"], ctx={"t": value})


@pytest.mark.parametrize("value", [0, 253402300799, datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
                                   datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)])
def test_a_context_timestamp_within_the_calendar_of_events_is_read(value: object) -> None:
    condition = compile_condition('hour(ctx.t) == hour(ctx.t, "UTC")', "Deposit", context={"t": "timestamp"})
    assert condition(PAYLOADS["dep"], ctx={"t": value}) is True


def test_a_context_datetime_drops_its_fraction_of_a_second_exactly() -> None:
    # a float of seconds (datetime.timestamp()) rounds this moment up to 22:51:42
    condition = compile_condition('ctx.t == "4904-07-01T22:51:41Z"', "Deposit", context={"t": "timestamp"})
    moment = datetime(4904, 7, 1, 22, 51, 41, 999997, tzinfo=timezone.utc)
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        assert evaluate(PAYLOADS["dep"], ctx={"t": moment}) is True

def test_a_context_string_of_a_str_subclass_is_read_as_its_text() -> None:
    class Segment(str, enum.Enum):  # str() of a member is "Segment.VIP", its text "vip"
        VIP = "vip"

    condition = compile_condition('ctx.segment == "vip" and ctx.segment in ["vip", "gold"]', "Deposit",
                                  context={"segment": "string"})
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        assert evaluate(PAYLOADS["dep"], ctx={"segment": Segment.VIP}) is True

def test_payload_subclasses_are_accepted() -> None:
    class MyDeposit(thrilldrops_events.Deposit):
        pass

    mine = MyDeposit(method_id="visa", currency="EUR", amount=Decimal(30))
    condition = compile_condition("amount > 20", "Deposit")
    assert condition(mine) is condition.evaluate_reference(mine) is True


def test_json_schema_is_valid_and_matches_the_docs_example() -> None:
    jsonschema.Draft202012Validator.check_schema(JSON_SCHEMA)
    assert json_schema() == JSON_SCHEMA and json_schema() is not JSON_SCHEMA
    validator = jsonschema.Draft202012Validator(JSON_SCHEMA)
    good = compile_condition('amount >= 20 and currency in ["EUR", "USD"] and not (balance_after is null)',
                             "Deposit").to_json()
    validator.validate(json.loads(json.dumps(good)))
    for bad in ({"version": 2, "condition": {"value": True}}, {"version": 1, "condition": {"value": 20}},
                {"version": 1, "condition": {"op": "and", "args": [{"value": True}]}},
                {"version": 1, "condition": {"op": "in", "args": [{"field": "a"}, {"field": "b"}]}}):
        assert not validator.is_valid(bad)
        with pytest.raises(ConditionSyntaxError):
            condition_from_json(bad)


def test_errors_in_list_items_point_at_the_item() -> None:
    with pytest.raises(ConditionTypeError) as caught:
        compile_condition('channel_type in ["MobileWeb", "Tablet"]', "PlayerLogin")
    assert caught.value.column == 31
    document = compile_condition('channel_type in ["MobileWeb"]', "PlayerLogin").to_json()
    document["condition"]["args"][1]["list"].append({"value": "Tablet"})
    with pytest.raises(ConditionTypeError) as caught:
        compile_condition(document, "PlayerLogin")
    assert caught.value.path == "condition.args.1.list.1"
