"""Arguments of the wrong type: a TypeError naming the argument, or the set's own error where it has a kind."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import (
    CampaignChange,
    CampaignConfigError,
    CampaignError,
    CampaignSet,
    ConditionTypeError,
    FunctionRegistry,
)
from thrilldrops_events.campaigns._explain import _shown
from thrilldrops_events.conditions import DEFAULT_LIMITS

from .strategies import ENVELOPE


def _set() -> CampaignSet:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", "amount >= 1")
    return campaigns


@pytest.mark.parametrize(("sample", "message"), [
    (None, "sample must be an iterable of Envelope, not NoneType"),
    ([None], "sample must be an iterable of Envelope, not one holding NoneType"),
    ([ENVELOPE, "x"], "sample must be an iterable of Envelope, not one holding str"),
])
def test_stats_names_a_sample_that_is_not_envelopes(sample: Any, message: str) -> None:
    with pytest.raises(TypeError, match=f"^{message}$"):
        _set().stats(sample)


@pytest.mark.parametrize(("changes", "message"), [
    (None, "changes must be an iterable of CampaignChange, not NoneType"),
    ("abc", "changes must be an iterable of CampaignChange, not str"),
    ([5], "changes must be an iterable of CampaignChange, not one holding int"),
])
def test_apply_names_changes_that_are_not_campaign_changes(changes: Any, message: str) -> None:
    campaigns = _set()
    with pytest.raises(TypeError, match=f"^{message}$"):
        campaigns.apply(changes)
    assert [campaign.id for campaign in campaigns] == ["a"]


@pytest.mark.parametrize(("campaigns", "message"), [
    (None, "campaigns must be an iterable of Campaign, not NoneType"),
    ("abc", "campaigns must be an iterable of Campaign, not str"),
    ([None], "campaigns must be an iterable of Campaign, not one holding NoneType"),
    ([CampaignChange.add("a", "Deposit", "true")], "campaigns must be an iterable of Campaign, not one holding "
                                                   "CampaignChange"),
])
def test_a_set_made_from_what_is_not_campaigns_names_them(campaigns: Any, message: str) -> None:
    with pytest.raises(TypeError, match=f"^{message}$"):
        CampaignSet(campaigns)
    assert [campaign.id for campaign in CampaignSet(_set())] == ["a"]
    assert [campaign.id for campaign in CampaignSet(c for c in _set())] == ["a"]


@pytest.mark.parametrize("change", [
    CampaignChange("explode", "a", {}),
    CampaignChange("add", "b", {}),
    CampaignChange("replace", "a", {"event_type": "Deposit"}),
    CampaignChange("add", "b", 5),  # type: ignore[arg-type]
    CampaignChange("add", "b", {"event_type": "Deposit", "condition": "true", "brand": "b-7"}),
    CampaignChange("replace", "a", {"event_type": "Deposit", "condition": "true", "tag": ["vip"]}),
])
def test_a_malformed_change_is_a_campaign_error(change: CampaignChange) -> None:
    campaigns = _set()
    with pytest.raises(CampaignError) as caught:
        campaigns.apply([CampaignChange.add("c", "Deposit", "true"), change])
    assert caught.value.kind == "invalid_campaign"
    assert caught.value.campaign_id == change.campaign_id
    assert [campaign.id for campaign in campaigns] == ["a"]


@pytest.mark.parametrize("event_type", [[], {}, ["Deposit"]])
def test_an_event_type_that_is_not_a_name_is_the_conditions_type_error(event_type: Any) -> None:
    campaigns = _set()
    for call in (lambda: campaigns.add("b", event_type, "amount >= 1"),
                 lambda: campaigns.replace("a", event_type, "amount >= 1"),
                 lambda: campaigns.apply([CampaignChange.add("b", event_type, "amount >= 1")])):
        with pytest.raises(ConditionTypeError, match="unknown event type"):
            call()
    assert [campaign.text for campaign in campaigns] == ["amount >= 1"]


def test_get_names_an_id_that_is_not_a_string() -> None:
    with pytest.raises(TypeError, match=r"^campaign_id must be a str, not list$"):
        _set().get(["a"])  # type: ignore[arg-type]


@given(campaign_id=st.one_of(st.none(), st.integers(), st.binary(max_size=2), st.lists(st.just("a"), max_size=2),
                             st.tuples(st.just("a")), st.booleans(), st.floats()))
def test_an_id_to_look_up_that_is_not_a_string_is_a_type_error_everywhere(campaign_id: Any) -> None:
    """As ``get`` says, and the docs: an argument of the wrong type; ``in`` answers ``False``, as a dict's does."""
    campaigns = _set()
    message = f"^campaign_id must be a str, not {type(campaign_id).__name__}$"
    calls = [lambda: campaigns.get(campaign_id),
             lambda: campaigns.remove(campaign_id),
             lambda: campaigns.replace(campaign_id, "Deposit", "amount >= 2"),
             lambda: campaigns.explain(campaign_id, ENVELOPE),
             lambda: campaigns.apply([CampaignChange.add("b", "Deposit", "true"), CampaignChange.remove(campaign_id)]),
             lambda: campaigns.apply([CampaignChange.replace(campaign_id, "Deposit", "amount >= 2")])]
    for call in calls:
        with pytest.raises(TypeError, match=message):
            call()
    assert (campaign_id in campaigns) is False
    assert [(campaign.id, campaign.text) for campaign in campaigns] == [("a", "amount >= 1")]


