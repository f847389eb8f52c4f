"""CampaignSet: adding, removing, replacing, matching and explaining campaigns."""

from __future__ import annotations

import copy
import enum
import pickle
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import (
    Campaign,
    CampaignChange,
    CampaignConfigError,
    CampaignError,
    CampaignSet,
    ChannelType,
    ConditionEvaluationError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
    Deposit,
    Envelope,
    EventType,
    FunctionRegistry,
    PlayerLogin,
    ThrillDropsError,
    Transaction,
    compile_condition,
)
from thrilldrops_events.conditions import Limits

MONDAY = 1777852800  # 2026-05-04T00:00:00Z


def deposit(amount: str = "25.00", currency: str = "EUR", *, brand_id: str = "b-7", operator_id: str = "op-1",
            balance_after: str | None = None, timestamp: int = MONDAY, method_id: str = "visa") -> Envelope:
    return Envelope(
        operator_id=operator_id, brand_id=brand_id, player_id="p-000042", timestamp=timestamp,
        payload=Deposit(method_id=method_id, currency=currency, amount=Decimal(amount),
                        balance_after=None if balance_after is None else Decimal(balance_after)),
    )


def login(channel: str = "MobileWeb", country: str | None = "MT", *, brand_id: str = "b-7") -> Envelope:
    return Envelope(
        operator_id="op-1", brand_id=brand_id, player_id="p-000042", timestamp=MONDAY,
        payload=PlayerLogin(channel_type=ChannelType(channel), currency="EUR", country=country,
                            session_token="s3cr3t-token"),
    )


def bet(real: str = "2.00", *, free: bool = False, timestamp: int = MONDAY) -> Envelope:
    zero = Decimal("0.00")
    return Envelope(
        operator_id="op-1", brand_id="b-7", player_id="p-000042", timestamp=timestamp,
        payload=Transaction(provider_id="pragmatic", game_id="gates-of-olympus", gameround_id="r-1",
                            currency="EUR", game_bet=Decimal(real), bonus_bet=zero, real_bet=Decimal(real),
                            jackpot_bet=zero, game_win=zero, jackpot_win=zero, is_free_spin=free,
                            round_finished=True),
    )


# --------------------------------------------------------------------------------------------- adding


def test_the_issue_example() -> None:
    campaigns = CampaignSet()
    campaigns.add("welcome-drop", EventType.DEPOSIT, 'amount >= 20 and currency == "EUR"', brand_id="b-7")
    campaigns.add("slots-friday", EventType.TRANSACTION, "real_bet >= 1 and weekday(event.timestamp) == 5")
    assert campaigns.match(deposit()) == ["welcome-drop"]
    campaigns.remove("welcome-drop")
    assert campaigns.match(deposit()) == []
    friday = MONDAY + 4 * 86400
    assert campaigns.match(bet(timestamp=friday)) == ["slots-friday"]
    assert campaigns.match(bet(timestamp=MONDAY)) == []
    assert campaigns.explain("slots-friday", bet(timestamp=friday)).matched


def test_add_returns_the_campaign_record() -> None:
    campaigns = CampaignSet()
    campaign = campaigns.add("c", "Deposit", "amount>=20", operator_id="op-1")
    assert isinstance(campaign, Campaign)
    assert campaign.id == "c"
    assert campaign.event_type is EventType.DEPOSIT
    assert campaign.text == "amount >= 20"
    assert campaign.condition.event_type is EventType.DEPOSIT
    assert (campaign.operator_id, campaign.brand_id) == ("op-1", None)
    assert campaigns.get("c") == campaign
    assert campaigns.get("nope") is None
    assert "c" in campaigns
    assert "d" not in campaigns
    assert 3 not in campaigns
    assert len(campaigns) == 1
    assert list(campaigns) == [campaign]
    assert repr(campaign) == "Campaign('c', Deposit, 'amount >= 20', operator_id='op-1')"
    assert repr(campaigns) == "<CampaignSet of 1 campaign>"


def test_campaigns_compare_by_value() -> None:
    first = CampaignSet().add("c", "Deposit", "amount >= 20", brand_id="b")
    second = CampaignSet().add("c", EventType.DEPOSIT, {"version": 1, "condition": {
        "op": ">=", "args": [{"field": "amount"}, {"number": "20"}]}}, brand_id="b")
    assert first == second
    assert hash(first) == hash(second)
    assert first != CampaignSet().add("c", "Deposit", "amount >= 21", brand_id="b")
    assert first != "c"


def test_campaigns_survive_copy_deepcopy_and_pickle() -> None:
    loaded = CampaignSet.from_json([{"id": "c", "event_type": "Deposit", "operator_id": "op-1", "brand_id": None,
                                     "condition": "amount >= 20 and currency == \"EUR\"", "name": "Big",
                                     "tags": ["vip"], "active_from": 1, "active_until": 2_000_000_000,
                                     "budget": {"eur": [100, 200]}}])
    campaign = loaded.get("c")
    assert campaign is not None
    assert copy.copy(campaign) is campaign
    deep = copy.deepcopy(campaign)
    assert deep == campaign and deep.extra["budget"] is not campaign.extra["budget"]
    assert deep.to_json() == campaign.to_json()
    again = pickle.loads(pickle.dumps(campaign))
    assert again == campaign and again.to_json() == campaign.to_json()
    assert again.condition(deposit("25.00")) and not again.condition(deposit("19.99"))


