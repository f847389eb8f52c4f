"""The JSON codec: round trips, unknown fields, strict mode, both reading routes agree, hostile input."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import (
    Envelope,
    EventType,
    EventValidationError,
    parse_event,
    parse_events,
    parse_payload,
    to_dict,
    to_json,
    to_ndjson,
)
from thrilldrops_events.codecs import json as codec
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES, loads_exact
from thrilldrops_events.codecs._wire import WIRE, envelope_from_wire
from thrilldrops_events.codecs._writer import write
from thrilldrops_events.testing import envelopes, invalid_envelopes, json_values, payloads

MONEY_STYLES = st.sampled_from(["string", "number"])


@given(envelopes(unknown_fields=True), MONEY_STYLES)
def test_envelope_round_trip(envelope: Envelope, style: str) -> None:
    raw = to_json(envelope, money=style)  # type: ignore[arg-type]
    again = parse_event(raw)
    assert again == envelope
    assert to_json(again, money=style) == raw  # type: ignore[arg-type]


@given(payloads(unknown_fields=True), MONEY_STYLES)
def test_payload_round_trip(payload: Any, style: str) -> None:
    raw = to_json(payload, money=style)
    assert parse_payload(payload.event_type, raw) == payload


@given(envelopes(unknown_fields=True))
def test_dict_round_trip(envelope: Envelope) -> None:
    assert parse_event(to_dict(envelope)) == envelope
    assert parse_event(to_dict(envelope, money="decimal")) == envelope


@given(envelopes())
def test_fast_and_exact_routes_agree(envelope: Envelope) -> None:
    raw = to_json(envelope)
    fast = parse_event(raw)  # money as plain strings: the native route
    exact = envelope_from_wire(codec._validate_mapping(WIRE, loads_exact(raw), False))
    assert fast == exact == envelope
    assert fast.model_dump() == exact.model_dump()


@given(invalid_envelopes())
def test_every_invalid_variant_names_the_broken_field(case: Any) -> None:
    for source in (case.data, json.dumps(case.data), json.dumps(case.data).encode()):
        with pytest.raises(EventValidationError) as info:
            parse_event(source)
        assert case.path in info.value.paths, (case.why, info.value.problems)


@given(envelopes(unknown_fields=True).filter(lambda e: bool(e.model_extra) or bool(e.payload.model_extra)))
def test_unknown_fields_survive_lenient_and_are_refused_strict(envelope: Envelope) -> None:
    raw = to_json(envelope)
    lenient = parse_event(raw)
    assert lenient.model_extra == envelope.model_extra
    assert lenient.payload.model_extra == envelope.payload.model_extra
    with pytest.raises(EventValidationError) as info:
        parse_event(raw, strict=True)
    assert {p.kind for p in info.value.problems} == {"unknown_field"}
    unknown = {*(envelope.model_extra or {}),
               *(f"event_type.{envelope.event_type.value}.{k}" for k in envelope.payload.model_extra or {})}
    assert set(info.value.paths) == unknown


@given(envelopes())
def test_valid_events_pass_strict_mode(envelope: Envelope) -> None:
    assert parse_event(to_json(envelope), strict=True) == envelope
    assert parse_event(to_json(envelope, money="number"), strict=True) == envelope


@pytest.mark.parametrize("strict", [False, True])
def test_every_mode_refuses_strings_for_integers(strict: bool) -> None:
    raw = to_dict(parse_event(b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1777852800,'
                              b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}'))
    raw["timestamp"] = "1777852800"
    for source in (raw, json.dumps(raw)):
        with pytest.raises(EventValidationError) as info:
            parse_event(source, strict=strict)
        assert info.value.paths == ("timestamp",)
        assert info.value.problems[0].message == "must be a JSON integer"


def test_unknown_field_numbers_are_written_back_unchanged() -> None:
    raw = (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"x":1.50,'
           b'"big":123456789012345678901234567890,"event_type":{"PlayerLogout":{"channel_type":"MobileWeb","ratio":0.30000000000000004,"n":[1.0,{"e":1E-9}]}}}')
    out = to_json(parse_event(raw))
    # every number keeps its exact text (key order may differ: unknown fields follow the known ones)
    assert json.loads(out, parse_float=str, parse_int=str) == json.loads(raw, parse_float=str, parse_int=str)
    for text in (b"1.50", b"123456789012345678901234567890", b"0.30000000000000004", b"[1.0,", b"1E-9"):
        assert text in out


@pytest.mark.parametrize(
    ("raw", "kind", "path"),
    [
        (b"", "json_invalid", ""),
        (b"{", "json_invalid", ""),
        (b"\xff\xfe\xfa", "json_invalid", ""),
        (b"[]", "not_an_object", ""),
        (b'"Deposit"', "not_an_object", ""),
        (b"null", "not_an_object", ""),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"Nope":{}}}',
         "unknown_variant", "event_type.Nope"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{}}', "variant_count",
         "event_type"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":'
         b'{"PlayerLogout":{"channel_type":"MobileWeb"},"PlayerLogin":{"channel_type":"MobileWeb","currency":"EUR"}}}',
         "variant_count", "event_type"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":"PlayerLogout"}',
         "model_type", "event_type"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"PlayerLogout":null}}',
         "model_type", "event_type.PlayerLogout"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"payload":1,'
         b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}', "reserved_field", "payload"),
        (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1777852800123,'
         b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}', "timestamp_milliseconds", "timestamp"),
    ],
)
def test_structural_problems_are_event_validation_errors(raw: bytes, kind: str, path: str) -> None:
    with pytest.raises(EventValidationError) as info:
        parse_event(raw)
    assert (path, kind) in {(p.path, p.kind) for p in info.value.problems}, info.value.problems


def test_milliseconds_message_says_so() -> None:
    with pytest.raises(EventValidationError, match="milliseconds"):
        parse_event(b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1777852800123,'
                    b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')


def test_unknown_event_type_name_in_parse_payload() -> None:
    with pytest.raises(EventValidationError, match="did you mean 'Deposit'"):
        parse_payload("Deposits", b"{}")


def test_all_problems_are_reported_at_once() -> None:
    raw = {"operator_id": "", "brand_id": " b", "player_id": "p", "timestamp": -1,
           "event_type": {"Deposit": {"method_id": "", "currency": "E", "amount": "-1", "balance_after": "x"}}}
    with pytest.raises(EventValidationError) as info:
        parse_event(raw)
    assert set(info.value.paths) == {"operator_id", "brand_id", "timestamp", "event_type.Deposit.method_id",
                                     "event_type.Deposit.currency", "event_type.Deposit.amount",
                                     "event_type.Deposit.balance_after"}
    assert isinstance(info.value, ValueError)


def test_pickled_error_keeps_its_problems() -> None:
    import pickle

    with pytest.raises(EventValidationError) as info:
        parse_event(b"[]")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems


# --- hostile input: only our own error, never a crash -------------------------------------------------------------


def assert_only_our_error(raw: Any) -> None:
    with contextlib.suppress(EventValidationError):
        parse_event(raw)


@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    assert_only_our_error(raw)


@given(json_values(max_leaves=20))
def test_random_json(value: Any) -> None:
    assert_only_our_error(json.dumps(value, default=str))
    if isinstance(value, dict):
        assert_only_our_error(value)


@given(st.builds(lambda k, v: {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1,
                               "event_type": {k: v}},
                 st.sampled_from([e.value for e in EventType]), json_values(max_leaves=10)))
def test_random_payloads(value: dict[str, Any]) -> None:
    assert_only_our_error(value)
    assert_only_our_error(json.dumps(value, default=str))


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_deep_nesting(depth: int) -> None:
    inner = "[" * depth + "]" * depth
    raw = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"x":' + inner +
           ',"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    with pytest.raises(EventValidationError) as info:
        parse_event(raw)
    assert info.value.problems[0].kind == "too_deep"


def test_huge_input_is_refused_unread() -> None:
    raw = b'{"operator_id":"' + b"x" * MAX_EVENT_BYTES + b'"}'
    with pytest.raises(EventValidationError) as info:
        parse_event(raw)
    assert info.value.problems[0].kind == "too_large"


def _document_of_size(size: int, filler: str = "\u00e9") -> str:
    """A valid envelope whose UTF-8 form is exactly ``size`` bytes, mostly ``filler`` in an unknown field."""
    head = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
            '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}},"note":"')
    room = size - len(head.encode()) - 2
    width = len(filler.encode("utf-8", "surrogatepass"))
    return head + filler * (room // width) + "a" * (room % width) + '"}'


@pytest.mark.parametrize("filler", ["\u00e9", "\u20ac", "\U0001f600", "a"])
def test_size_limit_counts_utf8_bytes_for_every_input_type(filler: str) -> None:
    """Bytes, text, a bytearray and a memoryview of the same document get the same verdict at the limit."""
    for size, verdict in ((MAX_EVENT_BYTES, None), (MAX_EVENT_BYTES + 1, "too_large")):
        text = _document_of_size(size, filler)
        assert len(text.encode()) == size
        raw = text.encode()
        for data in (raw, text, bytearray(raw), memoryview(raw)):
            assert _verdict(data) == verdict, (type(data), size)


def test_a_line_at_the_size_limit_is_read_alike_from_whole_text_and_line_by_line(tmp_path: Any) -> None:
    """A file's lines keep their final newline; it is not part of the line, so not of its size."""
    line = _document_of_size(MAX_EVENT_BYTES).encode()
    path = tmp_path / "events.ndjson"
    path.write_bytes(line + b"\n" + line + b"\n")
    def verdicts(data: Any) -> list[tuple[int, str | None]]:
        return [(parsed.line, parsed.error and parsed.error.problems[0].kind) for parsed in codec.decode_lines(data)]

    with path.open("rb") as file:
        by_line = verdicts(file)
    whole = verdicts(path.read_bytes())
    texts = verdicts(path.read_text(encoding="utf-8").splitlines(keepends=True))
    assert whole == by_line == texts == [(1, None), (2, None)]


