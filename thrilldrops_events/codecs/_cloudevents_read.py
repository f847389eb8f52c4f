"""Reading a structured-mode CloudEvent back into an envelope, every attribute checked at once.

The attributes are described in ``thrilldrops_events.codecs.cloudevents``, which reads through
``read``; this module also holds the attribute names and values the writer shares with it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote

from thrilldrops_events._moments import fixed_moment, unix_seconds
from thrilldrops_events._text import path_text, shown
from thrilldrops_events.codecs._exact import adopt_unknown_fields, loads_exact
from thrilldrops_events.codecs.json import decode as _decode_envelope
from thrilldrops_events.codecs.json import decode_payload
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError, Problem

#: The prefix of every ``type``: ``com.thrilldrops.events.Deposit``.
TYPE_PREFIX = "com.thrilldrops.events."
#: The extension attribute holding the envelope's unknown fields (JSON text).
EXTRA_ATTRIBUTE = "thrilldropsextra"
SPECVERSION = "1.0"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_JSON_TYPE = re.compile(r"^(?:application|text)/(?:[A-Za-z0-9.+-]+\+)?json(?:\s*;.*)?$")
_SOURCE = re.compile(r"^(?P<prefix>.*)/operators/(?P<operator>[^/]+)/brands/(?P<brand>[^/]+)$", re.DOTALL)
# RFC 3339: ASCII digits only (``\d`` would take any Unicode digit), and nothing after the offset (read with
# ``fullmatch``: ``$`` would also let a final line break through).
_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_VARIANTS = {f"{TYPE_PREFIX}{e.value}": e for e in EventType}
# Where a problem found in the rebuilt envelope shows in the CloudEvent.
_ATTRIBUTE_OF = {"operator_id": "source", "brand_id": "source", "player_id": "subject", "timestamp": "time"}

_MISSING = object()


def parse(raw: Any, path: str, problems: list[Problem], counted: list[int]) -> Any:
    """JSON text read exactly; on a problem, record it at ``path`` and give a marker that is no value.

    ``counted[0]`` is increased by the number of problems the error left out of its list.
    """
    try:
        return loads_exact(raw)
    except EventValidationError as error:
        problems.extend(Problem(path, p.message, p.kind) for p in error.problems)
        counted[0] += error.omitted
        return _MISSING


def _timestamp(value: Any, problems: list[Problem]) -> int | None:
    """The Unix seconds of ``time``; a leap second (``23:59:60``, RFC 3339) is read as the next minute's start."""
    if isinstance(value, datetime):
        try:
            moment = fixed_moment(value)
        except ValueError as error:
            problems.append(Problem("time", f"must be an aware datetime: {error}", "time_zone"))
            return None
        if moment is None:
            problems.append(Problem("time", "must have a time zone (such as Z)", "naive_datetime"))
            return None
        return unix_seconds(moment)
    if isinstance(value, str):
        match, leap = _TIME.fullmatch(value), 0
        try:
            if match is None:
                raise ValueError
            year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
            if second == 60:  # no datetime holds it: the second before, and one more (never past the range)
                second, leap = 59, 1
            if match[7]:
                zone = timezone.utc
            else:
                offset = timedelta(hours=int(match[9]), minutes=int(match[10]))
                zone = timezone(-offset if match[8] == "-" else offset)
            when = datetime(year, month, day, hour, minute, second, tzinfo=zone)
        except ValueError:
            problems.append(Problem("time", "must be an RFC 3339 time such as 2026-05-04T00:00:00Z", "time_syntax"))
            return None
        return unix_seconds(when) + leap
    problems.append(Problem("time", "required attribute is missing" if value is _MISSING else
                            "must be an RFC 3339 time string", "missing" if value is _MISSING else "time_type"))
    return None


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
    version = document.get("specversion", _MISSING)
    if not isinstance(version, str) or version != SPECVERSION:  # a plain str: no other value's __eq__ is run
        problems.append(Problem("specversion", f"must be {SPECVERSION!r}", "specversion"))
    kind = document.get("type", _MISSING)
    variant = _VARIANTS.get(kind) if isinstance(kind, str) else None
    if variant is None:
        problems.append(Problem("type", f"must be a ThrillDrops event type, {TYPE_PREFIX}<Variant> with one of "
                                f"{', '.join(e.value for e in EventType)}", "unknown_variant"))
    content_type = document.get("datacontenttype", "application/json")
    if not (isinstance(content_type, str) and _JSON_TYPE.match(content_type)):
        problems.append(Problem("datacontenttype", "must be application/json", "content_type"))
    return variant


