"""The `thrilldrops-events validate` command line, run in-process and as a real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from thrilldrops_events import parse_events
from thrilldrops_events.cli import main
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_bundled_events_are_all_valid_and_cover_every_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES / "events.ndjson")]) == 0
    out = capsys.readouterr().out
    count = len((EXAMPLES / "events.ndjson").read_bytes().splitlines())
    assert f"{count} events: {count} valid, 0 invalid" in out
    assert count >= 200
    for name in ("PlayerLogin", "PlayerLogout", "Transaction", "Deposit", "Withdrawal", "ThrillPotsWinEvent",
                 "ThrillPotsRaffleWinEvent", "ThrillPotsOptInEvent"):
        assert name in out


def test_invalid_examples_each_fail_differently(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES / "invalid-events.ndjson")]) == 1
    out = capsys.readouterr().out
    lines = (EXAMPLES / "invalid-events.ndjson").read_bytes().splitlines()
    assert f"{len(lines)} events: 0 valid, {len(lines)} invalid" in out
    kinds = []
    for result in parse_events((EXAMPLES / "invalid-events.ndjson").read_bytes()):
        assert result.error is not None, result.line
        assert f"line {result.line}: " in out
        kinds.append(tuple(sorted(p.kind for p in result.error.problems)))
    assert len(set(kinds)) >= len(kinds) - 2  # nearly every line is wrong in its own way


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(EXAMPLES / "invalid-events.ndjson")]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[-1]["summary"]["invalid"] == len(records) - 1
    assert all(r["valid"] is False and r["problems"][0]["path"] is not None for r in records[:-1])
    assert records[0]["line"] == 1 and records[0]["problems"][0]["kind"] == "timestamp_milliseconds"


def test_strict_flag_refuses_unknown_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    data = json.loads(line)
    data["new_field"] = 1
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(data) + "\n")
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--strict", str(path)]) == 1
    assert "new_field: unknown field" in capsys.readouterr().out


def test_json_array_input_streams_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()[:50]
    path = tmp_path / "events.json"
    path.write_text("[\n" + ",\n".join(lines[:25]) + ",\n" + '{"bad": 1}' + ",\n" + ",\n".join(lines[25:]) + "\n]\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "51 events: 50 valid, 1 invalid" in out
    assert "line 27: operator_id: required field is missing" in out


@pytest.mark.parametrize("item", ["123456", "-1.5e30", "true", "null"])
def test_a_bare_item_across_a_chunk_boundary_is_read_whole(
        tmp_path: Path, item: str, capsys: pytest.CaptureFixture[str]) -> None:
    from thrilldrops_events.cli.validate import _CHUNK

    event = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    for cut in range(1, len(item)):  # the item's first ``cut`` characters end a chunk
        head = "[" + event + ","
        text = head + " " * (_CHUNK - cut - len(head.encode())) + item + "," + event + "]"
        assert text.encode().index(item.encode()) == _CHUNK - cut
        path = tmp_path / "events.json"
        path.write_text(text)
        assert main(["validate", str(path)]) == 1
        out = capsys.readouterr().out
        assert "3 events: 2 valid, 1 invalid" in out
        assert "line 1: <document>: must be a JSON object" in out and "malformed" not in out


@pytest.mark.parametrize("text", ["[", "[{}", "[1,", "[\xff]", "[" + "[" * 5000 + "]" * 5000 + "]"])
def test_malformed_arrays_are_reported(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(text.encode("latin-1"))
    assert main(["validate", str(path)]) == 1
    assert "invalid" in capsys.readouterr().out


def test_overlong_line_is_reported_and_reading_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    path = tmp_path / "long.ndjson"
    path.write_text(good + "\n" + "x" * (MAX_EVENT_BYTES + 10) + "\n" + good + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "line 2: <document>: line is longer than" in out
    assert "3 events: 2 valid, 1 invalid" in out


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r\r\n", " \n"])
def test_a_line_at_the_size_limit_gets_the_verdict_parse_events_gives(
        tmp_path: Path, ending: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A line's "\\r" belongs to it (it is JSON whitespace), in the command as in parse_events."""
    head = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,'
            '"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}},"note":"')
    line = head + "a" * (MAX_EVENT_BYTES - len(head) - 2) + '"}'
    path = tmp_path / "limit.ndjson"
    path.write_bytes((line + ending).encode() * 2)
    expected = [(parsed.line, parsed.error and [p.kind for p in parsed.error.problems])
                for parsed in parse_events(path.read_bytes())]
    main(["validate", "--format", "json", str(path)])
    records = [json.loads(record) for record in capsys.readouterr().out.splitlines()]
    invalid = {record["line"]: [p["kind"] for p in record["problems"]] for record in records if "line" in record}
    assert [(number, invalid.get(number)) for number in (1, 2)] == expected


