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
    ThrillDropsError,
    condition_to_json,
)

from .strategies import CONTEXT, ENVELOPE, World, contexts, worlds


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
    for row in world.campaigns:
        campaigns.add(row.id, row.event_type, condition_to_json(row.node), **row.options())
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


def test_a_problem_of_the_condition_document_itself_has_no_empty_path_in_its_message() -> None:
    entry = {"id": "doc", "event_type": "Deposit", "condition": {"version": 1, "condition": {"field": "amount"},
                                                                   "comment": "x"}}
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json([entry])
    [problem] = caught.value.problems
    assert (problem.path, problem.kind) == ("0.condition", "condition_syntax")
    assert problem.message == "campaign 'doc': unexpected key 'comment' beside 'version'"


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


def test_names_tags_windows_and_engine_fields_are_kept_and_written_back() -> None:
    entry = {"id": "welcome", "event_type": "Deposit", "operator_id": None, "brand_id": "b-7",
             "condition": "amount >= 20", "name": "Welcome drop", "tags": ["onboarding", "eu"],
             "active_from": 1777852800, "active_until": 1780444800,
             "reward": {"drops": 5, "pool": ["a", "b"]}, "priority": 3, "budget": None}
    campaigns = CampaignSet.from_json([entry])
    campaign = campaigns.get("welcome")
    assert campaign is not None
    assert (campaign.name, campaign.tags, campaign.active_from, campaign.active_until) == (
        "Welcome drop", ("onboarding", "eu"), 1777852800, 1780444800)
    assert dict(campaign.extra) == {"reward": {"drops": 5, "pool": ["a", "b"]}, "priority": 3, "budget": None}
    written = campaigns.to_json()[0]
    assert written["condition"] == {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"},
                                                                                    {"number": "20"}]}}
    assert {key: value for key, value in written.items() if key != "condition"} == {
        key: value for key, value in entry.items() if key != "condition"}
    again = CampaignSet.from_json(json.dumps(campaigns.to_json()))
    assert list(again) == list(campaigns)
    assert json.dumps(again.to_json()) == json.dumps(campaigns.to_json())
    with pytest.raises(TypeError):
        campaign.extra["priority"] = 4  # type: ignore[index]


def test_the_window_is_checked_by_match() -> None:
    campaigns = CampaignSet.from_json([
        {"id": "may", "event_type": "Deposit", "condition": "amount >= 1", "active_from": 1777852800,
         "active_until": 1777852801},
        {"id": "later", "event_type": "Deposit", "condition": "amount >= 1", "active_from": 1777852801},
        {"id": "before", "event_type": "Deposit", "condition": "amount >= 1", "active_until": 1777852800},
    ])
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE) == ["may"]
    later = ENVELOPE.model_copy(update={"timestamp": 1777852801})
    assert campaigns.match(later) == ["later"]


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("entry", "path", "kind"),
    [
        ({"brand": "b-7"}, "0.brand", "unknown_key"),
        ({"operatorId": "op-1"}, "0.operatorId", "unknown_key"),
        ({"active_till": 5}, "0.active_till", "unknown_key"),
        ({"name": ""}, "0.name", "invalid_name"),
        ({"name": 5}, "0.name", "invalid_name"),
        ({"tags": "vip"}, "0.tags", "invalid_tags"),
        ({"tags": ["vip", 3]}, "0.tags", "invalid_tags"),
        ({"active_from": -1}, "0.active_from", "invalid_window"),
        ({"active_from": 1.5}, "0.active_from", "invalid_window"),
        ({"active_from": True}, "0.active_from", "invalid_window"),
        ({"active_from": 10, "active_until": 10}, "0.active_until", "invalid_window"),
        ({"reward": {1: "x"}}, "0.reward", "invalid_field"),
        ({"reward": {"deep": _nested(40)}}, "0.reward", "invalid_field"),
        ({"reward": {"when": object()}}, "0.reward", "invalid_field"),
        ({"reward": {"code": "\ud800"}}, "0.reward", "invalid_field"),
        ({"reward": ["x", float("inf")]}, "0.reward", "invalid_field"),
        ({"reward": [10**5000]}, "0.reward", "invalid_field"),
        ({"reward": {"spins": Decimal(5)}}, "0.reward", "invalid_field"),
    ],
)
def test_bad_optional_fields_are_reported(entry: dict[str, Any], path: str, kind: str) -> None:
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json([{"id": "c", "event_type": "Deposit", "condition": "amount >= 1", **entry}])
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [(path, kind)]
    assert caught.value.campaign_ids == ("c",)


