"""The sorted bounds of range atoms: long random sequences of changes, one copy each or in batches.

After every published change the unions kept incrementally must equal the unions computed from the
groups, the version before the change must be untouched, and the list must give the same answers
as a list built from scratch with the same bounds.
"""

from __future__ import annotations

import random
from decimal import Decimal as D
from itertools import accumulate
from operator import or_
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import CampaignSet, Deposit, Envelope, EventType
from thrilldrops_events.campaigns._bounds import GROUP, INCREMENTAL, MAX_GROUPS, Bounds

Filed = dict[int, tuple[Any, int]]


def _union(slots: list[int]) -> int:
    return sum(1 << slot for slot in slots)


def _check_shape(bounds: Bounds, filed: Filed) -> None:
    """Entries sorted, as filed; groups and blocks within their sizes; every kept union as computed afresh."""
    entries = bounds.entries()
    assert entries == sorted(entries)
    assert {slot: (value, rank) for value, rank, slot in entries} == filed and len(entries) == len(filed)
    assert bounds.size == len(filed)
    cum, accs = bounds.unions()
    blocks: list[int] = []
    at = 0
    for sizes, acc in zip(bounds.groups(), accs, strict=True):
        assert sizes and len(sizes) <= MAX_GROUPS and all(0 < size <= GROUP for size in sizes)
        groups = []
        for size in sizes:
            groups.append(_union([slot for _, _, slot in entries[at: at + size]]))
            at += size
        assert acc == _accumulated(groups, bounds.lower)
        blocks.append(acc[0] | acc[-1])
    assert cum == _accumulated(blocks, bounds.lower)


def _accumulated(unions: list[int], lower: bool) -> list[int]:
    """Lower: the union of ``unions[i:]`` for each ``i`` (up to the length); upper: of ``unions[:i]``."""
    if lower:
        return [*accumulate(reversed(unions), or_, initial=0)][::-1]
    return [*accumulate(unions, or_, initial=0)]


def _answer(bounds: Bounds, filed: Filed, value: Any) -> int:
    """The slots whose bound ``value`` fails, with the slots to check resolved exactly; checks the split."""
    fail, check = bounds.failing(value)
    assert not fail & check and check.bit_count() <= GROUP
    for slot, (bound, rank) in filed.items():
        passes = (value > bound or (value == bound and rank == 0)) if bounds.lower else (
            value < bound or (value == bound and rank == 1))
        assert (passes and not fail >> slot & 1) or (not passes and (fail >> slot & 1 or check >> slot & 1))
        if check >> slot & 1 and not passes:
            fail |= 1 << slot
    return fail


def _bound(rng: random.Random, spread: int) -> Any:
    value = rng.randrange(spread)  # few distinct values when spread is small: long runs of equal bounds
    return D(value) / 4 if rng.random() < 0.5 else value / 4


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([3, 40, 100_000]), st.booleans())
def test_a_long_random_sequence_of_changes_leaves_the_list_a_fresh_build_gives(seed: int, spread: int,
                                                                              lower: bool) -> None:
    rng = random.Random(seed)
    bounds = Bounds(lower)
    bounds.finish()
    filed: Filed = {}
    free = list(range(3000))
    rng.shuffle(free)
    for step in range(500):
        grow = step < 250 or (step > 400 and step % 3 == 0)  # grow past many blocks, shrink, grow again
        before = (bounds.entries(), bounds.unions())
        draft = bounds.copy()
        for _ in range(rng.choice([1, 1, 1, 2, 3, INCREMENTAL + 5]) if step % 50 else 0):
            if filed and (not grow or rng.random() < 0.3):
                slot = rng.choice(list(filed))
                draft.remove(*filed.pop(slot), slot)
                free.append(slot)
            else:
                slot = free.pop(rng.randrange(len(free)))
                filed[slot] = (_bound(rng, spread), rng.randint(0, 1))
                draft.add(*filed[slot], slot)
        draft.finish()
        assert (bounds.entries(), bounds.unions()) == before  # the published version is untouched
        bounds = draft
        _check_shape(bounds, filed)
        if step % 25 == 0 or step == 499:
            fresh = Bounds(lower)
            for slot, (value, rank) in filed.items():
                fresh.add(value, rank, slot)
            fresh.finish()
            _check_shape(fresh, filed)
            probes = {-1, spread, *(_bound(rng, spread) for _ in range(6))}
            probes.update(rng.sample([value for value, _ in filed.values()], min(len(filed), 12)))  # on a bound
            for value in probes:
                assert _answer(bounds, filed, value) == _answer(fresh, filed, value)


def _deposit(amount: D) -> Envelope:
    return Envelope(operator_id="op-1", brand_id="b-1", player_id="p", timestamp=1_700_000_000,
                    payload=Deposit(method_id="visa", currency="EUR", amount=amount))


@settings(max_examples=3, deadline=None)
@given(st.integers(0, 2**32))
def test_single_changes_in_a_large_set_match_as_a_set_built_from_scratch(seed: int) -> None:
    rng = random.Random(seed)

    def condition() -> str:
        low, high = rng.randrange(2000), rng.randrange(2000)
        ops = rng.choice([(">=", "<"), (">", "<="), (">=", "<=")])
        return f"amount {ops[0]} {min(low, high) / 4} and amount {ops[1]} {max(low, high) / 4 + 1}"

    rows = {f"c{number}": condition() for number in range(1500)}
    campaigns = CampaignSet.from_json([{"id": key, "event_type": "Deposit", "condition": text,
                                        "brand_id": rng.choice([None, "b-1", "b-2"])} for key, text in rows.items()])
    for number in range(150):
        key = f"c{rng.randrange(1700)}"
        if key in campaigns and number % 3 == 0:
            campaigns.remove(key)
        elif key in campaigns:
            campaigns.replace(key, EventType.DEPOSIT, condition(), brand_id=rng.choice([None, "b-1"]))
        else:
            campaigns.add(key, EventType.DEPOSIT, condition())
    fresh = CampaignSet.from_json(campaigns.to_json())
    for amount in [D(rng.randrange(2100)) / 4 for _ in range(30)] + [D(0), D(600)]:
        envelope = _deposit(amount)
        assert campaigns.match(envelope) == fresh.match(envelope) == campaigns.match_naive(envelope)
