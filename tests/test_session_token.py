"""The session token: only the wire writers reveal it; a token sent in the wrong place is hidden in repr too."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from thrilldrops_events import (
    Envelope,
    PlayerLogin,
    PlayerLogout,
    parse_event,
    parse_payload,
    to_dict,
    to_json,
    to_ndjson,
)
from thrilldrops_events.codecs import cloudevents
from thrilldrops_events.codecs import redis as stream_codec
from thrilldrops_events.types import WIRE_CONTEXT

SECRET = "tok-3f9a8c-very-secret"
LOGIN = PlayerLogin(channel_type="MobileWeb", currency="EUR", session_token=SECRET)
ENVELOPE = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-42", timestamp=1777852800, payload=LOGIN)


@pytest.mark.parametrize("model", [LOGIN, ENVELOPE], ids=["payload", "envelope"])
def test_pydantic_dumps_keep_the_token_hidden(model: PlayerLogin | Envelope) -> None:
    assert SECRET not in str(model.model_dump())
    assert SECRET not in str(model.model_dump(mode="json"))
    assert SECRET not in model.model_dump_json()
    assert SECRET not in repr(model) and SECRET not in str(model)
    dumped = model.model_dump()
    token = dumped["session_token"] if model is LOGIN else dumped["event_type"]["PlayerLogin"]["session_token"]
    assert isinstance(token, SecretStr) and token.get_secret_value() == SECRET
    assert json.loads(model.model_dump_json()).get("session_token", "**********") == "**********"


def test_a_model_rebuilt_from_its_dump_keeps_the_token() -> None:
    assert PlayerLogin(**LOGIN.model_dump()) == LOGIN
    assert PlayerLogin.model_validate(LOGIN.model_dump()) == LOGIN


def test_the_wire_writers_write_it_in_full() -> None:
    assert f'"session_token":"{SECRET}"'.encode() in to_json(LOGIN)
    assert f'"session_token":"{SECRET}"'.encode() in to_json(ENVELOPE, money="number")
    assert f'"session_token":"{SECRET}"'.encode() in to_ndjson([ENVELOPE])
    assert to_dict(LOGIN)["session_token"] == SECRET
    assert to_dict(ENVELOPE)["event_type"]["PlayerLogin"]["session_token"] == SECRET
    assert json.loads(stream_codec.encode(ENVELOPE)["payload"])["session_token"] == SECRET
    assert json.loads(cloudevents.encode(ENVELOPE))["data"]["session_token"] == SECRET
    assert parse_event(to_json(ENVELOPE)) == ENVELOPE
    assert stream_codec.decode(stream_codec.encode(ENVELOPE)) == ENVELOPE


def test_a_logged_event_does_not_leak_the_token(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("app").info("event %s, dumped %s, json %s", ENVELOPE, ENVELOPE.model_dump(),
                                      ENVELOPE.model_dump_json())
    assert SECRET not in caplog.text


TOKEN_IN_THE_WRONG_PLACE = [
    ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"session_token":"TOKEN",'
     '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}'),
    ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
     '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb","session_token":"TOKEN"}}}'),
    ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
     '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb","session_token":{"value":"TOKEN"}}}}'),
]


@pytest.mark.parametrize("text", TOKEN_IN_THE_WRONG_PLACE)
def test_a_token_sent_in_the_wrong_place_is_hidden_in_repr_and_kept_on_the_wire(text: str) -> None:
    text = text.replace("TOKEN", SECRET)
    for source in (text, json.loads(text)):
        envelope = parse_event(source)
        assert SECRET not in repr(envelope) and SECRET not in str(envelope)
        assert "session_token='**********'" in repr(envelope)
        assert SECRET.encode() in to_json(envelope)  # written back as it came
        assert parse_event(to_json(envelope)) == envelope


def test_a_stray_token_given_to_a_constructor_is_hidden_in_repr() -> None:
    stray = PlayerLogout(channel_type="MobileWeb", session_token=SECRET)
    assert SECRET not in repr(stray) and SECRET not in str(stray)
    assert parse_payload("PlayerLogout", to_json(stray)) == stray
    other = PlayerLogout(channel_type="MobileWeb", note=SECRET)  # only the secret's name is hidden
    assert SECRET in repr(other)


_TREES = st.recursive(
    st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def _with_a_stray_token(draw: st.DrawFn) -> Any:
    """A JSON tree with the secret, under a ``session_token`` key, somewhere inside it."""
    holder: Any = {"session_token": SECRET}
    for _ in range(draw(st.integers(0, 4))):
        siblings = draw(st.dictionaries(st.text(max_size=5).filter(lambda key: key != "session_token"), _TREES,
                                        max_size=2))
        if draw(st.booleans()):
            holder = [*draw(st.lists(_TREES, max_size=2)), holder]
        else:
            holder = {**siblings, draw(st.sampled_from(["a", "session_token", "b"])): holder}
    return holder


def _logout_holding(tree: Any, at_envelope: bool) -> dict[str, Any]:
    """A logout's wire form holding ``tree`` as the unknown field ``stray`` of the envelope or of the payload."""
    logout = {"channel_type": "MobileWeb"} if at_envelope else {"channel_type": "MobileWeb", "stray": tree}
    wire: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1,
                            "event_type": {"PlayerLogout": logout}}
    if at_envelope:
        wire["stray"] = tree
    return wire


@given(_with_a_stray_token(), st.booleans())
def test_a_stray_token_at_any_depth_is_hidden_in_pydantics_json_dumps(tree: Any, at_envelope: bool) -> None:
    wire = _logout_holding(tree, at_envelope)
    for envelope in (parse_event(json.dumps(wire)), parse_event(wire)):
        for model in (envelope, envelope.payload):
            assert SECRET not in model.model_dump_json()
            assert SECRET not in json.dumps(model.model_dump(mode="json"))
        assert SECRET in to_json(envelope).decode()
        assert parse_event(to_json(envelope)) == envelope
    assert json.dumps(wire) == json.dumps(parse_event(wire).model_dump(context=WIRE_CONTEXT, mode="json"))


@given(_with_a_stray_token(), st.booleans())
def test_a_stray_token_at_any_depth_is_hidden_in_repr_and_str(tree: Any, at_envelope: bool) -> None:
    wire = _logout_holding(tree, at_envelope)
    for envelope in (parse_event(json.dumps(wire)), parse_event(wire)):
        for model in (envelope, envelope.payload):
            assert SECRET not in repr(model) and SECRET not in str(model)
        assert "'**********'" in repr(envelope if at_envelope else envelope.payload)
        assert (envelope.model_extra if at_envelope else envelope.payload.model_extra) == {"stray": tree}  # as read


def test_a_stray_token_is_written_as_the_declared_one_is() -> None:
    stray = PlayerLogout(channel_type="MobileWeb", session_token=SECRET)
    assert json.loads(stray.model_dump_json())["session_token"] == "**********"
    assert json.loads(LOGIN.model_dump_json())["session_token"] == "**********"
    assert stray.model_extra == {"session_token": SECRET}  # kept as read