def test_add_checks_the_optional_fields_as_the_loader_does() -> None:
    campaigns = CampaignSet()
    for options, kind in [({"name": ""}, "invalid_name"), ({"tags": ["ok", ""]}, "invalid_tags"),
                          ({"active_from": 5, "active_until": 4}, "invalid_window"),
                          ({"extra": {"brand": "b-7"}}, "invalid_field"), ({"extra": {"id": "x"}}, "invalid_field"),
                          ({"extra": {"when": {1, 2}}}, "invalid_field")]:
        with pytest.raises(CampaignError) as caught:
            campaigns.add("c", "Deposit", "amount >= 1", **options)
        assert caught.value.kind == kind, options
    assert len(campaigns) == 0


def test_reload_applies_a_configuration_as_a_diff() -> None:
    config: list[dict[str, Any]] = [
        {"id": "a", "event_type": "Deposit", "condition": "amount >= 20"},
        {"id": "b", "event_type": "Deposit", "condition": "amount >= 30", "reward": 5},
        {"id": "c", "event_type": "Deposit", "condition": "amount >= 40"},
    ]
    campaigns = CampaignSet.from_json(config)
    a_before = campaigns.get("a")
    config[1] = {**config[1], "reward": 6}
    new = [config[1], {"id": "d", "event_type": "Deposit", "condition": "amount>=1"}, config[0]]
    preview = campaigns.diff(new)
    assert (preview.added, preview.replaced, preview.removed, preview.unchanged) == (("d",), ("b",), ("c",), ("a",))
    assert [(change.kind, change.campaign_id) for change in preview.changes] == [
        ("remove", "c"), ("replace", "b"), ("add", "d")]
    assert [c.id for c in campaigns] == ["a", "b", "c"]  # diff changes nothing
    assert campaigns.reload(new) == preview
    assert [c.id for c in campaigns] == ["a", "b", "d"]  # kept places; new ones last
    assert campaigns.get("a") is a_before  # untouched
    assert campaigns.get("b").extra["reward"] == 6  # type: ignore[union-attr]
    assert not campaigns.reload(new)  # nothing left to change
    assert campaigns.reload(campaigns.to_json()).unchanged == ("a", "b", "d")  # the JSON form, parsed again
    with pytest.raises(CampaignConfigError):
        campaigns.reload([*new, {"id": "e", "event_type": "Deposit", "condition": "amout >= 1"}])
    assert [c.id for c in campaigns] == ["a", "b", "d"]  # a bad configuration changes nothing


@pytest.mark.parametrize(("before", "after"), [(1, True), (True, 1), (0, False), (1, 1.0), (0.0, -0.0),
                                               ({"drops": 0}, {"drops": False}), ([1, 2], [True, 2.0]),
                                               ({"a": {"b": [0]}}, {"a": {"b": [0.0]}})])
def test_reload_tells_json_values_that_python_calls_equal_apart(before: Any, after: Any) -> None:
    """``1``, ``1.0`` and ``true`` are different JSON values: changing one into another is a change."""
    campaigns = CampaignSet.from_json([{"id": "a", "event_type": "Deposit", "condition": "amount >= 20",
                                        "reward": before}])
    config = campaigns.to_json()
    config[0]["reward"] = after
    assert campaigns.diff(config).replaced == ("a",)
    assert campaigns.reload(config).replaced == ("a",)
    assert json.dumps(campaigns.to_json()[0]["reward"]) == json.dumps(after)
    assert campaigns.get("a") != CampaignSet.from_json([{"id": "a", "event_type": "Deposit",
                                                         "condition": "amount >= 20", "reward": before}]).get("a")


