"""Natural de-duplication keys: equal for every delivery of an event, different for different happenings."""

from __future__ import annotations

import decimal
import json
import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventType,
    EventValidationError,
    PlayerLogin,
    Transaction,
    dedup_key,
    parse_event,
    to_json,
)
from thrilldrops_events.codecs import redis as redis_codec
from thrilldrops_events.dedup import KEY_FIELDS
from thrilldrops_events.testing import envelopes

ROUND = Transaction(provider_id="pragmatic", game_id="gates-of-olympus", gameround_id="r-9f8e7d",
                    bet_transaction_id="bet-1", currency="EUR", game_bet=Decimal("1.00"), bonus_bet=Decimal(0),
                    real_bet=Decimal("1.00"), jackpot_bet=Decimal(0), game_win=Decimal(0), jackpot_win=Decimal(0),
                    is_free_spin=False, round_finished=False)


def envelope(payload: object, **changes: object) -> Envelope:
    fields: dict[str, object] = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-000042",
                                 "timestamp": 1777852800, "payload": payload}
    fields.update(changes)
    return Envelope(**fields)


@given(envelopes(unknown_fields=True))
def test_key_is_stable_across_codecs(event: Envelope) -> None:
    key = dedup_key(event)
    assert dedup_key(parse_event(to_json(event))) == key
    assert dedup_key(redis_codec.decode(redis_codec.encode(event))) == key
    parts = json.loads(key)
    assert parts[:3] == [event.event_type.value, event.operator_id, event.brand_id]
    assert len(parts) >= 3 + len(KEY_FIELDS[event.event_type.value])


def test_every_event_type_has_a_key_definition() -> None:
    assert set(KEY_FIELDS) == {e.value for e in EventType}


def test_transaction_key_uses_provider_round_and_transaction_ids() -> None:
    key = dedup_key(envelope(ROUND))
    assert json.loads(key) == ["Transaction", "op-1", "brand-7", "pragmatic", "r-9f8e7d", "bet-1", None]
    # The round's win is another happening: another key.
    win = ROUND.model_copy(update={"win_transaction_id": "win-1", "round_finished": True})
    assert dedup_key(envelope(win)) != key
    # The same happening sent again later, or with money written differently, is the same key.
    again = ROUND.model_copy(update={"game_bet": Decimal("1.0")})
    assert dedup_key(envelope(again, timestamp=1777852999)) == key
    # Another operator's round with the same ids is not.
    assert dedup_key(envelope(ROUND, operator_id="op-2")) != key


def test_transaction_without_ids_falls_back_to_its_content() -> None:
    bare = ROUND.model_copy(update={"bet_transaction_id": None})
    assert dedup_key(envelope(bare)) != dedup_key(envelope(bare, timestamp=1777852801))
    assert dedup_key(envelope(bare)) == dedup_key(envelope(bare))


def test_deposit_key_and_money_by_value() -> None:
    deposit = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
    same = Deposit(method_id="visa", currency="EUR", amount=Decimal("25"))
    other = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.01"))
    assert dedup_key(envelope(deposit)) == dedup_key(envelope(same))
    assert dedup_key(envelope(deposit)) != dedup_key(envelope(other))
    assert dedup_key(envelope(deposit)) != dedup_key(envelope(deposit, player_id="p-2"))


def test_ids_with_separators_cannot_collide() -> None:
    a = envelope(ROUND.model_copy(update={"provider_id": 'a","b', "gameround_id": "c"}))
    b = envelope(ROUND.model_copy(update={"provider_id": "a", "gameround_id": 'b","c'}))
    assert dedup_key(a) != dedup_key(b)


def test_session_token_is_never_part_of_a_key() -> None:
    secret = "TOKEN-never-in-a-key"
    login = envelope(PlayerLogin(channel_type="MobileWeb", currency="EUR", session_token=secret))
    assert secret not in dedup_key(login)
    assert dedup_key(login) == dedup_key(envelope(PlayerLogin(channel_type="MobileWeb", currency="EUR")))


# Contexts a caller may have set for its own arithmetic; a key never depends on them.
HOSTILE_CONTEXTS = [
    decimal.Context(prec=6),
    decimal.Context(traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation]),
    decimal.Context(Emax=5, Emin=-5, traps=[decimal.Overflow, decimal.Underflow, decimal.Subnormal]),
    decimal.Context(capitals=0),
    decimal.Context(prec=1, rounding=decimal.ROUND_UP, traps=[decimal.Inexact, decimal.Clamped], clamp=1),
]


