"""Keys given from Python that are not plain ``str``: subclasses, and ones that lie about their hash or equality.

An unknown field's key (at any depth) is kept as the plain ``str`` of its characters, so that the event
pickles, compares and is written as the text it holds; a field's name only matches a field if its text does.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import EventValidationError, PlayerLogout, parse_event, parse_payload, to_json

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


class Twin(str):
    """A ``str`` subclass equal to every other ``Twin``: two of them are two keys of one dict, same text or not."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def test_two_keys_of_the_same_text_are_refused_not_merged() -> None:
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "note": {Twin("a"): 1, Twin("a"): 2}})
    assert [(p.path, p.kind) for p in info.value.problems] == [("note.a", "duplicate_key")]