def test_a_campaign_whose_text_is_longer_than_the_limit_survives_pickle() -> None:
    # a condition given in JSON form within the limits can have a canonical text longer than max_source_length
    games = [{"value": f"pragmatic-vs20olympgate-{i:05d}"} for i in range(4_000)]
    condition = {"version": 1, "condition": {"op": "in", "args": [{"field": "game_id"}, {"list": games}]}}
    for campaigns in (CampaignSet(), CampaignSet(limits=Limits(max_source_length=50_000))):
        campaign = campaigns.add("big", "Transaction", condition)
        assert len(campaign.text) > 100_000
        again = pickle.loads(pickle.dumps(campaign))
        assert again == campaign and again.node == campaign.node
        assert again.to_json() == campaign.to_json()


def test_a_set_copies_and_pickles_as_a_set_of_its_own() -> None:
    campaigns = CampaignSet(context={"vip": "number"}, limits=Limits(max_nodes=500))
    campaigns.add("a", "Deposit", "amount >= 20 and ctx.vip > 1", brand_id="b", tags=["x"], extra={"budget": [1]})
    campaigns.add("b", "Deposit", "currency == \"EUR\"", active_from=1)
    for other in (copy.copy(campaigns), copy.deepcopy(campaigns), pickle.loads(pickle.dumps(campaigns))):
        assert other is not campaigns and other.to_json() == campaigns.to_json()
        event = deposit("25.00", brand_id="b")
        assert other.match(event, ctx={"vip": 2}) == campaigns.match(event, ctx={"vip": 2}) == ["a", "b"]
        other.add("c", "Deposit", "amount > 1")
        other.remove("a")
        assert [c.id for c in campaigns] == ["a", "b"] and [c.id for c in other] == ["b", "c"]
        with pytest.raises(ConditionLimitError, match="more than 500 nodes"):
            other.add("big", "Deposit", " or ".join(["amount > 1"] * 200))
    functions = FunctionRegistry()
    functions.register("cents", _cents, params=["number"], returns="number")
    own = CampaignSet(functions=functions)
    own.add("c", "Deposit", "cents(amount) >= 2000")
    with pytest.raises(TypeError, match=r"own functions cannot be pickled: pickle its to_json\(\)"):
        pickle.dumps(own)
    copied = copy.copy(own)
    assert copied.match(deposit("25.00")) == ["c"] and copied.get("c") == own.get("c")


def test_a_campaign_with_its_sets_own_functions_says_how_to_pickle_it() -> None:
    functions = FunctionRegistry()
    functions.register("cents", _cents, params=["number"], returns="number")
    campaign = CampaignSet(functions=functions).add("c", "Deposit", "cents(amount) >= 2000")
    with pytest.raises(TypeError, match="own functions, which cannot be pickled: pickle its to_json"):
        pickle.dumps(campaign)
    assert copy.deepcopy(campaign).condition(deposit("25.00"))


def test_a_campaign_made_from_a_compiled_condition_copies_and_pickles_with_its_options() -> None:
    """A campaign made by hand keeps the context, limits and functions its condition was compiled with."""
    long = "a" * 2_000
    options = Limits(max_string_length=5_000)
    for condition in (compile_condition("ctx.vip > 1 and amount >= 20", "Deposit", context={"vip": "number"}),
                      compile_condition(f'method_id != "{long}"', "Deposit", limits=options)):
        campaign = Campaign("c", "Deposit", condition)
        for other in (copy.deepcopy(campaign), pickle.loads(pickle.dumps(campaign))):
            assert other == campaign and other.to_json() == campaign.to_json()
            assert other.condition(deposit("25.00"), ctx={"vip": 2})
    functions = FunctionRegistry()
    functions.register("cents", _cents, params=["number"], returns="number")
    campaign = Campaign("c", "Deposit", compile_condition("cents(amount) >= 2000", "Deposit", functions=functions))
    assert copy.deepcopy(campaign).condition(deposit("25.00"))
    with pytest.raises(TypeError, match="own functions, which cannot be pickled: pickle its to_json"):
        pickle.dumps(campaign)


def _cents(amount: Decimal) -> Decimal:
    return amount * 100


def test_add_accepts_the_json_form() -> None:
    campaigns = CampaignSet()
    form = {"version": 1, "condition": {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}}
    campaigns.add("eur", "Deposit", form)
    assert campaigns.match(deposit()) == ["eur"]
    assert campaigns.get("eur").to_json()["condition"] == form  # type: ignore[union-attr]


def test_a_bad_condition_raises_its_own_error_and_adds_nothing() -> None:
    campaigns = CampaignSet()
    with pytest.raises(ConditionTypeError) as caught:
        campaigns.add("c", "Deposit", "amout >= 20")
    assert caught.value.suggestion == "amount"
    with pytest.raises(ConditionSyntaxError):
        campaigns.add("c", "Deposit", "amount >=")
    with pytest.raises(ConditionTypeError):
        campaigns.add("c", "Deposits", "amount >= 20")
    assert len(campaigns) == 0
    assert campaigns.match(deposit()) == []


