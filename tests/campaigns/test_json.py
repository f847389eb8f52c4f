"""Campaign sets to and from JSON: round trips, and every bad entry reported at once with its id."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import (
    CampaignConfigError,
    CampaignError,
    CampaignSet,
    Deposit,
    Envelope,
    ThrillDropsError,
    condition_to_json,
)

from .strategies import CONTEXT, World, contexts, worlds

ENVELOPE = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800,
                    payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")))


def test_to_json_writes_every_campaign_in_order() -> None:
    campaigns = CampaignSet()
    campaigns.add("welcome", "Deposit", 'amount >= 20 and currency == "EUR"', brand_id="b-7")
    campaigns.add("any", "PlayerLogin", "country is null", operator_id="op-1")
    assert campaigns.to_json() == [
        {
            "id": "welcome",
            "event_type": "Deposit",
            "operator_id": None,
            "brand_id": "b-7",
            "condition": {"version": 1, "condition": {"op": "and", "args": [
                {"op": ">=", "args": [{"field": "amount"}, {"number": "20"}]},
                {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]},
            ]}},
        },
        {
            "id": "any",
            "event_type": "PlayerLogin",
            "operator_id": "op-1",
            "brand_id": None,
            "condition": {"version": 1, "condition": {"op": "is null", "args": [{"field": "country"}]}},
        },
    ]


def test_from_json_reads_lists_text_and_bytes_and_condition_text() -> None:
    entries: list[dict[str, Any]] = [
        {"id": "a", "event_type": "Deposit", "condition": "amount >= 20"},
        {"id": "b", "event_type": "Deposit", "brand_id": "b-7", "operator_id": None,
         "condition": {"version": 1, "condition": {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}}},
    ]
    for data in (entries, json.dumps(entries), json.dumps(entries).encode()):
        campaigns = CampaignSet.from_json(data)
        assert [c.id for c in campaigns] == ["a", "b"]
        assert campaigns.match(ENVELOPE) == ["a", "b"]


def test_from_json_passes_functions_and_context_on() -> None:
    entries = [{"id": "vip", "event_type": "Deposit", "condition": "ctx.vip >= 2"}]
    with pytest.raises(CampaignConfigError):
        CampaignSet.from_json(entries)
    campaigns = CampaignSet.from_json(entries, context={"vip": "number"})
    assert campaigns.match(ENVELOPE, ctx={"vip": 3}) == ["vip"]


@settings(max_examples=40)
@given(worlds(), st.data())
def test_round_trip_keeps_campaigns_order_and_answers(world: World, data: st.DataObject) -> None:
    campaigns = CampaignSet(context=CONTEXT)
    for campaign_id, event_type, node, operator_id, brand_id in world.campaigns:
        campaigns.add(campaign_id, event_type, condition_to_json(node), operator_id=operator_id, brand_id=brand_id)
    saved = json.dumps(campaigns.to_json())
    loaded = CampaignSet.from_json(saved, context=CONTEXT)
    assert list(loaded) == list(campaigns)
    assert json.dumps(loaded.to_json()) == saved
    for envelope in world.envelopes:
        ctx = data.draw(contexts())
        try:
            expected = campaigns.match(envelope, ctx=ctx)
        except ThrillDropsError as error:
            with pytest.raises(type(error)):
                loaded.match(envelope, ctx=ctx)
        else:
            assert loaded.match(envelope, ctx=ctx) == expected


def test_every_bad_entry_is_reported_at_once_with_its_id() -> None:
    entries: list[Any] = [
        {"id": "good", "event_type": "Deposit", "condition": "amount >= 20"},
        {"id": "typo", "event_type": "Deposit", "condition": "amout >= 20"},
        {"id": "syntax", "event_type": "Deposit", "condition": "amount >="},
        {"id": "good", "event_type": "Deposit", "condition": "amount >= 1"},
        {"id": "kind", "event_type": "Depost", "condition": "amount >= 1"},
        "not an object",
        {"event_type": "Deposit", "condition": "amount >= 1"},
        {"id": "scope", "event_type": "Deposit", "condition": "amount >= 1", "brand": "b-7", "operator_id": ""},
        {"id": "json-form", "event_type": "Deposit", "condition": {"version": 1, "condition": {"op": "??"}}},
    ]
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json(entries)
    error = caught.value
    assert isinstance(error, CampaignError)
    assert isinstance(error, ValueError)
    assert error.kind == "invalid_config"
    found = [(p.path, p.kind, campaign_id) for p, campaign_id in zip(error.problems, error.campaign_ids, strict=True)]
    assert found == [
        ("1.condition", "condition_type", "typo"),
        ("2.condition", "condition_syntax", "syntax"),
        ("3.id", "duplicate_id", "good"),
        ("4.event_type", "unknown_event_type", "kind"),
        ("5", "not_an_object", None),
        ("6.id", "missing", None),
        ("7.brand", "unknown_key", "scope"),
        ("7.operator_id", "invalid_scope", "scope"),
        ("8.condition", "condition_syntax", "json-form"),
    ]
    text = str(error)
    assert text.splitlines()[0] == "9 problems in the campaign configuration"
    assert "  1.condition: campaign 'typo': line 1, column 1: unknown field 'amout' in Deposit" in text
    assert "did you mean 'Deposit'?" in text
    assert "duplicate id (entry 0 has it too)" in text
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problems, copy.campaign_ids, str(copy)) == (error.problems, error.campaign_ids, text)


@pytest.mark.parametrize(
    ("data", "kind"),
    [("{not json", "json_invalid"), (b"[1,", "json_invalid"), ({"id": "a"}, "not_a_list"), (42, "not_a_list"),
     ('{"id": "a"}', "not_a_list")],
)
def test_a_document_that_is_not_a_list_is_one_problem(data: Any, kind: str) -> None:
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json(data)
    assert [p.kind for p in caught.value.problems] == [kind]


def test_an_empty_list_is_an_empty_set() -> None:
    assert len(CampaignSet.from_json([])) == 0
    assert CampaignSet().to_json() == []
