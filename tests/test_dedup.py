"""Natural de-duplication keys: equal for every delivery of an event, different for different happenings."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given

from thrilldrops_events import Deposit, Envelope, EventType, PlayerLogin, Transaction, dedup_key, parse_event, to_json
from thrilldrops_events.codecs import redis as redis_codec
from thrilldrops_events.dedup import KEY_FIELDS
from thrilldrops_events.testing import envelopes

ROUND = Transaction(provider_id="pragmatic", game_id="gates-of-olympus", gameround_id="r-9f8e7d",
                    bet_transaction_id="bet-1", currency="EUR", game_bet=Decimal("1.00"), bonus_bet=Decimal(0),
                    real_bet=Decimal("1.00"), jackpot_bet=Decimal(0), game_win=Decimal(0), jackpot_win=Decimal(0),
                    is_free_spin=False, round_finished=False)


def envelope(payload: object, **changes: object) -> Envelope:
    fields: dict[str, object] = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-000042",
                                 "timestamp": 1777852800, "payload": payload}
    fields.update(changes)
    return Envelope(**fields)


@given(envelopes(unknown_fields=True))
def test_key_is_stable_across_codecs(event: Envelope) -> None:
    key = dedup_key(event)
    assert dedup_key(parse_event(to_json(event))) == key
    assert dedup_key(redis_codec.decode(redis_codec.encode(event))) == key
    parts = json.loads(key)
    assert parts[:3] == [event.event_type.value, event.operator_id, event.brand_id]
    assert len(parts) >= 3 + len(KEY_FIELDS[event.event_type.value])


def test_every_event_type_has_a_key_definition() -> None:
    assert set(KEY_FIELDS) == {e.value for e in EventType}


def test_transaction_key_uses_provider_round_and_transaction_ids() -> None:
    key = dedup_key(envelope(ROUND))
    assert json.loads(key) == ["Transaction", "op-1", "brand-7", "pragmatic", "r-9f8e7d", "bet-1", None]
    # The round's win is another happening: another key.
    win = ROUND.model_copy(update={"win_transaction_id": "win-1", "round_finished": True})
    assert dedup_key(envelope(win)) != key
    # The same happening sent again later, or with money written differently, is the same key.
    again = ROUND.model_copy(update={"game_bet": Decimal("1.0")})
    assert dedup_key(envelope(again, timestamp=1777852999)) == key
    # Another operator's round with the same ids is not.
    assert dedup_key(envelope(ROUND, operator_id="op-2")) != key


def test_transaction_without_ids_falls_back_to_its_content() -> None:
    bare = ROUND.model_copy(update={"bet_transaction_id": None})
    assert dedup_key(envelope(bare)) != dedup_key(envelope(bare, timestamp=1777852801))
    assert dedup_key(envelope(bare)) == dedup_key(envelope(bare))


def test_deposit_key_and_money_by_value() -> None:
    deposit = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
    same = Deposit(method_id="visa", currency="EUR", amount=Decimal("25"))
    other = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.01"))
    assert dedup_key(envelope(deposit)) == dedup_key(envelope(same))
    assert dedup_key(envelope(deposit)) != dedup_key(envelope(other))
    assert dedup_key(envelope(deposit)) != dedup_key(envelope(deposit, player_id="p-2"))


def test_ids_with_separators_cannot_collide() -> None:
    a = envelope(ROUND.model_copy(update={"provider_id": 'a","b', "gameround_id": "c"}))
    b = envelope(ROUND.model_copy(update={"provider_id": "a", "gameround_id": 'b","c'}))
    assert dedup_key(a) != dedup_key(b)


def test_session_token_is_never_part_of_a_key() -> None:
    secret = "TOKEN-never-in-a-key"
    login = envelope(PlayerLogin(channel_type="MobileWeb", currency="EUR", session_token=secret))
    assert secret not in dedup_key(login)
    assert dedup_key(login) == dedup_key(envelope(PlayerLogin(channel_type="MobileWeb", currency="EUR")))
