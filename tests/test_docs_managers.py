"""The campaign managers' page: no Python, every worked example right, every error message verbatim.

Each example on ``docs/guides/campaign-managers.md`` is a condition in a ``text`` block titled with its
event type, followed by ``- Matches: `field: value, ...``` and ``- Does not match: ...`` lines. The
events are the page's example event of that type (the one on its reference page) with those fields
changed; ``event.timestamp`` is written as a UTC date and time. Each error is a titled condition
followed directly by a ``text`` block holding the message it gets, compared here character for character
(a line too long for the page is wrapped at a ``\\``, as on every page: see ``test_docs.unwrap``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_docs import unwrap

from thrilldrops_events import (
    ConditionError,
    Envelope,
    EventType,
    _docs,
    _fields,
    compile_condition,
    parse_event,
    to_dict,
)

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "guides" / "campaign-managers.md"
TEXT = PAGE.read_text(encoding="utf-8")

_BLOCK = re.compile(r'^```text title="(?P<event>\w+)"\n(?P<condition>.*?)\n```\n', re.MULTILINE | re.DOTALL)
_OUTCOME = re.compile(r"^- (?P<outcome>Matches|Does not match): `(?P<fields>[^`]*)`", re.MULTILINE)
_MESSAGE = re.compile(r"\A\n```text\n(?P<message>.*?)\n```\n", re.DOTALL)


def _sections(heading: str) -> list[str]:
    part = TEXT.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return part.split("\n### ")[1:]


def _examples() -> list[tuple[str, str, str, list[tuple[bool, str]]]]:
    found = []
    for section in _sections("Worked examples"):
        title = section.splitlines()[0]
        (block,) = _BLOCK.finditer(section)
        outcomes = [(m["outcome"] == "Matches", m["fields"]) for m in _OUTCOME.finditer(section)]
        found.append((title, block["event"], block["condition"], outcomes))
    return found


def _errors() -> list[tuple[str, str, str, str]]:
    found = []
    for section in _sections("When a condition is refused"):
        title = section.splitlines()[0]
        (block,) = _BLOCK.finditer(section)
        message = _MESSAGE.match(section[block.end():])
        assert message is not None, f"{title}: the message must follow the condition directly"
        shown = "\n".join(unwrap(message["message"].split("\n")))
        found.append((title, block["event"], block["condition"], shown))
    return found


def _value(text: str) -> Any:
    return {"null": None, "true": True, "false": False}.get(text, text)


def event(event_type: str, fields: str) -> Envelope:
    """The example event of the type, with the fields given as ``name: value, ...`` changed."""
    data = to_dict(_docs.example_envelope(event_type))
    payload = data["event_type"][event_type]
    for part in fields.split(", "):
        name, _, raw = part.partition(": ")
        if name == "event.timestamp":
            data["timestamp"] = int(datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp())
        elif name.startswith("event."):
            data[name.removeprefix("event.")] = _value(raw)
        else:
            assert name in payload, f"{event_type} has no field {name}"
            payload[name] = _value(raw)
    return parse_event(data, strict=True)


EXAMPLES = _examples()
ERRORS = _errors()


def test_the_page_has_thirty_examples_each_with_events_both_ways() -> None:
    assert len(EXAMPLES) >= 30
    for title, _, _, outcomes in EXAMPLES:
        assert any(matches for matches, _ in outcomes), f"{title}: no event that matches"
        assert any(not matches for matches, _ in outcomes), f"{title}: no event that does not match"
    assert {event_type for _, event_type, _, _ in EXAMPLES} == {kind.value for kind in EventType}


@pytest.mark.parametrize(("title", "event_type", "condition", "outcomes"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_example_matches_what_it_says(
    title: str, event_type: str, condition: str, outcomes: list[tuple[bool, str]]
) -> None:
    compiled = compile_condition(condition, event_type)
    for matches, fields in outcomes:
        assert compiled(event(event_type, fields)) is matches, f"{title}: {fields}"


@pytest.mark.parametrize(("title", "event_type", "condition", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_message_is_the_one_shown(title: str, event_type: str, condition: str, message: str) -> None:
    with pytest.raises(ConditionError) as refused:
        compile_condition(condition, event_type)
    assert str(refused.value) == message


def test_the_page_has_no_python() -> None:
    fences = re.findall(r"^```(\w*)", TEXT, re.MULTILINE)
    assert set(fences) <= {"text", ""}, set(fences)
    for python in ("import ", "thrilldrops_events", "compile_condition", "print("):
        assert python not in TEXT
    assert len(ERRORS) >= 10


def test_the_fields_table_is_generated_from_the_models() -> None:
    hook = (ROOT / "docs" / "hooks" / "events_reference.py").read_text(encoding="utf-8")
    (marker,) = re.findall(r'^FIELDS_MARKER = "(.*)"$', hook, re.MULTILINE)
    assert marker in TEXT
    table = _docs.render_condition_fields()
    for spec in _fields.ENVELOPE_FIELDS:
        assert f"| every event | `event.{spec.name}` |" in table
    for kind in EventType:
        for spec in _fields.payload_fields(kind):
            (row,) = [line for line in table.splitlines() if line.startswith(f"| {kind.value} | `{spec.name}` |")]
            if spec.kind == "secret":
                assert "cannot be used" in row
            else:
                assert row.endswith("| yes |" if spec.nullable else "| no |")
