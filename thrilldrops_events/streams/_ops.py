"""The operations the consumer core yields and the sync and asyncio consumers execute."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

from thrilldrops_events.envelope import Envelope

__all__ = ["Call", "Invoke", "Operation", "Pause", "Pipeline", "Steps"]

@dataclass(frozen=True)
class Call:
    """Call ``client.<method>(*args, **kwargs)`` and send back the result."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pipeline:
    """Run the calls in one non-transactional pipeline and send back the list of results."""

    calls: tuple[Call, ...]


@dataclass(frozen=True)
class Invoke:
    """Call the user's handler with the envelope; send back ``None`` or the exception it raised."""

    envelope: Envelope


@dataclass(frozen=True)
class Pause:
    """Wait this many seconds, or less if :meth:`ConsumerCore.stop` is called."""

    seconds: float


Operation = Call | Pipeline | Invoke | Pause
Steps = Generator[Operation, Any, None]
