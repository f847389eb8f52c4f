"""Exact JSON for envelopes and payloads: ``decode``/``encode`` and NDJSON ``decode_lines``/``encode_lines``.

Reading is exact: a JSON number never passes through ``float``. Two routes give the same result:

* the **fast route** (``_fast.py``) decodes the bytes with msgspec structs generated from the contract
  table, money exactly in either form, checks in C what msgspec can and the rest after decoding, and
  builds the models directly; it reads every valid event of usual size, in both modes;
* the **exact route** reads everything else with ``json.loads(parse_float=Decimal)`` and validates
  the result with pydantic. It is also the only route that reports errors, so a message never depends
  on the route.

Writing uses pydantic's native serializer for the common case (money as strings, no unknown
fields) and a small exact writer otherwise (money as JSON numbers, unknown fields written back as
they were read).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Union

import msgspec
from pydantic import BaseModel, ValidationError

from thrilldrops_events._flags import check_flag
from thrilldrops_events._lines import is_blank, not_utf8, split_lines, without_newline
from thrilldrops_events._problems import from_validation_error, single
from thrilldrops_events._unknown import PAYLOAD_DEPTH
from thrilldrops_events.codecs._bounds import trim_envelope, trim_payload, unknown_problems, without_surrogate_keys
from thrilldrops_events.codecs._exact import (
    MAX_DEPTH,
    MAX_EVENT_BYTES,
    MEASURED_ABOVE,
    adopt_unknown_fields,
    loads_exact,
)
from thrilldrops_events.codecs._fast_writer import encode_fields, encode_with_unknown
from thrilldrops_events.codecs._wire import WIRE, envelope_from_wire, payload_of
from thrilldrops_events.codecs._writer import plain, write
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.events import EventPayload, payload_model
from thrilldrops_events.events._base import install_json_readers
from thrilldrops_events.types import STRICT_CONTEXT, WIRE_CONTEXT

if TYPE_CHECKING:
    from thrilldrops_events.codecs._fast import FastReader

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


def _validate_mapping(
    validator: Any, data: object, strict: bool, model: type[EventPayload] | None = None, *, python: bool = True
) -> Any:
    """Validate a mapping: the envelope's wire form, or with ``model`` a payload of that type.

    ``python`` says whether the data come from Python code rather than from the exact reader (see
    ``check_unknown_fields``): when validation fails, the unknown fields are checked too (in lenient mode).
    """
    if not isinstance(data, Mapping):
        raise single("", "must be a JSON object", "not_an_object")
    data, keys, more_keys = without_surrogate_keys(data, model is not None)
    if model is None:
        data, omitted = trim_envelope(data, strict)
    else:
        data, omitted = trim_payload(data, model.event_type, strict)
    omitted += more_keys
    try:
        if strict:
            validated = validator.validate_python(data, extra="forbid", context=STRICT_CONTEXT)
        else:
            validated = validator.validate_python(data)
    except ValidationError as error:
        unknown: list[Problem] = []
        if not strict:
            unknown, counted = unknown_problems(data, None if model is None else model.event_type, python=python)
            omitted += counted
        raise from_validation_error(error, first=keys, extra=unknown, omitted=omitted) from None
    except RecursionError:  # pragma: no cover - pydantic guards recursion itself
        raise single("", f"nested more than {MAX_DEPTH} levels deep", "too_deep") from None
    if keys:
        raise EventValidationError(keys, omitted=omitted)
    return validated


# The largest document the fast route tries: real events are a few hundred bytes, and a larger one is read
# once, exactly, rather than tried fast first (which could cost as much again before it falls back).
_FAST_ROUTE_MAX_BYTES = 1 << 16

_FAST_TYPES = (bytes, str, bytearray)
_FAST: list[FastReader] = []


def fast_reader() -> FastReader:
    """The fast reader (msgspec structs generated from the contract table, see ``_fast.py``), built on first use."""
    global _fast_envelope
    if not _FAST:
        from thrilldrops_events.codecs._fast import FastReader

        _FAST.append(FastReader())
        _fast_envelope = _FAST[0].envelope
    return _FAST[0]


def _first_envelope(raw: bytes | bytearray | str, strict: bool) -> Envelope | None:
    """The fast reader's envelope, the first time: builds the reader, which then reads every envelope directly."""
    return fast_reader().envelope(raw, strict)


_fast_envelope = _first_envelope


def _adopt(model: BaseModel, depth: int, path: str, mark: bool) -> None:
    extra = model.__pydantic_extra__
    if extra:
        adopt_unknown_fields(extra, depth, path, mark=mark)


