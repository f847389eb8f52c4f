"""What the condition language refuses on purpose, and why. Each refusal is a design decision.

The language is small so that a campaign manager can read any condition, a campaign UI can
edit it as a tree, and the engine can evaluate it fast and safely. Changing one of these
decisions is a change of the language: update the docs (``docs/reference/conditions.md``) too.
"""

from __future__ import annotations

import re

import pytest

from thrilldrops_events import (
    ConditionError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
    FunctionRegistry,
    compile_condition,
)
from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions.nodes import Boolean, Compare, FieldRef

REFUSED = [
    # (text, event type, error, fragment of the message, why)
    ('currency > "EUR"', "Deposit", ConditionTypeError, "strings have no order",
     "alphabetical order of codes and ids means nothing to a campaign"),
    ("is_free_spin > false", "Transaction", ConditionTypeError, "has no order", "booleans have no order"),
    ('channel_type >= "MobileWeb"', "PlayerLogin", ConditionTypeError, "has no order", "channels have no order"),
    ('currency + "x" == "EURx"', "Deposit", ConditionTypeError, "does not join strings",
     "no string building: compare with ==, in, starts_with, ends_with, contains"),
    ('amount == "25"', "Deposit", ConditionTypeError, "cannot compare",
     "no implicit conversion between numbers and strings"),
    ("is_free_spin == 1", "Transaction", ConditionTypeError, "cannot compare", "booleans are not numbers"),
    ("1 < amount < 100", "Deposit", ConditionSyntaxError, "do not chain",
     "chained comparisons read differently in every language: write 1 < amount and amount < 100"),
    ("amount", "Deposit", ConditionTypeError, "true or false", "no truthiness: a number is not a condition"),
    ("not currency", "Deposit", ConditionTypeError, "needs true or false", "no truthiness for strings"),
    ("ctx.flag and true", "Deposit", ConditionTypeError, "may be null",
     "a nullable boolean must be compared: ctx.flag == true says what null means"),
    ("amount in [1, null]", "Deposit", ConditionSyntaxError, "not null", "null is tested with is null, not in"),
    ("amount in [[1]]", "Deposit", ConditionSyntaxError, "list items", "lists hold literals only, not lists"),
    ("amount in [amount]", "Deposit", ConditionSyntaxError, "list items", "lists hold literals, not expressions"),
    ('"EU" in currency', "Deposit", ConditionSyntaxError, "expected a list",
     "in is list membership only; substrings are contains(currency, \"EU\")"),
    ("[1] == [1]", "Deposit", ConditionTypeError, "right of in", "lists appear only on the right of in"),
    ("amount > null", "Deposit", ConditionTypeError, "always false", "ordering with null is always false"),
    ("amount + null > 1", "Deposit", ConditionTypeError, "always null", "arithmetic with null is always null"),
    ("lower(null) == \"x\"", "Deposit", ConditionTypeError, "always null", "a null argument is always null"),
    ("session_token is null", "PlayerLogin", ConditionTypeError, "secret", "secrets are never read"),
    ('bonus_code == "X"', "Deposit", ConditionTypeError, "unknown field",
     "only declared fields are addressable, not unknown ones an event carries (model_extra)"),
    ("event.payload is null", "Deposit", ConditionTypeError, "unknown envelope field",
     "only the envelope's scalar fields are under event."),
    ("event.timestamp + 60 > 1", "Deposit", ConditionTypeError, "only be subtracted",
     "timestamp arithmetic is timestamp - timestamp (seconds) only"),
    ('event.timestamp > "2026-05-04"', "Deposit", ConditionTypeError, "date-time",
     "a date-time needs its zone: 2026-05-04T00:00:00Z"),
    ("amount ** 2 > 1", "Deposit", ConditionSyntaxError, "expected a value", "no power operator"),
    ("amount % 2 == 0", "Deposit", ConditionSyntaxError, "'%' is not an operator", "no modulo"),
    ("amount // 2 == 0", "Deposit", ConditionSyntaxError, "expected a value", "no floor division"),
    ("amount > 1 && true", "Deposit", ConditionSyntaxError, "write 'and'", "words, not symbols"),
    ("!true", "Deposit", ConditionSyntaxError, "write 'not'", "words, not symbols"),
    ("amount = 1", "Deposit", ConditionSyntaxError, "'=='", "no assignment"),
    ("amount <> 1", "Deposit", ConditionSyntaxError, "'<>' is not an operator; write '!='",
     "one way to write not equal: !="),
    ("amount > 1 AND true", "Deposit", ConditionSyntaxError, "lower case", "keywords are lower case only"),
    ("True", "Deposit", ConditionTypeError, "lower case", "true, false and null are lower case"),
    ("None is null", "Deposit", ConditionTypeError, "unknown field", "None is not a keyword"),
    ("amount if true else 1", "Deposit", ConditionSyntaxError, "expected an operator", "no conditional expressions"),
    ("amount[0] == 1", "Deposit", ConditionSyntaxError, "expected an operator", "no indexing"),
    ("amount.real == 1", "Deposit", ConditionSyntaxError, "is not a scope", "no attribute access"),
    ("amount > 1 # why", "Deposit", ConditionSyntaxError, "'#'", "no comments: a campaign has a description"),
    ("amount > .5", "Deposit", ConditionSyntaxError, "expected a value", "numbers start with a digit"),
    ("amount > 5.", "Deposit", ConditionSyntaxError, "malformed number", "no trailing point"),
    ("amount > 1_000", "Deposit", ConditionSyntaxError, "malformed number", "no digit separators"),
    ("amount > 0x1F", "Deposit", ConditionSyntaxError, "malformed number", "decimal numbers only"),
    ("amount > 1e41", "Deposit", ConditionLimitError, "out of range", "literals are bounded (configurable)"),
    ("currency == `EUR`", "Deposit", ConditionSyntaxError, "unexpected character", "strings use ' or \""),
    ('currency == "line\nbreak"', "Deposit", ConditionSyntaxError, "unterminated string",
     "strings stay on one line; write \\n"),
    ("round(amount, 2.5) == 1", "Deposit", ConditionTypeError, "whole number", "round takes whole places 0 to 18"),
    ('hour(event.timestamp, "CEST") == 1', "Deposit", ConditionTypeError, "unknown time zone",
     "IANA zone names only, so daylight saving is right"),
]


