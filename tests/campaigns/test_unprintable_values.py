"""Bad values that cannot be printed whole are still reported in the library's own errors.

An integer of more than 4,300 digits cannot be written as text (``repr`` raises ``ValueError``), and a
key holding a lone surrogate cannot be written as UTF-8: messages and paths show such values bounded
and escaped, as the event reader does, never letting them through to crash a log writer.
"""

from __future__ import annotations

from typing import Any

import pytest

from thrilldrops_events import (
    Campaign,
    CampaignChange,
    CampaignConfigError,
    CampaignError,
    CampaignSet,
    ConditionTypeError,
    FunctionRegistry,
    compile_condition,
)

HUGE = 10**5000
BASE = {"id": "a", "event_type": "Deposit", "condition": "amount >= 1"}


@pytest.mark.parametrize(("key", "kind"), [("id", "invalid_id"), ("event_type", "unknown_event_type"),
                                           ("name", "invalid_name"), ("operator_id", "invalid_scope"),
                                           ("brand_id", "invalid_scope"), ("active_from", "invalid_window"),
                                           ("active_until", "invalid_window"), (HUGE, "invalid_field")],
                         ids=["id", "event_type", "name", "operator_id", "brand_id", "active_from", "active_until",
                              "field-name"])
def test_a_huge_integer_in_a_configuration_is_a_problem_and_the_other_entries_are_still_reported(
        key: Any, kind: str) -> None:
    config = [{**BASE, key: HUGE}, {"id": "b", "event_type": "Deposit", "condition": "amout >= 1"}]
    for read in (CampaignSet.from_json, CampaignSet().diff, CampaignSet().reload):
        with pytest.raises(CampaignConfigError) as caught:
            read(config)
        assert [problem.kind for problem in caught.value.problems] == [kind, "condition_type"]
        assert "an integer of more than 20 digits" in caught.value.problems[0].message


@pytest.mark.parametrize("key", ["name", "operator_id", "brand_id", "active_from", "active_until"])
def test_a_huge_integer_given_to_add_replace_apply_or_campaign_is_a_campaign_error(key: str) -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", "amount >= 1")
    condition = compile_condition("amount >= 1", "Deposit")
    attempts = [lambda: campaigns.add("b", "Deposit", "amount >= 1", **{key: HUGE}),
                lambda: campaigns.replace("a", "Deposit", "amount >= 1", **{key: HUGE}),
                lambda: campaigns.apply([CampaignChange.add("b", "Deposit", "amount >= 1", **{key: HUGE})]),
                lambda: Campaign("b", "Deposit", condition, **{key: HUGE})]  # type: ignore[arg-type]
    for attempt in attempts:
        with pytest.raises(CampaignError, match="an integer of more than 20 digits"):
            attempt()
    assert [campaign.id for campaign in campaigns] == ["a"]


def test_a_huge_id_event_type_or_field_name_given_to_add_or_apply_is_a_campaign_error() -> None:
    campaigns = CampaignSet()
    with pytest.raises(CampaignError, match="an integer of more than 20 digits"):
        campaigns.add(HUGE, "Deposit", "amount >= 1")  # type: ignore[arg-type]
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        campaigns.add("a", HUGE, "amount >= 1")  # type: ignore[arg-type]
    with pytest.raises(CampaignError, match="an integer of more than 20 digits"):
        campaigns.add("a", "Deposit", "amount >= 1", extra={HUGE: 1})  # type: ignore[dict-item]
    for change in (CampaignChange(HUGE, "a", {}), CampaignChange("add", HUGE, {}),  # type: ignore[arg-type]
                   CampaignChange("add", "a", {"event_type": "Deposit", "condition": "amount >= 1", HUGE: 1})):
        with pytest.raises(CampaignError, match="an integer of more than 20 digits"):
            campaigns.apply([change])
    assert len(campaigns) == 0


def test_a_change_holding_a_huge_integer_has_a_repr() -> None:
    change = CampaignChange.add("a", "Deposit", "amount >= 1", active_from=HUGE)
    assert "'active_from': an integer of more than 20 digits" in repr(change)
    assert repr(CampaignChange.remove(HUGE)) == (  # type: ignore[arg-type]
        "CampaignChange(kind='remove', campaign_id=an integer of more than 20 digits, fields={})")
    assert repr(CampaignChange.remove("a")) == "CampaignChange(kind='remove', campaign_id='a', fields={})"


def test_a_huge_integer_in_condition_settings_is_a_condition_error() -> None:
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        compile_condition("amount >= 1", HUGE)  # type: ignore[arg-type]
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        compile_condition("amount >= 1", "Deposit", context={HUGE: "number"})  # type: ignore[dict-item]
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        CampaignSet(context={"vip": HUGE})
    registry = FunctionRegistry()
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        registry.register(HUGE, lambda text: True, params=["string"], returns="bool")  # type: ignore[arg-type]
    with pytest.raises(ConditionTypeError, match="an integer of more than 20 digits"):
        registry.register("card", lambda text: True, params=[HUGE], returns="bool")  # type: ignore[list-item]



@pytest.mark.parametrize(("text", "path", "kind"), [
    ('{"\\ud800x": 1}', "0.\\ud800x", "invalid_field"),
    ('{"brand\\ud800": 1}', "0.brand\\ud800", "unknown_key"),
    ('{"\\ud800": 1, "\\ud800": 2}', "0.\\ud800", "duplicate_key"),
    ('{"reward": {"\\ud800": 1, "\\ud800": 2}}', "0.reward.\\ud800", "duplicate_key"),
])
def test_a_key_holding_a_lone_surrogate_is_escaped_in_the_path_as_the_event_reader_does(
        text: str, path: str, kind: str) -> None:
    config = '[{"id": "a", "event_type": "Deposit", "condition": "amount >= 1", ' + text[1:] + "]"
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json(config)
    assert (caught.value.problems[0].path, caught.value.problems[0].kind) == (path, kind)
    str(caught.value).encode("utf-8")  # a log writer can write it: nothing unescaped
    for problem in caught.value.problems:
        (problem.path + problem.message).encode("utf-8")


def test_an_engine_field_name_holding_a_lone_surrogate_is_named_escaped() -> None:
    with pytest.raises(CampaignError) as caught:
        CampaignSet().add("a", "Deposit", "amount >= 1", extra={"\ud800x": 1})
    assert caught.value.kind == "invalid_field"
    assert "field name '\\ud800x' holds a lone surrogate" in str(caught.value)
    str(caught.value).encode("utf-8")
