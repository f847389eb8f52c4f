"""The eight payload models and the registry from event type to model."""

from __future__ import annotations

from typing import Union

from thrilldrops_events._problems import set_variants, unknown_variant
from thrilldrops_events.events._base import EventPayload, EventType
from thrilldrops_events.events.external import Deposit, PlayerLogin, PlayerLogout, Transaction, Withdrawal
from thrilldrops_events.events.internal import ThrillPotsOptInEvent, ThrillPotsRaffleWinEvent, ThrillPotsWinEvent

__all__ = [
    "PAYLOAD_MODELS",
    "Deposit",
    "EventPayload",
    "Payload",
    "PlayerLogin",
    "PlayerLogout",
    "ThrillPotsOptInEvent",
    "ThrillPotsRaffleWinEvent",
    "ThrillPotsWinEvent",
    "Transaction",
    "Withdrawal",
    "payload_model",
]

#: Every payload model, in the order of :class:`EventType`.
PAYLOAD_MODELS: dict[EventType, type[EventPayload]] = {
    model.event_type: model
    for model in (
        PlayerLogin,
        PlayerLogout,
        Transaction,
        Deposit,
        Withdrawal,
        ThrillPotsWinEvent,
        ThrillPotsRaffleWinEvent,
        ThrillPotsOptInEvent,
    )
}
assert list(PAYLOAD_MODELS) == list(EventType), "every EventType needs exactly one model"
set_variants(member.value for member in EventType)

#: The union of the eight payload models.
Payload = Union[  # noqa: UP007 - a runtime alias, usable on Python 3.10 in isinstance and pydantic
    PlayerLogin,
    PlayerLogout,
    Transaction,
    Deposit,
    Withdrawal,
    ThrillPotsWinEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsOptInEvent,
]


def payload_model(event_type: EventType | str) -> type[EventPayload]:
    """Return the payload model of an event type, given as an ``EventType`` or its wire name.

    Raises:
        EventValidationError: If the name is not one of the eight variants.
    """
    try:
        return PAYLOAD_MODELS[EventType(event_type)]
    except ValueError:
        raise unknown_variant(str(event_type), path="") from None
