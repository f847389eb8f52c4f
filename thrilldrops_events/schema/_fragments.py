"""The JSON Schema of a value of each kind of field, built from the field view.

Each fragment takes its patterns, allowed values and numbers from the contract table
(`thrilldrops_events._kinds.KIND_CONSTRAINTS`) and its wording from the kind's rule, so no constant is
written here a second time. What JSON Schema cannot say exactly goes into the description (the kind's note).

Three schema sets share the fragments (see `SchemaSet`): they differ in how money is written and in
whether unknown fields are allowed.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from thrilldrops_events._fields import KIND_CONSTRAINTS, FieldKind, FieldSpec
from thrilldrops_events._kinds import LINE_BREAKS
from thrilldrops_events._numbers import MAX_NUMBER_DIGITS
from thrilldrops_events._unknown import MAX_UNKNOWN_VALUES, PAYLOAD_DEPTH
from thrilldrops_events.codecs._exact import MAX_DEPTH, MAX_EVENT_BYTES

__all__ = [
    "LIMITS_NOTE",
    "NO_FINAL_LINE_BREAK",
    "PAYLOAD_LIMITS_NOTE",
    "SCHEMA_SETS",
    "SURROGATE_NOTE",
    "SchemaSet",
    "field_description",
    "value_schema",
]

#: The schema sets: ``consumer`` (what the library's lenient reader accepts: money as a decimal string or a
#: JSON number, unknown fields allowed), ``strict`` (the library's strict mode: unknown fields refused) and
#: ``producer`` (what a producer should send: money as decimal strings only, unknown fields refused).
SchemaSet = Literal["consumer", "strict", "producer"]
SCHEMA_SETS: tuple[SchemaSet, ...] = ("consumer", "strict", "producer")

#: Python's and Java's `$` also match before a final line break; this guard (under `not`) refuses such a
#: break explicitly, so that their verdicts agree with ECMA-262 and with the library.
NO_FINAL_LINE_BREAK = {"type": "string", "pattern": f"[{LINE_BREAKS}]$"}

_LIMITS = "Limits the library enforces and JSON Schema cannot express"
_NUMBER_LIMIT = (
    f"no JSON number in it, unknown fields included, has more than {MAX_NUMBER_DIGITS} significant digits or an "
    "exponent no decimal can hold"
)
_VALUES_LIMIT = f"at most {MAX_UNKNOWN_VALUES:,} values (object members and array items, at any depth)"
#: What the envelope schema's description says about the limits JSON Schema cannot express.
LIMITS_NOTE = (
    f"{_LIMITS}: an event is at most {MAX_EVENT_BYTES} bytes (1 MiB) of JSON; its objects and arrays, unknown "
    f"fields included, nest at most {MAX_DEPTH} levels deep, the envelope itself being the first; {_NUMBER_LIMIT}; "
    f"and the unknown fields of one object (the envelope or the payload) hold {_VALUES_LIMIT}."
)
#: What a payload schema's description says about them: a payload is read as the envelope would hold it.
PAYLOAD_LIMITS_NOTE = (
    f"{_LIMITS}, a payload being read as its envelope holds it: it is at most {MAX_EVENT_BYTES} bytes (1 MiB) of "
    f"JSON; its objects and arrays nest at most {MAX_DEPTH - PAYLOAD_DEPTH} levels deep, the payload itself being "
    f"the first ({MAX_DEPTH} levels in the envelope); {_NUMBER_LIMIT}; and its unknown fields hold {_VALUES_LIMIT}."
)
#: What every schema's description says about the strings the library refuses.
SURROGATE_NOTE = (
    "No string, field name or unknown field included, may hold a lone surrogate: an escape from \\ud800 to "
    "\\udfff without its pair (what JavaScript's slice leaves when it cuts an emoji in two) is refused, "
    "since it is not text."
)


def _money_notes() -> tuple[str, str]:
    """What money's description adds: for the sets that take JSON numbers, and for the producer set."""
    limits = KIND_CONSTRAINTS["money"]
    strings = (
        "Strings (format decimal): plain notation (leading zeros allowed), or one digit before the point and a "
        "negative exponent (1E-8, 2.5e-7) as Python, Java and JavaScript write small amounts; the other exponent "
        "forms the library reads within the same bounds (2.5E+3, 12E-2) are refused here."
    )
    numbers = (
        f"JSON numbers: JSON Schema cannot bound their scale (one with more than {limits.scale} digits after the "
        f"point passes here, but the library refuses it). The bound 10^{limits.integer_digits} is inclusive so "
        f"that validators reading numbers as doubles (Ajv, JavaScript) accept every amount with "
        f"{limits.integer_digits} digits before the point, which they round up to 1e{limits.integer_digits}; "
        f"an exact validator therefore also accepts 10^{limits.integer_digits} itself, which the library refuses."
    )
    producer = "Send money as a decimal string, never as a JSON number (which a reader may round to a double)."
    return f"{numbers} {strings}", f"{producer} {strings}"


