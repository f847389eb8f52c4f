"""The JSON Schemas of the payloads and the envelope, in three sets: consumer, strict and producer."""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Iterable
from typing import Any

from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events._flags import check_flag
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.schema._fragments import (
    LIMITS_NOTE,
    PAYLOAD_LIMITS_NOTE,
    SCHEMA_SETS,
    SURROGATE_NOTE,
    SchemaSet,
    field_description,
    value_schema,
)

__all__ = [
    "ENVELOPE",
    "SCHEMA_BASE_URI",
    "SCHEMA_DIALECT",
    "all_json_schemas",
    "json_schema",
    "schema_file_name",
]

#: The JSON Schema dialect of every generated schema.
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The base of every schema's ``$id``. The ids are stable names, not download locations: the files
#: are served with the documentation under ``schemas/``.
SCHEMA_BASE_URI = "https://thrilldrops.com/schemas/events/"
#: The name [json_schema][thrilldrops_events.schema.json_schema.json_schema] takes for the envelope schema.
ENVELOPE = "envelope"
_EVENT_TYPES = tuple(event_type.value for event_type in EventType)

_RESERVED = "payload"  # the envelope's Python attribute; refused as an unknown field name
_SET_NOTES: dict[SchemaSet, str] = {
    "consumer": "Unknown fields are allowed; the library keeps them and writes them back out.",
    "strict": "Unknown fields are refused, as in the library's strict mode.",
    "producer": "What a producer should send: unknown fields are refused and money is a decimal string.",
}


def _field_schema(spec: FieldSpec, schema_set: SchemaSet) -> dict[str, Any]:
    keywords, note = value_schema(spec.kind, schema_set)
    schema: dict[str, Any] = {"description": field_description(spec, note, producer=schema_set == "producer"),
                              **keywords}
    if spec.nullable:
        kinds = schema["type"]
        schema["type"] = [*kinds, "null"] if isinstance(kinds, list) else [kinds, "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    return schema


def _object_schema(specs: Iterable[FieldSpec], schema_set: SchemaSet) -> dict[str, Any]:
    specs = tuple(specs)
    return {
        "type": "object",
        "properties": {spec.name: _field_schema(spec, schema_set) for spec in specs},
        "required": [spec.name for spec in specs if not spec.nullable],
        "additionalProperties": schema_set == "consumer",
    }


def _payload_body(event_type: EventType, schema_set: SchemaSet) -> dict[str, Any]:
    summary = inspect.cleandoc(event_type.model.__doc__ or "").split("\n\n")[0]
    where = "the Redis stream of internal events" if event_type.is_internal else "POST /event"
    description = (
        f"{summary} The payload of a {event_type.value} event, as it appears under "
        f"event_type.{event_type.value} in the envelope (sent to {where}). Nullable fields may be absent or "
        f"null. {_SET_NOTES[schema_set]} {PAYLOAD_LIMITS_NOTE} {SURROGATE_NOTE}"
    )
    return {"title": event_type.value, "description": description,
            **_object_schema(payload_fields(event_type), schema_set)}


def _schema_set(strict: bool, producer: bool) -> SchemaSet:
    check_flag("strict", strict)
    check_flag("producer", producer)
    return "producer" if producer else "strict" if strict else "consumer"


def _stem(name: object) -> str:
    """The name of an event type's schema, or the envelope's, checked by its text (a subclass's ``==`` may lie)."""
    text = str.__str__(name) if isinstance(name, str) else None
    if text == ENVELOPE or text in _EVENT_TYPES:
        return text
    shown = repr(text)[:80] if text is not None else f"a {type(name).__name__}"
    raise ValueError(f"name must be an event type ({', '.join(_EVENT_TYPES)}) or {ENVELOPE!r}, not {shown}")


def schema_file_name(name: EventType | str, *, strict: bool = False, producer: bool = False) -> str:
    """The file name of a schema under ``schemas/``: ``Deposit.json``, ``strict/envelope.json``, ``producer/...``.

    Args:
        name: An event type (or its wire name), or ``"envelope"``.
        strict: The strict set's file name.
        producer: The producer set's file name (whatever ``strict`` says).

    Raises:
        ValueError: If ``name`` is neither an event type nor ``"envelope"``.
        TypeError: If ``strict`` or ``producer`` is not a bool.

    Examples:
        >>> schema_file_name("Deposit", producer=True)
        'producer/Deposit.json'
    """
    stem = _stem(name)
    schema_set = _schema_set(strict, producer)
    return f"{stem}.json" if schema_set == "consumer" else f"{schema_set}/{stem}.json"


def _header(name: EventType | str, schema_set: SchemaSet) -> dict[str, Any]:
    file_name = schema_file_name(name, strict=schema_set == "strict", producer=schema_set == "producer")
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_BASE_URI + file_name}


