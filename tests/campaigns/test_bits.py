"""Reading the slots out of a set of slots (an int), dense or sparse for its width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events.campaigns._bits import TABLE, ascending, bits_of, named, repeats, slots_of


@given(st.sets(st.integers(0, 5000), min_size=1, max_size=60) | st.sets(st.integers(0, 300), min_size=1, max_size=300)
       | st.sets(st.integers(0, 70_000), min_size=1, max_size=6))
def test_the_slots_of_a_set_are_its_bits_in_order(slots: set[int]) -> None:
    bits = sum(1 << slot for slot in slots)
    assert ascending(bits) == sorted(slots)
    assert slots_of(bits) == sorted(slots, reverse=True)
    assert bits_of(list(slots)) == bits


def test_no_slots() -> None:
    assert slots_of(0) == [] and bits_of([]) == 0 and named(0, []) == []


_SLOTS = 3 * 8 * TABLE  # three tables


def _tables() -> list[list[tuple[str, ...]]]:
    return [[tuple(f"s{(table * TABLE + row) * 8 + bit}" for bit in range(8)) for row in range(TABLE)]
            for table in range(3)]


@given(st.sets(st.integers(0, _SLOTS - 1), min_size=1, max_size=80)
       | st.sets(st.integers(0, 2000), min_size=1, max_size=1500)  # dense: bytes of several bits
       | st.sets(st.integers(8 * TABLE - 20, 8 * TABLE + 20), min_size=1))  # across the tables' seam
def test_named_reads_what_the_tables_hold_for_the_slots_lowest_first(slots: set[int]) -> None:
    assert named(sum(1 << slot for slot in slots), _TABLES) == [f"s{slot}" for slot in sorted(slots)]


_TABLES = _tables()


@given(st.lists(st.integers(1, 6), min_size=1, max_size=60), st.data())
def test_repeats_are_the_slots_with_a_slot_below_them_in_their_run(runs: list[int], data: st.DataObject) -> None:
    followers, owner, start = 0, [], 0
    for number, length in enumerate(runs):
        for offset in range(length):
            followers |= (1 << (start + offset)) if offset else 0
            owner.append(number)
        start += length
    slots = data.draw(st.sets(st.integers(0, start - 1)))
    expected = [slot for slot in slots if any(other < slot and owner[other] == owner[slot] for other in slots)]
    assert repeats(bits_of(list(slots)), followers) == bits_of(expected)
