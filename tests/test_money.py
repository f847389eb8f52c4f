"""Money is exact: a JSON number never passes through float, strings keep their scale, bombs are refused."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventValidationError,
    parse_event,
    parse_payload,
    to_dict,
    to_json,
    to_ndjson,
)
from thrilldrops_events.codecs import cloudevents
from thrilldrops_events.codecs import redis as redis_codec
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.testing import money
from thrilldrops_events.types import parse_money

EXACT = ["0.1", "10.00", "12345678901234567890.123456789", "1E-8", "0", "0.00",
         "99999999999999999999.999999999999999999", "0.000000000000000001", "1E+3"]


def deposit_json(amount: str, *, quoted: bool) -> bytes:
    value = f'"{amount}"' if quoted else amount
    return (
        '{"operator_id":"op-1","brand_id":"b-7","player_id":"p-42","timestamp":1777852800,'
        f'"event_type":{{"Deposit":{{"method_id":"visa","currency":"EUR","amount":{value},"balance_after":null}}}}}}'
    ).encode()


@pytest.mark.parametrize("text", EXACT)
@pytest.mark.parametrize("quoted", [True, False])
def test_every_digit_and_the_scale_survive(text: str, quoted: bool) -> None:
    amount = parse_event(deposit_json(text, quoted=quoted)).payload.amount  # type: ignore[union-attr]
    expected = Decimal(text)
    assert amount == expected
    if expected.as_tuple().exponent <= 0:  # type: ignore[operator]
        assert amount.as_tuple() == expected.as_tuple()  # same digits, same scale
    else:  # 1E+3 is normalised to 1000 so it never prints in exponent form
        assert str(amount) == "1000"


def test_plain_pydantic_json_validation_loses_digits_but_we_do_not() -> None:
    """The trap this library avoids: `model_validate_json` on a Decimal field reads the number as a float."""

    class Naive(BaseModel):
        amount: Decimal

    raw = b'{"amount": 12345678901234567890.123456789}'
    naive = Naive.model_validate_json(raw).amount
    assert naive != Decimal("12345678901234567890.123456789")  # pydantic went through a float
    ours = parse_payload("Deposit", b'{"method_id":"v","currency":"EUR","amount":12345678901234567890.123456789}')
    assert ours.amount == Decimal("12345678901234567890.123456789")  # type: ignore[attr-defined]
    # and the model's own model_validate_json is routed through the exact reader
    from thrilldrops_events import Deposit

    assert Deposit.model_validate_json(b'{"method_id":"v","currency":"EUR","amount":0.1}').amount == Decimal("0.1")


def test_money_is_written_as_a_string_by_default_and_a_number_on_request() -> None:
    env = parse_event(deposit_json("10.00", quoted=False))
    assert b'"amount":"10.00"' in to_json(env)
    assert b'"amount":10.00' in to_json(env, money="number")
    assert json.loads(to_json(env, money="number"), parse_float=Decimal)["event_type"]["Deposit"]["amount"] == \
        Decimal("10.00")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ('"NaN"', "money_syntax"),
        ('"Infinity"', "money_syntax"),
        ("NaN", "json_invalid"),
        ("Infinity", "json_invalid"),
        ("-Infinity", "json_invalid"),
        ("true", "money_type"),
        ('""', "money_empty"),
        ('" 1"', "money_syntax"),
        ('"1_000"', "money_syntax"),
        ('"0x10"', "money_syntax"),
        ("1e999999999", "money_range"),
        ("1e-999999999", "money_scale"),
        ('"1e999999999"', "money_range"),
        ("123456789012345678901", "money_range"),
        ("0.0000000000000000001", "money_scale"),
        ("-1", "money_negative"),
        ('"-0.01"', "money_negative"),
        ("[1]", "money_type"),
        ('"' + "1" * 100 + '"', "money_syntax"),
    ],
)
def test_bad_money_is_refused_with_a_clear_kind(raw: str, kind: str) -> None:
    with pytest.raises(EventValidationError) as info:
        parse_event(deposit_json(raw, quoted=False))
    kinds = {p.kind for p in info.value.problems}
    assert kind in kinds
    if kind != "json_invalid":
        assert info.value.paths == ("event_type.Deposit.amount",)


def test_python_floats_and_bools_are_refused() -> None:
    for value, kind in [(0.1, "money_float"), (True, "money_type"), (None, "money_type")]:
        with pytest.raises(ValueError, match="money") as info:
            parse_money(value)
        assert getattr(info.value, "type", kind) == kind


def test_signed_money_allows_negative_balances() -> None:
    data = {"method_id": "v", "currency": "EUR", "amount": "1", "balance_after": "-5.50"}
    payload = parse_payload("Withdrawal", data)
    assert payload.balance_after == Decimal("-5.50")  # type: ignore[attr-defined]


@given(money(), st.booleans())
def test_any_valid_amount_round_trips_exactly(amount: Decimal, quoted: bool) -> None:
    env = parse_event(deposit_json(str(amount), quoted=quoted))
    read = env.payload.amount  # type: ignore[union-attr]
    assert read == amount and read.as_tuple() == amount.as_tuple()
    for style in ("string", "number"):
        again = parse_event(to_json(env, money=style))  # type: ignore[arg-type]
        assert again.payload.amount.as_tuple() == amount.as_tuple()  # type: ignore[union-attr]


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_parse_money_never_raises_anything_but_value_error(value: Decimal) -> None:
    for candidate in (value, str(value)):
        try:
            result = parse_money(candidate, signed=True)
        except ValueError:
            continue
        assert result == value and result.is_finite()


def _written_everywhere(envelope: Envelope) -> list[object]:
    """Every text form the writers give an envelope: JSON both ways, NDJSON, to_dict, a stream entry, a CloudEvent."""
    return [to_json(envelope), to_json(envelope, money="number"), to_json(envelope.payload),
            to_json(envelope.payload, money="number"), to_ndjson([envelope]), to_dict(envelope),
            redis_codec.encode(envelope), redis_codec.encode(envelope, money="number"),
            cloudevents.encode(envelope, id="1"), cloudevents.event_id(envelope)]


@pytest.mark.parametrize(
    "extra",
    [{}, {"rate": JsonNumber("1E-9")}, {"rate": JsonNumber("1E-9"), "note": "é"}, {"rate": 1e-9},
     {"player_id": "é"}],
    ids=["fields", "unknown-number", "unknown-not-ascii", "unknown-float", "id-not-ascii"],
)
def test_writing_never_uses_the_callers_decimal_capitals(extra: dict[str, object]) -> None:
    ids = {"operator_id": "op-1", "brand_id": "b-7", "player_id": extra.pop("player_id", "p-42")}
    deposit = Deposit(method_id="visa", currency="EUR", amount=Decimal("1E-8"), balance_after=Decimal("-5E-7"))
    envelope = parse_event({**to_dict(Envelope(**ids, timestamp=1777852800, payload=deposit)), **extra})
    expected = _written_everywhere(envelope)
    assert b"1E-8" in expected[0] and b"5E-7" in expected[0]
    with decimal.localcontext() as context:
        context.capitals = 0
        assert _written_everywhere(envelope) == expected
