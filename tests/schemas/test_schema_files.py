"""The generated JSON Schemas: their shape, their API, and the committed copies under schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from schema_helpers import validator_for

from thrilldrops_events import EventType
from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events._fields import ENVELOPE_FIELDS, payload_fields
from thrilldrops_events.schema import (
    ENVELOPE,
    SCHEMA_BASE_URI,
    SCHEMA_DIALECT,
    all_json_schemas,
    json_schema,
    schema_file_name,
    schema_files,
    write_schemas,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
REGENERATE = "thrilldrops-events schema export --out schemas"


def _committed() -> dict[str, bytes]:
    return {
        path.relative_to(SCHEMAS).as_posix(): path.read_bytes()
        for path in sorted(SCHEMAS.rglob("*"))
        if path.is_file() and "released" not in path.relative_to(SCHEMAS).parts
    }


def test_committed_schemas_are_up_to_date() -> None:
    generated, committed = schema_files(), _committed()
    missing = sorted(set(generated) - set(committed))
    stale = sorted(set(committed) - set(generated))
    changed = sorted(name for name in set(generated) & set(committed) if generated[name] != committed[name])
    assert not (missing or stale or changed), (
        f"schemas/ is out of date (missing: {missing}, not generated any more: {stale}, changed: {changed}). "
        f"Regenerate it from the repository root with:\n    {REGENERATE}\nthen review and commit the diff "
        "(delete the files listed as not generated any more)."
    )


def test_write_schemas_writes_exactly_the_files(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    files = schema_files()
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == sorted(files)
    for path in written:
        assert path.read_bytes() == files[path.relative_to(tmp_path / "out").as_posix()]


@pytest.mark.parametrize("out_dir", [None, 5, b"out"], ids=repr)
def test_write_schemas_to_what_is_not_a_path_is_a_type_error_naming_out_dir(out_dir: Any) -> None:
    with pytest.raises(TypeError, match=f"^out_dir must be a path, not {type(out_dir).__name__}$"):
        write_schemas(out_dir)


def test_file_layout() -> None:
    names = set(all_json_schemas())
    variants = {e.value for e in EventType} | {"envelope"}
    assert names == {f"{prefix}{v}.json" for v in variants for prefix in ("", "strict/", "producer/")}
    assert set(schema_files()) == names | {"asyncapi.json", "typescript/events.d.ts"}


@pytest.mark.parametrize("name", sorted(all_json_schemas()))
def test_every_schema_is_valid_2020_12_with_a_stable_id(name: str) -> None:
    schema = all_json_schemas()[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == SCHEMA_BASE_URI + name
    assert schema["description"]


@pytest.mark.parametrize("event_type", list(EventType))
def test_payload_schema_follows_the_field_view(event_type: EventType) -> None:
    schema = json_schema(event_type)
    specs = payload_fields(event_type)
    assert list(schema["properties"]) == [spec.name for spec in specs]
    assert schema["required"] == [spec.name for spec in specs if not spec.nullable]
    assert schema["additionalProperties"] is True
    assert json_schema(event_type, strict=True)["additionalProperties"] is False
    assert json_schema(event_type, producer=True)["additionalProperties"] is False
    for spec in specs:
        field = schema["properties"][spec.name]
        assert field["description"].startswith(spec.description)
        types = field["type"] if isinstance(field["type"], list) else [field["type"]]
        assert ("null" in types) == spec.nullable
        if "enum" in field:
            assert (None in field["enum"]) == spec.nullable


def _money_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [field for field in schema["properties"].values() if field.get("format") == "decimal"]


@pytest.mark.parametrize("event_type", [e for e in EventType if any(s.kind.endswith("money")
                                                                    for s in payload_fields(e))])
def test_money_is_a_decimal_string_for_producers_and_a_string_or_number_for_consumers(event_type: EventType) -> None:
    specs = {spec.name: spec for spec in payload_fields(event_type)}
    for producer, kinds in ((False, ["string", "number"]), (True, ["string"])):
        fields = _money_fields(json_schema(event_type, producer=producer))
        assert len(fields) == sum(spec.kind.endswith("money") for spec in specs.values()) > 0
        for field in fields:
            types = field["type"] if isinstance(field["type"], list) else [field["type"]]
            assert [t for t in types if t != "null"] == kinds
            assert field["pattern"].startswith("^") and field["maxLength"] == 64
            assert ("maximum" in field) == (not producer) and "exclusiveMaximum" not in field


def test_envelope_is_an_externally_tagged_union() -> None:
    schema = json_schema(ENVELOPE)
    tagged = schema["properties"]["event_type"]
    assert set(tagged) == {"description", "oneOf"}
    for branch, event_type in zip(tagged["oneOf"], EventType, strict=True):
        name = event_type.value
        assert branch == {"title": f"{name} event type", "type": "object",
                          "properties": {name: {"$ref": f"#/$defs/{name}"}}, "required": [name],
                          "additionalProperties": False}
    assert list(schema["properties"])[:4] == [spec.name for spec in ENVELOPE_FIELDS]
    assert schema["required"] == ["operator_id", "brand_id", "player_id", "timestamp", "event_type"]
    assert schema["propertyNames"] == {"not": {"const": "payload"}}
    for producer, strict in ((True, False), (False, True)):
        closed = json_schema(ENVELOPE, strict=strict, producer=producer)
        assert closed["additionalProperties"] is False and "propertyNames" not in closed
    for event_type in EventType:
        embedded = dict(schema["$defs"][event_type.value])
        standalone = json_schema(event_type)
        del standalone["$schema"], standalone["$id"]
        assert embedded == standalone
        assert json_schema(ENVELOPE, strict=True)["$defs"][event_type.value]["additionalProperties"] is False
        assert json_schema(ENVELOPE, producer=True)["$defs"][event_type.value] == {
            k: v for k, v in json_schema(event_type, producer=True).items() if k not in ("$schema", "$id")}


def test_bounds_match_the_python_rules() -> None:
    login = json_schema("PlayerLogin")["properties"]
    assert set(login["country"]["enum"]) == set(COUNTRY_CODES) | {None}
    assert login["session_token"]["maxLength"] == 4096
    envelope = json_schema(ENVELOPE)["properties"]
    assert (envelope["timestamp"]["minimum"], envelope["timestamp"]["maximum"]) == (0, 253402300799)
    assert "milliseconds" in envelope["timestamp"]["description"]
    assert (envelope["player_id"]["minLength"], envelope["player_id"]["maxLength"]) == (1, 255)
    deposit = json_schema("Deposit")["properties"]
    assert deposit["amount"]["minimum"] == 0 and deposit["amount"]["maximum"] == 10**20
    assert "cannot bound their scale" in deposit["amount"]["description"]
    assert deposit["balance_after"]["minimum"] == -(10**20)


@pytest.mark.parametrize("name", sorted(all_json_schemas()))
def test_limits_and_refused_strings_are_in_the_descriptions(name: str) -> None:
    description = all_json_schemas()[name]["description"]
    assert "lone surrogate" in description and "\\ud800" in description
    if name.endswith("envelope.json"):
        assert "1048576 bytes (1 MiB)" in description and "64 levels" in description


def test_json_schema_accepts_names_and_enum_members_and_returns_copies() -> None:
    assert json_schema("Deposit") == json_schema(EventType.DEPOSIT)
    first = json_schema("Deposit")
    first["properties"].clear()
    assert json_schema("Deposit")["properties"]
    assert schema_file_name("Deposit", strict=True) == "strict/Deposit.json"
    assert schema_file_name("Deposit", producer=True) == "producer/Deposit.json"
    assert schema_file_name("Deposit", strict=True, producer=True) == "producer/Deposit.json"
    assert schema_file_name(ENVELOPE) == "envelope.json"


@pytest.mark.parametrize("name", ["deposit", "Envelope", "", "ThrillPots"])
def test_unknown_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=name or "''"):
        json_schema(name)


class _Lying(str):
    """A name whose ``==`` says it is equal to anything, hashed as ``Deposit``."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("Deposit")


