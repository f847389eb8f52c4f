"""The operations the consumer core yields and the sync and asyncio consumers execute.

Commands are raw Redis commands (``("XACK", stream, group, entry_id)``) sent on the consumer's own
connection; their replies come back undecoded.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.streams._deliveries import Delivery

__all__ = ["Command", "Finished", "Operation", "Pause", "Reset", "Run", "Start", "Steps", "Wait"]

#: A raw Redis command: its name and arguments.
Command = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """Send the commands in one round trip and send back their replies, in order.

    The replies of commands written earlier (``Start.writes``) are read first; if any reply is an
    error, the first one is raised once all replies have been read.
    """

    commands: tuple[Command, ...]


@dataclass(frozen=True, slots=True)
class Start:
    """Write ``writes`` on the connection, then start the user's handler on these deliveries (one, or a batch).

    The writes (stamps, acknowledgements) go out before the handler starts, without waiting for their
    replies, which the next ``Run`` reads; if writing fails, the handler is not started. ``Wait``
    reports how the call ended.
    """

    token: int
    deliveries: tuple[Delivery, ...]
    batch: bool
    writes: tuple[Command, ...]


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


Operation = Run | Start | Wait | Pause | Reset
Steps = Generator[Operation, Any, None]
