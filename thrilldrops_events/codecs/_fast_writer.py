r"""The fast writer: msgspec writes events, byte for byte as the exact writer would.

Every string is written as UTF-8 text with ``"``, ``\`` and the control characters escaped, as
pydantic's writer, ``json``'s ``encode_basestring`` and msgspec all write it (the same bytes for every
character but a lone surrogate, which none of the readers accept), never as ``\uXXXX`` escapes of
non-ASCII text, which would take up to six times the bytes it was read in and put an event read within
the 1 MiB limit beyond it. Money is written as ``str(Decimal)`` (quoted, or a JSON number) and the session
token in full.

With unknown fields, the exact writer (``_writer.write``) writes a ``JsonNumber`` as a JSON number and a
``float`` as the ``Decimal`` it reads back as. msgspec writes such an event only when it gives the same
bytes: unknown fields holding strings, integers, booleans, ``null``, ``JsonNumber`` and ``Decimal`` values,
objects and arrays (no ``float``, nothing a reader would refuse). Anything else is left to the exact writer
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
from thrilldrops_events.codecs._writer import decimal_text
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
    return encoder.encode({"operator_id": obj.operator_id, "brand_id": obj.brand_id, "player_id": obj.player_id,
                           "timestamp": obj.timestamp, "event_type": {payload.event_type.value: values}})


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
    return written
