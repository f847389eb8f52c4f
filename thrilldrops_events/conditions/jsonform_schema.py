"""The JSON Schema (2020-12) of the condition JSON form, for campaign UIs to validate against.

The library's own reader ([condition_from_json][thrilldrops_events.condition_from_json]) checks the same shapes
and more: types against the event schema, and the size limits.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "BINARY_OPS",
    "JSON_FORM_VERSION",
    "JSON_SCHEMA",
    "MEMBERSHIP_OPS",
    "NAME_PATTERN",
    "NARY_OPS",
    "NUMBER_PATTERN",
    "UNARY_OPS",
    "json_schema",
]

#: The version of the JSON form written by [condition_to_json][thrilldrops_events.condition_to_json].
JSON_FORM_VERSION = 1

#: A number literal: a decimal string, optionally negative, with an optional exponent.
NUMBER_PATTERN = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
#: A field, context value or function name.
NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
#: Operators taking one argument.
UNARY_OPS = ("not", "neg", "is null", "is not null")
#: Operators taking two arguments.
BINARY_OPS = ("==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/")
#: Operators taking an expression and a list.
MEMBERSHIP_OPS = ("in", "not in")
#: Operators taking two or more arguments.
NARY_OPS = ("and", "or")


def _op_group(ops: tuple[str, ...], args: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["op", "args"],
        "additionalProperties": False,
        "properties": {"op": {"enum": list(ops)}, "args": {"type": "array", **args}},
    }


_EXPR = {"$ref": "#/$defs/expression"}

#: The JSON Schema (2020-12) of the JSON form, for campaign UIs to validate against.
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ThrillDrops campaign condition, JSON form version 1",
    "type": "object",
    "required": ["version", "condition"],
    "additionalProperties": False,
    "properties": {"version": {"const": JSON_FORM_VERSION}, "condition": _EXPR},
    "$defs": {
        "expression": {
            "oneOf": [
                {"$ref": "#/$defs/operator"},
                {"$ref": "#/$defs/call"},
                {"$ref": "#/$defs/field"},
                {"$ref": "#/$defs/value"},
                {"$ref": "#/$defs/number"},
                {"$ref": "#/$defs/list"},
            ]
        },
        "operator": {
            "oneOf": [
                _op_group(NARY_OPS, {"items": _EXPR, "minItems": 2}),
                _op_group(UNARY_OPS, {"items": _EXPR, "minItems": 1, "maxItems": 1}),
                _op_group(BINARY_OPS, {"items": _EXPR, "minItems": 2, "maxItems": 2}),
                _op_group(
                    MEMBERSHIP_OPS,
                    {"prefixItems": [_EXPR, {"$ref": "#/$defs/list"}], "items": False, "minItems": 2},
                ),
            ]
        },
        "call": {
            "type": "object",
            "required": ["call", "args"],
            "additionalProperties": False,
            "properties": {"call": {"type": "string", "pattern": f"^{NAME_PATTERN}$"}, "args": {"type": "array",
                                                                                         "items": _EXPR}},
        },
        "field": {
            "type": "object",
            "required": ["field"],
            "additionalProperties": False,
            "properties": {"field": {"type": "string", "pattern": f"^(?:(?:event|ctx)\\.)?{NAME_PATTERN}$"}},
        },
        "value": {
            "type": "object",
            "required": ["value"],
            "additionalProperties": False,
            "properties": {"value": {"type": ["string", "boolean", "null"]}},
        },
        "number": {
            "type": "object",
            "required": ["number"],
            "additionalProperties": False,
            "properties": {"number": {"type": "string", "pattern": f"^{NUMBER_PATTERN}$"}},
        },
        "list": {
            "type": "object",
            "required": ["list"],
            "additionalProperties": False,
            "properties": {
                "list": {
                    "type": "array",
                    "items": {
                        "oneOf": [
                            {"$ref": "#/$defs/number"},
                            {
                                "type": "object",
                                "required": ["value"],
                                "additionalProperties": False,
                                "properties": {"value": {"type": ["string", "boolean"]}},
                            },
                        ]
                    },
                }
            },
        },
    },
}


def json_schema() -> dict[str, Any]:
    """A fresh copy of [JSON_SCHEMA][thrilldrops_events.conditions.JSON_SCHEMA], the JSON Schema of the JSON form."""
    return copy.deepcopy(JSON_SCHEMA)