def test_a_duplicate_id_is_refused() -> None:
    campaigns = CampaignSet()
    campaigns.add("c", "Deposit", "amount >= 20")
    with pytest.raises(CampaignError) as caught:
        campaigns.add("c", "Deposit", "amount >= 1")
    error = caught.value
    assert isinstance(error, ThrillDropsError)
    assert isinstance(error, ValueError)
    assert (error.kind, error.campaign_id) == ("duplicate_id", "c")
    assert "already in the set" in str(error)
    assert campaigns.get("c").text == "amount >= 20"  # type: ignore[union-attr]
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.kind, copy.campaign_id, str(copy)) == (CampaignError, "duplicate_id", "c", str(error))


@pytest.mark.parametrize("campaign_id", ["", " c", "c\n", None, 3])
def test_a_bad_id_is_refused(campaign_id: Any) -> None:
    with pytest.raises(CampaignError) as caught:
        CampaignSet().add(campaign_id, "Deposit", "amount >= 20")
    assert caught.value.kind == "invalid_id"


@pytest.mark.parametrize("scope", [{"brand_id": ""}, {"operator_id": " op"}, {"brand_id": 7}, {"brand_id": "x" * 256}])
def test_a_bad_scope_is_refused(scope: dict[str, Any]) -> None:
    with pytest.raises(CampaignError) as caught:
        CampaignSet().add("c", "Deposit", "amount >= 20", **scope)
    assert caught.value.kind == "invalid_scope"


def test_a_set_can_start_from_other_campaigns() -> None:
    source = CampaignSet()
    source.add("a", "Deposit", "amount >= 20", brand_id="b-7")
    source.add("b", "Deposit", "amount >= 30")
    copy = CampaignSet(source)
    assert list(copy) == list(source)
    assert copy.match(deposit("35")) == ["a", "b"]
    copy.remove("a")
    assert "a" in source


@pytest.mark.parametrize(
    ("arguments", "options", "kind"),
    [
        (("c", "Deposit", "amount >= 1"), {}, "invalid_campaign"),
        (("c", "Withdrawal"), {}, "invalid_campaign"),
        (("c", "Depsit"), {}, "invalid_campaign"),
        ((" c", "Deposit"), {}, "invalid_id"),
        (("c", "Deposit"), {"tags": "vip"}, "invalid_tags"),
        (("c", "Deposit"), {"tags": None}, "invalid_tags"),
        (("c", "Deposit"), {"brand_id": 7}, "invalid_scope"),
        (("c", "Deposit"), {"active_from": 1.5}, "invalid_window"),
        (("c", "Deposit"), {"active_from": 5, "active_until": 5}, "invalid_window"),
        (("c", "Deposit"), {"name": ""}, "invalid_name"),
        (("c", "Deposit"), {"extra": {"reward": float("nan")}}, "invalid_field"),
        (("c", "Deposit"), {"extra": {"brand": "b-7"}}, "invalid_field"),
    ],
)
def test_a_campaign_made_directly_is_checked_as_add_checks_it(arguments: tuple[Any, ...], options: dict[str, Any],
                                                               kind: str) -> None:
    """A ``Campaign`` is a frozen record: one that ``add`` would refuse cannot be made by hand either."""
    condition = compile_condition("amount >= 1", "Deposit")
    given = (*arguments, condition) if len(arguments) == 2 else arguments
    with pytest.raises(CampaignError) as caught:
        Campaign(*given, **options)
    assert caught.value.kind == kind
    made = Campaign("c", "Deposit", condition, tags=["vip"], extra={"reward": 5})
    assert made == CampaignSet().add("c", "Deposit", "amount >= 1", tags=["vip"], extra={"reward": 5})


def test_a_compiled_condition_is_refused_for_another_event_type_as_campaign_refuses_it() -> None:
    """``amount >= 20`` checks for a withdrawal too: a deposit's compiled condition must not silently become one."""
    deposits = compile_condition("amount >= 20", "Deposit")
    campaigns = CampaignSet()
    given: Any = deposits  # not a type these methods declare, but one a caller may pass
    for change in (lambda: campaigns.add("c", "Withdrawal", given),
                   lambda: campaigns.apply([CampaignChange.add("c", "Withdrawal", given)]),
                   lambda: Campaign("c", "Withdrawal", deposits)):
        with pytest.raises(CampaignError) as caught:
            change()
        assert caught.value.kind == "invalid_campaign"
        assert "its condition is for Deposit events, not" in str(caught.value)
    assert len(campaigns) == 0
    assert campaigns.add("c", "Deposit", given).condition.text == "amount >= 20"


# --------------------------------------------------------------------------------------------- removing, replacing


class _Brand(str, enum.Enum):
    B7 = "b-7"
    WELCOME = "welcome"


