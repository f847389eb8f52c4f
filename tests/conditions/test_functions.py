"""Typed functions: the built-ins and registering your own."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import ConditionEvaluationError, ConditionTypeError, FunctionRegistry, compile_condition
from thrilldrops_events.conditions import BUILTINS
from thrilldrops_events.conditions.closures import evaluate_closure

from .events import EVENTS, PAYLOADS


def both(text: str, event: Any, **options: Any) -> bool:
    condition = compile_condition(text, type(getattr(event, "payload", event)).event_type, **options)
    result = condition(event)
    assert condition.evaluate_reference(event) is result
    return result


def test_builtin_signatures() -> None:
    signatures = {spec.name: spec.signature for spec in BUILTINS}
    assert signatures["round"] == "round(number, [number]) -> number?"
    assert signatures["min"] == "min(number, ...) -> number"
    assert signatures["date"] == "date(timestamp, [string]) -> date?"
    assert set(signatures) == {"lower", "upper", "starts_with", "ends_with", "contains", "len", "abs", "min", "max",
                               "round", "hour", "weekday", "date"}
    assert all(spec.description for spec in BUILTINS)


def test_register_a_typed_function() -> None:
    registry = FunctionRegistry()
    calls: list[tuple[Any, ...]] = []

    @registry.function(params=["string"], returns="bool")
    def is_slot(game_id: str) -> bool:
        calls.append((game_id,))
        return game_id.startswith("star")

    assert "is_slot" in registry and "lower" in registry and len(registry) == len(BUILTINS) + 1
    assert both("is_slot(game_id) and not is_free_spin", PAYLOADS["tx"], functions=registry) is True
    assert calls == [("starburst",), ("starburst",)]
    with pytest.raises(ConditionTypeError, match="did you mean is_slot"):
        compile_condition("is_slto(game_id)", "Transaction", functions=registry)
    with pytest.raises(ConditionTypeError, match="must be a string"):
        compile_condition("is_slot(game_bet)", "Transaction", functions=registry)
    with pytest.raises(ConditionTypeError, match="unknown function is_slot"):
        compile_condition("is_slot(game_id)", "Transaction")


def test_null_arguments_are_not_passed_unless_declared_nullable() -> None:
    registry = FunctionRegistry()
    seen: list[Any] = []

    def record(value: Any) -> Decimal:
        seen.append(value)
        return Decimal(1)

    registry.register("strict_one", record, params=["string"], returns="number")
    registry.register("lenient_one", record, params=["string?"], returns="number")
    registry.register("strict_flag", lambda value: True, params=["string"], returns="bool")
    login = PAYLOADS["login_null"]
    assert both("strict_one(country) is null", login, functions=registry) is True
    assert seen == []
    assert both("lenient_one(country) == 1", login, functions=registry) is True
    assert seen == [None, None]
    assert both("not strict_flag(country)", login, functions=registry) is True


def test_variadic_optional_and_special_types() -> None:
    registry = FunctionRegistry(builtins=False)
    registry.register("total", lambda *values: sum(values, Decimal(0)), params=["number"], returns="number",
                      variadic=True)
    registry.register("is_mobile", lambda channel: channel.value.startswith("Mobile"), params=["channel"],
                      returns="bool")
    registry.register("day_after", lambda day: date.fromisoformat(day).replace(day=5), params=["date"],
                      returns="date")
    registry.register("date", lambda stamp: date(2026, 5, 4), params=["timestamp"], returns="date")
    registry.register("plus", lambda a, b=Decimal(1): a + b, params=["number", "number"], returns="number",
                      optional=1)
    assert "lower" not in registry
    assert both("total(game_bet, bonus_bet, real_bet) == 2", PAYLOADS["tx"], functions=registry) is True
    assert both("is_mobile(channel_type)", PAYLOADS["logout"], functions=registry) is True
    assert both('day_after("2026-05-04") == "2026-05-05"', PAYLOADS["dep"], functions=registry) is True
    assert both('day_after(date(event.timestamp)) > "2026-05-04"', EVENTS["env_dep"], functions=registry) is True
    assert both("plus(1) == 2 and plus(1, 2) == 3", PAYLOADS["dep"], functions=registry) is True
    with pytest.raises(ConditionTypeError, match="wrong number of arguments"):
        compile_condition("plus(1, 2, 3) == 1", "Deposit", functions=registry)
    with pytest.raises(ConditionTypeError, match="not a channel_type"):
        compile_condition('is_mobile("Mobile")', "Deposit", functions=registry)


def test_copies_are_independent() -> None:
    base = FunctionRegistry()
    extended = base.copy()
    extended.register("twice", lambda value: value * 2, params=["number"], returns="number")
    assert "twice" in extended and "twice" not in base and "twice" not in BUILTINS
    assert "FunctionRegistry(abs, contains" in repr(base)


def test_bad_registrations() -> None:
    registry = FunctionRegistry()
    with pytest.raises(ConditionTypeError, match="unknown type"):
        registry.register("f", len, params=["text"], returns="number")
    with pytest.raises(ConditionTypeError, match="not callable"):
        registry.register("f", "len", params=["string"], returns="number")  # type: ignore[arg-type]
    with pytest.raises(ConditionTypeError, match="optional"):
        registry.register("f", len, params=["string"], returns="number", optional=2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('hour(event.timestamp, "Pacific/Kiritimati") == 14', True),
        ('weekday(event.timestamp, "Pacific/Kiritimati") == 1', True),
        ('date(event.timestamp, "Pacific/Honolulu") == "2026-05-03"', True),
        ('hour(event.timestamp, "Asia/Kolkata") == 5', True),
        ('hour(event.timestamp, ctx.zone) is null', False),
    ],
)
def test_time_zones(text: str, expected: bool) -> None:
    condition = compile_condition(text, "Deposit", context={"zone": "string"})
    for zone, outcome in (("UTC", expected), ("Not/AZone", not expected if "ctx" in text else expected)):
        assert condition(EVENTS["env_dep"], ctx={"zone": zone}) is outcome
        assert condition.evaluate_reference(EVENTS["env_dep"], ctx={"zone": zone}) is outcome


def test_dates_at_the_end_of_the_calendar_are_null_not_errors() -> None:
    from thrilldrops_events import Envelope

    last = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=253402300799, payload=PAYLOADS["dep"])
    assert both('date(event.timestamp) == "9999-12-31"', last) is True
    assert both('date(event.timestamp, "Pacific/Kiritimati") is null', last) is True
    assert both('hour(event.timestamp, "Pacific/Kiritimati") is null', last) is True
    assert both('hour(event.timestamp, "Pacific/Kiritimati") + amount in []', last) is False
    assert both('weekday(event.timestamp, "Pacific/Kiritimati") * 2 is null', last) is True


@pytest.mark.parametrize(("text", "expected"), [
    ("round(amount / 3, 2) == 8.33", True),
    ("round(amount / 7, 18) == 3.571428571428571429", True),
    ("round(amount + 0.125, 2) == 25.13", True),
])
def test_round_does_not_read_the_threads_decimal_context(text: str, expected: bool) -> None:
    deposit = PAYLOADS["dep"]
    condition = compile_condition(text, "Deposit")
    narrow = decimal.Context(prec=2, rounding=decimal.ROUND_FLOOR, Emin=-1, Emax=1,
                             traps=[decimal.Inexact, decimal.Rounded, decimal.Subnormal, decimal.Underflow,
                                    decimal.Clamped, decimal.Overflow, decimal.InvalidOperation])
    with decimal.localcontext(narrow):
        assert condition(deposit) is expected
        assert condition.evaluate_reference(deposit) is expected
        assert evaluate_closure(condition.checked, deposit) is expected


@pytest.mark.parametrize("name", ["localtime", "posixrules"])
def test_the_servers_own_time_zone_is_not_a_time_zone_of_conditions(name: str) -> None:
    # its meaning is the server's configuration, not a place: one condition would mean another thing elsewhere
    with pytest.raises(ConditionTypeError, match=f"{name!r} is the server's own time zone setting, not a place"):
        compile_condition(f'hour(event.timestamp, "{name}") >= 18', "Deposit")
    condition = compile_condition("hour(event.timestamp, ctx.zone) is null", "Deposit", context={"zone": "string"})
    assert condition(EVENTS["env_dep"], ctx={"zone": name}) is True
    assert condition.evaluate_reference(EVENTS["env_dep"], ctx={"zone": name}) is True
    assert evaluate_closure(condition.checked, EVENTS["env_dep"], ctx={"zone": name}) is True
    with pytest.raises(ConditionTypeError, match="use an IANA name such as"):  # never suggested either
        compile_condition(f'hour(event.timestamp, "{name[:-1]}") >= 18', "Deposit")


def test_a_result_of_more_than_100_digits_is_rounded_as_the_reference_says() -> None:
    from thrilldrops_events import Transaction

    big = Decimal("99999999999999999999.999999999999999999")  # 38 digits, the most a money value has
    spin = Transaction(provider_id="p", game_id="g", gameround_id="r", currency="EUR", game_bet=big, real_bet=big,
                       jackpot_bet=big, bonus_bet=Decimal("0"), game_win=big, jackpot_win=Decimal("0"),
                       is_free_spin=False, round_finished=True)
    # a product of two money values is exact; of three it needs 114 digits, and is rounded to 100
    assert both("game_bet * real_bet + 1e-40 - game_bet * real_bet == 1e-40", spin) is True
    assert both("game_bet * real_bet * jackpot_bet + 1e-40 / 4 - game_bet * real_bet * jackpot_bet == 0", spin) is True


def test_copy_copy_of_a_registry_is_a_registry_of_its_own() -> None:
    import copy

    registry = FunctionRegistry()
    registry.register("double", lambda x: x * 2, params=["number"], returns="number")
    for other in (copy.copy(registry), copy.deepcopy(registry), registry.copy()):
        other.register("triple", lambda x: x * 3, params=["number"], returns="number")
        assert "triple" in other and "double" in other
        assert "triple" not in registry


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise ValueError("no text")


class _OwnBase(BaseException):
    pass


@pytest.mark.parametrize("error", [SystemExit(3), GeneratorExit(), _OwnBase("odd"), _Unprintable()],
                         ids=["SystemExit", "GeneratorExit", "own-BaseException", "unprintable"])
def test_whatever_a_registered_function_raises_is_a_condition_evaluation_error(error: BaseException) -> None:
    def broken(method_id: str) -> bool:
        raise error

    functions = FunctionRegistry()
    functions.register("broken", broken, params=["string"], returns="bool")
    condition = compile_condition("broken(method_id)", PAYLOADS["dep"].event_type, functions=functions)
    for evaluate in (condition, condition.evaluate_reference):
        with pytest.raises(ConditionEvaluationError, match=f"function broken raised {type(error).__name__}") as caught:
            evaluate(PAYLOADS["dep"])
        assert caught.value.__cause__ is error


def test_a_keyboard_interrupt_in_a_registered_function_is_not_caught() -> None:
    def interrupted(method_id: str) -> bool:
        raise KeyboardInterrupt

    functions = FunctionRegistry()
    functions.register("interrupted", interrupted, params=["string"], returns="bool")
    condition = compile_condition("interrupted(method_id)", PAYLOADS["dep"].event_type, functions=functions)
    with pytest.raises(KeyboardInterrupt):
        condition(PAYLOADS["dep"])
