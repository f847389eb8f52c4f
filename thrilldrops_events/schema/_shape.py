"""The shape of the schemas the comparison reads: JSON values, and the keywords it reads of the right types.

A schema set handed to the comparison in Python may hold anything, and one read from a file may still hold
``"required": 5``. Each document is walked once, without recursion, before it is compared: its values must
be JSON (string keys, finite numbers, integers of at most ``MAX_DIGITS`` digits), at most ``MAX_VALUES`` of
them, nested at most ``MAX_NESTING`` levels; and in every schema the comparison reads (the document itself,
``properties``, ``$defs``, combinator branches, sub-schemas), the keywords it reads must have the type JSON
Schema gives them. The target of a reference is checked the same way when the comparison first reaches it,
wherever it is in the document. Keywords the comparison does not read are only compared as written, so
they may hold any JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from thrilldrops_events.errors import SchemaSetError
from thrilldrops_events.schema._schema_facts import LOWER, MONOTONE_SUBSCHEMAS, NUMERIC_BOUNDS, UPPER

__all__ = ["MAX_DIGITS", "MAX_NESTING", "MAX_VALUES", "Shapes"]

#: The deepest JSON nesting of a schema document: deeper ones are refused before anything recurses into them.
MAX_NESTING = 800
#: The most JSON values (objects, arrays and scalars) in one schema document: this project's largest holds
#: about 1,000. Comparing a larger one would take long: each level compares what lies below it as a whole.
MAX_VALUES = 100_000

#: The most digits of an integer in a schema document: fewer than Python writes out by default (at least 640).
MAX_DIGITS = 600
_HUGE = 10**MAX_DIGITS

_OBJECTS_OF_SCHEMAS = ("properties", "$defs", "definitions")
_ARRAYS_OF_SCHEMAS = ("allOf", "anyOf", "oneOf")
_SCHEMAS = ("additionalProperties", "not", *MONOTONE_SUBSCHEMAS)
_SHOWN = 12  # the parts of a place shown in an error
_BOUNDS = tuple(name for pair in NUMERIC_BOUNDS for name in pair)


#: A place in a document as a chain: the last key, and the chain of the value holding it (``None`` at the top).
_Trail = tuple[str, "_Trail"] | None


def _path(trail: _Trail) -> tuple[str, ...]:
    """The keys leading to a place, from the top."""
    keys: list[str] = []
    while trail is not None:
        keys.append(trail[0])
        trail = trail[1]
    return tuple(reversed(keys))


def _pointer(path: tuple[str, ...]) -> str:
    """A JSON Pointer, ``/`` for the document itself."""
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in path)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _keyword_problem(schema: Mapping[str, Any]) -> str | None:
    """What is wrong with the keywords of one schema that the comparison reads, or ``None``."""
    for name in _OBJECTS_OF_SCHEMAS:
        if name in schema and not isinstance(schema[name], dict):
            return f"{name} must be an object"
    if "required" in schema and not (
            isinstance(schema["required"], (list, tuple)) and all(isinstance(n, str) for n in schema["required"])):
        return "required must be an array of strings"
    kinds = schema.get("type", "")
    if not (isinstance(kinds, str) or (isinstance(kinds, (list, tuple)) and all(isinstance(k, str) for k in kinds))):
        return "type must be a type name or an array of type names"
    for name in ("enum", *_ARRAYS_OF_SCHEMAS):
        if name in schema and not isinstance(schema[name], (list, tuple)):
            return f"{name} must be an array"
    for name in _BOUNDS:
        if name in schema and not _is_number(schema[name]):
            return f"{name} must be a number"
    for name in (*LOWER, *UPPER):
        value = schema.get(name, 0)
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            return f"{name} must be a non-negative integer"
    return None


def _subschemas(schema: Mapping[str, Any], trail: _Trail) -> Iterator[tuple[Any, _Trail]]:
    """The sub-schemas of a schema (with a well-formed shape) that the comparison reads, with their places."""
    for name in _OBJECTS_OF_SCHEMAS:
        for key, value in schema.get(name, {}).items():
            yield value, (key, (name, trail))
    for name in _ARRAYS_OF_SCHEMAS:
        for index, value in enumerate(schema.get(name, ())):
            yield value, (str(index), (name, trail))
    for name in _SCHEMAS:
        if name in schema:
            yield schema[name], (name, trail)


class Shapes:
    """Checks the shape of the schema documents of one file; each schema is checked once.

    Args:
        file: The file name, which every error starts with.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self._checked: set[int] = set()

    def _error(self, path: tuple[str, ...], message: str) -> SchemaSetError:
        where = _pointer(path[:_SHOWN]) + ("/..." if len(path) > _SHOWN else "")
        return SchemaSetError(f"{self.file}: {where}: {message}")

    def check_document(self, document: Any) -> None:
        """Check that a document is JSON (at most `MAX_VALUES` values, `MAX_NESTING` levels), and its schemas.

        Raises:
            SchemaSetError: If it is not, naming the place.
        """
        # Each value with its depth and its place as a chain (key, the parent's chain): building every
        # place whole would cost as much as the depth for each value.
        stack: list[tuple[Any, int, _Trail]] = [(document, 0, None)]
        count = 1
        while stack:
            value, depth, trail = stack.pop()
            count += len(value) if isinstance(value, (dict, list, tuple)) else 0  # before taking them
            if count > MAX_VALUES:
                raise SchemaSetError(f"{self.file}: holds more than {MAX_VALUES} JSON values")
            if depth > MAX_NESTING:
                raise self._error(_path(trail), f"nested more than {MAX_NESTING} levels deep (or holds itself)")
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise self._error(_path(trail), f"the key {key!r} is not a string")
                    stack.append((item, depth + 1, (key, trail)))
            elif isinstance(value, (list, tuple)):
                stack.extend((item, depth + 1, (str(index), trail)) for index, item in enumerate(value))
            elif isinstance(value, float) and not math.isfinite(value):
                raise self._error(_path(trail), f"{value!r} is not a JSON number")
            elif isinstance(value, int) and not -_HUGE < value < _HUGE:  # `str` would refuse it, or take long
                raise self._error(_path(trail), f"an integer of more than {MAX_DIGITS} digits")
            elif not (value is None or isinstance(value, (str, int, float))):
                raise self._error(_path(trail), f"{type(value).__name__} is not a JSON value")
        self.check_schema(document, ())

    def check_schema(self, schema: Any, path: tuple[str, ...]) -> None:
        """Check the keywords of a schema of a checked document, and of the sub-schemas the comparison reads.

        Raises:
            SchemaSetError: If a keyword has the wrong type, naming the schema.
        """
        trail: _Trail = None
        for key in path:
            trail = (key, trail)
        stack = [(schema, trail)]
        while stack:
            schema, trail = stack.pop()
            if not isinstance(schema, dict) or id(schema) in self._checked:
                continue  # a boolean schema, or a value compared as written
            problem = _keyword_problem(schema)
            if problem is not None:
                raise self._error(_path(trail), problem)
            self._checked.add(id(schema))
            stack.extend(_subschemas(schema, trail))
