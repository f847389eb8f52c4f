"""What a handler is given beside the event: where the entry came from and how often it has been tried."""

from __future__ import annotations

from dataclasses import dataclass

from thrilldrops_events.envelope import Envelope

__all__ = ["Delivery", "DeliveryContext"]


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    """Where one delivered entry came from, for logging, tracing and de-duplication.

    Attributes:
        entry_id: The entry's id in its stream, such as ``"1777852800000-0"``.
        delivery_count: How many times the handler has been given this entry, this time included:
            ``1`` the first time, at most ``max_deliveries``.
        stream: The stream's key.
        group: The consumer group.
        consumer: The consumer handling it.

    Examples:
        >>> context = DeliveryContext("1777852800000-0", 1, "events", "campaigns", "engine-1")
        >>> context.delivery_count, context.stream
        (1, 'events')
    """

    entry_id: str
    delivery_count: int
    stream: str
    group: str
    consumer: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """One entry given to a batch handler: the validated event and its context.

    Attributes:
        envelope: The event.
        context: Where it came from and how often it has been tried.
    """

    envelope: Envelope
    context: DeliveryContext

    @property
    def entry_id(self) -> str:
        """The entry's id (``context.entry_id``): the key a batch handler names a failed entry by."""
        return self.context.entry_id