def decode(raw: RawJson | Mapping[str, Any], *, strict: bool = False) -> Envelope:
    """Read one envelope from wire JSON (bytes or text) or from an already parsed mapping.

    Args:
        raw: The ``POST /event`` body.
        strict: Refuse unknown fields (the other rules of the contract are the same in both modes).

    Raises:
        EventValidationError: With every problem found, each with its JSON path. Malformed JSON, a
            non-object body, an unknown or missing variant and two variant keys are reported the same way.
            Text over 1 MiB (``MAX_EVENT_BYTES``, its UTF-8 size) is ``too_large`` unread, and so is an event
            read from text that ``to_json`` would write in more than that (it writes every nullable field, money
            as strings, text as UTF-8): every event read from text is read back from ``to_json`` of it.
        TypeError: If ``strict`` is not a bool.
    """
    check_flag("strict", strict)
    if isinstance(raw, _FAST_TYPES) and len(raw) <= _FAST_ROUTE_MAX_BYTES:
        envelope = _fast_envelope(raw, strict)
        if envelope is not None:
            return envelope
    envelope = _decode_exact(raw, strict)
    check_written_size(envelope, text_size(raw))
    return envelope


def text_size(raw: object) -> int:
    """The length of text read (bytes, or characters of a ``str``); 0 for Python values, which are not measured."""
    if isinstance(raw, memoryview):
        return raw.nbytes
    return len(raw) if isinstance(raw, _TEXT_TYPES) else 0


def check_written_size(obj: Envelope | EventPayload, size: int) -> None:
    """Refuse an event read from ``size`` bytes of text that ``encode`` writes in more than ``MAX_EVENT_BYTES``.

    Every event read from text is so written in at most ``MAX_EVENT_BYTES``, and read back from that. Text
    of at most ``MEASURED_ABOVE`` bytes (or characters) is not measured: it cannot make such an event.

    Raises:
        EventValidationError: One ``too_large`` problem.
    """
    if size > MEASURED_ABOVE and len(encode(obj)) > MAX_EVENT_BYTES:
        what = "event" if isinstance(obj, Envelope) else "payload"
        raise single("", f"{what} is larger than {MAX_EVENT_BYTES} bytes as to_json writes it (every nullable field, "
                     "money as strings, text as UTF-8), more than a reader accepts", "too_large")


def _decode_exact(raw: RawJson | Mapping[str, Any], strict: bool) -> Envelope:
    """The exact route of ``decode``: ``json.loads(parse_float=Decimal)``, then pydantic validates."""
    from_text = isinstance(raw, _TEXT_TYPES)
    if from_text:
        raw = loads_exact(raw)  # type: ignore[arg-type]
    wire = _validate_mapping(WIRE, raw, strict, python=not from_text)
    payload = payload_of(wire)
    problems: list[Problem] = []
    omitted = 0
    for model, depth, path in ((wire, 0, ""), (payload, PAYLOAD_DEPTH, f"event_type.{payload.event_type.value}")):
        try:
            _adopt(model, depth, path, from_text)
        except EventValidationError as error:  # the payload's are reported too
            problems += error.problems
            omitted += error.omitted
    if problems or omitted:
        raise EventValidationError(problems, omitted=omitted)
    return envelope_from_wire(wire)


def decode_payload(
    event_type: EventType | str, raw: RawJson | Mapping[str, Any], *, strict: bool = False
) -> EventPayload:
    """Read one payload (the object under the variant name) of the given event type.

    Raises:
        EventValidationError: With every problem found; an unknown event type is one too. The size limit is
            that of [parse_event][thrilldrops_events.parse_event], measured on the payload.
        TypeError: If ``strict`` is not a bool.
    """
    check_flag("strict", strict)
    model = payload_model(event_type)
    if isinstance(raw, _FAST_TYPES) and len(raw) <= _FAST_ROUTE_MAX_BYTES:
        payload = (_FAST[0] if _FAST else fast_reader()).payload(model.event_type, raw, strict)
        if payload is not None:
            return payload
    payload = _decode_payload_exact(model, raw, strict)
    check_written_size(payload, text_size(raw))
    return payload


