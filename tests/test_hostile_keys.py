"""Keys given from Python that are not plain ``str``: subclasses, and ones that lie about their hash or equality.

An unknown field's key (at any depth) is kept as the plain ``str`` of its characters, so that the event
pickles, compares and is written as the text it holds; a field's name only matches a field if its text does.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lying import Twin
from thrilldrops_events import (
    Deposit,
    Envelope,
    EventValidationError,
    PlayerLogout,
    parse_event,
    parse_payload,
    to_json,
)
from thrilldrops_events.codecs import json as json_codec

LOGOUT: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1777852800,
                          "event_type": {"PlayerLogout": {"channel_type": "MobileWeb"}}}


class Key(str):
    """A ``str`` subclass of no behaviour of its own (its instances cannot be unpickled without it)."""

    __slots__ = ()


class Loud(str):
    """A ``str`` subclass whose ``str()`` is another text: the key's characters must be kept, not that."""

    __slots__ = ()

    def __str__(self) -> str:
        return "amount"


def _keys_of(value: Any) -> list[Any]:
    """Every key of every object in ``value``, at any depth."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found += list(item)
            stack += list(item.values())
        elif isinstance(item, (list, tuple)):
            stack += list(item)
    return found


_TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
_TREES = st.recursive(st.integers(-5, 5) | _TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT.map(Key), inner, max_size=3),
                      max_leaves=12)


@given(st.dictionaries(_TEXT.filter(lambda name: name not in {"channel_type", "session_token"}).map(Key), _TREES,
                       min_size=1, max_size=3))
def test_keys_of_a_str_subclass_are_kept_as_plain_str_at_every_depth(unknown: dict[Key, Any]) -> None:
    payload = {"channel_type": "MobileWeb", **unknown}
    for read in (lambda: parse_payload("PlayerLogout", payload), lambda: PlayerLogout.model_validate(payload),
                 lambda: parse_event({**LOGOUT, "event_type": {"PlayerLogout": payload}}).payload,
                 lambda: PlayerLogout(**payload)):
        model = read()
        extra = model.model_extra or {}
        assert all(type(key) is str for key in _keys_of(extra))
        assert extra == unknown
        assert pickle.loads(pickle.dumps(model)) == model
        assert parse_payload("PlayerLogout", to_json(model)) == model


def test_the_callers_objects_are_not_changed() -> None:
    inner = {Key("a"): 1}
    model = parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": inner})
    assert type(next(iter(inner))) is Key
    assert type(next(iter((model.model_extra or {})["note"]))) is str


def test_a_key_is_kept_as_its_characters_not_as_its_str() -> None:
    model = parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": {Loud("zz"): 1}})
    assert (model.model_extra or {})["note"] == {"zz": 1}


def test_two_keys_of_the_same_text_are_refused_not_merged() -> None:
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": {Twin("a"): 1, Twin("a"): 2}})
    assert [(p.path, p.kind) for p in info.value.problems] == [("note.a", "duplicate_key")]


class Alias(str):
    """A ``str`` subclass equal to (and hashed as) a field's name it does not spell."""

    __slots__ = ()
    target = "amount"

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other) or other == self.target

    def __hash__(self) -> int:
        return hash(self.target)


_DEPOSIT = {"method_id": "visa", "currency": "EUR"}


def _routes(payload: dict[Any, Any]) -> list[Any]:
    wire = {**LOGOUT, "event_type": {"Deposit": payload}}
    return [lambda: parse_payload("Deposit", payload), lambda: Deposit.model_validate(payload),
            lambda: Deposit(**payload), lambda: parse_event(wire), lambda: Envelope.model_validate(wire)]


def test_a_key_merely_equal_to_a_fields_name_does_not_set_that_field() -> None:
    payload = {**_DEPOSIT, Alias("note"): "5"}
    for read in _routes(payload):
        with pytest.raises(EventValidationError) as info:
            read()
        assert [(p.path.rpartition(".")[2], p.kind) for p in info.value.problems] == [("amount", "missing")]


def test_a_variant_name_is_read_by_its_text() -> None:
    class Variant(Alias):
        target = "Deposit"

    wire = {**LOGOUT, "event_type": {Variant("Withdrawal"): {**_DEPOSIT, "amount": "5"}}}
    event = parse_event(wire)
    assert type(event.payload).__name__ == "Withdrawal"


def test_two_field_names_of_the_same_text_are_refused() -> None:
    payload = {**_DEPOSIT, "amount": "5", Twin("note"): 1, Twin("note"): 2}
    for read in _routes(payload):
        with pytest.raises(EventValidationError) as info:
            read()
        assert [(p.path.rpartition(".")[2], p.kind) for p in info.value.problems] == [("note", "duplicate_key")]


_FIELDS = [b'"method_id":"visa"', b'"currency":"EUR"', b'"amount":"5"', b'"amount":7', b'"balance_after":null',
           b'"amount":"x"', b'"note":1', b'"note":[1]', b'"amount":1e999999', b'"currency":"eur"']


@settings(max_examples=200)
@given(st.lists(st.sampled_from(_FIELDS), max_size=7), st.booleans())
def test_duplicate_keys_in_json_are_read_alike_by_the_fast_and_the_exact_reader(fields: list[bytes],
                                                                                strict: bool) -> None:
    document = b"{" + b",".join(fields) + b"}"
    envelope = (b'{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"timestamp":1777852800,'
                b'"event_type":{"Deposit":' + document + b"}}")
    for read, exact in ((lambda: parse_payload("Deposit", document, strict=strict),
                         lambda: json_codec._decode_payload_exact(Deposit, document, strict)),
                        (lambda: parse_event(envelope, strict=strict).payload,
                         lambda: json_codec._decode_exact(envelope, strict).payload)):
        assert _outcome(read) == _outcome(exact)


def _outcome(read: Any) -> Any:
    try:
        model = read()
    except EventValidationError as error:
        return [(p.path, p.kind) for p in error.problems]
    return model, model.model_extra, model.model_fields_set


class _Claims(dict[Any, Any]):
    """A ``dict`` whose ``len()`` says what it was told: even a number no ``len()`` can return."""

    claimed = 0

    def __len__(self) -> int:
        return self.claimed


@pytest.mark.parametrize("claimed", [10**30, -1, 0])
def test_a_mapping_is_counted_by_its_keys_not_by_its_len(claimed: int) -> None:
    _Claims.claimed = claimed
    logout = _Claims(channel_type="MobileWeb")
    assert parse_payload("PlayerLogout", logout).channel_type.value == "MobileWeb"
    envelope = _Claims(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                       event_type=_Claims(PlayerLogout=logout))
    assert parse_event(envelope).payload == parse_payload("PlayerLogout", {"channel_type": "MobileWeb"})
    many = _Claims({f"k{number}": 1 for number in range(1000)}, channel_type="MobileWeb")
    with pytest.raises(EventValidationError) as info:  # the unknown fields beyond the first are counted, not worded
        parse_payload("PlayerLogout", many, strict=True)
    assert len(info.value.problems) == EventValidationError.max_problems
    assert info.value.omitted == 1000 - EventValidationError.max_problems
