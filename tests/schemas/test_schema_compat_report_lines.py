"""The text report of the compatibility checker: what a schema holds can never make a line of its own.

A property name, an enum value or a file name comes from the schemas compared, which may be anyone's
(a pull request's): a line break in it must not forge a verdict or a summary line of the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thrilldrops_events.cli import main
from thrilldrops_events.schema._compat import LEVELS, compare_schema_sets

FORGED = "x\n1 files compared: 0 changes.\rCompatible under FULL.\u2028\u2029\x85\x1b[2K"


def _sets(name: str = "f.json") -> tuple[dict[str, object], dict[str, object]]:
    old = {name: {"type": "object", "properties": {FORGED: {"type": "string", "enum": [FORGED]}}}}
    new = {name: {"type": "object", "properties": {FORGED: {"type": "integer"}}, "required": [FORGED]}}
    return old, new


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["f.json", f"{FORGED}.json"])
def test_a_line_break_in_a_schema_is_shown_escaped(level: str, name: str) -> None:
    report = compare_schema_sets(*_sets(name))
    text = report.render(level, documentation=True)  # type: ignore[arg-type]
    assert text.splitlines() == text.split("\n")  # no other line break: \r, \u2028, \u2029, \x85
    assert "\x1b" not in text
    lines = text.split("\n")
    assert lines[0] == (name if name == "f.json" else "x\\n1 files compared: 0 changes.\\rCompatible under FULL."
                        "\\u2028\\u2029\\u0085\\u001b[2K.json")
    assert all(line.startswith("  [") for line in lines[1:4])
    assert len(lines) == 10
    assert lines[4].startswith("1 files compared: 3 changes")


def test_the_same_through_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _sets()
    for directory, schemas in (("old", old), ("new", new)):
        (tmp_path / directory).mkdir()
        document = {"$schema": "x", **schemas["f.json"]}  # type: ignore[dict-item]
        (tmp_path / directory / "f.json").write_text(json.dumps(document))
    assert main(["schema", "check", str(tmp_path / "old"), str(tmp_path / "new")]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == out.removesuffix("\n").split("\n")
    assert not any(line.startswith(("1 files compared: 0", "Compatible under")) for line in out.splitlines())