def test_array_item_over_the_limit_is_reported_and_reading_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    tricky = '"a\\"}]\\\\",{"[":"\\"}"},'  # escaped quotes, brackets and braces inside strings
    huge = good[:-1] + ',"note":[' + tricky * (MAX_EVENT_BYTES // len(tricky) + 10) + '"end"],\n"n":2}'
    wide = good[:-1] + ',"note":"' + "\u00e9" * (MAX_EVENT_BYTES // 2 + 1) + '"}'  # fewer characters than bytes
    path = tmp_path / "big.json"
    path.write_text("[\n" + ",\n".join([good, huge, good, wide, good, '"' + "x" * (MAX_EVENT_BYTES + 1) + '"', good])
                    + "\n]\n", encoding="utf-8")
    assert main(["validate", "--format", "json", str(path)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["line"], [p["kind"] for p in r["problems"]]) for r in records[:-1]] == [
        (3, ["too_large"]), (6, ["too_large"]), (8, ["too_large"])]
    assert records[-1]["summary"]["valid"] == 4


@pytest.mark.parametrize("deep", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_array_item_nested_too_deeply_is_reported_and_reading_goes_on(
    tmp_path: Path, deep: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a line of NDJSON nested too deeply is: ``too_deep``, then the next items are read."""
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    path = tmp_path / "deep.json"
    path.write_text("[\n" + ",\n".join([good, deep, good, good]) + "\n]\n")
    assert main(["validate", "--format", "json", str(path)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    too_deep = {"path": "", "message": "JSON is nested too deeply", "kind": "too_deep"}
    assert records == [{"line": 3, "valid": False, "problems": [too_deep]},
                       {"summary": {"valid": 3, "invalid": 1, "by_event_type": {"PlayerLogin": 3}}}]
    ndjson = tmp_path / "deep.ndjson"
    ndjson.write_text("\n".join([good, deep, good, good]) + "\n")
    assert main(["validate", "--format", "json", str(ndjson)]) == 1
    records = [{**records[0], "line": 2}, records[1]]
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == records


def test_json_array_with_a_byte_order_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()[:3]
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf[" + ",\n".join(lines).encode() + b"]\n")
    assert main(["validate", str(path)]) == 0
    assert "3 events: 3 valid, 0 invalid" in capsys.readouterr().out


class _Trickle(io.RawIOBase):
    """A pipe whose writer sends one byte at a time: every read returns a single byte."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self.data:
            return 0
        buffer[0], self.data = self.data[0], self.data[1:]
        return 1


@pytest.mark.parametrize("before", [b"\n", b" " * 70, b"\r\n" * 40 + b"\t", b"\xef\xbb\xbf" + b"\n" * 100],
                         ids=["newline", "spaces", "crlf", "bom"])
@pytest.mark.parametrize("trickle", [False, True], ids=["file", "trickle"])
def test_a_json_array_is_told_apart_after_any_leading_whitespace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: bytes, trickle: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first character that is not whitespace tells an array, however far it is and however the input arrives."""
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()[:3]
    data = before + b"[\n" + ",\n".join(lines).encode() + b"\n]\n"
    if trickle:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Trickle(data))))
        assert main(["validate", "-"]) == 0
    else:
        path = tmp_path / "spaced.json"
        path.write_bytes(data)
        assert main(["validate", str(path)]) == 0
    assert "3 events: 3 valid, 0 invalid" in capsys.readouterr().out


def test_a_malformed_array_after_blank_lines_names_its_line(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()[:2]
    path = tmp_path / "spaced.json"
    path.write_bytes(b"\n" * 100 + b"  [" + ",,".join(lines).encode() + b"]")
    assert main(["validate", "--format", "json", str(path)]) == 1
    problem = json.loads(capsys.readouterr().out.splitlines()[-2])["problems"][0]
    assert problem["message"] == f"malformed JSON: expected a value after ',' at line 101 column {len(lines[0]) + 5}"


@pytest.mark.parametrize(("text", "message"), [
    ('[{"a": "abc\n', "Invalid control character at line 1 column 12"),
    ('[{"a": "abc', "Unterminated string starting at line 1 column 8"),
])
def test_a_malformed_array_says_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                        message: str) -> None:
    """json's own messages end in "at", which the line and column follow without a second one."""
    path = tmp_path / "cut.json"
    path.write_text(text)
    assert main(["validate", "--format", "json", str(path)]) == 1
    problem = json.loads(capsys.readouterr().out.splitlines()[-2])["problems"][0]
    assert problem["message"] == f"malformed JSON: {message}"


@pytest.mark.parametrize("array", [False, True])
def test_text_output_shows_keys_escaped(tmp_path: Path, array: bool, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads((EXAMPLES / "events.ndjson").read_text().splitlines()[0])
    data["x\nline 9: forged\r\u2028\u2029\x85\x1b"] = "v"
    path = tmp_path / "keys.ndjson"
    path.write_text(("[%s]" if array else "%s\n") % json.dumps(data))
    assert main(["validate", "--strict", str(path)]) == 1
    out = capsys.readouterr().out
    shown = out.split("\n")
    assert shown[0] == ("line 1: x\\nline 9: forged\\r\\u2028\\u2029\\u0085\\u001b: "
                        "unknown field (refused in strict mode)")
    assert shown[1] == "1 events: 0 valid, 1 invalid"
    assert not any(char in out for char in "\r\u2028\u2029\x85\x1b")


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/nonexistent/events.ndjson"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_real_subprocess_reads_stdin() -> None:
    data = (EXAMPLES / "events.ndjson").read_bytes()
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", "validate", "-"], input=data,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert b"0 invalid" in done.stdout


@pytest.mark.parametrize("count", [20, 21, 45])
def test_validate_says_how_many_problems_of_an_event_it_did_not_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], count: int) -> None:
    document = json.loads((EXAMPLES / "events.ndjson").read_text().splitlines()[0])
    path = tmp_path / "many.ndjson"
    path.write_text(json.dumps({**document, **{f"x{number}": 1 for number in range(count)}}) + "\n")
    more = count - 20
    assert main(["validate", "--strict", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("line 1: x") for line in out) == 20
    assert out[20:21] == ([f"line 1: ... and {more} more problem{'s' if more != 1 else ''}"] if more else
                          ["1 events: 0 valid, 1 invalid"])
    assert main(["validate", "--strict", "--format", "json", str(path)]) == 1
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert len(first["problems"]) == 20
    assert first.get("omitted") == (more or None)


@pytest.mark.parametrize("padding", [0, 70_000, None], ids=["first chunk", "later chunk", "split character"])
def test_an_array_with_a_byte_that_is_not_utf8_reports_the_items_before_it(
        tmp_path: Path, padding: int | None, capsys: pytest.CaptureFixture[str]) -> None:
    """The items before the byte are each validated; the one holding it is invalid, named by its line."""
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()[:3]
    body = ",\n".join(lines).encode() + b',\n"\xc3\xa9\xff"]\n'
    if padding is None:  # the "é" before the bad byte is cut in two by the end of the first chunk (64 KiB)
        padding = 65_535 - 1 - body.index(b"\xc3")
    head = b"[" + b" " * padding + body
    path = tmp_path / "events.json"
    path.write_bytes(head)
    offset = head.index(b"\xff")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"line 4: <document>: malformed JSON: not UTF-8 text: byte 0xff at offset {offset} of the file at line 4 "
        "column 3",
        "4 events: 3 valid, 1 invalid",
        *[f"  {name:<26}{1:>8}" for name in ("PlayerLogin", "PlayerLogout", "Transaction")],
    ]
