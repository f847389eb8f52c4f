"""The constraints of each kind of field, read from the types, are the bounds the types enforce."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events._fields import _KINDS, KIND_CONSTRAINTS, KIND_RULES
from thrilldrops_events.enums import ChannelType

TYPES: dict[str, Any] = {kind: annotation for annotation, kind in _KINDS}


def _accepts(kind: str, value: Any) -> bool:
    try:
        TypeAdapter(TYPES[kind]).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("kind", ["identifier", "currency", "secret"])
def test_string_lengths_are_the_types_bounds(kind: Any) -> None:
    constraints = KIND_CONSTRAINTS[kind]
    assert constraints.max_length is not None
    assert _accepts(kind, "a" * constraints.max_length)
    assert not _accepts(kind, "a" * (constraints.max_length + 1))
    if constraints.min_length:
        assert _accepts(kind, "a" * constraints.min_length)
        assert not _accepts(kind, "a" * (constraints.min_length - 1))
    assert str(constraints.max_length) in KIND_RULES[kind]


def test_timestamp_bounds_are_the_types() -> None:
    constraints = KIND_CONSTRAINTS["timestamp"]
    assert constraints.minimum == 0 and constraints.maximum is not None
    assert _accepts("timestamp", constraints.maximum) and not _accepts("timestamp", constraints.maximum + 1)
    assert _accepts("timestamp", constraints.minimum) and not _accepts("timestamp", constraints.minimum - 1)


def test_money_bounds_are_the_types() -> None:
    constraints = KIND_CONSTRAINTS["money"]
    assert constraints.integer_digits is not None and constraints.scale is not None and constraints.max_text
    largest = "9" * constraints.integer_digits + "." + "9" * constraints.scale
    assert _accepts("money", largest)
    assert not _accepts("money", "1" + "0" * constraints.integer_digits)
    assert not _accepts("money", "0." + "0" * constraints.scale + "1")
    assert _accepts("money", "0" * (constraints.max_text - 1) + "1")
    assert not _accepts("money", "0" * constraints.max_text + "1")
    assert KIND_CONSTRAINTS["signed_money"] == constraints


def test_allowed_values_are_the_types() -> None:
    assert KIND_CONSTRAINTS["channel"].values == tuple(c.value for c in ChannelType)
    assert set(KIND_CONSTRAINTS["country"].values or ()) == set(COUNTRY_CODES)
    assert all(_accepts("country", code) for code in COUNTRY_CODES)
    assert all(_accepts("channel", value) for value in KIND_CONSTRAINTS["channel"].values or ())
