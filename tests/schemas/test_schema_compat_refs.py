"""The compatibility checker follows `$ref` and `$defs` at any depth."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from thrilldrops_events.cli import main
from thrilldrops_events.errors import SchemaSetError
from thrilldrops_events.schema import write_schemas
from thrilldrops_events.schema._compat import compare_schema_sets, load_schema_set

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _kinds(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, bool, bool]]:
    report = compare_schema_sets({"s.json": old}, {"s.json": new})
    return [(c.location, c.kind, c.backward, c.forward) for c in report.changes if not c.documentation_only]


def test_the_envelope_reproduction_reports_both_changes_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schemas(tmp_path / "old")
    write_schemas(tmp_path / "new")
    path = tmp_path / "new" / "envelope.json"
    envelope = json.loads(path.read_text())
    deposit = envelope["$defs"]["Deposit"]
    deposit["properties"]["method_id"]["maxLength"] = 64
    deposit["required"].append("balance_after")
    path.write_text(json.dumps(envelope))
    assert main(["schema", "check", str(tmp_path / "old"), str(tmp_path / "new")]) == 1
    out = capsys.readouterr().out
    assert "event_type.Deposit.method_id: maxLength lowered from 255 to 64" in out
    assert "event_type.Deposit.balance_after: optional field became required" in out
    assert "BREAKING under FULL: 2 changes." in out
    report = compare_schema_sets(load_schema_set(tmp_path / "old"), load_schema_set(tmp_path / "new"))
    assert [(c.file, c.kind) for c in report.changes] == [("envelope.json", "bound_tightened"),
                                                          ("envelope.json", "field_now_required")]


CHAIN: dict[str, Any] = {
    "$schema": DIALECT,
    "type": "object",
    "properties": {"a": {"$ref": "#/$defs/A"}, "list": {"type": "array", "items": {"$ref": "#/$defs/B"}}},
    "$defs": {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
        "B": {"type": "object", "properties": {"c": {"$ref": "#/$defs/C"}}},
        "C": {"type": "string", "maxLength": 10},
    },
}


def test_a_change_at_the_end_of_a_chain_of_references_is_reported_where_each_use_is() -> None:
    new = copy.deepcopy(CHAIN)
    new["$defs"]["C"]["maxLength"] = 5
    assert _kinds(CHAIN, new) == [("a.b.c", "bound_tightened", False, True),
                                  ("list<items>.c", "bound_tightened", False, True)]


def test_references_inside_combinators_are_followed() -> None:
    old = {"$schema": DIALECT, "allOf": [{"$ref": "#/$defs/X"}, {"type": "object"}],
           "anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}],
           "$defs": {"X": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}}}
    new = copy.deepcopy(old)
    new["$defs"]["X"]["properties"]["n"]["minimum"] = 1
    assert [kind for _, kind, _, _ in _kinds(old, new)] == ["bound_tightened", "bound_tightened"]


def test_a_reference_with_sibling_keywords_compares_both() -> None:
    old = {"$schema": DIALECT, "properties": {"x": {"$ref": "#/$defs/X", "maxLength": 9}},
           "$defs": {"X": {"type": "string"}}}
    new = copy.deepcopy(old)
    new["$defs"]["X"]["type"] = "integer"
    new["properties"]["x"]["maxLength"] = 5
    assert [(loc, kind) for loc, kind, _, _ in _kinds(old, new)] == [("x", "type_changed"), ("x", "bound_tightened")]


def test_a_keyword_both_beside_a_reference_and_in_its_target_is_compared_on_both() -> None:
    old = {"$schema": DIALECT, "properties": {"x": {"$ref": "#/$defs/X", "maxLength": 10}},
           "$defs": {"X": {"type": "string", "maxLength": 5}}}
    new = copy.deepcopy(old)
    new["$defs"]["X"]["maxLength"] = 20  # the effective bound goes from 5 to 10
    assert _kinds(old, new) == [("x", "bound_loosened", True, False)]


def test_properties_beside_a_reference_do_not_hide_those_of_its_target() -> None:
    old = {"$schema": DIALECT, "$ref": "#/$defs/X", "properties": {"b": {}},
           "$defs": {"X": {"properties": {"a": {"type": "string"}}}}}
    new = copy.deepcopy(old)
    new["$defs"]["X"]["properties"]["a"]["type"] = "integer"
    assert _kinds(old, new) == [("a", "type_changed", False, False)]


def test_additional_properties_beside_a_reference_do_not_see_the_targets_properties() -> None:
    old = {"$schema": DIALECT, "$ref": "#/$defs/X", "additionalProperties": False,
           "$defs": {"X": {"properties": {"a": {}}}}}  # refuses {"a": 1}: the false sees no properties
    new = {"$schema": DIALECT, "properties": {"a": {}}, "additionalProperties": False}
    assert compare_schema_sets({"s.json": old}, {"s.json": new}).level != "FULL"


def test_a_reference_to_itself_with_a_sibling_of_the_same_keyword_ends() -> None:
    old = {"$schema": DIALECT, "$ref": "#/$defs/N", "type": "object",
           "$defs": {"N": {"$ref": "#/$defs/N", "type": "object", "properties": {"n": {"$ref": "#/$defs/N",
                                                                                     "type": "object"}}}}}
    new = copy.deepcopy(old)
    assert _kinds(old, new) == []
    new["$defs"]["N"]["maxProperties"] = 3
    assert [kind for _, kind, _, _ in _kinds(old, new)] == ["bound_added"]


def test_a_definition_used_in_many_places_is_compared_once_and_reported_at_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import thrilldrops_events.schema._compare as compare_module

    read: list[object] = []  # each reading of an enum writes out all its values: a large one, used often, hung
    real = compare_module.enum_values
    monkeypatch.setattr(compare_module, "enum_values", lambda schema: read.append(schema) or real(schema))

    def schema(limit: int) -> dict[str, Any]:
        uses = {f"p{i}": {"$ref": "#/$defs/Big"} for i in range(100)}
        return {"$schema": DIALECT, "$defs": {"Big": {"enum": list(range(1000)), "maxLength": limit}},
                "properties": uses, "not": {"properties": {"q": {"$ref": "#/$defs/Big"}}}}

    found = _kinds(schema(1), schema(2))
    assert found == [(f"p{i}", "bound_loosened", True, False) for i in range(100)] + [
        ("<not>.q", "bound_loosened", False, True)]
    assert len(read) < 10


def test_a_report_of_more_than_16_mib_of_text_is_a_schema_set_error() -> None:
    def schema(big: dict[str, Any]) -> dict[str, Any]:
        uses = {f"p{i}": {"$ref": "#/$defs/Big"} for i in range(200)}
        return {"$schema": DIALECT, "$defs": {"Big": big}, "properties": uses}

    name = "k" * 100_000  # a field added under a long name, reported at 200 places: 20 MB of locations
    with pytest.raises(SchemaSetError, match="^s\\.json: the report of its changes would hold more than 16 MiB"):
        compare_schema_sets({"s.json": schema({})}, {"s.json": schema({"properties": {name: {"type": "string"}}})})
    assert len(_kinds(schema({}), schema({"properties": {"k" * 1000: {"type": "string"}}}))) == 200


@pytest.mark.parametrize("target", [True, {}])
def test_keywords_beside_a_reference_to_a_schema_accepting_everything_apply(target: Any) -> None:
    old = {"$schema": DIALECT, "$defs": {"T": target}}
    new = {"$schema": DIALECT, "$ref": "#/$defs/T", "type": "string", "$defs": {"T": target}}
    assert _kinds(old, new) == [("", "type_narrowed", False, True)]
    false = {"$schema": DIALECT, "$ref": "#/$defs/F", "type": "string", "$defs": {"F": False}}
    assert [kind for _, kind, _, _ in _kinds(old, false)] == ["now_refused"]


@pytest.mark.parametrize("target", [True, {"type": "object"}])
def test_a_reference_inside_another_to_the_same_target_is_no_cycle(target: Any) -> None:
    def schema(limit: int) -> dict[str, Any]:
        inner = {"$ref": "#/$defs/T", "maxProperties": limit}
        return {"$schema": DIALECT, "$ref": "#/$defs/T", "properties": {"x": inner}, "$defs": {"T": target}}

    assert _kinds(schema(1), schema(2)) == [("x", "bound_loosened", True, False)]


def test_a_definition_nothing_refers_to_is_compared_on_its_own() -> None:
    old = {"$schema": DIALECT, "type": "object", "$defs": {"Spare": {"type": "string", "maxLength": 9},
                                                           "Nested": {"$defs": {"Deep": {"type": "integer"}}}}}
    new = copy.deepcopy(old)
    new["$defs"]["Spare"]["maxLength"] = 5
    new["$defs"]["Nested"]["$defs"]["Deep"]["type"] = "string"
    new["$defs"]["Extra"] = {"type": "null"}
    assert _kinds(old, new) == [
        ("<$defs/Spare>", "bound_tightened", False, True),
        ("<$defs/Extra>", "definition_added", True, True),
        ("<$defs/Nested><$defs/Deep>", "type_changed", False, False),
    ]


def test_a_definition_reached_by_a_reference_is_reported_once() -> None:
    new = copy.deepcopy(CHAIN)
    new["$defs"]["A"]["properties"]["d"] = {"type": "string"}
    found = _kinds(CHAIN, new)
    assert [(loc, kind) for loc, kind, _, _ in found] == [("a.d", "field_added_optional")]


def test_a_cyclic_definition_changed_deep_inside_is_found() -> None:
    old = {"$schema": DIALECT, "$ref": "#/$defs/Node",
           "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"},
                                                               "leaf": {"$ref": "#/$defs/Leaf"}}},
                     "Leaf": {"type": "string", "pattern": "^a"}}}
    new = copy.deepcopy(old)
    new["$defs"]["Leaf"]["pattern"] = "^b"
    assert [(loc, kind) for loc, kind, _, _ in _kinds(old, new)] == [("leaf", "pattern_changed")]


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"x": schema}}
    return {"$schema": DIALECT, **schema}


def test_schemas_nested_too_deeply_get_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _kinds(_nested(150), _nested(150)) == []
    deeper = _nested(150)
    node = deeper
    for _ in range(150):
        node = node["properties"]["x"]
    node["type"] = "integer"
    assert len(_kinds(_nested(150), deeper)) == 1
    with pytest.raises(SchemaSetError, match="nested more than 200 levels"):
        compare_schema_sets({"s.json": _nested(300)}, {"s.json": _nested(301)})
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "s.json").write_text(json.dumps(_nested(300 if side == "old" else 301)))
    assert main(["schema", "check", str(tmp_path / "old"), str(tmp_path / "new")]) == 2
    assert "nested more than 200 levels" in capsys.readouterr().err


def test_json_nested_beyond_the_parser_is_a_schema_set_error(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(SchemaSetError, match="nested too deeply"):
        load_schema_set(tmp_path)


def _doubling(levels: int, leaf: str) -> dict[str, Any]:
    """Definitions each using the next one twice: ``2 ** levels`` uses of the last one, in a few hundred bytes."""
    defs: dict[str, Any] = {f"D{i}": {"type": "object", "properties": {"a": {"$ref": f"#/$defs/D{i + 1}"},
                                                                      "b": {"$ref": f"#/$defs/D{i + 1}"}}}
                            for i in range(levels)}
    defs[f"D{levels}"] = {"type": leaf}
    return {"$schema": DIALECT, "$ref": "#/$defs/D0", "$defs": defs}


def test_a_change_used_exponentially_many_times_is_a_clear_error_not_a_hang(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = _kinds(_doubling(4, "string"), _doubling(4, "integer"))
    assert len(small) == 16 and {kind for _, kind, _, _ in small} == {"type_changed"}
    with pytest.raises(SchemaSetError, match=r"^s\.json: more than 10000 sub-schemas to compare, references followed"):
        compare_schema_sets({"s.json": _doubling(40, "string")}, {"s.json": _doubling(40, "integer")})
    for side, leaf in (("old", "string"), ("new", "integer")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "s.json").write_text(json.dumps(_doubling(40, leaf)))
    assert main(["schema", "check", str(tmp_path / "old"), str(tmp_path / "new")]) == 2
    assert "more than 10000 sub-schemas" in capsys.readouterr().err


def _deep(levels: int, how: str, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for level in range(levels):
        schema = ({"type": "object", "properties": {"a": schema}} if how == "properties" else
                  {how: [{"description": f"level {level}"}, schema]})
    return {"$schema": DIALECT, **schema}


@pytest.mark.parametrize("how", ["properties", "allOf", "anyOf", "oneOf"])
def test_each_level_of_a_deep_schema_does_not_write_out_all_below_it_again(
        how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from thrilldrops_events.schema import _compare, _compare_structure, _schema_facts

    written = []
    canonical = _schema_facts.canonical

    def counted(value: Any) -> str:
        text = canonical(value)
        written.append(len(text))
        return text

    for module in (_compare, _compare_structure, _schema_facts):
        monkeypatch.setattr(module, "canonical", counted)
    values = [f"value {i}" for i in range(2_000)]
    old, new = _deep(150, how, {"enum": values}), _deep(150, how, {"enum": [*values, "one more"]})
    kinds = {kind for _, kind, _, _ in _kinds(old, new)}
    assert kinds == {"enum_values_added"}
    # The enum is written out value by value, once per side; quadratic work wrote each level's whole subtree.
    assert sum(written) < 4 * (len(canonical(old)) + len(canonical(new)))


def test_a_reference_is_followed_as_a_json_pointer_or_not_at_all() -> None:
    # A negative or non-decimal index points nowhere (Python would take the last item, or read other digits).
    old = {"$schema": DIALECT, "$ref": "#/x-list/-1", "x-list": [{"type": "string"}, {"type": "integer"}]}
    new = copy.deepcopy(old)
    new["x-list"][1] = {"type": "number"}
    assert [kind for _, kind, _, _ in _kinds(old, new)] == ["keyword_changed"]
    for ref in ("#/x-list/\u0661", "#/x-list/01", "#/x-list/+1", "#/x-list/1/"):
        assert [kind for _, kind, _, _ in _kinds({**old, "$ref": ref}, {**new, "$ref": ref})] == ["keyword_changed"]
    # A fragment that is not a pointer names an anchor, which is not the whole document.
    old = {"$schema": DIALECT, "type": "object", "$defs": {"U": {"properties": {"a": {"$ref": "#S"}}},
                                                          "S": {"$anchor": "S", "type": "string"}}}
    new = {**copy.deepcopy(old), "maxProperties": 3}
    assert [(location, kind) for location, kind, _, _ in _kinds(old, new)] == [("", "bound_added")]
    # The fragment of a URI is percent-encoded.
    old = {"$schema": DIALECT, "properties": {"a": {"$ref": "#/$defs/A%20B%25"}}, "$defs": {"A B%": {"type": "string"}}}
    new = copy.deepcopy(old)
    new["$defs"]["A B%"]["type"] = "integer"
    assert [(location, kind) for location, kind, _, _ in _kinds(old, new)] == [("a", "type_changed")]