class _Liar(str):
    """A string that says it equals anything, hashes as ``"welcome"`` and strips to itself."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("welcome")

    def strip(self, chars: str | None = None) -> str:
        return self


def test_ids_and_scopes_given_as_string_subclasses_are_kept_as_their_text() -> None:
    campaigns = CampaignSet()
    added = campaigns.add(_Brand.WELCOME, "Deposit", "amount > 1", brand_id=_Brand.B7, operator_id=_Brand.B7)
    assert type(added.id) is str and type(added.brand_id) is str and type(added.operator_id) is str
    assert str(added.id) == "welcome" and added.brand_id == added.operator_id == "b-7"
    found = campaigns.match(deposit(operator_id="b-7"))
    assert found == ["welcome"] and type(found[0]) is str
    made = Campaign(_Brand.WELCOME, EventType.DEPOSIT, compile_condition("amount > 1", "Deposit"), brand_id=_Brand.B7)
    assert type(made.id) is str and type(made.brand_id) is str
    assert [type(campaign.id) for campaign in CampaignSet([made])] == [str]
    # a subclass that lies about equality and hashing finds, removes and adds nothing it should not
    assert campaigns.get(_Liar("other")) is None
    assert _Liar("other") not in campaigns
    with pytest.raises(CampaignError) as unknown:
        campaigns.remove(_Liar("other"))
    assert unknown.value.kind == "unknown_id"
    with pytest.raises(CampaignError) as spaced:
        campaigns.add(_Liar(" spaced "), "Deposit", "amount > 1")
    assert spaced.value.kind == "invalid_id"
    assert [campaign.id for campaign in campaigns] == ["welcome"]


class _TextLiar(str):
    """A string that says it equals anything and hashes as the condition ``amount >= 20``."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("amount >= 20")


def test_condition_text_of_a_lying_string_subclass_is_refused_not_taken_for_a_text_checked_before() -> None:
    """The texts a set checked are remembered by their text: a subclass that lies gets no other's condition."""
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", "amount >= 20")
    for make in (lambda text: campaigns.add("b", "Deposit", text),
                 lambda text: campaigns.apply([CampaignChange.replace("a", "Deposit", text)]),
                 lambda text: CampaignSet.from_json([{"id": "a", "event_type": "Deposit", "condition": "amount >= 20"},
                                                     {"id": "b", "event_type": "Deposit", "condition": text}])):
        with pytest.raises((ConditionSyntaxError, CampaignConfigError)) as caught:
            make(_TextLiar("amount >= 1000"))
        assert "condition text must be a str, not _TextLiar" in str(caught.value)
    assert [(campaign.id, campaign.text) for campaign in campaigns] == [("a", "amount >= 20")]


def test_a_functions_check_may_read_the_set_while_the_set_is_reloaded() -> None:
    """A registered function's compile-time check that iterates the set does not wait forever on a reload."""
    functions = FunctionRegistry()
    seen: list[list[str]] = []

    def known_ids(values: Any) -> None:
        seen.append([campaign.id for campaign in campaigns])

    functions.register("flag", lambda amount: True, params=["number"], returns="bool", check=known_ids)
    campaigns = CampaignSet(functions=functions)
    campaigns.add("old", "Deposit", "amount > 1")
    results: list[Any] = []
    entries = [{"id": "new", "event_type": "Deposit", "condition": "flag(amount)"}]
    reloading = threading.Thread(target=lambda: results.append(campaigns.reload(entries)), daemon=True)
    reloading.start()
    reloading.join(timeout=60)
    assert not reloading.is_alive()
    assert seen == [["old"]]
    assert results[0].added == ("new",) and results[0].removed == ("old",)
    assert [campaign.id for campaign in campaigns] == ["new"]


def test_remove_returns_the_campaign_and_unknown_ids_are_errors() -> None:
    campaigns = CampaignSet()
    added = campaigns.add("c", "Deposit", "amount >= 20")
    assert campaigns.remove("c") == added
    assert len(campaigns) == 0
    with pytest.raises(CampaignError) as caught:
        campaigns.remove("c")
    assert caught.value.kind == "unknown_id"
    with pytest.raises(TypeError, match=r"^campaign_id must be a str, not int$"):  # a wrong type, as for get
        campaigns.remove(3)  # type: ignore[arg-type]


def test_replace_keeps_the_place_and_changes_everything_else() -> None:
    campaigns = CampaignSet()
    for name in ("a", "b", "c"):
        campaigns.add(name, "Deposit", "amount >= 1")
    assert campaigns.match(deposit()) == ["a", "b", "c"]
    new = campaigns.replace("b", "PlayerLogin", 'channel_type == "MobileWeb"', brand_id="b-7")
    assert (new.event_type, new.brand_id) == (EventType.PLAYER_LOGIN, "b-7")
    assert campaigns.match(deposit()) == ["a", "c"]
    assert campaigns.match(login()) == ["b"]
    campaigns.replace("b", "Deposit", "amount >= 2")
    assert [c.id for c in campaigns] == ["a", "b", "c"]
    assert campaigns.match(deposit()) == ["a", "b", "c"]