@pytest.mark.parametrize("campaign_id", ["b", "", " a", "a "])
def test_a_string_id_the_set_does_not_hold_is_unknown(campaign_id: str) -> None:
    campaigns = _set()
    for call in (lambda: campaigns.remove(campaign_id), lambda: campaigns.explain(campaign_id, ENVELOPE)):
        with pytest.raises(CampaignError) as caught:
            call()
        assert caught.value.kind == "unknown_id"
    assert campaigns.get(campaign_id) is None
    assert campaign_id not in campaigns


#: Values that are not a mapping of context values (a list of pairs too: ``dict()`` would take it, ``ctx`` does not).
NOT_MAPPINGS = st.one_of(
    st.lists(st.integers(), max_size=3), st.text(max_size=5), st.integers(), st.booleans(), st.floats(),
    st.binary(max_size=3), st.tuples(st.text(max_size=2)), st.frozensets(st.integers(), max_size=2),
    st.just([("vip", 2)]), st.just(object()),
)


def _ctx_calls(campaigns: CampaignSet, ctx: Any) -> dict[str, Any]:
    """Every method of a set that takes ``ctx``, called with it."""
    return {
        "match": lambda: campaigns.match(ENVELOPE, ctx=ctx),
        "match_naive": lambda: campaigns.match_naive(ENVELOPE, ctx=ctx),
        "explain": lambda: campaigns.explain("a", ENVELOPE, ctx=ctx),
        "stats": lambda: campaigns.stats([ENVELOPE], ctx=ctx),
    }


@given(ctx=NOT_MAPPINGS)
def test_a_ctx_that_is_not_a_mapping_is_a_type_error_even_when_no_campaign_reads_it(ctx: Any) -> None:
    message = f"^ctx must be a mapping of context values, not {type(ctx).__name__}$"
    reading = CampaignSet(context={"vip": "number"})
    reading.add("a", "Deposit", "ctx.vip > 1")
    out_of_scope = CampaignSet(context={"vip": "number"})
    out_of_scope.add("a", "Deposit", "ctx.vip > 1", brand_id="b-9")  # not in the event's scope: ctx is not read
    other_type = CampaignSet()
    other_type.add("a", "Withdrawal", "amount > 1")  # no campaign of the event's type at all
    for campaigns in (_set(), reading, out_of_scope, other_type):
        for call in _ctx_calls(campaigns, ctx).values():
            with pytest.raises(TypeError, match=message):
                call()


