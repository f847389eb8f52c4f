"""Hostile values at evaluation time: huge or odd numbers from the context, from functions, from arithmetic.

Every case is evaluated by the three evaluators (compiled, reference, closures), which must agree.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import ConditionEvaluationError, ConditionTypeError, FunctionRegistry, compile_condition
from thrilldrops_events.conditions import BUILTINS, functions
from thrilldrops_events.conditions.closures import evaluate_closure

from .events import EVENTS, PAYLOADS


def everywhere(text: str, event: Any, ctx: dict[str, Any] | None = None, **options: Any) -> Any:
    """The result of the three evaluators (or the type and text of the error each raised), which must agree."""
    condition = compile_condition(text, type(getattr(event, "payload", event)).event_type, **options)
    outcomes = []
    for evaluate in (condition, condition.evaluate_reference,
                     lambda event, ctx: evaluate_closure(condition.checked, event, ctx)):
        try:
            outcomes.append(evaluate(event, ctx))
        except Exception as error:  # the type and message are compared below
            outcomes.append((type(error), str(error)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    return outcomes[0]


# ---------------------------------------------------------------------------------------------- round


@pytest.mark.parametrize("places", ["1e999999999", "1e1000000", "0.5", "-1", "19", "1e-1000", "-0", "18.0000001"])
def test_round_measures_its_places_before_making_an_int_of_them(places: str, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    made: list[Any] = []

    class _AnyInt(type):
        def __instancecheck__(cls, instance: Any) -> bool:
            return isinstance(instance, int)

    class CountedInt(int, metaclass=_AnyInt):  # int() that records what it converts
        def __new__(cls, value: Any) -> Any:
            made.append(value)
            assert abs(value) <= functions.MAX_PLACES, f"int() of places {value}"  # before it takes minutes
            return int(value)

    monkeypatch.setattr(functions, "int", CountedInt, raising=False)
    implementation = BUILTINS.get("round").implementation  # type: ignore[union-attr]
    expected = Decimal(2) if Decimal(places).is_zero() else None
    assert implementation(Decimal("1.5"), Decimal(places)) == expected
    assert all(abs(value) <= functions.MAX_PLACES for value in made)  # an int only of places in range
    assert made or expected is None  # the spy did see the conversion of places in range


def test_round_of_huge_places_from_arithmetic_is_null_in_every_evaluator() -> None:
    # 1e1000 ** 8 places: made by the condition itself from a context value within its range
    product = " * ".join(["ctx.p"] * 8)
    text = f"round(amount, {product}) is null and round(amount, ctx.p / 3) is null and round(amount, ctx.q) == 25"
    ctx = {"p": Decimal("1e1000"), "q": Decimal("2.000")}
    assert everywhere(text, PAYLOADS["dep"], ctx, context={"p": "number", "q": "number"}) is True


@settings(max_examples=60, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**6, max_value=10**6)
       | st.integers(-5, 30).map(lambda e: Decimal(1).scaleb(e)))
def test_round_of_any_places_agrees_and_is_null_out_of_range(places: Decimal) -> None:
    whole = places == places.to_integral_value() and 0 <= places <= functions.MAX_PLACES
    text = "round(amount, ctx.p) is null"
    assert everywhere(text, PAYLOADS["dep"], {"p": places}, context={"p": "number"}) is (not whole)


# ---------------------------------------------------------------------------------------------- huge ints


@pytest.mark.parametrize("bits", [3_401, 14_300, 1_000_000])
def test_a_huge_int_from_the_context_is_refused_by_its_bit_length(bits: int) -> None:
    huge = 1 << (bits - 1)
    outcome = everywhere("ctx.n > 1", PAYLOADS["dep"], {"n": huge}, context={"n": "number"})
    assert outcome == (ConditionEvaluationError, f"ctx.n must be a number from 1e-1000 to 1e1000 in magnitude, "
                                                 f"not an int of {bits:,} bits")


@pytest.mark.parametrize("bits", [3_401, 14_300, 1_000_000])
def test_a_huge_int_returned_by_a_function_is_refused_by_its_bit_length(bits: int) -> None:
    registry = FunctionRegistry()
    registry.register("huge", lambda: -(1 << (bits - 1)), params=[], returns="number")
    outcome = everywhere("huge() > 1", PAYLOADS["dep"], functions=registry)
    assert outcome == (ConditionEvaluationError, f"function huge returned an int of {bits:,} bits, not a number "
                                                 "within 1e-1000 to 1e1000")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3_400).flatmap(lambda bits: st.integers(-(1 << bits), 1 << bits)))
def test_ints_up_to_the_bound_are_read_as_decimals_or_refused_by_range(value: int) -> None:
    registry = FunctionRegistry()
    registry.register("same", lambda: value, params=[], returns="number")
    context = {"n": "number"}
    in_range = value == 0 or Decimal(value).adjusted() <= 1000
    for text in ("ctx.n == same()", "ctx.n - same() == 0"):
        outcome = everywhere(text, PAYLOADS["dep"], {"n": value}, context=context, functions=registry)
        assert outcome is True if in_range else "not" in str(outcome[1])


# ---------------------------------------------------------------------------------------------- registered functions


def test_a_string_parameter_receives_a_plain_str_even_for_a_channel() -> None:
    seen: list[type] = []
    registry = FunctionRegistry()

    def record(*values: Any) -> bool:
        seen.extend(map(type, values))
        return all(value in ("MobileWeb", "DesktopWeb", "x") for value in values if not isinstance(value, Decimal))

    registry.register("plain", record, params=["string"], returns="bool")
    registry.register("several", record, params=["number", "string"], returns="bool", variadic=True)
    registry.register("as_channel", lambda value: type(value).__name__ == "ChannelType", params=["channel"],
                      returns="bool")
    text = ('plain(channel_type) and plain(ctx.where) and several(1, channel_type, ctx.where, "x") '
            "and as_channel(channel_type)")
    assert everywhere(text, PAYLOADS["login"], {"where": "DesktopWeb"}, functions=registry,
                      context={"where": "channel"}) is True
    assert seen.count(str) == 3 * 5 and set(seen) == {str, Decimal}  # 5 strings in each of 3 evaluations


@pytest.mark.parametrize(("returned", "expected"), [
    ("2026-05-04", True), (date(2026, 5, 4), True), ("2026-05-05", False),
])
def test_a_function_returning_a_date_may_return_an_iso_string(returned: Any, expected: bool) -> None:
    registry = FunctionRegistry()
    registry.register("day", lambda: returned, params=[], returns="date")
    assert everywhere('day() == "2026-05-04" and day() == ctx.d', PAYLOADS["dep"], {"d": "2026-05-04"},
                      functions=registry, context={"d": "date"}) is expected


@pytest.mark.parametrize("returned", ["2026-02-30", "04/05/2026", "2026-05-04T00:00:00Z", "", "x" * 10_000])
def test_a_function_returning_a_string_that_is_no_date_raises(returned: str) -> None:
    registry = FunctionRegistry()
    registry.register("day", lambda: returned, params=[], returns="date")
    outcome = everywhere('day() == "2026-05-04"', PAYLOADS["dep"], functions=registry)
    assert outcome[0] is ConditionEvaluationError
    assert "which is not an ISO date" in outcome[1] and len(outcome[1]) < 200


class _Name(str):
    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return True


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"variadic": "yes"}, TypeError, "variadic must be True or False, not str"),
    ({"variadic": 1}, TypeError, "variadic must be True or False, not int"),
    ({"replace": "no"}, TypeError, "replace must be True or False, not str"),
    ({"optional": True}, TypeError, "optional must be an int"),
    ({"optional": 1.0}, TypeError, "optional must be an int"),
    ({"optional": "1"}, TypeError, "optional must be an int"),
    ({"optional": 2}, ConditionTypeError, "optional must be between 0 and the number of params"),
    ({"optional": -1}, ConditionTypeError, "optional must be between 0 and the number of params"),
    ({"description": 5}, TypeError, "description must be a str, not int"),
    ({"check": 5}, TypeError, "check must be None or a callable, not int"),
    ({"params": "string"}, TypeError, "params must be a sequence of types, not str"),
    ({"params": [1]}, ConditionTypeError, "unknown type 1"),
    ({"params": ["strng"]}, ConditionTypeError, "unknown type 'strng'"),
    ({"returns": "list"}, ConditionTypeError, "unknown type 'list'"),
    ({"returns": None}, ConditionTypeError, "unknown type null"),
    ({"name": "Bad"}, ConditionTypeError, "function name must be lower case"),
    ({"name": "is"}, ConditionTypeError, "function name must be lower case"),
    ({"name": b"x"}, ConditionTypeError, "function name must be lower case"),
    ({"name": "x\n"}, ConditionTypeError, "function name must be lower case"),
    ({"implementation": "len"}, ConditionTypeError, "is not callable"),
])
def test_register_checks_the_type_of_every_option(options: dict[str, Any], error: type, message: str) -> None:
    registry = FunctionRegistry()
    arguments: dict[str, Any] = {"name": "fine", "implementation": len, "params": ["string"], "returns": "number",
                                 **options}
    with pytest.raises(error, match=message.replace("(", r"\(")):
        registry.register(arguments.pop("name"), arguments.pop("implementation"), **arguments)
    assert "fine" not in registry and len(registry) == len(BUILTINS)


def test_register_keeps_a_plain_str_of_the_name() -> None:
    registry = FunctionRegistry()
    spec = registry.register(_Name("odd_name"), len, params=["string"], returns="number")
    assert type(spec.name) is str and spec.name == "odd_name"
    assert [spec.name for spec in registry if spec.name == "odd_name"] == ["odd_name"]
    assert everywhere('odd_name("abc") == 3', PAYLOADS["dep"], functions=registry) is True


# ---------------------------------------------------------------------------------------------- odd context values


class _LateDate(date):
    def isoformat(self) -> Any:  # type: ignore[override]
        return 5


class _Liar(str):
    def __hash__(self) -> int:
        return hash("MobileWeb")

    def __eq__(self, other: object) -> bool:
        return True


class _FailingZone(tzinfo):
    def utcoffset(self, moment: datetime | None) -> timedelta:
        raise RuntimeError("no offset today")


class _FarZone(tzinfo):
    def utcoffset(self, moment: datetime | None) -> timedelta:
        return timedelta(hours=30)


class _Half:
    def __floordiv__(self, other: object) -> float:
        return 1767225600.5


class _OddMoment(datetime):
    def __sub__(self, other: Any) -> Any:  # type: ignore[override]
        return _Half()


class _Finite(Decimal):
    def is_finite(self) -> bool:
        return True


class _Level(enum.IntEnum):
    GOLD = 3
    LATE = 1767225601


class _Shifty(int):
    def __index__(self) -> int:
        return 0

    def __int__(self) -> int:
        return 0

    def __gt__(self, other: object) -> bool:
        return False


@pytest.mark.parametrize(("text", "declared", "value", "expected"), [
    ('ctx.v < "2026-01-01"', "date", _LateDate(2025, 1, 1), True),  # read by date's own isoformat
    ('ctx.v == "MobileWeb"', "channel", _Liar("nope"),
     (ConditionEvaluationError, "ctx.v must be a channel, not _Liar")),
    ('ctx.v == "MobileWeb"', "channel", _Liar("MobileWeb"), True),
    ("ctx.v > event.timestamp", "timestamp", datetime(2026, 1, 1, tzinfo=_FailingZone()),
     (ConditionEvaluationError, "ctx.v could not be read as a timestamp: its time zone raised RuntimeError")),
    ("ctx.v > event.timestamp", "timestamp", datetime(2026, 1, 1, tzinfo=_FarZone()),
     (ConditionEvaluationError, "ctx.v could not be read as a timestamp: its time zone raised ValueError")),
    ("ctx.v - ctx.v + 1 == 1", "timestamp", _OddMoment(2026, 1, 1, tzinfo=timezone.utc), True),  # datetime's own -
    ("ctx.v in [1767225600]", "timestamp", _OddMoment(2026, 1, 1, tzinfo=timezone.utc), True),
    ("ctx.v > 1", "number", _Finite("NaN"),
     (ConditionEvaluationError, "ctx.v must be a finite number, not Decimal('NaN')")),
    ("ctx.v > 1", "number", _Finite("2"), True),
    ("ctx.v * 2 == 6", "number", _Level.GOLD, True),  # an IntEnum member is its number
    ("ctx.v < event.timestamp and ctx.v == 1767225601", "timestamp", _Level.LATE, True),
    ("ctx.v > 2", "number", _Shifty(3), True),  # int's own value, whatever the subclass says
    ("ctx.v > 2", "number", True, (ConditionEvaluationError, "ctx.v must be a number, not bool")),
])
def test_a_context_value_of_a_subclass_is_read_by_its_base_class(text: str, declared: str, value: Any,
                                                                 expected: Any) -> None:
    assert everywhere(text, EVENTS["env_dep"], {"v": value}, context={"v": declared}) == expected


class _Oops(Exception):
    def __str__(self) -> str:
        return "the check's own failure"


def _failing_check(values: Any) -> str | None:
    raise _Oops


@pytest.mark.parametrize(("check", "message"), [
    (_failing_check, "the check of function checked raised _Oops: the check's own failure"),
    (lambda values: 1 / 0, "the check of function checked raised ZeroDivisionError: division by zero"),
    (lambda values: True, "the check of function checked returned bool, not a message (a str) or None"),
    (lambda values: ["x"], "the check of function checked returned list, not a message (a str) or None"),
    (lambda values: _Name("too big"), "too big"),
])
def test_a_compile_time_check_that_fails_is_a_type_error_of_the_condition(check: Any, message: str) -> None:
    registry = FunctionRegistry()
    registry.register("checked", lambda value: value, params=["number"], returns="number", check=check)
    with pytest.raises(ConditionTypeError) as caught:
        compile_condition("amount > 1 and checked(2) > 1", "Deposit", functions=registry)
    assert caught.value.message == message and type(caught.value.message) is str
    assert (caught.value.line, caught.value.column) == (1, 16)


def test_a_keyboard_interrupt_in_a_check_is_not_caught() -> None:
    def interrupted(values: Any) -> None:
        raise KeyboardInterrupt

    registry = FunctionRegistry()
    registry.register("checked", lambda value: value, params=["number"], returns="number", check=interrupted)
    with pytest.raises(KeyboardInterrupt):
        compile_condition("checked(2) > 1", "Deposit", functions=registry)
