"""What the schema comparison knows about JSON Schema keywords: their classes, and small facts about schemas."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from thrilldrops_events.schema._report import Effect

__all__ = [
    "ALL_TYPES",
    "ANNOTATIONS",
    "CLOSED_AFTER",
    "CLOSED_BEFORE",
    "IDENTITY",
    "LOWER",
    "MAX_DEPTH",
    "MONOTONE_SUBSCHEMAS",
    "OPAQUE_CONSTRAINTS",
    "SKIPPED",
    "UPPER",
    "Walker",
    "canonical",
    "effect_of_sets",
    "same_as_written",
    "shown",
    "types_of",
]

ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "deprecated", "readOnly",
                         "writeOnly"})
IDENTITY = ("$schema", "$id")
LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
OPAQUE_CONSTRAINTS = ("pattern", "format", "multipleOf", "contentMediaType", "contentEncoding")
MONOTONE_SUBSCHEMAS = ("items", "contains", "propertyNames", "contentSchema", "unevaluatedItems",
                       "unevaluatedProperties")
SKIPPED = frozenset({"$defs", "definitions", "$ref", "properties", "required", "additionalProperties", "not",
                     "allOf", "anyOf", "oneOf", "type", "enum", "const"})
CLOSED_BEFORE = " where unknown fields were refused (consumers on the old schema refuse it)"
CLOSED_AFTER = " where unknown fields are refused (old events carrying it are refused now)"
# The deepest comparison, counting the levels entered through references: deeper schemas are refused
# with an error rather than exhausting the interpreter's stack.
MAX_DEPTH = 200
ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def canonical(value: Any) -> str:
    """A JSON value as text, keys sorted: equal values give equal texts."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def same_as_written(old: Any, new: Any) -> bool:
    """Whether two schemas are equal as written and hold no reference (whose targets may differ)."""
    text = canonical(old)
    return text == canonical(new) and '"$ref"' not in text


def types_of(schema: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a schema's ``type`` keyword admits (every type without one; ``number`` includes ``integer``)."""
    kinds = schema.get("type")
    if kinds is None:
        return ALL_TYPES
    found = frozenset([kinds] if isinstance(kinds, str) else kinds)
    return found | {"integer"} if "number" in found else found


def effect_of_sets(old: frozenset[str], new: frozenset[str]) -> Effect:
    """The effect of replacing one set of admitted values by another."""
    if old == new:
        return Effect.NONE
    if old <= new:
        return Effect.WIDENED
    return Effect.NARROWED if new <= old else Effect.CHANGED


def shown(values: frozenset[str]) -> str:
    """Enum values (canonical JSON) for a message, at most a dozen."""
    return ", ".join(sorted(values)[:12]) + (", ..." if len(values) > 12 else "")


class Walker(Protocol):
    """The side-by-side walk over two schemas, as the keyword comparisons use it."""

    def add(self, location: str, kind: str, effect: Effect, message: str, invert: bool) -> None:
        """Record one change."""

    def compare(self, old: Any, new: Any, location: str = "", invert: bool = False) -> None:
        """Compare two sub-schemas."""
