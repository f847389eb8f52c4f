"""The compatibility checker: each class of change, the report, the directories, and the release gate."""

from __future__ import annotations

import copy
import inspect
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from compat_cases import BASE, CASES, set_at

from thrilldrops_events import __version__
from thrilldrops_events.cli import main
from thrilldrops_events.schema import all_json_schemas, write_schemas
from thrilldrops_events.schema._compat import (
    Effect,
    SchemaSetError,
    compare_schema_sets,
    load_schema_set,
    release_gate,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("change", "kind", "backward", "forward", "location"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_each_class_of_change(change: Callable[[dict[str, Any]], None], kind: str, backward: bool, forward: bool,
                              location: str) -> None:
    new = copy.deepcopy(BASE)
    change(new)
    report = compare_schema_sets({"s.json": BASE}, {"s.json": new})
    found = [c for c in report.changes if not c.documentation_only]
    assert [(c.kind, c.location) for c in found] == [(kind, location)]
    (only,) = found
    assert (only.backward, only.forward) == (backward, forward)
    assert only.compatible("FULL") == (backward and forward)
    assert report.level == ("FULL" if backward and forward else "BACKWARD" if backward else
                            "FORWARD" if forward else "NONE")
    assert only.message


def test_new_variant_in_the_tagged_union_breaks_forward() -> None:
    old = {name: schema for name, schema in all_json_schemas().items() if "/" not in name}
    new = copy.deepcopy(old)
    union = new["envelope.json"]["properties"]["event_type"]["oneOf"]
    union.append({"type": "object", "properties": {"Bonus": {"type": "object"}}, "required": ["Bonus"],
                  "additionalProperties": False})
    report = compare_schema_sets(old, new)
    (change,) = report.changes
    assert (change.file, change.location, change.kind) == ("envelope.json", "event_type", "oneOf_branch_added")
    assert change.backward and not change.forward and "Bonus" in change.message


def test_a_change_inside_one_variant_is_reported_at_its_field() -> None:
    old = {name: schema for name, schema in all_json_schemas().items() if "/" not in name}
    new = copy.deepcopy(old)
    new["envelope.json"]["$defs"]["Deposit"]["properties"]["method_id"]["maxLength"] = 64
    (change,) = compare_schema_sets(old, new).changes
    assert (change.location, change.kind) == ("event_type.Deposit.method_id", "bound_tightened")


def test_documentation_changes_are_compatible_and_hidden_by_default() -> None:
    new = copy.deepcopy(BASE)
    new["properties"]["name"]["description"] = "The name."
    report = compare_schema_sets({"s.json": BASE}, {"s.json": new})
    (change,) = report.changes
    assert change.documentation_only and change.effect is Effect.NONE
    assert "description changed" not in report.render()
    assert "description changed" in report.render(documentation=True)
    assert not report.breaking()


def test_schema_files_added_and_removed() -> None:
    report = compare_schema_sets({"a.json": BASE}, {"b.json": BASE})
    assert [(c.file, c.kind, c.backward, c.forward) for c in report.changes] == [
        ("a.json", "schema_removed", False, True), ("b.json", "schema_added", True, False)]
    assert report.level == "NONE"


def test_identical_sets_have_no_changes() -> None:
    schemas = {name: schema for name, schema in all_json_schemas().items() if "/" not in name}
    report = compare_schema_sets(schemas, copy.deepcopy(schemas))
    assert report.changes == () and report.level == "FULL"
    assert "Compatible under FULL." in report.render()


def test_report_renders_verdicts_and_levels() -> None:
    new = copy.deepcopy(BASE)
    new["properties"]["count"]["maximum"] = 50
    new["properties"]["channel"]["enum"] = ["A", "B", "C"]
    report = compare_schema_sets({"s.json": BASE}, {"s.json": new})
    text = report.render("BACKWARD")
    assert "s.json" in text
    assert "[breaks BACKWARD]" in text and "count: maximum lowered from 100 to 50" in text
    assert "[breaks FORWARD]" in text and 'channel: values added: "C"' in text
    assert "BREAKING under BACKWARD: 1 change." in text
    assert [c.kind for c in report.breaking("FORWARD")] == ["enum_values_added"]
    assert len(report.breaking("FULL")) == 2
    data = report.to_json("FORWARD")
    assert data["compatible"] is False and data["level"] == "NONE"
    assert {c["kind"] for c in data["changes"]} == {"bound_tightened", "enum_values_added"}
    json.dumps(data)


def test_reference_cycles_end() -> None:
    cyclic = {"$schema": "x", "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}},
              "$ref": "#/$defs/Node"}
    changed = copy.deepcopy(cyclic)
    changed["$defs"]["Node"]["properties"]["value"] = {"type": "string"}
    report = compare_schema_sets({"n.json": cyclic}, {"n.json": changed})
    assert [c.kind for c in report.changes] == ["field_added_optional"]


def test_dangling_references_are_compared_as_written() -> None:
    old = {"$schema": "x", "properties": {"a": {"$ref": "#/$defs/Missing"}}}
    new = {"$schema": "x", "properties": {"a": {"$ref": "#/$defs/Other"}}}
    (change,) = compare_schema_sets({"d.json": old}, {"d.json": new}).changes
    assert change.kind == "reference_changed" and not change.backward and not change.forward


def test_const_and_enum_together_allow_only_what_both_allow() -> None:
    old = {"$schema": "x", "const": 1, "enum": [1]}
    new = {"$schema": "x", "const": 1, "enum": [2]}  # refuses every value now
    (change,) = compare_schema_sets({"c.json": old}, {"c.json": new}).changes
    assert (change.kind, change.backward, change.forward) == ("enum_values_removed", False, True)
    same = {"$schema": "x", "const": 1, "enum": [1]}
    assert compare_schema_sets({"c.json": {"$schema": "x", "const": 1, "enum": [1, 2]}}, {"c.json": same}).changes == ()


def test_many_new_oneof_branches_are_not_checked_for_overlap_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    import thrilldrops_events.schema._compare_structure as structure

    checked: list[object] = []  # a oneOf of thousands of new branches took billions of checks
    real = structure.disjoint
    monkeypatch.setattr(structure, "disjoint", lambda a, b: checked.append(a) or real(a, b))

    def added(count: int) -> set[tuple[str, bool, bool]]:
        old = {"$schema": "x", "oneOf": [{"const": -1}]}
        new = {"$schema": "x", "oneOf": [{"const": -1}, *({"const": i} for i in range(count))]}
        changes = compare_schema_sets({"o.json": old}, {"o.json": new}).changes
        assert len(changes) == count
        return {(c.kind, c.backward, c.forward) for c in changes}

    assert added(50) == {("oneOf_branch_added", True, False)}  # shown not to overlap
    assert added(300) == {("oneOf_branch_added", False, False)}  # too many pairs: counted as overlapping
    assert len(checked) <= 2 * structure.MAX_PAIRS


def test_a_schema_too_deep_for_the_stack_left_is_a_schema_set_error() -> None:
    old: dict[str, Any] = {"x-ext": 1}
    for _ in range(150):
        old = {"not": old}
    new = copy.deepcopy(old)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # a caller deep in its own stack; Python 3.10 and 3.11
    try:  # also count the JSON levels of the values compared there (up to 800)
        with pytest.raises(SchemaSetError, match="^s\\.json: nested too deeply to compare in the stack left$"):
            compare_schema_sets({"s.json": old}, {"s.json": {"not": new}})
    finally:
        sys.setrecursionlimit(limit)


def test_long_values_are_cut_in_the_messages() -> None:
    long = "a" * 1_000_000  # a definition holding it, used in a thousand places, made a report of gigabytes
    old = {"$schema": "x", "pattern": long, "format": long, "$id": long, "enum": [long], "type": [long],
           "properties": {"r": {"$ref": "#/" + long}}}
    new = {"$schema": "x", "pattern": long + "b", "$id": long + "b", "enum": [long + "b"], "type": [long + "b"],
           "minLength": 1, "properties": {"r": {"$ref": "#/b" + long}}}
    changes = compare_schema_sets({"l.json": old}, {"l.json": new}).changes
    assert {c.kind for c in changes} >= {"pattern_changed", "format_removed", "schema_id_changed",
                                         "enum_values_added", "type_changed", "reference_changed"}
    assert max(len(c.message) for c in changes) < 400


def test_contains_true_needs_an_item_so_adding_it_narrows() -> None:
    old: dict[str, Any] = {"$schema": "x", "type": "array"}
    new = {**old, "contains": True}  # refuses the empty array
    assert [(c.kind, c.backward, c.forward) for c in compare_schema_sets({"c.json": old}, {"c.json": new}).changes] \
        == [("contains_added", False, True)]
    assert [(c.kind, c.backward, c.forward) for c in compare_schema_sets({"c.json": new}, {"c.json": old}).changes] \
        == [("contains_removed", True, False)]


# -- directories --------------------------------------------------------------------------------------------


def test_load_schema_set_reads_top_level_schemas_only(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    loaded = load_schema_set(tmp_path)
    assert set(loaded) == {name for name in all_json_schemas() if "/" not in name}
    assert "asyncapi.json" not in loaded


def test_load_schema_set_errors(tmp_path: Path) -> None:
    with pytest.raises(SchemaSetError, match="is not a directory"):
        load_schema_set(tmp_path / "missing")
    with pytest.raises(SchemaSetError, match="holds no JSON Schema"):
        load_schema_set(tmp_path)
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(SchemaSetError, match=r"bad\.json"):
        load_schema_set(tmp_path)
    assert issubclass(SchemaSetError, ValueError)


# -- the CLI ------------------------------------------------------------------------------------------------


def _release(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    directory = tmp_path / name
    write_schemas(directory)
    if change is not None:
        path = directory / "Deposit.json"
        schema = json.loads(path.read_text())
        change(schema)
        path.write_text(json.dumps(schema))
    return directory


def test_cli_export_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "export", "--out", str(tmp_path / "out")]) == 0
    assert f"wrote 29 files to {tmp_path / 'out'}" in capsys.readouterr().out
    assert (tmp_path / "out" / "strict" / "envelope.json").is_file()
    assert (tmp_path / "out" / "producer" / "envelope.json").is_file()
    assert (tmp_path / "out" / "typescript" / "events.d.ts").is_file()
    assert (tmp_path / "out" / "asyncapi.json").is_file()


def test_cli_export_reports_an_unwritable_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    assert main(["schema", "export", "--out", str(tmp_path / "file")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cli_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _release(tmp_path, "old")
    same = _release(tmp_path, "same")
    narrower = _release(tmp_path, "narrower", set_at("properties/amount/maximum", 1000))
    wider = _release(tmp_path, "wider", set_at("properties/amount/maxLength", 100))
    assert main(["schema", "check", str(old), str(same)]) == 0
    assert "Compatible under FULL." in capsys.readouterr().out
    assert main(["schema", "check", str(old), str(narrower)]) == 1
    out = capsys.readouterr().out
    assert "Deposit.json" in out and "[breaks BACKWARD]" in out
    assert "amount: maximum lowered from 100000000000000000000 to 1000" in out
    assert main(["schema", "check", str(old), str(narrower), "--level", "FORWARD"]) == 0
    assert main(["schema", "check", str(old), str(wider), "--level", "BACKWARD"]) == 0
    assert main(["schema", "check", str(old), str(wider), "--level", "FORWARD"]) == 1
    capsys.readouterr()
    assert main(["schema", "check", str(old), str(wider), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["changes"][0]["kind"] == "bound_loosened" and data["compatible"] is False
    assert main(["schema", "check", str(old), str(tmp_path / "nope")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_cli_schema_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["schema"])
    assert exited.value.code == 2


# -- the release gate ---------------------------------------------------------------------------------------

_CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Something.\n\n## [1.0.0]\n\n- First.\n"


def test_release_gate_passes_without_breaking_changes(tmp_path: Path) -> None:
    _release(tmp_path / "released", "1.0.0")
    current = {**all_json_schemas()}
    current["Deposit.json"] = copy.deepcopy(current["Deposit.json"])
    # an optional field that accepts any value: compatible both ways, even in an open object
    current["Deposit.json"]["properties"]["note"] = {"description": "Any note."}
    assert release_gate(tmp_path / "released", current, version="1.1.0", changelog=_CHANGELOG) == []


def test_release_gate_requires_a_major_bump_and_a_changelog_entry(tmp_path: Path) -> None:
    _release(tmp_path / "released", "0.9.0")
    _release(tmp_path / "released", "1.0.0")
    current = copy.deepcopy(all_json_schemas())
    current["Deposit.json"]["required"].append("balance_after")
    problems = release_gate(tmp_path / "released", current, version="1.4.0", changelog=_CHANGELOG)
    assert len(problems) == 3
    assert "since 1.0.0" in problems[0] and "release them as 2.0.0" in problems[0]
    assert "CHANGELOG.md does not announce" in problems[1]
    assert "balance_after: optional field became required" in problems[2]
    bumped = release_gate(tmp_path / "released", current, version="2.0.0", changelog=_CHANGELOG)
    assert len(bumped) == 2 and "CHANGELOG" in bumped[0]
    announced = _CHANGELOG.replace("- Something.", "- Breaking: `balance_after` is required.")
    assert release_gate(tmp_path / "released", current, version="2.0.0", changelog=announced) == []
    in_old_section = _CHANGELOG.replace("- First.", "- Breaking: old news.")
    assert len(release_gate(tmp_path / "released", current, version="2.0.0", changelog=in_old_section)) == 2


def test_release_gate_needs_a_released_set(tmp_path: Path) -> None:
    with pytest.raises(SchemaSetError, match="no released schema set"):
        release_gate(tmp_path, all_json_schemas(), version="1.0.0", changelog="")
    _release(tmp_path, "1.0.0")
    with pytest.raises(SchemaSetError, match=r"MAJOR\.MINOR\.PATCH"):
        release_gate(tmp_path, all_json_schemas(), version="1.0", changelog="")



@pytest.mark.parametrize("version", ["\u0661.0.0", "2.0.0\n", "\uff12.0.0", "2.0.0 "])
def test_a_version_of_other_than_ascii_digits_is_not_major_minor_patch(tmp_path: Path, version: str) -> None:
    _release(tmp_path, "1.0.0")
    with pytest.raises(SchemaSetError, match=r"MAJOR\.MINOR\.PATCH"):
        release_gate(tmp_path, all_json_schemas(), version=version, changelog="- Breaking: everything")
    _release(tmp_path, "\u0669.0.0")  # ARABIC-INDIC NINE: not a released version
    assert release_gate(tmp_path, all_json_schemas(), version="1.0.0", changelog="") == []


def test_release_gate_arguments_of_the_wrong_type_are_type_errors_naming_them(tmp_path: Path) -> None:
    _release(tmp_path, "1.0.0")
    current = all_json_schemas()
    for call, name in [
        (lambda: release_gate(None, current, version="1.0.0", changelog=""), "released"),  # type: ignore[arg-type]
        (lambda: release_gate(tmp_path, None, version="1.0.0", changelog=""), "current"),  # type: ignore[arg-type]
        (lambda: release_gate(tmp_path, current, version=1, changelog=""), "version"),  # type: ignore[arg-type]
        (lambda: release_gate(tmp_path, current, version="1.0.0", changelog=None), "changelog"),  # type: ignore[arg-type]
        (lambda: release_gate(tmp_path, current, version="1.0.0", changelog="", expected=[("a", "b")]), "expected"),  # type: ignore[arg-type]
    ]:
        with pytest.raises(TypeError, match=f"^{name} must be "):
            call()


@pytest.mark.parametrize("expected", [{("bound_tightened",): "r"}, {5: "r"}, {("bound_tightened", 5): "r"},
                                      {"ab": "r"}, {("a", "b", "c"): "r"}, {("bound_tightened", "*"): 5}])
def test_release_gate_expectations_of_the_wrong_shape_are_type_errors(tmp_path: Path, expected: Any) -> None:
    _release(tmp_path, "1.0.0")
    with pytest.raises(TypeError, match="^expected must be a mapping of \\(kind, location pattern\\) to a reason"):
        release_gate(tmp_path, all_json_schemas(), version="1.0.0", changelog="", expected=expected)


def test_release_gate_names_a_file_name_that_is_not_a_string(tmp_path: Path) -> None:
    _release(tmp_path, "1.0.0")
    with pytest.raises(TypeError, match="^the file names must be strings, not int$"):
        release_gate(tmp_path, {**all_json_schemas(), 5: {}}, version="1.0.0", changelog="")


_EVENT_TYPE = ("event_type is a oneOf of single-key objects, one per variant, so that code generators make a union; "
               "it accepts exactly what the object with one of eight properties accepted")
_MONEY_FORMAT = ("money is described with format decimal, for code generators; validators that do not know the "
                 "format ignore it, and one told of it checks what the pattern beside it already checks")
_JURISDICTION = ("jurisdiction is free text, as the contract (String | null) and the design say: an empty string "
                 "and leading or trailing spaces are accepted now, as the library reads them; its length bound stays")

#: Changes since 0.1.0 that the checker counts as breaking, each kind with where it occurs and why it may pass
#: (docs/guides/schema-evolution.md, "Expected changes"). test_schema_release_equivalence.py shows that the 0.1.0
#: schemas and today's give every event the same verdict but one: a JSON number of exactly 10^20.
EXPECTED_SINCE_0_1_0: dict[tuple[str, str], str] = {
    ("format_added", "*"): _MONEY_FORMAT,
    ("bound_loosened", "*"): "money's JSON-number bound 10^20 is inclusive, so that validators reading numbers as "
    "doubles (Ajv) accept every amount with 20 integer digits; only 10^20 itself passes now (the library refuses it)",
    ("oneOf_added", "event_type"): _EVENT_TYPE,
    ("type_widened", "event_type"): _EVENT_TYPE,
    ("bound_removed", "event_type"): _EVENT_TYPE,
    ("unknown_fields_allowed", "event_type"): _EVENT_TYPE,
    ("field_removed_optional", "event_type.*"): _EVENT_TYPE,
    ("now_refused", "<not>"): "the reserved name payload is refused with propertyNames instead of not/required, "
    "which Ajv's strict mode refuses",
    ("now_allowed", "<propertyNames><not>"): "the same change, seen from propertyNames",
    ("bound_removed", "*jurisdiction"): _JURISDICTION,
    ("pattern_removed", "*jurisdiction"): _JURISDICTION,
    ("now_refused", "*jurisdiction<not>"): _JURISDICTION,
    ("pattern_changed", "*"): "money strings: a negative zero (-0, -0.00, what JavaScript's toFixed writes) is "
    "accepted in every amount, as the library reads it (zero, its scale kept); nothing else changes",
}


def test_no_breaking_change_since_the_last_release() -> None:
    """The current schemas against the newest set under schemas/released/ (see docs/guides/schema-evolution.md)."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    problems = release_gate(ROOT / "schemas" / "released", all_json_schemas(), version=__version__,
                            changelog=changelog, expected=EXPECTED_SINCE_0_1_0)
    assert not problems, "\n\n".join(problems)


def test_the_release_gate_takes_expected_changes_and_refuses_stale_ones(tmp_path: Path) -> None:
    _release(tmp_path, "1.0.0")
    current = copy.deepcopy(all_json_schemas())
    current["Deposit.json"]["properties"]["amount"]["maxLength"] = 10
    expected = {("bound_tightened", "amount"): "a test"}
    assert release_gate(tmp_path, current, version="1.0.0", changelog=_CHANGELOG, expected=expected) == []
    assert len(release_gate(tmp_path, current, version="1.0.0", changelog=_CHANGELOG)) == 3
    stale = {**expected, ("bound_removed", "*"): "no longer true"}
    problems = release_gate(tmp_path, current, version="1.0.0", changelog=_CHANGELOG, expected=stale)
    assert len(problems) == 2 and "bound_removed at '*' no longer occurs since 1.0.0" in problems[0]
    current["Deposit.json"]["required"].append("balance_after")
    problems = release_gate(tmp_path, current, version="1.0.0", changelog=_CHANGELOG, expected=expected)
    assert "1 breaking change(s) since 1.0.0" in problems[0]


@pytest.mark.parametrize(
    ("entry", "announced"),
    [
        ("- Breaking: `balance_after` is required.", True),
        ("- **Breaking**: `balance_after` is required.", True),
        ("### Breaking\n\n- `balance_after` is required.", True),
        ("- A non-breaking change.", False),
        ("- This is breaking.", False),
    ],
)
def test_release_gate_reads_the_changelog_entry(tmp_path: Path, entry: str, announced: bool) -> None:
    _release(tmp_path, "1.0.0")
    current = copy.deepcopy(all_json_schemas())
    current["Deposit.json"]["required"].append("balance_after")
    changelog = _CHANGELOG.replace("- Something.", entry)
    problems = release_gate(tmp_path, current, version="2.0.0", changelog=changelog)
    assert (problems == []) == announced


# -- schemas the checker cannot read --------------------------------------------------------------------------


def _bad(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "x", **schema}


@pytest.mark.parametrize(("schema", "where"), [
    pytest.param(_bad({"required": 5}), "/: required must be an array of strings", id="required-int"),
    pytest.param(_bad({"required": [["a"]]}), "/: required must be an array of strings", id="required-lists"),
    pytest.param(_bad({"type": 5}), "/: type must be a type name or an array of type names", id="type-int"),
    pytest.param(_bad({"type": [["string"]]}), "/: type must be", id="type-lists"),
    pytest.param(_bad({"enum": 5}), "/: enum must be an array", id="enum-int"),
    pytest.param(_bad({"properties": ["a"]}), "/: properties must be an object", id="properties-list"),
    pytest.param(_bad({"$defs": ["a"]}), "/: \\$defs must be an object", id="defs-list"),
    pytest.param(_bad({"allOf": 5}), "/: allOf must be an array", id="allOf-int"),
    pytest.param(_bad({"minLength": "a"}), "/: minLength must be a non-negative integer", id="minLength-str"),
    pytest.param(_bad({"maxItems": True}), "/: maxItems must be a non-negative integer", id="maxItems-bool"),
    pytest.param(_bad({"minimum": "a"}), "/: minimum must be a number", id="minimum-str"),
    pytest.param(_bad({"exclusiveMaximum": False}), "/: exclusiveMaximum must be a number", id="bound-bool"),
    pytest.param(_bad({"oneOf": [{"required": 5}]}), "/oneOf/0: required must be", id="in-a-branch"),
    pytest.param(_bad({"properties": {"a/b": {"type": 5}}}), "/properties/a~1b: type must be", id="in-a-property"),
    pytest.param(_bad({"$defs": {"A": {"not": {"enum": {}}}}}), "/\\$defs/A/not: enum must be", id="in-a-definition"),
    pytest.param(_bad({"$ref": "#/x-spare/0", "x-spare": [{"required": 5}]}), "/x-spare/0: required must be",
                 id="reference-target"),
])
def test_a_keyword_of_the_wrong_type_is_a_schema_set_error(
        schema: dict[str, Any], where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fine = _bad({"type": "object"})
    for old, new in ((fine, schema), (schema, fine), (schema, schema)):
        with pytest.raises(SchemaSetError, match=f"^s\\.json: {where}"):
            compare_schema_sets({"s.json": old}, {"s.json": new})
    for side, document in (("old", fine), ("new", schema)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "s.json").write_text(json.dumps(document))
    assert main(["schema", "check", str(tmp_path / "old"), str(tmp_path / "new")]) == 2
    assert "s.json: /" in capsys.readouterr().err


def test_keywords_the_checker_does_not_read_and_boolean_schemas_are_compared_as_written() -> None:
    old = _bad({"x-vendor": {"required": 5}, "properties": {"a": True, "b": 5}, "items": [{"type": "string"}],
                "$ref": "https://example.invalid/remote.json", "enum": [{"type": 5}, 1, "a"]})
    new = copy.deepcopy(old)
    new["x-vendor"]["required"] = 6
    new["properties"].update(a=False, b=6)
    new["$ref"] = "file:///etc/passwd"
    new["enum"].append(None)
    report = compare_schema_sets({"s.json": old}, {"s.json": new})
    assert sorted((c.location, c.kind) for c in report.changes) == [
        ("", "enum_values_added"), ("", "keyword_changed"), ("", "reference_changed"), ("a", "now_refused"),
        ("b", "keyword_changed")]


class _Unserialisable:
    pass


def _holding_itself() -> dict[str, Any]:
    schema: dict[str, Any] = _bad({})
    schema["properties"] = {"a": schema}
    return schema


def _nested_json(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return _bad({"x-deep": value})


@pytest.mark.parametrize(("schema", "message"), [
    pytest.param(_bad({"minimum": __import__("decimal").Decimal(1)}), "/minimum: Decimal is not a JSON value",
                 id="decimal"),
    pytest.param(_bad({"enum": [{1, 2}]}), "/enum/0: set is not a JSON value", id="set"),
    pytest.param(_bad({"x": _Unserialisable()}), "/x: _Unserialisable is not a JSON value", id="object"),
    pytest.param(_bad({"x": {1: "a"}}), "/x: the key 1 is not a string", id="int-key"),
    pytest.param(_bad({"maximum": float("nan")}), "/maximum: nan is not a JSON number", id="nan"),
    pytest.param(_bad({"maximum": float("-inf")}), "/maximum: -inf is not a JSON number", id="infinity"),
    pytest.param(_bad({"minimum": -10**5000}), "/minimum: an integer of more than 600 digits", id="huge-int"),
    pytest.param(_bad({"x-huge": [10**600]}), "/x-huge/0: an integer of more than 600 digits", id="huge-int-anywhere"),
    pytest.param(_holding_itself(), "/properties/a/properties/a/.*/\\.\\.\\.: nested more than 800 levels deep",
                 id="holding-itself"),
    pytest.param(_nested_json(100_000), "/x-deep/a/a/a/a/a/a/a/a/a/a/a/\\.\\.\\.: nested more than 800 levels",
                 id="deep"),
])
def test_a_schema_that_is_not_json_is_a_schema_set_error(schema: dict[str, Any], message: str) -> None:
    for old, new in ((schema, _bad({})), (_bad({}), schema)):
        with pytest.raises(SchemaSetError, match=f"^s\\.json: {message}"):
            compare_schema_sets({"s.json": old}, {"s.json": new})


def test_nan_read_from_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"$schema": "x", "maximum": NaN}')
    with pytest.raises(SchemaSetError, match=r"s\.json: .*NaN"):
        load_schema_set(tmp_path)


def test_arguments_of_the_wrong_type_are_a_type_error_naming_them() -> None:
    with pytest.raises(TypeError, match="^old must be a mapping of file names to schemas, not NoneType$"):
        compare_schema_sets(None, {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^new must be a mapping of file names to schemas, not list$"):
        compare_schema_sets({}, [("s.json", {})])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^the file names must be strings, not int$"):
        compare_schema_sets({1: {}}, {})
    with pytest.raises(TypeError, match="^directory must be a path, not NoneType$"):
        load_schema_set(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^directory must be a path, not int$"):
        load_schema_set(3)  # type: ignore[arg-type]


def test_a_named_pipe_or_a_directory_among_the_files_is_refused_without_reading_it(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    os.mkfifo(tmp_path / "pipe.json")  # opening it to read would wait for a writer forever
    with pytest.raises(SchemaSetError, match=r"pipe\.json: cannot read it as JSON: not a regular file$"):
        load_schema_set(tmp_path)
    (tmp_path / "pipe.json").unlink()
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(SchemaSetError, match=r"folder\.json: cannot read it as JSON: not a regular file$"):
        load_schema_set(tmp_path)
    (tmp_path / "folder.json").rmdir()
    (tmp_path / "loop.json").symlink_to("loop.json")
    with pytest.raises(SchemaSetError, match=r"loop\.json: cannot read it as JSON: .*symbolic links"):
        load_schema_set(tmp_path)


def test_a_schema_of_more_than_100000_json_values_is_refused_before_it_is_compared() -> None:
    values = [f"v{i}" for i in range(99_996)]
    # With the document, its $schema, properties, a and the enum: 100,000 values, then one more.
    within = _bad({"properties": {"a": {"enum": values[:-1]}}})
    assert compare_schema_sets({"s.json": within}, {"s.json": within}).changes == ()
    beyond = _bad({"properties": {"a": {"enum": values}}})
    for old, new in ((within, beyond), (beyond, within)):
        with pytest.raises(SchemaSetError, match=r"^s\.json: holds more than 100000 JSON values$"):
            compare_schema_sets({"s.json": old}, {"s.json": new})


@pytest.mark.parametrize("level", ["backward", "Full", "", None, 1])
def test_a_level_that_is_not_one_of_the_three_is_a_value_error(level: Any) -> None:
    widened = compare_schema_sets({"s.json": {"enum": [1]}}, {"s.json": {"enum": [1, 2]}})
    unchanged = compare_schema_sets({"s.json": {}}, {"s.json": {}})
    message = f"^level must be one of BACKWARD, FORWARD, FULL, not {level!r}$"
    for report in (widened, unchanged):
        for call in (report.breaking, report.render, report.to_json):
            with pytest.raises(ValueError, match=message):
                call(level)
    with pytest.raises(ValueError, match=message):
        widened.changes[0].compatible(level)
    assert widened.breaking("BACKWARD") == [] and len(widened.breaking("FORWARD")) == 1


def test_a_schema_file_larger_than_16_mib_is_refused_unparsed(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    head, limit = b'{"$schema": "x", "description": "', 16 * 1024 * 1024
    with (tmp_path / "huge.json").open("wb") as file:
        file.write(head)
        file.truncate(limit + 1)  # NUL bytes: they would not even parse
    with pytest.raises(SchemaSetError, match=r"huge\.json: cannot read it as JSON: larger than 16 MiB$"):
        load_schema_set(tmp_path)
    (tmp_path / "huge.json").write_bytes(head + b"a" * (limit - len(head) - 2) + b'"}')
    assert (tmp_path / "huge.json").stat().st_size == limit
    assert "huge.json" in load_schema_set(tmp_path)
