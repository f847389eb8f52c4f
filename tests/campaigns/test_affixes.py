"""starts_with and ends_with with a literal: look-ups on a prefix or suffix, one facet per length."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import (
    CampaignSet,
    ChannelType,
    Envelope,
    FunctionRegistry,
    PlayerLogin,
    Transaction,
    compile_condition,
)
from thrilldrops_events.campaigns._affixes import Affix
from thrilldrops_events.campaigns._atoms import branches_of
from thrilldrops_events.conditions import nodes as n

MONDAY = 1777852800


def _shapes(text: str, event_type: str = "Transaction") -> list[list[tuple[str, str, frozenset[object]]]]:
    return [[(atom.operand.text, atom.kind, atom.keys) for atom in branch.atoms] if branch.possible else []
            for branch in branches_of(compile_condition(text, event_type).checked)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('starts_with(game_id, "prov-03")', [("game_id[:7]", "set", {"prov-03"})]),
        ('ends_with(game_id, "-g07")', [("game_id[-4:]", "set", {"-g07"})]),
        ('not starts_with(game_id, "prov")', [("game_id[:4]", "not_set", {"prov"})]),
        ('starts_with(lower(game_id), "pr")', [("lower(game_id)[:2]", "set", {"pr"})]),
        ('ends_with(game_id, "")', [("game_id[:0]", "set", {""})]),  # an empty suffix is the empty prefix
        ('(starts_with(game_id, "ab") or starts_with(game_id, "cd")) and real_bet > 1',
         [("game_id[:2]", "set", {"ab", "cd"}), ("real_bet", "range", frozenset())]),
    ],
)
def test_a_prefix_or_suffix_test_is_a_set_atom_on_the_operands_first_or_last_characters(
        text: str, expected: list[tuple[str, str, set[str]]]) -> None:
    assert _shapes(text) == [[(operand, kind, frozenset(keys)) for operand, kind, keys in expected]]


def test_two_prefixes_of_one_length_contradict_and_other_lengths_stay_apart() -> None:
    assert _shapes('starts_with(game_id, "ab") and starts_with(game_id, "cd")') == [[]]
    assert _shapes('starts_with(win_transaction_id, "ab") is null') == [[]]  # the test gives a bool, never null
    assert _shapes('starts_with(game_id, "ab") and starts_with(game_id, "abc")') == [
        [("game_id[:2]", "set", frozenset({"ab"})), ("game_id[:3]", "set", frozenset({"abc"}))]]
    # with a value that is no literal, the call is the operand (a facet per distinct call)
    (branch,) = branches_of(compile_condition("starts_with(game_id, currency)", "Transaction").checked)
    assert [atom.operand.text for atom in branch.atoms] == ["starts_with(game_id, currency)"]


def test_the_affix_node_is_the_indexs_own_and_equal_by_structure() -> None:
    field = n.FieldRef("payload", "game_id")
    assert Affix(field, 3, False) == Affix(field, 3, False)
    assert len({Affix(field, 3, False), Affix(field, 3, True), Affix(field, 4, False)}) == 3


def _bet(game_id: str, bet: str = "5", win_id: str | None = None) -> Envelope:
    return Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                    payload=Transaction(provider_id="p", game_id=game_id, gameround_id="r", currency="EUR",
                                        game_bet=Decimal(bet), bonus_bet=Decimal(0), real_bet=Decimal(bet),
                                        jackpot_bet=Decimal(0), game_win=Decimal(0), jackpot_win=Decimal(0),
                                        is_free_spin=False, round_finished=True, win_transaction_id=win_id))


def test_hundreds_of_prefixes_share_one_facet_and_match_as_the_naive_loop() -> None:
    campaigns = CampaignSet()
    for number in range(400):
        word = f"prov-{number % 20:02d}-g{number // 20:02d}"
        campaigns.add(f"s{number}", "Transaction", f'starts_with(game_id, "{word}") and game_bet >= {number % 7}')
        campaigns.add(f"e{number}", "Transaction", f'not ends_with(game_id, "{word[-5:]}")')
        campaigns.add(f"w{number}", "Transaction", f'not starts_with(win_transaction_id, "{word[:6]}")')
    assert campaigns.stats().nodes == 4  # game_id[:11], game_id[-5:], win_transaction_id[:6], game_bet
    games = ["prov-03-g07", "prov-03-g07x", "prov-03", "p", "PROV-03-g07", "xprov-03-g07", "prov-19-g19"]
    for envelope in [_bet(game, bet, win) for game in games for bet in ("0", "3", "9") for win in (None, game)]:
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)
    found = campaigns.explain("s67", _bet("prov-07-g03", "9"))
    assert found.matched
    assert ("game_id[:11]", '"prov-07-g03"') in [operand for line in found.children for child in line.children
                                                 for operand in child.operands]
    assert 'look-up: starts_with(game_id, "prov-07-g03")' in str(found)


def test_a_channel_slices_to_its_name() -> None:
    campaigns = CampaignSet()
    campaigns.add("mobile", "PlayerLogin", 'starts_with(channel_type, "Mobile")')
    campaigns.add("web", "PlayerLogin", 'ends_with(channel_type, "Web")')
    for channel in ChannelType:
        login = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=MONDAY,
                         payload=PlayerLogin(channel_type=channel, currency="EUR"))
        assert campaigns.match(login) == campaigns.match_naive(login)
        assert ("mobile" in campaigns.match(login)) == channel.value.startswith("Mobile")


_WORDS = st.text("aB-0", max_size=4)
#: How a test is written in a condition: alone, negated, compared with a boolean or null.
_FORMS = ["{}", "not {}", "{} == true", "{} == false", "{} != true", "{} != false", "{} is null", "{} is not null",
          "{} in [false]"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["starts_with", "ends_with"]),
                          st.sampled_from(["game_id", "win_transaction_id"]), st.booleans(), st.sampled_from(_FORMS),
                          _WORDS), min_size=1, max_size=30),
       st.lists(st.tuples(_WORDS.filter(bool), st.none() | _WORDS.filter(bool)), min_size=1, max_size=6))
def test_prefix_and_suffix_look_ups_match_as_the_naive_loop(
        calls: list[tuple[str, str, bool, str, str]], values: list[tuple[str, str | None]]) -> None:
    """Literals longer than the value, empty ones, null values, lower case, every outcome, many per facet."""
    campaigns = CampaignSet()
    for number, (name, field, lowered, form, word) in enumerate(calls):
        operand = f"lower({field})" if lowered else field
        campaigns.add(f"c{number}", "Transaction", form.format(f'{name}({operand}, "{word}")'))
    for game, win in values:
        envelope = _bet(game, "1", win)
        assert campaigns.match(envelope) == campaigns.match_naive(envelope)


def test_a_registered_starts_with_is_called_not_looked_up() -> None:
    functions = FunctionRegistry()
    functions.register("starts_with", lambda text, part: text.lower().startswith(part), params=["string", "string"],
                       returns="bool", replace=True)
    campaigns = CampaignSet(functions=functions)
    campaigns.add("any-case", "Transaction", 'starts_with(game_id, "prov")')
    campaign = campaigns.get("any-case")
    assert campaign is not None
    (branch,) = branches_of(campaign.condition.checked)
    assert branch.residual and not branch.atoms
    assert campaigns.match(_bet("PROV-01")) == campaigns.match_naive(_bet("PROV-01")) == ["any-case"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('starts_with(game_id, "ab") == true', ("set", {"ab"})),
        ('starts_with(game_id, "ab") != true', ("not_set", {"ab"})),
        ('starts_with(win_transaction_id, "ab") == false', ("not_set", {"ab"})),  # null: false
        ('starts_with(win_transaction_id, "ab") != false', ("set", {"ab"})),
        ('starts_with(win_transaction_id, "ab") in [true, false]', ("not_set", set())),  # always
        ('not (starts_with(win_transaction_id, "ab") in [false])', ("set", {"ab"})),
    ],
)
def test_every_outcome_a_prefix_test_is_compared_with_is_read_on_the_prefix(
        text: str, expected: tuple[str, set[object]]) -> None:
    kind, keys = expected
    operand = "win_transaction_id[:2]" if "win_" in text else "game_id[:2]"
    assert _shapes(text) == [[(operand, kind, frozenset(keys))]]
