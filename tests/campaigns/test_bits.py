"""Reading the slots out of a set of slots (an int), dense or sparse for its width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events.campaigns._bits import ascending, bits_of, slots_of


@given(st.sets(st.integers(0, 5000), min_size=1, max_size=60) | st.sets(st.integers(0, 300), min_size=1, max_size=300)
       | st.sets(st.integers(0, 70_000), min_size=1, max_size=6))
def test_the_slots_of_a_set_are_its_bits_in_order(slots: set[int]) -> None:
    bits = sum(1 << slot for slot in slots)
    assert ascending(bits) == sorted(slots)
    assert slots_of(bits) == sorted(slots, reverse=True)
    assert bits_of(list(slots)) == bits


def test_no_slots() -> None:
    assert slots_of(0) == [] and bits_of([]) == 0
