"""NDJSON is UTF-8: a body in UTF-16 or UTF-32, or holding bytes that are not UTF-8, is refused line by line.

Each such line gets the library's own problem (``utf8_invalid``) saying that NDJSON must be UTF-8, wherever
NDJSON is read: ``parse_events`` (whole bytes or lines one by one), ``POST /events`` and ``validate``.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from thrilldrops_events import parse_events
from thrilldrops_events.cli import main
from thrilldrops_events.http import event_app

LOGOUT = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
          '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb","note":"\u00e9\u4e00"}}}')
BODY = LOGOUT + "\n" + LOGOUT + "\n"
WIDE = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


def _kinds(data: Any) -> list[tuple[int, list[str] | None]]:
    return [(parsed.line, parsed.error and [p.kind for p in parsed.error.problems]) for parsed in parse_events(data)]


@pytest.mark.parametrize("encoding", WIDE)
def test_a_body_in_utf16_or_utf32_is_refused_on_every_line(encoding: str) -> None:
    body = BODY.encode(encoding)
    for data in (body, bytearray(body), memoryview(body), io.BytesIO(body)):
        results = list(parse_events(data))
        assert results, encoding
        for parsed in results:
            assert parsed.event is None, (encoding, parsed.line)  # the first line too, byte order mark or not
            assert parsed.error is not None
            (problem,) = parsed.error.problems
            assert (problem.path, problem.kind) == ("", "utf8_invalid")
            assert problem.message == "not UTF-8 text: it looks like UTF-16 or UTF-32 (NDJSON must be UTF-8)"
            assert parsed.error.line == parsed.line


def test_a_line_holding_bytes_that_are_not_utf8_names_the_first_one() -> None:
    latin = LOGOUT.replace("\u4e00", "").encode("latin-1")  # é as the single byte 0xe9
    offset = latin.index(b"\xe9")
    body = LOGOUT.encode() + b"\n" + latin + b"\n" + LOGOUT.encode()
    results = list(parse_events(body))
    assert [parsed.error is None for parsed in results] == [True, False, True]
    error = results[1].error
    assert error is not None
    assert [(p.path, p.kind, p.message) for p in error.problems] == [
        ("", "utf8_invalid", f"not UTF-8 text: byte 0xe9 at offset {offset} of the line (NDJSON must be UTF-8)")]
    assert _kinds([LOGOUT.encode(), latin]) == [(1, None), (2, ["utf8_invalid"])]


def test_utf8_lines_are_read_as_before() -> None:
    """A UTF-8 byte order mark may start the body; text lines are not bytes and have no encoding to check."""
    body = b"\xef\xbb\xbf" + BODY.encode()
    assert _kinds(body) == _kinds(BODY) == _kinds(BODY.splitlines()) == [(1, None), (2, None)]
    assert [parsed.event for parsed in parse_events(body)] == [parsed.event for parsed in parse_events(BODY)]


def test_post_events_refuses_each_line_of_a_utf16_body() -> None:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(event_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.post("/events", content=BODY.encode("utf-16"),
                                     headers={"content-type": "application/x-ndjson"})

    answer = asyncio.run(post())
    assert answer.status_code == 200
    results = [json.loads(line) for line in answer.content.splitlines()]
    assert [result["status"] for result in results] == ["rejected"] * len(results)
    assert {problem["kind"] for result in results for problem in result["problems"]} == {"utf8_invalid"}


def test_validate_refuses_each_line_of_a_utf16_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.ndjson"
    path.write_bytes(BODY.encode("utf-16"))
    assert main(["validate", "--format", "json", str(path)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[p["kind"] for p in record["problems"]] for record in records[:-1]] == [["utf8_invalid"]] * 3
    assert records[-1]["summary"]["valid"] == 0
