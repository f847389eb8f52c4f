"""What type checkers see of the registry-derived names: mypy checks this file (see ``[tool.mypy] files``).

``EventType``'s members, ``EventType.model``, the ``Payload`` union and ``Envelope.payload`` keep
precise static types although the library derives them from the registry at runtime. Each
``assert_type`` is checked by mypy; the test also runs, so the runtime values agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from typing_extensions import assert_never, assert_type

import thrilldrops_events as td
from thrilldrops_events import (
    ChannelType,
    Deposit,
    Envelope,
    EventPayload,
    EventType,
    Payload,
    enums,
    parse_event,
    to_json,
)


def _name(payload: Payload) -> str:
    # An exhaustive match: mypy proves every member of the union is handled.
    match payload:
        case td.PlayerLogin() | td.PlayerLogout() | td.Transaction() | td.Deposit() | td.Withdrawal():
            return "external"
        case td.ThrillPotsWinEvent() | td.ThrillPotsRaffleWinEvent() | td.ThrillPotsOptInEvent():
            return "internal"
        case _:
            assert_never(payload)


def test_static_types_of_the_registry() -> None:
    assert_type(EventType.DEPOSIT, Literal[EventType.DEPOSIT])
    assert_type(enums.EventType.THRILLPOTS_OPT_IN, Literal[EventType.THRILLPOTS_OPT_IN])
    assert_type(enums.ChannelType.MobileWeb, Literal[ChannelType.MobileWeb])
    model = EventType.DEPOSIT.model
    assert_type(model, type[EventPayload])
    assert model is Deposit
    deposit = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
    envelope = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800, payload=deposit)
    assert_type(envelope.payload, Payload)
    assert_type(Deposit.model_validate_json(b'{"method_id": "v", "currency": "EUR", "amount": 1}'), Deposit)
    parsed = parse_event(to_json(envelope))
    assert_type(parsed, Envelope)
    assert_type(Envelope.model_validate_json(to_json(envelope)), Envelope)
    assert_type(parsed.payload, Payload)
    assert parsed == envelope
    assert _name(envelope.payload) == "external"
