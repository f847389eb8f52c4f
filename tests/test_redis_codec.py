"""The Redis stream-entry codec: exact round trips, bytes and str forms, and every bad entry named by field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventType,
    EventValidationError,
    PlayerLogin,
    Transaction,
    parse_event,
    parse_payload,
    to_json,
)
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.codecs.json import encode as json_encode
from thrilldrops_events.testing import envelopes, invalid_envelopes

DEPOSIT = Envelope(
    operator_id="op-1",
    brand_id="brand-7",
    player_id="p-000042",
    timestamp=1777852800,
    payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")),
)


def as_bytes(fields: dict[str, str]) -> dict[bytes, bytes]:
    return {key.encode(): value.encode() for key, value in fields.items()}


def paths(fields: Any, *, strict: bool = False) -> tuple[str, ...]:
    with pytest.raises(EventValidationError) as info:
        codec.decode(fields, strict=strict)
    return info.value.paths


def assert_exact(again: Envelope, envelope: Envelope) -> None:
    assert again == envelope
    # Model equality ignores a Decimal's scale (1.0 == 1.00); the wire text does not.
    assert to_json(again) == to_json(envelope)
    assert to_json(again, money="number") == to_json(envelope, money="number")


@settings(max_examples=40)
@pytest.mark.parametrize("event_type", list(EventType))
@given(data=st.data())
def test_round_trip_every_event_type(event_type: EventType, data: st.DataObject) -> None:
    envelope = data.draw(envelopes(event_type, unknown_fields=True))
    fields = codec.encode(envelope)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
    assert fields["event_type"] == event_type.value
    assert_exact(codec.decode(fields), envelope)
    assert_exact(codec.decode(as_bytes(fields)), envelope)


@given(envelopes(unknown_fields=True), st.sampled_from(["string", "number"]))
def test_round_trip_with_unknown_fields_and_money_styles(envelope: Envelope, money: Any) -> None:
    fields = codec.encode(envelope, money=money)
    assert ("extra" in fields) == bool(envelope.__pydantic_extra__)
    # The payload field is exactly the JSON codec's payload text.
    assert fields["payload"] == json_encode(envelope.payload, money=money).decode()
    again = codec.decode(as_bytes(fields))
    assert_exact(again, envelope)
    assert again == parse_event(to_json(envelope))
    assert codec.encode(again, money=money) == fields


@given(envelopes())
def test_strict_reads_what_encode_writes_without_unknown_fields(envelope: Envelope) -> None:
    fields = codec.encode(envelope)
    assert list(fields) == list(codec.FIELDS[:-1])
    assert_exact(codec.decode(fields, strict=True), envelope)


@given(envelopes(), st.data())
def test_mixed_bytes_and_str_keys_and_values(envelope: Envelope, data: st.DataObject) -> None:
    fields: dict[Any, Any] = {}
    for key, value in codec.encode(envelope).items():
        k = key.encode() if data.draw(st.booleans()) else key
        v = value.encode() if data.draw(st.booleans()) else value
        fields[k] = v
    fields_view = {k: (memoryview(v) if isinstance(v, bytes) else v) for k, v in fields.items()}
    assert_exact(codec.decode(fields), envelope)
    assert_exact(codec.decode(fields_view), envelope)


def test_layout_of_a_deposit() -> None:
    assert codec.encode(DEPOSIT) == {
        "format": "1",
        "event_type": "Deposit",
        "operator_id": "op-1",
        "brand_id": "brand-7",
        "player_id": "p-000042",
        "timestamp": "1777852800",
        "payload": '{"method_id":"visa","currency":"EUR","amount":"25.00","balance_after":null}',
    }


def test_decimal_scale_and_digits_survive() -> None:
    amounts = ["0", "0.00", "10.00", "0.000000000000000001", "99999999999999999999.999999999999999999"]
    for amount in amounts:
        envelope = DEPOSIT.model_copy(update={"payload": Deposit(method_id="m", currency="EUR", amount=Decimal(amount),
                                                                 balance_after=Decimal("-" + amount))})
        again = codec.decode(as_bytes(codec.encode(envelope)))
        assert isinstance(again.payload, Deposit)
        assert str(again.payload.amount) == str(Decimal(amount))
        balance = Decimal("-" + amount)
        assert str(again.payload.balance_after) == str(balance if balance else balance.copy_abs())  # -0 is 0


def test_unicode_and_unknown_stream_fields() -> None:
    envelope = DEPOSIT.model_copy(update={"player_id": "spieler-ü-🎰-玩家"})
    fields = codec.encode(envelope)
    assert codec.decode(as_bytes(fields)).player_id == "spieler-ü-🎰-玩家"
    # A field outside the layout (say a producer's trace id) is kept as an unknown envelope field ...
    again = codec.decode({**fields, "trace_id": "abc-123"})
    assert again.__pydantic_extra__ == {"trace_id": "abc-123"}
    # ... and written back inside `extra`, so it survives another round trip.
    assert json.loads(codec.encode(again)["extra"]) == {"trace_id": "abc-123"}
    assert codec.decode(codec.encode(again)) == again
    # Strict mode refuses it, and refuses `extra` too.
    assert paths({**fields, "trace_id": "abc-123"}, strict=True) == ("trace_id",)
    assert paths({**fields, "extra": '{"a":1}'}, strict=True) == ("extra",)


def test_entry_without_format_field_is_read_as_format_1() -> None:
    fields = codec.encode(DEPOSIT)
    del fields["format"]
    assert codec.decode(fields) == DEPOSIT


@pytest.mark.parametrize("name", ["event_type", "operator_id", "brand_id", "player_id", "timestamp", "payload"])
def test_missing_field_is_named(name: str) -> None:
    fields = codec.encode(DEPOSIT)
    del fields[name]
    assert paths(fields) == (name,)
    assert paths(as_bytes(fields)) == (name,)


@pytest.mark.parametrize("name", ["format", "event_type", "operator_id", "brand_id", "player_id", "timestamp",
                                  "payload", "extra"])
def test_bytes_that_are_not_utf8_are_named(name: str) -> None:
    fields: dict[bytes, bytes] = as_bytes(codec.encode(DEPOSIT))
    fields[name.encode()] = b"\xff\xfeoops"
    with pytest.raises(EventValidationError) as info:
        codec.decode(fields)
    assert info.value.paths == (name,)
    assert info.value.problems[0].kind == "utf8_invalid"


@pytest.mark.parametrize(
    ("change", "path", "kind"),
    [
        ({"payload": '{"method_id":"visa","currency":"EUR","amount":"25.00"'}, "payload", "json_invalid"),
        ({"payload": "[]"}, "payload", "not_an_object"),
        ({"payload": '{"method_id":"visa","currency":"EUR","amount":"abc"}'}, "payload.amount", "money_syntax"),
        ({"payload": '{"method_id":"visa","currency":"EUR","amount":0.1e999999}'}, "payload.amount", None),
        ({"payload": '{"method_id":"visa","currency":"EUR","amount":true}'}, "payload.amount", "money_type"),
        ({"payload": '{"method_id":"visa","currency":"EUR"}'}, "payload.amount", "missing"),
        ({"event_type": "Depositt"}, "event_type", "unknown_variant"),
        ({"event_type": "deposit"}, "event_type", "unknown_variant"),
        ({"event_type": "x" * 5000}, "event_type", "unknown_variant"),
        ({"event_type": ""}, "event_type", "unknown_variant"),
        ({"timestamp": "1.5"}, "timestamp", "timestamp_syntax"),
        ({"timestamp": "-1"}, "timestamp", "timestamp_syntax"),
        ({"timestamp": " 1"}, "timestamp", "timestamp_syntax"),
        ({"timestamp": "1777852800000"}, "timestamp", "timestamp_milliseconds"),
        ({"operator_id": ""}, "operator_id", "string_too_short"),
        ({"brand_id": " padded"}, "brand_id", "string_pattern_mismatch"),
        ({"format": "2"}, "format", "format_version"),
        ({"extra": "[1]"}, "extra", "not_an_object"),
        ({"extra": "{"}, "extra", "json_invalid"),
        ({"extra": '{"operator_id":"x"}'}, "extra.operator_id", "reserved_field"),
        ({"extra": '{"payload":1}'}, "extra.payload", "reserved_field"),
    ],
)
def test_bad_entries_name_the_field(change: dict[str, str], path: str, kind: str | None) -> None:
    fields = {**codec.encode(DEPOSIT), **change}
    for form in (fields, as_bytes(fields)):
        with pytest.raises(EventValidationError) as info:
            codec.decode(form)
        assert info.value.paths == (path,)
        if kind is not None:
            assert info.value.problems[0].kind == kind
        assert isinstance(info.value, ValueError)


def test_every_problem_is_reported_at_once() -> None:
    fields = {"event_type": "Transaction", "operator_id": "", "timestamp": "soon", "payload": "{}"}
    assert set(paths(fields)) >= {"operator_id", "brand_id", "player_id", "timestamp", "payload.provider_id",
                                  "payload.round_finished"}


def test_wrong_types_in_the_payload_of_a_transaction() -> None:
    payload = json.loads(json_encode(Transaction(
        provider_id="pragmatic", game_id="g", gameround_id="r-1", currency="EUR", game_bet=Decimal(1),
        bonus_bet=Decimal(0), real_bet=Decimal(1), jackpot_bet=Decimal(0), game_win=Decimal(0),
        jackpot_win=Decimal(0), is_free_spin=False, round_finished=True)))
    payload["is_free_spin"] = "maybe"
    payload["game_win"] = [1]
    fields = {**codec.encode(DEPOSIT), "event_type": "Transaction", "payload": json.dumps(payload)}
    assert paths(fields) == ("payload.game_win", "payload.is_free_spin")
    payload["is_free_spin"] = "true"  # a JSON boolean in every mode
    payload["game_win"] = "0"
    fields["payload"] = json.dumps(payload)
    assert paths(fields) == paths(fields, strict=True) == ("payload.is_free_spin",)
    payload["is_free_spin"] = True
    fields["payload"] = json.dumps(payload)
    assert codec.decode(fields).payload.is_free_spin is True  # type: ignore[union-attr]


def test_the_payload_must_match_the_event_type() -> None:
    fields = {**codec.encode(DEPOSIT), "event_type": "PlayerLogout"}
    assert "payload.channel_type" in paths(fields)


@pytest.mark.parametrize(
    "fields",
    [
        None,
        [("event_type", "Deposit")],
        "event_type",
        {1: "x"},
        {"event_type": 5},
        {"event_type": None},
        {b"event_type": b"Deposit", "event_type": "Deposit"},
        {},
    ],
)
def test_hostile_shapes_raise_our_error(fields: Any) -> None:
    with pytest.raises(EventValidationError):
        codec.decode(fields)


def test_duplicate_key_as_bytes_and_str_is_named() -> None:
    fields: dict[Any, Any] = {**codec.encode(DEPOSIT), b"brand_id": b"brand-7"}
    assert paths(fields) == ("brand_id",)


def test_session_token_never_appears_in_errors() -> None:
    secret = "SESSION-TOKEN-abc123-never-show"
    envelope = DEPOSIT.model_copy(update={"payload": PlayerLogin(channel_type="MobileWeb", currency="EUR",
                                                                 session_token=secret)})
    fields = codec.encode(envelope)
    assert secret in fields["payload"]  # written out in full on the wire ...
    assert codec.decode(fields) == envelope
    broken = json.loads(fields["payload"])
    broken["currency"] = "€"
    broken["session_token"] = {"token": secret}
    with pytest.raises(EventValidationError) as info:
        codec.decode({**fields, "payload": json.dumps(broken)})
    assert secret not in str(info.value)  # ... but never in an error
    assert secret not in repr(info.value.problems)
    assert set(info.value.paths) == {"payload.currency", "payload.session_token"}


def test_encode_refuses_an_unknown_field_named_like_an_envelope_field() -> None:
    envelope = Envelope.model_construct(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                                        payload=DEPOSIT.payload, event_type="x")
    with pytest.raises(EventValidationError) as info:
        codec.encode(envelope)
    assert info.value.paths == ("extra.event_type",)


@given(invalid_envelopes())
def test_every_invalid_payload_field_is_named(invalid: Any) -> None:
    # Payload problems from the JSON test-case generator map to `payload.<field>` in a stream entry.
    if not invalid.path.startswith("event_type."):
        return
    data = invalid.data
    (variant, inner), = data["event_type"].items()
    fields = {
        "event_type": variant,
        "operator_id": data["operator_id"],
        "brand_id": data["brand_id"],
        "player_id": data["player_id"],
        "timestamp": str(data["timestamp"]),
        "payload": json.dumps(inner),
    }
    expected = "payload." + invalid.path.split(".", 2)[2]
    assert expected in paths(as_bytes(fields))
    with pytest.raises(EventValidationError):
        parse_payload(variant, fields["payload"])


@given(st.dictionaries(st.one_of(st.sampled_from(list(codec.FIELDS)), st.text(max_size=5), st.binary(max_size=5)),
                       st.one_of(st.text(max_size=30), st.binary(max_size=30),
                                 st.sampled_from(["Deposit", "PlayerLogout", "{}", "1777852800", "{\"channel_type\":"
                                                  "\"MobileWeb\"}"])),
                       max_size=9))
def test_arbitrary_entries_never_crash(fields: dict[Any, Any]) -> None:
    try:
        envelope = codec.decode(fields)
    except EventValidationError as error:
        problems = error.problems
        assert problems
    else:
        assert codec.decode(codec.encode(envelope)) == envelope


@pytest.mark.parametrize("value", [bytearray(b"Deposit"), {}, [], {"a": 1}])
def test_an_event_type_of_the_wrong_type_is_named(value: Any) -> None:
    # The entry has exactly the layout's bytes keys, the common route's shape: an unhashable value
    # must not escape as a TypeError from the variant look-up.
    fields: dict[Any, Any] = {**as_bytes(codec.encode(DEPOSIT)), b"event_type": value}
    if isinstance(value, bytearray):
        assert codec.decode(fields) == DEPOSIT
    else:
        assert paths(fields) == ("event_type",)



@pytest.mark.parametrize("value", [None, {"operator_id": "o"}, DEPOSIT.payload, "Deposit"])
def test_encode_refuses_what_is_not_an_envelope(value: Any) -> None:
    with pytest.raises(EventValidationError) as info:
        codec.encode(value)
    assert info.value.problems[0].kind == "not_an_envelope"
    assert f"expected an Envelope, not {type(value).__name__}" in str(info.value)


@pytest.mark.parametrize("value", ["yes", None, 1, 0, []], ids=repr)
def test_a_strict_that_is_not_a_bool_is_a_type_error_naming_it(value: Any) -> None:
    fields = codec.encode(Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                                   payload=Deposit(method_id="v", currency="EUR", amount="1")))
    with pytest.raises(TypeError, match=f"^strict must be True or False, not {type(value).__name__}$"):
        codec.decode(fields, strict=value)
