"""The index behind CampaignSet: which clauses become look-ups, and where campaigns are filed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thrilldrops_events import CampaignSet, ChannelType, EventType, compile_condition
from thrilldrops_events._campaign_index import Bucket, discriminators


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
    return campaigns._buckets[(event_type, None, None)]


def test_campaigns_are_filed_under_their_most_selective_field() -> None:
    campaigns = CampaignSet()
    for number in range(60):
        campaigns.add(f"c{number}", "Transaction", f'currency == "EUR" and game_id in ["g{number}", "g{number + 1}"]')
    bucket = _bucket(campaigns, EventType.TRANSACTION)
    tables = {read.__reduce__()[1][0]: table for read, table in bucket.probes}  # attrgetter's path
    assert set(tables) == {"payload.game_id"}  # 61 game ids beat one currency
    assert sum(len(entries) for groups in tables["payload.game_id"].values() for _, entries in groups) == 120
    assert bucket.residual == ()


def test_campaigns_without_a_discriminator_are_evaluated_for_every_event() -> None:
    campaigns = CampaignSet()
    campaigns.add("range", "Deposit", "amount >= 1")
    campaigns.add("never", "Deposit", "method_id in [] and amount >= 1")
    bucket = _bucket(campaigns, EventType.DEPOSIT)
    assert [[entry.campaign_id for entry in entries] for _, entries in bucket.residual] == [["range"]]
    assert all(not table for _, table in bucket.probes)  # "never" is filed under no key at all


def test_removing_every_campaign_drops_the_bucket() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", 'currency == "EUR"', brand_id="b")
    campaigns.add("b", "Deposit", "amount > 1", brand_id="b")
    campaigns.remove("a")
    campaigns.remove("b")
    assert campaigns._buckets == {}
    assert campaigns._clauses == {}


def test_identical_clauses_are_shared_and_released() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", 'amount >= 20 and currency == "EUR"')
    campaigns.add("b", "Deposit", 'amount >= 20 and currency == "USD"', brand_id="b-1")
    shared = campaigns._clauses[(EventType.DEPOSIT, compile_condition("amount >= 20", "Deposit").node)]
    assert shared.users == 2
    campaigns.remove("a")
    assert shared.users == 1
    assert len(campaigns._clauses) == 2
