"""``CampaignSet.match`` gives exactly the answer of evaluating every campaign's condition in turn.

Proved on Hypothesis-made campaign sets and events: conditions built from the values the events
hold (equality, ``in``, null tests and ranges on payload and envelope fields, numbers written with
other scales, timestamps as ISO date-times, channels by name), random well-typed conditions,
nullable fields, unknown fields, context values (present, absent, null), and the set changed by
removals and replacements after it was built.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import CampaignSet, ConditionEvaluationError, Envelope, condition_to_json
from thrilldrops_events.conditions.nodes import Node

from .strategies import CONTEXT, World, contexts, worlds


def _outcome(match: Any, envelope: Envelope, ctx: dict[str, Any] | None) -> Any:
    try:
        return match(envelope, ctx=ctx)
    except ConditionEvaluationError:
        return "ConditionEvaluationError"


def _source(node: Node, form: int) -> Any:
    return node.text if form == 0 else condition_to_json(node)


def _check(campaigns: CampaignSet, world: World, data: st.DataObject) -> None:
    for envelope in world.envelopes:
        ctx = data.draw(contexts())
        expected = _outcome(campaigns.match_naive, envelope, ctx)
        assert _outcome(campaigns.match, envelope, ctx) == expected
        if isinstance(expected, list):
            for campaign in campaigns:
                assert campaigns.explain(campaign.id, envelope, ctx=ctx).matched is (campaign.id in expected)


@settings(max_examples=150)
@given(worlds(), st.data())
def test_match_equals_the_naive_loop(world: World, data: st.DataObject) -> None:
    campaigns = CampaignSet(context=CONTEXT)
    for campaign_id, event_type, node, operator_id, brand_id in world.campaigns:
        campaigns.add(campaign_id, event_type, _source(node, data.draw(st.integers(0, 1))),
                      operator_id=operator_id, brand_id=brand_id)
    _check(campaigns, world, data)


@settings(max_examples=60)
@given(worlds(max_campaigns=10), st.data())
def test_match_equals_the_naive_loop_after_removals_and_replacements(world: World, data: st.DataObject) -> None:
    rows = world.campaigns
    campaigns = CampaignSet(context=CONTEXT)
    for campaign_id, event_type, node, operator_id, brand_id in rows:
        campaigns.add(campaign_id, event_type, node.text, operator_id=operator_id, brand_id=brand_id)
    for _ in range(data.draw(st.integers(1, 6))):
        campaign_id, _, _, _, _ = data.draw(st.sampled_from(rows))
        action = data.draw(st.integers(0, 2))
        if action == 0 and campaign_id in campaigns:
            campaigns.remove(campaign_id)
        elif action == 1:
            _, event_type, node, operator_id, brand_id = data.draw(st.sampled_from(rows))
            if campaign_id in campaigns:
                campaigns.replace(campaign_id, event_type, node.text, operator_id=operator_id, brand_id=brand_id)
            else:
                campaigns.add(campaign_id, event_type, node.text, operator_id=operator_id, brand_id=brand_id)
        _check(campaigns, world, data)


@settings(max_examples=40)
@given(worlds(max_campaigns=30), st.data())
def test_match_equals_the_naive_loop_on_larger_sets(world: World, data: st.DataObject) -> None:
    campaigns = CampaignSet(context=CONTEXT)
    for campaign_id, event_type, node, operator_id, brand_id in world.campaigns:
        campaigns.add(campaign_id, event_type, node.text, operator_id=operator_id, brand_id=brand_id)
    for envelope in world.envelopes:
        ctx = data.draw(contexts())
        assert _outcome(campaigns.match, envelope, ctx) == _outcome(campaigns.match_naive, envelope, ctx)
