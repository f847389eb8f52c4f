"""One truth, two routes: a stream entry read by the fast route gives what the exact route and parse_event give.

The Redis codec reads the common entry (redis-py's bytes, exactly the fields of the layout) with the fast
route, and everything else with the exact route, the only one that reports errors. The same entries go
through both: valid events, invalid ones (one field broken), and mutations of valid entries (bytes changed
in a value, a field dropped, added or renamed), in both modes. Whenever the fast route accepts, the exact
route accepts and gives an equal event, written to the same bytes; ``decode`` gives the exact route's
verdict and error, problem for problem; and a valid or invalid event gets the same verdict as the same
event given to ``parse_event`` as JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from thrilldrops_events import Envelope, EventValidationError, parse_event, to_json
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.codecs.json import fast_reader
from thrilldrops_events.testing import envelopes, invalid_envelopes

HEADER = ("operator_id", "brand_id", "player_id", "timestamp")


def as_bytes(fields: dict[str, str]) -> dict[bytes, bytes]:
    return {key.encode(): value.encode() for key, value in fields.items()}


def same(fast: Envelope, exact: Envelope) -> None:
    assert fast == exact
    assert to_json(fast) == to_json(exact)  # a Decimal's scale counts
    assert to_json(fast, money="number") == to_json(exact, money="number")
    for mine, theirs in ((fast, exact), (fast.payload, exact.payload)):
        assert type(mine) is type(theirs)
        assert list(mine.__dict__.items()) == list(theirs.__dict__.items())
        assert [type(v) for v in mine.__dict__.values()] == [type(v) for v in theirs.__dict__.values()]
        assert mine.model_extra == theirs.model_extra
        assert mine.model_fields_set == theirs.model_fields_set


def verdict(fields: Any, strict: bool) -> Envelope | EventValidationError:
    try:
        return codec.decode(fields, strict=strict)
    except EventValidationError as error:
        return error


def check_one_truth(fields: Any) -> None:
    """Both modes: the fast route accepts only what the exact route accepts, and decode is the exact route's."""
    for strict in (False, True):
        fast = codec._decode_fast(fields, strict)
        try:
            exact: Envelope | EventValidationError = codec._decode_exact(fields, strict)
        except EventValidationError as error:
            exact = error
        if fast is not None:
            assert isinstance(exact, Envelope), f"the fast route accepted what the exact route refuses: {fields!r}"
            same(fast, exact)
        got = verdict(fields, strict)
        if isinstance(exact, Envelope):
            assert isinstance(got, Envelope)
            same(got, exact)
        else:
            assert isinstance(got, EventValidationError)
            assert got.problems == exact.problems


def entry_of(wire: dict[str, Any]) -> dict[str, str] | None:
    """The stream entry holding a wire envelope, or ``None`` if a stream entry cannot say the same thing.

    A stream field is text: a header value that is neither text nor an integer (``5`` for an identifier,
    ``null``, an array) would be a different value there, so such an envelope has no faithful entry.
    """
    fields: dict[str, str] = {"format": codec.FORMAT}
    for name in HEADER:
        if name not in wire:
            continue
        value = wire[name]
        if name == "timestamp" and type(value) is int:
            fields[name] = str(value)
        elif name != "timestamp" and isinstance(value, str):
            fields[name] = value
        else:
            return None
    ((variant, payload),) = wire["event_type"].items()
    fields["event_type"] = variant
    fields["payload"] = json.dumps(payload, ensure_ascii=False)
    return fields


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(envelopes(unknown_fields=True), st.sampled_from(["string", "number"]))
def test_valid_events_are_read_the_same_by_both_routes_and_parse_event(envelope: Envelope, money: Any) -> None:
    fields = as_bytes(codec.encode(envelope, money=money))
    check_one_truth(fields)
    check_one_truth(codec.encode(envelope, money=money))  # str keys and values (decode_responses=True)
    read = codec.decode(fields)
    same(read, parse_event(to_json(envelope, money=money)))
    if not envelope.model_extra:  # the common entry takes the fast route when the fast reader reads its payload
        for strict in (False, True):
            if fast_reader().payload(envelope.event_type, fields[b"payload"], strict) is not None:
                assert codec._decode_fast(fields, strict) is not None


