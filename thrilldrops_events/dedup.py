"""Natural de-duplication keys: the same event delivered twice gives the same key.

Redis streams, webhooks with retries and most queues deliver **at least once**: after a crash, a
timeout or a reclaim, a handler can see an event it has already processed. Handlers must therefore
be idempotent, and the simplest way is to remember the key of each event processed (a unique index,
or ``SET key 1 NX EX 604800`` in Redis) and skip an event whose key was seen.

The key is built from the fields that identify the real-world happening, not from the whole
payload, so that a producer that publishes the same happening twice (a retry, slightly
differently serialized) is caught as well. Money is compared by value (``25.0`` and ``25.00`` are
the same), in the library's own decimal context, so a key never depends on the caller's
(``decimal.getcontext()``); the session token is never part of a key.
"""

from __future__ import annotations

import functools
import json
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal
from enum import Enum

from thrilldrops_events._fields import KIND_CONSTRAINTS, payload_fields
from thrilldrops_events._numbers import MAX_NUMBER_DIGITS
from thrilldrops_events._problems import single
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError
from thrilldrops_events.events import EventPayload, Transaction

__all__ = ["KEY_FIELDS", "dedup_key"]

#: The fields each event type's key is made of, after the event type, ``operator_id`` and ``brand_id``.
#: Names without a prefix are payload fields; ``envelope.`` names are envelope fields. An event type
#: not listed here is identified by its player, its timestamp and every payload field but secrets.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "PlayerLogin": ("envelope.player_id", "envelope.timestamp", "channel_type"),
    "PlayerLogout": ("envelope.player_id", "envelope.timestamp", "channel_type"),
    "Transaction": ("provider_id", "gameround_id", "bet_transaction_id", "win_transaction_id"),
    "Deposit": ("envelope.player_id", "envelope.timestamp", "method_id", "currency", "amount", "balance_after"),
    "Withdrawal": ("envelope.player_id", "envelope.timestamp", "method_id", "currency", "amount", "balance_after"),
    "ThrillPotsWinEvent": ("jackpot_id", "instance_id", "pot_id", "player_brand_id", "player_id"),
    "ThrillPotsRaffleWinEvent": ("raffle_id", "instance_id", "prize_id", "player_brand_id", "player_id"),
    "ThrillPotsOptInEvent": ("player_brand_id", "player_id", "jackpot_id", "envelope.timestamp"),
}

#: Added to a transaction's key when it carries neither a bet nor a win transaction id.
_TRANSACTION_WITHOUT_IDS = ("envelope.player_id", "envelope.timestamp", "game_bet", "game_win", "jackpot_win",
                            "round_finished")


#: The context money is normalised in: exact for every number an event holds (money has at most 38 digits),
#: the widest exponent range, and no traps, whatever the caller's own context.
_KEY_CONTEXT = Context(prec=MAX_NUMBER_DIGITS, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN, capitals=1,
                       clamp=0, flags=[], traps=[])


#: The bounds of money in a validated event: digits before the point, and after it.
_MONEY = KIND_CONSTRAINTS["money"]
_INTEGER_DIGITS, _SCALE = _MONEY.integer_digits or 0, _MONEY.scale or 0


_MISSING = object()


def _unvalidated(path: str, what: str) -> EventValidationError:
    return single(path, f"{what} is not a value a validated event holds (model_copy(update=...) and "
                        "model_construct do not validate: build the event with its constructor)", "not_validated")


def _money(value: Decimal, path: str) -> str:
    """Money by value (``25.0`` and ``25.00`` give ``"25"``), once its bounds are checked on its exponent.

    Written out, an exponent no validated event holds (``1E+999999999``) would be a gigabyte of digits.
    """
    exponent = value.as_tuple().exponent
    if not (isinstance(exponent, int) and exponent >= -_SCALE and (not value or value.adjusted() < _INTEGER_DIGITS)):
        raise _unvalidated(path, f"money {value:.40}")
    return format(value.normalize(_KEY_CONTEXT), "f")


def _part(value: object, path: str) -> str | int | bool | None:
    if isinstance(value, Decimal):
        return _money(value, path)
    if isinstance(value, Enum):
        return str(value.value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)  # pragma: no cover - every key field is one of the above


def _every_field(name: str) -> tuple[str, ...]:
    fields = tuple(spec.name for spec in payload_fields(name) if spec.kind != "secret")
    return ("envelope.player_id", "envelope.timestamp", *fields)


@functools.cache
def _reads(name: str, names: tuple[str, ...]) -> tuple[tuple[bool, str, str], ...]:
    """``(on the envelope?, attribute, JSON path)`` of the scope and each key field ``names`` of event type ``name``."""
    out = []
    for field in ("envelope.operator_id", "envelope.brand_id", *names):
        on_envelope = field.startswith("envelope.")
        attribute = field.removeprefix("envelope.")
        out.append((on_envelope, attribute, attribute if on_envelope else f"event_type.{name}.{field}"))
    return tuple(out)


def dedup_key(envelope: Envelope) -> str:
    """Return the natural de-duplication key of an event, the same for every delivery of it.

    The key is a compact JSON array: the event type, ``operator_id``, ``brand_id``, then the fields
    of ``thrilldrops_events.dedup.KEY_FIELDS`` for that type. For example, a transaction is identified by its provider,
    game round and bet and win transaction ids (with neither id, the player, timestamp, ``game_bet``,
    ``game_win``, ``jackpot_win`` and ``round_finished`` are added); a deposit, which has no id of its
    own, by its player, timestamp, method, currency, amount and balance. Unknown fields are not part of
    a key, nor is the session token.

    Examples:
        >>> from thrilldrops_events import Deposit, Envelope, dedup_key
        >>> deposit = Deposit(method_id="visa", currency="EUR", amount="25.00")
        >>> envelope = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-42",
        ...                     timestamp=1777852800, payload=deposit)
        >>> dedup_key(envelope)
        '["Deposit","op-1","brand-7","p-42",1777852800,"visa","EUR","25",null]'

    Hash it (``hashlib.sha256(key.encode()).hexdigest()``) if you need a fixed length.

    Raises:
        EventValidationError: If ``envelope`` is not an [Envelope][thrilldrops_events.Envelope] (problem kind
            ``not_an_envelope``), or holds what no validated event holds (``not_validated``): no payload model, a
            field left out, or money out of its bounds (``1E+999999999``, ``NaN``), as ``model_copy(update=...)`` and
            ``model_construct`` can put there without validating it.
    """
    if not isinstance(envelope, Envelope):
        raise single("", f"expected an Envelope, not {type(envelope).__name__}", "not_an_envelope")
    payload = getattr(envelope, "payload", None)
    if not isinstance(payload, EventPayload):
        raise _unvalidated("event_type", f"a payload of type {type(payload).__name__}")
    name = payload.event_type.value
    names = KEY_FIELDS.get(name) or _every_field(name)
    if isinstance(payload, Transaction) and payload.bet_transaction_id is None and payload.win_transaction_id is None:
        names = names + _TRANSACTION_WITHOUT_IDS
    parts: list[str | int | bool | None] = [name]
    for on_envelope, attribute, path in _reads(name, names):
        value = getattr(envelope if on_envelope else payload, attribute, _MISSING)
        if value is _MISSING:  # model_construct leaves out what it is not given
            raise _unvalidated(path, "a missing field")
        parts.append(_part(value, path))
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
