"""What the sync and asyncio consumers share: the settings, the core and its read-only views."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterable, Mapping
from typing import Any, overload

from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._core import ConsumerCore
from thrilldrops_events.streams._ops import Start
from thrilldrops_events.streams._records import ConsumerStats, GroupInfo
from thrilldrops_events.streams._replies import text
from thrilldrops_events.streams._settings import Settings, make_settings
from thrilldrops_events.streams._tally import MetricsHook

__all__ = ["ConsumerFront", "group_info"]


def group_info(rows: Iterable[Mapping[Any, Any]] | None, group: str) -> GroupInfo | None:
    """Pick one group out of redis-py's ``xinfo_groups`` reply (``None`` if it is not there)."""
    for row in rows or ():
        info = {text(key): value for key, value in row.items()}
        if text(info.get("name")) != group:
            continue
        entries_read = info.get("entries-read")
        lag = info.get("lag")
        return GroupInfo(
            name=group,
            consumers=int(info.get("consumers", 0)),
            pending=int(info.get("pending", 0)),
            last_delivered_id=text(info.get("last-delivered-id", "0-0")),
            entries_read=None if entries_read is None else int(entries_read),
            lag=None if lag is None else int(lag),
        )
    return None


class _Setting:
    """A read-only attribute of a consumer: the text setting of the same name."""

    def __set_name__(self, owner: type[ConsumerFront], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type[ConsumerFront]) -> _Setting: ...

    @overload
    def __get__(self, instance: ConsumerFront, owner: type[ConsumerFront]) -> str: ...

    def __get__(self, instance: ConsumerFront | None, owner: type[ConsumerFront]) -> _Setting | str:
        if instance is None:
            return self
        value: str = getattr(instance._settings, self._name)
        return value

    def __set__(self, instance: ConsumerFront, value: object) -> None:
        raise AttributeError(f"{self._name} is read-only: it is fixed when the consumer is created")


class ConsumerFront:
    """What the sync and asyncio consumers share: the settings, the core and its read-only views."""

    def __init__(self, handler: Any, *, metrics: MetricsHook | None, **settings: Any) -> None:
        self._settings: Settings = make_settings(handler=handler, **settings)
        if metrics is not None and not callable(metrics):
            raise StreamConfigError("metrics must be callable (it is called with each Outcome)")
        if inspect.iscoroutinefunction(metrics):
            raise StreamConfigError("metrics is a coroutine function: the hook is called, never awaited, so it would "
                                    "record nothing; make it a plain function")
        self._core = ConsumerCore(self._settings, metrics=metrics)
        self._handler = handler
        self._running_lock = threading.Lock()

    def _enter_run(self) -> None:
        """Mark the consumer as running; ``_leave_run`` unmarks it.

        Raises:
            RuntimeError: If it is running already (in another thread or task): two loops over one
                consumer's state would mix up its acknowledgements.
        """
        if not self._running_lock.acquire(blocking=False):
            raise RuntimeError("this consumer is already running: run() it once at a time (for more throughput, "
                               "make one consumer per thread or task, each with its own name)")

    def _leave_run(self) -> None:
        self._running_lock.release()

    def _invoke(self, start: Start) -> object:
        """Call the handler as its mode asks, and return what it returned (an awaitable, for a coroutine function)."""
        if start.batch:
            return self._handler(list(start.deliveries))
        delivery = start.deliveries[0]
        if self._settings.mode == "context":
            return self._handler(delivery.envelope, delivery.context)
        return self._handler(delivery.envelope)

    stream = _Setting()
    """The stream's key."""

    group = _Setting()
    """The consumer group's name."""

    consumer = _Setting()
    """This consumer's name in the group."""

    dead_letter_stream = _Setting()
    """The dead-letter stream's key."""

    @property
    def stats(self) -> ConsumerStats:
        """A snapshot of the counters: handled, retried, dead-lettered, reclaimed, trimmed..."""
        return self._core.stats