class _Context(Mapping[str, Any]):
    """A mapping that is not a dict."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@pytest.mark.parametrize("ctx", [None, {}, {"vip": 2}, MappingProxyType({"vip": 2}), _Context({"vip": 2})],
                         ids=["none", "empty", "dict", "proxy", "mapping"])
def test_none_and_any_mapping_are_a_ctx(ctx: Any) -> None:
    campaigns = _set()
    results = {name: call() for name, call in _ctx_calls(campaigns, ctx).items()}
    assert results["match"] == results["match_naive"] == ["a"]
    assert results["explain"].matched
    assert results["stats"].matched == 1


@pytest.mark.parametrize(("options", "message"), [
    ({"context": ["a"]}, "context must be a mapping of names to types, not list"),
    ({"limits": {"max_depth": 3}}, "limits must be a Limits, not dict"),
    ({"limits": 5}, "limits must be a Limits, not int"),
    ({"functions": 5}, "functions must be a FunctionRegistry, not int"),
])
def test_the_options_of_a_set_are_checked_when_it_is_made(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=f"^{message}$"):
        CampaignSet(**options)
    with pytest.raises(TypeError, match=f"^{message}$"):
        CampaignSet.from_json([], **options)


def test_good_options_are_taken() -> None:
    campaigns = CampaignSet(functions=FunctionRegistry(), context={"vip": "number"}, limits=DEFAULT_LIMITS)
    campaigns.add("a", "Deposit", "ctx.vip > 1")
    assert campaigns.match(ENVELOPE, ctx={"vip": 2}) == ["a"]


@pytest.mark.parametrize("method", ["add", "replace"])
def test_a_string_of_tags_is_refused_as_from_json_refuses_it(method: str) -> None:
    campaigns = _set()
    with pytest.raises(CampaignError) as caught:
        getattr(campaigns, method)("a", "Deposit", "true", tags="vip")
    with pytest.raises(CampaignConfigError) as loaded:
        CampaignSet.from_json([{"id": "a", "event_type": "Deposit", "condition": "true", "tags": "vip"}])
    assert caught.value.kind == "invalid_tags"
    assert loaded.value.problems[0].kind == "invalid_tags"
    with pytest.raises(CampaignError) as caught:
        campaigns.add("b", "Deposit", "true", tags=5)  # type: ignore[arg-type]
    assert caught.value.kind == "invalid_tags"
    assert campaigns.get("a").tags == ()  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), [1.0, {"x": float("nan")}],
                                   10 ** 4300, -(10 ** 4300)],
                         ids=["nan", "inf", "-inf", "nested-nan", "4301-digits", "-4301-digits"])
def test_an_engine_field_that_json_cannot_write_is_refused(value: Any) -> None:
    campaigns = _set()
    with pytest.raises(CampaignError) as caught:
        campaigns.add("b", "Deposit", "true", extra={"reward": value})
    assert caught.value.kind == "invalid_field"
    with pytest.raises(CampaignError) as caught:
        campaigns.apply([CampaignChange.replace("a", "Deposit", "true", extra={"reward": value})])
    assert caught.value.kind == "invalid_field"
    with pytest.raises(CampaignConfigError) as loaded:
        CampaignSet.from_json([{"id": "b", "event_type": "Deposit", "condition": "true", "reward": value}])
    assert loaded.value.problems[0].kind == "invalid_field"
    json.dumps(campaigns.to_json(), allow_nan=False)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_standard_number_in_json_text_is_refused(constant: str) -> None:
    text = f'[{{"id": "b", "event_type": "Deposit", "condition": "true", "reward": {{"x": [{constant}]}}}}]'
    with pytest.raises(CampaignConfigError) as loaded:
        CampaignSet.from_json(text)
    assert [problem.kind for problem in loaded.value.problems] == ["invalid_field"]


def test_the_largest_engine_fields_json_can_write_are_kept() -> None:
    campaigns = _set()
    value = 10 ** 4300 - 1
    campaigns.add("b", "Deposit", "true", extra={"reward": value, "share": 1.5e308})
    assert json.loads(json.dumps(campaigns.to_json()))[1]["reward"] == value


@pytest.mark.parametrize(("value", "base", "shown"), [
    (10 ** 5000, "timestamp", "1.000...e5000"),
    (-(10 ** 5000) - 1, "number", "-1.000...e5000"),
    (12345 * 10 ** 4996, "number", "1.234...e5000"),
    (10 ** 4000 - 1, "number", "9.999...e3999"),
    (1777852800, "timestamp", "1777852800 (2026-05-04T00:00:00Z)"),
    (10 ** 12, "timestamp", "1000000000000"),
    (25, "number", "25"),
], ids=["1e5000", "-1e5000", "1.2345e5000", "4000-nines", "moment", "after-9999", "small"])
def test_explain_shows_any_integer_as_bounded_text(value: int, base: str, shown: str) -> None:
    assert _shown(value, base) == shown
