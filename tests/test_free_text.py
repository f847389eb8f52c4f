"""Free text (``jurisdiction``): any string up to the table's bound, read alike by every route and engine."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings

from thrilldrops_events import EventValidationError, PlayerLogin, parse_event, to_json
from thrilldrops_events._fields import payload_fields
from thrilldrops_events._kinds import KIND_CONSTRAINTS
from thrilldrops_events.codecs import json as codec
from thrilldrops_events.schema import json_schema
from thrilldrops_events.testing import envelopes, field_values

FAST = codec.fast_reader()
_LIMIT = KIND_CONSTRAINTS["text"].max_length or 0

_ACCEPTED = ["", " ", " Isle of Man", "Isle of Man ", "Isle  of\tMan", "MGA\n", "\u3000MGA", "MGA\u2028x",
             "x" * 255, "\U0001f600" * 255, "é" * 255]
_REFUSED: list[tuple[Any, str]] = [("x" * 256, "string_too_long"), ("\U0001f600" * 256, "string_too_long"),
                                   (5, "string_type"), (True, "string_type"), ([], "string_type"),
                                   ("MGA\ud800", "lone_surrogate")]


def _document(value: Any) -> bytes:
    payload = {"channel_type": "MobileWeb", "currency": "EUR", "jurisdiction": value}
    return json.dumps({"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1777852800,
                       "event_type": {"PlayerLogin": payload}}).encode()


def test_jurisdiction_is_free_text_of_the_tables_kind() -> None:
    (spec,) = [spec for spec in payload_fields("PlayerLogin") if spec.name == "jurisdiction"]
    assert (spec.kind, spec.nullable) == ("text", True)
    assert _LIMIT == KIND_CONSTRAINTS["identifier"].max_length == 255
    assert spec.constraints.pattern is None and not spec.constraints.min_length
    assert spec.constraints.condition_type == "string"


@pytest.mark.parametrize("value", _ACCEPTED)
def test_any_string_up_to_the_bound_is_accepted_on_every_route(value: str) -> None:
    built = PlayerLogin(channel_type="MobileWeb", currency="EUR", jurisdiction=value)
    raw = _document(value)
    for strict in (False, True):
        fast = FAST.envelope(raw, strict)
        assert fast is not None and fast.payload == built
        assert codec._decode_exact(raw, strict).payload == built
        assert parse_event(raw.decode(), strict=strict).payload == built
        assert parse_event(json.loads(raw), strict=strict).payload == built
    assert parse_event(to_json(parse_event(raw))).payload.jurisdiction == value  # type: ignore[attr-defined]


@pytest.mark.parametrize(("value", "kind"), _REFUSED)
def test_anything_else_is_refused_on_every_route_alike(value: Any, kind: str) -> None:
    with pytest.raises(EventValidationError) as built:
        PlayerLogin(channel_type="MobileWeb", currency="EUR", jurisdiction=value)
    assert [(p.path, p.kind) for p in built.value.problems] == [("jurisdiction", kind)]
    raw = _document(value)
    for strict in (False, True):
        assert FAST.envelope(raw, strict) is None
        for data in (raw, raw.decode(), json.loads(raw)):
            with pytest.raises(EventValidationError) as read:
                parse_event(data, strict=strict)
            assert [(p.path, p.kind) for p in read.value.problems] == [("event_type.PlayerLogin.jurisdiction", kind)]


def test_the_json_schema_states_the_same_rule() -> None:
    text = json.dumps(json_schema("PlayerLogin")["properties"]["jurisdiction"])
    assert '"maxLength": 255' in text and "pattern" not in text and "minLength" not in text


@settings(max_examples=100)
@given(field_values(next(s for s in payload_fields("PlayerLogin") if s.name == "jurisdiction")))
def test_the_strategy_draws_free_text_the_models_accept(value: str | None) -> None:
    assert PlayerLogin(channel_type="MobileWeb", currency="EUR", jurisdiction=value).jurisdiction == value


@settings(max_examples=50)
@given(envelopes("PlayerLogin"))
def test_drawn_logins_are_read_alike_by_both_readers(envelope: Any) -> None:
    raw = to_json(envelope)
    for strict in (False, True):
        assert FAST.envelope(raw, strict) == codec._decode_exact(raw, strict) == envelope
