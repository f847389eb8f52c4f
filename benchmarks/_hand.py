"""The contenders a user would write by hand: pydantic models and a union, msgspec structs (no rules)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Optional, Union

import msgspec
from pydantic import BaseModel, ConfigDict

__all__ = ["HandEnvelope", "hand_exact", "msgspec_parse"]


# --- what a user would write by hand with pydantic ------------------------------------------------------------------
class _M(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlayerLogin(_M):
    channel_type: str
    currency: str
    country: Optional[str] = None  # noqa: UP045
    jurisdiction: Optional[str] = None  # noqa: UP045
    session_token: Optional[str] = None  # noqa: UP045


class PlayerLogout(_M):
    channel_type: str


class Transaction(_M):
    provider_id: str
    game_id: str
    gameround_id: str
    bet_transaction_id: Optional[str] = None  # noqa: UP045
    currency: str
    game_bet: Decimal
    bonus_bet: Decimal
    real_bet: Decimal
    jackpot_bet: Decimal
    win_transaction_id: Optional[str] = None  # noqa: UP045
    game_win: Decimal
    jackpot_win: Decimal
    is_free_spin: bool
    round_finished: bool


class Deposit(_M):
    method_id: str
    currency: str
    amount: Decimal
    balance_after: Optional[Decimal] = None  # noqa: UP045


class Withdrawal(Deposit):
    pass


class ThrillPotsWinEvent(_M):
    jackpot_id: str
    instance_id: str
    pot_id: str
    player_brand_id: str
    player_id: str
    currency: str
    amount: Decimal
    game_id: Optional[str] = None  # noqa: UP045
    contribution: Optional[Decimal] = None  # noqa: UP045
    contribution_currency: Optional[str] = None  # noqa: UP045
    payout_type: Optional[str] = None  # noqa: UP045


class ThrillPotsRaffleWinEvent(_M):
    raffle_id: str
    instance_id: str
    prize_id: str
    player_brand_id: str
    player_id: str
    currency: str
    amount: Decimal


class ThrillPotsOptInEvent(_M):
    player_brand_id: str
    player_id: str
    jackpot_id: str
    currency: str
    contribution: Optional[Decimal] = None  # noqa: UP045


_MODELS = [PlayerLogin, PlayerLogout, Transaction, Deposit, Withdrawal, ThrillPotsWinEvent, ThrillPotsRaffleWinEvent,
           ThrillPotsOptInEvent]
_WRAPPERS = [type(f"{m.__name__}W", (_M,), {"__annotations__": {m.__name__: m}}) for m in _MODELS]
_WRAPPERS[4] = type("WithdrawalW", (_M,), {"__annotations__": {"Withdrawal": Withdrawal}})


class HandEnvelope(_M):
    operator_id: str
    brand_id: str
    player_id: str
    timestamp: int
    event_type: Union[tuple(_WRAPPERS)]  # type: ignore[valid-type]  # noqa: UP007


# --- msgspec -------------------------------------------------------------------------------------------------------
def _struct(model: type[BaseModel]) -> type[msgspec.Struct]:
    fields: list[Any] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        fields.append((name, annotation, None) if not info.is_required() else (name, annotation))
    required = [f for f in fields if len(f) == 2]
    optional = [f for f in fields if len(f) == 3]
    return msgspec.defstruct(f"S{model.__name__}", required + optional, frozen=True)


_STRUCTS = {m.__name__: _struct(m) for m in _MODELS}
_STRUCT_DECODERS = {name: msgspec.json.Decoder(s) for name, s in _STRUCTS.items()}


class SEnvelope(msgspec.Struct, frozen=True):
    operator_id: str
    brand_id: str
    player_id: str
    timestamp: int
    event_type: dict[str, msgspec.Raw]


_SENV = msgspec.json.Decoder(SEnvelope)


def msgspec_parse(raw: bytes) -> Any:
    env = _SENV.decode(raw)
    ((name, body),) = env.event_type.items()
    return env, _STRUCT_DECODERS[name].decode(body)


def hand_exact(raw: bytes) -> Any:
    return HandEnvelope.model_validate(json.loads(raw, parse_float=Decimal))