class _Liar(str):
    """A string that says it equals anything (and hashes as its text)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = str.__hash__


@pytest.mark.parametrize(("key", "value"), [("operator_id", _Liar("op-2")), ("brand_id", _Liar("b-2")),
                                            ("event_type", _Liar("Withdrawal")), ("name", _Liar("new")),
                                            ("tags", [_Liar("new")])])
def test_reload_reads_a_string_subclass_that_lies_about_equality_by_its_text(key: str, value: Any) -> None:
    """An entry is unchanged only if its text says so: what ``from_json`` reads of it is what the set holds."""
    before = {"id": "a", "event_type": "Deposit", "condition": "amount >= 20", "operator_id": "op-1",
              "brand_id": "b-1", "name": "old", "tags": ["old"]}
    campaigns = CampaignSet.from_json([before])
    config = [{**before, key: value}]
    assert campaigns.diff(config).replaced == ("a",)
    assert campaigns.reload(config).replaced == ("a",)
    assert list(campaigns) == list(CampaignSet.from_json(config))
    assert campaigns.to_json() == CampaignSet.from_json(config).to_json() != CampaignSet.from_json([before]).to_json()
    campaign = campaigns.get("a")
    assert campaign is not None and type(campaign.name) is str and {type(tag) for tag in campaign.tags} == {str}
    assert not campaigns.reload(config)  # now it is unchanged
    with pytest.raises(CampaignConfigError, match="condition text must be a str"):
        campaigns.reload([{**before, key: value, "condition": _Liar("amount >= 1000")}])
    assert campaigns.to_json() == CampaignSet.from_json(config).to_json()


@pytest.mark.parametrize("change", [{"version": 1.0}, {"version": True}])
def test_reload_refuses_a_condition_document_from_json_refuses_even_if_python_calls_it_equal(
        change: dict[str, Any]) -> None:
    entry = {"id": "a", "event_type": "Deposit", "condition": {"version": 1, "condition": {
        "op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}}}
    campaigns = CampaignSet.from_json([entry])
    bad = {**entry, "condition": {**entry["condition"], **change}}
    with pytest.raises(CampaignConfigError) as refused:
        CampaignSet.from_json([bad])
    with pytest.raises(CampaignConfigError) as caught:
        campaigns.reload([bad])
    assert [problem.path for problem in caught.value.problems] == [
        problem.path for problem in refused.value.problems] == ["0.condition"]


def test_a_key_given_twice_in_json_text_is_reported_not_silently_dropped() -> None:
    """JSON text keeps only the last of a key given twice: a brand's campaign would silently turn global."""
    text = ('[{"id": "ok", "event_type": "Deposit", "condition": "amount >= 1", "reward": {"a": 1}},'
            ' {"id": "vip", "event_type": "Deposit", "brand_id": "b-7", "condition": "amount >= 20",'
            ' "brand_id": null, "reward": {"drops": 5, "drops": 50},'
            ' "condition": {"version": 1, "condition": {"field": "amount", "field": "currency"}}}]')
    for read in (CampaignSet.from_json, CampaignSet().diff, CampaignSet().reload):
        with pytest.raises(CampaignConfigError) as caught:
            read(text)
        assert sorted((problem.path, problem.kind) for problem in caught.value.problems) == [
            ("1.brand_id", "duplicate_key"), ("1.condition", "duplicate_key"),
            ("1.condition.condition.field", "duplicate_key"), ("1.reward.drops", "duplicate_key")]
        assert set(caught.value.campaign_ids) == {"vip"}
        assert "key 'brand_id' given more than once" in str(caught.value)
    once = ('[{"id": "vip", "event_type": "Deposit", "brand_id": "b-7", "condition": "amount >= 20",'
            ' "reward": {"drops": 5, "more": {"drops": 50}}}]')
    assert CampaignSet.from_json(once).to_json()[0]["reward"] == {"drops": 5, "more": {"drops": 50}}


@pytest.mark.parametrize(
    ("entry", "path", "kind"),
    [
        ({"id": "c\ud800"}, "0.id", "invalid_id"),
        ({"operator_id": "op-1\ud800"}, "0.operator_id", "invalid_scope"),
        ({"brand_id": "\udfff"}, "0.brand_id", "invalid_scope"),
        ({"name": "Welcome \ud83d"}, "0.name", "invalid_name"),
        ({"tags": ["ok", "\ud800"]}, "0.tags", "invalid_tags"),
        ({"reward": {"label": ["\ud800"]}}, "0.reward", "invalid_field"),
        ({"reward": {"\ud800": 1}}, "0.reward", "invalid_field"),
    ],
)
def test_a_lone_surrogate_in_a_campaign_string_is_refused(entry: dict[str, Any], path: str, kind: str) -> None:
    """Not text: no envelope holds one (a scope with one would never match) and UTF-8 cannot write one back."""
    base = {"id": "c", "event_type": "Deposit", "condition": "amount >= 1"}
    with pytest.raises(CampaignConfigError) as caught:
        CampaignSet.from_json([{**base, **entry}])
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [(path, kind)]
    assert "lone surrogate" in str(caught.value)
    options = {key: value for key, value in entry.items() if key not in ("id", "reward")}
    if options:
        with pytest.raises(CampaignError) as refused:
            CampaignSet().add("c", "Deposit", "amount >= 1", **options)
        assert refused.value.kind == kind


