"""The schema changes the compatibility checker's tests apply, and the schema they start from.

Imported by the tests of this directory (pytest puts it on `sys.path`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BASE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/s.json",
    "description": "A test schema.",
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 10, "pattern": "^[a-z]+$"},
        "count": {"type": "integer", "minimum": 0, "maximum": 100},
        "channel": {"type": "string", "enum": ["A", "B"]},
        "note": {"type": ["string", "null"]},
        "inner": {"$ref": "#/$defs/Inner"},
    },
    "required": ["name", "count", "channel"],
    "additionalProperties": True,
    "not": {"required": ["payload"]},
    "$defs": {"Inner": {"type": "object", "properties": {"x": {"type": "integer"}}, "additionalProperties": False}},
}


def set_at(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = schema
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def delete_at(path: str) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = schema
        for part in parents:
            target = target[part]
        del target[last]

    return change


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        for one in changes:
            one(schema)

    return change


# (change, kind, BACKWARD kept, FORWARD kept, location)
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, bool, bool, str]] = [
    ("add optional field", set_at("properties/extra", {"type": "string"}), "field_added_optional", False, True,
     "extra"),
    ("add optional field of any value", set_at("properties/extra", {"description": "Anything."}),
     "field_added_optional", True, True, "extra"),
    ("add required field", both(set_at("properties/extra", {"type": "string"}),
                                 set_at("required", ["name", "count", "channel", "extra"])),
     "field_added_required", False, True, "extra"),
    ("remove optional field", delete_at("properties/note"), "field_removed_optional", True, False, "note"),
    ("remove required field", both(delete_at("properties/count"), set_at("required", ["name", "channel"])),
     "field_removed_required", True, False, "count"),
    ("make a field required", set_at("required", ["name", "count", "channel", "note"]),
     "field_now_required", False, True, "note"),
    ("make a field optional", set_at("required", ["name", "count"]), "field_now_optional", True, False, "channel"),
    ("widen a type", set_at("properties/count/type", "number"), "type_widened", True, False, "count"),
    ("narrow a type", set_at("properties/name/type", []), "type_narrowed", False, True, "name"),
    ("change a type", set_at("properties/name/type", "boolean"), "type_changed", False, False, "name"),
    ("make a field nullable", set_at("properties/name/type", ["string", "null"]), "nullable_added", True, False,
     "name"),
    ("make a field non-nullable", set_at("properties/note/type", "string"), "nullable_removed", False, True, "note"),
    ("add an enum value", set_at("properties/channel/enum", ["A", "B", "C"]), "enum_values_added", True, False,
     "channel"),
    ("remove an enum value", set_at("properties/channel/enum", ["A"]), "enum_values_removed", False, True, "channel"),
    ("limit to an enum", set_at("properties/name/enum", ["ab"]), "enum_added", False, True, "name"),
    ("drop an enum", delete_at("properties/channel/enum"), "enum_removed", True, False, "channel"),
    ("lower a maximum", set_at("properties/count/maximum", 50), "bound_tightened", False, True, "count"),
    ("raise a maximum", set_at("properties/count/maximum", 500), "bound_loosened", True, False, "count"),
    ("raise a minimum", set_at("properties/count/minimum", 1), "bound_tightened", False, True, "count"),
    ("lower a maxLength", set_at("properties/name/maxLength", 5), "bound_tightened", False, True, "name"),
    ("add a bound", set_at("properties/name/minLength", 2), "bound_added", False, True, "name"),
    ("remove a bound", delete_at("properties/count/maximum"), "bound_removed", True, False, "count"),
    ("change a pattern", set_at("properties/name/pattern", "^[a-z0-9]+$"), "pattern_changed", False, False, "name"),
    ("add a pattern", set_at("properties/note/pattern", "^x"), "pattern_added", False, True, "note"),
    ("remove a pattern", delete_at("properties/name/pattern"), "pattern_removed", True, False, "name"),
    ("add a format", set_at("properties/note/format", "date"), "format_added", False, True, "note"),
    ("refuse unknown fields", set_at("additionalProperties", False), "unknown_fields_refused", False, True, ""),
    ("change a referenced definition", set_at("$defs/Inner/properties/x/maximum", 3), "bound_added", False, True,
     "inner.x"),
    ("add a field to a closed object", set_at("$defs/Inner/properties/y", {"type": "string"}), "field_added_optional",
     True, False, "inner.y"),
    ("widen inside not", set_at("not/required", ["payload", "other"]), "field_now_required", True, False, "<not>"),
    ("change an id", set_at("$id", "https://example.com/t.json"), "schema_id_changed", False, False, ""),
    ("change an unknown keyword", set_at("properties/name/dependentRequired", {"a": ["b"]}), "keyword_changed",
     False, False, "name"),
    ("add an anyOf", set_at("properties/note/anyOf", [{"type": "string"}]), "anyOf_added", False, True, "note"),
    ("make a maximum exclusive", set_at("properties/count/exclusiveMaximum", 100),
     "bound_tightened", False, True, "count"),
    ("trade a maximum for a higher exclusive one", both(delete_at("properties/count/maximum"),
                                                        set_at("properties/count/exclusiveMaximum", 200)),
     "bound_loosened", True, False, "count"),
]