_MONEY_NOTE, _PRODUCER_MONEY_NOTE = _money_notes()


def _money_schema(*, signed: bool, schema_set: SchemaSet) -> tuple[dict[str, Any], str]:
    limits = KIND_CONSTRAINTS["signed_money" if signed else "money"]
    text = {"format": "decimal", "pattern": limits.pattern, "maxLength": limits.max_text,
            "not": NO_FINAL_LINE_BREAK}
    example = "-12.50" if signed else "25.00"
    if schema_set == "producer":
        return {"type": "string", **text, "examples": [example]}, _PRODUCER_MONEY_NOTE
    numbers = {"minimum": limits.minimum, "maximum": limits.maximum}
    return {"type": ["string", "number"], **text, **numbers, "examples": [example, 100 if signed else 0.1]}, _MONEY_NOTE


def _string_schemas() -> dict[str, tuple[dict[str, Any], str]]:
    identifier, currency = KIND_CONSTRAINTS["identifier"], KIND_CONSTRAINTS["currency"]
    timestamp = KIND_CONSTRAINTS["timestamp"]
    return {
        "identifier": (
            {"type": "string", "minLength": identifier.min_length, "maxLength": identifier.max_length,
             "pattern": identifier.pattern, "not": NO_FINAL_LINE_BREAK},
            "Whitespace means Unicode White_Space, the characters listed in the pattern.",
        ),
        "text": ({"type": "string", "maxLength": KIND_CONSTRAINTS["text"].max_length}, ""),
        "currency": ({"type": "string", "pattern": currency.pattern, "not": NO_FINAL_LINE_BREAK}, ""),
        "country": ({"type": "string", "enum": list(KIND_CONSTRAINTS["country"].values or ())}, ""),
        "bool": ({"type": "boolean"}, ""),
        "channel": ({"type": "string", "enum": list(KIND_CONSTRAINTS["channel"].values or ())}, ""),
        "secret": ({"type": "string", "maxLength": KIND_CONSTRAINTS["secret"].max_length}, ""),
        "timestamp": (
            {"type": "integer", "minimum": timestamp.minimum, "maximum": timestamp.maximum},
            "The maximum (9999-12-31T23:59:59Z) also excludes every 13-digit (milliseconds) value. JSON Schema "
            "counts 1777852800.0 as an integer, which the library refuses.",
        ),
    }


_OTHER_KINDS = _string_schemas()


def value_schema(kind: FieldKind, schema_set: SchemaSet) -> tuple[dict[str, Any], str]:
    """The JSON Schema keywords of a (non-null) value of a kind, and what its description adds to the rule.

    Returns:
        A new ``dict`` of keywords, and a note (``""`` if none).
    """
    if kind in ("money", "signed_money"):
        return _money_schema(signed=kind == "signed_money", schema_set=schema_set)
    keywords, note = _OTHER_KINDS[kind]
    return {key: list(value) if isinstance(value, list) else value for key, value in keywords.items()}, note


def _gist(text: str) -> str:
    """The start of a rule, up to its first punctuation, lower case."""
    return re.split(r"[,;:.(]", text, maxsplit=1)[0].strip().lower()


def field_description(spec: FieldSpec, note: str = "", *, producer: bool = False) -> str:
    """A field's description: the model's, then the kind's rule unless the model's already states it, then a note.

    With ``producer``, the rule is the producer set's where it is stricter (money as decimal strings only).
    """
    rule = "" if _gist(spec.rule) in spec.description.lower() else spec.rule
    if rule and producer and spec.constraints.producer_rule:
        rule = spec.constraints.producer_rule
    return " ".join(part for part in (spec.description, f"Rule: {rule}" if rule else "", note) if part)
