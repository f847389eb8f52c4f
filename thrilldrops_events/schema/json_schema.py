"""The JSON Schemas of the payloads and the envelope, the schema files, and their writer."""

from __future__ import annotations

import copy
import functools
import inspect
import re
from collections.abc import Iterable
from typing import Any

from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS
from thrilldrops_events.types import MONEY_MAX_INTEGER_DIGITS, MONEY_MAX_SCALE

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
#: The name :func:`json_schema` takes for the envelope schema.
ENVELOPE = "envelope"

# The whitespace of the Identifier rule, exactly as the model's regex engine sees it (Unicode
# White_Space). Written as literal characters, not \s or \uXXXX escapes, so that every regex engine
# (ECMA-262, Python re, Java, Go RE2, Rust regex) reads the same class.
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Python's and Java's `$` also match before a final line break; this guard refuses such a break
# explicitly, so that their verdicts agree with ECMA-262 and with the library.
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_NO_FINAL_LINE_BREAK = {"type": "string", "pattern": f"[{_LINE_BREAKS}]$"}

_IDENTIFIER_PATTERN = f"^[^{_WHITESPACE}](?:[\\s\\S]*[^{_WHITESPACE}])?$"
_CURRENCY_PATTERN = "^[A-Za-z0-9]{2,10}$"
_MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z
_MONEY_MAX_TEXT = 64
_MONEY_LIMIT = 10**MONEY_MAX_INTEGER_DIGITS


def _money_pattern(*, signed: bool) -> str:
    """The exact language of the money strings this schema accepts (a subset of what the library reads)."""
    def fraction(most: int) -> str:
        return "(?:\\.[0-9]{1,%d})?" % most if most else ""  # noqa: UP031 - braces would need doubling

    integer = "(?:0*[1-9][0-9]{0,%d}|0+)" % (MONEY_MAX_INTEGER_DIGITS - 1)  # noqa: UP031
    plain = integer + fraction(MONEY_MAX_SCALE)
    # One digit before the point and a negative exponent k: the scale is (digits after the point) + k.
    small = [f"[0-9]{fraction(MONEY_MAX_SCALE - k)}[eE]-0*{k}" for k in range(1, MONEY_MAX_SCALE + 1)]
    sign = "-?" if signed else ""
    return "^" + sign + "(?:" + "|".join([plain, *small]) + ")$"


_MONEY_NOTE = (
    "JSON Schema cannot bound the scale of a JSON number: one with more than "
    f"{MONEY_MAX_SCALE} digits after the point passes here, but the library refuses it. Strings: plain "
    "notation (leading zeros allowed), or one digit before the point and a negative exponent (1E-8, 2.5e-7) "
    "as Python, Java and JavaScript write small amounts; the other exponent forms the library reads within the "
    "same bounds (2.5E+3, 12E-2) are refused here."
)

#: Per kind: the JSON Schema keywords of a value, and what the description adds to the kind's rule.
_KIND_SCHEMAS: dict[str, tuple[dict[str, Any], str]] = {
    "identifier": (
        {"type": "string", "minLength": 1, "maxLength": 255, "pattern": _IDENTIFIER_PATTERN,
         "not": _NO_FINAL_LINE_BREAK},
        "Whitespace means Unicode White_Space, the characters listed in the pattern.",
    ),
    "currency": ({"type": "string", "pattern": _CURRENCY_PATTERN, "not": _NO_FINAL_LINE_BREAK}, ""),
    "country": ({"type": "string", "enum": sorted(COUNTRY_CODES)}, ""),
    "money": (
        {"type": ["string", "number"], "pattern": _money_pattern(signed=False), "maxLength": _MONEY_MAX_TEXT,
         "minimum": 0, "exclusiveMaximum": _MONEY_LIMIT, "not": _NO_FINAL_LINE_BREAK, "examples": ["25.00", 0.1]},
        _MONEY_NOTE,
    ),
    "signed_money": (
        {"type": ["string", "number"], "pattern": _money_pattern(signed=True), "maxLength": _MONEY_MAX_TEXT,
         "exclusiveMinimum": -_MONEY_LIMIT, "exclusiveMaximum": _MONEY_LIMIT, "not": _NO_FINAL_LINE_BREAK,
         "examples": ["-12.50", 100]},
        _MONEY_NOTE,
    ),
    "bool": ({"type": "boolean"}, ""),
    "channel": ({"type": "string", "enum": [c.value for c in ChannelType]}, ""),
    "secret": ({"type": "string", "maxLength": 4096}, ""),
    "timestamp": (
        {"type": "integer", "minimum": 0, "maximum": _MAX_SECONDS},
        "The maximum (9999-12-31T23:59:59Z) also excludes every 13-digit (milliseconds) value. JSON Schema "
        "counts 1777852800.0 as an integer, which the library's strict mode refuses.",
    ),
}


