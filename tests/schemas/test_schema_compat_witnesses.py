"""The checker's verdicts against witnesses: events one schema accepts and the other refuses, under `jsonschema`.

For each change, a pool of candidate events is judged by the old and the new schema with the `jsonschema`
library. An event the old schema accepts and the new one refuses proves the change breaks BACKWARD; one
the new schema accepts and the old one refuses proves it breaks FORWARD. The checker must report every
break a witness proves (it is sound), and, except for the changes it classifies without looking inside
(a changed pattern, an unknown keyword, a new `$id`), every break it reports has a witness in the pool.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from compat_cases import BASE, CASES, delete_at, set_at
from jsonschema import Draft202012Validator

from thrilldrops_events.schema import json_schema
from thrilldrops_events.schema._compat import compare_schema_sets

Change = Callable[[dict[str, Any]], None]

# The checker classifies these without looking inside, so it may report a break no event shows.
CONSERVATIVE = {"change a pattern", "change an id", "change an unknown keyword"}

VALUES: list[Any] = ["ab", "a1", "", "abcdefghijk", "abcdefg", "x", "2024-01-01", "A", "B", "C", "s", "abcd",
                     0, 1, 2, 3, 5, -1, 1.5, 50, 75, 100, 101, 150, 500, None, True, [], {}, {"x": 5}, {"x": 1},
                     {"x": 1, "y": "s"}, {"y": 5}]
BASE_DOCUMENT: dict[str, Any] = {"name": "ab", "count": 5, "channel": "A", "note": None, "inner": {"x": 1}}
KEYS = ["name", "count", "channel", "note", "inner", "extra", "payload", "other"]


def _variations(document: dict[str, Any], keys: list[str], values: list[Any]) -> Iterator[dict[str, Any]]:
    yield document
    for key in keys:
        yield {k: v for k, v in document.items() if k != key}
        for value in values:
            yield {**document, key: value}


def base_pool() -> list[dict[str, Any]]:
    pool = list(_variations(BASE_DOCUMENT, KEYS, VALUES))
    pool += [{**BASE_DOCUMENT, "inner": inner} for inner in _variations({"x": 1}, ["x", "y"], VALUES)]
    pool.append({**BASE_DOCUMENT, "payload": 1, "other": 2})
    return pool


def _accepts(schema: dict[str, Any], document: Any) -> bool:
    return bool(Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(document))


def check_against_witnesses(old: dict[str, Any], new: dict[str, Any], pool: list[Any], *, exact: bool) -> None:
    report = compare_schema_sets({"s.json": old}, {"s.json": new})
    backward = all(c.backward for c in report.changes)
    forward = all(c.forward for c in report.changes)
    old_validator = Draft202012Validator(old, format_checker=Draft202012Validator.FORMAT_CHECKER)
    new_validator = Draft202012Validator(new, format_checker=Draft202012Validator.FORMAT_CHECKER)
    verdicts = [(document, old_validator.is_valid(document), new_validator.is_valid(document)) for document in pool]
    narrowing = [document for document, before, after in verdicts if before and not after]
    widening = [document for document, before, after in verdicts if after and not before]
    shown = report.render(documentation=True)
    if narrowing:
        assert not backward, f"old accepts and new refuses {narrowing[0]!r}, but the checker keeps BACKWARD:\n{shown}"
    if widening:
        assert not forward, f"new accepts and old refuses {widening[0]!r}, but the checker keeps FORWARD:\n{shown}"
    if exact:
        assert backward or narrowing, f"the checker breaks BACKWARD, but no event in the pool shows it:\n{shown}"
        assert forward or widening, f"the checker breaks FORWARD, but no event in the pool shows it:\n{shown}"


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_each_class_of_change_against_witnesses(case: tuple[Any, ...]) -> None:
    name, change = case[0], case[1]
    new = copy.deepcopy(BASE)
    change(new)
    check_against_witnesses(BASE, new, base_pool(), exact=name not in CONSERVATIVE)


# -- combinators, and properties checked against additionalProperties -------------------------------------------


def _variant(name: str, kind: str) -> dict[str, Any]:
    return {"type": "object", "properties": {name: {"type": kind}}, "required": [name], "additionalProperties": False}


UNIONS: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "v": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "w": {"oneOf": [_variant("A", "integer"), _variant("B", "string")]},
        "u": {"allOf": [{"minimum": 0}, {"maximum": 10}]},
        "t": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
UNION_VALUES: list[Any] = [None, True, 3, 11, -1, 2.5, "s", "abcd", [], {}, {"A": 1}, {"A": "s"}, {"B": "s"},
                           {"B": 1}, {"C": True}, {"C": 1}, {"Z": 1}, {"A": 1, "B": "s"}, {"x": "abcd"}, {"x": 1},
                           {"x": "ab"}]
UNION_CASES: list[tuple[str, Change, str, bool, bool]] = [
    ("add an anyOf branch", set_at("properties/v/anyOf", [{"type": "string"}, {"type": "integer"}, {"type": "null"}]),
     "anyOf_branch_added", True, False),
    ("remove an anyOf branch", set_at("properties/v/anyOf", [{"type": "string"}]), "anyOf_branch_removed", False,
     True),
    ("remove an anyOf", delete_at("properties/v/anyOf"), "anyOf_removed", True, False),
    ("add a disjoint oneOf variant",
     set_at("properties/w/oneOf", [_variant("A", "integer"), _variant("B", "string"), _variant("C", "boolean")]),
     "oneOf_branch_added", True, False),
    ("add an overlapping oneOf branch",
     set_at("properties/w/oneOf", [_variant("A", "integer"), _variant("B", "string"), {"type": "object"}]),
     "oneOf_branch_added", False, False),
    ("remove a disjoint oneOf variant", set_at("properties/w/oneOf", [_variant("A", "integer")]),
     "oneOf_branch_removed", False, True),
    ("reorder oneOf variants", set_at("properties/w/oneOf", [_variant("B", "string"), _variant("A", "integer")]),
     "", True, True),
    ("change one variant while adding another",
     set_at("properties/w/oneOf", [_variant("C", "boolean"), _variant("B", "string"), _variant("A", "string")]),
     "type_changed", False, False),
    ("add an allOf branch", set_at("properties/u/allOf", [{"minimum": 0}, {"maximum": 10}, {"multipleOf": 2}]),
     "allOf_branch_added", False, True),
    ("remove an allOf branch", set_at("properties/u/allOf", [{"minimum": 0}]), "allOf_branch_removed", True, False),
    ("declare a field checked by additionalProperties before",
     set_at("properties/t/properties", {"x": {"type": "string", "maxLength": 3}}), "bound_added", False, True),
    ("declare a field of another type than additionalProperties",
     set_at("properties/t/properties", {"x": {"type": "integer"}}), "type_changed", False, False),
]


def _union_pool() -> list[Any]:
    return [{key: value} for key in ("v", "w", "u", "t") for value in UNION_VALUES] + [{}]


@pytest.mark.parametrize(("change", "kind", "backward", "forward"), [pytest.param(*c[1:], id=c[0])
                                                                     for c in UNION_CASES])
def test_combinators_against_witnesses(change: Change, kind: str, backward: bool, forward: bool) -> None:
    new = copy.deepcopy(UNIONS)
    change(new)
    report = compare_schema_sets({"s.json": UNIONS}, {"s.json": new})
    if kind:
        assert kind in {c.kind for c in report.changes}
    assert (all(c.backward for c in report.changes), all(c.forward for c in report.changes)) == (backward, forward)
    check_against_witnesses(UNIONS, new, _union_pool(), exact=True)


def test_removing_a_not_widens() -> None:
    old = copy.deepcopy(UNIONS)
    old["properties"]["v"]["not"] = {"type": "integer"}
    report = compare_schema_sets({"s.json": old}, {"s.json": UNIONS})
    assert [(c.location, c.kind, c.backward, c.forward) for c in report.changes] == [
        ("v<not>", "now_refused", True, False)]
    check_against_witnesses(old, UNIONS, _union_pool(), exact=True)


# -- the optional-field rule, with the witness of the documentation ---------------------------------------------


def test_an_optional_field_added_to_an_open_payload_breaks_backward() -> None:
    """Confluent's rule: in an open object an old event may already carry the name with another type."""
    old = json_schema("Deposit")
    new = copy.deepcopy(old)
    new["properties"]["bonus_code"] = {"type": ["string", "null"], "description": "A bonus code, if any."}
    witness = {"method_id": "visa", "currency": "EUR", "amount": "25.00", "bonus_code": 5}
    assert _accepts(old, witness) and not _accepts(new, witness)
    (change,) = compare_schema_sets({"Deposit.json": old}, {"Deposit.json": new}).changes
    assert (change.kind, change.location, change.backward, change.forward) == (
        "field_added_optional", "bonus_code", False, True)
    assert "open object" in change.message
    (removal,) = compare_schema_sets({"Deposit.json": new}, {"Deposit.json": old}).changes
    assert (removal.kind, removal.backward, removal.forward) == ("field_removed_optional", True, False)
    pool = [witness, {**witness, "bonus_code": "B1"}, {**witness, "bonus_code": None}]
    check_against_witnesses(old, new, pool, exact=True)
    check_against_witnesses(new, old, pool, exact=True)


def test_an_optional_field_added_to_a_closed_payload_breaks_forward_only() -> None:
    old = json_schema("Deposit", strict=True)
    new = copy.deepcopy(old)
    new["properties"]["bonus_code"] = {"type": ["string", "null"]}
    (change,) = compare_schema_sets({"Deposit.json": old}, {"Deposit.json": new}).changes
    assert (change.backward, change.forward) == (True, False)
    witness = {"method_id": "visa", "currency": "EUR", "amount": "25.00", "bonus_code": "B1"}
    check_against_witnesses(old, new, [witness, {**witness, "bonus_code": 5}], exact=True)
