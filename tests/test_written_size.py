"""An event is at most 1 MiB as ``to_json`` writes it: whatever a reader accepts from text, it reads back from that.

``to_json`` writes what a document may leave out or write shorter: the ``null`` of each nullable field left out,
money as a decimal string in ``Decimal``'s own form (``1e19`` is ``"10000000000000000000"``), the numbers of
unknown fields in that form too (``0e-6`` is ``0.000000``), and UTF-8 where the document was UTF-16 (two bytes of
CJK text are three). A document within 1 MiB could so be written in more, which the readers then refused:
they now refuse it when they read it (``too_large``), and read back every event they accept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from thrilldrops_events import EventValidationError, parse_event, parse_events, parse_payload, to_json
from thrilldrops_events.cli import main
from thrilldrops_events.codecs import cloudevents as ce
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES, loads_exact

HEAD = '{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":'
TRANSACTION = ('{"Transaction":{"provider_id":"a","game_id":"g","gameround_id":"r","currency":"USD",'
               '"game_bet":1e19,"bonus_bet":1e19,"real_bet":1e-6,"jackpot_bet":0e-6,"game_win":1e19,'
               '"jackpot_win":1e19,"is_free_spin":true,"round_finished":true%s}}}')
#: Documents that to_json writes longer than they were read, each with "%s" where an unknown field pads it.
GROWING: dict[str, tuple[str, str, str]] = {
    # name: (document, the padding's character, the encoding of the document)
    "nullable fields left out": (HEAD + '{"PlayerLogin":{"channel_type":"MobileWeb","currency":"EUR"%s}}}', "a",
                                 "utf-8"),
    "money as numbers": (HEAD + TRANSACTION, "a", "utf-8"),
    "unknown numbers": (HEAD + '{"PlayerLogout":{"channel_type":"MobileWeb","n":[' + ",".join(["0e-6"] * 9000)
                        + "]%s}}}", "a", "utf-8"),
    "utf-16": (HEAD + '{"PlayerLogout":{"channel_type":"MobileWeb"%s}}}', "\u4e00", "utf-16"),
}


def padded(name: str, size: int) -> bytes:
    """The document ``name`` of ``GROWING``, padded to exactly ``size`` bytes (or one less, for two-byte text)."""
    document, char, encoding = GROWING[name]
    base = len((document % ',"pad":""').encode(encoding))
    width = len((char * 2).encode(encoding)) - len(char.encode(encoding))  # a byte order mark counts once
    raw = (document % (',"pad":"' + char * ((size - base) // width) + '"')).encode(encoding)
    assert size - width < len(raw) <= size
    return raw


def written_size(raw: bytes) -> int:
    """The size of what to_json writes of the event ``raw`` holds (a dict is never measured: see the docs)."""
    return len(to_json(parse_event(loads_exact(raw))))


def verdict(read: Callable[[Any], Any], raw: Any) -> Any:
    try:
        return read(raw)
    except EventValidationError as error:
        return [(problem.path, problem.kind) for problem in error.problems]


@pytest.mark.parametrize("name", sorted(GROWING))
def test_an_event_is_accepted_exactly_when_to_json_writes_it_within_the_limit(name: str) -> None:
    raw = padded(name, MAX_EVENT_BYTES)
    growth = written_size(raw) - len(raw)
    assert growth > 0, name  # the reason of this test: to_json writes more than was read
    # Just over, at and under the limit as to_json writes it; and the document itself at 1 MiB.
    for size in sorted({MAX_EVENT_BYTES, MAX_EVENT_BYTES - growth + 8, MAX_EVENT_BYTES - growth - 8}):
        document = padded(name, size)
        written = written_size(document)
        event = verdict(parse_event, document)
        if written > MAX_EVENT_BYTES:
            assert event == [("", "too_large")], (name, size, written)
        else:
            assert not isinstance(event, list), (name, size, written, event)
            assert parse_event(to_json(event)) == event
            assert parse_event(to_json(event, money="number")) == event
    assert verdict(parse_event, padded(name, MAX_EVENT_BYTES - growth - 8)) == parse_event(
        loads_exact(padded(name, MAX_EVENT_BYTES - growth - 8)))


def test_the_message_says_why_a_document_within_1_mib_is_too_large() -> None:
    with pytest.raises(EventValidationError) as info:
        parse_event(padded("nullable fields left out", MAX_EVENT_BYTES))
    (problem,) = info.value.problems
    assert problem.message == (f"event is larger than {MAX_EVENT_BYTES} bytes as to_json writes it (every nullable "
                               "field, money as strings, text as UTF-8), more than a reader accepts")


def test_a_payload_is_measured_as_to_json_writes_it() -> None:
    raw = b'{"channel_type":"MobileWeb","currency":"EUR","pad":"' + b"a" * (MAX_EVENT_BYTES - 60) + b'"}'
    assert len(raw) < MAX_EVENT_BYTES < len(to_json(parse_payload("PlayerLogin", json.loads(raw))))
    assert verdict(lambda data: parse_payload("PlayerLogin", data), raw) == [("", "too_large")]
    fits = raw.replace(b"a" * 100, b"", 1)
    payload = parse_payload("PlayerLogin", fits)
    assert len(to_json(payload)) <= MAX_EVENT_BYTES
    assert parse_payload("PlayerLogin", to_json(payload)) == payload


def test_ndjson_lines_and_validate_measure_each_event_alike(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    small = padded("nullable fields left out", 200)
    big = padded("nullable fields left out", MAX_EVENT_BYTES)
    results = [(parsed.line, parsed.error and [p.kind for p in parsed.error.problems])
               for parsed in parse_events(small + b"\n" + big + b"\n" + small)]
    assert results == [(1, None), (2, ["too_large"]), (3, None)]
    for suffix, text in ((".ndjson", b"\n".join([small, big, small])), (".json", b"[" + b",".join([small, big, small])
                                                                          + b"]")):
        path = tmp_path / f"events{suffix}"
        path.write_bytes(text)
        assert main(["validate", "--format", "json", str(path)]) == 1
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(record["line"], [p["kind"] for p in record["problems"]]) for record in records[:-1]] == [
            (2 if suffix == ".ndjson" else 1, ["too_large"])], suffix
        assert records[-1]["summary"]["valid"] == 2


def test_a_cloudevent_read_from_text_is_measured_as_its_envelope_is_written() -> None:
    envelope = parse_event(HEAD + '{"PlayerLogout":{"channel_type":"MobileWeb"}}}')
    document = ce.to_cloudevent(envelope)
    document["data"] = {"channel_type": "MobileWeb", "pad": "\u4e00" * (MAX_EVENT_BYTES // 2 - 1000)}
    raw = json.dumps(document, ensure_ascii=False).encode("utf-16")  # 1 MiB at most, 1.5 MiB in UTF-8
    assert len(raw) <= MAX_EVENT_BYTES
    assert verdict(ce.decode, raw) == [("", "too_large")]
    document["data"]["pad"] = "\u4e00" * (MAX_EVENT_BYTES // 3 - 1000)
    event = ce.decode(json.dumps(document, ensure_ascii=False).encode("utf-16"))
    assert parse_event(to_json(event)) == event


@pytest.mark.parametrize("name", sorted(GROWING))
def test_text_the_readers_do_not_measure_is_written_well_within_the_limit(name: str) -> None:
    """A document of at most ``MEASURED_ABOVE`` bytes is not measured: none grows anywhere near the limit."""
    from thrilldrops_events.codecs._exact import MEASURED_ABOVE

    raw = padded(name, MEASURED_ABOVE)
    assert written_size(raw) < MAX_EVENT_BYTES // 4
