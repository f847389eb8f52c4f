"""The AsyncAPI document is valid against the official AsyncAPI 3.0 JSON Schema, and says what the code does."""

from __future__ import annotations

import copy
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator
from schema_helpers import loads_exact, validator_for

from thrilldrops_events import Envelope, EventType, EventValidationError, parse_event
from thrilldrops_events._docs import example_envelope
from thrilldrops_events.schema import asyncapi_document, json_schema, schema_files
from thrilldrops_events.schema._asyncapi import CONSUMER_DEFAULTS, STREAM_FIELDS
from thrilldrops_events.testing import envelopes, invalid_envelopes, wire_envelopes

DATA = Path(__file__).parent / "data"
# The official AsyncAPI 3.1.0 schema from the npm package @asyncapi/specs (see data/README.md): draft-07, with the
# definitions it bundles under their own $id, which jsonschema's referencing resolves.
OFFICIAL = json.loads((DATA / "asyncapi-3.1.0.schema.json").read_text(encoding="utf-8"))
DOCUMENT = asyncapi_document()


def official_errors(document: dict[str, Any]) -> list[str]:
    validator = Draft7Validator(OFFICIAL, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(document)]


def test_document_is_valid_against_the_official_schema() -> None:
    assert OFFICIAL["$id"] == "http://asyncapi.com/definitions/3.1.0/asyncapi.json"
    assert official_errors(DOCUMENT) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("asyncapi",), "2.6.0"),
        (("operations", "receiveEvent", "action"), "publish"),
        (("operations", "receiveEvent", "bindings", "http", "method"), "SEND"),
        (("channels", "ingestion", "address"), 5),
        (("components", "messages", "Deposit", "bindings", "http", "bindingVersion"), "9.9.9"),
        (("components", "messages", "Deposit", "unknownKey"), True),
        (("info",), {"title": "no version"}),
    ],
)
def test_the_official_schema_really_checks(path: tuple[str, ...], value: Any) -> None:
    broken = copy.deepcopy(DOCUMENT)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert official_errors(broken)


def test_the_written_file_is_the_document() -> None:
    assert json.loads(schema_files()["asyncapi.json"]) == DOCUMENT


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [ref for key, value in node.items() for ref in ([value] if key == "$ref" else _refs(value))]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_every_reference_resolves() -> None:
    for ref in _refs(DOCUMENT):
        assert ref.startswith("#/"), ref
        target: Any = DOCUMENT
        for part in ref[2:].split("/"):
            target = target[part]


def test_one_message_per_event_type_on_each_channel() -> None:
    variants = [e.value for e in EventType]
    assert list(DOCUMENT["channels"]["ingestion"]["messages"]) == variants
    assert list(DOCUMENT["channels"]["eventStream"]["messages"]) == [f"{v}Entry" for v in variants]
    receive = DOCUMENT["operations"]["receiveEvent"]
    assert receive["bindings"]["http"]["method"] == "POST"
    assert DOCUMENT["channels"]["ingestion"]["address"] == "/event"
    assert [m["$ref"].rsplit("/", 1)[1] for m in receive["messages"]] == variants
    group = DOCUMENT["operations"]["consumeStream"]["x-redis-consumer-group"]
    assert "XREADGROUP" in group["read"] and "XACK" in group["acknowledge"]


def _payload_validator(message: dict[str, Any], *, draft7: bool = False) -> Any:
    """A validator of a message's payload, its references resolved in the document's components."""
    assert "schemaFormat" not in message["payload"], "payloads are in the document's default schema format"
    cls = Draft7Validator if draft7 else Draft202012Validator
    schema = {"$schema": cls.META_SCHEMA["$schema"], **message["payload"], "components": DOCUMENT["components"]}
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _moved(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else _moved(v))
                for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
    return [_moved(item) for item in node] if isinstance(node, list) else node


def test_components_are_the_consumer_schemas() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert list(schemas) == ["Envelope", *(e.value for e in EventType)]
    assert schemas["Envelope"] == _moved(json_schema("envelope"))
    for event_type in EventType:
        assert schemas[event_type.value] == _moved(json_schema(event_type))
    assert not [ref for ref in _refs(DOCUMENT) if not ref.startswith("#/")], "the document is self-contained"


@pytest.mark.parametrize("event_type", list(EventType))
def test_http_message_example_validates_and_parses(event_type: EventType) -> None:
    message = DOCUMENT["components"]["messages"][event_type.value]
    validator = _payload_validator(message)
    (example,) = message["examples"]
    validator.validate(example["payload"])
    assert parse_event(json.dumps(example["payload"])).event_type is event_type
    other = next(e for e in EventType if e is not event_type)
    wrong = DOCUMENT["components"]["messages"][other.value]["examples"][0]["payload"]
    assert not validator.is_valid(wrong), "a message must only accept its own variant"


@pytest.mark.parametrize("event_type", list(EventType))
def test_stream_message_example_validates_and_decodes(event_type: EventType) -> None:
    message = DOCUMENT["components"]["messages"][f"{event_type.value}Entry"]
    validator = _payload_validator(message)
    (example,) = message["examples"]
    entry = example["payload"]
    validator.validate(entry)
    content = message["payload"]["properties"]["payload"]["contentSchema"]["$ref"]
    assert content == f"#/components/schemas/{event_type.value}"
    validator_for(f"{event_type.value}.json").validate(loads_exact(entry["payload"]))
    assert not validator.is_valid({**entry, "timestamp": 1777852800}), "stream values are text"
    assert not validator.is_valid({**entry, "event_type": "Nope"})


