"""What the sync and asyncio consumers share: the settings, the core and its read-only views."""

from __future__ import annotations

from typing import Any

from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._core import ConsumerCore
from thrilldrops_events.streams._records import ConsumerStats

__all__ = ["ConsumerFront"]

class ConsumerFront:
    """What the sync and asyncio consumers share: the settings, the core and its read-only views."""

    def __init__(self, handler: object, **settings: Any) -> None:
        if not callable(handler):
            raise StreamConfigError("handler must be callable")
        self._core = ConsumerCore(**settings)

    @property
    def stream(self) -> str:
        """The stream's key."""
        return self._core.stream

    @property
    def group(self) -> str:
        """The consumer group's name."""
        return self._core.group

    @property
    def consumer(self) -> str:
        """This consumer's name in the group."""
        return self._core.consumer

    @property
    def dead_letter_stream(self) -> str:
        """The dead-letter stream's key."""
        return self._core.dead_letter_stream

    @property
    def stats(self) -> ConsumerStats:
        """A snapshot of the counters: handled, retried, dead-lettered, reclaimed, trimmed..."""
        return self._core.stats

