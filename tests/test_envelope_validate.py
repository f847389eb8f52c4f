"""``Envelope.model_validate`` and its siblings: the library's own error, its unknown-field rules, the wire form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventValidationError,
    PlayerLogin,
    PlayerLogout,
    ThrillDropsError,
    parse_event,
    to_dict,
    to_json,
)
from thrilldrops_events.testing import envelopes

_LOGOUT = PlayerLogout(channel_type="MobileWeb")
_BASE: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1777852800}


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def _kinds(error: EventValidationError) -> list[tuple[str, str]]:
    return [(problem.path, problem.kind) for problem in error.problems]


@settings(max_examples=60)
@given(envelopes(unknown_fields=True))
def test_model_validate_reads_to_dict_and_model_dump_by_alias(envelope: Envelope) -> None:
    assert Envelope.model_validate(to_dict(envelope)) == envelope
    assert Envelope.model_validate(to_dict(envelope, money="decimal")) == envelope
    assert Envelope.model_validate(envelope.model_dump(by_alias=True)) == envelope
    assert Envelope.model_validate_json(to_json(envelope)) == envelope


def test_model_validate_reads_the_python_form_too() -> None:
    envelope = Envelope.model_validate({**_BASE, "payload": _LOGOUT, "note": "kept"})
    assert envelope == Envelope(**_BASE, payload=_LOGOUT, note="kept")
    assert Envelope.model_validate(envelope) is envelope


def test_model_validate_reads_a_dict_as_parse_event_does() -> None:
    data = {**_BASE, "event_type": {"Deposit": {"method_id": "visa", "currency": "EUR", "amount": "25.00"}}}
    assert Envelope.model_validate(data) == parse_event(data)
    with pytest.raises(EventValidationError) as caught:
        Envelope.model_validate({**data, "note": 1}, strict=True)
    assert _kinds(caught.value) == [("note", "unknown_field")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({**_BASE, "timestamp": "1", "payload": _LOGOUT}, [("timestamp", "strict_type")]),
        ({**_BASE, "payload": {"PlayerLogout": {}}}, [("payload", "payload_type")]),
        ({**_BASE, "operator_id": " o", "event_type": {"PlayerLogout": {}}},
         [("operator_id", "string_pattern_mismatch"), ("event_type.PlayerLogout.channel_type", "missing")]),
        ({**_BASE, "event_type": {"Deposi": {}}}, [("event_type.Deposi", "unknown_variant")]),
        ("not an object", [("", "model_type")]),
    ],
)
def test_model_validate_raises_the_librarys_error_with_paths_and_kinds(data: Any, expected: list[Any]) -> None:
    with pytest.raises(EventValidationError) as caught:
        Envelope.model_validate(data)
    assert isinstance(caught.value, ThrillDropsError)
    assert _kinds(caught.value) == expected


@pytest.mark.parametrize(
    ("value", "path", "kind"),
    [
        (float("nan"), "x", "number_not_finite"),
        (Decimal("Infinity"), "x", "number_not_finite"),
        ("a\ud800", "x", "lone_surrogate"),
        ({1: "a"}, "x.1", "not_serializable"),
        (10**200, "x", "number_too_large"),
        (b"bytes", "x", "not_serializable"),
        (_deep(80), None, "too_deep"),
    ],
)
@pytest.mark.parametrize("form", ["python", "wire"])
def test_model_validate_checks_unknown_fields_as_the_constructor_does(value: Any, path: str | None, kind: str,
                                                                       form: str) -> None:
    if form == "python":
        data = {**_BASE, "payload": _LOGOUT}
        builds = [lambda: Envelope(**data, x=value), lambda: Envelope.model_validate({**data, "x": value})]
    else:
        data = {**_BASE, "event_type": {"PlayerLogout": to_dict(_LOGOUT)}}
        builds = [lambda: Envelope.model_validate({**data, "x": value})]
    for build in builds:
        with pytest.raises(EventValidationError) as caught:
            build()
        assert caught.value.problems[0].kind == kind
        if path is not None:
            assert caught.value.problems[0].path == path


def test_model_validate_refuses_an_unknown_field_named_event_type_beside_the_payload() -> None:
    with pytest.raises(EventValidationError) as caught:
        Envelope.model_validate({**_BASE, "payload": _LOGOUT, "event_type": {"PlayerLogout": {}}})
    assert _kinds(caught.value) == [("event_type", "reserved_field")]
    with pytest.raises(EventValidationError) as caught:
        Envelope.model_validate({**_BASE, "payload": 1, "event_type": {"PlayerLogout": {}}})
    assert ("payload", "payload_type") in _kinds(caught.value)


def test_model_validate_strings_raises_the_librarys_error_and_checks_unknown_fields() -> None:
    with pytest.raises(EventValidationError) as caught:
        Deposit.model_validate_strings({"method_id": "visa", "currency": "EUR", "amount": "1", "x": {"a": "\ud800"}})
    assert _kinds(caught.value) == [("x.a", "lone_surrogate")]
    with pytest.raises(EventValidationError) as caught:
        PlayerLogin.model_validate_strings({"channel_type": "MobileWeb"})
    assert _kinds(caught.value) == [("currency", "missing")]
    with pytest.raises(EventValidationError):
        Envelope.model_validate_strings({**_BASE, "payload": _LOGOUT})
