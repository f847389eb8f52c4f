"""Hostile events end fast, with the library's own error: exponent bombs, numbers no Decimal holds, the caller's
decimal context, and the reading routes agreeing on every verdict.

A case that used to hang runs in a child process with a generous time limit, so a regression is reported
with its input instead of stalling the suite.
"""

from __future__ import annotations

import decimal
import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import Deposit, EventValidationError, Withdrawal, parse_event, parse_payload, to_dict, to_json

ENVELOPE = '{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":%s,"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}'  # noqa: E501
DEPOSIT = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1777852800,"event_type":'
           '{"Deposit":{"method_id":"visa","currency":"EUR","amount":%s,"balance_after":%s}}}')


def deposit(amount: str, balance: str = "null") -> str:
    return DEPOSIT % (amount, balance)


def text_routes(text: str) -> list[Any]:
    """The same document as str, bytes, bytearray and memoryview."""
    raw = text.encode()
    return [text, raw, bytearray(raw), memoryview(raw)]


def routes(text: str) -> list[Any]:
    """The same document as str, bytes, bytearray, memoryview and (exactly parsed) dict."""
    return [*text_routes(text), json.loads(text, parse_float=Decimal)]


def verdict(source: Any, strict: bool = False) -> tuple[str, ...] | bytes:
    """What the library says: the event written back, or the problems' paths and kinds."""
    try:
        return to_json(parse_event(source, strict=strict))
    except EventValidationError as error:
        return tuple(f"{p.path}:{p.kind}" for p in error.problems)


HANGS = [
    ENVELOPE % "1e999999999",
    ENVELOPE % "-1e999999999",
    ENVELOPE % "1e10000000",
    deposit("1E-999999999"),
    deposit("1e999999999"),
    deposit('"1e999999999"'),
    deposit("1", "-1e999999999"),
]


def test_exponent_bombs_are_refused_at_once_on_every_route() -> None:
    """These froze parse_event for minutes (int() or quantize() of 1e999999999); a child process bounds the wait."""
    script = textwrap.dedent(
        """
        import json, sys
        from decimal import Decimal
        from thrilldrops_events import EventValidationError, parse_event
        for text in json.loads(sys.stdin.read()):
            raw = text.encode()
            for source in (text, raw, bytearray(raw), memoryview(raw), json.loads(text, parse_float=Decimal)):
                for strict in (False, True):
                    try:
                        parse_event(source, strict=strict)
                    except EventValidationError as error:
                        print(error.problems[0].kind)
                    else:
                        print("accepted")
        envelope = json.loads(ENVELOPE)
        envelope["timestamp"] = Decimal("1e999999999")
        try:
            parse_event(envelope)
        except EventValidationError as error:
            print(error.problems[0].kind)
        """
    ).replace("ENVELOPE", repr(ENVELOPE % 1))
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(HANGS), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    kinds = done.stdout.split()
    assert len(kinds) == len(HANGS) * 10 + 1
    assert "accepted" not in kinds
    assert set(kinds) <= {"timestamp_not_integer", "money_scale", "money_range"}


HUGE = "1e1000000000000000000"  # no Decimal holds this exponent: decimal.InvalidOperation used to escape


@pytest.mark.parametrize(
    ("text", "path", "kind"),
    [
        (HUGE, "", "number_too_large"),
        (ENVELOPE % HUGE, "", "number_too_large"),
        (deposit(HUGE), "", "number_too_large"),
        (deposit(f'"{HUGE}"'), "event_type.Deposit.amount", "money_range"),
        (deposit(f'"-{HUGE}"'), "event_type.Deposit.amount", "money_range"),
        (deposit('"1e-1000000000000000000"'), "event_type.Deposit.amount", "money_scale"),
        ((ENVELOPE % 1)[:-1] + f',"note":{HUGE}}}', "", "number_too_large"),
        ((ENVELOPE % 1)[:-1] + f',"note":[{"1" * 101}]}}', "", "number_too_large"),
        ((ENVELOPE % 1)[:-1] + f',"note":{"1" * 5000}}}', "", "number_too_large"),
        (deposit("1." + "0" * 100), "", "number_too_large"),
    ],
)
def test_numbers_no_decimal_holds_are_the_librarys_own_error(text: str, path: str, kind: str) -> None:
    for source in text_routes(text):
        for strict in (False, True):
            with pytest.raises(EventValidationError) as info:
                parse_event(source, strict=strict)
            assert (info.value.problems[0].path, info.value.problems[0].kind) == (path, kind)
            assert "set_int_max_str_digits" not in str(info.value)