def variant_schema(event_type: EventType, payload_ref: str) -> dict[str, Any]:
    """The object ``{"<Variant>": payload}`` of one event type: one key, the variant name, and nothing else."""
    name = event_type.value
    return {"title": f"{name} event type", "type": "object", "properties": {name: {"$ref": payload_ref}},
            "required": [name], "additionalProperties": False}


def _envelope(schema_set: SchemaSet) -> dict[str, Any]:
    payload_info = Envelope.model_fields["payload"]
    body = _object_schema(ENVELOPE_FIELDS, schema_set)
    body["properties"]["event_type"] = {
        "description": f"{payload_info.description} Exactly one key, the variant name (case-sensitive); its value "
        "is the payload.",
        "oneOf": [variant_schema(e, f"#/$defs/{e.value}") for e in EventType],
    }
    body["required"].append("event_type")
    summary = inspect.cleandoc(Envelope.__doc__ or "").split("\n\n")[0]
    reserved = f" An unknown field named {_RESERVED} is refused (the name is reserved)." if schema_set == "consumer" \
        else ""
    schema = {
        **_header(ENVELOPE, schema_set),
        "title": "Envelope",
        "description": (
            f"{summary} The body of POST /event: operator, brand and player scope, a timestamp in Unix seconds, "
            f"and the payload under its variant name (an externally tagged union). {_SET_NOTES[schema_set]}"
            f"{reserved} {LIMITS_NOTE} {SURROGATE_NOTE}"
        ),
        **body,
    }
    if schema_set == "consumer":
        schema["propertyNames"] = {"not": {"const": _RESERVED}}
    schema["$defs"] = {e.value: _payload_body(e, schema_set) for e in EventType}
    return schema


@functools.cache
def _build(name: str, schema_set: SchemaSet) -> dict[str, Any]:
    if name == ENVELOPE:
        return _envelope(schema_set)
    event_type = EventType(name)
    return {**_header(event_type, schema_set), **_payload_body(event_type, schema_set)}


def json_schema(name: EventType | str, *, strict: bool = False, producer: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one payload, or of the envelope.

    Args:
        name: An event type (``EventType.DEPOSIT`` or ``"Deposit"``), or ``"envelope"``.
        strict: Refuse unknown fields (``additionalProperties: false``), as the library's strict mode does.
        producer: What a producer should send: unknown fields refused and money as decimal strings only
            (whatever ``strict`` says).

    Returns:
        A new ``dict``, yours to change.

    Raises:
        ValueError: If ``name`` is neither an event type nor ``"envelope"``.
        TypeError: If ``strict`` or ``producer`` is not a bool.

    Examples:
        >>> json_schema("Deposit", producer=True)["properties"]["amount"]["type"]
        'string'
    """
    key = _stem(name)
    return copy.deepcopy(_build(key, _schema_set(strict, producer)))


def all_json_schemas() -> dict[str, dict[str, Any]]:
    """Every JSON Schema, keyed by its file name under ``schemas/`` (``Deposit.json``, ``producer/envelope.json``)."""
    names: list[EventType | str] = [*EventType, ENVELOPE]
    return {
        schema_file_name(name, strict=schema_set == "strict", producer=schema_set == "producer"): json_schema(
            name, strict=schema_set == "strict", producer=schema_set == "producer")
        for schema_set in SCHEMA_SETS
        for name in names
    }
