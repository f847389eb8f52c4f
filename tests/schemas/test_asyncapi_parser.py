"""The official AsyncAPI parser (`@asyncapi/parser`) reads the document, payload schemas included, and says nothing.

The parser validates message payloads only in the schema formats it has a parser for: the AsyncAPI Schema
format (the document's default, a superset of JSON Schema draft-07) and draft-07 itself. A payload declared
as `application/schema+json;version=draft-2020-12` is passed through unvalidated, so the document carries its
schemas in the default format, under `components.schemas`. One Node process parses the published document
and copies broken on purpose, to show that the parser really checks the payloads.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from node_tools import run

from thrilldrops_events import EventType
from thrilldrops_events.schema import asyncapi_document

pytestmark = pytest.mark.heavy

PUBLISHED = Path(__file__).resolve().parents[2] / "schemas" / "asyncapi.json"


def _broken(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(asyncapi_document())
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


BROKEN = {
    "a payload type that is no type": (("components", "schemas", "Deposit", "properties", "amount", "type"), 5),
    "a minimum that is no number": (("components", "schemas", "Envelope", "properties", "timestamp", "minimum"), "x"),
    "a variant schema that is no schema": (("components", "messages", "Deposit", "payload", "properties",
                                            "event_type", "oneOf"), []),
    "a payload in a format the parser cannot read": (("components", "messages", "Deposit", "payload"),
                                                     {"schemaFormat": "application/schema+json;version=draft-2020-12",
                                                      "schema": {"type": 5}}),
}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("asyncapi")
    paths = [str(PUBLISHED)]
    for number, (path, value) in enumerate(BROKEN.values()):
        broken = folder / f"broken-{number}.json"
        broken.write_text(json.dumps(_broken(path, value)), encoding="utf-8")
        paths.append(str(broken))
    replies = run("asyncapi_check.mjs", *paths)
    return {"published": replies[0], **dict(zip(BROKEN, replies[1:], strict=True))}


def test_the_published_document_parses_with_no_diagnostics(parsed: dict[str, Any]) -> None:
    reply = parsed["published"]
    assert reply["parsed"] is True
    assert reply["diagnostics"] == []


def test_every_payload_is_read_in_a_format_the_parser_validates(parsed: dict[str, Any]) -> None:
    payloads = parsed["published"]["payloads"]
    assert set(payloads) == {e.value for e in EventType} | {f"{e.value}Entry" for e in EventType}
    assert set(payloads.values()) == {"application/vnd.aai.asyncapi;version=3.1.0"}


@pytest.mark.parametrize("name", list(BROKEN)[:3])
def test_the_parser_really_checks_the_payload_schemas(parsed: dict[str, Any], name: str) -> None:
    reply = parsed[name]
    assert reply["parsed"] is False
    assert any(d["severity"] == 0 for d in reply["diagnostics"]), reply["diagnostics"]


def test_a_draft_2020_12_payload_passes_unvalidated(parsed: dict[str, Any]) -> None:
    """Why the document does not use draft 2020-12: the parser takes even an invalid schema in it silently."""
    reply = parsed["a payload in a format the parser cannot read"]
    assert reply["parsed"] is True
    assert reply["payloads"]["Deposit"] == "application/schema+json;version=draft-2020-12"
    assert not [d for d in reply["diagnostics"] if d["severity"] == 0]
