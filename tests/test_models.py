"""The eight payload models, the enums and the envelope: the contract's shape and rules."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tests.lying import ZoneOf
from thrilldrops_events import (
    ChannelType,
    Deposit,
    Envelope,
    EventPayload,
    EventType,
    EventValidationError,
    PlayerLogin,
    PlayerLogout,
    Transaction,
    parse_event,
    parse_payload,
    to_dict,
    to_json,
)
from thrilldrops_events._fields import payload_fields
from thrilldrops_events.events import PAYLOAD_MODELS

# The spec's fields per variant, in order; a trailing "?" marks `| null`.
SPEC_FIELDS = {
    "PlayerLogin": ["channel_type", "currency", "country?", "jurisdiction?", "session_token?"],
    "PlayerLogout": ["channel_type"],
    "Transaction": [
        "provider_id", "game_id", "gameround_id", "bet_transaction_id?", "currency", "game_bet", "bonus_bet",
        "real_bet", "jackpot_bet", "win_transaction_id?", "game_win", "jackpot_win", "is_free_spin", "round_finished",
    ],
    "Deposit": ["method_id", "currency", "amount", "balance_after?"],
    "Withdrawal": ["method_id", "currency", "amount", "balance_after?"],
    "ThrillPotsWinEvent": [
        "jackpot_id", "instance_id", "pot_id", "player_brand_id", "player_id", "currency", "amount", "game_id?",
        "contribution?", "contribution_currency?", "payout_type?",
    ],
    "ThrillPotsRaffleWinEvent": ["raffle_id", "instance_id", "prize_id", "player_brand_id", "player_id", "currency",
                                 "amount"],
    "ThrillPotsOptInEvent": ["player_brand_id", "player_id", "jackpot_id", "currency", "contribution?"],
}

DEPOSIT = {"method_id": "visa", "currency": "EUR", "amount": "25.00", "balance_after": None}


def wire(variant: str, payload: dict[str, object], **header: object) -> dict[str, object]:
    base: dict[str, object] = {"operator_id": "op-1", "brand_id": "b-7", "player_id": "p-42",
                               "timestamp": 1777852800}
    base.update(header)
    base["event_type"] = {variant: payload}
    return base


def test_channel_type_values_equal_names() -> None:
    assert [c.value for c in ChannelType] == ["DesktopWeb", "DesktopNative", "MobileWeb", "MobileNative"]
    assert all(c.name == c.value for c in ChannelType)
    assert str(ChannelType.MobileWeb) == "MobileWeb" and f"{ChannelType.MobileWeb}" == "MobileWeb"


@pytest.mark.parametrize("bad", ["desktopweb", "DESKTOPWEB", "Desktop", ""])
def test_channel_type_rejects_other_values_listing_the_four(bad: str) -> None:
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", {"channel_type": bad})
    (problem,) = info.value.problems
    assert problem.path == "channel_type"
    for allowed in ("DesktopWeb", "DesktopNative", "MobileWeb", "MobileNative"):
        assert allowed in problem.message


def test_event_type_values_are_the_eight_variants_and_map_to_models() -> None:
    assert [e.value for e in EventType] == list(SPEC_FIELDS)
    for event_type in EventType:
        model = event_type.model
        assert model.__name__ == event_type.value
        assert model.event_type is event_type
        assert PAYLOAD_MODELS[event_type] is model
    assert EventType("Deposit") is EventType.DEPOSIT
    assert EventType.THRILLPOTS_WIN.is_internal and not EventType.DEPOSIT.is_internal


@pytest.mark.parametrize("variant", list(SPEC_FIELDS))
def test_models_have_the_spec_fields_nullability_and_descriptions(variant: str) -> None:
    model = EventType(variant).model
    assert list(model.model_fields) == [name.rstrip("?") for name in SPEC_FIELDS[variant]]
    nullable = {name.rstrip("?") for name in SPEC_FIELDS[variant] if name.endswith("?")}
    for spec in payload_fields(variant):
        assert spec.nullable == (spec.name in nullable), spec.name
        assert len(spec.description) > 10, spec.name
        assert model.model_fields[spec.name].description == spec.description


def test_models_are_frozen_and_compare_by_value() -> None:
    a = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
    b = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"), balance_after=None)
    assert a == b and hash(a.amount) == hash(b.amount)
    with pytest.raises(ValidationError):
        a.amount = Decimal(1)  # type: ignore[misc]
    assert a != Deposit(method_id="visa", currency="EUR", amount=Decimal("25.01"))


def test_nullable_fields_may_be_absent_or_null_and_are_always_written() -> None:
    absent = parse_payload("Deposit", {"method_id": "visa", "currency": "EUR", "amount": "25.00"})
    null = parse_payload("Deposit", DEPOSIT)
    assert absent == null
    assert b'"balance_after":null' in to_json(absent)
    assert to_dict(absent)["balance_after"] is None


def test_session_token_never_shown() -> None:
    secret = "sess-TOP-SECRET-123"
    login = PlayerLogin(channel_type=ChannelType.DesktopWeb, currency="EUR", session_token=secret)
    assert secret not in repr(login) and secret not in str(login)
    env = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=login)
    assert secret not in repr(env) and secret not in str(env)
    assert login.session_token is not None and login.session_token.get_secret_value() == secret
    # written out in full on the wire, and read back
    assert secret.encode() in to_json(env)
    assert parse_event(to_json(env)) == env
    # never in an error message, even when the event is invalid elsewhere
    bad = wire("PlayerLogin", {"channel_type": "nope", "currency": "EUR", "session_token": secret}, timestamp=-5)
    with pytest.raises(EventValidationError) as info:
        parse_event(bad)
    assert secret not in str(info.value) and secret not in repr(info.value.problems)
    too_long = wire("PlayerLogin", {"channel_type": "MobileWeb", "currency": "EUR", "session_token": secret * 300})
    with pytest.raises(EventValidationError) as info:
        parse_event(too_long)
    assert secret not in str(info.value)


def test_envelope_accessors() -> None:
    env = parse_event(wire("Deposit", DEPOSIT))
    assert env.event_type is EventType.DEPOSIT
    assert env.time == datetime(2026, 5, 4, tzinfo=timezone.utc)
    assert env.time.tzinfo is not None


def test_envelope_at_builds_from_an_aware_datetime() -> None:
    payload = PlayerLogout(channel_type=ChannelType.MobileWeb)
    when = datetime(2026, 5, 4, 2, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))
    env = Envelope.at(when, payload, operator_id="o", brand_id="b", player_id="p")
    assert env.timestamp == 1777852800
    assert env.time == when.replace(microsecond=0)
    with pytest.raises(EventValidationError) as info:
        Envelope.at(datetime(2026, 5, 4), payload, operator_id="o", brand_id="b", player_id="p")
    assert info.value.problems[0].kind == "naive_datetime"
    with pytest.raises(EventValidationError) as info:
        Envelope.at(when, payload, operator_id="", brand_id="b", player_id="p")
    assert info.value.paths == ("operator_id",)


@pytest.mark.parametrize("when", ["2026-05-04T00:00:00Z", 1777852800, 1777852800.5, None, date(2026, 5, 4),
                                  time(12, tzinfo=timezone.utc), Decimal(1)])
def test_envelope_at_given_something_other_than_a_datetime_says_what_it_expects(when: Any) -> None:
    payload = PlayerLogout(channel_type=ChannelType.MobileWeb)
    with pytest.raises(TypeError, match=r"^Envelope\.at expects an aware datetime, not "):
        Envelope.at(when, payload, operator_id="o", brand_id="b", player_id="p")



@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # a float of Unix seconds cannot hold these fractions: when.timestamp() rounds them up to the next second
        (datetime(4904, 7, 1, 22, 51, 41, 999_997, tzinfo=timezone.utc), 92603861501),
        (datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc), 253402300799),
        (datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=1))), 253402297199),
        (datetime(2026, 5, 4, 0, 0, 59, 999_999, tzinfo=timezone.utc), 1777852859),
    ],
)
def test_envelope_at_drops_the_fraction_of_a_second_exactly(when: datetime, expected: int) -> None:
    payload = PlayerLogout(channel_type=ChannelType.MobileWeb)
    env = Envelope.at(when, payload, operator_id="o", brand_id="b", player_id="p")
    assert env.timestamp == expected
    assert env.time == when.replace(microsecond=0)

@pytest.mark.parametrize("offset", [timedelta(hours=24), "+01:00", KeyError("zone")], ids=["a-day", "text", "raises"])
def test_envelope_at_refuses_a_datetime_whose_zone_fails_to_give_an_offset(offset: Any) -> None:
    payload = PlayerLogout(channel_type=ChannelType.MobileWeb)
    with pytest.raises(EventValidationError) as info:
        Envelope.at(datetime(2026, 5, 4, tzinfo=ZoneOf(offset)), payload, operator_id="o", brand_id="b",
                    player_id="p")
    assert [(p.path, p.kind) for p in info.value.problems] == [("timestamp", "time_zone")]


class _Epoch(datetime):
    """A ``datetime`` whose arithmetic and timestamp say it is the epoch, whatever it holds."""

    def __sub__(self, other: Any) -> Any:
        return timedelta(0)

    def timestamp(self) -> float:
        return 0.0


def test_envelope_at_reads_a_datetime_by_the_moment_it_holds() -> None:
    payload = PlayerLogout(channel_type=ChannelType.MobileWeb)
    when = _Epoch(2026, 5, 4, 2, tzinfo=timezone(timedelta(hours=2)))
    assert Envelope.at(when, payload, operator_id="o", brand_id="b", player_id="p").timestamp == 1777852800


def test_envelope_payload_must_be_a_model() -> None:
    with pytest.raises(EventValidationError) as info:
        Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=DEPOSIT)  # type: ignore[arg-type]
    assert info.value.paths == ("payload",)


def test_constructors_raise_our_error_with_every_problem() -> None:
    with pytest.raises(EventValidationError) as info:
        Deposit(method_id="", currency="EUR", amount=0.1)  # type: ignore[arg-type]
    assert set(info.value.paths) == {"method_id", "amount"}
    assert {p.kind for p in info.value.problems} == {"string_too_short", "money_float"}
    with pytest.raises(EventValidationError) as info:
        Deposit.model_validate({"method_id": "v", "currency": "EUR", "amount": "-1"})
    assert info.value.paths == ("amount",)
    with pytest.raises(EventValidationError) as info:
        Envelope(operator_id=" o", brand_id="b", player_id="p", timestamp=-1, payload=PlayerLogout(channel_type="x"))
    assert "channel_type" in str(info.value)


def test_nested_validation_keeps_field_paths() -> None:
    """The constructor override is not used for nested models: paths stay exact."""
    with pytest.raises(EventValidationError) as info:
        parse_event(wire("PlayerLogout", {"channel_type": "desktopweb"}))
    assert info.value.paths == ("event_type.PlayerLogout.channel_type",)


def test_overlong_session_token_message() -> None:
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogin", {"channel_type": "MobileWeb", "currency": "EUR", "session_token": "t" * 5000})
    (problem,) = info.value.problems
    assert problem.message == "must be at most 4096 characters long"


def test_money_in_a_users_own_model() -> None:
    from pydantic import BaseModel

    from thrilldrops_events import Money

    class Mine(BaseModel):
        amount: Money

    assert Mine.model_validate_json('{"amount": "25.00"}').amount.as_tuple() == Decimal("25.00").as_tuple()
    assert Mine.model_validate_json('{"amount": "1E-8"}').amount == Decimal("1E-8")
    assert Mine.model_validate_json('{"amount": 25}').amount == Decimal(25)
    with pytest.raises(ValidationError, match="parse_float=Decimal"):
        Mine.model_validate_json('{"amount": 25.10}')


def test_every_model_is_an_event_payload() -> None:
    for model in PAYLOAD_MODELS.values():
        assert issubclass(model, EventPayload)
        assert model.model_config.get("frozen") is True


@pytest.mark.parametrize(("loose", "strict"), [(("false", "true"), False), (("false", "true"), True),
                                               ((0, 1), False), (("no", "yes"), False), ((0.0, 1.0), True)])
def test_transaction_booleans_are_json_booleans_in_every_mode(loose: tuple[Any, Any], strict: bool) -> None:
    payload = {
        "provider_id": "netent", "game_id": "starburst", "gameround_id": "r-1", "currency": "EUR",
        "game_bet": "1.00", "bonus_bet": "0", "real_bet": "1.00", "jackpot_bet": "0", "game_win": "0",
        "jackpot_win": "0", "is_free_spin": loose[0], "round_finished": loose[1],
    }
    for source in (payload, json.dumps(payload)):
        with pytest.raises(EventValidationError) as info:
            parse_payload("Transaction", source, strict=strict)
        assert set(info.value.paths) == {"is_free_spin", "round_finished"}
        assert {p.message for p in info.value.problems} == {"must be a JSON boolean"}
    valid = parse_payload("Transaction", {**payload, "is_free_spin": False, "round_finished": True}, strict=strict)
    assert isinstance(valid, Transaction) and valid.round_finished is True and valid.is_free_spin is False
    with pytest.raises(EventValidationError):
        Transaction(**{**payload, "is_free_spin": False})
