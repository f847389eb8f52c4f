"""An unknown envelope field may not take the name of a wire field of the envelope."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventValidationError,
    PlayerLogout,
    parse_event,
    to_dict,
    to_json,
)

_SCOPE: dict[str, Any] = {"operator_id": "op-1", "brand_id": "b", "player_id": "p"}
_DEPOSIT = Deposit(method_id="visa", currency="EUR", amount="25.00")
_WIRE_VARIANT = {"PlayerLogout": {"channel_type": "MobileWeb"}}


def _kinds(error: EventValidationError) -> list[tuple[str, str]]:
    return [(problem.path, problem.kind) for problem in error.problems]


@pytest.mark.parametrize("value", [_WIRE_VARIANT, "x", None])
def test_the_constructor_refuses_an_unknown_field_named_event_type(value: Any) -> None:
    with pytest.raises(EventValidationError) as caught:
        Envelope(**_SCOPE, timestamp=1777852800, payload=_DEPOSIT, event_type=value)
    assert _kinds(caught.value) == [("event_type", "reserved_field")]
    assert "clashes with an envelope field" in caught.value.problems[0].message


def test_envelope_at_refuses_an_unknown_field_named_event_type() -> None:
    with pytest.raises(EventValidationError) as caught:
        Envelope.at(datetime(2026, 5, 4, tzinfo=timezone.utc), _DEPOSIT, **_SCOPE, event_type=_WIRE_VARIANT)
    assert _kinds(caught.value) == [("event_type", "reserved_field")]


def test_every_envelope_wire_name_is_a_declared_field_or_reserved() -> None:
    # The declared names bind their fields; the only other wire key is event_type, which is refused above.
    envelope = Envelope(**_SCOPE, timestamp=1777852800, payload=_DEPOSIT, note="kept")
    assert set(to_dict(envelope)) == {"operator_id", "brand_id", "player_id", "timestamp", "event_type", "note"}
    assert parse_event(to_json(envelope)) == envelope


def test_a_payload_field_name_always_binds_the_declared_field() -> None:
    # A payload model has no aliases: a declared name given as data is the field, never an unknown field.
    logout = PlayerLogout.model_validate({"channel_type": "MobileWeb", "rate": 1})
    assert logout.model_extra == {"rate": 1}
    assert set(to_dict(logout)) == {"channel_type", "rate"}


def test_a_repeated_event_type_key_in_json_keeps_the_last_as_json_loads_does() -> None:
    raw = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
           '"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":"1"}},'
           '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    assert parse_event(raw).payload == PlayerLogout(channel_type="MobileWeb")
    assert parse_event(raw.encode()).payload == PlayerLogout(channel_type="MobileWeb")
