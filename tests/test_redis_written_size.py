"""A Redis stream entry's event is at most 1 MiB as ``to_json`` writes it, so it can always be written again.

A stream field the layout does not know is kept as an unknown envelope field holding the field's text, which
the writers then write as a JSON string: a control character held raw in the entry takes six bytes there
(``\\u0001``), a quote or a backslash two. An entry within its limit (1 MiB and 4 KiB) could so hold an event
that neither ``to_json`` (and ``parse_event``) nor the stream ``encode`` (its ``extra`` over 1 MiB) would take
again. The reader now refuses such an entry (``too_large``), and ``encode`` refuses an envelope built in Python
that the reader would refuse, by the same measure.
"""

from __future__ import annotations

from typing import Any

import pytest

from thrilldrops_events import Envelope, EventValidationError, PlayerLogout, parse_event, to_json
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES

LOGOUT = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1777852800,
                  payload=PlayerLogout(channel_type="MobileWeb"))
#: The largest entry read: field names and values together.
LIMIT = MAX_EVENT_BYTES + 4096
MESSAGE = (f"event is larger than {MAX_EVENT_BYTES} bytes as to_json writes it (every nullable field, money as "
           "strings, text as UTF-8), more than a reader accepts")


def entry(kind: type[Any], note: str) -> dict[Any, Any]:
    """The logout's entry with an unknown stream field ``note``, as ``str`` or as ``bytes``."""
    fields: dict[Any, Any] = {**codec.encode(LOGOUT), "note": note}
    return fields if kind is str else {key.encode(): value.encode() for key, value in fields.items()}


def entry_size(fields: dict[Any, Any]) -> int:
    return sum(len(key if isinstance(key, bytes) else key.encode()) + len(value if isinstance(value, bytes)
               else value.encode()) for key, value in fields.items())


def verdict(fields: dict[Any, Any]) -> Any:
    try:
        return codec.decode(fields)
    except EventValidationError as error:
        return [(problem.path, problem.kind, problem.message) for problem in error.problems]


@pytest.mark.parametrize("kind", [str, bytes])
@pytest.mark.parametrize("char", ["\x01", "\x1f", '"', "\\", "\n", "x", "\u00e9"])
def test_an_entry_is_read_only_if_its_event_can_be_written_again(kind: type[Any], char: str) -> None:
    escaped = len(to_json(LOGOUT.model_copy(update={"note": char}))) - len(to_json(LOGOUT.model_copy(
        update={"note": ""})))  # what one character takes in JSON: 6 for a control character, 2 for a quote
    base = len(to_json(LOGOUT.model_copy(update={"note": ""})))
    most = (MAX_EVENT_BYTES - base) // escaped  # the longest note written within 1 MiB
    for count in (most, most + 1, min((LIMIT - 200) // len(char.encode()), 3 * most)):
        fields = entry(kind, char * count)
        assert entry_size(fields) <= LIMIT  # within the size of an entry read
        read = verdict(fields)
        if base + count * escaped > MAX_EVENT_BYTES:
            assert read == [("", "too_large", MESSAGE)], (repr(char), count)
            continue
        assert isinstance(read, Envelope), (repr(char), count, read)
        assert read.model_extra == {"note": char * count}
        assert parse_event(to_json(read)) == read
        assert codec.decode(codec.encode(read)) == read
        assert codec.decode(codec.encode(read, money="number")) == read


@pytest.mark.parametrize("char", ["x", "\u00e9", "\U0001f600", "\x01", '"'])
def test_encode_refuses_an_envelope_that_no_reader_would_take(char: str) -> None:
    """Built in Python, an envelope has no size limit: ``encode`` refuses one whose entry a consumer refuses."""
    base = len(to_json(LOGOUT.model_copy(update={"note": ""})))
    escaped = len(to_json(LOGOUT.model_copy(update={"note": char}))) - base
    fits = Envelope.model_validate({**LOGOUT.model_dump(), "note": char * ((MAX_EVENT_BYTES - base) // escaped)})
    assert len(to_json(fits)) > MAX_EVENT_BYTES - escaped
    assert codec.decode(codec.encode(fits)) == fits
    too_large = Envelope.model_validate({**LOGOUT.model_dump(), "note": char * ((MAX_EVENT_BYTES - base) // escaped
                                                                                 + 1)})
    with pytest.raises(EventValidationError) as caught:
        codec.encode(too_large)
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [("", "too_large")]
    assert caught.value.problems[0].message == (
        f"the event is larger than {MAX_EVENT_BYTES} bytes as to_json writes it, more than a consumer reads")


def test_a_payload_near_the_limit_beside_envelope_fields_is_measured_whole() -> None:
    """The payload JSON within 1 MiB, the entry within its limit, yet the event over 1 MiB as to_json writes it."""
    fields = codec.encode(LOGOUT)
    fields["payload"] = '{"channel_type":"MobileWeb","pad":"' + "x" * (MAX_EVENT_BYTES - 64) + '"}'
    fields["operator_id"] = "o" * 255
    assert len(fields["payload"]) <= MAX_EVENT_BYTES and entry_size(fields) <= LIMIT
    assert verdict(fields) == [("", "too_large", MESSAGE)]


@pytest.mark.parametrize("kind", [str, bytes])
def test_entries_the_reader_does_not_measure_are_written_well_within_the_limit(kind: type[Any]) -> None:
    """An entry of at most ``MEASURED_ABOVE`` bytes is not measured: even one of control characters is far below."""
    from thrilldrops_events.codecs._exact import MEASURED_ABOVE

    fields = entry(kind, "")
    fields["note" if kind is str else b"note"] = "\x01" * (MEASURED_ABOVE - entry_size(fields)) if kind is str \
        else b"\x01" * (MEASURED_ABOVE - entry_size(fields))
    assert entry_size(fields) == MEASURED_ABOVE
    assert len(to_json(codec.decode(fields))) < MAX_EVENT_BYTES // 2
