"""Exact JSON for envelopes and payloads: ``decode``/``encode`` and NDJSON ``decode_lines``/``encode_lines``.

Reading is exact: a JSON number never passes through ``float``. Two routes give the same result:

* the **fast route** hands the bytes to pydantic's native JSON validator; it accepts only documents
  whose money is written as plain decimal strings (``"25.00"``) and whose unknown fields hold no
  fractional numbers, which is what producers built on this library send;
* the **exact route** reads everything else with ``json.loads(parse_float=Decimal)`` and validates
  the result. It is also the only route that reports errors, so a message never depends on the route.

Writing uses pydantic's native serializer for the common case (money as strings, no unknown
fields) and a small exact writer otherwise (money as JSON numbers, unknown fields written back as
they were read).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, NamedTuple, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from thrilldrops_events._problems import from_validation_error, single
from thrilldrops_events._unknown import PAYLOAD_DEPTH
from thrilldrops_events.codecs._bounds import trim_envelope, trim_payload
from thrilldrops_events.codecs._exact import (
    MAX_DEPTH,
    adopt_unknown_fields,
    loads_exact,
    needs_exact_route,
)
from thrilldrops_events.codecs._wire import WIRE, envelope_from_wire, new_envelope, payload_of
from thrilldrops_events.codecs._writer import ENCODE_STR, plain, unquote_money, write
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError
from thrilldrops_events.events import EventPayload, payload_model
from thrilldrops_events.events._base import install_json_readers
from thrilldrops_events.types import STRICT_CONTEXT, WIRE_CONTEXT

__all__ = [
    "MoneyFormat",
    "ParsedLine",
    "decode",
    "decode_lines",
    "decode_payload",
    "encode",
    "encode_lines",
    "to_dict",
]

#: How money is written: as decimal strings (``"25.00"``, the default) or as JSON numbers (``25.00``).
MoneyFormat = Literal["string", "number"]

RawJson = Union[bytes, bytearray, memoryview, str]  # noqa: UP007 - a runtime alias on Python 3.10
_TEXT_TYPES = (bytes, bytearray, memoryview, str)


def _lost_precision(model: BaseModel, depth: int) -> bool:
    """Whether the fast route read unknown fields it must not decide on: a fraction as ``float``, or deep nesting.

    Args:
        model: A model the fast route produced.
        depth: How deep the model's object sits in the document.
    """
    extra = model.__pydantic_extra__
    return bool(extra) and needs_exact_route(extra, depth)


def _validate_mapping(validator: Any, data: object, strict: bool, model: type[EventPayload] | None = None) -> Any:
    """Validate a mapping: the envelope's wire form, or with ``model`` a payload of that type."""
    if not isinstance(data, Mapping):
        raise single("", "must be a JSON object", "not_an_object")
    if model is None:
        data, omitted = trim_envelope(data, strict)
    else:
        data, omitted = trim_payload(data, model.event_type, strict)
    try:
        if strict:
            return validator.validate_python(data, extra="forbid", context=STRICT_CONTEXT)
        return validator.validate_python(data)
    except ValidationError as error:
        raise from_validation_error(error, omitted=omitted) from None
    except RecursionError:  # pragma: no cover - pydantic guards recursion itself
        raise single("", f"nested more than {MAX_DEPTH} levels deep", "too_deep") from None


# Where money first appears in a document; a digit after it means money is written as JSON numbers.
_MONEY_KEYS = (b'_bet":', b'amount":')
_MONEY_KEYS_STR = tuple(key.decode() for key in _MONEY_KEYS)


def _money_as_numbers(raw: bytes | str) -> bool:
    """A cheap guess whether the document writes money as JSON numbers, which only the exact route reads.

    The guess only picks a route; both routes give the same result.
    """
    text = type(raw) is str
    for key in _MONEY_KEYS_STR if text else _MONEY_KEYS:
        found = raw.find(key)  # type: ignore[arg-type]
        if found >= 0:
            end = found + len(key)
            value: Any = raw[end : end + 2].lstrip()[:1]
            return bool(value) and value in ("-0123456789" if text else b"-0123456789")
    return False


