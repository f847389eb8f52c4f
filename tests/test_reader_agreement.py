"""Every transport reads the same payload alike: the JSON envelope, a payload alone, a Redis entry, a CloudEvent.

A valid payload (from the shipped strategies) has one field, or one unknown field (whose name may hold a lone
surrogate), set to raw JSON taken from a list of hostile values (numbers in every form, JSON constants, lone
surrogates, nesting past the limit, wrong types, long strings). The same bytes are then read as the payload
of a JSON envelope (``parse_event``), on their own (``parse_payload``), as the ``payload`` field of a Redis
stream entry (bytes and text) and as the ``data`` of a structured CloudEvent, in both modes. They must give
one verdict, the same payload when they accept, and the same problems (path inside the payload, kind) when
they refuse, each reported once.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import EventPayload, EventValidationError, parse_event, parse_payload
from thrilldrops_events.codecs import cloudevents as ce
from thrilldrops_events.codecs import redis
from thrilldrops_events.codecs.json import to_dict
from thrilldrops_events.testing import payloads

RAW_VALUES = [
    "1e2", "1E+2", "-0", "0.0", "-0.0", "1E+400", "1e-400", '"1e2"', '"-0"', "1" + "0" * 30, '"1' + "0" * 30 + '"',
    "0." + "0" * 50 + "1", "99999999999999999999.999999999999999999", "-1", '"-0.01"', "1" * 101,
    "NaN", "Infinity", "-Infinity", '"NaN"', "null", "true", "false", "0", "1", '"true"', '"1"',
    "{}", "[]", '{"a":1}', "[1.50]", '"\\ud800"', '"\\u0000"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"',
    json.dumps("x" * 300), '"EUR"', '"eur"', '"UK"', '"uk"', '"MobileWeb"', '"mobileweb"', '" padded"', '""',
    "[" * 70 + "]" * 70, "[" * 62 + "]" * 62, '{"a":' * 64 + "1" + "}" * 64, '{"k":"\\ud800"}',
]

Outcome = tuple[str, Any]


def _outcome(read: Any, prefix: str = "") -> Outcome:
    """``("ok", payload)`` or ``("error", sorted problems)`` of ``read()``, paths inside the payload."""
    try:
        value = read()
    except EventValidationError as error:
        problems = []
        for problem in error.problems:
            path = problem.path
            if prefix and (path == prefix or path.startswith(f"{prefix}.")):
                path = path[len(prefix) + 1:]
            problems.append((path, problem.kind))
        return "error", sorted(problems)
    payload = value if isinstance(value, EventPayload) else value.payload
    return "ok", (payload, payload.model_extra, sorted(payload.model_fields_set))


def _json(value: Any) -> str:
    """JSON text of parsed values; a ``Decimal`` (an unknown field's number) as the number it is."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json(item) for item in value) + "]"
    return str(value) if isinstance(value, Decimal) else json.dumps(value)


def _document(payload: EventPayload, field: str, raw: str) -> bytes:
    """The payload's wire JSON with ``field`` set to the raw JSON ``raw`` (added if it is not there)."""
    data = to_dict(payload)
    data.pop(field, None)
    return (_json(data)[:-1] + ("," if data else "") + f"{json.dumps(field)}:{raw}}}").encode()


@settings(max_examples=150)
@given(payloads(unknown_fields=True), st.data())
def test_every_reader_of_a_payload_agrees(payload: EventPayload, data: st.DataObject) -> None:
    variant = payload.event_type.value
    field = data.draw(st.sampled_from([*type(payload).model_fields, "note", "a\udfffb"]), label="field")
    raw = _document(payload, field, data.draw(st.sampled_from(RAW_VALUES), label="value"))
    envelope = (b'{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-000042","timestamp":1777852800,'
                b'"event_type":{"' + variant.encode() + b'":' + raw + b"}}")
    entry = {b"format": b"1", b"event_type": variant.encode(), b"operator_id": b"op-1", b"brand_id": b"brand-7",
             b"player_id": b"p-000042", b"timestamp": b"1777852800", b"payload": raw}
    cloudevent = (b'{"specversion":"1.0","id":"x","source":"/thrilldrops/operators/op-1/brands/brand-7","type":"'
                  + ce.cloudevent_type(variant).encode() + b'","subject":"p-000042","time":"2026-05-04T00:00:00Z",'
                  b'"data":' + raw + b"}")
    text = {key.decode(): value.decode("utf-8", "surrogatepass") for key, value in entry.items()}
    readers = [(partial(parse_payload, variant, raw), ""), (partial(redis.decode, entry), "payload"),
               (partial(redis.decode, text), "payload"), (partial(ce.decode, cloudevent), "data")]
    for strict in (False, True):
        expected = _outcome(partial(parse_event, envelope, strict=strict), f"event_type.{variant}")
        for read, prefix in readers:
            assert _outcome(partial(read, strict=strict), prefix) == expected, read
