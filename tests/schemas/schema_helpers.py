"""Validators for the generated JSON Schemas, built with the `jsonschema` library and its referencing.

Imported by the tests of this directory (pytest puts it on `sys.path`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import regress
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from thrilldrops_events.schema import SCHEMA_BASE_URI, all_json_schemas


def registry() -> Registry[Any]:
    """Every generated schema, under its `$id`."""
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in all_json_schemas().values()
    )


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validator_for(name: str) -> Draft202012Validator:
    """The validator of a file under schemas/ (`Deposit.json`, `strict/envelope.json`)."""
    return validator({"$ref": SCHEMA_BASE_URI + name})


def loads_exact(text: str | bytes) -> Any:
    """Parse JSON as an exact validator sees it: fractional numbers as Decimal, never float."""
    return json.loads(text, parse_float=Decimal)


def envelope_validator(*, strict: bool) -> Draft202012Validator:
    return validator_for("strict/envelope.json" if strict else "envelope.json")


@functools.cache
def _ecma(pattern: str) -> regress.Regex:
    return regress.Regex(pattern, "u")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """The `pattern` keyword with ECMA-262 semantics (the `regress` engine), as JSON Schema specifies."""
    if validator.is_type(instance, "string") and _ecma(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r} (ECMA-262)")


#: Draft 2020-12 with ECMA-262 regular expressions instead of Python's `re`: what validators in
#: JavaScript, Go, Rust and Java see, as the specification asks.
EcmaValidator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


def ecma_validator_for(name: str) -> Any:
    return EcmaValidator({"$ref": SCHEMA_BASE_URI + name}, registry=registry())
