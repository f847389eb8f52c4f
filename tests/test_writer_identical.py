"""The msgspec writer of events without unknown fields writes the same bytes as the pydantic writer it replaced.

`pydantic_writer` below is that former writer, kept here as the reference: pydantic's serializer for the
payload (money as strings, the session token revealed by the wire context), JSON numbers made by
unquoting the money strings, and the envelope's identifiers written by ``json``'s encoder (text as UTF-8,
control characters, quotes and backslashes escaped, as pydantic writes the payload's text).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import Envelope, EventPayload, PlayerLogin, parse_event, to_json
from thrilldrops_events._fields import payload_fields
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.testing import envelopes, payloads
from thrilldrops_events.types import WIRE_CONTEXT

ENCODE_STR = json.encoder.encode_basestring
MONEY_KEYS = {e: tuple((s.name, f'"{s.name}":'.encode()) for s in payload_fields(e) if s.constraints.integer_digits)
              for e in EventType}


def pydantic_writer(obj: Envelope | EventPayload, money: Any) -> bytes:
    payload = obj.payload if isinstance(obj, Envelope) else obj
    body = payload.__pydantic_serializer__.to_json(payload, context=WIRE_CONTEXT)
    if money == "number":
        for name, key in MONEY_KEYS[payload.event_type]:
            value = getattr(payload, name)
            if value is not None:
                text = str(value).encode()
                body = body.replace(b'%s"%s"' % (key, text), key + text, 1)
    if payload is obj:
        return body
    assert isinstance(obj, Envelope)
    return b"".join((
        b'{"operator_id":', ENCODE_STR(obj.operator_id).encode(), b',"brand_id":', ENCODE_STR(obj.brand_id).encode(),
        b',"player_id":', ENCODE_STR(obj.player_id).encode(), b',"timestamp":', str(obj.timestamp).encode(),
        b',"event_type":{"', payload.event_type.value.encode(), b'":', body, b"}}",
    ))


@pytest.mark.parametrize("money", ["string", "number"])
def test_the_examples_are_written_the_same(money: Any) -> None:
    examples = Path(__file__).parents[1] / "examples" / "events.ndjson"
    for line in examples.read_bytes().splitlines():
        envelope = parse_event(line)
        assert to_json(envelope, money=money) == pydantic_writer(envelope, money)
        assert to_json(envelope.payload, money=money) == pydantic_writer(envelope.payload, money)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).map(
    lambda text: f"x{text}x")


@pytest.mark.parametrize("text", ["x\x7fx", "x\x1fx", "xéx", "x\"\\x"])
def test_identifiers_with_escaped_characters_are_written_the_same(text: str) -> None:
    examples = Path(__file__).parents[1] / "examples" / "events.ndjson"
    envelope = parse_event(examples.read_bytes().splitlines()[0]).model_copy(update={"player_id": text})
    assert to_json(envelope) == pydantic_writer(envelope, "string")


@given(envelopes(), st.sampled_from(["string", "number"]), st.data())
def test_every_envelope_is_written_the_same(envelope: Envelope, money: Any, data: st.DataObject) -> None:
    if data.draw(st.booleans()):  # identifiers and a session token with control, non-ASCII and escaped characters
        envelope = envelope.model_copy(update={"player_id": data.draw(_TEXT), "brand_id": data.draw(_TEXT)})
    assert to_json(envelope, money=money) == pydantic_writer(envelope, money)
    token = PlayerLogin(channel_type=ChannelType.MobileWeb, currency="EUR", session_token=data.draw(_TEXT))
    assert to_json(token, money=money) == pydantic_writer(token, money)


@given(payloads(), st.sampled_from(["string", "number"]))
def test_every_payload_is_written_the_same(payload: EventPayload, money: Any) -> None:
    assert to_json(payload, money=money) == pydantic_writer(payload, money)


def exact_writer(obj: Envelope | EventPayload, money: Any) -> bytes:
    """The exact writer, which wrote every event with unknown fields before msgspec could."""
    from thrilldrops_events.codecs._writer import write
    from thrilldrops_events.codecs.json import to_dict

    out: list[str] = []
    write(to_dict(obj, money="decimal"), money == "number", out)
    return "".join(out).encode()


@given(envelopes(unknown_fields=True), st.sampled_from(["string", "number"]), st.data())
def test_events_with_unknown_fields_are_written_the_same(envelope: Envelope, money: Any, data: st.DataObject) -> None:
    if data.draw(st.booleans()):  # non-ASCII text, DEL and floats, which only the exact writer writes as it does
        envelope = envelope.model_copy(update={"note": data.draw(st.sampled_from(["\x7f", "é", 1.5, 1e16, "x"]))})
    for obj in (envelope, envelope.payload):
        unknown = bool(obj.model_extra) or bool(obj.payload.model_extra if isinstance(obj, Envelope) else False)
        assert to_json(obj, money=money) == (exact_writer if unknown else pydantic_writer)(obj, money)