def plain_attributes(attributes: Mapping[Any, Any], problems: list[Problem]) -> dict[str, Any]:
    """The attributes with each name, and each text value, as the plain ``str`` of its characters.

    A ``str`` subclass may hash and compare as it likes: looked up by name, a key merely equal to ``subject``
    would stand in for it, and a value merely equal to ``1.0`` pass as the ``specversion``. Two names of the
    same text are a problem (``duplicate_key``), and so is a name that is not a string (``field_type``).
    """
    plain: dict[str, Any] = {}
    for key, value in attributes.items():
        if not isinstance(key, str):
            problems.append(Problem("", f"attribute names must be strings, not {type(key).__name__}", "field_type"))
            continue
        name = str.__str__(key)
        if name in plain:
            problems.append(Problem(shown(name), "attribute given twice (two keys hold the same text)",
                                    "duplicate_key"))
            continue
        plain[name] = str.__str__(value) if isinstance(value, str) else value
    return plain


def read(document: Mapping[Any, Any], *, strict: bool, found: Sequence[Problem] = (), omitted: int = 0) -> Envelope:
    """The envelope of a structured CloudEvent's attributes and data, or every problem found in them.

    ``found`` holds the problems the caller found already (such as ``data`` that is not JSON, which
    ``parse`` then marks as missing), and ``omitted`` how many more it found and did not list. Names and text
    values are read by their characters (``plain_attributes``). The error raised counts every problem: those it
    lists, and in its ``omitted`` those that the errors of the payload and of the unknown fields left out.
    """
    problems = list(found)
    counted = [omitted]
    document = plain_attributes(document, problems)
    variant = _variant(document, problems)
    scope = _scope(document.get("source", _MISSING), problems)
    timestamp = _timestamp(document.get("time", _MISSING), problems)
    subject = document.get("subject", _MISSING)
    if subject is _MISSING:
        problems.append(Problem("subject", "required attribute is missing (the player id)", "missing"))
    data = _data(document, problems, counted)
    extra = _extra(document.get(EXTRA_ATTRIBUTE, _MISSING), problems, counted)
    # The payload's unknown fields are checked (nesting, lone surrogates) and their numbers kept as JSON numbers by
    # the payload reader below, once; its known fields are its to check.
    if problems or variant is None or scope is None or timestamp is None or data is None:
        if variant is not None and data is not None:  # report the payload's problems too, all at once
            try:
                decode_payload(variant, data, strict=strict)
            except EventValidationError as error:
                problems.extend(Problem(f"data.{p.path}" if p.path else "data", p.message, p.kind)
                                for p in error.problems)
                counted[0] += error.omitted
        raise EventValidationError(problems, omitted=counted[0])
    wire = {"operator_id": scope[0], "brand_id": scope[1], "player_id": subject, "timestamp": timestamp, **extra,
            "event_type": {variant.value: data}}
    try:
        return _decode_envelope(wire, strict=strict)
    except EventValidationError as error:
        raise EventValidationError([_moved(p, variant) for p in error.problems], omitted=error.omitted) from None


def _data(document: dict[str, Any], problems: list[Problem], counted: list[int]) -> dict[str, Any] | None:
    """The payload, from ``data`` (any mapping) or ``data_base64``; ``None`` once a problem is recorded."""
    data = document.get("data")
    if data is _MISSING:  # not JSON, and already reported
        return None
    if data is not None and "data_base64" in document:  # the JSON format makes them mutually exclusive
        problems.append(Problem("data_base64", "must not be given beside data: an event carries its data in one "
                                "or the other", "data_conflict"))
        return None
    if data is None:
        if "data_base64" not in document:
            problems.append(Problem("data", "required: the payload", "missing"))
            return None
        data = _base64_data(document["data_base64"], problems, counted)
        if data is _MISSING:
            return None
    if not isinstance(data, Mapping):
        problems.append(Problem("data", "must be a JSON object (the payload)", "not_an_object"))
        return None
    return data if type(data) is dict else _copied(data, problems)


def _copied(data: Mapping[Any, Any], problems: list[Problem]) -> dict[Any, Any]:
    """A mapping's items, read once into a plain ``dict``, each key of a ``str`` subclass as the ``str`` of its text.

    The keys are counted as they come, never by the mapping's ``__len__`` (which may say anything); two keys of
    the same text are a problem (``duplicate_key``), as ``parse_event`` finds in a payload given as a mapping.
    """
    copied: dict[Any, Any] = {}
    for key, value in data.items():
        if isinstance(key, str):
            key = str.__str__(key)  # its characters, whatever its class overrides
            if key in copied:
                problems.append(Problem(f"data.{path_text(key)}", "key given twice (two keys hold the same text)",
                                        "duplicate_key"))
                continue
        copied[key] = value
    return copied


def _base64_data(value: Any, problems: list[Problem], counted: list[int]) -> Any:
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None:
        problems.append(Problem("data_base64", "must be base64 text", "base64_invalid"))
        return _MISSING
    return parse(raw, "data_base64", problems, counted)


def _extra(value: Any, problems: list[Problem], counted: list[int]) -> dict[str, Any]:
    """The unknown envelope fields carried by the extension attribute (JSON text, read exactly).

    Problems are added to ``problems``, and ``counted[0]`` increased by those their errors did not list.
    """
    if value is _MISSING:
        return {}
    parsed = parse(value, EXTRA_ATTRIBUTE, problems, counted) if isinstance(value, str) else None
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
        counted[0] += error.omitted
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