def test_a_name_is_read_by_its_text() -> None:
    for call in (json_schema, schema_file_name):
        with pytest.raises(ValueError, match="^name must be an event type .* or 'envelope', not 'nope'$"):
            call(_Lying("nope"))
    assert schema_file_name(_Lying("Deposit")) == "Deposit.json"
    assert json_schema(_Lying("Deposit")) == json_schema("Deposit")


def test_a_long_unknown_name_is_cut_in_the_message() -> None:
    with pytest.raises(ValueError) as caught:
        json_schema("x" * 1_000_000)
    assert len(str(caught.value)) < 300


def test_files_are_ascii_json_with_a_final_newline() -> None:
    for name, content in schema_files().items():
        if name.endswith(".d.ts"):
            continue
        text = content.decode("ascii")
        assert text.endswith("}\n"), name
        assert json.loads(text) is not None


def test_a_payload_file_validates_the_payload_alone() -> None:
    payload: dict[str, Any] = {"method_id": "visa", "currency": "EUR", "amount": "25.00", "balance_after": None}
    validator_for("Deposit.json").validate(payload)
    assert not validator_for("strict/Deposit.json").is_valid({**payload, "note": "x"})
    assert validator_for("Deposit.json").is_valid({**payload, "note": "x"})
    assert validator_for("producer/Deposit.json").is_valid(payload)
    assert not validator_for("producer/Deposit.json").is_valid({**payload, "note": "x"})
    assert not validator_for("producer/Deposit.json").is_valid({**payload, "amount": 25})
    assert validator_for("strict/Deposit.json").is_valid({**payload, "amount": 25})


@pytest.mark.parametrize("value", ["yes", "", None, 1, []], ids=repr)
@pytest.mark.parametrize("name", ["strict", "producer"])
def test_a_strict_or_producer_that_is_not_a_bool_is_a_type_error_naming_it(name: str, value: Any) -> None:
    message = f"^{name} must be True or False, not {type(value).__name__}$"
    with pytest.raises(TypeError, match=message):
        json_schema("Deposit", **{name: value})
    with pytest.raises(TypeError, match=message):
        schema_file_name("Deposit", **{name: value})
