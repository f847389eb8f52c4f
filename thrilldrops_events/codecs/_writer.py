"""Writing events exactly: the wire form as Python values, the exact JSON writer, and money as JSON numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from typing import Any

from thrilldrops_events._fields import payload_fields
from thrilldrops_events._problems import single
from thrilldrops_events.codecs._exact import MAX_DEPTH, JsonNumber
from thrilldrops_events.enums import EventType
from thrilldrops_events.events import EventPayload

__all__ = ["ENCODE_STR", "plain", "unquote_money", "write"]

def plain(value: Any, money_as_str: bool, depth: int) -> Any:
    if depth > 2 * MAX_DEPTH:
        raise single("", f"nested more than {MAX_DEPTH} levels deep", "too_deep")
    kind = type(value)
    if kind is dict:
        return {key: plain(item, money_as_str, depth + 1) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [plain(item, money_as_str, depth + 1) for item in value]
    if kind is Decimal:
        return str(value) if money_as_str else value
    if isinstance(value, Enum):
        return value.value
    return value


ENCODE_STR = json.encoder.encode_basestring_ascii


def write(value: Any, money_as_number: bool, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(ENCODE_STR(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int or kind is JsonNumber:
        out.append(str(value))
    elif kind is Decimal:
        out.append(str(value) if money_as_number else f'"{value}"')
    elif kind is dict:
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(ENCODE_STR(str(key)))
            out.append(":")
            write(item, money_as_number, out)
        out.append("}")
    elif kind is list:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            write(item, money_as_number, out)
        out.append("]")
    elif kind is float and value - value == 0:  # finite: written as the JSON number reads back (1E+308)
        out.append(str(Decimal(repr(value))))
    else:
        raise single("", f"cannot write a value of type {kind.__name__} as JSON", "not_serializable")


# The money fields of each payload model, as the JSON keys the native serializer writes.
_MONEY_KEYS_OF = {
    event_type: tuple((spec.name, f'"{spec.name}":'.encode()) for spec in payload_fields(event_type)
                      if spec.kind in ("money", "signed_money"))
    for event_type in EventType
}


def unquote_money(payload: EventPayload, body: bytes) -> bytes:
    """Turn the payload's money strings into JSON numbers in its natively written JSON.

    Without unknown fields a key occurs once, and a quote inside a string is escaped, so
    ``"amount":"25.00"`` can only be the money field itself.
    """
    for name, key in _MONEY_KEYS_OF[payload.event_type]:
        value = getattr(payload, name)
        if value is not None:
            text = str(value).encode()
            body = body.replace(b"%s\"%s\"" % (key, text), key + text, 1)
    return body
