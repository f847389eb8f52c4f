"""Hostile conditions end in a clean error or a correct result: never a crash, a hang or a leak.

Threat model. Condition text and its JSON form come from campaign managers through a campaign UI
and are stored, so they are untrusted input, possibly written by an attacker who controls a
back-office account or the UI. Such input may try to:

* exhaust the parser, checker or compiler: 100,000 nested parentheses, 100,000 ``not``s, a 10 MB
  string, 50,000 chained ``and``s, lists of a million items, numbers of a hundred thousand digits,
  a JSON form nested 100,000 deep or holding a cycle;
* exhaust evaluation: exponent bombs such as ``1e999999999 * 1e999999999`` (a ``Decimal`` with
  such an exponent is cheap, but rounding or printing it is not), long chains of multiplication;
* hit Python's own limits: ``RecursionError`` in a recursive walk, the compiler's nesting limit
  (about 200 levels) in generated code;
* reach Python objects: dunder names (``__class__``, ``__import__``), attribute chains
  (``amount.__class__``), names of builtins (``eval``, ``open``), string literals crafted to break
  out of generated source, unknown fields carried by the event (``model_extra``);
* deceive a reviewer: Unicode look-alikes (Cyrillic letters, full-width operators) and invisible or
  direction-changing characters.

The same input reaches a ``CampaignSet`` (one campaign or thousands, added one by one or loaded as
a JSON configuration written by hand or by a tool), which adds its own threats: one condition text
repeated by thousands of campaigns, ``in`` lists of thousands of values the index files a campaign
under, conditions as deep as the limits allow, and hostile configuration documents (not JSON,
nested 100,000 deep, entries of every wrong type, engine fields that are not JSON values).

Every case below must end in a ``ConditionError`` subclass (or a ``CampaignError`` for a campaign
set) or in the correct result. Speed is measured in ``benchmarks/``, not here; a hang would show as a
stuck test run.
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import (
    CampaignConfigError,
    CampaignSet,
    ConditionEvaluationError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
    Deposit,
    Envelope,
    FunctionRegistry,
    PlayerLogin,
    ThrillDropsError,
    compile_condition,
    condition_from_json,
    parse_condition,
)
from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions.closures import evaluate_closure
from thrilldrops_events.conditions.nodes import Negate, Node
from thrilldrops_events.conditions.printer import quote

from .events import CTX, EVENTS, PAYLOADS

DEPOSIT = PAYLOADS["dep"]
ROOMY = Limits(max_source_length=10_000_000, max_nodes=1_000_000, max_depth=10_000, max_list_length=1_000_000)

# ---------------------------------------------------------------------------------------------- size and depth


def test_100000_nested_parentheses() -> None:
    with pytest.raises(ConditionLimitError) as caught:
        compile_condition("(" * 100_000 + "true" + ")" * 100_000, "Deposit")
    assert caught.value.limit in ("max_depth", "max_source_length")
    with pytest.raises(ConditionLimitError, match="nested more than 10000"):
        compile_condition("(" * 100_000 + "true" + ")" * 100_000, "Deposit", limits=ROOMY)


def test_100000_nots_and_minuses() -> None:
    with pytest.raises(ConditionLimitError):
        compile_condition("not " * 100_000 + "true", "Deposit")
    with pytest.raises(ConditionLimitError, match="nested"):
        compile_condition("-" * 100_000 + "amount > 1", "Deposit", limits=ROOMY)


def test_deep_but_allowed_conditions_compile_and_agree() -> None:
    # far deeper than Python's compiler accepts in one expression (about 200)
    for text in (
        "not " * 5_000 + "amount > 1",
        "-" * 5_000 + "amount > 1",
        "(" * 4_000 + "amount > 1" + ")" * 4_000,
        "abs(" * 3_000 + "amount" + ")" * 3_000 + " == 25",
        " + ".join(["balance_after"] * 5_000) + " is null",
        " * ".join(["1"] * 5_000) + " == 1",
    ):
        condition = compile_condition(text, "Deposit", limits=ROOMY)
        assert condition.node.depth >= 3_000 or text.startswith("(")  # parentheses leave no node
        assert condition(DEPOSIT) is condition.evaluate_reference(DEPOSIT) is True
        assert evaluate_closure(condition.checked, DEPOSIT) is True


def test_deep_trees_hash_compare_and_print_without_recursion() -> None:
    node: Node = parse_condition("amount")
    for _ in range(9_000):
        node = Negate(node)
    twin: Node = parse_condition("amount")
    for _ in range(9_000):
        twin = Negate(twin)
    assert node == twin and hash(node) == hash(twin) and node is not twin
    assert len({node, twin}) == 1
    assert node.text.startswith("-(-(-") and len(repr(node)) < 300


def test_a_10_mb_string() -> None:
    text = 'currency == "' + "x" * 10_000_000 + '"'
    with pytest.raises(ConditionLimitError, match="longer than 100,000 characters") as caught:
        compile_condition(text, "Deposit")
    assert caught.value.limit == "max_source_length"
    assert len(str(caught.value)) < 1_000
    with pytest.raises(ConditionLimitError, match="string literal is longer") as caught:
        compile_condition(text, "Deposit", limits=Limits(max_source_length=10_000_100))
    assert len(str(caught.value)) < 1_000


def test_50000_chained_ands() -> None:
    text = " and ".join(["amount > 1"] * 50_000)
    with pytest.raises(ConditionLimitError):
        compile_condition(text, "Deposit")
    condition = compile_condition(text, "Deposit", limits=ROOMY)
    assert condition.node.depth == 3
    assert condition(DEPOSIT) is condition.evaluate_reference(DEPOSIT) is True
    zero = PAYLOADS["dep_zero"]
    assert condition(zero) is condition.evaluate_reference(zero) is False


def test_huge_lists() -> None:
    items = ", ".join(f'"g{index}"' for index in range(1_000_000))
    with pytest.raises(ConditionLimitError):
        compile_condition(f"method_id in [{items}]", "Deposit")
    some = ", ".join(f'"g{index}"' for index in range(10_000))
    with pytest.raises(ConditionLimitError, match="list has more than 5,000 items"):
        compile_condition(f"method_id in [{some}]", "Deposit", limits=Limits(max_source_length=1_000_000))
    allowed = ", ".join(f'"g{index}"' for index in range(100_000)) + ', "visa"'
    condition = compile_condition(f"method_id in [{allowed}]", "Deposit", limits=ROOMY)
    assert condition(DEPOSIT) is condition.evaluate_reference(DEPOSIT) is True
    with pytest.raises(ConditionLimitError, match="list has more than"):
        condition_from_json({"version": 1, "condition": {"list": [{"value": "x"}] * 1_000_000}})


# ---------------------------------------------------------------------------------------------- numbers


def test_exponent_bomb() -> None:
    with pytest.raises(ConditionLimitError, match="out of range") as caught:
        compile_condition("1e999999999 * 1e999999999 > 1", "Deposit")
    assert caught.value.column == 1
    with pytest.raises(ConditionLimitError, match="out of range"):
        compile_condition("amount > 1e99999999999999999999999999999999", "Deposit")
    with pytest.raises(ConditionLimitError, match="out of range"):
        condition_from_json({"version": 1, "condition": {"number": "1e999999999"}})


def test_numbers_of_a_hundred_thousand_digits() -> None:
    with pytest.raises(ConditionLimitError, match="significant digits"):
        compile_condition("amount > " + "9" * 99_000, "Deposit")
    with pytest.raises(ConditionLimitError, match="out of range"):
        compile_condition("amount > 0." + "0" * 99_000 + "1", "Deposit")


def test_long_products_stay_exact_and_cannot_overflow() -> None:
    text = " * ".join(["1e40"] * 1_000) + " > " + " * ".join(["1e40"] * 999)
    condition = compile_condition(text, "Deposit", limits=ROOMY)
    assert condition(DEPOSIT) is condition.evaluate_reference(DEPOSIT) is True
    tiny = compile_condition(" * ".join(["1e-40"] * 1_000) + " > 0", "Deposit", limits=ROOMY)
    assert tiny(DEPOSIT) is tiny.evaluate_reference(DEPOSIT) is True


@pytest.mark.parametrize("value", [Decimal("1e999999"), 1.5, True, "3"])
def test_hostile_context_numbers(value: Any) -> None:
    condition = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"})
    with pytest.raises(ConditionEvaluationError, match=r"ctx\.vip must be a number"):
        condition(DEPOSIT, ctx={"vip": value})
    with pytest.raises(ConditionEvaluationError, match=r"ctx\.vip must be a number"):
        condition.evaluate_reference(DEPOSIT, ctx={"vip": value})


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-NaN"), Decimal("NaN12"), Decimal("sNaN"),
                                   Decimal("Infinity"), Decimal("-Infinity")])
def test_a_context_number_that_is_not_finite_is_refused_as_such(value: Decimal) -> None:
    condition = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number?"})
    message = f"^ctx\\.vip must be a finite number, not {re.escape(repr(value))}$"
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        with pytest.raises(ConditionEvaluationError, match=message):
            evaluate(DEPOSIT, ctx={"vip": value})


@pytest.mark.parametrize(("value", "shown"), [(Decimal("1e1001"), "1.000e+1001"), (-(10 ** 1001), "-1.000e+1001"),
                                              (Decimal("1e-1001"), "1.000e-1001")])
def test_a_context_number_out_of_range_says_the_range(value: Any, shown: str) -> None:
    condition = compile_condition("ctx.vip > 1", "Deposit", context={"vip": "number"})
    message = f"^ctx\\.vip must be a number from 1e-1000 to 1e1000 in magnitude, not {re.escape(shown)}$"
    for evaluate in (condition, condition.evaluate_reference):
        with pytest.raises(ConditionEvaluationError, match=message):
            evaluate(DEPOSIT, ctx={"vip": value})


@pytest.mark.parametrize("value", [Decimal("0E-5000"), Decimal("-0E+5000"), Decimal("0E-1001")])
def test_a_context_zero_of_any_exponent_is_zero(value: Decimal) -> None:
    condition = compile_condition("ctx.vip + amount == amount and ctx.vip == 0", "Deposit", context={"vip": "number"})
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        assert evaluate(DEPOSIT, ctx={"vip": value}) is True


def test_a_function_returning_a_zero_of_any_exponent_returns_zero() -> None:
    registry = FunctionRegistry()
    registry.register("nothing", lambda amount: Decimal("-0E-5000"), params=["number"], returns="number")
    condition = compile_condition("nothing(amount) + amount == amount", "Deposit", functions=registry)
    for evaluate in (condition, condition.evaluate_reference):
        assert evaluate(DEPOSIT) is True


# ---------------------------------------------------------------------------------------------- reaching Python objects


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("amount.__class__ == 1", ConditionSyntaxError),
        ("amount.real > 1", ConditionSyntaxError),
        ("event.__class__ == 1", ConditionTypeError),
        ("event.payload == 1", ConditionTypeError),
        ("event.__init__ is null", ConditionTypeError),
        ("event.model_extra is null", ConditionTypeError),
        ("ctx.__dict__ is null", ConditionTypeError),
        ("__class__ is null", ConditionTypeError),
        ("__import__(\"os\") is null", ConditionTypeError),
        ("eval(\"1\") == 1", ConditionTypeError),
        ("exec(\"import os\") is null", ConditionTypeError),
        ("open(\"/etc/passwd\") is null", ConditionTypeError),
        ("getattr(amount, \"x\") is null", ConditionTypeError),
        ("__builtins__ is null", ConditionTypeError),
        ("model_dump is null", ConditionTypeError),
        ("model_config is null", ConditionTypeError),
        ("lower.__globals__ is null", ConditionSyntaxError),
        ("amount[0] == 1", ConditionSyntaxError),
        ("amount(1) == 1", ConditionTypeError),
        ("lambda: 1", ConditionSyntaxError),
        ("amount if true else 1", ConditionSyntaxError),
        ("amount; import os", ConditionSyntaxError),
        ("amount > 1 ** 2", ConditionSyntaxError),
        ("f\"{amount}\" == 1", ConditionSyntaxError),
        ("amount @ 2 == 1", ConditionSyntaxError),
    ],
)
def test_python_objects_are_out_of_reach(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        compile_condition(text, "Deposit")


@pytest.mark.parametrize(
    "document",
    [
        {"field": "event.__class__"},
        {"field": "__class__"},
        {"field": "amount.__class__"},
        {"call": "__import__", "args": [{"value": "os"}]},
        {"call": "eval", "args": [{"value": "1"}]},
        {"op": "__eq__", "args": [{"field": "amount"}, {"number": "1"}]},
        {"op": "==", "args": [{"field": "amount"}, {"number": "__import__('os')"}]},
    ],
)
def test_python_objects_are_out_of_reach_from_json(document: dict[str, Any]) -> None:
    with pytest.raises((ConditionSyntaxError, ConditionTypeError)):
        compile_condition({"version": 1, "condition": document}, "Deposit")


def test_unknown_fields_carried_by_events_are_not_addressable() -> None:
    event = Deposit(method_id="visa", currency="EUR", amount=Decimal(1), bonus_code="WELCOME")
    assert event.model_extra == {"bonus_code": "WELCOME"}
    with pytest.raises(ConditionTypeError, match="unknown field 'bonus_code'"):
        compile_condition('bonus_code == "WELCOME"', "Deposit")


def test_string_literals_never_become_source() -> None:
    payloads = ['") or True or ("', "'; import os; '", "\\n__import__('os')\\n", "}}{{", "lambda: exit()"]
    for payload in payloads:
        condition = compile_condition(f"method_id == {quote(payload)}", "Deposit")
        assert condition(DEPOSIT) is condition.evaluate_reference(DEPOSIT) is False
        assert payload not in condition._source
        assert "import" not in condition._source


def test_generated_code_has_no_builtins() -> None:
    condition = compile_condition('amount > 1 and lower(currency) == "eur"', "Deposit")
    function = type(condition).__call__
    assert function.__globals__["__builtins__"] == {}


def test_user_functions_cannot_break_the_types() -> None:
    registry = FunctionRegistry()
    registry.register("inexact", lambda amount: float(amount), params=["number"], returns="number")
    registry.register("boom", lambda amount: 1 / 0, params=["number"], returns="bool")
    registry.register("huge", lambda amount: Decimal("1e999999999"), params=["number"], returns="number")
    huge = compile_condition("huge(amount) * huge(amount) > 1", "Deposit", functions=registry)
    for evaluate in (huge, huge.evaluate_reference):
        with pytest.raises(ConditionEvaluationError, match="not a finite number within"):
            evaluate(DEPOSIT)
    inexact = compile_condition("inexact(amount) > 1", "Deposit", functions=registry)
    boom = compile_condition("boom(amount)", "Deposit", functions=registry)
    for evaluate in (inexact, inexact.evaluate_reference):
        with pytest.raises(ConditionEvaluationError, match="returned float, not a number"):
            evaluate(DEPOSIT)
    for evaluate in (boom, boom.evaluate_reference):
        with pytest.raises(ConditionEvaluationError, match="raised ZeroDivisionError"):
            evaluate(DEPOSIT)


# ---------------------------------------------------------------------------------------------- deception


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("\u0430mount > 1", "CYRILLIC SMALL LETTER A"),
        ("amount \uff1e 1", "FULLWIDTH GREATER-THAN SIGN"),
        ("amo\u200bunt > 1", "ZERO WIDTH SPACE"),
        ("amount > 1 and \u202ecurrency", "RIGHT-TO-LEFT OVERRIDE"),
        ("amount\u00a0> 1", "NO-BREAK SPACE"),
        ("amount > \uff11", "FULLWIDTH DIGIT ONE"),
    ],
)
def test_unicode_look_alikes_are_named(text: str, named: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=re.escape(named)):
        compile_condition(text, "Deposit")


def test_invisible_characters_in_strings_show_in_canonical_text() -> None:
    condition = compile_condition('method_id == "vi\u200bsa\u202e"', "Deposit")
    assert condition.text == 'method_id == "vi\\u200bsa\\u202e"'
    assert condition(DEPOSIT) is False


# ---------------------------------------------------------------------------------------------- hostile JSON


def test_json_nested_100000_deep() -> None:
    document: dict[str, Any] = {"field": "is_free_spin"}
    for _ in range(100_000):
        document = {"op": "not", "args": [document]}
    with pytest.raises(ConditionLimitError, match="nested more than"):
        condition_from_json({"version": 1, "condition": document})


def test_json_with_a_cycle() -> None:
    node: dict[str, Any] = {"op": "not", "args": []}
    node["args"].append(node)
    with pytest.raises(ConditionLimitError):
        condition_from_json({"version": 1, "condition": node})


@pytest.mark.parametrize(
    "condition",
    [
        {"value": "\ud800"},
        {"value": 1.5},
        {"number": 20},
        {"number": "NaN"},
        {"number": "Infinity"},
        {"field": 5},
        {"op": "and", "args": "ab"},
        {"op": "and", "args": [{"value": True}] * 1, "extra": 1},
        [],
        None,
    ],
)
def test_malformed_json_forms(condition: Any) -> None:
    with pytest.raises(ConditionSyntaxError):
        condition_from_json({"version": 1, "condition": condition})


# ---------------------------------------------------------------------------------------------- secrets


def test_secrets_never_show() -> None:
    login = PlayerLogin(channel_type="MobileWeb", currency="EUR", session_token="tok-very-secret")
    messages = []
    for text in ("session_token is null", 'session_token == "tok-very-secret"', "amount > 1"):
        with pytest.raises(ConditionTypeError) as caught:
            compile_condition(text, "PlayerLogin")
        messages.append(str(caught.value))
    condition = compile_condition("amount > 1", "Deposit")
    with pytest.raises(ConditionEvaluationError) as wrong_type:
        condition(login)
    messages.append(str(wrong_type.value))
    assert all("tok-very-secret" not in message or "==" in message for message in messages)
    assert "tok-very-secret" not in str(wrong_type.value)
    assert repr(EVENTS["login"]).count("tok-secret") == 0
    assert CTX  # the shared context is untouched by these tests


@given(
    st.sampled_from(["amount", "balance_after", "currency", "channel_type", "event.timestamp", "method_id"]),
    st.sampled_from(["==", "!=", "<", ">=", "in"]),
    st.text(max_size=30),
)
def test_any_string_literal_against_any_field_is_a_clean_error_or_a_condition(field: str, op: str, text: str) -> None:
    literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    source = f"{field} in [{literal}]" if op == "in" else f"{field} {op} {literal}"
    with contextlib.suppress(ThrillDropsError):  # anything else (InvalidOperation, KeyError...) fails the test
        compile_condition(source, "Deposit")


# ---------------------------------------------------------------------------------------------- campaign sets

ENVELOPE = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-1", timestamp=1777852800, payload=DEPOSIT)


@pytest.mark.parametrize(
    "text",
    [
        "not " * 3_000 + "amount > 1",
        "amount" + " + 1" * 4_000 + " > 5",
        "-" * 3_000 + "amount < 0",
        "(" * 4_000 + "amount > 1" + ")" * 4_000,
        " or ".join(f"amount == {n}" for n in range(3_000)),
        " and ".join(f"(amount > {n} or currency == \"X{n}\")" for n in range(2_000)),
        "abs(" * 3_000 + "amount" + ")" * 3_000 + " == 25",
    ],
)
def test_campaign_sets_index_conditions_as_deep_as_the_limits_allow(text: str) -> None:
    campaigns = CampaignSet(limits=ROOMY)
    campaigns.add("deep", "Deposit", text)
    campaigns.add("plain", "Deposit", "amount > 1")
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE)
    assert campaigns.explain("deep", ENVELOPE).matched is ("deep" in campaigns.match(ENVELOPE))
    campaigns.replace("deep", "Deposit", text)
    assert campaigns.remove("deep").id == "deep"
    assert campaigns.match(ENVELOPE) == ["plain"]


def test_campaign_sets_refuse_hostile_conditions_cleanly() -> None:
    campaigns = CampaignSet()
    for text in ("(" * 100_000 + "true" + ")" * 100_000, "amount.__class__ == 1", 'eval("1") == 1',
                 "amount > 1e99999", 'currency == "' + "x" * 2_000 + '"'):
        with pytest.raises(ThrillDropsError):
            campaigns.add("bad", "Deposit", text)
    assert len(campaigns) == 0


def test_campaign_sets_with_huge_in_lists() -> None:
    campaigns = CampaignSet(limits=ROOMY)
    methods = ", ".join(f'"m{index}"' for index in range(50_000))
    campaigns.add("wide", "Deposit", f"method_id in [{methods}, \"visa\"] and amount > 1")
    campaigns.add("wide-not", "Deposit", f"method_id not in [{methods}]")
    campaigns.add("numbers", "Deposit", "amount in [" + ", ".join(str(n) for n in range(20_000)) + "]")
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE) == ["wide", "wide-not", "numbers"]
    campaigns.remove("wide")
    assert campaigns.match(ENVELOPE) == ["wide-not", "numbers"]


def test_many_campaigns_with_the_same_condition_text() -> None:
    text = 'amount >= 20 and currency == "EUR" and hour(event.timestamp, "Europe/Malta") in [0, 1, 2]'
    campaigns = CampaignSet.from_json([{"id": f"c{n}", "event_type": "Deposit", "condition": text}
                                       for n in range(3_000)])
    first = campaigns.get("c0")
    assert first is not None and all(campaign.node is first.node for campaign in campaigns)  # checked once
    assert campaigns.match(ENVELOPE) == [f"c{n}" for n in range(3_000)]
    for n in range(0, 3_000, 2):
        campaigns.remove(f"c{n}")
    assert campaigns.match(ENVELOPE) == [f"c{n}" for n in range(1, 3_000, 2)]


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ("[" * 100_000 + "]" * 100_000, "json_invalid"),
        (b"\xff\xfe[", "json_invalid"),
        ('{"id": "a"}', "not_a_list"),
        ("null", "not_a_list"),
        ([None, 3, "x", []], "not_an_object"),
        ([{"id": "a", "event_type": "Deposit", "condition": "amount > 1", "reward": {"k": {1, 2}}}], "invalid_field"),
        ([{"id": "a", "event_type": "Deposit", "condition": {"version": 1, "condition": {"op": "??"}}}],
         "condition_syntax"),
        ([{"id": "a", "event_type": "Deposit", "condition": ["amount > 1"]}], "condition_syntax"),
        ([{"id": "a", "event_type": "Deposit", "condition": "amount > 1", 7: "x"}], "invalid_field"),
        ([{"id": "a" * 10_000, "event_type": "Deposit" * 1_000, "condition": "x" * 200_000}], "unknown_event_type"),
    ],
)
def test_hostile_campaign_configurations(document: Any, kind: str) -> None:
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json(document)
    assert kind in {problem.kind for problem in caught.value.problems}
    assert len(str(caught.value)) < 20_000
