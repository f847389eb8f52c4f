"""The schemas of 0.1.0 and today's give the same verdicts, but for the changes made on purpose.

The checker counts the restructuring since 0.1.0 as breaking (`EXPECTED_SINCE_0_1_0` in
test_schema_compat.py lists why each change may pass); this test shows what it means for events: every
document judged by the released `envelope.json` and by today's gets the same verdict, except a money
JSON number of exactly 10^20, which today's schema accepts so that validators reading numbers as doubles
accept every amount with 20 integer digits, a negative zero written as a string in an amount
(`"-0.00"`, what JavaScript's `toFixed` writes), which the library reads as zero and the schemas now accept,
and a `jurisdiction` that is empty or edged with whitespace (free text, as the contract says).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schema_helpers import loads_exact, validator_for
from test_schema_cross_validation import ENVELOPE_PROBES, PROBES, TARGETS, _document

from thrilldrops_events import Envelope, to_json
from thrilldrops_events.testing import envelopes, invalid_envelopes, wire_envelopes

RELEASED = Path(__file__).resolve().parents[2] / "schemas" / "released" / "0.1.0"
OLD = Draft202012Validator(json.loads((RELEASED / "envelope.json").read_text(encoding="utf-8")))
NEW = validator_for("envelope.json")

# The differences on purpose: money as a JSON number of exactly 10^20 (the library refuses it either way), a
# negative zero string in an amount (the library reads it as zero), and free text in jurisdiction (empty, or
# edged with whitespace), which the contract allows and the library reads now.
CHANGED = {("money", "100000000000000000000"), ("money", "1e20"), ("signed_money", "-100000000000000000000"),
           ("money", '"-0"'), ("money", '"-0.00"'), ("money", '"-0E-8"'),
           *(("text", raw) for raw in ('""', '" "', '" Isle of Man"', '"Isle of Man "', '"MGA\\n"',
                                      '"\\u3000MGA\\u2028"'))}


def _with_an_identifier_jurisdiction(document: Any) -> Any:
    """The document with a free-text jurisdiction replaced by one the 0.1.0 schema accepts, or ``None`` if none."""
    try:
        login = document["event_type"]["PlayerLogin"]
        text = login["jurisdiction"]
    except (KeyError, TypeError):
        return None
    if not isinstance(text, str):
        return None
    return {**document, "event_type": {**document["event_type"], "PlayerLogin": {**login, "jurisdiction": "MGA"}}}


def _same(document: Any) -> None:
    old, new = OLD.is_valid(document), NEW.is_valid(document)
    if old != new:  # on purpose only for free text in jurisdiction: accepted now, else the same verdict
        replaced = _with_an_identifier_jurisdiction(document)
        assert replaced is not None and not old and new, document
        document = replaced
    assert OLD.is_valid(document) == NEW.is_valid(document), document


@given(st.one_of(wire_envelopes(), invalid_envelopes().map(lambda invalid: invalid.data)))
def test_generated_documents_get_the_same_verdicts(data: Any) -> None:
    _same(data)


@given(envelopes(unknown_fields=True), st.sampled_from(["string", "number"]))
def test_written_events_get_the_same_verdicts(envelope: Envelope, money: Any) -> None:
    _same(loads_exact(to_json(envelope, money=money)))


def _probes() -> list[Any]:
    return [pytest.param(kind, raw, id=f"{kind}-{raw[:40]}") for kind, probes in PROBES.items() for raw, _ in probes]


@pytest.mark.parametrize(("kind", "raw"), _probes())
def test_probes_get_the_same_verdicts(kind: str, raw: str) -> None:
    for event_type, path in TARGETS[kind]:
        document = loads_exact(_document(event_type, path, raw))
        if (kind, raw) in CHANGED:
            assert not OLD.is_valid(document) and NEW.is_valid(document)
        else:
            _same(document)


@pytest.mark.parametrize("document", [probe[0] for probe in ENVELOPE_PROBES])
def test_envelope_probes_get_the_same_verdicts(document: str) -> None:
    _same(loads_exact(document))
