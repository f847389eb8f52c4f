"""CloudEvents given from Python with attribute names and values of ``str`` subclasses that lie about themselves.

An attribute is named by the characters of its key, and a text value read by its characters, never by what a
subclass says of its hash or equality; two names of the same text are refused (``duplicate_key``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.lying import Twin
from tests.sdk_event import SdkEvent
from thrilldrops_events import EventValidationError
from thrilldrops_events.codecs import cloudevents as ce
from thrilldrops_events.testing import envelopes

ATTRIBUTES = ("specversion", "type", "source", "subject", "time", "data")
LOGOUT: dict[str, Any] = {"specversion": "1.0", "type": "com.thrilldrops.events.PlayerLogout",
                          "source": "/thrilldrops/operators/o/brands/b", "subject": "p",
                          "time": "2026-05-04T00:00:00Z", "data": {"channel_type": "MobileWeb"}}


def impostor(text: str, poses_as: str) -> str:
    """A ``str`` holding ``text`` that hashes as ``poses_as`` and equals everything."""

    class Impostor(str):
        __slots__ = ()

        def __eq__(self, other: object) -> bool:
            return True

        def __ne__(self, other: object) -> bool:
            return False

        def __hash__(self) -> int:
            return hash(poses_as)

    return Impostor(text)


class Attributes(Mapping[Any, Any]):
    """A mapping that is not a ``dict`` (``dict(...)`` of it would merge keys by their hash and equality)."""

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        self._pairs = pairs

    def __getitem__(self, key: Any) -> Any:
        for name, value in self._pairs:
            if name is key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter([name for name, _ in self._pairs])

    def __len__(self) -> int:
        return len(self._pairs)




def problems(event: Any) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        ce.from_cloudevent(event)
    return [(problem.path, problem.kind) for problem in info.value.problems]


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_a_name_that_poses_as_an_attribute_does_not_stand_in_for_it(name: str) -> None:
    event = dict(LOGOUT)
    value = event.pop(name)
    event[impostor("note", name)] = value
    kind = {"specversion": "specversion", "type": "unknown_variant"}.get(name, "missing")
    assert (name, kind) in problems(event)


@pytest.mark.parametrize("name", ["specversion", "type", "source", "time"])
def test_a_value_that_poses_as_the_right_one_is_read_by_its_characters(name: str) -> None:
    event = {**LOGOUT, name: impostor("0.3", LOGOUT[name])}
    assert [path for path, _ in problems(event)] == [name]


@given(st.sampled_from([*ATTRIBUTES, "id", "note"]), st.booleans())
def test_two_names_of_the_same_text_are_refused(name: str, sdk: bool) -> None:
    pairs = [*LOGOUT.items(), (Twin(name), "x"), (Twin(name), "y")]
    event: Any = Attributes(pairs)
    if sdk:
        attributes = [pair for pair in pairs if not (type(pair[0]) is str and pair[0] == "data")]
        event = SdkEvent(Attributes(attributes), LOGOUT["data"])
    assert (name, "duplicate_key") in problems(event)


@pytest.mark.parametrize("key", [1, None, (), ("subject",)])
def test_a_name_that_is_not_a_string_is_refused(key: Any) -> None:
    assert problems({**LOGOUT, key: "x"}) == [("", "field_type")]


@given(envelopes())
def test_names_and_values_of_a_plain_subclass_read_as_their_text(envelope: Any) -> None:
    class Name(str):
        __slots__ = ()

    event = {Name(key): Name(value) if isinstance(value, str) else value
             for key, value in ce.to_cloudevent(envelope).items()}
    assert ce.from_cloudevent(event) == envelope


class Touchy:
    """A value whose comparisons raise: it must be refused by its type, never compared."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("compared")

    def __ne__(self, other: object) -> bool:
        raise RuntimeError("compared")


@pytest.mark.parametrize("name", ["specversion", "type", "source", "time", "datacontenttype", "thrilldropsextra"])
def test_an_attribute_value_that_is_not_text_is_refused_without_comparing_it(name: str) -> None:
    assert [path for path, _ in problems({**LOGOUT, name: Touchy()})] == [name]