def test_replace_with_a_bad_condition_or_an_unknown_id_changes_nothing() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", "amount >= 1")
    with pytest.raises(ConditionTypeError):
        campaigns.replace("a", "Deposit", "amount == true")
    with pytest.raises(CampaignError) as caught:
        campaigns.replace("zz", "Deposit", "amount >= 1")
    assert caught.value.kind == "unknown_id"
    assert campaigns.get("a").text == "amount >= 1"  # type: ignore[union-attr]
    assert campaigns.match(deposit()) == ["a"]


def test_an_id_can_be_added_again_after_removal_and_goes_last() -> None:
    campaigns = CampaignSet()
    campaigns.add("a", "Deposit", "amount >= 1")
    campaigns.add("b", "Deposit", "amount >= 1")
    campaigns.remove("a")
    campaigns.add("a", "Deposit", "amount >= 1")
    assert campaigns.match(deposit()) == ["b", "a"]


# --------------------------------------------------------------------------------------------- matching


def test_match_returns_ids_in_insertion_order_across_scopes() -> None:
    campaigns = CampaignSet()
    campaigns.add("global", "Deposit", "amount >= 1")
    campaigns.add("brand", "Deposit", 'currency == "EUR"', operator_id="op-1", brand_id="b-7")
    campaigns.add("operator", "Deposit", 'currency in ["EUR", "USD"]', operator_id="op-1")
    campaigns.add("brand-only", "Deposit", "amount > 0", brand_id="b-7")
    campaigns.add("other-brand", "Deposit", "amount > 0", brand_id="b-8")
    campaigns.add("other-operator", "Deposit", "amount > 0", operator_id="op-2")
    campaigns.add("other-pair", "Deposit", "amount > 0", operator_id="op-2", brand_id="b-7")
    campaigns.add("login", "PlayerLogin", "country is null")
    assert campaigns.match(deposit()) == ["global", "brand", "operator", "brand-only"]
    assert campaigns.match(deposit(brand_id="b-8")) == ["global", "operator", "other-brand"]
    assert campaigns.match(deposit(operator_id="op-2")) == ["global", "brand-only", "other-operator", "other-pair"]
    assert campaigns.match(login(country=None)) == ["login"]


def test_equal_numbers_match_whatever_their_scale() -> None:
    campaigns = CampaignSet()
    campaigns.add("eq", "Deposit", "amount == 20")
    campaigns.add("in", "Deposit", "amount in [5, 20.000, 1E+3]")
    campaigns.add("exp", "Deposit", "amount == 2E+1")
    assert campaigns.match(deposit("20.00")) == ["eq", "in", "exp"]
    assert campaigns.match(deposit("1000")) == ["in"]
    assert campaigns.match(deposit("20.01")) == []


def test_nulls_follow_the_language() -> None:
    campaigns = CampaignSet()
    campaigns.add("eq", "PlayerLogin", 'country == "MT"')
    campaigns.add("eq-null", "PlayerLogin", "country == null")
    campaigns.add("ne", "PlayerLogin", 'country != "MT"')
    campaigns.add("in", "PlayerLogin", 'country in ["MT", "DE"]')
    campaigns.add("not-in", "PlayerLogin", 'country not in ["MT", "DE"]')
    campaigns.add("null", "PlayerLogin", "country is null")
    assert campaigns.match(login(country=None)) == ["eq-null", "ne", "not-in", "null"]
    assert campaigns.match(login(country="MT")) == ["eq", "in"]
    assert campaigns.match(login(country="FI")) == ["ne", "not-in"]
    for envelope in (login(country=None), login(country="MT"), login(country="FI")):
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)


def test_nullable_money_in_ranges_and_equality() -> None:
    campaigns = CampaignSet()
    campaigns.add("low", "Deposit", "balance_after < 5")
    campaigns.add("zero", "Deposit", "balance_after == 0")
    assert campaigns.match(deposit(balance_after=None)) == []
    assert campaigns.match(deposit(balance_after="0.00")) == ["low", "zero"]
    assert campaigns.match(deposit(balance_after="-3")) == ["low"]


def test_channels_match_by_name() -> None:
    campaigns = CampaignSet()
    campaigns.add("mobile", "PlayerLogin", 'channel_type in ["MobileWeb", "MobileNative"]')
    campaigns.add("web", "PlayerLogin", '"MobileWeb" == channel_type')
    assert campaigns.match(login("MobileWeb")) == ["mobile", "web"]
    assert campaigns.match(login("MobileNative")) == ["mobile"]
    assert campaigns.match(login("DesktopWeb")) == []


def test_envelope_fields_are_indexed_too() -> None:
    campaigns = CampaignSet()
    campaigns.add("player", "Deposit", 'event.player_id == "p-000042" and amount > 0')
    campaigns.add("iso", "Deposit", 'event.timestamp == "2026-05-04T00:00:00Z"')
    campaigns.add("seconds", "Deposit", f"event.timestamp in [1, {MONDAY}]")
    assert campaigns.match(deposit()) == ["player", "iso", "seconds"]
    assert campaigns.match(deposit(timestamp=MONDAY + 1)) == ["player"]


