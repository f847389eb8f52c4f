"""``parse_dead_letter`` given entries no dead-letter stream holds: names, values and ids that are not text.

Each is an ``EventValidationError`` naming the field by its name (or the entry, by ``""``), never a
``str()`` of the hostile value: a tuple nested 100,000 deep raised ``RecursionError`` from it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import EventValidationError
from thrilldrops_events.streams import parse_dead_letter

META: dict[Any, Any] = {b"dead_letter_id": b"1-0", b"dead_letter_stream": b"s", b"dead_letter_group": b"g",
                        b"dead_letter_consumer": b"c", b"dead_letter_deliveries": b"0",
                        b"dead_letter_reason": b"invalid", b"dead_letter_error": b"{}", b"x": b"1"}


def _nested(depth: int) -> tuple[Any, ...]:
    value: tuple[Any, ...] = ()
    for _ in range(depth):
        value = (value,)
    return value


DEEP = _nested(100_000)
NOT_TEXT = st.one_of(st.integers(), st.none(), st.tuples(st.integers()), st.just(DEEP))


def problems(entry_id: Any, fields: Any) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        parse_dead_letter(entry_id, fields)
    return [(problem.path, problem.kind) for problem in info.value.problems]


def test_a_well_formed_dead_letter_is_read() -> None:
    letter = parse_dead_letter(b"2-0", META)
    assert (letter.id, letter.original_id, letter.reason, letter.fields) == ("2-0", "1-0", "invalid", {b"x": b"1"})


@given(NOT_TEXT)
def test_a_field_name_that_is_not_text_is_refused_by_its_type(key: Any) -> None:
    assert problems("2-0", {**META, key: b"1"}) == [("", "field_type")]


@given(NOT_TEXT, st.sampled_from([name for name in META if name != b"x"]))
def test_a_metadata_value_that_is_not_text_is_refused_by_its_type(value: Any, name: bytes) -> None:
    assert problems("2-0", {**META, name: value}) == [(name.decode(), "field_type")]


@given(NOT_TEXT)
def test_an_entry_id_that_is_not_text_is_refused_by_its_type(entry_id: Any) -> None:
    assert problems(entry_id, META) == [("", "field_type")]


@pytest.mark.parametrize("name", [name for name in META if name != b"x"])
def test_a_metadata_field_given_as_bytes_and_as_str_is_refused(name: bytes) -> None:
    assert problems("2-0", {**META, name.decode(): "0"}) == [(name.decode(), "duplicate_field")]
