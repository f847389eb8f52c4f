"""The fast writer: msgspec writes events, byte for byte as the exact writer would.

Without unknown fields, the fields' values are written as they are: strings in UTF-8 with the escapes
pydantic's writer uses, money as ``str(Decimal)`` (quoted, or a JSON number), the session token in full,
the envelope's identifiers as ``json``'s ASCII escapes write them (msgspec's own when they are ASCII).

With unknown fields, the exact writer (``_writer.write``) writes every string with ``json``'s ASCII escapes,
a ``JsonNumber`` as a JSON number and a ``float`` as the ``Decimal`` it reads back as. msgspec writes such an
event only when it gives the same bytes: unknown fields holding strings, integers, booleans, ``null``,
``JsonNumber`` and ``Decimal`` values, objects and arrays (no ``float``, nothing a reader would refuse), and
output that is ASCII without DEL (``json`` escapes both). Anything else is left to the exact writer
(``None``), which also raises the errors.
"""

from __future__ import annotations

from decimal import Decimal, getcontext, localcontext
from typing import Any

import msgspec
from pydantic import SecretStr

from thrilldrops_events._numbers import EVENT_DECIMAL_CONTEXT, number_problem
from thrilldrops_events._unknown import MAX_DEPTH
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.codecs._writer import ENCODE_STR, decimal_text
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import EventPayload

__all__ = ["encode_fields", "encode_with_unknown"]


def _reveal(value: object) -> Any:
    """What msgspec writes for a session token (in full: the wire writers alone write it) or a JSON number."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, JsonNumber):
        return msgspec.Raw(decimal_text(value).encode())
    raise TypeError(f"cannot write a value of type {type(value).__name__} as JSON")


# The context msgspec writes in when the thread's would write an exponent in lower case (str(Decimal) reads only
# its ``capitals``).
_WRITING_CONTEXT = EVENT_DECIMAL_CONTEXT.copy()

# Money as decimal strings, or as JSON numbers (str(Decimal), exact either way).
_STRING_ENCODER = msgspec.json.Encoder(enc_hook=_reveal)
_NUMBER_ENCODER = msgspec.json.Encoder(enc_hook=_reveal, decimal_format="number")


def encode_fields(obj: Envelope | EventPayload, payload: EventPayload, number: bool) -> bytes:
    """An event without unknown fields.

    Raises:
        msgspec.EncodeError, TypeError, ValueError: A model built without validation (``model_construct``)
            holds a value its type does not allow.
    """
    if not getcontext().capitals:  # msgspec writes str(Decimal), which would write 1e-8
        with localcontext(_WRITING_CONTEXT):
            return _encode_fields(obj, payload, number)
    return _encode_fields(obj, payload, number)


def _encode_fields(obj: Envelope | EventPayload, payload: EventPayload, number: bool) -> bytes:
    values = payload.__dict__
    encoder = _NUMBER_ENCODER if number else _STRING_ENCODER
    if not isinstance(obj, Envelope):
        return encoder.encode(values)
    ids = (obj.operator_id, obj.brand_id, obj.player_id)
    joined = "".join(ids)
    if joined.isascii() and "\x7f" not in joined:  # then msgspec writes them as json's ASCII escapes do
        return encoder.encode({"operator_id": ids[0], "brand_id": ids[1], "player_id": ids[2],
                               "timestamp": obj.timestamp, "event_type": {payload.event_type.value: values}})
    return b"".join((
        b'{"operator_id":', ENCODE_STR(ids[0]).encode(), b',"brand_id":', ENCODE_STR(ids[1]).encode(),
        b',"player_id":', ENCODE_STR(ids[2]).encode(), b',"timestamp":', str(obj.timestamp).encode(),
        b',"event_type":{"', payload.event_type.value.encode(), b'":', encoder.encode(values), b"}}",
    ))


def _plain(extra: dict[str, Any] | None) -> bool:
    """Whether unknown fields hold only values msgspec writes as the exact writer does (a bounded walk)."""
    stack: list[tuple[Any, int]] = [(extra or {}, 0)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        is_dict = type(container) is dict
        if is_dict and not all(type(key) is str for key in container):
            return False
        for item in container.values() if is_dict else container:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
            elif kind is int or kind is JsonNumber or kind is Decimal:
                if number_problem(item) is not None:
                    return False
            elif kind is not str and kind is not bool and item is not None:
                return False
    return True


def encode_with_unknown(obj: Envelope | EventPayload, payload: EventPayload, number: bool) -> bytes | None:
    """An event with unknown fields, or ``None`` if the exact writer must write it (see the module docstring)."""
    if not getcontext().capitals:  # msgspec writes str(Decimal), which would write 1e-8
        with localcontext(_WRITING_CONTEXT):
            return _encode_with_unknown(obj, payload, number)
    return _encode_with_unknown(obj, payload, number)


def _encode_with_unknown(obj: Envelope | EventPayload, payload: EventPayload, number: bool) -> bytes | None:
    payload_extra = payload.__pydantic_extra__
    envelope_extra = obj.__pydantic_extra__ if isinstance(obj, Envelope) else None
    if not (_plain(payload_extra) and _plain(envelope_extra)):
        return None
    values = {**payload.__dict__, **(payload_extra or {})}
    if isinstance(obj, Envelope):
        values = {"operator_id": obj.operator_id, "brand_id": obj.brand_id, "player_id": obj.player_id,
                  "timestamp": obj.timestamp, "event_type": {payload.event_type.value: values},
                  **(envelope_extra or {})}
    try:
        written = (_NUMBER_ENCODER if number else _STRING_ENCODER).encode(values)
    except (msgspec.EncodeError, TypeError, ValueError):  # a lone surrogate: the exact writer says where
        return None
    return written if written.isascii() and b"\x7f" not in written else None