@pytest.mark.parametrize(("text", "event_type", "error", "fragment", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(text: str, event_type: str, error: type[ConditionError], fragment: str, why: str) -> None:
    assert why
    with pytest.raises(error, match=re.escape(fragment)):
        compile_condition(text, event_type, context={"flag": "bool?"})


@pytest.mark.parametrize(("text", "column"), [("amount <> 20", 8), ("amount<>20", 7), ("1 == 1 and x <>y", 14),
                                             ('(currency <> "EUR")', 11), ("amount <> 20 and x = 1", 8)])
def test_not_equal_written_as_in_sql_is_named_where_it_is(text: str, column: int) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        compile_condition(text, "Deposit")
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        "'<>' is not an operator; write '!='", 1, column)


@pytest.mark.parametrize("text", ["amount < > 20", "amount >< 20", "amount <= > 20"])
def test_other_pairs_of_signs_are_not_mistaken_for_it(text: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=r"expected a value, found '[<>]'"):
        compile_condition(text, "Deposit")


def test_function_names_are_lower_case_names_not_keywords() -> None:
    registry = FunctionRegistry()
    for name in ("In", "and", "my-func", "_private", "", "1st"):
        with pytest.raises(ConditionTypeError, match="function name"):
            registry.register(name, len, params=["string"], returns="number")


def test_built_ins_are_replaced_only_on_purpose() -> None:
    registry = FunctionRegistry()
    with pytest.raises(ConditionTypeError, match="already registered"):
        registry.register("lower", str.upper, params=["string"], returns="string")
    registry.register("lower", str.upper, params=["string"], returns="string", replace=True)
    assert compile_condition('lower(currency) == "EUR"', "Deposit", functions=registry).node is not None


@pytest.mark.parametrize("declared", ["list", "int", "float", "decimal", "str", "number??", "?", "any", 5])
def test_context_types_are_the_declarable_ones(declared: object) -> None:
    with pytest.raises(ConditionTypeError, match="unknown type"):
        compile_condition("ctx.x is null", "Deposit", context={"x": declared})


@pytest.mark.parametrize("name", ["true", "null", "and", "in"])
def test_context_names_are_not_keywords(name: str) -> None:
    # ctx.true could not be written in text: the canonical text of a tree reading it would not read back
    with pytest.raises(ConditionSyntaxError, match="a field name is not a keyword"):  # no tree can read it
        Compare("==", FieldRef("ctx", name), Boolean(True))
    with pytest.raises(ConditionTypeError, match=f"context name {name!r} is a keyword of the language"):
        compile_condition("amount > 1", "Deposit", context={name: "bool"})

class _Says(str):
    """A string whose methods and ``str()`` tell another story than its text."""

    def __str__(self) -> str:
        return "number"

    def isidentifier(self) -> bool:
        return True

    def endswith(self, *args: object) -> bool:
        return False


def test_context_declarations_given_as_string_subclasses_are_read_by_their_text() -> None:
    with pytest.raises(ConditionTypeError, match="context name must be an ASCII name"):
        compile_condition("amount > 1", "Deposit", context={_Says("not a name"): "number"})
    # the declared type is its text, "string?", whatever str() and endswith of the object say
    condition = compile_condition("ctx.tier is null", "Deposit", context={"tier": _Says("string?")})
    assert str(condition.checked.context["tier"]) == "string?"
    assert type(condition.checked.context["tier"].base) is str
    with pytest.raises(ConditionTypeError, match="cannot compare a string with a number"):
        compile_condition("ctx.tier > 1", "Deposit", context={"tier": _Says("string")})
    read = compile_condition("ctx.vip > 1", "Deposit", context={_Says("vip"): "number"})
    assert [type(name) for name in read.checked.context] == [str]


def test_limits_are_bounded_themselves() -> None:
    with pytest.raises(ConditionLimitError, match="max_depth"):
        Limits(max_depth=10**9)
    with pytest.raises(ConditionLimitError, match="max_nodes"):
        Limits(max_nodes=0)