def test_context_values_reach_the_conditions() -> None:
    campaigns = CampaignSet(context={"vip": "number", "segment": "string?"})
    campaigns.add("vip", "Deposit", "ctx.vip >= 3 and amount > 0", brand_id="b-7")
    campaigns.add("plain", "Deposit", "amount > 0")
    assert campaigns.match(deposit(), ctx={"vip": 4}) == ["vip", "plain"]
    assert campaigns.match(deposit(), ctx={"vip": Decimal(1)}) == ["plain"]
    with pytest.raises(ConditionEvaluationError, match=r"ctx\.vip"):
        campaigns.match(deposit())
    with pytest.raises(ConditionEvaluationError):
        campaigns.match_naive(deposit())
    # out of the scope of the campaign that reads ctx: no context is needed
    assert campaigns.match(deposit(brand_id="b-1")) == ["plain"]


class _Unreadable(Mapping[str, Any]):
    """A context whose values cannot be read: it says it holds them, then raises when asked for one."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __getitem__(self, name: str) -> Any:
        raise self.error

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(["vip"])

    def __len__(self) -> int:
        return 1


class _OwnBase(BaseException):
    pass


@pytest.mark.parametrize("error", [ValueError("backend down"), KeyError("vip"), _OwnBase()],
                         ids=["ValueError", "KeyError", "own-BaseException"])
def test_a_context_value_that_cannot_be_read_is_a_condition_evaluation_error(error: BaseException) -> None:
    campaigns = CampaignSet(context={"vip": "number"})
    campaigns.add("vip", "Deposit", "ctx.vip >= 3", brand_id="b-7")
    campaigns.add("plain", "Deposit", "amount > 0")
    ctx = _Unreadable(error)
    for read in (campaigns.match, campaigns.match_naive, lambda event, ctx: campaigns.explain("vip", event, ctx=ctx)):
        with pytest.raises(ConditionEvaluationError, match=rf"ctx\.vip could not be read: {type(error).__name__}"):
            read(deposit(), ctx=ctx)
    # out of the scope of the only campaign that reads it, the value is not needed: match agrees with match_naive
    assert campaigns.match(deposit(brand_id="b-1"), ctx=ctx) == campaigns.match_naive(deposit(brand_id="b-1"),
                                                                                      ctx=ctx) == ["plain"]


def test_undeclared_context_is_a_compile_error() -> None:
    with pytest.raises(ConditionTypeError, match=r"ctx\.vip"):
        CampaignSet().add("c", "Deposit", "ctx.vip >= 3")


@pytest.mark.parametrize(
    ("context", "message"),
    [({"true": "bool"}, "keyword"), ({"1x": "bool"}, "ASCII name"), ({"vip": "nosuch"}, "unknown type 'nosuch'")],
)
def test_a_bad_context_declaration_is_refused_when_the_set_is_made(context: dict[str, str], message: str) -> None:
    with pytest.raises(ConditionTypeError, match=message):
        CampaignSet(context=context)
    with pytest.raises(ConditionTypeError, match=message):
        CampaignSet.from_json([], context=context)


def test_match_needs_an_envelope() -> None:
    campaigns = CampaignSet()
    campaigns.add("c", "Deposit", "amount >= 1")
    for method in (campaigns.match, campaigns.match_naive):
        with pytest.raises(ConditionEvaluationError, match="Envelope"):
            method(deposit().payload)  # type: ignore[arg-type]


def test_shared_clauses_are_evaluated_once_per_event_and_only_when_needed() -> None:
    calls: list[Decimal] = []
    functions = FunctionRegistry()

    @functions.function(params=["number"], returns="number")
    def spy(value: Decimal) -> Decimal:
        calls.append(value)
        return value

    campaigns = CampaignSet(functions=functions)
    for number in range(300):
        campaigns.add(f"c{number}", "Deposit", f'method_id == "m{number % 30}" and spy(amount) >= 10',
                      brand_id=f"b-{number % 3}")
    campaigns.add("eur", "Deposit", 'currency == "EUR" and spy(amount) >= 10')
    matched = campaigns.match(deposit(method_id="m7", brand_id="b-1"))
    assert matched == [*(f"c{n}" for n in range(300) if n % 30 == 7 and n % 3 == 1), "eur"]
    assert len(calls) == 1  # 10 campaigns of brand b-1 and "eur" hold the same clause: one evaluation
    calls.clear()
    assert campaigns.match(deposit(method_id="nope", currency="USD")) == []
    assert calls == []  # no campaign's discriminating clause holds: nothing is evaluated
    calls.clear()
    assert campaigns.match_naive(deposit(method_id="m7", brand_id="b-1")) == matched


# --------------------------------------------------------------------------------------------- explaining


def test_explain_renders_each_sub_condition_with_its_value() -> None:
    campaigns = CampaignSet()
    campaigns.add("welcome-drop", "Deposit", 'amount >= 20 and (currency == "EUR" or not balance_after < 0)',
                  brand_id="b-7")
    explanation = campaigns.explain("welcome-drop", deposit("25.00", "USD", balance_after="-1.5"))
    assert not explanation.matched
    assert str(explanation) == "\n".join([
        "campaign 'welcome-drop' (Deposit, brand b-7): false",
        "  event type is Deposit: true  (event type = Deposit)",
        '  event.brand_id == "b-7": true  (event.brand_id = "b-7")',
        "  index: true",
        "    range: amount >= 20: true  (amount = 25.00)",
        "  all of: false",
        "    amount >= 20: true  (amount = 25.00)",
        "    any of: false",
        '      currency == "EUR": false  (currency = "USD")',
        "      not: false",
        "        balance_after < 0: true  (balance_after = -1.5)",
    ])
    assert explanation.render(indent="    ").splitlines()[1].startswith("    event type")
    assert repr(explanation) == (
        "<Explanation \"campaign 'welcome-drop' (Deposit, brand b-7)\": False (4 sub-conditions)>"
    )
    condition = explanation.children[-1]
    assert [child.text for child in condition.children] == ["amount >= 20", "any of"]
    assert condition.children[0].operands == (("amount", "25.00"),)


def test_explain_names_the_ratio_that_rules_a_scaled_comparison_out() -> None:
    campaigns = CampaignSet()
    campaigns.add("high-multiplier", "Deposit", "amount >= balance_after * 3")
    explanation = campaigns.explain("high-multiplier", deposit("25.00", balance_after="10.00"))
    assert not explanation.matched
    assert str(explanation).splitlines()[2:8] == [
        "  index, branch 1 of 2, ruled out by amount / balance_after >= 3: false",
        "    range: balance_after > 0: true  (balance_after = 10.00)",
        "    range: amount / balance_after >= 3: false  (amount / balance_after = 2.5)",
        "  index, branch 2 of 2, ruled out by balance_after <= 0: false",
        "    range: balance_after <= 0: false  (balance_after = 10.00)",
        "  amount >= balance_after * 3: false  (amount = 25.00, balance_after * 3 = 30.00)",
    ]
    assert campaigns.explain("high-multiplier", deposit("25.00", balance_after="-10.00")).matched


def test_explain_shows_values_that_short_circuit_skipped() -> None:
    campaigns = CampaignSet()
    campaigns.add("c", "Transaction", "real_bet >= 5 and hour(event.timestamp) == 0 and not is_free_spin")
    explanation = campaigns.explain("c", bet("1.00"))
    lines = str(explanation).splitlines()
    assert "    real_bet >= 5: false  (real_bet = 1.00)" in lines
    assert "    hour(event.timestamp) == 0: true  (hour(event.timestamp) = 0)" in lines
    assert "    not: true" in lines
    assert "      is_free_spin: false" in lines


def test_explain_shows_a_skipped_sub_condition_that_fails_on_its_own_and_never_raises_where_match_does_not() -> None:
    def failing(value: Any) -> Any:
        raise ValueError("no score")

    functions = FunctionRegistry()
    functions.register("score", failing, params=["number"], returns="number")
    functions.register("lucky", failing, params=["string"], returns="bool")
    campaigns = CampaignSet(functions=functions)
    campaigns.add("c", "Deposit", "amount > 5 or score(amount) > 3 or lucky(currency)")
    assert campaigns.match(deposit("10.00")) == ["c"]  # the or stops at its first option
    lines = str(campaigns.explain("c", deposit("10.00"))).splitlines()
    assert "    amount > 5: true  (amount = 10.00)" in lines
    assert ("    score(amount) > 3 (skipped; on its own it fails: function score raised ValueError: no score): false  "
            "(score(amount) = not evaluated (it fails))") in lines
    assert ("    lucky(currency) (skipped; on its own it fails: function lucky raised ValueError: no score): false  "
            '(currency = "EUR")') in lines
    with pytest.raises(ConditionEvaluationError):  # reached, it fails the match and its explanation alike
        campaigns.match(deposit("1.00"))
    with pytest.raises(ConditionEvaluationError):
        campaigns.explain("c", deposit("1.00"))


def test_explain_out_of_type_and_out_of_scope() -> None:
    campaigns = CampaignSet(context={"vip": "number"})
    campaigns.add("login", "PlayerLogin", "country is null")
    campaigns.add("other-brand", "Deposit", "amount >= 1", operator_id="op-1", brand_id="b-9")
    campaigns.add("vip", "Deposit", "ctx.vip > 1", brand_id="b-9")
    assert str(campaigns.explain("login", deposit())) == (
        "campaign 'login' (PlayerLogin): false\n  event type is PlayerLogin: false  (event type = Deposit)"
    )
    lines = str(campaigns.explain("other-brand", deposit())).splitlines()
    assert lines[0] == "campaign 'other-brand' (Deposit, operator op-1, brand b-9): false"
    assert '  event.brand_id == "b-9": false  (event.brand_id = "b-7")' in lines
    assert "  amount >= 1: true  (amount = 25.00)" in lines
    vip = str(campaigns.explain("vip", deposit())).splitlines()
    assert vip[-1].startswith("  condition not evaluated: ")
    with pytest.raises(ConditionEvaluationError):
        campaigns.explain("vip", deposit(brand_id="b-9"))
    assert campaigns.explain("vip", deposit(brand_id="b-9"), ctx={"vip": 2}).matched


def test_explain_never_shows_a_secret_and_refuses_unknown_ids() -> None:
    campaigns = CampaignSet()
    campaigns.add("c", "PlayerLogin", 'channel_type == "MobileWeb" and country in ["MT"]')
    text = str(campaigns.explain("c", login()))
    assert "s3cr3t" not in text
    assert 'channel_type = "MobileWeb"' in text
    with pytest.raises(CampaignError):
        campaigns.explain("nope", login())
    with pytest.raises(ConditionEvaluationError):
        campaigns.explain("c", login().payload)  # type: ignore[arg-type]


def test_explain_shows_timestamps_with_their_time() -> None:
    campaigns = CampaignSet()
    campaigns.add("c", "Deposit", 'event.timestamp >= "2026-05-01T00:00:00Z"')
    assert "(event.timestamp = 1777852800 (2026-05-04T00:00:00Z))" in str(campaigns.explain("c", deposit()))


def test_explain_says_which_indexed_atom_rules_a_campaign_out() -> None:
    campaigns = CampaignSet()
    for number in range(8):  # enough campaigns on currency for the index to look it up
        campaigns.add(f"c{number}", "Deposit", f'currency == "C{number}" and amount >= {number}')
    campaigns.add("vip", "Deposit", 'currency == "EUR" and amount >= 100 and method_id != "pix"')
    lines = str(campaigns.explain("vip", deposit("25.00"))).splitlines()
    assert lines[2:6] == [
        "  index, ruled out by amount >= 100: false",
        '    look-up: currency == "EUR": true  (currency = "EUR")',
        "    range: amount >= 100: false  (amount = 25.00)",
        '    rejection: method_id != "pix": true  (method_id = "visa")',
    ]
    lines = str(campaigns.explain("vip", deposit("25.00", "USD"))).splitlines()
    assert lines[2] == '  index, ruled out by currency == "EUR": false'
    assert campaigns.explain("vip", deposit("125.00")).children[1].text == "index"


def test_explain_shows_each_branch_and_the_active_window() -> None:
    campaigns = CampaignSet()
    campaigns.add("either", "Deposit", 'amount >= 100 or currency == "EUR"', active_from=MONDAY + 60)
    explanation = campaigns.explain("either", deposit())
    assert not explanation.matched
    lines = str(explanation).splitlines()
    assert "  active from 2026-05-04T00:01:00Z: false  (event.timestamp = 1777852800 (2026-05-04T00:00:00Z))" in lines
    assert "  index, branch 1 of 2, ruled out by amount >= 100: false" in lines
    assert "  index, branch 2 of 2, ruled out by active from 2026-05-04T00:01:00Z: false" in lines
    assert campaigns.explain("either", deposit(timestamp=MONDAY + 60)).matched


def test_stats_describe_the_index_and_a_sample() -> None:
    campaigns = CampaignSet()
    for number in range(30):
        campaigns.add(f"c{number}", "Deposit", f'method_id in ["m{number % 5}", "visa"] and amount >= {number}',
                      brand_id="b-7" if number % 2 else None)
    campaigns.add("either", "Deposit", 'amount > 1000 or currency != "EUR"')
    stats = campaigns.stats([deposit(), deposit("3.00", method_id="m1"), login()])
    assert (stats.campaigns, stats.branches, stats.indexes) == (31, 32, 1)
    assert stats.lookup_keys == 7 and stats.rejection_keys == 1 and stats.nodes == 4  # 4 facets
    assert stats.largest[0].operand == "method_id" and stats.largest[0].key == "visa"
    assert stats.largest[0].branches == 30
    assert ("event.brand_id", "b-7", 15) in [(p.operand, p.key, p.branches) for p in stats.largest]
    assert stats.events == 3
    assert stats.matched == pytest.approx((len(campaigns.match(deposit())) + len(
        campaigns.match(deposit("3.00", method_id="m1")))) / 3)
    assert 0 < stats.share_checked < 1
    assert stats.in_scope == pytest.approx((32 + 32) / 3)
    assert CampaignSet().stats().share_checked == 0.0


def test_stats_match_the_sample_with_the_context_values_given() -> None:
    """A set whose conditions read context values measures its matches with them, as ``match`` does."""
    campaigns = CampaignSet(context={"vip_level": "number"})
    campaigns.add("vip", "Deposit", "ctx.vip_level >= 3 and amount >= 20")
    campaigns.add("any", "Deposit", "amount >= 10")
    sample = [deposit(), deposit("15.00")]
    stats = campaigns.stats(sample, ctx={"vip_level": 4})
    assert stats.matched == pytest.approx(sum(len(campaigns.match(event, ctx={"vip_level": 4}))
                                              for event in sample) / 2) == 1.5
    assert campaigns.stats(sample).matched == 0.0  # without them every match fails: none is counted
    with pytest.raises(TypeError, match="ctx"):
        campaigns.stats(sample, ctx=[("vip_level", 4)])  # type: ignore[arg-type]
