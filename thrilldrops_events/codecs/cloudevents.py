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
[Envelope.at][thrilldrops_events.Envelope.at] does; a leap second (``23:59:60``) is the next minute's start.

Three forms are offered: the structured JSON bytes ([encode][thrilldrops_events.codecs.cloudevents.encode],
[decode][thrilldrops_events.codecs.cloudevents.decode], exact both ways), the structured form as a ``dict``
([to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent],
[from_cloudevent][thrilldrops_events.codecs.cloudevents.from_cloudevent]), and the official SDK's ``CloudEvent``
([to_sdk_event][thrilldrops_events.codecs.cloudevents.to_sdk_event];
[from_cloudevent][thrilldrops_events.codecs.cloudevents.from_cloudevent] reads it too).

The structured JSON of an event is longer than what [to_json][thrilldrops_events.to_json] writes of it, up to
twice as long (see [MAX_CLOUDEVENT_BYTES][thrilldrops_events.codecs.cloudevents.MAX_CLOUDEVENT_BYTES]):
[decode][thrilldrops_events.codecs.cloudevents.decode] reads up to that size, so that every event a reader
accepts (at most 1 MiB as ``to_json`` writes it) is written by [encode][thrilldrops_events.codecs.cloudevents.encode]
and read back, and ``encode`` refuses what ``decode`` would refuse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

try:
    from cloudevents.core.v1.event import CloudEvent
except ImportError as error:  # pragma: no cover - exercised in a subprocess without the extra
    raise ImportError(
        "thrilldrops_events.codecs.cloudevents needs the CloudEvents SDK: pip install 'thrilldrops-events[cloudevents]'"
    ) from error

from thrilldrops_events._flags import check_flag
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate
from thrilldrops_events.codecs._cloudevents_read import EPOCH as _EPOCH
from thrilldrops_events.codecs._cloudevents_read import EXTRA_ATTRIBUTE, TYPE_PREFIX
from thrilldrops_events.codecs._cloudevents_read import SPECVERSION as _SPECVERSION
from thrilldrops_events.codecs._cloudevents_read import parse as _parse
from thrilldrops_events.codecs._cloudevents_read import plain_attributes as _plain_attributes
from thrilldrops_events.codecs._cloudevents_read import read as _read
from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES, document_too_large, loads_exact
from thrilldrops_events.codecs._writer import write
from thrilldrops_events.codecs.json import check_written_size, text_size, to_dict
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.schema import SCHEMA_BASE_URI, schema_file_name

__all__ = [
    "CONTENT_TYPE",
    "DEFAULT_SOURCE_PREFIX",
    "EXTRA_ATTRIBUTE",
    "MAX_CLOUDEVENT_BYTES",
    "TYPE_PREFIX",
    "cloudevent_type",
    "decode",
    "encode",
    "event_id",
    "from_cloudevent",
    "to_cloudevent",
    "to_sdk_event",
]

#: The default start of ``source``, before ``/operators/<operator_id>/brands/<brand_id>``.
DEFAULT_SOURCE_PREFIX = "/thrilldrops"
#: The media type of a structured-mode JSON CloudEvent.
CONTENT_TYPE = "application/cloudevents+json"
#: The largest structured CloudEvent that [decode][thrilldrops_events.codecs.cloudevents.decode] reads, in bytes
#: (the UTF-8 size of a ``str``): 2 MiB and 64 KiB. [encode][thrilldrops_events.codecs.cloudevents.encode] writes
#: an event that [to_json][thrilldrops_events.to_json] writes in ``n`` bytes in at most ``2n`` and 8 KiB, with the
#: derived id and the default source prefix: ``data`` and ``subject`` as ``to_json`` writes them, the unknown
#: envelope fields as the text of a JSON object escaped once more in the ``thrilldropsextra`` string (at most
#: twice as long: a quote or a backslash takes two bytes), the ids percent-encoded in ``source`` (at most twelve
#: bytes a character, 255 characters each) and the other attributes. Every event that a reader accepts, at most
#: 1 MiB as ``to_json`` writes it, is so written within this size, with an ``id`` and a ``source_prefix`` of up
#: to 8,192 characters together (six bytes each at most, escaped); ``encode`` refuses a larger CloudEvent.
MAX_CLOUDEVENT_BYTES = 2 * MAX_EVENT_BYTES + (1 << 16)


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


