"""What the schema comparison knows about JSON Schema keywords: their classes, and small facts about schemas."""

from __future__ import annotations

import hashlib
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
    "MAX_STEPS",
    "MONOTONE_SUBSCHEMAS",
    "NUMERIC_BOUNDS",
    "OPAQUE_CONSTRAINTS",
    "SKIPPED",
    "UPPER",
    "Fingerprints",
    "Walker",
    "accepts_everything",
    "brief",
    "canonical",
    "disjoint",
    "effect_of_sets",
    "enum_values",
    "numeric_bound",
    "same_as_written",
    "shown",
    "types_of",
]

ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "deprecated", "readOnly",
                         "writeOnly"})
IDENTITY = ("$schema", "$id")
#: Numeric bounds, each written as an inclusive or an exclusive keyword (compared as one bound).
NUMERIC_BOUNDS = (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum"))
#: The other lower and upper bounds.
LOWER = ("minLength", "minItems", "minProperties", "minContains")
UPPER = ("maxLength", "maxItems", "maxProperties", "maxContains")
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
# The most sub-schemas compared in one file, counting each use of a definition: definitions that each use
# the next one twice take exponentially many; this project's envelope takes about 200.
MAX_STEPS = 10_000
ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def canonical(value: Any) -> str:
    """A JSON value as text, keys sorted: equal values give equal texts."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def same_as_written(old: Any, new: Any) -> bool:
    """Whether two schemas are equal as written and hold no reference (whose targets may differ).

    Python's equality, checked first, tells most different schemas apart without writing them out (it
    stops at the first difference); only equal ones are written, since ``1``, ``1.0`` and ``true`` are
    equal in Python but not as written. So each level of a deep schema no longer writes out all below it.
    """
    if old is not new and old != new:
        return False
    text = canonical(old)
    return text == canonical(new) and '"$ref"' not in text


class Fingerprints:
    """Digests of JSON values (SHA-256), each value digested once however many levels of a schema hold it.

    Equal digests mean equal canonical texts (keys sorted, each scalar as JSON writes it), found without
    writing a large value out again at every level above it.
    """

    def __init__(self) -> None:
        self._digests: dict[int, tuple[Any, bytes]] = {}  # by id, with the value kept so the id is not reused

    def of(self, value: Any) -> str:
        """The fingerprint of a JSON value, as text."""
        stack = [(value, False)]
        while stack:
            node, ready = stack.pop()
            if not isinstance(node, (dict, list, tuple)) or self._known(node):
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((item, False) for item in (node.values() if isinstance(node, dict) else node))
                continue
            digest = hashlib.sha256(b"{" if isinstance(node, dict) else b"[")
            for key in sorted(node) if isinstance(node, dict) else ():
                digest.update(canonical(key).encode() + b":" + self._part(node[key]))
            for item in () if isinstance(node, dict) else node:
                digest.update(self._part(item))
            self._digests[id(node)] = (node, digest.digest())
        return self._part(value).hex()

    def _known(self, node: Any) -> bool:
        found = self._digests.get(id(node))
        return found is not None and found[0] is node

    def _part(self, value: Any) -> bytes:
        """A value as a part of its holder's digest: a container's digest, or a scalar's JSON (self-delimiting)."""
        if isinstance(value, (dict, list, tuple)):
            return b"#" + self._digests[id(value)][1]
        return b"=" + canonical(value).encode() + b","


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


def enum_values(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The values a schema's ``const`` and ``enum`` allow (canonical JSON), or ``None`` if it has neither.

    With both, a value must satisfy both: the ``const`` if the ``enum`` lists it, else none.
    """
    values = frozenset(canonical(v) for v in schema["enum"]) if "enum" in schema else None
    if "const" in schema:
        const = frozenset([canonical(schema["const"])])
        return const if values is None else const & values
    return values


def numeric_bound(schema: Mapping[str, Any], names: tuple[str, str]) -> tuple[Any, bool] | None:
    """The tighter of a schema's inclusive and exclusive bound of one side: ``(value, exclusive)``, or ``None``."""
    inclusive, exclusive = schema.get(names[0]), schema.get(names[1])
    if exclusive is None:
        return None if inclusive is None else (inclusive, False)
    if inclusive is None:
        return exclusive, True
    lower = names[0] == "minimum"
    if inclusive == exclusive:
        return exclusive, True
    tighter_inclusive = inclusive > exclusive if lower else inclusive < exclusive
    return (inclusive, False) if tighter_inclusive else (exclusive, True)


def accepts_everything(schema: Any) -> bool:
    """Whether a schema is ``true`` or holds nothing but annotations."""
    return schema is True or (isinstance(schema, dict) and set(schema) <= ANNOTATIONS)


def _forbids(schema: Mapping[str, Any], name: str) -> bool:
    """Whether an object schema refuses every object holding the property ``name``."""
    properties = schema.get("properties", {})
    if name in properties:
        return properties[name] is False
    return schema.get("additionalProperties", True) is False and "patternProperties" not in schema


def disjoint(a: Any, b: Any) -> bool:
    """Whether no value can be valid against both schemas, as far as simple facts show (``False`` if unsure).

    Shown by: types with nothing in common, ``const``/``enum`` sets with nothing in common, or (for
    objects only) a property one requires that the other refuses or whose allowed values share nothing.
    """
    if a is False or b is False:
        return True
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    common_types = types_of(a) & types_of(b)
    values_a, values_b = enum_values(a), enum_values(b)
    if not common_types or (values_a is not None and values_b is not None and not values_a & values_b):
        return True
    if common_types != {"object"}:
        return False
    required_a, required_b = set(a.get("required", [])), set(b.get("required", []))
    if any(_forbids(b, name) for name in required_a) or any(_forbids(a, name) for name in required_b):
        return True
    properties_a, properties_b = a.get("properties", {}), b.get("properties", {})
    return any(
        isinstance(properties_a.get(name), dict) and isinstance(properties_b.get(name), dict)
        and not (types_of(properties_a[name]) & types_of(properties_b[name])
                 and _values_meet(properties_a[name], properties_b[name]))
        for name in required_a & required_b
    )


def _values_meet(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    values_a, values_b = enum_values(a), enum_values(b)
    return values_a is None or values_b is None or bool(values_a & values_b)


def brief(value: Any) -> str:
    """A keyword's value for a message: its ``repr``, cut after 100 characters (a pattern may be megabytes)."""
    text = repr(value)
    return text if len(text) <= 100 else f"{text[:100]}..."


def shown(values: frozenset[str]) -> str:
    """Enum values (canonical JSON) for a message, at most a dozen."""
    return ", ".join(v if len(v) <= 100 else f"{v[:100]}..." for v in sorted(values)[:12]) + (
        ", ..." if len(values) > 12 else "")


class Walker(Protocol):
    """The side-by-side walk over two schemas, as the keyword comparisons use it."""

    def add(self, location: str, kind: str, effect: Effect, message: str, invert: bool) -> None:
        """Record one change."""

    def compare(self, old: Any, new: Any, location: str = "", invert: bool = False) -> None:
        """Compare two sub-schemas."""

    def resolved(self, schema: Any, *, new: bool) -> Any:
        """A schema with its references followed, on the new side or the old one."""

    def fingerprint(self, value: Any) -> str:
        """A value's fingerprint: equal for equal canonical texts."""