def _gist(text: str) -> str:
    """The start of a rule, up to its first punctuation, lower case."""
    return re.split(r"[,;:.(]", text, maxsplit=1)[0].strip().lower()


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    keywords, note = _KIND_SCHEMAS[spec.kind]
    rule = spec.rule
    if _gist(rule) in spec.description.lower():  # the model's description already states the rule
        rule = ""
    description = " ".join(part for part in (spec.description, f"Rule: {rule}" if rule else "", note) if part)
    schema: dict[str, Any] = {"description": description, **copy.deepcopy(keywords)}
    if spec.nullable:
        kinds = schema["type"]
        schema["type"] = [*kinds, "null"] if isinstance(kinds, list) else [kinds, "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    return schema


def _object_schema(specs: Iterable[FieldSpec], *, strict: bool) -> dict[str, Any]:
    specs = tuple(specs)
    return {
        "type": "object",
        "properties": {spec.name: _field_schema(spec) for spec in specs},
        "required": [spec.name for spec in specs if not spec.nullable],
        "additionalProperties": not strict,
    }


def _unknown_fields_note(strict: bool) -> str:
    if strict:
        return "Unknown fields are refused, as in the library's strict mode."
    return "Unknown fields are allowed; the library keeps them and writes them back out."


def _payload_body(event_type: EventType, *, strict: bool) -> dict[str, Any]:
    model = PAYLOAD_MODELS[event_type]
    summary = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0]
    where = "the Redis stream of internal events" if event_type.is_internal else "POST /event"
    description = (
        f"{summary} The payload of a {event_type.value} event, as it appears under "
        f"event_type.{event_type.value} in the envelope (sent to {where}). Nullable fields may be absent or "
        f"null. {_unknown_fields_note(strict)}"
    )
    return {"title": event_type.value, "description": description, **_object_schema(payload_fields(event_type),
                                                                                      strict=strict)}


def schema_file_name(name: EventType | str, *, strict: bool = False) -> str:
    """The file name of a schema under ``schemas/``: ``Deposit.json``, ``envelope.json``, ``strict/...``.

    Args:
        name: An event type (or its wire name), or ``"envelope"``.
        strict: The strict variant's file name.

    Raises:
        ValueError: If ``name`` is neither an event type nor ``"envelope"``.
    """
    stem = ENVELOPE if name == ENVELOPE else EventType(name).value
    return f"strict/{stem}.json" if strict else f"{stem}.json"


def _header(name: EventType | str, *, strict: bool) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_BASE_URI + schema_file_name(name, strict=strict)}


def _envelope(*, strict: bool) -> dict[str, Any]:
    payload_info = Envelope.model_fields["payload"]
    body = _object_schema(ENVELOPE_FIELDS, strict=strict)
    body["properties"]["event_type"] = {
        "description": f"{payload_info.description} The key is the variant name (case-sensitive), the value the "
        "payload.",
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": {e.value: {"$ref": f"#/$defs/{e.value}"} for e in EventType},
        "additionalProperties": False,
    }
    body["required"].append("event_type")
    summary = inspect.cleandoc(Envelope.__doc__ or "").split("\n\n")[0]
    return {
        **_header(ENVELOPE, strict=strict),
        "title": "Envelope",
        "description": (
            f"{summary} The body of POST /event: operator, brand and player scope, a timestamp in Unix seconds, "
            "and the payload under its variant name (an externally tagged union). "
            f"{_unknown_fields_note(strict)} An unknown field named payload is refused (the name is reserved)."
        ),
        **body,
        "not": {"required": ["payload"]},
        "$defs": {e.value: _payload_body(e, strict=strict) for e in EventType},
    }


@functools.cache
def _build(name: str, strict: bool) -> dict[str, Any]:
    if name == ENVELOPE:
        return _envelope(strict=strict)
    event_type = EventType(name)
    return {**_header(event_type, strict=strict), **_payload_body(event_type, strict=strict)}


def json_schema(name: EventType | str, *, strict: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one payload, or of the envelope.

    Args:
        name: An event type (``EventType.DEPOSIT`` or ``"Deposit"``), or ``"envelope"``.
        strict: Refuse unknown fields (``additionalProperties: false``), as the library's strict mode does.

    Returns:
        A new ``dict``, yours to change.

    Raises:
        ValueError: If ``name`` is neither an event type nor ``"envelope"``.
    """
    key = ENVELOPE if name == ENVELOPE else EventType(name).value
    return copy.deepcopy(_build(key, strict))


def all_json_schemas() -> dict[str, dict[str, Any]]:
    """Every JSON Schema, keyed by its file name under ``schemas/`` (``Deposit.json``, ``strict/envelope.json``)."""
    names: list[EventType | str] = [*EventType, ENVELOPE]
    return {
        schema_file_name(name, strict=strict): json_schema(name, strict=strict)
        for strict in (False, True)
        for name in names
    }
