"""CloudEvents interop, checked against the official `cloudevents` SDK in both directions."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from cloudevents.core.bindings import http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from cloudevents.v1 import conversion as v1_conversion
from cloudevents.v1 import http as v1_http
from hypothesis import given

from thrilldrops_events import Deposit, Envelope, EventType, EventValidationError, PlayerLogin, parse_event, to_json
from thrilldrops_events._docs import example_envelope
from thrilldrops_events.codecs import cloudevents as ce
from thrilldrops_events.codecs.json import to_dict
from thrilldrops_events.schema import json_schema
from thrilldrops_events.testing import envelopes


def _problems(error: pytest.ExceptionInfo[EventValidationError]) -> dict[str, str]:
    return {p.path: p.kind for p in error.value.problems}


# -- the mapping --------------------------------------------------------------------------------------------


def test_attributes_of_an_envelope() -> None:
    envelope = example_envelope("Deposit")
    event = ce.to_cloudevent(envelope)
    assert event == {
        "specversion": "1.0",
        "id": ce.event_id(envelope),
        "source": "/thrilldrops/operators/op-1/brands/brand-7",
        "type": "com.thrilldrops.events.Deposit",
        "subject": "p-000042",
        "time": "2026-05-04T00:00:00Z",
        "datacontenttype": "application/json",
        "dataschema": json_schema("Deposit")["$id"],
        "data": {"method_id": "visa", "currency": "EUR", "amount": "25.00", "balance_after": "125.40"},
    }
    assert json.loads(ce.encode(envelope)) == event


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_variant_has_a_documented_reverse_dns_type(event_type: EventType) -> None:
    assert ce.cloudevent_type(event_type) == f"com.thrilldrops.events.{event_type.value}"
    assert ce.to_cloudevent(example_envelope(event_type))["type"] == ce.cloudevent_type(event_type)


def test_source_percent_encodes_the_ids_and_takes_a_prefix() -> None:
    envelope = Envelope(operator_id="op/1 x", brand_id="bränd?#", player_id="p 1", timestamp=0,
                        payload=example_envelope("PlayerLogout").payload)
    event = ce.to_cloudevent(envelope, source_prefix="https://casino.example/events")
    assert event["source"] == "https://casino.example/events/operators/op%2F1%20x/brands/br%C3%A4nd%3F%23"
    assert event["subject"] == "p 1" and event["time"] == "1970-01-01T00:00:00Z"
    assert ce.from_cloudevent(event) == envelope


@pytest.mark.parametrize("prefix", [None, 5, b"/thrilldrops", "/x\ud800"], ids=["None", "int", "bytes", "surrogate"])
def test_a_source_prefix_that_is_not_text_is_refused_not_written_as_its_repr(prefix: Any) -> None:
    envelope = example_envelope("PlayerLogout")
    for write in (ce.to_cloudevent, ce.encode, ce.to_sdk_event):
        with pytest.raises(EventValidationError) as error:
            write(envelope, source_prefix=prefix)
        assert _problems(error) == {"source": "invalid_source"}


def test_the_id_is_stable_derived_from_content_and_can_be_given() -> None:
    envelope = example_envelope("Transaction")
    assert ce.to_cloudevent(envelope)["id"] == ce.to_cloudevent(parse_event(to_json(envelope)))["id"]
    later = envelope.model_copy(update={"timestamp": envelope.timestamp + 1})
    assert ce.event_id(later) != ce.event_id(envelope)
    assert len(ce.event_id(envelope)) == 64
    assert ce.to_cloudevent(envelope, id="evt-1")["id"] == "evt-1"
    with pytest.raises(EventValidationError) as error:
        ce.to_cloudevent(envelope, id="")
    assert _problems(error) == {"id": "invalid_id"}


def test_the_session_token_never_reaches_an_attribute() -> None:
    token = "tok-SECRET-4711"
    base = example_envelope("PlayerLogin")

    def with_token(value: str) -> Envelope:
        payload = PlayerLogin(**{**base.payload.model_dump(), "session_token": value})
        return base.model_copy(update={"payload": payload})

    envelope = with_token(token)
    event = ce.to_cloudevent(envelope, id=None)
    attributes = {k: v for k, v in event.items() if k != "data"}
    assert token not in json.dumps(attributes)
    assert event["data"]["session_token"] == token  # the payload itself keeps it
    assert ce.event_id(with_token("another")) == ce.event_id(envelope), "the id is not a function of the token"
    assert token not in repr(ce.to_sdk_event(envelope).get_attributes())


def test_unknown_envelope_fields_travel_in_an_extension_attribute() -> None:
    raw = (b'{"operator_id":"op","brand_id":"b","player_id":"p","timestamp":5,"note":{"n":1.50,"l":[true,null]},'
           b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb","extra":0.10}}}')
    envelope = parse_event(raw)
    event = ce.to_cloudevent(envelope)
    assert event[ce.EXTRA_ATTRIBUTE] == '{"note":{"n":1.50,"l":[true,null]}}'
    body = ce.encode(envelope)
    assert b'"extra":0.10' in body
    back = ce.decode(body)
    assert back == envelope and to_json(back) == to_json(envelope)


@given(envelopes(unknown_fields=True))
def test_round_trip_is_exact(envelope: Envelope) -> None:
    back = ce.decode(ce.encode(envelope))
    assert back == envelope
    assert to_json(back) == to_json(envelope)
    assert to_json(back, money="number") == to_json(envelope, money="number")


def test_money_sent_as_json_numbers_is_read_exactly() -> None:
    event = ce.to_cloudevent(example_envelope("Deposit"))
    text = json.dumps(event).replace('"amount": "25.00"', '"amount": 25.00').replace(
        '"balance_after": "125.40"', '"balance_after": 0.1')
    envelope = ce.decode(text)
    assert isinstance(envelope.payload, Deposit)
    assert str(envelope.payload.amount) == "25.00" and envelope.payload.balance_after == Decimal("0.1")


def test_time_with_an_offset_or_a_fraction() -> None:
    event = ce.to_cloudevent(example_envelope("PlayerLogout"))
    assert ce.from_cloudevent({**event, "time": "2026-05-04T02:00:00.999+02:00"}).timestamp == 1777852800
    assert ce.from_cloudevent({**event, "time": "2026-05-03T19:00:00.5-05:00"}).timestamp == 1777852800
    aware = datetime(2026, 5, 4, tzinfo=timezone(timedelta(hours=1)))
    assert ce.from_cloudevent({**event, "time": aware}).timestamp == 1777849200


@pytest.mark.parametrize("time", ["2026-05-04T00:00:00Z\n", "2026-05-04T00:00:00+02:00\n",
                                  "\u0662\u0660\u0662\u0666-05-04T00:00:00Z", "2026-05-04T\uff10\uff10:00:00Z",
                                  "2026-05-04T00:00:00.\u0661Z", "2026-05-04T00:00:00+0\u0662:00"])
def test_a_time_the_sdk_refuses_as_not_rfc_3339_is_refused(time: str) -> None:
    """RFC 3339 digits are ASCII and nothing follows the offset: the SDK refuses such a time, and the library too."""
    event = {**ce.to_cloudevent(example_envelope("PlayerLogout")), "time": time}
    raw = json.dumps(event).encode()
    with pytest.raises(ValueError, match=r"only ASCII characters|Time zone offset must be"):
        http.from_structured_event(http.HTTPMessage({"content-type": ce.CONTENT_TYPE}, raw))
    for read in (ce.from_cloudevent, ce.decode):
        with pytest.raises(EventValidationError) as error:
            read(event if read is ce.from_cloudevent else raw)
        assert _problems(error) == {"time": "time_syntax"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"specversion": "0.3"}, {"specversion": "specversion"}),
        ({"type": "com.example.deposit"}, {"type": "unknown_variant"}),
        ({"type": "com.thrilldrops.events.deposit"}, {"type": "unknown_variant"}),
        ({"source": "/thrilldrops/op-1"}, {"source": "source_syntax"}),
        ({"source": "/thrilldrops/operators/%FF/brands/b"}, {"source": "source_syntax"}),
        ({"source": "/thrilldrops/operators/%20op/brands/b"}, {"source": "string_pattern_mismatch"}),
        ({"time": "yesterday"}, {"time": "time_syntax"}),
        ({"time": "2026-02-30T00:00:00Z"}, {"time": "time_syntax"}),
        ({"time": "2026-05-04T00:00:00"}, {"time": "time_syntax"}),
        ({"time": "1969-12-31T23:59:59Z"}, {"time": "greater_than_equal"}),
        ({"time": datetime(2026, 5, 4)}, {"time": "naive_datetime"}),
        ({"time": 1777852800}, {"time": "time_type"}),
        ({"subject": ""}, {"subject": "string_too_short"}),
        ({"datacontenttype": "text/plain"}, {"datacontenttype": "content_type"}),
        ({"data": "25.00"}, {"data": "not_an_object"}),
        ({"data": {"method_id": "visa", "currency": "EUR"}}, {"data.amount": "missing"}),
        ({ce.EXTRA_ATTRIBUTE: "[1]"}, {ce.EXTRA_ATTRIBUTE: "not_an_object"}),
        ({ce.EXTRA_ATTRIBUTE: "{"}, {ce.EXTRA_ATTRIBUTE: "json_invalid"}),
        ({ce.EXTRA_ATTRIBUTE: '{"timestamp":1}'}, {f"{ce.EXTRA_ATTRIBUTE}.timestamp": "reserved_field"}),
        ({ce.EXTRA_ATTRIBUTE: '{"payload":1}'}, {f"{ce.EXTRA_ATTRIBUTE}.payload": "reserved_field"}),
    ],
)
def test_bad_cloudevents_name_the_attribute(change: dict[str, Any], expected: dict[str, str]) -> None:
    event = {**ce.to_cloudevent(example_envelope("Deposit")), **change}
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event)
    assert _problems(error) == expected
    with pytest.raises(EventValidationError) as again:
        ce.decode(json.dumps(event, default=str))
    assert set(_problems(again)) == set(expected)


def test_missing_attributes_are_all_reported() -> None:
    with pytest.raises(EventValidationError) as error:
        ce.decode(b'{"specversion":"1.0","type":"com.thrilldrops.events.Deposit"}')
    assert _problems(error) == {"source": "missing", "time": "missing", "subject": "missing", "data": "missing"}


@pytest.mark.parametrize("raw", [b"[]", b"nope", b'"x"', b"{" * 100_000])
def test_malformed_documents(raw: bytes) -> None:
    with pytest.raises(EventValidationError):
        ce.decode(raw)


def test_strict_refuses_unknown_payload_fields() -> None:
    event = ce.to_cloudevent(example_envelope("PlayerLogout"))
    event["data"]["note"] = 1
    assert ce.from_cloudevent(event).payload.model_extra == {"note": 1}
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event, strict=True)
    assert _problems(error) == {"data.note": "unknown_field"}


def test_data_base64_is_read() -> None:
    import base64

    event = ce.to_cloudevent(example_envelope("Deposit"))
    data = event.pop("data")
    event["data_base64"] = base64.b64encode(json.dumps(data).encode()).decode()
    assert ce.from_cloudevent(event) == example_envelope("Deposit")
    event["data_base64"] = "!!"
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event)
    assert _problems(error) == {"data_base64": "base64_invalid"}


def test_data_and_data_base64_together_are_refused() -> None:
    # the JSON format makes them mutually exclusive; the official SDK refuses such an event too
    import base64

    event = ce.to_cloudevent(example_envelope("Deposit"))
    event["data_base64"] = base64.b64encode(json.dumps(event["data"]).encode()).decode()
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event)
    assert _problems(error) == {"data_base64": "data_conflict"}
    with pytest.raises(EventValidationError) as error:
        ce.decode(json.dumps(event).encode())
    assert _problems(error) == {"data_base64": "data_conflict"}
    event["data"] = None  # a null data member beside data_base64: the binary data is read, as the SDK does
    assert ce.from_cloudevent(event) == example_envelope("Deposit")


@pytest.mark.parametrize("bad", [None, 5, "event", b"{}"])
def test_not_a_cloudevent(bad: Any) -> None:
    with pytest.raises(EventValidationError):
        ce.from_cloudevent(bad)
    with pytest.raises(EventValidationError):
        ce.to_cloudevent(bad)


# -- the official SDK, both directions ---------------------------------------------------------------------


@given(envelopes())
def test_sdk_reads_what_we_write_and_we_read_what_it_writes(envelope: Envelope) -> None:
    # ours -> SDK: the SDK parses our structured JSON and validates the attributes
    parsed = http.from_structured_event(http.HTTPMessage(headers={"content-type": ce.CONTENT_TYPE},
                                                         body=ce.encode(envelope)))
    assert parsed.get_type() == ce.cloudevent_type(envelope.event_type)
    assert parsed.get_subject() == envelope.player_id
    assert parsed.get_time() == envelope.time
    assert parsed.get_data() == to_dict(envelope.payload)
    assert ce.from_cloudevent(parsed) == envelope
    # SDK -> ours: an SDK event written by the SDK in structured and binary mode
    event = ce.to_sdk_event(envelope)
    structured = http.to_structured_event(event)
    assert ce.decode(structured.body) == envelope
    binary = http.to_binary_event(event)
    assert ce.from_cloudevent(http.from_binary_event(binary)) == envelope


def test_an_event_built_with_the_sdk_alone_is_read() -> None:
    event = CloudEvent(
        attributes={"type": "com.thrilldrops.events.Deposit", "source": "/wallet/operators/op-9/brands/b-1",
                    "subject": "p-7", "time": datetime(2026, 5, 4, 12, 30, tzinfo=timezone.utc), "id": "w-1",
                    "datacontenttype": "application/json", "traceparent": "00-abc-def-01"},
        data={"method_id": "visa", "currency": "EUR", "amount": "10.50"},
    )
    body = JSONFormat().write(event)
    for envelope in (ce.decode(body), ce.from_cloudevent(event)):
        assert (envelope.operator_id, envelope.brand_id, envelope.player_id) == ("op-9", "b-1", "p-7")
        assert envelope.time == datetime(2026, 5, 4, 12, 30, tzinfo=timezone.utc)
        assert isinstance(envelope.payload, Deposit) and str(envelope.payload.amount) == "10.50"
        assert envelope.model_extra == {}, "other extension attributes are not envelope fields"


def test_the_sdk_reads_money_numbers_as_floats_which_are_refused() -> None:
    event = CloudEvent(
        attributes={"type": "com.thrilldrops.events.Deposit", "source": "/w/operators/o/brands/b", "subject": "p",
                    "time": datetime(2026, 5, 4, tzinfo=timezone.utc)},
        data={"method_id": "visa", "currency": "EUR", "amount": 10.5},
    )
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event)
    assert _problems(error) == {"data.amount": "money_float"}
    assert str(ce.decode(JSONFormat().write(event)).payload.amount) == "10.5"  # type: ignore[union-attr]


def test_sdk_data_that_is_not_json_is_reported_as_such() -> None:
    attributes = ce.to_sdk_event(example_envelope("Deposit")).get_attributes()
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(CloudEvent(dict(attributes), b'{"amount": '))
    assert _problems(error) == {"data": "json_invalid"}
    assert "(the payload)" not in str(error.value)


def test_the_v1_style_api_too() -> None:
    envelope = example_envelope("ThrillPotsWinEvent")
    old_style = v1_http.from_json(ce.encode(envelope))
    assert old_style["type"] == "com.thrilldrops.events.ThrillPotsWinEvent"
    assert ce.from_cloudevent(old_style) == envelope
    _, body = v1_conversion.to_structured(old_style)
    assert ce.decode(body) == envelope


def test_sdk_event_refuses_what_the_sdk_would_write_inexactly() -> None:
    envelope = parse_event(b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":'
                           b'{"PlayerLogout":{"channel_type":"MobileWeb","ratio":0.1}}}')
    with pytest.raises(EventValidationError) as error:
        ce.to_sdk_event(envelope)
    assert _problems(error) == {"data": "not_representable"}
    assert ce.decode(ce.encode(envelope)) == envelope


def test_sdk_event_attributes() -> None:
    envelope = example_envelope("PlayerLogin")
    event = ce.to_sdk_event(envelope, id="x-1", source_prefix="/login")
    assert event.get_id() == "x-1"
    assert event.get_source() == "/login/operators/op-1/brands/brand-7"
    assert event.get_time() == envelope.time
    assert event.get_dataschema() == json_schema("PlayerLogin")["$id"]
    assert isinstance(envelope.payload, PlayerLogin)


def test_import_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['cloudevents'] = None\n"
        "try:\n    import thrilldrops_events.codecs.cloudevents\n"
        "except ImportError as error:\n    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'thrilldrops-events[cloudevents]'" in out


def test_attribute_and_payload_problems_are_reported_together() -> None:
    event = {**ce.to_cloudevent(example_envelope("Deposit")), "source": "/nowhere"}
    event["data"] = {**event["data"], "amount": "25,00"}
    with pytest.raises(EventValidationError) as error:
        ce.from_cloudevent(event)
    assert _problems(error) == {"source": "source_syntax", "data.amount": "money_syntax"}


@pytest.mark.parametrize("junk", [[], None, 3, {"specversion": "1.0"}])
def test_decode_of_something_that_is_not_json_text_says_so(junk: Any) -> None:
    with pytest.raises(EventValidationError, match=f"JSON text \\(bytes or str\\), not {type(junk).__name__}") as error:
        ce.decode(junk)
    assert _problems(error) == {"": "not_an_object"}


def _as_cloudevent(variant: str, data: bytes) -> bytes:
    """A structured CloudEvent around raw payload JSON, with every attribute right."""
    return (b'{"specversion":"1.0","id":"x","source":"/thrilldrops/operators/op-1/brands/brand-7","type":"'
            + ce.cloudevent_type(variant).encode() + b'","subject":"p-000042","time":"2026-05-04T00:00:00Z",'
            b'"data":' + data + b"}")


def _as_envelope(variant: str, data: bytes) -> bytes:
    return (b'{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-000042","timestamp":1777852800,'
            b'"event_type":{"' + variant.encode() + b'":' + data + b"}}")


@pytest.mark.parametrize(
    ("variant", "data"),
    [
        ("Deposit", b'{"method_id":"\\ud800","currency":"EUR","amount":"1"}'),
        ("Deposit", b'{"method_id":"visa","currency":"EUR","amount":"\\ud800"}'),
        ("Deposit", b'{"method_id":"visa","currency":"EUR","amount":' + b"[" * 70 + b"]" * 70 + b"}"),
        ("Transaction", b'{"provider_id":"p","game_id":' + b"[" * 63 + b"]" * 63 + b',"gameround_id":"r",'
                        b'"currency":"EUR","game_bet":1,"bonus_bet":0,"real_bet":1,"jackpot_bet":0,"game_win":0,'
                        b'"jackpot_win":0,"is_free_spin":"\\udc00","round_finished":true}'),
        ("PlayerLogout", b'{"channel_type":"MobileWeb","note":"\\ud800","deep":' + b"[" * 70 + b"]" * 70 + b"}"),
        ("PlayerLogin", b'{"channel_type":"MobileWeb","currency":"EUR","session_token":"\\ud83d"}'),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_payload_problems_are_those_parse_event_reports_each_once(variant: str, data: bytes, strict: bool) -> None:
    with pytest.raises(EventValidationError) as expected:
        parse_event(_as_envelope(variant, data), strict=strict)
    prefix = f"event_type.{variant}"
    wanted = sorted((p.path.replace(prefix, "data", 1), p.kind) for p in expected.value.problems)
    with pytest.raises(EventValidationError) as error:
        ce.decode(_as_cloudevent(variant, data), strict=strict)
    assert sorted((p.path, p.kind) for p in error.value.problems) == wanted


@pytest.mark.parametrize("value", ["yes", None, 1, 0, []], ids=repr)
def test_a_strict_that_is_not_a_bool_is_a_type_error_naming_it(value: Any) -> None:
    structured = ce.encode(example_envelope("Deposit"))
    message = f"^strict must be True or False, not {type(value).__name__}$"
    with pytest.raises(TypeError, match=message):
        ce.decode(structured, strict=value)
    with pytest.raises(TypeError, match=message):
        ce.from_cloudevent(json.loads(structured), strict=value)