# -- the Redis stream layout and the consumer settings match the code -------------------------------------


def test_entry_layout_is_the_redis_codecs() -> None:
    from thrilldrops_events.codecs import redis as redis_codec

    assert STREAM_FIELDS == redis_codec.FIELDS
    for event_type in EventType:
        schema = DOCUMENT["components"]["messages"][f"{event_type.value}Entry"]["payload"]
        assert tuple(schema["properties"]) == redis_codec.FIELDS
        assert schema["properties"]["format"]["const"] == redis_codec.FORMAT
        (example,) = DOCUMENT["components"]["messages"][f"{event_type.value}Entry"]["examples"]
        assert redis_codec.decode(example["payload"]) == example_envelope(event_type)
        assert redis_codec.encode(example_envelope(event_type)) == example["payload"]


@given(envelopes(unknown_fields=True))
def test_every_encoded_stream_entry_validates(envelope: Envelope) -> None:
    from thrilldrops_events.codecs import redis as redis_codec

    entry = redis_codec.encode(envelope)
    name = envelope.event_type.value
    validator = _payload_validator(DOCUMENT["components"]["messages"][f"{name}Entry"])
    validator.validate(entry)
    validator_for(f"{name}.json").validate(loads_exact(entry["payload"]))
    if "extra" in entry:
        extra_schema = validator.schema["properties"]["extra"]["contentSchema"]
        assert Draft202012Validator(extra_schema).is_valid(loads_exact(entry["extra"]))


@pytest.mark.parametrize("text", ["1777852800", "1777852800\n", "1777852800\r\n", "\n1777852800", "1777852800 ",
                                  "+1777852800", "1_777_852_800", "\u0661\u0667\u0667"])
def test_the_entry_timestamp_gets_the_codecs_verdict(text: str) -> None:
    """Python's `$` also matches before a final line break: the entry's pattern must not let one through."""
    from thrilldrops_events.codecs import redis as redis_codec

    entry = {**redis_codec.encode(example_envelope(EventType.DEPOSIT)), "timestamp": text}
    try:
        redis_codec.decode(entry)
    except EventValidationError:
        decoded = False
    else:
        decoded = True
    validator = _payload_validator(DOCUMENT["components"]["messages"]["DepositEntry"])
    assert validator.is_valid(entry) == decoded


def test_an_entry_the_codec_refuses_though_its_fields_pass_is_described() -> None:
    """A field given both on its own and inside `extra` passes the entry's schema: its description says so."""
    from thrilldrops_events.codecs import redis as redis_codec

    entry = {**redis_codec.encode(example_envelope(EventType.DEPOSIT)), "note": "x", "extra": '{"note":1}'}
    with pytest.raises(EventValidationError, match="both on its own and inside extra"):
        redis_codec.decode(entry)
    message = DOCUMENT["components"]["messages"]["DepositEntry"]
    assert _payload_validator(message).is_valid(entry)
    assert "both on its own and inside extra" in message["payload"]["description"]


def test_consumer_settings_are_the_stream_consumers_defaults() -> None:
    from thrilldrops_events.streams import DEAD_LETTER_FIELDS, RetryPolicy, StreamConsumer, dead_letter_key

    defaults = {name: p.default for name, p in inspect.signature(StreamConsumer.__init__).parameters.items()}
    described = dict(CONSUMER_DEFAULTS)
    dead_letter = described.pop("deadLetterStream")
    assert {
        "batchSize": defaults["batch_size"],
        "blockMs": defaults["block_ms"],
        "maxDeliveries": defaults["max_deliveries"],
        "claimIdleMs": defaults["claim_idle_ms"],
        "claimIntervalMs": defaults["claim_idle_ms"] // 2,  # the documented default: half of claim_idle_ms
        "groupStartId": defaults["group_start_id"],
        "deadLetterMaxlen": defaults["dead_letter_maxlen"],
        "retryFirstDelayMs": RetryPolicy().first_delay_ms,
        "retryMultiplier": RetryPolicy().multiplier,
    } == described
    # The two naming rules the description states ("{{stream}}:dead-letter, or {stream}:dead-letter when the
    # name already holds a hash tag"), as the consumer applies them.
    untagged, tagged = (rule.split(" ")[-1] for rule in dead_letter.split(" when ")[0].split(", or "))
    assert dead_letter_key("td-events") == untagged.replace("{stream}", "td-events")
    assert dead_letter_key("casino:{brand-7}:events") == tagged.replace("{stream}", "casino:{brand-7}:events")
    assert defaults["claim_interval_ms"] is None and defaults["dead_letter_stream"] is None
    assert list(DEAD_LETTER_FIELDS) == DOCUMENT["operations"]["consumeStream"]["x-redis-consumer-group"][
        "deadLetterFields"]


@given(st.one_of(wire_envelopes(), invalid_envelopes().map(lambda invalid: invalid.data)))
def test_payload_schemas_read_the_same_in_draft_07(data: Any) -> None:
    """The AsyncAPI Schema format is a superset of draft-07: the payloads must mean there what they mean in 2020-12."""
    event_type = data.get("event_type") if isinstance(data, dict) else None
    name = next(iter(event_type)) if isinstance(event_type, dict) and len(event_type) == 1 else "Deposit"
    message = DOCUMENT["components"]["messages"].get(name, DOCUMENT["components"]["messages"]["Deposit"])
    verdicts = {_payload_validator(message, draft7=draft7).is_valid(data) for draft7 in (False, True)}
    assert len(verdicts) == 1