@given(invalid_envelopes())
def test_invalid_events_are_refused_by_both_routes_and_parse_event(invalid: Any) -> None:
    fields = entry_of(invalid.data)
    assume(fields is not None)
    assert fields is not None
    check_one_truth(as_bytes(fields))
    for strict in (False, True):
        assert codec._decode_fast(as_bytes(fields), strict) is None
        assert isinstance(verdict(as_bytes(fields), strict), EventValidationError)
        with pytest.raises(EventValidationError):
            parse_event(json.dumps(invalid.data), strict=strict)


_NOISE = [b" ", b"-", b"+", b".", b"0", b"1", b"9", b"e", b'"', b"\\", b"{", b"}", b"[", b"]", b",", b":", b"null",
          b"\\u0000", b"\\ud83d", b"\xc2\xa0", b"\xc3\xa9", b"\xff", b"\xed\xa0\x80", b"\x1c", b"\t", b"1e999999999",
          b"00", b"_", b"\xd9\xa1", b"0" * 13, b"x" * 256]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(envelopes(unknown_fields=True), st.data())
def test_mutated_entries_get_one_verdict(envelope: Envelope, data: st.DataObject) -> None:
    fields: dict[bytes, Any] = as_bytes(codec.encode(envelope))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        key = data.draw(st.sampled_from([*fields, b"extra", b"format", b"note"]), label="field")
        op = data.draw(st.sampled_from(["insert", "replace", "delete", "drop", "set", "rename"]), label="op")
        value = bytearray(fields.get(key, b""))
        at = data.draw(st.integers(0, len(value)), label="at")
        noise = data.draw(st.sampled_from(_NOISE), label="noise")
        if op == "insert":
            value[at:at] = noise
        elif op == "replace":
            value[at : at + len(noise)] = noise
        elif op == "delete":
            del value[at : at + data.draw(st.integers(1, 4), label="length")]
        if op == "drop":
            fields.pop(key, None)
        elif op == "set":
            fields[key] = noise
        elif op == "rename" and key in fields:
            fields[key.upper()] = fields.pop(key)
        else:
            fields[key] = bytes(value)
    check_one_truth(fields)


_DEPOSIT = {"format": "1", "event_type": "Deposit", "operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-42",
            "timestamp": "1777852800",
            "payload": '{"method_id":"visa","currency":"EUR","amount":"25.00","balance_after":null}'}


@pytest.mark.parametrize("change", [
    {}, {"format": None}, {"format": "2"}, {"format": ""}, {"timestamp": "1777852800000"}, {"timestamp": "0"},
    {"timestamp": "253402300799"}, {"timestamp": "253402300800"}, {"timestamp": "+1"}, {"timestamp": " 1"},
    {"timestamp": "1" * 21}, {"timestamp": "\u0661"}, {"timestamp": "1.0"}, {"operator_id": ""},
    {"operator_id": "x" * 255}, {"operator_id": "x" * 256}, {"brand_id": " b"}, {"player_id": "p\u00a0"},
    {"player_id": "p\x1c"}, {"player_id": "\u00e9\u00e8"}, {"event_type": "deposit"}, {"event_type": None},
    {"payload": "{}"}, {"payload": "[]"}, {"payload": None}, {"extra": "{}"}, {"note": "hello"},
    {"payload": '{"method_id":"visa","currency":"EUR","amount":"25.00","balance_after":null,"note":1}'},
    {"payload": '{"method_id":"visa","currency":"EUR","amount":25.00,"balance_after":"-0.00"}'},
])
def test_edges_of_the_fast_route(change: dict[str, str | None]) -> None:
    fields = {**_DEPOSIT, **change}
    check_one_truth(as_bytes({key: value for key, value in fields.items() if value is not None}))
    check_one_truth({key: value for key, value in fields.items() if value is not None})


@pytest.mark.parametrize("odd", [bytearray(b"p-42"), memoryview(b"p-42"), b"p-\xff", 42, None, "p-42"])
def test_values_of_other_types_get_one_verdict(odd: object) -> None:
    fields: dict[bytes, Any] = {**as_bytes(_DEPOSIT), b"player_id": odd}
    check_one_truth(fields)
    if not isinstance(odd, (bytes, bytearray)):
        assert codec._decode_fast(fields, False) is None
