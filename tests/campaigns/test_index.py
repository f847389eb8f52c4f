"""The index behind CampaignSet: which clauses become atoms, and how branches are filed and found."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import CampaignSet, ChannelType, Deposit, Envelope, EventType, compile_condition
from thrilldrops_events.campaigns._atoms import MAX_BRANCHES, TIMESTAMP, Atom, branches_of
from thrilldrops_events.campaigns._filing import CAPACITY
from thrilldrops_events.campaigns._nodes import Node
from thrilldrops_events.campaigns._scope_index import ScopeIndex
from thrilldrops_events.conditions import Limits

D = Decimal
MONDAY = 1777852800


def _atoms(text: str, event_type: str = "Deposit", **options: Any) -> list[tuple[str, str, Any]]:
    (branch,) = branches_of(compile_condition(text, event_type, **options).checked)
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
        ("amount * 100 >= 2500", [("amount * 100", "range", ((D(2500), True), None))]),
        ('amount > 1 and (currency == "EUR" or currency in ["USD"])',
         [("amount", "range", ((D(1), False), None)), ("currency", "set", {"EUR", "USD"})]),
        ('event.timestamp >= "2026-05-04T00:00:00Z"', [("event.timestamp", "range", ((MONDAY, True), None))]),
        ("not not (amount > 3)", [("amount", "range", ((D(3), False), None))]),
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
        'ctx.vip > 1 and game_win >= game_bet * 10 and not (real_bet > 2) and (is_free_spin or round_finished)',
        "Transaction", context={"vip": "number"},
    ).checked
    (branch,) = branches_of(checked)
    assert branch.atoms == ()
    assert [node.text for node in branch.residual] == [
        "ctx.vip > 1", "game_win >= game_bet * 10", "not real_bet > 2", "is_free_spin or round_finished",
    ]


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
    mixed = " or ".join(f"(amount == {n} and currency == \"EUR\")" for n in range(MAX_BRANCHES + 1))
    (whole,) = branches_of(compile_condition(mixed, "Deposit").checked)
    assert whole.atoms == () and len(whole.residual) == 1


def test_an_active_window_is_a_range_on_the_timestamp() -> None:
    checked = compile_condition("event.timestamp < 1777900000 and amount > 1", "Deposit").checked
    (branch,) = branches_of(checked, (MONDAY, 1777939200))
    window = next(atom for atom in branch.atoms if atom.operand == TIMESTAMP)
    assert (window.low, window.high) == ((MONDAY, True), (D(1777900000), False))


def _index(campaigns: CampaignSet, event_type: EventType, scope: tuple[str | None, str | None] = (None, None)
           ) -> ScopeIndex:
    return campaigns._store.views[event_type][scope]


def _nodes(root: Node) -> list[Node]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(child for _, table, _ in node.tables for child in table.values())
    return out


def test_a_table_forms_where_enough_branches_share_an_operand() -> None:
    campaigns = CampaignSet()
    campaigns.add("c0", "Transaction", 'game_id in ["g0", "g1"] and real_bet >= 0')
    campaigns.add("c1", "Transaction", 'game_id in ["g1", "g2"] and real_bet >= 1')
    root = _index(campaigns, EventType.TRANSACTION).root
    assert root.tables == () and len(root.entries) == 2  # few: checked one by one
    for number in range(2, CAPACITY + 2):
        campaigns.add(f"c{number}", "Transaction",
                      f'game_id in ["g{number}", "g{number + 1}"] and real_bet >= {number}')
    root = _index(campaigns, EventType.TRANSACTION).root
    assert [operand.node.text for _, _, operand in root.tables] == ["game_id"]
    assert root.entries == ()
    (_, table, _) = root.tables[0]
    assert sorted(table) == sorted(f"g{n}" for n in range(CAPACITY + 3))
    for number in range(CAPACITY + 2):
        campaigns.remove(f"c{number}")
    assert campaigns._store.views == {}


def test_branches_are_found_in_their_family_by_bisection_and_returned_whole() -> None:
    campaigns = CampaignSet()
    for number, threshold in enumerate(["50", "5", "20.00", "20", "100", "7", "9"]):
        campaigns.add(f"ge{number}", "Deposit", f"amount >= {threshold}")
    root = _index(campaigns, EventType.DEPOSIT).root
    (family,) = root.families
    ((_, bounds, values, checked),) = family.runs
    assert not checked and bounds == sorted(bounds)
    assert [campaign_id for _, campaign_id in values] == ["ge1", "ge5", "ge6", "ge2", "ge3", "ge0", "ge4"]
    envelope = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                        payload=Deposit(method_id="visa", currency="EUR", amount=D("20")))
    assert campaigns.match(envelope) == ["ge1", "ge2", "ge3", "ge5", "ge6"]


def test_not_set_atoms_are_complement_postings() -> None:
    campaigns = CampaignSet()
    campaigns.add("not-eur", "Deposit", 'currency != "EUR"')
    campaigns.add("not-visa", "Deposit", 'method_id not in ["visa", "pix"] and amount > 1')
    index = _index(campaigns, EventType.DEPOSIT)
    rejections = {operand.node.text: {key: sorted(cid for _, cid in items) for key, items in table.items()}
                  for _, table, operand in index.negatives}
    assert rejections == {"currency": {"EUR": ["not-eur"]}, "method_id": {"visa": ["not-visa"], "pix": ["not-visa"]}}
    assert index.root.done[0][1] == "not-eur"  # nothing positive to decide: returned, unless ruled out


def test_impossible_branches_are_not_filed_and_scopes_have_their_own_index() -> None:
    campaigns = CampaignSet()
    campaigns.add("never", "Deposit", "amount > 5 and amount < 2", brand_id="b-1")
    campaigns.add("pair", "Deposit", "amount > 0", operator_id="op-1", brand_id="b-1")
    campaigns.add("global", "Deposit", "amount > 0")
    views = campaigns._store.views[EventType.DEPOSIT]
    assert set(views) == {(None, "b-1"), ("op-1", "b-1"), (None, None)}
    assert (views[(None, "b-1")].campaigns, views[(None, "b-1")].branches) == (1, 0)
    campaigns.remove("never")
    assert set(campaigns._store.views[EventType.DEPOSIT]) == {("op-1", "b-1"), (None, None)}
    campaigns.remove("pair")
    campaigns.remove("global")
    assert campaigns._store.views == {}
    assert len(campaigns._store.operands) == 0


def test_changes_copy_only_their_path_and_published_nodes_never_change() -> None:
    campaigns = CampaignSet()
    for number in range(40):
        campaigns.add(f"c{number}", "Transaction", f'currency == "C{number % 8}" and real_bet >= {number}',
                      brand_id=f"b-{number % 3}")
    before = _index(campaigns, EventType.TRANSACTION, (None, "b-0"))
    untouched = _index(campaigns, EventType.TRANSACTION, (None, "b-1"))
    shapes = [(node, (node.done, node.entries, node.tables, node.families)) for node in _nodes(before.root)]
    tables = [(table, dict(table)) for node, _ in shapes for _, table, _ in node.tables]
    campaigns.add("late", "Transaction", 'currency == "C1" and real_bet >= 3', brand_id="b-0")
    campaigns.remove("c0")
    assert all((node.done, node.entries, node.tables, node.families) == parts for node, parts in shapes)
    assert all(table == copy for table, copy in tables)
    assert _index(campaigns, EventType.TRANSACTION, (None, "b-1")) is untouched
    after = _index(campaigns, EventType.TRANSACTION, (None, "b-0"))
    shared = {id(node) for node in _nodes(before.root)} & {id(node) for node in _nodes(after.root)}
    assert shared  # the tables of other currencies are shared, not copied


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