def deposit_of(amount: Decimal) -> Envelope:
    return envelope(Deposit(method_id="visa", currency="USDT", amount=amount, balance_after=amount.copy_negate()))


# 38 digits, the most money holds: 20 before the point and 18 after it.
digits_38 = st.integers(10**37, 10**38 - 2)
money_38_digits = digits_38.map(lambda digits: Decimal(f"{digits}E-18"))  # the constructor is exact


@given(digits_38)
def test_amounts_that_differ_in_the_last_of_38_digits_have_different_keys(digits: int) -> None:
    amount, other = Decimal(f"{digits}E-18"), Decimal(f"{digits + 1}E-18")
    key, other_key = dedup_key(deposit_of(amount)), dedup_key(deposit_of(other))
    assert key != other_key
    assert Decimal(json.loads(key)[7]) == amount and Decimal(json.loads(other_key)[7]) == other


@given(money_38_digits, st.sampled_from(HOSTILE_CONTEXTS))
def test_the_key_does_not_depend_on_the_callers_decimal_context(amount: Decimal, context: decimal.Context) -> None:
    expected = dedup_key(deposit_of(amount))
    with decimal.localcontext(context):
        assert dedup_key(deposit_of(amount)) == expected


def test_keys_of_ordinary_amounts_are_the_same_under_any_context() -> None:
    amounts = {"25": "25", "25.00": "25", "0": "0", "0.00": "0", "1E+2": "100", "1E-8": "0.00000001",
               "123.4500": "123.45", "1234567890.13": "1234567890.13"}
    for context in [decimal.DefaultContext, *HOSTILE_CONTEXTS]:
        with decimal.localcontext(context):
            for amount, text in amounts.items():
                parts = json.loads(dedup_key(deposit_of(Decimal(amount))))
                assert parts[7] == text
                assert parts[8] == ("0" if text == "0" else "-" + text)


# What `model_copy(update=...)` and `model_construct` put in an event without validating it: a key is never
# made of it (an exponent would be written out digit by digit: a gigabyte, in half a minute).
UNVALIDATED_AMOUNTS = [Decimal("1E+999999999"), Decimal("-1E+999999999999999999"), Decimal("NaN"),
                       Decimal("-Infinity"), Decimal("1E+20"), Decimal("1E-19"), Decimal("0.1" + "0" * 10**6 + "1")]


@pytest.mark.parametrize("amount", UNVALIDATED_AMOUNTS, ids=lambda amount: f"{amount:.20}")
def test_money_no_validated_event_holds_is_refused_at_once(amount: Decimal) -> None:
    deposit = Deposit(method_id="visa", currency="EUR", amount="1").model_copy(update={"amount": amount})
    start = time.perf_counter()
    with pytest.raises(EventValidationError) as error:
        dedup_key(envelope(deposit))
    assert time.perf_counter() - start < 1
    [problem] = error.value.problems
    assert (problem.path, problem.kind) == ("event_type.Deposit.amount", "not_validated")
    assert "not a value a validated event holds" in problem.message


@pytest.mark.parametrize("payload", [None, {"amount": "1"}, "Deposit"])
def test_an_envelope_without_a_payload_model_is_refused(payload: object) -> None:
    valid = envelope(Deposit(method_id="visa", currency="EUR", amount="1"))
    unvalidated = valid.model_copy(update={"payload": payload})
    with pytest.raises(EventValidationError) as error:
        dedup_key(unvalidated)
    assert [(problem.path, problem.kind) for problem in error.value.problems] == [("event_type", "not_validated")]
    with pytest.raises(EventValidationError):
        dedup_key(Envelope.model_construct())


def test_the_largest_amounts_validated_still_make_keys() -> None:
    largest = Decimal("99999999999999999999.999999999999999999")
    for amount in (largest, Decimal("1E-18"), Decimal("0E-18"), Decimal("0E+5")):
        parts = json.loads(dedup_key(deposit_of(Deposit(method_id="v", currency="EUR", amount=amount).amount)))
        assert Decimal(parts[7]) == amount


def test_an_envelope_missing_a_field_is_refused() -> None:
    deposit = Deposit(method_id="visa", currency="EUR", amount="1")
    for unvalidated, path in [(Envelope.model_construct(payload=deposit), "operator_id"),
                              (envelope(Deposit.model_construct(method_id="visa")), "event_type.Deposit.currency")]:
        with pytest.raises(EventValidationError) as error:
            dedup_key(unvalidated)
        assert [(problem.path, problem.kind) for problem in error.value.problems] == [(path, "not_validated")]