def _decode_payload_exact(model: type[EventPayload], raw: RawJson | Mapping[str, Any], strict: bool) -> EventPayload:
    """The exact route of ``decode_payload``."""
    from_text = isinstance(raw, _TEXT_TYPES)
    if from_text:
        raw = loads_exact(raw)  # type: ignore[arg-type]
    payload = _validate_mapping(model.__pydantic_validator__, raw, strict, model, python=not from_text)
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
    r"""Read NDJSON lazily, one line at a time; a bad line is reported and reading goes on.

    Each line gives a [ParsedLine][thrilldrops_events.ParsedLine]. Whole text (``str`` or bytes alike) is
    cut at ``"\n"`` only: U+2028, U+2029 and U+0085, which JSON strings may hold raw, and a bare ``"\r"``,
    which is JSON whitespace, never end a line; line numbers count the ``"\n"`` characters. Lines given
    one by one lose their final ``"\n"`` too, so a line's size limit is the same either way. NDJSON is
    UTF-8: a line of bytes in another encoding (UTF-16, UTF-32, Latin-1...) is reported as ``utf8_invalid``.

    Args:
        data: The whole NDJSON text, or any iterable of lines such as a file open in binary mode.
        strict: As for ``decode``.
        skip_blank: Skip lines holding only ASCII whitespace (their numbers still count).

    Raises:
        TypeError: If ``strict`` or ``skip_blank`` is not a bool, or ``data`` neither text nor an iterable
            of lines (a mapping is one event: [parse_event][thrilldrops_events.parse_event] reads it), when
            the first line is asked for.
    """
    check_flag("strict", strict)
    check_flag("skip_blank", skip_blank)
    if isinstance(data, Mapping) or not isinstance(data, (*_TEXT_TYPES, Iterable)):
        raise TypeError(f"data must be NDJSON text (str or bytes) or an iterable of lines, not {type(data).__name__}")
    lines: Iterable[bytes | bytearray | str]
    if isinstance(data, memoryview):
        data = data.tobytes()
    lines = split_lines(data) if isinstance(data, (bytes, bytearray, str)) else map(without_newline, data)
    for number, line in enumerate(lines, start=1):
        if skip_blank and isinstance(line, (str, bytes, bytearray)) and is_blank(line):
            continue  # anything else is read as a document (and refused if it is not one)
        try:
            if isinstance(line, (bytes, bytearray, memoryview)) and (wrong := not_utf8(line)) is not None:
                raise single("", wrong, "utf8_invalid")
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

    Raises:
        ValueError: If ``money`` is neither.
    """
    if money == "string":
        strings = True
    elif money == "decimal":
        strings = False
    else:
        raise ValueError(f"money must be 'string' or 'decimal', not {money!r}")
    if not isinstance(obj, (Envelope, EventPayload)):
        raise _not_a_model(obj)
    data = obj.model_dump(mode="python", context=WIRE_CONTEXT)
    converted: dict[str, Any] = plain(data, strings, 0)
    return converted


def encode(obj: Envelope | EventPayload, *, money: MoneyFormat = "string") -> bytes:
    """Write an envelope (wire form) or a payload as compact UTF-8 JSON.

    Args:
        obj: What to write.
        money: ``"string"`` (default) writes ``"25.00"``; ``"number"`` writes ``25.00``. Both are exact.

    Raises:
        ValueError: If ``money`` is neither.
        EventValidationError: Only for a model built or changed without validation (``model_construct``,
            ``model_copy(update=...)``) that holds a value JSON cannot hold (a lone surrogate, an object of
            another type...). Other values such a model holds are written as they are, even one no reader
            accepts (a NaN amount): check such a model with ``parse_event(to_dict(model))``.
    """
    payload: EventPayload
    if isinstance(obj, Envelope):
        payload = obj.payload
    elif isinstance(obj, EventPayload):
        payload = obj
    else:
        raise _not_a_model(obj)
    number = money == "number"
    if not number and money != "string":
        raise _bad_money(money)
    if not obj.__pydantic_extra__ and not payload.__pydantic_extra__:
        try:  # msgspec writes the fields' values (see _fast_writer)
            return encode_fields(obj, payload, number)
        except (msgspec.EncodeError, TypeError, ValueError):  # a model built without validation (model_construct)
            raise single("", "cannot be written as JSON: a field holds a value its type does not allow",
                         "not_serializable") from None
    written = encode_with_unknown(obj, payload, number)
    if written is not None:
        return written
    out: list[str] = []
    write(to_dict(obj, money="decimal"), number, out)
    return "".join(out).encode()


def _not_a_model(obj: object) -> EventValidationError:
    return single("", f"expected an Envelope or a payload model, not {type(obj).__name__}", "not_an_envelope")


def _bad_money(money: object) -> ValueError:
    return ValueError(f"money must be 'string' or 'number', not {money!r}")


def encode_lines(objs: Iterable[Envelope | EventPayload], *, money: MoneyFormat = "string") -> bytes:
    """Write many envelopes or payloads as NDJSON: one compact JSON document per line.

    Raises:
        TypeError: If ``objs`` is not an iterable of them: one envelope, payload or mapping, text, or
            something that is not iterable ([to_json][thrilldrops_events.to_json] writes one event).
        EventValidationError: If one of them is neither an envelope nor a payload model.
    """
    if isinstance(objs, (BaseModel, Mapping, *_TEXT_TYPES)) or not isinstance(objs, Iterable):
        raise TypeError(f"objs must be an iterable of envelopes or payloads, not {type(objs).__name__}")
    if money != "string" and money != "number":
        raise _bad_money(money)
    return b"".join(encode(obj, money=money) + b"\n" for obj in objs)


# The models' own ``model_validate_json`` reads through these exact readers (models never import a codec).
install_json_readers(
    envelope=lambda model, data, *, strict: decode(data, strict=strict),
    payload=lambda model, data, *, strict: decode_payload(model.event_type, data, strict=strict),
)
