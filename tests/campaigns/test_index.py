"""The index behind CampaignSet: which clauses become look-ups, and where campaigns are filed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thrilldrops_events import CampaignSet, ChannelType, EventType, compile_condition
from thrilldrops_events.campaigns._clauses import discriminators
from thrilldrops_events.campaigns._index import Bucket


def _found(text: str, event_type: str = "Deposit") -> dict[int, tuple[str, str, frozenset[object]]]:
    return discriminators(compile_condition(text, event_type).checked)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('currency == "EUR"', {0: ("payload", "currency", frozenset({"EUR"}))}),
        ('"EUR" == currency', {0: ("payload", "currency", frozenset({"EUR"}))}),
        ("amount >= 1 and amount == 20.0", {1: ("payload", "amount", frozenset({Decimal(20)}))}),
        ('method_id in ["visa", "visa", "pix"]', {0: ("payload", "method_id", frozenset({"visa", "pix"}))}),
        ("method_id in []", {0: ("payload", "method_id", frozenset())}),
        ('event.brand_id == "b-7" and currency != "EUR"', {0: ("event", "brand_id", frozenset({"b-7"}))}),
        ('event.timestamp == "2026-05-04T00:00:00Z"', {0: ("event", "timestamp", frozenset({1777852800}))}),
        ('currency != "EUR"', {}),
        ('method_id not in ["visa"]', {}),
        ("balance_after == null", {}),
        ('currency == "EUR" or amount > 1', {}),
        ('not currency == "EUR"', {}),
        ('lower(currency) == "eur"', {}),
        ("amount + 1 == 2", {}),
    ],
)
def test_discriminating_clauses(text: str, expected: dict[int, object]) -> None:
    assert _found(text) == expected


def test_channels_are_keyed_by_member_and_booleans_and_context_are_not_indexed() -> None:
    assert _found('channel_type in ["MobileWeb"]', "PlayerLogin") == {
        0: ("payload", "channel_type", frozenset({ChannelType.MobileWeb}))
    }
    assert _found("is_free_spin == true and round_finished", "Transaction") == {}
    checked = compile_condition('ctx.segment == "vip"', "Deposit", context={"segment": "string"}).checked
    assert discriminators(checked) == {}


def _bucket(campaigns: CampaignSet, event_type: EventType) -> Bucket:
    return campaigns._store.views[event_type][(None, None)]


def test_campaigns_are_filed_under_their_most_selective_field() -> None:
    campaigns = CampaignSet()
    for number in range(60):
        campaigns.add(f"c{number}", "Transaction", f'currency == "EUR" and game_id in ["g{number}", "g{number + 1}"]')
    bucket = _bucket(campaigns, EventType.TRANSACTION)
    tables = {read.__reduce__()[1][0]: table for read, table in bucket.probes}  # attrgetter's path
    assert set(tables) == {"payload.game_id"}  # 61 game ids beat one currency
    filed = 0
    for groups, families in tables["payload.game_id"].values():
        assert groups == ()
        ((_, cut, _, _, by_currency),) = families  # then a look-up on currency
        assert cut is None
        assert list(by_currency) == ["EUR"]
        filed += sum(len(keys) for _, keys in by_currency["EUR"])
    assert filed == 120  # each campaign under its two game ids
    assert bucket.residual is None


def test_campaigns_without_a_discriminator_are_looked_at_for_every_event() -> None:
    campaigns = CampaignSet()
    campaigns.add("bool", "Transaction", "is_free_spin")
    campaigns.add("never", "Transaction", "game_id in [] and real_bet >= 1")
    bucket = _bucket(campaigns, EventType.TRANSACTION)
    assert bucket.residual is not None
    groups, families = bucket.residual
    assert [[campaign_id for _, campaign_id in keys] for _, keys in groups] == [["bool"]]
    assert families == ()
    assert all(not table for _, table in bucket.probes)  # "never" is filed under no key at all


def test_range_clauses_are_sorted_thresholds() -> None:
    campaigns = CampaignSet()
    for number, threshold in enumerate(["50", "5", "20.00", "20", "100"]):
        campaigns.add(f"ge{number}", "Deposit", f"amount >= {threshold} and not method_id == \"pix\"")
    campaigns.add("lt", "Deposit", "10 > amount")
    campaigns.add("call", "Deposit", "hour(event.timestamp) < 6")
    bucket = _bucket(campaigns, EventType.DEPOSIT)
    assert bucket.residual is not None
    groups, families = bucket.residual
    assert groups == ()
    thresholds = sorted(str(thresholds) for _, _, _, thresholds, _ in families)
    assert thresholds == [
        "[Decimal('10')]", "[Decimal('5'), Decimal('20.00'), Decimal('50'), Decimal('100')]", "[Decimal('6')]"
    ]
    ge = next(members for _, _, _, thresholds, members in families if len(thresholds) == 4)
    ids = [[campaign_id for _, campaign_id in keys] for _, keys in ge]
    assert ids == [["ge1"], ["ge2", "ge3"], ["ge0"], ["ge4"]]


def test_equality_on_computed_values_is_a_second_look_up() -> None:
    campaigns = CampaignSet()
    for day in range(1, 8):
        campaigns.add(f"d{day}", "Transaction", f'currency == "EUR" and weekday(event.timestamp) == {day}')
    bucket = _bucket(campaigns, EventType.TRANSACTION)
    ((_, table),) = bucket.probes
    groups, families = table["EUR"]
    assert groups == ()
    ((_, cut, _, _, by_day),) = families
    assert cut is None  # a look-up, not a bisection
    assert sorted(by_day) == [Decimal(day) for day in range(1, 8)]
    assert [[campaign_id for _, campaign_id in keys] for _, keys in by_day[Decimal(3)]] == [["d3"]]


def test_views_hold_every_scope_an_event_can_be_in() -> None:
    campaigns = CampaignSet()
    campaigns.add("pair", "Deposit", "amount > 0", operator_id="op-1", brand_id="b-1")
    campaigns.add("operator", "Deposit", "amount > 0", operator_id="op-1")
    campaigns.add("brand", "Deposit", "amount > 0", brand_id="b-1")
    campaigns.add("global", "Deposit", "amount > 0")
    views = campaigns._store.views[EventType.DEPOSIT]
    assert set(views) == {("op-1", "b-1"), ("op-1", None), (None, "b-1"), (None, None)}

    def held(view: tuple[str | None, str | None]) -> list[str]:
        residual = views[view].residual
        assert residual is not None
        _, families = residual
        return sorted(cid for *_, members in families for _, keys in members for _, cid in keys)

    assert held(("op-1", "b-1")) == ["brand", "global", "operator", "pair"]
    assert held(("op-1", None)) == ["global", "operator"]
    assert held((None, "b-1")) == ["brand"]
    assert held((None, None)) == ["global"]
    campaigns.remove("pair")
    assert set(campaigns._store.views[EventType.DEPOSIT]) == {("op-1", None), (None, "b-1"), (None, None)}


def test_removing_every_campaign_drops_the_bucket() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", 'currency == "EUR"', brand_id="b")
    campaigns.add("b", "Deposit", "amount > 1", brand_id="b")
    campaigns.remove("a")
    campaigns.remove("b")
    assert campaigns._store.views == {}
    assert campaigns._store.indexes == {}
    assert campaigns._store.clauses == {}


def test_identical_clauses_are_shared_and_released() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", 'amount >= 20 and currency == "EUR"')
    campaigns.add("b", "Deposit", 'amount >= 20 and currency == "USD"', brand_id="b-1")
    shared = campaigns._store.clauses[(EventType.DEPOSIT, compile_condition("amount >= 20", "Deposit").node)]
    assert shared.users == 2
    campaigns.remove("a")
    assert shared.users == 1
    assert len(campaigns._store.clauses) == 2
