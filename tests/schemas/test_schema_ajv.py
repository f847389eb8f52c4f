"""Every published JSON Schema compiles in Ajv's strict mode, and Ajv's verdicts are the exact validator's.

Ajv (draft 2020-12, `strict: true`) is what Node producers use. One Node process compiles every file and
every message payload of the AsyncAPI document, and judges every document of this module: the library's own output in both money forms (Ajv reads JSON
numbers as doubles), and the probes at the edge of every rule, compared with `jsonschema` reading the
same bytes exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from node_tools import run
from schema_helpers import loads_exact, validator_for
from test_schema_cross_validation import PROBES, TARGETS, _document

from thrilldrops_events import Deposit, Envelope, Transaction, to_json
from thrilldrops_events._fields import payload_fields
from thrilldrops_events.schema import all_json_schemas, asyncapi_document
from thrilldrops_events.testing import envelopes

pytestmark = pytest.mark.heavy

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ENVELOPES = ("envelope.json", "strict/envelope.json", "producer/envelope.json")
LARGEST = Decimal("99999999999999999999.999999999999999999")


def _generated(count: int) -> list[Envelope]:
    found: list[Envelope] = []

    @settings(max_examples=count, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(envelopes(), envelopes(unknown_fields=True)))
    def collect(envelope: Envelope) -> None:
        found.append(envelope)

    collect()
    return found


def _extremes() -> list[Envelope]:
    scope = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-1", "timestamp": 1777852800}
    deposit = Deposit(method_id="visa", currency="EUR", amount=LARGEST, balance_after=LARGEST.copy_negate())
    transaction = Transaction(provider_id="pr-1", game_id="g-1", gameround_id="r-1", currency="EUR",
                              game_bet=LARGEST, bonus_bet=Decimal("99999999999999999999"),
                              real_bet=Decimal("0.000000000000000001"), jackpot_bet=Decimal(0),
                              game_win=Decimal("12345678901234567890.123456789012345678"),
                              jackpot_win=Decimal("99999999999999999999.5"), is_free_spin=False, round_finished=True)
    return [Envelope(**scope, payload=deposit), Envelope(**scope, payload=transaction)]


def _has_money(envelope: Envelope) -> bool:
    return any(spec.kind.endswith("money") and getattr(envelope.payload, spec.name) is not None
               for spec in payload_fields(envelope.event_type))


PROBE_DOCUMENTS = [
    (kind, raw, _document(event_type, path, raw).decode())
    for kind, probes in PROBES.items() for raw, _ in probes for event_type, path in TARGETS[kind]
]


@pytest.fixture(scope="module")
def ajv() -> dict[str, Any]:
    written = [*_extremes(), *_generated(150)]
    cases = [[file, to_json(envelope, money=money).decode()]
             for envelope in written for money in ("string", "number") for file in ENVELOPES]
    cases += [[file, text] for _, _, text in PROBE_DOCUMENTS for file in ENVELOPES]
    reply = run("ajv_check.mjs", request={"dir": str(SCHEMAS), "cases": cases})
    reply["by_case"] = {(file, text): verdict for (file, text), verdict in zip(cases, reply["verdicts"], strict=True)}
    reply["written"] = written
    return reply


def _has(schema: Any, keyword: str, value: Any) -> bool:
    if isinstance(schema, dict):
        return schema.get(keyword) == value or any(_has(v, keyword, value) for v in schema.values())
    return isinstance(schema, list) and any(_has(item, keyword, value) for item in schema)


def test_every_schema_compiles_in_strict_mode_with_allow_union_types(ajv: dict[str, Any]) -> None:
    assert set(ajv["strict"]) == set(all_json_schemas())
    assert {file: error for file, error in ajv["strict"].items() if error} == {}


def test_only_money_as_string_or_number_needs_union_types(ajv: dict[str, Any]) -> None:
    needs = {file for file, schema in all_json_schemas().items() if _has(schema, "type", ["string", "number"])
             or _has(schema, "type", ["string", "number", "null"])}
    assert needs and not any(file.startswith("producer/") for file in needs)
    failing = {file for file, error in ajv["noUnionTypes"].items() if error}
    assert failing == needs
    assert all("allowUnionTypes" in ajv["noUnionTypes"][file] for file in failing)


def test_the_decimal_format_is_registered_like_any_format_ajv_does_not_know(ajv: dict[str, Any]) -> None:
    with_money = {file for file, schema in all_json_schemas().items() if _has(schema, "format", "decimal")}
    assert {file for file, error in ajv["noFormat"].items() if error} == with_money
    assert all('unknown format "decimal"' in ajv["noFormat"][file] for file in with_money)


def test_ajv_accepts_what_the_library_writes(ajv: dict[str, Any]) -> None:
    verdicts = ajv["by_case"]
    for envelope in ajv["written"]:
        known_only = not envelope.model_extra and not envelope.payload.model_extra
        as_strings, as_numbers = to_json(envelope).decode(), to_json(envelope, money="number").decode()
        assert verdicts["envelope.json", as_strings] is verdicts["envelope.json", as_numbers] is True, as_numbers
        assert verdicts["strict/envelope.json", as_strings] is verdicts["strict/envelope.json", as_numbers] \
            is known_only
        assert verdicts["producer/envelope.json", as_strings] is known_only
        assert verdicts["producer/envelope.json", as_numbers] is (known_only and not _has_money(envelope))


def test_the_largest_amounts_as_json_numbers_pass_ajv(ajv: dict[str, Any]) -> None:
    for envelope in _extremes():
        text = to_json(envelope, money="number").decode()
        assert "99999999999999999999.999999999999999999" in text or "99999999999999999999," in text
        assert json.loads(text)  # JavaScript reads 99999999999999999999.999999999999999999 as 1e20
        assert ajv["by_case"]["envelope.json", text] is True


@pytest.mark.parametrize("file", ENVELOPES)
def test_ajv_and_jsonschema_agree_on_the_probes(ajv: dict[str, Any], file: str) -> None:
    exact = validator_for(file)
    disagreements = [
        (kind, raw) for kind, raw, text in PROBE_DOCUMENTS
        if ajv["by_case"][file, text] != exact.is_valid(loads_exact(text))
    ]
    assert disagreements == []


def test_every_asyncapi_payload_compiles_in_strict_mode_and_takes_its_example(ajv: dict[str, Any]) -> None:
    payloads = ajv["asyncapi"]
    assert set(payloads) == set(asyncapi_document()["components"]["messages"])
    assert {name: reply["error"] for name, reply in payloads.items() if reply["error"]} == {}
    assert all(reply["examples"] == [True] for reply in payloads.values())