def _source_prefix(value: object) -> str:
    """The ``source_prefix`` argument as the plain ``str`` of its characters, or the problem it is."""
    if not isinstance(value, str):
        raise _problem("source", f"source_prefix must be a str, not {type(value).__name__}", "invalid_source")
    if lone_surrogate(value) >= 0:
        raise _problem("source", f"source_prefix {LONE_SURROGATE_MESSAGE}", "invalid_source")
    return str.__str__(value)


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
        EventValidationError: If ``envelope`` is not an [Envelope][thrilldrops_events.Envelope], ``id`` is empty, or
            ``source_prefix`` is not text (``invalid_source``).
    """
    _check_envelope(envelope)
    if id is not None and (not isinstance(id, str) or not id):
        raise _problem("id", "must be a non-empty string", "invalid_id")
    prefix = _source_prefix(source_prefix)
    wire = to_dict(envelope)
    variant = envelope.event_type.value
    operator = quote(envelope.operator_id, safe="", errors="surrogatepass")
    brand = quote(envelope.brand_id, safe="", errors="surrogatepass")
    event: dict[str, Any] = {
        "specversion": _SPECVERSION,
        "id": event_id(envelope) if id is None else id,
        "source": f"{prefix}/operators/{operator}/brands/{brand}",
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

    Raises:
        EventValidationError: As [to_cloudevent][thrilldrops_events.codecs.cloudevents.to_cloudevent]; and
            ``too_large`` for an envelope that [to_json][thrilldrops_events.to_json] writes in more than 1 MiB,
            which no reader accepts, or a CloudEvent over
            [MAX_CLOUDEVENT_BYTES][thrilldrops_events.codecs.cloudevents.MAX_CLOUDEVENT_BYTES], which
            [decode][thrilldrops_events.codecs.cloudevents.decode] refuses (only with an ``id`` or a
            ``source_prefix`` of thousands of characters).
    """
    body = _json_text(to_cloudevent(envelope, id=id, source_prefix=source_prefix)).encode()
    # An envelope built in Python has no size limit: one that no reader would accept is refused here, by the
    # readers' own measure. A CloudEvent of at most MEASURED_ABOVE bytes holds no such envelope.
    check_written_size(envelope, len(body))
    if len(body) > MAX_CLOUDEVENT_BYTES:
        raise _problem("", f"the CloudEvent is {len(body)} bytes, more than {MAX_CLOUDEVENT_BYTES} bytes that "
                       "decode reads: shorten its id or source_prefix", "too_large")
    return body


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
            ``source``, ``time``, ``data.amount``...). Text over
            [MAX_CLOUDEVENT_BYTES][thrilldrops_events.codecs.cloudevents.MAX_CLOUDEVENT_BYTES] (2 MiB and
            64 KiB, its UTF-8 size) is ``too_large`` unread, and so is an envelope that
            [to_json][thrilldrops_events.to_json] would write in more than 1 MiB, as for
            [parse_event][thrilldrops_events.parse_event].
        TypeError: If ``strict`` is not a bool.
    """
    check_flag("strict", strict)
    if not isinstance(raw, (bytes, bytearray, memoryview, str)):
        raise _problem("", f"a CloudEvent is read from JSON text (bytes or str), not {type(raw).__name__}; "
                       "from_cloudevent reads a dict", "not_an_object")
    if isinstance(raw, memoryview):
        raw = raw.tobytes()
    if document_too_large(raw, MAX_CLOUDEVENT_BYTES):
        raise _problem("", f"a structured CloudEvent is larger than {MAX_CLOUDEVENT_BYTES} bytes, more than decode "
                       "reads", "too_large")
    document = loads_exact(raw, MAX_CLOUDEVENT_BYTES)
    if not isinstance(document, dict):
        raise _problem("", "a CloudEvent must be a JSON object", "not_an_object")
    envelope = _read(document, strict=strict)
    check_written_size(envelope, text_size(raw))
    return envelope


def from_cloudevent(event: Mapping[str, Any] | Any, *, strict: bool = False) -> Envelope:
    """Read an envelope from a CloudEvent: a structured-mode ``dict`` or an SDK ``CloudEvent``.

    SDK events of the 2.x core API (``cloudevents.core``) and of the 1.x-style API (``cloudevents.v1.http``)
    are both read, through their ``get_attributes()`` and ``get_data()``. The SDK reads JSON numbers as
    ``float``, which money refuses as inexact: to read money sent as JSON numbers, give the raw JSON to
    [decode][thrilldrops_events.codecs.cloudevents.decode] instead. Each attribute name, and each text value,
    is read by its characters, whatever a ``str`` subclass says of its hash or equality; two names of the same
    text are refused (``duplicate_key``), and so is a name that is not a string (``field_type``). ``data`` may
    be any mapping, as a payload given to [parse_event][thrilldrops_events.parse_event] may: it is read once
    into a ``dict``, its keys counted as they come (never by its ``__len__``) and read by their characters.

    Args:
        event: The CloudEvent.
        strict: As for [decode][thrilldrops_events.codecs.cloudevents.decode].

    Raises:
        EventValidationError: With every problem found (see [decode][thrilldrops_events.codecs.cloudevents.decode]).
        TypeError: If ``strict`` is not a bool.
    """
    check_flag("strict", strict)
    if hasattr(event, "get_attributes") and hasattr(event, "get_data"):
        attributes = event.get_attributes()
        if not isinstance(attributes, Mapping):
            raise _problem("", f"the event's attributes must be a mapping, not {type(attributes).__name__}",
                           "not_a_cloudevent")
        problems: list[Problem] = []
        counted = [0]
        document = _plain_attributes(attributes, problems)
        data = event.get_data()
        size = text_size(data)
        if isinstance(data, (bytes, bytearray, memoryview, str)):
            data = _parse(data, "data", problems, counted)
        document["data"] = data
        envelope = _read(document, strict=strict, found=problems, omitted=counted[0])
        check_written_size(envelope, size)
        return envelope
    if not isinstance(event, Mapping):
        raise _problem("", f"a CloudEvent must be a mapping or an SDK CloudEvent, not {type(event).__name__}",
                       "not_a_cloudevent")
    return _read(event, strict=strict)
