"""The CloudEvents readers count every problem they find, as ``parse_event`` does: the listed ones and the rest.

An ``EventValidationError`` lists at most ``max_problems`` problems and counts the others in ``omitted``. The
payload's reader, and the check of the unknown envelope fields, may leave problems out of their lists; a
CloudEvent reader that takes their problems over must keep their count of those too, and add up those of every
part (attributes, ``thrilldropsextra``, ``data``) as ``parse_event`` adds up those of the envelope and payload.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sdk_event import SdkEvent
from thrilldrops_events import EventValidationError, parse_event
from thrilldrops_events.codecs import cloudevents as ce

HEAD: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1}
ATTRIBUTES: dict[str, Any] = {"specversion": "1.0", "type": "com.thrilldrops.events.PlayerLogout",
                              "source": "/thrilldrops/operators/o/brands/b", "subject": "p",
                              "time": "1970-01-01T00:00:01Z"}
UNKNOWN = {f"k{number}": 1 for number in range(1000)}  # refused in strict mode, each a problem
SURROGATES = {f"k{number}": "\ud800" for number in range(100)}  # refused in either mode, each a problem




def counted(read: Any, *args: Any, **kwargs: Any) -> tuple[list[tuple[str, str]], int, str]:
    """The problems listed (path and kind), how many more there are, and the head line of the message."""
    with pytest.raises(EventValidationError) as info:
        read(*args, **kwargs)
    error = info.value
    return [(p.path, p.kind) for p in error.problems], error.omitted, str(error).splitlines()[0]


def readers(document: dict[str, Any]) -> dict[str, Any]:
    """Each way of reading a CloudEvent, of ``document``: a dict, its JSON text, an SDK event (data as text)."""
    sdk = SdkEvent({name: value for name, value in document.items() if name != "data"}, json.dumps(document["data"]))
    return {"from_cloudevent": lambda strict: ce.from_cloudevent(json.loads(json.dumps(document)), strict=strict),
            "decode": lambda strict: ce.decode(json.dumps(document), strict=strict),
            "sdk": lambda strict: ce.from_cloudevent(sdk, strict=strict)}


CASES = {
    # name: (the envelope's unknown fields, the payload's unknown fields, strict)
    "unknown payload fields in strict mode": ({}, UNKNOWN, True),
    "payload fields of lone surrogates": ({}, SURROGATES, False),
    "envelope fields of lone surrogates": (SURROGATES, {}, False),
}


def _documents(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    extra, data_extra, _ = CASES[name]
    data = {"channel_type": "MobileWeb", **data_extra}
    envelope = {**HEAD, **extra, "event_type": {"PlayerLogout": data}}
    cloudevent = {**ATTRIBUTES, "data": data, **({ce.EXTRA_ATTRIBUTE: json.dumps(extra)} if extra else {})}
    return envelope, cloudevent


def _as_cloudevent_path(path: str) -> str:
    if path.startswith("event_type.PlayerLogout."):
        return "data." + path.removeprefix("event_type.PlayerLogout.")
    return f"{ce.EXTRA_ATTRIBUTE}.{path}"


@pytest.mark.parametrize("reader", ["from_cloudevent", "decode", "sdk"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_problem_is_counted_as_parse_event_counts_it(name: str, reader: str) -> None:
    envelope, cloudevent = _documents(name)
    strict = CASES[name][2]
    expected, expected_omitted, head = counted(parse_event, json.dumps(envelope), strict=strict)
    assert expected_omitted > 0, "the case must find more problems than an error lists"
    problems, omitted, got_head = counted(readers(cloudevent)[reader], strict)
    assert problems == [(_as_cloudevent_path(path), kind) for path, kind in expected]
    assert omitted == expected_omitted
    assert got_head == head


@pytest.mark.parametrize("reader", ["from_cloudevent", "decode", "sdk"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_problem_of_an_attribute_adds_to_the_count(name: str, reader: str) -> None:
    envelope, cloudevent = _documents(name)
    strict = CASES[name][2]
    expected, expected_omitted, _ = counted(parse_event, json.dumps(envelope), strict=strict)
    total = len(expected) + expected_omitted + 1  # the payload's and the envelope's, and the source
    problems, omitted, head = counted(readers({**cloudevent, "source": "/nowhere"})[reader], strict)
    assert problems[0] == ("source", "source_syntax")
    assert len(problems) == EventValidationError.max_problems
    assert (len(problems) + omitted, head) == (total, f"{total} problems in event")
