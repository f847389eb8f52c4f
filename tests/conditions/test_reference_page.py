"""The condition language reference page says what the code does: schema, limits, functions."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from thrilldrops_events.conditions import BUILTINS, DEFAULT_LIMITS, JSON_SCHEMA

PAGE = (Path(__file__).parents[2] / "docs" / "reference" / "conditions.md").read_text(encoding="utf-8")


def test_the_json_schema_shown_is_the_one_in_the_code() -> None:
    section = PAGE[PAGE.index("### JSON Schema") :]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == JSON_SCHEMA


def test_the_limits_table_shows_the_defaults() -> None:
    for item in dataclasses.fields(DEFAULT_LIMITS):
        row = re.search(rf"^\| `{item.name}` \| ([0-9,]+) \|", PAGE, re.MULTILINE)
        assert row is not None, item.name
        assert int(row.group(1).replace(",", "")) == getattr(DEFAULT_LIMITS, item.name)


def test_every_builtin_function_is_documented_as_it_is() -> None:
    for spec in BUILTINS:
        assert f"| `{spec.signature}` | {spec.description} |" in PAGE, spec.name

