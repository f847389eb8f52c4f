"""``from_cloudevent`` reads ``data`` given as any mapping, as ``parse_event`` reads a payload given so.

The mapping is read once, into a plain ``dict``: its keys are counted as they come, never by its ``__len__``,
and each key is read by its characters (two keys of the same text are ``duplicate_key``), so that a mapping
that lies about its length, or whose keys hash and compare as they like, gets the verdict its items deserve.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest

from tests.lying import Twin
from tests.sdk_event import SdkEvent
from thrilldrops_events import EventValidationError, parse_payload
from thrilldrops_events.codecs import cloudevents as ce

LOGOUT: dict[str, Any] = {"specversion": "1.0", "type": "com.thrilldrops.events.PlayerLogout",
                          "source": "/thrilldrops/operators/o/brands/b", "subject": "p",
                          "time": "2026-05-04T00:00:00Z", "data": {"channel_type": "MobileWeb", "note": 1}}


class Pairs(Mapping[Any, Any]):
    """A mapping that is not a ``dict``, of the pairs it was given, whose ``len()`` says what it is told."""

    def __init__(self, pairs: list[tuple[Any, Any]], claimed: int | None = None) -> None:
        self.pairs, self.claimed, self.reads = pairs, claimed, 0

    def __getitem__(self, key: Any) -> Any:
        for name, value in self.pairs:
            if name is key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        self.reads += 1
        return iter([name for name, _ in self.pairs])

    def __len__(self) -> int:
        return len(self.pairs) if self.claimed is None else self.claimed




def read(data: Any, *, sdk: bool = False, strict: bool = False) -> Any:
    """The envelope from_cloudevent reads with ``data``, or its problems."""
    event: Any = {**LOGOUT, "data": data}
    if sdk:
        event = SdkEvent({key: value for key, value in LOGOUT.items() if key != "data"}, data)
    try:
        return ce.from_cloudevent(event, strict=strict)
    except EventValidationError as error:
        return [(problem.path, problem.kind) for problem in error.problems], error.omitted


@pytest.mark.parametrize("sdk", [False, True])
@pytest.mark.parametrize("claimed", [None, 0, -1, 10**30])
def test_data_of_any_mapping_is_read_as_the_dict_of_its_items(sdk: bool, claimed: int | None) -> None:
    expected = read(dict(LOGOUT["data"]), sdk=sdk)
    assert read(MappingProxyType(dict(LOGOUT["data"])), sdk=sdk) == expected
    pairs = Pairs(list(LOGOUT["data"].items()), claimed)
    envelope = read(pairs, sdk=sdk)
    assert envelope == expected
    assert envelope.payload.model_extra == {"note": 1}
    assert pairs.reads == 1  # read once, into a dict


def test_a_mapping_of_the_wrong_payload_gets_the_problems_a_dict_gets() -> None:
    bad = {"channel_type": "Fax", "note": {"deep": [1.5]}}
    assert read(Pairs(list(bad.items())))[0] == read(bad)[0] == [("data.channel_type", "enum")]


def test_two_keys_of_the_same_text_are_refused() -> None:
    data = Pairs([("channel_type", "MobileWeb"), (Twin("note"), 1), (Twin("note"), 2)])
    assert read(data) == ([("data.note", "duplicate_key")], 0)


def test_unknown_fields_are_listed_as_from_a_dict_in_strict_mode() -> None:
    """A mapping claiming one key holds 1000 unknown fields: the first are listed, as parse_payload lists them."""
    items = [("channel_type", "MobileWeb"), *((f"k{number}", 1) for number in range(1000))]
    problems, omitted = read(Pairs(items, claimed=1), strict=True)
    assert (problems, omitted) == read(dict(items), strict=True)
    assert len(problems) == EventValidationError.max_problems
    with pytest.raises(EventValidationError) as info:
        parse_payload("PlayerLogout", dict(items), strict=True)
    assert [(f"data.{p.path}", p.kind) for p in info.value.problems] == problems


@pytest.mark.parametrize("data", ["MobileWeb", ["channel_type"], 5, b"{}"])
def test_data_that_is_no_mapping_is_still_refused(data: Any) -> None:
    assert read(data) == ([("data", "not_an_object")], 0)
