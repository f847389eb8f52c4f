"""Text fields take a ``str`` only, and enum fields a member or its value as a ``str``, on every route.

Pydantic would decode ``bytes`` and take a member of another enum by its value; the JSON readers never see
either (JSON has no such values), so the Python routes must refuse them: otherwise the models would accept
from Python what their own JSON form could never carry. The same value as a ``str`` is accepted by every
route, the fast JSON reader included, and gives the same payload.
"""

from __future__ import annotations

import json
from enum import Enum, IntEnum
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import Envelope, EventPayload, EventValidationError, PlayerLogout, parse_event, parse_payload
from thrilldrops_events._fields import payload_fields
from thrilldrops_events.codecs.json import to_dict
from thrilldrops_events.testing import payloads

_TEXT_KINDS = {"identifier", "text", "currency", "country", "channel", "secret"}


def _python_readers(payload_type: type[EventPayload], data: dict[str, Any]) -> list[Any]:
    """Every route that reads a payload from Python values."""
    variant = payload_type.event_type.value
    wire = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1, "event_type": {variant: data}}
    return [partial(payload_type, **data), partial(payload_type.model_validate, data),
            partial(parse_payload, variant, data), partial(parse_payload, variant, data, strict=True),
            lambda: parse_event(wire).payload, lambda: Envelope.model_validate(wire).payload]


def _refused(read: Any) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        read()
    return [(problem.path.rpartition("event_type.")[2].partition(".")[2] or problem.path, problem.kind)
            for problem in info.value.problems]


@settings(max_examples=60)
@given(payloads(), st.data())
def test_bytes_are_refused_where_text_is_due_and_the_text_itself_is_read_alike(payload: EventPayload,
                                                                                 data: st.DataObject) -> None:
    wire = to_dict(payload)
    fields = [spec.name for spec in payload_fields(payload.event_type) if spec.kind in _TEXT_KINDS
              and wire[spec.name] is not None]
    name = data.draw(st.sampled_from(fields), label="field")
    as_bytes = data.draw(st.sampled_from([bytes, bytearray]), label="type")(wire[name].encode())
    for read in _python_readers(type(payload), {**wire, name: as_bytes}):
        assert _refused(read) == [(name, "string_type")]
    for read in _python_readers(type(payload), wire):
        assert read() == payload
    assert parse_payload(payload.event_type, json.dumps(wire)) == payload  # the fast JSON reader


class ForeignChannel(Enum):
    MOBILE = "MobileWeb"


class NumberedChannel(IntEnum):
    MOBILE = 1


@pytest.mark.parametrize("member", [ForeignChannel.MOBILE, NumberedChannel.MOBILE])
def test_a_member_of_another_enum_is_refused_whatever_its_value(member: Enum) -> None:
    for read in _python_readers(PlayerLogout, {"channel_type": member}):
        assert _refused(read) == [("channel_type", "enum")]
    with pytest.raises(EventValidationError) as info:
        PlayerLogout(channel_type=member)
    assert str(info.value).endswith("'DesktopWeb', 'DesktopNative', 'MobileWeb' or 'MobileNative' (case-sensitive)")


def test_a_str_value_is_still_read_in_every_form() -> None:
    class Text(str):
        __slots__ = ()

    expected = parse_payload("PlayerLogout", b'{"channel_type":"MobileWeb"}')
    for value in ("MobileWeb", Text("MobileWeb")):
        for read in _python_readers(PlayerLogout, {"channel_type": value}):
            assert read() == expected


def _nested(levels: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(levels):
        value = [value] if isinstance(leaf, int) else {"a": value}
    return value


@pytest.mark.parametrize("leaf", [1, "x"], ids=["list", "object"])
def test_a_value_nested_100000_deep_where_a_channel_is_due_is_refused_without_recursion(leaf: Any) -> None:
    for read in _python_readers(PlayerLogout, {"channel_type": _nested(100_000, leaf)}):
        assert _refused(read) == [("channel_type", "enum")]


@pytest.mark.parametrize("value", [b"1777852800", bytearray(b"1777852800")])
def test_a_timestamp_given_as_bytes_is_refused(value: Any) -> None:
    scope = {"operator_id": "o", "brand_id": "b", "player_id": "p"}
    wire = {**scope, "timestamp": value, "event_type": {"PlayerLogout": {"channel_type": "MobileWeb"}}}
    for read in (lambda: parse_event(wire), lambda: Envelope.model_validate(wire),
                 lambda: Envelope(**scope, timestamp=value, payload=PlayerLogout(channel_type="MobileWeb"))):
        assert _refused(read) == [("timestamp", "strict_type")]
