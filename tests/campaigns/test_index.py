"""The index behind CampaignSet: which clauses become atoms, and how branches are filed and found."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import (
    CampaignChange,
    CampaignSet,
    ChannelType,
    Deposit,
    Envelope,
    EventType,
    Transaction,
    Withdrawal,
    compile_condition,
)
from thrilldrops_events.campaigns import _event_index
from thrilldrops_events.campaigns._atoms import MAX_BRANCHES, TIMESTAMP, Atom, branches_of
from thrilldrops_events.campaigns._bits import slots_of
from thrilldrops_events.campaigns._bounds import GROUP, MAX_BLOCK, Bounds
from thrilldrops_events.campaigns._event_index import EventIndex
from thrilldrops_events.campaigns._facets import Facet
from thrilldrops_events.campaigns._operands import MatchState
from thrilldrops_events.conditions import Limits

D = Decimal
MONDAY = 1777852800


def _atoms(text: str, event_type: str = "Deposit", **options: Any) -> list[tuple[str, str, Any]]:
    (branch,) = branches_of(compile_condition(text, event_type, **options).checked)
    return _shapes(branch)


def _shapes(branch: Any) -> list[tuple[str, str, Any]]:
    return [(atom.operand.text, atom.kind, _shape(atom)) for atom in branch.atoms]


def _shape(atom: Atom) -> Any:
    if atom.kind == "range":
        return (atom.low, atom.high)
    return atom.keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('currency == "EUR"', [("currency", "set", {"EUR"})]),
        ('"EUR" == currency', [("currency", "set", {"EUR"})]),
        ('method_id in ["visa", "visa", "pix"]', [("method_id", "set", {"visa", "pix"})]),
        ('currency != "EUR"', [("currency", "not_set", {"EUR"})]),
        ('method_id not in ["visa"]', [("method_id", "not_set", {"visa"})]),
        ('not method_id in ["visa"]', [("method_id", "not_set", {"visa"})]),
        ('not currency != "EUR"', [("currency", "set", {"EUR"})]),
        ("balance_after == null", [("balance_after", "set", {None})]),
        ("balance_after is not null", [("balance_after", "not_set", {None})]),
        ("not balance_after is null", [("balance_after", "not_set", {None})]),
        ("amount >= 20", [("amount", "range", ((D(20), True), None))]),
        ("20 > amount", [("amount", "range", (None, (D(20), False)))]),
        ("amount >= 50 and amount < 200", [("amount", "range", ((D(50), True), (D(200), False)))]),
        ("amount > 5 and amount >= 7 and amount <= 9", [("amount", "range", ((D(7), True), (D(9), True)))]),
        ("amount >= 5 and amount != 7", [("amount", "range", ((D(5), True), None)), ("amount", "not_set", {D(7)})]),
        ('amount in [1, 5, 9] and amount > 2', [("amount", "set", {D(5), D(9)})]),
        ("hour(event.timestamp) >= 20", [("hour(event.timestamp)", "set", {20, 21, 22, 23})]),
        ('weekday(event.timestamp, "Europe/Malta") in [6, 7] and weekday(event.timestamp, "Europe/Malta") != 7',
         [('weekday(event.timestamp, "Europe/Malta")', "set", {6})]),
        ('lower(currency) == "eur"', [("lower(currency)", "set", {"eur"})]),
        ("amount * 100 >= 2500", [("amount", "range", ((D(25), True), None))]),
        ("-4 * amount > 10", [("amount", "range", (None, (D("-2.5"), False)))]),
        ("amount * 100 == 7", [("amount", "set", frozenset({D("0.07")}))]),
        ("amount * 3 >= 10", [("amount * 3", "range", ((D(10), True), None))]),  # 10 / 3 is not exact
        ("amount > balance_after", [("amount - balance_after", "range", ((D(0), False), None))]),
        ("balance_after <= amount", [("balance_after - amount", "range", (None, (D(0), True)))]),
        ("(amount + 1) * 100 >= 2500", [("(amount + 1) * 100", "range", ((D(2500), True), None))]),
        ('amount > 1 and (currency == "EUR" or currency in ["USD"])',
         [("amount", "range", ((D(1), False), None)), ("currency", "set", {"EUR", "USD"})]),
        ('event.timestamp >= "2026-05-04T00:00:00Z"', [("event.timestamp", "range", ((MONDAY, True), None))]),
        ("not not (amount > 3)", [("amount", "range", ((D(3), False), None))]),
        # a negated ordering of an operand that is never null is the other side's range
        ("not (amount > 3)", [("amount", "range", (None, (D(3), True)))]),
        ("not (3 <= amount)", [("amount", "range", (None, (D(3), False)))]),
        ("not (amount * 100 < 250)", [("amount", "range", ((D("2.5"), True), None))]),
        ('not (event.timestamp < "2026-05-04T00:00:00Z")', [("event.timestamp", "range", ((MONDAY, True), None))]),
        # an operand of few values that may be null: the values outside the range, null among them
        ("not (hour(event.timestamp) < 20)", [("hour(event.timestamp)", "set", {20, 21, 22, 23, None})]),
        # De Morgan's laws: not (a or b) is not a and not b
        ('not (amount < 5 or currency == "EUR")',
         [("amount", "range", ((D(5), True), None)), ("currency", "not_set", {"EUR"})]),
        ('amount < 100 and not (method_id in ["pix"] or not (currency == "EUR"))',
         [("amount", "range", (None, (D(100), False))), ("method_id", "not_set", {"pix"}),
          ("currency", "set", {"EUR"})]),
    ],
)
def test_clauses_become_atoms(text: str, expected: list[tuple[str, str, Any]]) -> None:
    assert _atoms(text) == [(operand, kind, frozenset(shape) if isinstance(shape, set) else shape)
                            for operand, kind, shape in expected]


def test_booleans_channels_and_what_stays_residual() -> None:
    assert _atoms("is_free_spin", "Transaction") == [("is_free_spin", "set", frozenset({True}))]
    assert _atoms("not is_free_spin", "Transaction") == [("is_free_spin", "set", frozenset({False, None}))]
    assert _atoms('channel_type in ["MobileWeb"]', "PlayerLogin") == [
        ("channel_type", "set", frozenset({ChannelType.MobileWeb}))
    ]
    checked = compile_condition(
        'ctx.vip > 1 and game_win >= game_bet + 10 and not (game_win > game_bet) and (is_free_spin or ctx.vip > 3)',
        "Transaction", context={"vip": "number"},
    ).checked
    (branch,) = branches_of(checked)
    assert branch.atoms == ()
    assert [node.text for node in branch.residual] == [
        "ctx.vip > 1", "game_win >= game_bet + 10", "not game_win > game_bet", "is_free_spin or ctx.vip > 3",
    ]
    # null fails every ordering, so not (x > 2) holds for it: x <= 2 or x is null, two branches
    negated = compile_condition("amount > 1 and not (balance_after > 2)", "Deposit").checked
    assert [_shapes(branch) for branch in branches_of(negated)] == [
        [("amount", "range", ((D(1), False), None)), ("balance_after", "range", (None, (D(2), True)))],
        [("amount", "range", ((D(1), False), None)), ("balance_after", "set", {None})],
    ]


def test_a_formula_under_not_is_read_by_its_parts_and_adds_no_facet() -> None:
    """A value is looked up (a boolean field, a function call); a formula by the operands it compares.

    One facet per distinct formula would make every match visit thousands of one-campaign facets.
    """
    assert _atoms('not contains(method_id, "vi")') == [
        ('contains(method_id, "vi")', "set", frozenset({False, None}))
    ]
    checked = compile_condition('amount > 1 and not (amount >= 5 and currency == "EUR")', "Deposit").checked
    assert [(_shapes(branch), branch.residual) for branch in branches_of(checked)] == [
        ([("amount", "range", ((D(1), False), (D(5), False)))], ()),
        ([("amount", "range", ((D(1), False), None)), ("currency", "not_set", {"EUR"})], ()),
    ]
    (branch,) = branches_of(compile_condition("amount > 1 and not (amount >= 5 and ctx.vip)", "Deposit",
                                              context={"vip": "bool"}).checked)
    assert [node.text for node in branch.residual] == ["not (amount >= 5 and ctx.vip)"]  # a part holds no atom
    assert _atoms('(amount >= 5 and currency == "EUR") == false and (amount > 9) in [true]') == []
    campaigns = CampaignSet()
    for i in range(200):
        campaigns.add(f"c{i}", "Deposit", f'amount > 1 and not (amount >= {i} and method_id == "visa")')
    assert campaigns.stats().nodes == 2  # amount and method_id, not 200 facets
    deposit = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                       payload=Deposit(method_id="visa", currency="EUR", amount="50"))
    assert campaigns.match(deposit) == campaigns.match_naive(deposit) == [f"c{i}" for i in range(51, 200)]


def _bounds(branch: Any) -> list[tuple[str, Any, Any]]:
    return [(atom.operand.text, atom.low, atom.high) for atom in branch.atoms]


def test_a_scaled_comparison_splits_by_the_sign_of_its_factor() -> None:
    checked = compile_condition("round_finished and game_win >= game_bet * 37.5", "Transaction").checked
    positive, other = branches_of(checked)
    assert _bounds(positive) == [("game_bet", (0, False), None), ("game_win / game_bet", (Decimal("37.5"), True), None),
                                ("round_finished", None, None)]
    assert _bounds(other) == [("game_bet", None, (0, True)), ("round_finished", None, None)]
    assert [node.text for node in positive.residual] == [node.text for node in other.residual] == [
        "game_win >= game_bet * 37.5"]
    # either side, either order of the product; strict orderings bounded loosely (the check decides)
    for text, ratio, low, high in [
        ("2 * game_bet < real_bet", "real_bet / game_bet", (2, True), None),
        ("jackpot_win <= game_win * -1.5", "jackpot_win / game_win", None, (Decimal("-1.5"), True)),
        ("game_bet * 3 > real_bet + bonus_bet", "(real_bet + bonus_bet) / game_bet", None, (3, True)),
    ]:
        positive, _ = branches_of(compile_condition(text, "Transaction").checked)
        assert (ratio, low, high) in _bounds(positive), text


def test_scaled_comparisons_the_index_leaves_alone() -> None:
    wide = Limits(max_number_digits=100)
    for text in ("game_win == game_bet", "game_win != game_bet", "not game_win > game_bet"):  # null == null holds
        (branch,) = branches_of(compile_condition(text, "Transaction").checked)
        assert branch.atoms == (), text
    for text in ("game_win >= game_bet * ctx.vip", "game_win >= jackpot_bet * game_bet", "game_win >= 3 * 2",
                 "game_win >= game_bet * 1." + "1" * 60, "game_win == game_bet * 2", "game_win >= game_bet / 2"):
        checked = compile_condition(text, "Transaction", context={"vip": "number"}, limits=wide).checked
        (branch,) = branches_of(checked)
        assert all("/" not in atom.operand.text for atom in branch.atoms), text
    # one split per factor: each doubles the branches, up to the bound
    text = " and ".join(f"game_win >= game_bet * {k}" for k in range(1, 7))
    positive, _ = branches_of(compile_condition(text, "Transaction").checked)
    assert _bounds(positive)[1] == ("game_win / game_bet", (6, True), None)  # the tightest
    factors = ["game_bet", "real_bet", "bonus_bet", "jackpot_bet", "game_win", "jackpot_win"]
    text = " and ".join(f"game_win >= {factor} * 2" for factor in factors)
    assert len(branches_of(compile_condition(text, "Transaction").checked)) == MAX_BRANCHES


def test_contradictions_make_a_branch_impossible() -> None:
    for text in ("amount > 5 and amount < 2", "amount >= 5 and amount < 5", 'currency == "EUR" and currency == "USD"',
                 "hour(event.timestamp) > 30", "amount > 1 and false"):
        (branch,) = branches_of(compile_condition(text, "Deposit").checked)
        assert not branch.possible, text
    (branch,) = branches_of(compile_condition("amount >= 5 and amount <= 5", "Deposit").checked)
    assert branch.possible


def test_top_level_or_splits_into_branches_up_to_a_bound() -> None:
    checked = compile_condition('amount > 100 or (currency == "EUR" and amount > 10) or method_id == "pix"',
                                "Deposit").checked
    assert [len(branch.atoms) for branch in branches_of(checked)] == [1, 2, 1]
    wide = " or ".join(f"amount == {n}" for n in range(MAX_BRANCHES + 1))
    (single,) = branches_of(compile_condition(wide, "Deposit").checked)
    assert single.atoms[0].keys == frozenset(D(n) for n in range(MAX_BRANCHES + 1))  # one operand: one set
    spread = compile_condition('amount > 1 and (currency == "EUR" or method_id == "pix") and (amount < 9 or '
                               'balance_after is null)', "Deposit").checked  # or clauses spread over the rest
    assert [_shapes(branch) for branch in branches_of(spread)] == [
        [("amount", "range", ((D(1), False), (D(9), False))), ("currency", "set", {"EUR"})],
        [("amount", "range", ((D(1), False), None)), ("currency", "set", {"EUR"}), ("balance_after", "set", {None})],
        [("amount", "range", ((D(1), False), (D(9), False))), ("method_id", "set", {"pix"})],
        [("amount", "range", ((D(1), False), None)), ("method_id", "set", {"pix"}), ("balance_after", "set", {None})],
    ]
    nested = compile_condition('amount > 1 and (currency == "EUR" or method_id == "pix" and (amount < 9 or '
                               'balance_after is null))', "Deposit").checked  # an or within a part, in turn
    assert [_shapes(branch) for branch in branches_of(nested)] == [
        [("amount", "range", ((D(1), False), None)), ("currency", "set", {"EUR"})],
        [("amount", "range", ((D(1), False), (D(9), False))), ("method_id", "set", {"pix"})],
        [("amount", "range", ((D(1), False), None)), ("method_id", "set", {"pix"}), ("balance_after", "set", {None})],
    ]
    many = " and ".join(f'(currency == "C{i}" or method_id == "m{i}")' for i in range(5))
    branches = branches_of(compile_condition(many, "Deposit").checked)
    assert len(branches) == MAX_BRANCHES  # 2 * 2 * 2 * 2: the fifth or would make 32, so it is checked
    assert {tuple(node.text for node in branch.residual) for branch in branches} == {
        ('currency == "C4" or method_id == "m4"',)}
    negated = compile_condition('not (amount >= 5 and currency == "EUR" and not (method_id == "pix"))',
                                "Deposit").checked  # De Morgan's laws: not (a and b) is not a or not b
    assert [_shapes(branch) for branch in branches_of(negated)] == [
        [("amount", "range", (None, (D(5), False)))], [("currency", "not_set", {"EUR"})],
        [("method_id", "set", {"pix"})],
    ]
    mixed = " or ".join(f"(amount == {n} and currency == \"EUR\")" for n in range(MAX_BRANCHES + 1))
    (whole,) = branches_of(compile_condition(mixed, "Deposit").checked)
    assert whole.atoms == () and len(whole.residual) == 1


def test_an_active_window_is_a_range_on_the_timestamp() -> None:
    checked = compile_condition("event.timestamp < 1777900000 and amount > 1", "Deposit").checked
    (branch,) = branches_of(checked, (MONDAY, 1777939200))
    window = next(atom for atom in branch.atoms if atom.operand == TIMESTAMP)
    assert (window.low, window.high) == ((MONDAY, True), (D(1777900000), False))


def _index(campaigns: CampaignSet, event_type: EventType) -> EventIndex:
    return campaigns._store.views[event_type]


def _facet(index: EventIndex, text: str) -> Facet:
    return next(facet for operand, facet in index.facets.items() if operand.node.text == text)


def _ids(index: EventIndex, bits: int) -> list[str]:
    return sorted(index.slot(slot)[1] for slot in slots_of(bits))


def test_set_atoms_and_scopes_are_postings_of_one_index_per_event_type() -> None:
    campaigns = CampaignSet()
    campaigns.add("c0", "Transaction", 'game_id in ["g0", "g1"] and real_bet >= 0', brand_id="b-1")
    campaigns.add("c1", "Transaction", 'game_id in ["g1", "g2"] and real_bet >= 1', operator_id="op-1")
    campaigns.add("c2", "Transaction", "real_bet >= 2")
    index = _index(campaigns, EventType.TRANSACTION)
    games = _facet(index, "game_id")
    assert {key: _ids(index, bits) for key, bits in games.accept.items()} == {
        "g0": ["c0"], "g1": ["c0", "c1"], "g2": ["c1"]}
    assert _ids(index, games.constrained) == ["c0", "c1"]
    assert _ids(index, _facet(index, "event.brand_id").accept["b-1"]) == ["c0"]
    assert _ids(index, _facet(index, "event.operator_id").accept["op-1"]) == ["c1"]
    assert _facet(index, "event.brand_id").rank == 0 and index.order[0].rank == 0  # the scope comes first
    assert _ids(index, index.live) == ["c0", "c1", "c2"]
    for number in range(3):
        campaigns.remove(f"c{number}")
    assert campaigns._store.views == {}
    assert len(campaigns._store.operands) == 0


def test_ranges_are_found_by_bisection_over_sorted_bounds() -> None:
    campaigns = CampaignSet()
    for number, threshold in enumerate(["50", "5", "20.00", "20", "100", "7", "9"]):
        campaigns.add(f"ge{number}", "Deposit", f"amount >= {threshold}")
    campaigns.add("gt20", "Deposit", "amount > 20")
    campaigns.add("tier", "Deposit", "amount >= 10 and amount < 20")
    index = _index(campaigns, EventType.DEPOSIT)
    amount = _facet(index, "amount")
    entries = amount.lows.entries()
    assert entries == sorted(entries)
    assert [index.slot(slot)[1] for _, _, slot in entries] == ["ge1", "ge5", "ge6", "tier", "ge2", "ge3", "gt20",
                                                                "ge0", "ge4"]
    assert [index.slot(slot)[1] for _, _, slot in amount.highs.entries()] == ["tier"]
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("20")))
    assert campaigns.match(envelope) == ["ge1", "ge2", "ge3", "ge5", "ge6"]


def test_not_set_atoms_are_rejection_postings() -> None:
    campaigns = CampaignSet()
    campaigns.add("not-eur", "Deposit", 'currency != "EUR"')
    campaigns.add("not-visa", "Deposit", 'method_id not in ["visa", "pix"] and amount > 1')
    index = _index(campaigns, EventType.DEPOSIT)
    rejections = {text: {key: _ids(index, bits) for key, bits in _facet(index, text).excluded.items()}
                  for text in ("currency", "method_id")}
    assert rejections == {"currency": {"EUR": ["not-eur"]}, "method_id": {"visa": ["not-visa"], "pix": ["not-visa"]}}
    assert index.residual == 0


def test_impossible_branches_have_no_slot_and_freed_slots_are_reused() -> None:
    campaigns = CampaignSet()
    campaigns.add("never", "Deposit", "amount > 5 and amount < 2", brand_id="b-1")
    campaigns.add("pair", "Deposit", "amount > 0", operator_id="op-1", brand_id="b-1")
    campaigns.add("global", "Deposit", "amount > 0")
    index = _index(campaigns, EventType.DEPOSIT)
    assert (index.campaigns, index.live.bit_count()) == (3, 2)
    campaigns.remove("pair")
    campaigns.replace("global", "Deposit", "amount > 0 or amount < -5")
    campaigns.add("late", "Deposit", "amount > 1")
    index = _index(campaigns, EventType.DEPOSIT)
    # the replaced campaign keeps its slot and takes the one "pair" held for its second branch; "late"
    # takes a slot above both, so the slots stay in the set's order
    assert [index.slot(slot)[1] for slot in range(3)] == ["global", "global", "late"]
    assert index.disorder == 0
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("20")))
    assert campaigns.match(envelope) == ["global", "late"]  # in the set's order, not the slots'
    for campaign_id in ("never", "global", "late"):
        campaigns.remove(campaign_id)
    assert campaigns._store.views == {}


def test_changes_copy_only_what_they_touch_and_published_indexes_never_change() -> None:
    campaigns = CampaignSet()
    for number in range(40):
        campaigns.add(f"c{number}", "Transaction", f'currency == "C{number % 8}" and real_bet >= {number}',
                      brand_id=f"b-{number % 3}")
    campaigns.add("login", "PlayerLogin", 'country == "MT"')
    before = _index(campaigns, EventType.TRANSACTION)
    logins = _index(campaigns, EventType.PLAYER_LOGIN)
    shapes = {text: (facet, facet.constrained, dict(facet.accept), facet.lows.entries(), facet.every)
              for text in ("currency", "real_bet", "event.brand_id") for facet in [_facet(before, text)]}
    live = before.live
    campaigns.add("late", "Transaction", 'currency == "C1" and real_bet >= 3', brand_id="b-0")
    campaigns.remove("c0")
    assert before.live == live
    for facet, constrained, accept, lows, every in shapes.values():
        assert (facet.constrained, facet.accept, facet.lows.entries(), facet.every) == (constrained, accept, lows,
                                                                                        every)
    assert _index(campaigns, EventType.PLAYER_LOGIN) is logins
    after = _index(campaigns, EventType.TRANSACTION)
    assert after is not before and _facet(after, "currency") is not shapes["currency"][0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 12), st.sampled_from([0, 1]), st.booleans()), max_size=400),
       st.lists(st.integers(-1, 14), min_size=1, max_size=8))
def test_bounds_give_exactly_the_failing_slots(operations: list[tuple[bool, int, int, bool]],
                                               values: list[int]) -> None:
    # many equal bounds, both ranks, numbers of two scales (3 and 3.0): blocks split and merge
    for lower in (True, False):
        bounds = Bounds(lower)
        filed: dict[int, tuple[Any, int]] = {}
        for slot, (remove, value, rank, scaled) in enumerate(operations):
            bounds.add(D(value) if scaled else value, rank, slot)
            filed[slot] = (D(value) if scaled else value, rank)
            if remove and slot // 2 in filed:  # an earlier one out
                victim = slot // 2
                bounds.remove(*filed.pop(victim), victim)
        bounds.finish()
        assert sorted(filed.items(), key=lambda pair: (pair[1], pair[0])) == [
            (slot, (value, rank)) for value, rank, slot in bounds.entries()]
        assert all(size <= MAX_BLOCK for size in bounds.blocks())
        for value in values:
            fail, check = bounds.failing(D(value))
            assert check.bit_count() <= GROUP  # one group of one block at most
            for slot, (bound, rank) in filed.items():
                passes = (value > bound or (value == bound and rank == 0)) if lower else (
                    value < bound or (value == bound and rank == 1))
                assert (passes and not fail >> slot & 1) or (not passes and (fail >> slot & 1 or check >> slot & 1))
                assert not (fail >> slot & 1 and check >> slot & 1)


def test_deep_conditions_within_the_limits_index_without_recursion() -> None:
    roomy = Limits(max_depth=5000, max_nodes=100_000, max_source_length=1_000_000)
    campaigns = CampaignSet(limits=roomy)
    campaigns.add("chain", "Deposit", "amount" + " + 1" * 4000 + " > 5")
    campaigns.add("nots", "Deposit", "not " * 3000 + "amount > 5")
    campaigns.add("minus", "Deposit", "-" * 3000 + "amount < 0")
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("25")))
    assert campaigns.match(envelope) == campaigns.match_naive(envelope) == ["chain", "nots"]
    assert campaigns.explain("chain", envelope).matched


def _deposit(amount: str, brand_id: str = "b-1") -> Envelope:
    return Envelope(operator_id="op-1", brand_id=brand_id, player_id="p", timestamp=MONDAY,
                    payload=Deposit(method_id="visa", currency="EUR", amount=D(amount)))


def test_thousands_of_campaigns_sharing_a_bound_match_as_the_naive_loop() -> None:
    texts = ["amount >= 20", "amount > 20", "amount <= 20.00", "amount < 20", "amount >= 20.00 and amount < 20.5"]
    config = [{"id": f"c{number}", "event_type": "Deposit", "condition": texts[number % len(texts)],
               "brand_id": None if number % 3 else f"b-{number % 2}"} for number in range(3000)]
    campaigns = CampaignSet.from_json(config)
    amount = _facet(_index(campaigns, EventType.DEPOSIT), "amount")
    assert len(amount.lows.blocks()) > 10 and max(amount.lows.blocks()) <= MAX_BLOCK
    events = [_deposit(amount, brand) for amount in ("19.99", "20", "20.00", "20.01", "20.5", "0")
              for brand in ("b-0", "b-1")]
    for envelope in events:
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)
    campaigns.apply([CampaignChange.remove(f"c{number}") for number in range(0, 3000, 2)])
    campaigns.replace("c1", "Deposit", "amount >= 20", brand_id="b-1")
    for envelope in events:
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)


def test_huge_in_lists_and_many_operands_match_as_the_naive_loop() -> None:
    games = [f"g{number}" for number in range(5000)]
    campaigns = CampaignSet()
    campaigns.add("huge", "Transaction", f"game_id in {games!r}".replace("'", '"'))
    campaigns.add("huge-not", "Transaction", f"game_id not in {games[::2]!r}".replace("'", '"'))
    for number in range(60):  # many derived operands: hours in many offsets
        campaigns.add(f"h{number}", "Transaction",
                      f"real_bet * {number + 1} >= {number} and hour(event.timestamp) >= {number % 24}")
    for game in ("g0", "g1", "g4999", "other"):
        envelope = Envelope(
            operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY + 3600 * 13,
            payload=Transaction(provider_id="p", game_id=game, gameround_id="r", currency="EUR", game_bet=D(1),
                                bonus_bet=D(0), real_bet=D(1), jackpot_bet=D(0), game_win=D(0), jackpot_win=D(0),
                                is_free_spin=False, round_finished=True))
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)


def test_slots_out_of_order_are_marked_and_matches_keep_the_sets_order() -> None:
    campaigns = CampaignSet()
    for number in range(120):
        campaigns.add(f"c{number:03d}", "Deposit", f"amount > {number % 7}")
    for number in range(0, 100, 2):
        campaigns.remove(f"c{number:03d}")
    index = _index(campaigns, EventType.DEPOSIT)
    assert index.disorder == 0
    with mock.patch.object(_event_index, "_SPARE", 0):  # 50 holes are too many: reuse them
        for number in range(120, 140):
            campaigns.add(f"c{number:03d}", "Deposit", "amount > 3")
    index = _index(campaigns, EventType.DEPOSIT)
    assert index.disorder.bit_count() == 20 and max(slots_of(index.live)) == 119
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("5")))
    assert campaigns.match(envelope) == campaigns.match_naive(envelope)
    assert campaigns.match(envelope)[-20:] == [f"c{number}" for number in range(120, 140)]
    for number in range(120, 140):
        campaigns.remove(f"c{number:03d}")
    assert _index(campaigns, EventType.DEPOSIT).disorder == 0


def test_hours_and_weekdays_read_without_the_evaluator_match_exactly() -> None:
    campaigns = CampaignSet()
    conditions = {
        "evening-weekend": ('hour(event.timestamp, "Europe/Malta") >= 18'
                            ' and weekday(event.timestamp, "Europe/Malta") in [6, 7]'),
        "malta-morning": 'hour(event.timestamp, "Europe/Malta") in [6, 7, 8]',
        "odd-hours": 'hour(event.timestamp, "Europe/Malta") in [30, 7.5, 9]',  # 30 and 7.5 never hold
        "not-monday": 'weekday(event.timestamp, "Europe/Malta") != 1',
        "utc-night": "hour(event.timestamp) < 4 or weekday(event.timestamp) == 7",
        "tokyo-noon": 'hour(event.timestamp, "Asia/Tokyo") == 12 and amount > 5',
        "both-zones": 'hour(event.timestamp, "Asia/Tokyo") == 12 and hour(event.timestamp, "Europe/Malta") == 5',
    }
    for campaign_id, condition in conditions.items():
        campaigns.add(campaign_id, "Deposit", condition)
    texts = sorted(facet.operand.node.text for facet in _index(campaigns, EventType.DEPOSIT).facets.values())
    assert texts == ['amount', 'hour(event.timestamp)', 'hour(event.timestamp, "Asia/Tokyo")',
                     'hour(event.timestamp, "Europe/Malta")', 'weekday(event.timestamp)',
                     'weekday(event.timestamp, "Europe/Malta")']
    # every hour of two weeks around the end of summer time in Malta (27 October 2024)
    matched: set[str] = set()
    for moment in range(1729382400, 1729382400 + 14 * 86400, 3600):
        envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=moment,
                            payload=Deposit(method_id="visa", currency="EUR", amount=D("20")))
        found = campaigns.match(envelope)
        assert found == campaigns.match_naive(envelope)
        matched.update(found)
    assert matched == set(conditions)
    for campaign_id in conditions:
        campaigns.remove(campaign_id)
    assert campaigns._store.views == {}


def test_a_campaign_matched_by_several_branches_is_named_once() -> None:
    campaigns = CampaignSet()
    campaigns.add("three", "Deposit", "amount > 1 or amount > 2 or amount > 3")
    campaigns.add("one", "Deposit", "amount > 1")
    campaigns.add("two", "Deposit", "amount > 100 or currency == \"EUR\"")
    index = _index(campaigns, EventType.DEPOSIT)
    assert (index.followers.bit_count(), index.scattered, index.extra, index.chained) == (3, 0, 3, True)
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("5")))
    assert campaigns.match(envelope) == ["three", "one", "two"]
    # more branches than before: the first keeps its slot, the others go above "two" (scattered, out of order;
    # those right above a scattered one too, as their run does not start at the campaign's first branch)
    campaigns.replace("one", "Deposit", "amount > 9 or amount > 4 or amount > 3 or amount > 2")
    index = _index(campaigns, EventType.DEPOSIT)
    assert (slots_of(index.scattered), slots_of(index.followers), index.chained) == ([8, 7, 6], [5, 2, 1], True)
    assert slots_of(index.disorder) == [8, 7, 6]
    assert campaigns.match(envelope) == campaigns.match_naive(envelope) == ["three", "one", "two"]
    campaigns.remove("three")
    assert campaigns.match(envelope) == ["one", "two"]
    assert slots_of(_index(campaigns, EventType.DEPOSIT).followers) == [5]


def test_a_branch_right_above_a_scattered_branch_is_scattered_too() -> None:
    campaigns = CampaignSet()
    campaigns.add("x", "PlayerLogin", "true")
    campaigns.add("b", "Withdrawal", "true")
    campaigns.add("c", "Withdrawal", "true")
    campaigns.replace("x", "Withdrawal", 'currency == "SEK"')  # keeps its place: a slot out of order
    campaigns.remove("c")
    # first branch in c's slot, the second above x's (scattered), the third right above the second
    campaigns.add("new", "Withdrawal", "amount > 1 or amount > 100 or amount > 3")
    index = _index(campaigns, EventType.WITHDRAWAL)
    assert (slots_of(index.scattered), slots_of(index.followers)) == ([4, 3], [])
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Withdrawal(method_id="visa", currency="EUR", amount=D("25")))
    assert campaigns.match(envelope) == campaigns.match_naive(envelope) == ["b", "new"]


@pytest.mark.parametrize("changes", [
    [CampaignChange.replace("x", "Deposit", "amount >= 2"), CampaignChange.remove("x")],
    [CampaignChange.replace("x", "Deposit", "amount >= 2"), CampaignChange.replace("x", "Deposit", "amount >= 3"),
     CampaignChange.remove("x")],
    [CampaignChange.remove("x"), CampaignChange.add("x", "Deposit", "amount >= 2"), CampaignChange.remove("x")],
    [CampaignChange.replace("x", "Deposit", "amount >= 2"), CampaignChange.remove("x"),
     CampaignChange.add("x", "Deposit", "amount >= 3")],
])
def test_a_batch_that_changes_a_campaign_several_times_does_what_its_changes_do_in_turn(
        changes: list[CampaignChange]) -> None:
    batched, one_by_one = CampaignSet(), CampaignSet()
    for campaigns in (batched, one_by_one):
        campaigns.add("x", "Deposit", "amount >= 1")
        campaigns.add("y", "Deposit", "amount >= 1")
    batched.apply(changes)
    for change in changes:
        one_by_one.apply([change])
    assert list(batched) == list(one_by_one)
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("25")))
    assert batched.match(envelope) == batched.match_naive(envelope) == one_by_one.match(envelope)
    for campaigns in (batched, one_by_one):  # and the set goes on working
        if "x" in campaigns:
            campaigns.remove("x")
        campaigns.add("x", "Deposit", "amount >= 4")
        assert campaigns.match(envelope) == campaigns.match_naive(envelope) == ["y", "x"]


def test_many_matches_across_runs_of_ids_come_out_in_order() -> None:
    campaigns = CampaignSet()
    for number in range(5000):  # two runs of ids, with dense and sparse stretches of matches
        campaigns.add(f"c{number:04d}", "Deposit", f"amount > {number % 50 if number < 4500 else number}")
    for amount, expected in ((D("0.5"), 90), (D("25"), 2250), (D("4600"), 4600)):
        envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                            payload=Deposit(method_id="visa", currency="EUR", amount=amount))
        found = campaigns.match(envelope)
        assert found == campaigns.match_naive(envelope) and len(found) == expected


def test_a_large_batch_lays_the_id_tables_out_afresh_and_small_changes_leave_them() -> None:
    config = [{"id": f"c{number}", "event_type": "Deposit", "condition": f"amount >= {number % 40}",
               "brand_id": f"b-{number % 2}"} for number in range(_event_index._LAY_OUT + 500)]
    campaigns = CampaignSet.from_json(config)
    laid_out = _index(campaigns, EventType.DEPOSIT)
    rows = [row for table in laid_out._ids for row in table if row is not _event_index.ROW]
    slots = {laid_out.slot(slot)[1]: slot for slot in slots_of(laid_out.live)}
    assert sorted(text for row in rows for text in row if text) == sorted(slots)
    # every id is a copy of the one its slot keeps, made for the table
    assert all(text is not laid_out.slot(slots[text])[1] for row in rows for text in row if text)
    events = [_deposit(amount, brand) for amount in ("0", "7", "39", "100") for brand in ("b-0", "b-1")]
    answers = [campaigns.match(envelope) for envelope in events]
    assert answers == [campaigns.match_naive(envelope) for envelope in events]

    campaigns.add("late", "Deposit", "amount >= 1", brand_id="b-0")  # one change: one row copied, not laid out
    campaigns.remove("c3")
    after = _index(campaigns, EventType.DEPOSIT)
    changed = [(old, new) for old_table, new_table in zip(laid_out._ids, after._ids, strict=False)
               for old, new in zip(old_table, new_table, strict=True) if old is not new]
    assert len(changed) == 2
    assert [laid_out.match(envelope, MatchState({})) for envelope in events] == answers  # the published one
    for envelope in events:
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)