# The largest document the fast route tries: real events are a few hundred bytes, and a larger one is read
# once, exactly, rather than tried natively first (which could cost as much again before it falls back).
_FAST_ROUTE_MAX_BYTES = 1 << 16


# What the native parser reads but the exact reader refuses: NaN and Infinity, a run of 100 digits, an exponent of
# 18 digits. The native parser keeps only the last value of a duplicated key, so such a value hidden under a
# duplicate would go unseen: a document that may hold one (NaN, Infinity, or 18 digits in a row anywhere, even
# in a string) takes the exact route. The look costs a few C-level scans of the bytes.
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 18


def _beyond_exact(raw: bytes | str) -> bool:
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    return b"NaN" in data or b"Infinity" in data or _LONG_RUN in data.translate(_DIGITS_AS_ZEROS)


def _fast(validator: Any, raw: object, strict: bool) -> Any | None:
    """Try the native route; ``None`` means: use the exact route."""
    if strict or type(raw) not in (bytes, str) or len(raw) > _FAST_ROUTE_MAX_BYTES:  # type: ignore[arg-type]
        return None
    if _money_as_numbers(raw) or _beyond_exact(raw):  # type: ignore[arg-type]
        return None
    try:
        return validator.validate_json(raw)
    except ValidationError:
        return None


def _adopt(model: BaseModel, depth: int, path: str, mark: bool) -> None:
    extra = model.__pydantic_extra__
    if extra:
        adopt_unknown_fields(extra, depth, path, mark=mark)


def decode(raw: RawJson | Mapping[str, Any], *, strict: bool = False) -> Envelope:
    """Read one envelope from wire JSON (bytes or text) or from an already parsed mapping.

    Args:
        raw: The ``POST /event`` body.
        strict: Refuse unknown fields, and strings or numbers where booleans or integers are due.

    Raises:
        EventValidationError: With every problem found, each with its JSON path. Malformed JSON, a
            non-object body, an unknown or missing variant and two variant keys are reported the same way.
    """
    from_text = isinstance(raw, _TEXT_TYPES)
    if from_text:
        wire = _fast(WIRE, raw, strict)
        if wire is not None:
            extra = wire.__pydantic_extra__
            payload = payload_of(wire)
            if not extra and not payload.__pydantic_extra__:
                return new_envelope(wire, payload, None)
            if not _lost_precision(wire, 0) and not _lost_precision(payload, PAYLOAD_DEPTH):
                return envelope_from_wire(wire)
        raw = loads_exact(raw)  # type: ignore[arg-type]
    wire = _validate_mapping(WIRE, raw, strict)
    _adopt(wire, 0, "", from_text)
    payload = payload_of(wire)
    _adopt(payload, PAYLOAD_DEPTH, f"event_type.{payload.event_type.value}", from_text)
    return envelope_from_wire(wire)


def decode_payload(
    event_type: EventType | str, raw: RawJson | Mapping[str, Any], *, strict: bool = False
) -> EventPayload:
    """Read one payload (the object under the variant name) of the given event type.

    Raises:
        EventValidationError: With every problem found; an unknown event type is one too.
    """
    model = payload_model(event_type)
    validator = model.__pydantic_validator__
    from_text = isinstance(raw, _TEXT_TYPES)
    if from_text:
        payload = _fast(validator, raw, strict)
        if payload is not None and not _lost_precision(payload, PAYLOAD_DEPTH):
            return payload  # type: ignore[no-any-return]
        raw = loads_exact(raw)  # type: ignore[arg-type]
    payload = _validate_mapping(validator, raw, strict, model)
    _adopt(payload, PAYLOAD_DEPTH, "", from_text)
    return payload  # type: ignore[no-any-return]


class ParsedLine(NamedTuple):
    """One line of NDJSON input: its number and either the event or the error."""

    line: int
    event: Envelope | None
    error: EventValidationError | None