def test_a_scope_is_any_identifier_an_envelope_may_hold() -> None:
    """The scope is checked by the envelope's own rule: U+001C ends an identifier there, so it may end a scope."""
    campaigns = CampaignSet.from_json([{"id": "c", "event_type": "Deposit", "condition": "amount >= 1",
                                        "operator_id": "op-1\x1c"}])
    assert campaigns.match(ENVELOPE.model_copy(update={"operator_id": "op-1\x1c"})) == ["c"]
    with pytest.raises(CampaignConfigError):
        CampaignSet.from_json([{"id": "c", "event_type": "Deposit", "condition": "amount >= 1",
                                "operator_id": "op-1\u3000"}])


def test_engine_fields_are_the_campaigns_own_not_shared_with_what_was_given_or_written() -> None:
    """Editing a configuration that ``to_json`` wrote, or the objects given to ``add``, changes no campaign."""
    campaigns = CampaignSet.from_json([{"id": "a", "event_type": "Deposit", "condition": "amount >= 20",
                                        "reward": {"drops": 5, "pool": ["x"]}}])
    config = campaigns.to_json()
    config[0]["reward"]["drops"] = 50
    config[0]["reward"]["pool"].append("y")
    assert campaigns.get("a").extra["reward"] == {"drops": 5, "pool": ["x"]}  # type: ignore[union-attr]
    assert campaigns.diff(config).replaced == ("a",)
    reward = {"drops": 1}
    added = campaigns.add("b", "Deposit", "amount > 1", extra={"reward": reward})
    reward["drops"] = 99
    added.extra["reward"]["drops"] = 7
    assert campaigns.to_json()[1]["reward"] == {"drops": 1}
    campaigns.reload(config)
    assert campaigns.to_json()[0]["reward"] == {"drops": 50, "pool": ["x", "y"]}


def test_a_condition_document_edited_in_place_after_loading_is_a_change() -> None:
    """The set keeps the document it was given as it was then: editing the caller's own is seen by reload."""
    document = {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, {"number": "20"}]}}
    config = [{"id": "a", "event_type": "Deposit", "condition": document}]
    loaded = CampaignSet.from_json(config)
    added = CampaignSet()
    added.add("a", "Deposit", document)
    document["condition"]["args"][1]["number"] = "50"  # type: ignore[index]
    for campaigns in (loaded, added):
        assert campaigns.diff(config).replaced == ("a",)
        campaigns.reload(config)
        assert campaigns.get("a").text == "amount >= 50"  # type: ignore[union-attr]
        document["condition"]["args"][1]["number"] = "60"  # type: ignore[index]
        assert campaigns.reload(config).replaced == ("a",)
        document["condition"]["args"][1]["number"] = "50"  # type: ignore[index]


@pytest.mark.parametrize("text", [False, True])
def test_the_changes_reload_and_diff_hand_back_share_nothing_with_the_set(text: bool) -> None:
    """Editing a change ``reload`` or ``diff`` returned (an audit log redacting it, say) changes nothing in the set."""
    def config(number: str) -> Any:
        document = {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, {"number": number}]}}
        entries = [{"id": "a", "event_type": "Deposit", "condition": document, "reward": {"drops": [1]}}]
        return json.dumps(entries) if text else entries

    campaigns = CampaignSet()
    campaigns.reload(config("20"))
    preview = campaigns.diff(config("30"))
    done = campaigns.reload(config("30"))
    for diff in (preview, done):
        fields = diff.changes[0].fields
        fields["condition"]["condition"]["args"][1]["number"] = "10"
        fields["extra"]["reward"]["drops"].append(2)
    assert campaigns.reload(config("10")).replaced == ("a",)  # the configuration really changed
    assert campaigns.get("a").text == "amount >= 10"  # type: ignore[union-attr]
    assert campaigns.to_json()[0]["reward"] == {"drops": [1]}
