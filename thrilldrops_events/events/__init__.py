"""The payload models and the registry from event type to model.

The registry is ``EventType`` (in ``_base.py``): defining a model of an event type registers it, and
``PAYLOAD_MODELS`` and the ``Payload`` union are read from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from thrilldrops_events._problems import unknown_variant
from thrilldrops_events.events._base import EventPayload, EventType, build_when_used
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

#: Every payload model, in the order of [EventType][thrilldrops_events.EventType] (every member has one).
PAYLOAD_MODELS: dict[EventType, type[EventPayload]] = {member: member.model for member in EventType}
build_when_used(*PAYLOAD_MODELS.values())

if TYPE_CHECKING:
    # Type checkers cannot read the registry: they see this union, which a test keeps equal to it.
    Payload = Union[  # noqa: UP007
        PlayerLogin,
        PlayerLogout,
        Transaction,
        Deposit,
        Withdrawal,
        ThrillPotsWinEvent,
        ThrillPotsRaffleWinEvent,
        ThrillPotsOptInEvent,
    ]
    """The union of the payload models, one per [EventType][thrilldrops_events.EventType]."""
else:
    #: The union of the payload models: a runtime alias, usable on Python 3.10 in isinstance and pydantic.
    Payload = Union[tuple(PAYLOAD_MODELS.values())]  # noqa: UP007


def payload_model(event_type: EventType | str) -> type[EventPayload]:
    """Return the payload model of an event type, given as an ``EventType`` or its wire name.

    Raises:
        EventValidationError: If the name is not one of the event types.
    """
    try:
        return EventType(event_type).model
    except ValueError:
        raise unknown_variant(str(event_type), path="") from None
