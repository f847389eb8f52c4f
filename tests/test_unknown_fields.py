"""Whatever is accepted can be written back: unknown fields hold JSON values, and no string holds a lone surrogate.

Every route (str, bytes, bytearray, memoryview, dict, the constructors) gives the same verdict, and the
error names the path of each value refused.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import (
    ChannelType,
    Envelope,
    EventValidationError,
    PlayerLogin,
    PlayerLogout,
    parse_event,
    parse_payload,
    to_dict,
    to_json,
)
from thrilldrops_events.codecs import redis as stream_codec

LOGOUT = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1777852800,
          "event_type": {"PlayerLogout": {"channel_type": "MobileWeb"}}}


def with_note(value: Any) -> dict[str, Any]:
    return {**LOGOUT, "note": value}


def problems(source: Any, strict: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        parse_event(source, strict=strict)
    str(info.value).encode("utf-8")  # the message is text, whatever the input held
    return [(p.path, p.kind) for p in info.value.problems]


@pytest.mark.parametrize(
    ("value", "path", "kind"),
    [
        (10**5000, "note", "number_too_large"),
        ([1, {"deep": -(10**100)}], "note.1.deep", "number_too_large"),
        (Decimal("NaN"), "note", "number_not_finite"),
        (Decimal("-Infinity"), "note", "number_not_finite"),
        (Decimal("sNaN"), "note", "number_not_finite"),
        (Decimal("1." + "0" * 100), "note", "number_too_large"),
        (float("nan"), "note", "number_not_finite"),
        ([float("inf")], "note.0", "number_not_finite"),
        ({1: "a"}, "note.1", "not_serializable"),
        ({"a": {10**5000: 1}}, "note.a.an integer of more than 20 digits", "not_serializable"),
        ({"a", "b"}, "note", "not_serializable"),
        (b"bytes", "note", "not_serializable"),
        (datetime(2026, 5, 4, tzinfo=timezone.utc), "note", "not_serializable"),
        (object(), "note", "not_serializable"),
        ("a\ud800b", "note", "lone_surrogate"),
        ({"k\udfff": 1}, "note.k\\udfff", "lone_surrogate"),
        ([["x", "\udc00"]], "note.0.1", "lone_surrogate"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else type(value).__name__,
)
def test_unknown_fields_that_could_not_be_written_back_are_refused_when_read(value: Any, path: str,
                                                                            kind: str) -> None:
    assert problems(with_note(value)) == [(path, kind)]
    with pytest.raises(EventValidationError) as info:
        Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                 payload=PlayerLogout(channel_type="MobileWeb"), note=value)
    assert [(p.path, p.kind) for p in info.value.problems] == [(path, kind)]
    with pytest.raises(EventValidationError) as info:
        PlayerLogout(channel_type="MobileWeb", note=value)
    assert [(p.path, p.kind) for p in info.value.problems] == [(path, kind)]
    with pytest.raises(EventValidationError):
        PlayerLogout.model_validate({"channel_type": "MobileWeb", "note": value})


@pytest.mark.parametrize(
    "value",
    [10**99, -(10**99), Decimal("1E+999999999"), Decimal("-0.0"), 1.5, 1e308, True, None, "é😀",
     ChannelType.MobileWeb, (1, [2, {"a": (3,)}]), {"": []}],
    ids=lambda value: type(value).__name__,
)
def test_unknown_fields_that_can_be_written_back_are_kept(value: Any) -> None:
    envelope = parse_event(with_note(value))
    assert envelope.model_extra == {"note": value}
    written = to_json(envelope)
    assert to_json(parse_event(written)) == written
    repr(envelope)
    to_dict(envelope)


SURROGATE_DOCUMENTS = [
    # as JSON escapes, which every route reads into a str holding the surrogate
    (json.dumps(with_note("\ud800")), [("note", "lone_surrogate")]),
    (json.dumps(with_note({"\udc00": 1})), [("note.\\udc00", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "\ud800": 1}), [("\\ud800", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "\ud800": ["\udc00"]}), [("\\ud800", "lone_surrogate"), ("\\ud800.0", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "event_type": {"PlayerLogout": {"channel_type": "MobileWeb", "\udc00": 1}}}),
     [("event_type.PlayerLogout.\\udc00", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "player_id": "p\ud800"}), [("player_id", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "event_type": {"PlayerLogin": {"channel_type": "MobileWeb", "currency": "EUR",
                                                          "session_token": "\ud800"}}}),
     [("event_type.PlayerLogin.session_token", "lone_surrogate")]),
    (json.dumps({**LOGOUT, "event_type": {"Player\ud800": {}}}), [("event_type", "lone_surrogate")]),
]


@pytest.mark.parametrize(("text", "expected"), SURROGATE_DOCUMENTS)
def test_lone_surrogates_are_refused_the_same_way_on_every_route(text: str, expected: list[tuple[str, str]]) -> None:
    raw = text.encode()
    for source in (text, raw, bytearray(raw), memoryview(raw), json.loads(text), json.loads(text).__str__()):
        if isinstance(source, str) and source is not text:
            continue  # only the JSON text itself
        assert problems(source) == expected
        strict = problems(source, strict=True)  # strict mode refuses an unknown field before reading it
        assert strict == expected or {kind for _, kind in strict} == {"unknown_field"}
    raw_surrogates = text.encode("utf-8", "surrogatepass")  # the same text with the surrogates encoded as bytes
    if raw_surrogates != raw:
        assert problems(raw_surrogates) == [("", "json_invalid")]


@pytest.mark.parametrize("strict", [False, True])
def test_a_key_holding_a_lone_surrogate_hides_no_other_problem(strict: bool) -> None:
    """Such a key at the top of the envelope or of the payload is named like one nested deeper, beside the rest."""
    document = {**LOGOUT, "timestamp": -5, "\ud800": 1,
                "event_type": {"PlayerLogout": {"channel_type": "Mobile", "a\udfffb": 1}}}
    expected = [("timestamp", "greater_than_equal"), ("event_type.PlayerLogout.channel_type", "enum"),
                ("\\ud800", "lone_surrogate"), ("event_type.PlayerLogout.a\\udfffb", "lone_surrogate")]
    for source in (json.dumps(document), json.dumps(document).encode(), document):
        assert sorted(problems(source, strict=strict)) == sorted(expected)
    fields = {"format": "1", "event_type": "PlayerLogout", "operator_id": "o", "brand_id": "b", "player_id": "p",
              "timestamp": "1777852800", "payload": '{"channel_type":"Mobile","a\\udfffb":1}'}
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", fields["payload"], strict=strict)
    assert sorted((p.path, p.kind) for p in info.value.problems) == [("a\\udfffb", "lone_surrogate"),
                                                                      ("channel_type", "enum")]
    with pytest.raises(EventValidationError) as info:
        stream_codec.decode(fields, strict=strict)
    assert sorted((p.path, p.kind) for p in info.value.problems) == [("payload.a\\udfffb", "lone_surrogate"),
                                                                      ("payload.channel_type", "enum")]
    for build in (lambda: PlayerLogout(channel_type="Mobile", **{"a\udfffb": 1}),
                  lambda: PlayerLogout.model_validate({"channel_type": "Mobile", "a\udfffb": 1})):
        with pytest.raises(EventValidationError) as info:
            build()
        assert sorted((p.path, p.kind) for p in info.value.problems) == [("a\\udfffb", "lone_surrogate"),
                                                                          ("channel_type", "enum")]


def test_a_token_holding_a_lone_surrogate_is_refused_and_never_shown() -> None:
    with pytest.raises(EventValidationError) as info:
        PlayerLogin(channel_type="MobileWeb", currency="EUR", session_token="secret\ud800")
    assert [(p.path, p.kind) for p in info.value.problems] == [("session_token", "lone_surrogate")]
    assert "secret" not in str(info.value)


def test_a_payload_is_measured_where_it_sits_in_its_envelope() -> None:
    """A payload read on its own can always be sent in an envelope and read back."""
    deep: Any = "x"
    for _ in range(62):
        deep = [deep]
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": deep})
    assert [p.kind for p in info.value.problems] == ["too_deep"]
    payload = parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": deep[0]})
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=payload)
    assert parse_event(to_json(envelope)) == envelope


def test_stream_fields_given_as_text_may_not_hold_lone_surrogates() -> None:
    fields = stream_codec.encode(parse_event(LOGOUT))
    with pytest.raises(EventValidationError) as info:
        stream_codec.decode({**fields, "note": "a\ud800"})
    assert [(p.path, p.kind) for p in info.value.problems] == [("note", "lone_surrogate")]


NUMBERS = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"Deposit":'
           '{"method_id":"visa","currency":"EUR","amount":"25.00","balance_after":null,"rate":1.50,'
           '"tiers":[0.5,{"cap":1E-9}]}},"fx":{"EURUSD":1.0832,"list":[-0.0,2.50]},"n":3}')


@pytest.mark.parametrize("note", ["", "\u00e9"], ids=["ascii", "not-ascii"])
@pytest.mark.parametrize("money", ["string", "number"])
def test_decimals_in_unknown_fields_are_written_back_as_json_numbers(note: str, money: Any) -> None:
    text = NUMBERS.replace('"n":3', f'"n":3,"note":"{note}"') if note else NUMBERS
    from_text = parse_event(text)
    document = json.loads(text, parse_float=Decimal)
    from_dict = parse_event(document)
    written = to_json(from_text, money=money)
    assert to_json(from_dict, money=money) == written
    assert b'"rate":1.50,"tiers":[0.5,{"cap":1E-9}]}},"fx":{"EURUSD":1.0832,"list":[-0.0,2.50]}' in written
    assert stream_codec.encode(from_dict, money=money) == stream_codec.encode(from_text, money=money)
    assert to_dict(from_dict) == to_dict(from_text)
    assert to_dict(from_dict)["fx"]["list"][1] == Decimal("2.50")
    # the caller's document is left as it was
    assert type(document["fx"]["list"][1]) is Decimal and document == json.loads(text, parse_float=Decimal)


def test_decimals_given_to_the_constructors_are_written_back_as_json_numbers() -> None:
    payload = PlayerLogout(channel_type="MobileWeb", rate=Decimal("1.50"), tiers=[Decimal("0.5")])
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=payload,
                        fx={"EURUSD": Decimal("1.0832")})
    assert to_json(payload) == b'{"channel_type":"MobileWeb","rate":1.50,"tiers":[0.5]}'
    assert to_json(envelope).endswith(b'"rate":1.50,"tiers":[0.5]}},"fx":{"EURUSD":1.0832}}')
    assert stream_codec.encode(envelope)["extra"] == '{"fx":{"EURUSD":1.0832}}'


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN")])
def test_a_decimal_that_is_not_a_json_number_is_still_refused(value: Decimal) -> None:
    assert problems({**LOGOUT, "fx": {"list": [Decimal("1.5"), value]}}) == [("fx.list.1", "number_not_finite")]
    with pytest.raises(EventValidationError) as info:
        PlayerLogout(channel_type="MobileWeb", tiers=[Decimal("0.5"), value])
    assert [(p.path, p.kind) for p in info.value.problems] == [("tiers.1", "number_not_finite")]


class _Finite(Decimal):
    """A ``Decimal`` subclass that says it is finite whatever it holds."""

    __slots__ = ()

    def is_finite(self) -> bool:
        return True


class _Short(Decimal):
    """A ``Decimal`` subclass that says it holds one digit whatever it holds."""

    __slots__ = ()

    def as_tuple(self) -> Any:
        return Decimal(1).as_tuple()


class _Broken(Decimal):
    """A ``Decimal`` subclass whose methods raise."""

    __slots__ = ()

    def is_finite(self) -> bool:
        raise KeyError("is_finite")


@pytest.mark.parametrize(
    ("value", "kind"),
    [(_Finite("NaN"), "number_not_finite"), (_Finite("-Infinity"), "number_not_finite"),
     (_Short("1" * 101), "number_too_large"), (_Broken("NaN"), "number_not_finite")],
    ids=["finite-nan", "finite-infinity", "short-101-digits", "broken-nan"],
)
def test_a_decimal_subclass_is_judged_by_the_number_it_holds_not_by_its_methods(value: Decimal, kind: str) -> None:
    assert problems(with_note([value])) == [("note.0", kind)]
    with pytest.raises(EventValidationError) as info:
        PlayerLogout(channel_type="MobileWeb", note=[value])
    assert [(p.path, p.kind) for p in info.value.problems] == [("note.0", kind)]
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": value})
    assert [(p.path, p.kind) for p in info.value.problems] == [("note", kind)]


def test_a_decimal_subclass_holding_a_json_number_is_kept_as_that_number() -> None:
    envelope = parse_event(with_note(_Broken("1.50")))
    assert type(envelope.model_extra["note"]) is not _Broken
    assert to_json(envelope).endswith(b',"note":1.50}')
    assert parse_event(to_json(envelope)) == envelope


@pytest.mark.parametrize("name", ["a\nb: injected", "a\r\nb", "a\u2028b", "a\x1b[31mb", "a\x85b", "a\u2029b", "a\x00b"])
def test_an_unknown_fields_name_cannot_forge_a_line_of_the_error_message(name: str) -> None:
    body = json.dumps({"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1,
                       "event_type": {"PlayerLogout": {"channel_type": "MobileWeb", name: 1}}})
    with pytest.raises(EventValidationError) as info:
        parse_event(body, strict=True)
    error = info.value
    assert error.paths == (f"event_type.PlayerLogout.{name}",)  # the path itself is the name as sent
    text = str(error)
    assert len(text.splitlines()) == 2, text
    assert all(line.isprintable() for line in text.split("\n")), text
    shown = json.dumps(name)[1:-1]  # each control character and line separator as its JSON escape
    assert text.splitlines()[1] == f"  event_type.PlayerLogout.{shown}: unknown field (refused in strict mode)"


_DEEP = json.loads("[" * 70 + "]" * 70)
_LOGOUT_BROKEN = {**LOGOUT, "brand_id": "", "note": "\ud800",
                  "event_type": {"PlayerLogout": {"channel_type": "mobileweb", "reason": _DEEP}}}


def _kinds(error: EventValidationError) -> list[tuple[str, str]]:
    return [(problem.path.split(".0.")[0], problem.kind) for problem in error.problems]


@pytest.mark.parametrize("route", ["str", "bytes", "dict"])
def test_unknown_fields_are_checked_when_the_known_ones_are_invalid(route: str) -> None:
    text = json.dumps(_LOGOUT_BROKEN)
    source: Any = {"str": text, "bytes": text.encode("utf-8", "surrogatepass"), "dict": _LOGOUT_BROKEN}[route]
    with pytest.raises(EventValidationError) as info:
        parse_event(source)
    assert _kinds(info.value) == [
        ("brand_id", "string_too_short"),
        ("event_type.PlayerLogout.channel_type", "enum"),
        ("note", "lone_surrogate"),
        ("event_type.PlayerLogout.reason", "too_deep"),
    ]


def test_unknown_fields_of_the_envelope_and_of_its_payload_are_both_reported() -> None:
    payload = {"channel_type": "MobileWeb", "reason": _DEEP}
    broken = {**LOGOUT, "note": "\ud800", "event_type": {"PlayerLogout": payload}}
    with pytest.raises(EventValidationError) as info:
        parse_event(json.dumps(broken))
    assert _kinds(info.value) == [("note", "lone_surrogate"), ("event_type.PlayerLogout.reason", "too_deep")]


def test_a_payload_reports_its_unknown_fields_with_its_invalid_ones() -> None:
    payload = {"channel_type": "mobileweb", "reason": {1, 2}}
    for read in (lambda: parse_payload("PlayerLogout", payload), lambda: PlayerLogout(**payload),
                 lambda: PlayerLogout.model_validate(payload)):
        with pytest.raises(EventValidationError) as info:
            read()
        assert _kinds(info.value) == [("channel_type", "enum"), ("reason", "not_serializable")]
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", json.dumps({"channel_type": "mobileweb", "reason": _DEEP}))
    assert _kinds(info.value) == [("channel_type", "enum"), ("reason", "too_deep")]


def test_an_envelope_built_with_an_invalid_field_reports_its_unknown_ones() -> None:
    with pytest.raises(EventValidationError) as info:
        Envelope(operator_id="", brand_id="b", player_id="p", timestamp=1777852800,
                 payload=PlayerLogout(channel_type=ChannelType.MobileWeb), note=Decimal("NaN"))
    assert _kinds(info.value) == [("operator_id", "string_too_short"), ("note", "number_not_finite")]


def test_strict_mode_reports_an_unknown_field_once() -> None:
    with pytest.raises(EventValidationError) as info:
        parse_event(json.dumps({**LOGOUT, "brand_id": "", "note": _DEEP}), strict=True)
    assert _kinds(info.value) == [("brand_id", "string_too_short"), ("note", "unknown_field")]
