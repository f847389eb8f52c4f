"""``CampaignSet.match`` gives exactly the answer of evaluating every campaign's condition in turn.

Proved on Hypothesis-made campaign sets and events: conditions built from the values the events
hold (equality, ``in``, ``not in``, ``!=``, null tests, one- and two-sided ranges on payload and
envelope fields, hour windows and other derived values, numbers written with other scales,
timestamps as ISO date-times, channels by name), top-level ``or`` split into branches, random
well-typed conditions, nullable fields, unknown fields, context values (present, absent, null),
active windows around the events' timestamps, scaled comparisons (``x >= y * k``) on factors of
every sign, and the set changed afterwards by single changes,
atomic batches (one that changes a campaign several times does what its changes do in turn) and
reloads of its configuration (conditions as text or JSON form, engine fields JSON tells apart), and
copies of the set.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import CampaignChange, CampaignSet, ConditionEvaluationError, Envelope, condition_to_json
from thrilldrops_events.conditions.nodes import Node

from .strategies import CONTEXT, Row, World, contexts, dense_worlds, scaled_worlds, worlds


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


def _filled(world: World, data: st.DataObject) -> CampaignSet:
    campaigns = CampaignSet(context=CONTEXT)
    for row in world.campaigns:
        campaigns.add(row.id, row.event_type, _source(row.node, data.draw(st.integers(0, 1))), **row.options())
    return campaigns


@settings(max_examples=150)
@given(worlds(), st.data())
def test_match_equals_the_naive_loop(world: World, data: st.DataObject) -> None:
    _check(_filled(world, data), world, data)


def _change(row: Row, kind: str) -> CampaignChange:
    if kind == "remove":
        return CampaignChange.remove(row.id)
    make = CampaignChange.add if kind == "add" else CampaignChange.replace
    return make(row.id, row.event_type, row.node.text, **row.options())


@settings(max_examples=60)
@given(worlds(max_campaigns=10), st.data())
def test_match_equals_the_naive_loop_after_removals_and_replacements(world: World, data: st.DataObject) -> None:
    rows = world.campaigns
    campaigns = _filled(world, data)
    for _ in range(data.draw(st.integers(1, 6))):
        row = data.draw(st.sampled_from(rows))
        action = data.draw(st.integers(0, 2))
        if action == 0 and row.id in campaigns:
            campaigns.remove(row.id)
        elif action == 1:
            other = data.draw(st.sampled_from(rows))
            moved = Row(row.id, other.event_type, other.node, other.operator_id, other.brand_id, other.active_from,
                        other.active_until)
            kind = "replace" if row.id in campaigns else "add"
            campaigns.apply([_change(moved, kind)])
        _check(campaigns, world, data)


@settings(max_examples=60)
@given(worlds(max_campaigns=12), st.data())
def test_match_equals_the_naive_loop_after_batches_and_reloads(world: World, data: st.DataObject) -> None:
    rows = world.campaigns
    campaigns = CampaignSet(context=CONTEXT)
    present: set[str] = set()
    changes = []
    for _ in range(data.draw(st.integers(1, 12))):  # one batch, each change checked against the ones before
        row = data.draw(st.sampled_from(rows))
        other = data.draw(st.sampled_from(rows))
        if row.id not in present:
            changes.append(_change(row, "add"))
            present.add(row.id)
        elif data.draw(st.booleans()):
            changes.append(_change(Row(row.id, other.event_type, other.node, other.operator_id, other.brand_id,
                                       other.active_from, other.active_until), "replace"))
        else:
            changes.append(_change(row, "remove"))
            present.discard(row.id)
    campaigns.apply(changes)
    assert {campaign.id for campaign in campaigns} == present
    _check(campaigns, world, data)
    kept = data.draw(st.lists(st.sampled_from(rows), unique_by=lambda row: row.id))
    config = [{"id": row.id, "event_type": row.event_type.value, "condition": _source(row.node, data.draw(
        st.integers(0, 1))), "reward": data.draw(st.sampled_from([1, True, 1.0, [1]])),
               **{key: value for key, value in row.options().items() if value is not None}} for row in kept]
    diff = campaigns.reload(config)
    assert sorted(campaign.id for campaign in campaigns) == sorted(row.id for row in kept)
    assert set(diff.removed) == present - {row.id for row in kept}
    _check(campaigns, world, data)
    assert not campaigns.reload(config)  # nothing left to change, whatever the form of the entries
    following = {"1": True, "true": 1.0, "1.0": [1], "[1]": 1}  # equal in Python, not in JSON
    for entry in config:
        entry["reward"] = following[json.dumps(entry["reward"])]
    assert set(campaigns.reload(config).replaced) == {row.id for row in kept}
    written = {entry["id"]: json.dumps(entry["reward"]) for entry in campaigns.to_json()}
    assert written == {entry["id"]: json.dumps(entry["reward"]) for entry in config}
    _check(copy.deepcopy(campaigns), world, data)  # a copy is the same set


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
@settings(max_examples=100)
@given(scaled_worlds(), st.data())
def test_match_equals_the_naive_loop_on_scaled_comparisons(world: World, data: st.DataObject) -> None:
    """``x op y * k``, bounded by the ratio ``x / y`` where ``y > 0``: factors of every sign, ``k`` at the ratio."""
    campaigns = _filled(world, data)
    _check(campaigns, world, data)
    for row in data.draw(st.permutations(world.campaigns))[: len(world.campaigns) // 2]:
        campaigns.remove(row.id)
    _check(campaigns, world, data)


@settings(max_examples=40)
@given(worlds(max_campaigns=30), st.data())
def test_match_equals_the_naive_loop_on_larger_sets(world: World, data: st.DataObject) -> None:
    campaigns = _filled(world, data)
    for envelope in world.envelopes:
        ctx = data.draw(contexts())
        assert _outcome(campaigns.match, envelope, ctx) == _outcome(campaigns.match_naive, envelope, ctx)


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
@settings(max_examples=25, deadline=None)
@given(dense_worlds(), st.data())
def test_match_equals_the_naive_loop_while_the_index_reorganises(world: World, data: st.DataObject) -> None:
    """Dozens of campaigns over few operands: tables and families form, take branches from each other, empty."""
    campaigns = CampaignSet()
    for row in world.campaigns:
        campaigns.add(row.id, row.event_type, row.node.text, **row.options())
        if data.draw(st.integers(0, 7)) == 0:
            _check(campaigns, world, data)
    _check(campaigns, world, data)
    for row in data.draw(st.permutations(world.campaigns))[: len(world.campaigns) // 2]:
        campaigns.remove(row.id)
    _check(campaigns, world, data)


@settings(max_examples=40)
@given(worlds(max_campaigns=10), st.data())
def test_a_batch_on_a_filled_set_does_what_its_changes_do_in_turn(world: World, data: st.DataObject) -> None:
    rows = world.campaigns
    batched, one_by_one = _filled(world, data), CampaignSet(context=CONTEXT)
    for campaign in batched:
        one_by_one.add(campaign.id, campaign.event_type, campaign.node, operator_id=campaign.operator_id,
                       brand_id=campaign.brand_id, active_from=campaign.active_from,
                       active_until=campaign.active_until)
    present = {campaign.id for campaign in batched}
    changes = []
    for _ in range(data.draw(st.integers(1, 12))):  # an id may be changed several times in the batch
        row, other = data.draw(st.sampled_from(rows)), data.draw(st.sampled_from(rows))
        moved = Row(row.id, other.event_type, other.node, other.operator_id, other.brand_id, other.active_from,
                    other.active_until)
        if row.id not in present:
            changes.append(_change(moved, "add"))
            present.add(row.id)
        elif data.draw(st.booleans()):
            changes.append(_change(moved, "replace"))
        else:
            changes.append(_change(row, "remove"))
            present.discard(row.id)
    batched.apply(changes)
    for change in changes:
        one_by_one.apply([change])
    assert list(batched) == list(one_by_one)
    _check(batched, world, data)
    for envelope in world.envelopes:
        assert _outcome(batched.match, envelope, None) == _outcome(one_by_one.match, envelope, None)
