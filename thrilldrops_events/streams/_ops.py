"""The operations the consumer core yields and the sync and asyncio consumers execute.

Commands are raw Redis commands (``("XACK", stream, group, entry_id)``) sent on the consumer's own
connection; their replies come back undecoded.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.streams._deliveries import Delivery

__all__ = ["Command", "Finished", "Operation", "Pause", "Reset", "Run", "Send", "Start", "Steps", "Wait"]

#: A raw Redis command: its name and arguments.
Command = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """Send the commands in one round trip and send back their replies, in order.

    The replies of commands written earlier with ``Send`` are read first; if any reply is an
    error, the first one is raised once all replies have been read.
    """

    commands: tuple[Command, ...]


@dataclass(frozen=True, slots=True)
class Send:
    """Write the commands on the connection now and go on at once; the next ``Run`` reads their replies."""

    commands: tuple[Command, ...]


@dataclass(frozen=True, slots=True)
class Start:
    """Start the user's handler on these deliveries (one, or a batch); ``Wait`` reports how it ended."""

    token: int
    deliveries: tuple[Delivery, ...]
    batch: bool


@dataclass(frozen=True, slots=True)
class Wait:
    """Wait until one started handler call has ended; send back its ``Finished``."""


@dataclass(frozen=True, slots=True)
class Finished:
    """How one handler call ended: what it raised (or ``None``), what it returned, and how long it took."""

    token: int
    raised: BaseException | None
    returned: object
    seconds: float


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait this many seconds, or less if the consumer is stopped."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Reset:
    """Drop the connection (after an error); the next command opens a new one, on the node now serving the stream."""


Operation = Run | Send | Start | Wait | Pause | Reset
Steps = Generator[Operation, Any, None]