def test_a_huge_money_string_given_to_a_constructor_is_the_librarys_own_error() -> None:
    with pytest.raises(EventValidationError) as info:
        Deposit(method_id="visa", currency="EUR", amount=HUGE)
    assert [p.kind for p in info.value.problems] == ["money_range"]


CONTEXT_CASES = [deposit("1e5"), deposit('"1E+19"'), deposit("123456.78", '"-99999999999999999999.999999999999999999"'),
                 deposit('"0.000000000000000001"'), deposit("12345678901234567890.123456789"),
                 (ENVELOPE % 1)[:-1] + ',"note":1.000000000000000000000000000001}']


@pytest.mark.parametrize("text", CONTEXT_CASES)
def test_the_callers_decimal_context_changes_nothing(text: str) -> None:
    outside = [verdict(source) for source in routes(text)]
    for settings in ({"prec": 5}, {"Emax": 3}, {"prec": 5, "Emax": 3, "Emin": -3}):
        with decimal.localcontext() as context:
            for name, value in settings.items():
                setattr(context, name, value)
            assert [verdict(source) for source in routes(text)] == outside
            event = parse_event(text)
            assert to_json(event, money="number") == to_json(parse_event(text), money="number")
            assert parse_event(to_dict(event)) == event
    assert all(isinstance(result, bytes) for result in outside)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [('"0e999999999"', "0"), ("0E+25", "0"), ('"-0.00"', "0.00"), ('"0E-18"', "0E-18")],
)
def test_zero_is_zero_whatever_its_exponent_or_sign(amount: str, expected: str) -> None:
    payload = parse_event(deposit(amount)).payload
    assert isinstance(payload, Deposit)
    assert str(payload.amount) == expected


@pytest.mark.parametrize("balance", ["-0", '"-0"', '"-0.00"', "-0.0", "-0E+5"])
def test_a_negative_zero_balance_is_zero_and_round_trips_as_a_number(balance: str) -> None:
    payload = parse_event(deposit("1", balance)).payload
    assert isinstance(payload, Deposit) and payload.balance_after is not None
    assert not payload.balance_after.is_signed()
    for style in ("string", "number"):
        written = to_json(parse_event(deposit("1", balance)), money=style)  # type: ignore[arg-type]
        assert to_json(parse_event(written), money=style) == written  # type: ignore[arg-type]
    assert Withdrawal(method_id="m", currency="EUR", amount=1, balance_after=Decimal("-0")).balance_after == 0


@pytest.mark.parametrize(
    "timestamp",
    ["1E-400", "1777852800.00000000000000000000000001", "1e3", "1.7e9", "1777852800.0", "1E+9", "-0.0", "0e0"],
)
def test_a_timestamp_with_a_fraction_or_exponent_is_refused_the_same_way_everywhere(timestamp: str) -> None:
    text = ENVELOPE % timestamp
    for strict in (False, True):
        verdicts = {verdict(source, strict) for source in routes(text)}
        assert verdicts == {("timestamp:timestamp_not_integer",)}
    assert verdict({**json.loads(ENVELOPE % 1), "timestamp": float(timestamp)}) == ("timestamp:timestamp_not_integer",)


@pytest.mark.parametrize(("timestamp", "kind"), [('"1.0"', "strict_type"), ('" 12 "', "strict_type"),
                                                 ('"1_000"', "strict_type"), ('"soon"', "strict_type"),
                                                 ('"1777852800"', "strict_type"), ("true", "strict_type")])
def test_a_timestamp_must_be_a_json_integer_in_every_mode(timestamp: str, kind: str) -> None:
    for strict in (False, True):
        for source in routes(ENVELOPE % timestamp):
            assert verdict(source, strict) == (f"timestamp:{kind}",)


def test_parse_payload_refuses_the_same_bombs() -> None:
    for amount in (HUGE, "1e999999999", "1E-999999999"):
        with pytest.raises(EventValidationError):
            parse_payload("Deposit", '{"method_id":"v","currency":"EUR","amount":AMOUNT}'.replace("AMOUNT", amount))


@pytest.mark.parametrize("hidden", ["Infinity", "NaN", "1e1000000000000000000", "1" * 150])
def test_a_refused_value_hidden_under_a_duplicated_key_is_refused_on_every_route(hidden: str) -> None:
    """The native parser keeps only the last value of a duplicated key; the verdict must not depend on it."""
    text = (ENVELOPE % 1).replace('{"operator_id"', '{"x":' + hidden + ',"x":1,"operator_id"')
    verdicts = {verdict(source) for source in text_routes(text)}
    assert len(verdicts) == 1 and not isinstance(verdicts.pop(), bytes)
