"""The producer set: what a producer should send is what the library writes by default, and nothing looser.

A producer's event must pass `producer/envelope.json`: the library's strict mode, money as decimal strings
only. So every event `to_json` writes (money as strings) passes, the same event with money as JSON numbers
is refused as soon as it holds an amount, unknown fields are refused, and whatever the producer schema
accepts, the library's strict mode accepts too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, note
from schema_helpers import loads_exact, validator_for
from test_schema_cross_validation import PROBES, TARGETS, _document, model_accepts, schema_accepts

from thrilldrops_events import Envelope, to_json
from thrilldrops_events._fields import payload_fields
from thrilldrops_events.testing import InvalidEvent, envelopes, invalid_envelopes, wire_envelopes

PRODUCER = validator_for("producer/envelope.json")


def producer_accepts(raw: bytes) -> bool:
    return bool(PRODUCER.is_valid(loads_exact(raw)))


def _has_money(envelope: Envelope) -> bool:
    return any(spec.kind.endswith("money") and getattr(envelope.payload, spec.name) is not None
               for spec in payload_fields(envelope.event_type))


@given(envelopes())
def test_what_the_library_writes_is_what_producers_send(envelope: Envelope) -> None:
    assert producer_accepts(to_json(envelope))
    as_numbers = to_json(envelope, money="number")
    note(as_numbers.decode())
    assert producer_accepts(as_numbers) == (not _has_money(envelope))
    assert schema_accepts(as_numbers, strict=True), "the strict set still takes money as JSON numbers"


@given(wire_envelopes())
def test_every_wire_envelope_and_its_payload_pass(data: dict[str, Any]) -> None:
    PRODUCER.validate(data)
    (variant, payload), = data["event_type"].items()
    validator_for(f"producer/{variant}.json").validate(payload)


@given(envelopes(unknown_fields=True))
def test_unknown_fields_are_refused(envelope: Envelope) -> None:
    raw = to_json(envelope)
    has_unknown = bool(envelope.model_extra) or bool(envelope.payload.model_extra)
    assert producer_accepts(raw) == (not has_unknown)


@given(invalid_envelopes())
def test_every_invalid_event_is_refused(invalid: InvalidEvent) -> None:
    assert not producer_accepts(json.dumps(invalid.data).encode())


def _probes() -> list[Any]:
    return [pytest.param(kind, raw, id=f"{kind}-{raw[:40]}") for kind, probes in PROBES.items() for raw, _ in probes]


@pytest.mark.parametrize(("kind", "raw"), _probes())
def test_the_producer_set_accepts_nothing_the_strict_model_refuses(kind: str, raw: str) -> None:
    for event_type, path in TARGETS[kind]:
        document = _document(event_type, path, raw)
        if producer_accepts(document):
            assert model_accepts(document, strict=True)
            assert schema_accepts(document, strict=True)
        if kind.endswith("money") and raw != "null" and not raw.startswith('"'):
            assert not producer_accepts(document), "money must be a string"
        else:
            assert producer_accepts(document) == schema_accepts(document, strict=True)


def test_money_in_the_producer_set_is_described_as_a_string_only() -> None:
    """The producer set takes money as strings only: neither its schemas nor its TypeScript types offer numbers."""
    import re

    from thrilldrops_events.schema import all_json_schemas
    from thrilldrops_events.schema._typescript import typescript_declarations

    offered = "as a JSON number or a decimal string"
    described = 0
    for name, schema in all_json_schemas().items():
        bodies = [schema, *schema.get("$defs", {}).values()]
        money = [field["description"] for body in bodies for field in body["properties"].values()
                 if field.get("format") == "decimal"]
        assert all((offered in text) != name.startswith("producer/") for text in money), name
        described += len(money)
    assert described > 0
    declarations = typescript_declarations()
    producer = declarations[declarations.index("export interface ProducerPlayerLogin"):]
    consumer = declarations[:declarations.index("export interface ProducerPlayerLogin")]
    assert offered not in producer and re.search(r"\bDecimalString;", producer)
    assert offered in consumer
