"""The work per document is bounded: at most 20 problems listed (the rest counted), a did-you-mean for the first
few names only, and at most 10,000 values in the unknown fields of one object.

These bodies took seconds to refuse or accept; their cost is measured in ``benchmarks/bench_hostile.py``.
Here the tests check the verdicts, which must not depend on the route, and that the error stays small.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import EventValidationError, Problem, parse_event, parse_events, parse_payload, to_json
from thrilldrops_events.codecs import redis as stream_codec

BASE = '{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"PlayerLogout":{"channel_type":"MobileWeb"}}}'  # noqa: E501
KEYS = ",".join(f'"k{i}":0' for i in range(87_000))


def refusal(text: str, strict: bool = False) -> EventValidationError:
    """The error, the same from str, bytes, memoryview and dict input."""
    errors = []
    for source in (text, text.encode(), memoryview(text.encode()), json.loads(text, parse_float=Decimal)):
        with pytest.raises(EventValidationError) as info:
            parse_event(source, strict=strict)
        errors.append(info.value)
    first = errors[0]
    for other in errors[1:]:
        assert (other.problems, other.omitted) == (first.problems, first.omitted)
    assert len(str(first)) < 5_000
    return first


def test_87000_unknown_event_types_list_20_problems_and_count_the_rest() -> None:
    error = refusal(BASE.replace('{"PlayerLogout"', '{' + KEYS + ',"PlayerLogout"'))
    assert len(error.problems) == 20
    assert error.omitted == 87_000 - 20
    assert str(error).endswith("  ... and 86980 more problems")
    assert str(error).startswith("87000 problems in event")
    suggested = [p for p in error.problems if "did you mean" in p.message]
    assert [p.path for p in error.problems if p.kind == "unknown_variant"][:3] == ["event_type.k0", "event_type.k1",
                                                                                   "event_type.k2"]
    assert all("expected one of" in p.message for p in error.problems[3:] if p.kind == "unknown_variant")
    assert len(suggested) <= 3


def test_a_misspelt_event_type_still_gets_its_did_you_mean() -> None:
    error = refusal(BASE.replace('"PlayerLogout"', '"PlayerLogut"'))
    assert error.problems[0].message == "unknown event type 'PlayerLogut'; did you mean 'PlayerLogout'?"


@pytest.mark.parametrize("where", ["envelope", "payload"])
def test_87000_unknown_fields_in_strict_mode_list_20_problems(where: str) -> None:
    text = BASE[:-1] + "," + KEYS + "}" if where == "envelope" else BASE.replace('"MobileWeb"', '"MobileWeb",' + KEYS)
    error = refusal(text, strict=True)
    assert [p.kind for p in error.problems] == ["unknown_field"] * 20
    assert error.omitted == 87_000 - 20
    prefix = "" if where == "envelope" else "event_type.PlayerLogout."
    assert error.paths[:2] == (f"{prefix}k0", f"{prefix}k1")


def test_strict_payload_problems_are_bounded_in_parse_payload_too() -> None:
    document = json.loads("{" + KEYS + ',"channel_type":"MobileWeb"}')
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", document, strict=True)
    assert (len(info.value.problems), info.value.omitted) == (20, 87_000 - 20)


@pytest.mark.parametrize(
    "unknown",
    [
        KEYS,  # 87,000 unknown fields
        '"x":[' + ",".join(["[]"] * 340_000) + "]",  # 340,000 empty arrays
        '"x":[' + ",".join(["{}"] * 200_000) + "]",
        '"x":[' + ",".join(["1.5"] * 170_000) + "]",
        '"x":[' + ",".join(['"s"'] * 10_001) + "]",
    ],
)
@pytest.mark.parametrize("where", ["envelope", "payload"])
def test_unknown_fields_hold_at_most_10000_values(unknown: str, where: str) -> None:
    if where == "envelope":
        text = BASE[:-1] + "," + unknown + "}"
    else:
        text = BASE.replace('"MobileWeb"', '"MobileWeb",' + unknown)
    error = refusal(text)
    path = "" if where == "envelope" else "event_type.PlayerLogout"
    assert [(p.path, p.kind, p.message) for p in error.problems] == [
        (path, "too_large", "unknown fields hold more than 10,000 values")]


def test_10000_values_in_unknown_fields_are_kept() -> None:
    text = BASE[:-1] + ',"x":[' + ",".join(["[]"] * 9_999) + "]}"
    envelope = parse_event(text)
    assert len(envelope.model_extra["x"]) == 9_999  # type: ignore[index]
    assert parse_event(to_json(envelope)) == envelope


def test_the_limit_survives_a_line_number_and_pickling() -> None:
    (parsed,) = parse_events(BASE.replace('{"PlayerLogout"', '{' + KEYS + ',"PlayerLogout"'))
    assert parsed.error is not None
    assert parsed.error.line == 1 and parsed.error.omitted == 86_980
    again = pickle.loads(pickle.dumps(parsed.error))
    assert (again.problems, again.omitted, again.line, str(again)) == (
        parsed.error.problems, parsed.error.omitted, 1, str(parsed.error))


def test_an_error_built_with_many_problems_lists_the_first_ones() -> None:
    error = EventValidationError([Problem(f"f{i}", "bad", "kind") for i in range(25)], omitted=5)
    assert (len(error.problems), error.omitted) == (20, 10)
    assert error.paths[-1] == "f19"


def test_stream_entries_with_many_unknown_fields() -> None:
    fields: dict[str, Any] = dict(stream_codec.encode(parse_event(BASE)))
    many = {**fields, **{f"k{i}": "v" for i in range(20_000)}}
    with pytest.raises(EventValidationError) as info:
        stream_codec.decode(many, strict=True)
    assert (len(info.value.problems), info.value.omitted) == (20, 20_000 - 20)
    with pytest.raises(EventValidationError) as info:
        stream_codec.decode(many)
    assert [p.kind for p in info.value.problems] == ["too_large"]
