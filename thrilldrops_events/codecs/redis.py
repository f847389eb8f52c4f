"""Redis stream entries: one envelope as a flat map of text fields (no redis dependency).

An entry written by [encode][thrilldrops_events.codecs.redis.encode] (format 1) holds these fields, in this order:

=============== =====================================================================================
field           value
=============== =====================================================================================
``format``      ``"1"``, the version of this layout; an entry without it is read as format 1
``event_type``  the variant name, such as ``Deposit`` (case-sensitive)
``operator_id`` the envelope's operator identifier
``brand_id``    the envelope's brand identifier
``player_id``   the envelope's player identifier
``timestamp``   Unix seconds as a decimal integer, such as ``1777852800``
``payload``     the payload object as exact JSON, money as decimal strings (``"25.00"``)
``extra``       a JSON object of the envelope's unknown fields; written only when there are some
=============== =====================================================================================

Any producer can write such an entry without this library::

    XADD events * format 1 event_type Deposit
      operator_id op-1 brand_id brand-7 player_id p-000042 timestamp 1777852800
      payload '{"method_id":"visa","currency":"EUR","amount":"25.00","balance_after":null}'

[decode][thrilldrops_events.codecs.redis.decode] takes the field map exactly as redis-py returns it, with ``bytes``
keys and values (the default) or ``str`` ones (``decode_responses=True``). Every value must be UTF-8 text. An entry
whose field names and values hold more than 1 MiB and 4 KiB (text counted by its UTF-8 size) is refused unread, and
the event of an entry must be at most 1 MiB (``MAX_EVENT_BYTES``) as [to_json][thrilldrops_events.to_json] writes
it, as [parse_event][thrilldrops_events.parse_event] requires of an event read from text. That may be more than
the entry: a field the layout does not know is written as a JSON string, where a control character it holds raw
takes six bytes (``\u0001``). So every event read from an entry can be written again, as JSON and as an entry;
[encode][thrilldrops_events.codecs.redis.encode] refuses an envelope (built in Python) that a consumer would refuse
so, and a producer learns of it rather than a consumer dead-lettering it. In lenient mode (the default), fields the
layout does not know are kept as unknown envelope fields holding the field's text; ``strict=True`` refuses them,
and refuses ``extra``.

Reading takes one of two routes with the same result, as the JSON codec does. The **fast route** reads the
common entry (redis-py's ``bytes``, exactly the fields of the layout, ``extra`` absent): the envelope fields
are checked with a msgspec struct generated from the contract table, the payload by the JSON codec's fast
reader, and the envelope is built without validating again. Everything else, and every entry the fast route
does not accept, goes to the **exact route** (pydantic), the only one that reports errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec
from pydantic import BaseModel, ConfigDict, ValidationError

from thrilldrops_events._fields import ENVELOPE_FIELDS
from thrilldrops_events._flags import check_flag
from thrilldrops_events._problems import from_validation_error, single, unknown_variant
from thrilldrops_events._text import SHOWN_NAME, shown
from thrilldrops_events._unknown import check_unknown_fields
from thrilldrops_events.codecs._builders import new_model
from thrilldrops_events.codecs._checks import identifiers_ok
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES, MEASURED_ABOVE, adopt_unknown_fields, loads_exact
from thrilldrops_events.codecs._stream_fields import entry_size
from thrilldrops_events.codecs._stream_fields import read_fields as _read_fields
from thrilldrops_events.codecs._structs import kind_type
from thrilldrops_events.codecs._writer import write
from thrilldrops_events.codecs.json import MoneyFormat, check_written_size, decode_payload, fast_reader
from thrilldrops_events.codecs.json import encode as _encode_json
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.events import EventPayload
from thrilldrops_events.types import STRICT_CONTEXT, Identifier, Timestamp

__all__ = ["FIELDS", "FORMAT", "StreamFields", "decode", "encode"]

#: The layout version written in the ``format`` field.
FORMAT = "1"

#: The fields of the layout, in the order [encode][thrilldrops_events.codecs.redis.encode] writes them (``extra`` only
#: when needed).
FIELDS: tuple[str, ...] = ("format", "event_type", "operator_id", "brand_id", "player_id", "timestamp", "payload",
                           "extra")


#: A stream entry's field map, as redis-py returns it (``bytes`` or ``str`` keys and values).
StreamFields = Mapping[Any, Any]

_LAYOUT = frozenset(FIELDS)
_HEADER = ("operator_id", "brand_id", "player_id", "timestamp")
_TIMESTAMP_TEXT = re.compile(r"[0-9]{1,20}")
#: The largest entry read, refused unread beyond (its event must then be at most ``MAX_EVENT_BYTES`` as to_json
#: writes it, which the entry ``encode`` writes of it never passes): room for the JSON of other writers.
_MAX_ENTRY_BYTES = MAX_EVENT_BYTES + 4096
_ENVELOPE_NAMES = frozenset({"operator_id", "brand_id", "player_id", "timestamp", "payload", "event_type"})
_VARIANTS = {e.value: e for e in EventType}
_BYTES_ONLY = frozenset({bytes})


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    operator_id: Identifier
    brand_id: Identifier
    player_id: Identifier
    timestamp: Timestamp


_HEADER_VALIDATOR = _Header.__pydantic_validator__
_ENVELOPE_VALIDATOR = Envelope.__pydantic_validator__

# The fast route (see the module docs). The envelope fields, as a tuple, checked in C by a struct generated from
# the contract table (lengths, bounds); the whitespace rule of identifiers is checked with ``identifiers_ok``.
_FastHeader = msgspec.defstruct("StreamHeader", [(spec.name, kind_type(spec.constraints)) for spec in ENVELOPE_FIELDS],
                                array_like=True, frozen=True)
_FAST_LAYOUTS = (frozenset(name.encode() for name in FIELDS if name != "extra"),
                 frozenset(name.encode() for name in FIELDS if name not in ("extra", "format")))
_FAST_VARIANTS = {e.value.encode(): e for e in EventType}
_FAST_GIVE_WAY = (msgspec.ValidationError, UnicodeDecodeError)
_FAST_PAYLOAD_MAX_BYTES = 1 << 16  # a larger payload is read once, by the exact route
_ENVELOPE_FIELDS_SET = frozenset(Envelope.model_fields)
_MAX_TIMESTAMP_DIGITS = 20


def encode(envelope: Envelope, *, money: MoneyFormat = "string") -> dict[str, str]:
    """Write an envelope as the field map of one stream entry (see the module docs for the layout).

    Args:
        envelope: The event to write.
        money: How money is written inside the ``payload`` JSON: ``"string"`` (default) or ``"number"``;
            both are exact.

    Returns:
        A new ``dict`` of field name to text, ready for ``XADD`` (``client.xadd(stream, fields)``).

    Raises:
        EventValidationError: If ``envelope`` is not an [Envelope][thrilldrops_events.Envelope], or an unknown
            envelope field uses a name the layout reserves, or holds a value that cannot be written as JSON, or
            it is larger than a consumer reads (``too_large``: over 1 MiB as [to_json][thrilldrops_events.to_json]
            writes it; an envelope any reader accepted never is).
        ValueError: If ``money`` is neither ``"string"`` nor ``"number"``.
    """
    if not isinstance(envelope, Envelope):
        raise single("", f"expected an Envelope, not {type(envelope).__name__}", "not_an_envelope")
    payload: EventPayload = envelope.payload
    fields = {
        "format": FORMAT,
        "event_type": payload.event_type.value,
        "operator_id": envelope.operator_id,
        "brand_id": envelope.brand_id,
        "player_id": envelope.player_id,
        "timestamp": str(envelope.timestamp),
        "payload": _encode_json(payload, money=money).decode(),
    }
    extra = envelope.__pydantic_extra__
    if extra:
        for name in extra:
            if name in _ENVELOPE_NAMES:
                raise single(f"extra.{name}", f"unknown field {name!r} clashes with an envelope field",
                             "reserved_field")
        out: list[str] = []
        write(extra, False, out, "extra")
        fields["extra"] = "".join(out)
    # An envelope built in Python has no size limit: one that no consumer would read is refused here, by the
    # reader's own measure, rather than dead-lettered there. Its entry is smaller than what to_json writes (no
    # quotes around field names and identifiers, no escapes in them), so then within every limit of the reader.
    if entry_size(fields, MEASURED_ABOVE) > MEASURED_ABOVE and len(_encode_json(envelope)) > MAX_EVENT_BYTES:
        raise single("", f"the event is larger than {MAX_EVENT_BYTES} bytes as to_json writes it, more than a "
                     "consumer reads", "too_large")
    return fields


def _repath(error: EventValidationError, prefix: str) -> list[Problem]:
    return [Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message, p.kind) for p in error.problems]


def _read_variant(text: dict[str, str], broken: set[str], problems: list[Problem]) -> EventType | None:
    name = text.get("event_type")
    if name is None:
        if "event_type" not in broken:
            problems.append(Problem("event_type", "required field is missing", "missing"))
        return None
    variant = _VARIANTS.get(name)
    if variant is None:
        if len(name) > SHOWN_NAME:
            problems.append(Problem("event_type", f"unknown event type ({len(name)} characters long)",
                                    "unknown_variant"))
        else:
            (problem,) = unknown_variant(name, path="").problems
            problems.append(Problem("event_type", problem.message, problem.kind))
    return variant


def _read_payload(variant: EventType | None, text: dict[str, str], broken: set[str], strict: bool,
                  problems: list[Problem], counted: list[int]) -> EventPayload | None:
    """The payload, or ``None`` with its problems added (``counted[0]`` increased by those its error left out)."""
    raw = text.get("payload")
    if raw is None:
        if "payload" not in broken:
            problems.append(Problem("payload", "required field is missing", "missing"))
        return None
    if variant is None:
        return None
    try:
        return decode_payload(variant, raw, strict=strict)
    except EventValidationError as error:
        problems.extend(_repath(error, "payload"))
        counted[0] += error.omitted
        return None


def _read_header(text: dict[str, str], problems: list[Problem]) -> dict[str, Any]:
    """The envelope fields present, with ``timestamp`` as an ``int`` (checked by the envelope's own validator)."""
    header: dict[str, Any] = {name: text[name] for name in _HEADER if name in text}
    stamp = header.get("timestamp")
    if stamp is not None:
        if _TIMESTAMP_TEXT.fullmatch(stamp) is None:
            problems.append(Problem("timestamp", "must be Unix seconds written as a decimal integer, such as "
                                                 "1777852800", "timestamp_syntax"))
            header["timestamp"] = 0  # a valid stand-in, so that the problem is not reported twice
        else:
            header["timestamp"] = int(stamp)
    return header


def _header_problems(error: ValidationError, broken: set[str], counted: list[int]) -> list[Problem]:
    found = from_validation_error(error)
    counted[0] += found.omitted
    return [p for p in found.problems if not (p.kind == "missing" and p.path in broken)]


def _read_extra(text: dict[str, str], strict: bool, problems: list[Problem], counted: list[int]) -> dict[str, Any]:
    """The unknown envelope fields: ``extra`` and the fields outside the layout, checked as ``parse_event`` does.

    Problems are added to ``problems``, and ``counted[0]`` increased by those their errors did not list.
    """
    extra: dict[str, Any] = {}
    raw = text.get("extra")
    if raw is not None:
        if strict:
            problems.append(Problem("extra", "unknown envelope fields are refused in strict mode", "unknown_field"))
        else:
            try:
                value = loads_exact(raw)
            except EventValidationError as error:
                problems.extend(_repath(error, "extra"))
                counted[0] += error.omitted
                value = {}
            if not isinstance(value, dict):
                problems.append(Problem("extra", "must be a JSON object of unknown envelope fields", "not_an_object"))
                value = {}
            try:  # bound the nesting and keep fractional numbers JSON numbers (JsonNumber)
                adopt_unknown_fields(value, 0, "extra", mark=True)
            except EventValidationError as error:
                problems.extend(error.problems)
                counted[0] += error.omitted
                value = {}
            for name, item in value.items():
                if name in _ENVELOPE_NAMES:
                    problems.append(Problem(f"extra.{shown(name)}", f"unknown field {shown(name)!r} clashes with an "
                                                                     "envelope field", "reserved_field"))
                else:
                    extra[name] = item
    for name, item in text.items():
        if name in _LAYOUT:
            continue
        if strict:
            problems.append(Problem(shown(name), "unknown field (refused in strict mode)", "unknown_field"))
        elif name in extra:
            problems.append(Problem(shown(name), "field is given both on its own and inside extra", "duplicate_field"))
        else:
            extra[name] = item
    try:  # stream fields given as str (decode_responses=True) may hold lone surrogates
        check_unknown_fields(extra, 0, "")
    except EventValidationError as error:
        problems.extend(error.problems)
        counted[0] += error.omitted
    return extra


def _decode_fast(fields: StreamFields, strict: bool) -> Envelope | None:
    """The fast route of ``decode``: the envelope, or ``None`` if the exact route must decide."""
    if (type(fields) is not dict or not _BYTES_ONLY.issuperset(map(type, fields))  # keys of plain bytes only
            or not _BYTES_ONLY.issuperset(map(type, fields.values()))
            or (fields.keys() != _FAST_LAYOUTS[0] and fields.keys() != _FAST_LAYOUTS[1])):
        return None
    name, stamp = fields[b"event_type"], fields[b"timestamp"]
    variant = _FAST_VARIANTS.get(name) if type(name) is bytes else None
    if (variant is None or fields.get(b"format", b"1") != b"1" or type(stamp) is not bytes or not stamp.isdigit()
            or len(stamp) > _MAX_TIMESTAMP_DIGITS):
        return None
    try:
        ids = (fields[b"operator_id"].decode(), fields[b"brand_id"].decode(), fields[b"player_id"].decode())
        msgspec.convert((*ids, int(stamp)), _FastHeader)
        if not identifiers_ok(ids):
            return None
    except (AttributeError, *_FAST_GIVE_WAY):  # AttributeError: a value that is not bytes
        return None
    raw = fields[b"payload"]
    if type(raw) is not bytes or len(raw) > _FAST_PAYLOAD_MAX_BYTES:
        return None
    payload = fast_reader().payload(variant, raw, strict)
    if payload is None:
        return None
    values = {"operator_id": ids[0], "brand_id": ids[1], "player_id": ids[2], "timestamp": int(stamp),
              "payload": payload}
    envelope: Envelope = new_model(Envelope, values, _ENVELOPE_FIELDS_SET, {})
    return envelope


def decode(fields: StreamFields, *, strict: bool = False) -> Envelope:
    """Read one envelope from the field map of a stream entry.

    Args:
        fields: The entry's fields as redis-py returns them: ``bytes`` or ``str`` keys and values.
        strict: Refuse unknown fields (stream fields outside the layout, and ``extra``), and loosely
            typed values inside the payload, as [thrilldrops_events.parse_event][thrilldrops_events.parse_event] does.

    Returns:
        The validated envelope; decoding what [encode][thrilldrops_events.codecs.redis.encode] wrote gives back an
        equal envelope.

    Raises:
        EventValidationError: With every problem found, each naming its field: ``event_type``,
            ``timestamp``, ``payload.amount``, ``extra.note``... A missing field, bytes that are not
            UTF-8, malformed JSON, an unknown variant, a wrong type and an unsupported ``format`` are
            all reported this way. Messages never repeat field values. An entry too large (see the module
            docs), or whose event is over 1 MiB as [to_json][thrilldrops_events.to_json] writes it, is
            ``too_large``. Problems beyond the error's list are counted in its ``omitted``, as
            [parse_event][thrilldrops_events.parse_event] counts those of the same event.
        TypeError: If ``strict`` is not a bool.
    """
    check_flag("strict", strict)
    envelope = _decode_fast(fields, strict)
    if envelope is not None:
        return envelope
    return _decode_exact(fields, strict)


def _decode_exact(fields: StreamFields, strict: bool) -> Envelope:
    """The exact route of ``decode``: every field read and checked, the envelope validated by pydantic."""
    if not isinstance(fields, Mapping):
        raise single("", f"a stream entry must be a mapping of field names to values, not {type(fields).__name__}",
                     "not_a_mapping")
    size = entry_size(fields, _MAX_ENTRY_BYTES)
    if size > _MAX_ENTRY_BYTES:
        raise single("", f"stream entry is larger than {_MAX_ENTRY_BYTES} bytes (its field names and values)",
                     "too_large")
    problems: list[Problem] = []
    counted = [0]  # the problems found and left out of the lists of the errors taken over (their omitted)
    broken: set[str] = set()
    text = _read_fields(fields, problems, broken)
    version = text.get("format")
    if version is not None and version != FORMAT:
        problems.append(Problem("format", f"unsupported layout version {shown(version)!r}; this library reads "
                                          f"format {FORMAT}", "format_version"))
    variant = _read_variant(text, broken, problems)
    header_problems: list[Problem] = []
    header = _read_header(text, header_problems)
    payload_problems: list[Problem] = []
    payload = _read_payload(variant, text, broken, strict, payload_problems, counted)
    extra_problems: list[Problem] = []
    extra = _read_extra(text, strict, extra_problems, counted)
    context = STRICT_CONTEXT if strict else None
    if not (problems or header_problems or payload_problems or extra_problems) and payload is not None:
        try:  # one validation checks the envelope fields and builds the envelope
            envelope: Envelope = _ENVELOPE_VALIDATOR.validate_python({**header, **extra, "payload": payload},
                                                                     context=context)
            if extra:  # the fields set holds the envelope's own five fields, as parse_event makes it
                object.__setattr__(envelope, "__pydantic_fields_set__", set(_ENVELOPE_FIELDS_SET))
        except ValidationError as error:
            header_problems = _header_problems(error, broken, counted)
        else:
            check_written_size(envelope, size)  # at most 1 MiB as to_json writes it, as parse_event reads text
            return envelope
    else:
        try:
            _HEADER_VALIDATOR.validate_python(header, context=context)
        except ValidationError as error:
            header_problems += _header_problems(error, broken, counted)
    problems += header_problems + payload_problems + extra_problems
    raise EventValidationError(problems or [Problem("", "stream entry is not valid", "invalid")], omitted=counted[0])