def decode_lines(
    data: RawJson | Iterable[bytes | str], *, strict: bool = False, skip_blank: bool = True
) -> Iterator[ParsedLine]:
    """Read NDJSON lazily, one line at a time; a bad line is reported and reading goes on.

    Each line gives a [ParsedLine][thrilldrops_events.ParsedLine].

    Args:
        data: The whole NDJSON text, or any iterable of lines such as an open file.
        strict: As for ``decode``.
        skip_blank: Skip lines holding only whitespace (their numbers still count).
    """
    lines: Iterable[bytes | bytearray | str]
    if isinstance(data, memoryview):
        data = data.tobytes()
    lines = data.splitlines() if isinstance(data, (bytes, bytearray, str)) else data
    for number, line in enumerate(lines, start=1):
        if skip_blank and not line.strip():
            continue
        try:
            event = decode(bytes(line) if isinstance(line, bytearray) else line, strict=strict)
        except EventValidationError as error:
            yield ParsedLine(number, None, error.with_line(number))
        else:
            yield ParsedLine(number, event, None)


def to_dict(obj: Envelope | EventPayload, *, money: Literal["string", "decimal"] = "string") -> dict[str, Any]:
    """Return the wire form as Python values: the envelope with ``event_type: {variant: {...}}``.

    Args:
        obj: An envelope or a payload.
        money: ``"string"`` writes money as decimal strings (JSON-ready); ``"decimal"`` keeps ``Decimal``.
            Unknown fields keep the values they were read with.
    """
    data = obj.model_dump(mode="python", context=WIRE_CONTEXT)
    converted: dict[str, Any] = plain(data, money == "string", 0)
    return converted


def encode(obj: Envelope | EventPayload, *, money: MoneyFormat = "string") -> bytes:
    """Write an envelope (wire form) or a payload as compact UTF-8 JSON.

    Args:
        obj: What to write.
        money: ``"string"`` (default) writes ``"25.00"``; ``"number"`` writes ``25.00``. Both are exact.

    Raises:
        EventValidationError: Only for a model built without validation (``model_construct``) that holds a
            value no reader would have accepted (NaN, a lone surrogate, a huge integer...).
    """
    payload = obj.payload if isinstance(obj, Envelope) else obj
    if not obj.__pydantic_extra__ and not payload.__pydantic_extra__:
        # No unknown fields: pydantic's native serializer writes the payload (money as strings).
        try:
            body = payload.__pydantic_serializer__.to_json(payload, context=WIRE_CONTEXT)
        except PydanticSerializationError:  # only a model built without validation (model_construct) gets here
            raise single("", "cannot be written as JSON: a field holds a value its type does not allow",
                         "not_serializable") from None
        if money == "number":
            body = unquote_money(payload, body)
        if payload is obj:
            return body
        envelope: Envelope = obj  # type: ignore[assignment]
        return b"".join((
            b'{"operator_id":', ENCODE_STR(envelope.operator_id).encode(),
            b',"brand_id":', ENCODE_STR(envelope.brand_id).encode(),
            b',"player_id":', ENCODE_STR(envelope.player_id).encode(),
            b',"timestamp":', str(envelope.timestamp).encode(),
            b',"event_type":{"', payload.event_type.value.encode(), b'":', body, b"}}",
        ))
    out: list[str] = []
    write(to_dict(obj, money="decimal"), money == "number", out)
    return "".join(out).encode()


def encode_lines(objs: Iterable[Envelope | EventPayload], *, money: MoneyFormat = "string") -> bytes:
    """Write many envelopes or payloads as NDJSON: one compact JSON document per line."""
    return b"".join(encode(obj, money=money) + b"\n" for obj in objs)


# The models' own ``model_validate_json`` reads through these exact readers (models never import a codec).
install_json_readers(
    envelope=lambda model, data, *, strict: decode(data, strict=strict),
    payload=lambda model, data, *, strict: decode_payload(model.event_type, data, strict=strict),
)