def _verdict(data: Any) -> str | None:
    try:
        parse_event(data)
    except EventValidationError as error:
        return error.problems[0].kind
    return None


def test_size_limit_of_text_with_a_lone_surrogate() -> None:
    """A lone surrogate counts as its three bytes; under the limit its own error stays."""
    small = _document_of_size(1000).replace("a", "\ud800", 1)
    with pytest.raises(EventValidationError) as info:
        parse_event(small)
    assert info.value.problems[0].kind == "lone_surrogate"
    big = _document_of_size(MAX_EVENT_BYTES - 2).replace('"}', '\ud800"}')
    with pytest.raises(EventValidationError) as info:
        parse_event(big)
    assert info.value.problems[0].kind == "too_large"


def test_size_limit_of_a_payload_counts_utf8_bytes() -> None:
    text = '{"channel_type":"MobileWeb","note":"' + "\u00e9" * (MAX_EVENT_BYTES // 2) + '"}'
    for data in (text, text.encode()):
        with pytest.raises(EventValidationError) as info:
            parse_payload("PlayerLogout", data)
        assert info.value.problems[0].kind == "too_large"


def test_huge_string_field_is_a_clear_error() -> None:
    raw = {"operator_id": "x" * 100_000, "brand_id": "b", "player_id": "p", "timestamp": 1,
           "event_type": {"PlayerLogout": {"channel_type": "MobileWeb"}}}
    with pytest.raises(EventValidationError) as info:
        parse_event(raw)
    assert info.value.paths == ("operator_id",)


def test_lone_surrogates_are_refused_or_round_trip() -> None:
    raw = ('{"operator_id":"o\\ud800","brand_id":"b","player_id":"p","timestamp":1,'
           '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    try:
        env = parse_event(raw)
    except EventValidationError:
        return
    assert parse_event(to_json(env)) == env


# --- NDJSON ----------------------------------------------------------------------------------------------------------


@given(st.lists(envelopes(), max_size=5), st.lists(st.integers(0, 6), max_size=3))
def test_ndjson_reports_bad_lines_and_goes_on(events: list[Envelope], bad_at: list[int]) -> None:
    lines = to_ndjson(events).splitlines()
    for index in sorted(set(bad_at), reverse=True):
        lines.insert(min(index, len(lines)), b'{"broken":')
    results = list(parse_events(b"\n".join(lines)))
    assert [r.event for r in results if r.event is not None] == events
    bad = [r for r in results if r.error is not None]
    assert len(bad) == len(set(bad_at))
    for result in bad:
        assert result.error is not None and result.error.line == result.line
        assert lines[result.line - 1] == b'{"broken":'


def test_ndjson_from_an_iterable_of_lines_and_blank_lines() -> None:
    text = to_ndjson(list(payload_envelopes())).decode()
    lines = [*text.splitlines(keepends=True), "\n", "   \n"]
    results = list(parse_events(iter(lines)))
    assert len(results) == 2 and all(r.error is None for r in results)


_LINE_BREAKS_IN_JSON = st.text(
    alphabet=st.sampled_from(["\u2028", "\u2029", "\x85", "\r", "\x0b", "\x0c", "a", "\u00e9"]), max_size=6
)


@given(st.lists(st.tuples(envelopes(), _LINE_BREAKS_IN_JSON), max_size=4), MONEY_STYLES)
def test_ndjson_lines_split_on_newline_only(items: list[tuple[Envelope, str]], style: str) -> None:
    """U+2028, U+2029, U+0085 (written raw by ``to_json``) never split a line, as text or as bytes."""
    events = []
    for envelope, text in items:
        login = {"PlayerLogin": {"channel_type": "MobileWeb", "currency": "EUR", "jurisdiction": f"J{text}J"}}
        events += [envelope, parse_event({**to_dict(envelope), "event_type": login})]
    ndjson = to_ndjson(events, money=style)  # type: ignore[arg-type]
    for data in (ndjson, ndjson.decode(), bytearray(ndjson), memoryview(ndjson)):
        results = list(parse_events(data))
        assert [r.line for r in results] == list(range(1, len(events) + 1))
        assert [r.event for r in results] == events


def test_ndjson_bare_carriage_return_is_whitespace_not_a_line_break() -> None:
    raw = payload_line()
    spaced = raw.replace(b',"brand_id"', b',\r"brand_id"').replace(b"}}}", b"}}}\r")
    for data in (spaced + b"\n" + raw + b"\r\n\r\n" + raw, (spaced + b"\r\n" + raw).decode()):
        results = list(parse_events(data))
        assert all(r.error is None for r in results), results
        assert [r.line for r in results] == ([1, 2, 4] if isinstance(data, bytes) else [1, 2])


def test_ndjson_blank_lines_are_the_same_for_text_and_bytes() -> None:
    text = "\n \t\r\n\u2028\n" + payload_line().decode()
    for data in (text, text.encode()):
        results = [(r.line, r.error.problems[0].kind if r.error else None) for r in parse_events(data)]
        assert results == [(3, "json_invalid"), (4, None)]


def payload_line() -> bytes:
    return (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
            b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')


def payload_envelopes() -> list[Envelope]:
    raw = (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
           b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    return [parse_event(raw), parse_event(raw.replace(b"MobileWeb", b"DesktopWeb"))]


@given(envelopes(), MONEY_STYLES)
def test_native_and_general_writers_agree(envelope: Envelope, style: str) -> None:
    """The native writer (no unknown fields) and the general one write the same JSON values, exactly."""
    native = to_json(envelope, money=style)  # type: ignore[arg-type]
    out: list[str] = []
    write(to_dict(envelope, money="decimal"), style == "number", out)
    general = "".join(out).encode()
    exact = {"parse_float": str, "parse_int": str}
    assert json.loads(native, **exact) == json.loads(general, **exact)


def test_a_line_that_is_not_text_is_reported_not_raised() -> None:
    results = list(parse_events([None, 5, b"", b"{}"]))  # type: ignore[list-item]
    assert [result.line for result in results] == [1, 2, 4]
    assert all(result.event is None and result.error is not None for result in results)
    assert results[0].error is not None and results[0].error.problems[0].kind == "not_an_object"


_BOM_BODY = (b'{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-42","timestamp":1777852800,'
             b'"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":25.00,"balance_after":null}}}')


@pytest.mark.parametrize("body", [_BOM_BODY, _BOM_BODY.replace(b"25.00", b"1e999999999"), _BOM_BODY[:-1], b""])
def test_a_leading_byte_order_mark_gets_the_same_verdict_from_bytes_and_text(body: bytes) -> None:
    marked = b"\xef\xbb\xbf" + body

    def verdict(raw: bytes | str) -> Any:
        try:
            return to_json(parse_event(raw))
        except EventValidationError as error:
            return error.problems

    assert verdict(marked.decode()) == verdict(marked) == verdict(memoryview(marked))
    assert verdict(marked.decode()) == verdict(body)


def test_a_payload_after_a_byte_order_mark_is_read_from_text_as_from_bytes() -> None:
    marked = b'\xef\xbb\xbf{"method_id":"visa","currency":"EUR","amount":25.00}'
    assert parse_payload("Deposit", marked.decode()) == parse_payload("Deposit", marked)


NOT_FLAGS = ["yes", "", None, 1, 0, 1.0, [], Decimal(0)]


@pytest.mark.parametrize("value", NOT_FLAGS, ids=repr)
def test_a_strict_or_skip_blank_that_is_not_a_bool_is_a_type_error_naming_it(value: Any) -> None:
    line = '{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}'  # noqa: E501
    message = f"^strict must be True or False, not {type(value).__name__}$"
    for raw in (line, line.encode(), json.loads(line)):  # the fast route and the exact one alike
        with pytest.raises(TypeError, match=message):
            parse_event(raw, strict=value)
    for raw in ('{"channel_type":"MobileWeb"}', {"channel_type": "MobileWeb"}):
        with pytest.raises(TypeError, match=message):
            parse_payload("PlayerLogout", raw, strict=value)
    with pytest.raises(TypeError, match=message):
        list(parse_events(line, strict=value))
    with pytest.raises(TypeError, match=f"^skip_blank must be True or False, not {type(value).__name__}$"):
        list(parse_events(line + "\n\n", skip_blank=value))


@pytest.mark.parametrize("data", [None, 5, 1.5, {"operator_id": "o"}, object()], ids=lambda data: type(data).__name__)
def test_parse_events_given_neither_text_nor_lines_is_a_type_error_naming_data(data: Any) -> None:
    with pytest.raises(TypeError, match=f"^data must be NDJSON text .* not {type(data).__name__}"):
        list(parse_events(data))


def test_to_ndjson_given_one_event_or_no_iterable_is_a_type_error_naming_objs() -> None:
    envelope = parse_event(b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
                           b'"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    for objs in (None, 5, envelope, envelope.payload, to_dict(envelope), "abc", b"abc"):
        with pytest.raises(TypeError, match=f"^objs must be an iterable of envelopes or payloads, not "
                                            f"{type(objs).__name__}"):
            to_ndjson(objs)  # type: ignore[arg-type]
    assert to_ndjson(iter([envelope])) == to_json(envelope) + b"\n"
