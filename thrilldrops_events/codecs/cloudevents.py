"""CloudEvents 1.0 interop (extra ``cloudevents``): an envelope as a structured-mode JSON CloudEvent, and back.

==================== ===================================================================================
attribute            value
==================== ===================================================================================
``specversion``      ``"1.0"``
``id``               as given, else a stable id derived from the content: the SHA-256 (hex) of the
                     envelope's canonical JSON (keys sorted, no whitespace, money as strings,
                     ``session_token`` left out), so the same event always gets the same id
``source``           ``<source_prefix>/operators/<operator_id>/brands/<brand_id>``, both ids
                     percent-encoded: ``/thrilldrops/operators/op-1/brands/brand-7``
``type``             ``com.thrilldrops.events.<Variant>``, such as ``com.thrilldrops.events.Deposit``
``subject``          the player id
``time``             the timestamp in RFC 3339, UTC: ``2026-05-04T00:00:00Z``
``datacontenttype``  ``application/json``
``dataschema``       the ``$id`` of the payload's JSON Schema
``data``             the payload object, exact: money as decimal strings
``thrilldropsextra`` the envelope's unknown fields, as the text of a JSON object; only when there are some
==================== ===================================================================================

The session token stays inside ``data``, where the payload has it, and never goes into an attribute,
not even through the id. Reading back ignores ``id`` and every other extension attribute (such as
``traceparent``), and drops a fraction of a second from ``time``, as
[Envelope.at][thrilldrops_events.Envelope.at] does.

Three forms are offered: the structured JSON bytes ([encode][thrilldrops_events.codecs.cloudevents.encode],
[decode][thrilldrops_events.codecs.cloudevents.decode], exact both ways), the structured form as a ``dict``
([to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent],
[from_cloudevent][thrilldrops_events.codecs.cloudevents.from_cloudevent]), and the official SDK's ``CloudEvent``
([to_sdk_event][thrilldrops_events.codecs.cloudevents.to_sdk_event];
[from_cloudevent][thrilldrops_events.codecs.cloudevents.from_cloudevent] reads it too).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

try:
    from cloudevents.core.v1.event import CloudEvent
except ImportError as error:  # pragma: no cover - exercised in a subprocess without the extra
    raise ImportError(
        "thrilldrops_events.codecs.cloudevents needs the CloudEvents SDK: pip install 'thrilldrops-events[cloudevents]'"
    ) from error

from thrilldrops_events.codecs._exact import adopt_unknown_fields, loads_exact
from thrilldrops_events.codecs._writer import write
from thrilldrops_events.codecs.json import decode as _decode_envelope
from thrilldrops_events.codecs.json import decode_payload, to_dict
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.schema import SCHEMA_BASE_URI, schema_file_name

__all__ = [
    "CONTENT_TYPE",
    "DEFAULT_SOURCE_PREFIX",
    "EXTRA_ATTRIBUTE",
    "TYPE_PREFIX",
    "cloudevent_type",
    "decode",
    "encode",
    "event_id",
    "from_cloudevent",
    "to_cloudevent",
    "to_sdk_event",
]

#: The prefix of every ``type``: ``com.thrilldrops.events.Deposit``.
TYPE_PREFIX = "com.thrilldrops.events."
#: The default start of ``source``, before ``/operators/<operator_id>/brands/<brand_id>``.
DEFAULT_SOURCE_PREFIX = "/thrilldrops"
#: The extension attribute holding the envelope's unknown fields (JSON text).
EXTRA_ATTRIBUTE = "thrilldropsextra"
#: The media type of a structured-mode JSON CloudEvent.
CONTENT_TYPE = "application/cloudevents+json"

_SPECVERSION = "1.0"
_JSON_TYPE = re.compile(r"^(?:application|text)/(?:[A-Za-z0-9.+-]+\+)?json(?:\s*;.*)?$")
_SOURCE = re.compile(r"^(?P<prefix>.*)/operators/(?P<operator>[^/]+)/brands/(?P<brand>[^/]+)$", re.DOTALL)
_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_VARIANTS = {f"{TYPE_PREFIX}{e.value}": e for e in EventType}
# Where a problem found in the rebuilt envelope shows in the CloudEvent.
_ATTRIBUTE_OF = {"operator_id": "source", "brand_id": "source", "player_id": "subject", "timestamp": "time"}


def cloudevent_type(event_type: EventType | str) -> str:
    """The CloudEvents ``type`` of an event type: ``com.thrilldrops.events.<Variant>``."""
    return TYPE_PREFIX + EventType(event_type).value


def _sorted(value: Any) -> Any:
    if type(value) is dict:
        return {key: _sorted(value[key]) for key in sorted(value)}
    if type(value) is list:
        return [_sorted(item) for item in value]
    return value


def event_id(envelope: Envelope) -> str:
    """The stable id of an envelope: SHA-256 (hex) of its canonical JSON without the session token."""
    data = to_dict(envelope)
    payload = data["event_type"][envelope.event_type.value]
    payload.pop("session_token", None)
    out: list[str] = []
    write(_sorted(data), False, out)
    return hashlib.sha256("".join(out).encode()).hexdigest()


def _time(timestamp: int) -> str:
    return (_EPOCH + timedelta(seconds=timestamp)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _problem(path: str, message: str, kind: str) -> EventValidationError:
    return EventValidationError([Problem(path, message, kind)])


def _check_envelope(envelope: object) -> Envelope:
    if not isinstance(envelope, Envelope):
        raise _problem("", f"expected an Envelope, not {type(envelope).__name__}", "not_an_envelope")
    return envelope


def _json_text(value: Any) -> str:
    out: list[str] = []
    write(value, False, out)
    return "".join(out)


def to_cloudevent(
    envelope: Envelope, *, id: str | None = None, source_prefix: str = DEFAULT_SOURCE_PREFIX
) -> dict[str, Any]:
    """The structured-mode CloudEvent of an envelope, as Python values (see the module docstring).

    Args:
        envelope: The event.
        id: The CloudEvents ``id``; by default a stable id derived from the content
            ([event_id][thrilldrops_events.codecs.cloudevents.event_id]).
        source_prefix: The start of ``source``, before ``/operators/<operator_id>/brands/<brand_id>``.

    Returns:
        A new ``dict`` with the attributes and ``data`` (the payload's wire form, money as strings).
        It is JSON-ready for ``json.dumps`` unless an unknown payload field holds a fractional number,
        kept exact as a ``Decimal``; [encode][thrilldrops_events.codecs.cloudevents.encode] writes every case exactly.

    Raises:
        EventValidationError: If ``envelope`` is not an [Envelope][thrilldrops_events.Envelope], or ``id`` is empty.
    """
    _check_envelope(envelope)
    if id is not None and (not isinstance(id, str) or not id):
        raise _problem("id", "must be a non-empty string", "invalid_id")
    wire = to_dict(envelope)
    variant = envelope.event_type.value
    operator = quote(envelope.operator_id, safe="", errors="surrogatepass")
    brand = quote(envelope.brand_id, safe="", errors="surrogatepass")
    event: dict[str, Any] = {
        "specversion": _SPECVERSION,
        "id": event_id(envelope) if id is None else id,
        "source": f"{source_prefix}/operators/{operator}/brands/{brand}",
        "type": cloudevent_type(variant),
        "subject": envelope.player_id,
        "time": _time(envelope.timestamp),
        "datacontenttype": "application/json",
        "dataschema": SCHEMA_BASE_URI + schema_file_name(variant),
    }
    extra = envelope.__pydantic_extra__
    if extra:
        event[EXTRA_ATTRIBUTE] = _json_text({name: wire[name] for name in extra})
    event["data"] = wire["event_type"][variant]
    return event


def encode(
    envelope: Envelope, *, id: str | None = None, source_prefix: str = DEFAULT_SOURCE_PREFIX
) -> bytes:
    """Write an envelope as a structured-mode JSON CloudEvent (``application/cloudevents+json``), exactly.

    Takes the same arguments as [to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent].
    """
    return _json_text(to_cloudevent(envelope, id=id, source_prefix=source_prefix)).encode()


def _has_decimal(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Decimal):
            return True
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


def to_sdk_event(
    envelope: Envelope, *, id: str | None = None, source_prefix: str = DEFAULT_SOURCE_PREFIX
) -> CloudEvent:
    """The envelope as the official SDK's ``CloudEvent`` (``cloudevents.core.v1.event.CloudEvent``).

    Takes the same arguments as [to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent]; ``time`` becomes
    an aware ``datetime``. Write it with the SDK (``cloudevents.core.bindings.http.to_structured_event``) or read it
    back with [from_cloudevent][thrilldrops_events.codecs.cloudevents.from_cloudevent].

    Raises:
        EventValidationError: As [to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent]; also if
            an unknown payload field holds a fractional number, which the SDK's JSON writer cannot write
            exactly (use [encode][thrilldrops_events.codecs.cloudevents.encode] for those).
    """
    event = to_cloudevent(envelope, id=id, source_prefix=source_prefix)
    data = event.pop("data")
    if _has_decimal(data):
        raise _problem("data", "an unknown field holds a fractional number that the SDK would write inexactly; "
                               "write the event with encode() instead", "not_representable")
    event["time"] = _EPOCH + timedelta(seconds=envelope.timestamp)
    return CloudEvent(event, data)


# -- reading ------------------------------------------------------------------------------------------------


def decode(raw: bytes | bytearray | memoryview | str, *, strict: bool = False) -> Envelope:
    """Read an envelope from a structured-mode JSON CloudEvent, exactly (numbers never pass through ``float``).

    Args:
        raw: The CloudEvent as JSON (the body of a structured-mode HTTP request, for example).
        strict: Refuse unknown fields in the payload and in ``thrilldropsextra``, as
            [parse_event][thrilldrops_events.parse_event] does.

    Raises:
        EventValidationError: With every problem found, each at the attribute it concerns (``type``,
            ``source``, ``time``, ``data.amount``...).
    """
    document = loads_exact(raw)
    if not isinstance(document, dict):
        raise _problem("", "a CloudEvent must be a JSON object", "not_an_object")
    return _read(document, strict=strict, exact=True)


def from_cloudevent(event: Mapping[str, Any] | Any, *, strict: bool = False) -> Envelope:
    """Read an envelope from a CloudEvent: a structured-mode ``dict`` or an SDK ``CloudEvent``.

    SDK events of the 2.x core API (``cloudevents.core``) and of the 1.x-style API (``cloudevents.v1.http``)
    are both read, through their ``get_attributes()`` and ``get_data()``. The SDK reads JSON numbers as
    ``float``, which money refuses as inexact: to read money sent as JSON numbers, give the raw JSON to
    [decode][thrilldrops_events.codecs.cloudevents.decode] instead.

    Args:
        event: The CloudEvent.
        strict: As for [decode][thrilldrops_events.codecs.cloudevents.decode].

    Raises:
        EventValidationError: With every problem found (see [decode][thrilldrops_events.codecs.cloudevents.decode]).
    """
    if hasattr(event, "get_attributes") and hasattr(event, "get_data"):
        document = dict(event.get_attributes())
        data = event.get_data()
        if isinstance(data, (bytes, bytearray, memoryview, str)):
            data = _parse(data, "data", [])
        document["data"] = data
        return _read(document, strict=strict, exact=False)
    if not isinstance(event, Mapping):
        raise _problem("", f"a CloudEvent must be a mapping or an SDK CloudEvent, not {type(event).__name__}",
                       "not_a_cloudevent")
    return _read(dict(event), strict=strict, exact=False)


_MISSING = object()


def _parse(raw: Any, path: str, problems: list[Problem]) -> Any:
    try:
        return loads_exact(raw)
    except EventValidationError as error:
        problems.extend(Problem(path, p.message, p.kind) for p in error.problems)
        return _MISSING


def _timestamp(value: Any, problems: list[Problem]) -> int | None:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        match = _TIME.match(value)
        try:
            if match is None:
                raise ValueError
            year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
            if match[7]:
                zone = timezone.utc
            else:
                offset = timedelta(hours=int(match[9]), minutes=int(match[10]))
                zone = timezone(-offset if match[8] == "-" else offset)
            when = datetime(year, month, day, hour, minute, second, tzinfo=zone)
        except ValueError:
            problems.append(Problem("time", "must be an RFC 3339 time such as 2026-05-04T00:00:00Z", "time_syntax"))
            return None
    else:
        problems.append(Problem("time", "required attribute is missing" if value is _MISSING else
                                "must be an RFC 3339 time string", "missing" if value is _MISSING else "time_type"))
        return None
    if when.tzinfo is None or when.utcoffset() is None:
        problems.append(Problem("time", "must have a time zone (such as Z)", "naive_datetime"))
        return None
    delta = when - _EPOCH
    return delta.days * 86400 + delta.seconds


def _scope(source: Any, problems: list[Problem]) -> tuple[str, str] | None:
    match = _SOURCE.match(source) if isinstance(source, str) else None
    if match is None:
        problems.append(Problem("source", "must end with /operators/<operator_id>/brands/<brand_id>"
                                if source is not _MISSING else "required attribute is missing",
                                "source_syntax" if source is not _MISSING else "missing"))
        return None
    try:
        return (unquote(match["operator"], errors="strict"), unquote(match["brand"], errors="strict"))
    except UnicodeDecodeError:
        problems.append(Problem("source", "holds percent-encoded bytes that are not UTF-8", "source_syntax"))
        return None


def _variant(document: dict[str, Any], problems: list[Problem]) -> EventType | None:
    if document.get("specversion", _MISSING) != _SPECVERSION:
        problems.append(Problem("specversion", f"must be {_SPECVERSION!r}", "specversion"))
    kind = document.get("type", _MISSING)
    variant = _VARIANTS.get(kind) if isinstance(kind, str) else None
    if variant is None:
        problems.append(Problem("type", f"must be a ThrillDrops event type, {TYPE_PREFIX}<Variant> with one of "
                                f"{', '.join(e.value for e in EventType)}", "unknown_variant"))
    content_type = document.get("datacontenttype", "application/json")
    if not (isinstance(content_type, str) and _JSON_TYPE.match(content_type)):
        problems.append(Problem("datacontenttype", "must be application/json", "content_type"))
    return variant


def _read(document: dict[str, Any], *, strict: bool, exact: bool) -> Envelope:
    problems: list[Problem] = []
    variant = _variant(document, problems)
    scope = _scope(document.get("source", _MISSING), problems)
    timestamp = _timestamp(document.get("time", _MISSING), problems)
    subject = document.get("subject", _MISSING)
    if subject is _MISSING:
        problems.append(Problem("subject", "required attribute is missing (the player id)", "missing"))
    data = _data(document, problems)
    extra = _extra(document.get(EXTRA_ATTRIBUTE, _MISSING), problems)
    if exact and data is not None:
        try:  # numbers read exactly stay JSON numbers in unknown fields; nesting is bounded
            adopt_unknown_fields(data, 2, "data", mark=True)
        except EventValidationError as error:
            problems.extend(error.problems)
    if problems or variant is None or scope is None or timestamp is None or data is None:
        if variant is not None and data is not None:  # report the payload's problems too, all at once
            try:
                decode_payload(variant, data, strict=strict)
            except EventValidationError as error:
                problems.extend(Problem(f"data.{p.path}" if p.path else "data", p.message, p.kind)
                                for p in error.problems)
        raise EventValidationError(problems)
    wire = {"operator_id": scope[0], "brand_id": scope[1], "player_id": subject, "timestamp": timestamp, **extra,
            "event_type": {variant.value: data}}
    try:
        return _decode_envelope(wire, strict=strict)
    except EventValidationError as error:
        raise EventValidationError([_moved(p, variant) for p in error.problems]) from None


def _data(document: dict[str, Any], problems: list[Problem]) -> dict[str, Any] | None:
    """The payload, from ``data`` or ``data_base64``; ``None`` once a problem is recorded."""
    data = document.get("data")
    if data is None:
        if "data_base64" not in document:
            problems.append(Problem("data", "required: the payload", "missing"))
            return None
        data = _base64_data(document["data_base64"], problems)
        if data is _MISSING:
            return None
    if not isinstance(data, dict):
        problems.append(Problem("data", "must be a JSON object (the payload)", "not_an_object"))
        return None
    return data


def _base64_data(value: Any, problems: list[Problem]) -> Any:
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None:
        problems.append(Problem("data_base64", "must be base64 text", "base64_invalid"))
        return _MISSING
    return _parse(raw, "data_base64", problems)


def _extra(value: Any, problems: list[Problem]) -> dict[str, Any]:
    """The unknown envelope fields carried by the extension attribute (JSON text, read exactly)."""
    if value is _MISSING:
        return {}
    parsed = _parse(value, EXTRA_ATTRIBUTE, problems) if isinstance(value, str) else None
    if parsed is _MISSING:
        return {}
    if not isinstance(parsed, dict):
        problems.append(Problem(EXTRA_ATTRIBUTE, "must be the text of a JSON object (the unknown envelope fields)",
                                "not_an_object"))
        return {}
    for name in sorted(set(parsed) & {"operator_id", "brand_id", "player_id", "timestamp", "event_type"}):
        problems.append(Problem(f"{EXTRA_ATTRIBUTE}.{name}", "clashes with an envelope field", "reserved_field"))
    try:
        adopt_unknown_fields(parsed, 0, EXTRA_ATTRIBUTE, mark=True)
    except EventValidationError as error:
        problems.extend(error.problems)
        return {}
    return parsed


def _moved(problem: Problem, variant: EventType) -> Problem:
    """Where a problem of the rebuilt envelope shows in the CloudEvent."""
    path = problem.path
    head, _, rest = path.partition(".")
    if head in _ATTRIBUTE_OF and not rest:
        return Problem(_ATTRIBUTE_OF[head], f"{head}: {problem.message}", problem.kind)
    prefix = f"event_type.{variant.value}"
    if path == prefix or path.startswith(prefix + "."):
        return Problem("data" + path[len(prefix):], problem.message, problem.kind)
    if path:
        return Problem(f"{EXTRA_ATTRIBUTE}.{path}", problem.message, problem.kind)
    return problem
