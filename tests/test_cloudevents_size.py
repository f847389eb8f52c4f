"""Every event ``to_json`` writes within 1 MiB is written as a structured CloudEvent that ``decode`` reads back.

A structured CloudEvent is longer than ``to_json`` of its envelope: its attributes, the ids percent-encoded in
``source`` (up to twelve bytes a character), and the unknown envelope fields as the text of a JSON object inside
the ``thrilldropsextra`` string, escaped once more (a quote or a backslash in two bytes). ``decode`` reads a
document of up to ``MAX_CLOUDEVENT_BYTES``, room for all of that; ``encode`` refuses (``too_large``) an envelope
that ``to_json`` writes in more than 1 MiB, which no reader accepts, and a CloudEvent over that size (an ``id``
or ``source_prefix`` of tens of KiB).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudevents.core.bindings import http
from hypothesis import given

from thrilldrops_events import Envelope, EventValidationError, PlayerLogout, parse_event, to_json
from thrilldrops_events.codecs import cloudevents as ce
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES
from thrilldrops_events.testing import envelopes

LOGOUT = PlayerLogout(channel_type="MobileWeb")
#: The longest ids, of the characters percent-encoding writes longest (twelve bytes, and six).
IDS: dict[str, Any] = {"operator_id": "\U0001f600" * 255, "brand_id": "\u00e9" * 255, "player_id": "p\"" * 127}
#: Characters of an unknown field's text: those the extension escapes twice over, ASCII, a control character,
#: and one of four bytes.
PADDING = ['"', "\\", "a", "\x01", "\U0001f600"]


def problems(read: Any, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        read(*args, **kwargs)
    return [(problem.path, problem.kind) for problem in info.value.problems]


def written_as(char: str, size: int, *, in_data: bool = False) -> Envelope:
    """An envelope of the longest ids whose unknown field of ``char`` makes ``to_json`` write it in ``size``."""

    def envelope(count: int) -> Envelope:
        if in_data:
            return Envelope(**IDS, timestamp=1, payload=PlayerLogout(channel_type="MobileWeb", note=char * count))
        return Envelope(**IDS, timestamp=1, payload=LOGOUT, note=char * count)

    width = len(to_json(envelope(1))) - len(to_json(envelope(0)))
    made = envelope((size - len(to_json(envelope(0)))) // width)
    assert size - width < len(to_json(made)) <= size
    return made


@pytest.mark.parametrize("char", PADDING, ids=ascii)
def test_an_event_to_json_writes_in_1_mib_is_read_back_from_its_cloudevent(char: str) -> None:
    envelope = written_as(char, MAX_EVENT_BYTES)
    assert parse_event(to_json(envelope)) == envelope
    body = ce.encode(envelope)
    assert len(body) > MAX_EVENT_BYTES  # the attributes, the source and the extension make it longer
    assert len(body) <= ce.MAX_CLOUDEVENT_BYTES
    back = ce.decode(body)
    assert back == envelope and to_json(back) == to_json(envelope)
    assert ce.decode(body.decode()) == envelope
    assert ce.from_cloudevent(json.loads(body)) == envelope


def test_a_long_id_and_source_prefix_fit_too() -> None:
    envelope = written_as('"', MAX_EVENT_BYTES)
    body = ce.encode(envelope, id="\x01" * 4096, source_prefix="/" + "\x01" * 4095)  # 8,192 characters
    assert ce.decode(body) == envelope


def test_a_payload_of_1_mib_is_read_back_from_its_cloudevent_and_the_sdk_modes() -> None:
    envelope = written_as("\U0001f600", MAX_EVENT_BYTES, in_data=True)
    assert ce.decode(ce.encode(envelope)) == envelope
    event = ce.to_sdk_event(envelope)
    assert ce.from_cloudevent(http.from_binary_event(http.to_binary_event(event))) == envelope
    assert ce.from_cloudevent(http.from_structured_event(http.to_structured_event(event))) == envelope


@pytest.mark.parametrize("char", ['"', "a"])
def test_an_event_to_json_writes_in_more_than_1_mib_is_refused_by_encode_as_by_decode(char: str) -> None:
    envelope = written_as(char, MAX_EVENT_BYTES + 8)
    assert len(to_json(envelope)) > MAX_EVENT_BYTES
    assert problems(parse_event, to_json(envelope)) == [("", "too_large")]
    with pytest.raises(EventValidationError, match="as to_json writes it") as info:
        ce.encode(envelope)
    assert [(p.path, p.kind) for p in info.value.problems] == [("", "too_large")]
    written = json.dumps(ce.to_cloudevent(envelope), ensure_ascii=False).encode()
    assert len(written) <= ce.MAX_CLOUDEVENT_BYTES
    assert problems(ce.decode, written) == [("", "too_large")]


@pytest.mark.parametrize("argument", ["id", "source_prefix"])
def test_a_cloudevent_decode_would_refuse_is_refused_by_encode(argument: str) -> None:
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=LOGOUT)
    with pytest.raises(EventValidationError, match=f"more than {ce.MAX_CLOUDEVENT_BYTES} bytes") as info:
        ce.encode(envelope, **{argument: "/" + "x" * ce.MAX_CLOUDEVENT_BYTES})
    assert [(p.path, p.kind) for p in info.value.problems] == [("", "too_large")]


def test_decode_reads_a_document_up_to_the_limit_and_no_more() -> None:
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=LOGOUT)
    document = ce.to_cloudevent(envelope)
    size = len(json.dumps({**document, "comment": ""}).encode())
    for extra, read in ((0, True), (1, False)):
        raw = json.dumps({**document, "comment": "c" * (ce.MAX_CLOUDEVENT_BYTES - size + extra)})
        assert len(raw) == ce.MAX_CLOUDEVENT_BYTES + extra
        if read:
            assert ce.decode(raw) == envelope
        else:
            with pytest.raises(EventValidationError, match=f"larger than {ce.MAX_CLOUDEVENT_BYTES} bytes"):
                ce.decode(raw)
            assert problems(ce.decode, raw.encode()) == [("", "too_large")]


@given(envelopes(unknown_fields=True))
def test_a_cloudevent_is_at_most_twice_the_event_and_the_room_of_its_attributes(envelope: Envelope) -> None:
    """The bound ``MAX_CLOUDEVENT_BYTES`` rests on, with the derived id and the default prefix."""
    assert len(ce.encode(envelope)) <= 2 * len(to_json(envelope)) + (8 << 10)
