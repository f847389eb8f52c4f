"""A consumer's settings, checked once when it is created."""

from __future__ import annotations

import inspect
import os
import re
import socket
import threading
from dataclasses import dataclass
from itertools import count
from typing import Any, Literal

from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._checks import nonempty, whole
from thrilldrops_events.streams._keys import dead_letter_key
from thrilldrops_events.streams._retry import RetryPolicy

__all__ = ["HandlerMode", "Settings", "check_handler", "default_consumer_name", "make_settings"]

#: How the handler is called: with the event, with the event and its context, or with a batch of deliveries.
HandlerMode = Literal["event", "context", "batch"]

_ENTRY_ID = re.compile(r"([0-9]{1,20})(?:-([0-9]{1,20}))?")
_MAX_ID_PART = 2**64 - 1

_numbers = count(1)
_numbers_lock = threading.Lock()


def default_consumer_name() -> str:
    """``<hostname>-<pid>-<n>``: stable across restarts of the same process slot, unique within a process."""
    with _numbers_lock:
        number = next(_numbers)
    return f"{socket.gethostname()}-{os.getpid()}-{number}"


@dataclass(frozen=True)
class Settings:
    """Everything a consumer was told (see ``StreamConsumer`` for the meaning of each)."""

    stream: str
    group: str
    consumer: str
    dead_letter_stream: str
    dead_letter_maxlen: int | None
    max_deliveries: int
    claim_idle_ms: int
    claim_interval_ms: int
    batch_size: int
    block_ms: int
    group_start_id: str
    strict: bool
    retry: RetryPolicy
    mode: HandlerMode
    concurrency: int


def _check_texts(**texts: str | None) -> None:
    for label, value in texts.items():
        if value is not None:
            nonempty(label, value)


def _check_numbers(**numbers: tuple[object, int]) -> None:
    for label, (value, least) in numbers.items():
        if value is not None:
            whole(label, value, least)


def _check_start(group_start_id: object) -> None:
    """``$``, or a stream entry id (``<ms>`` or ``<ms>-<seq>``, each at most 2**64 - 1), as ``XGROUP CREATE`` takes."""
    if group_start_id == "$":
        return
    match = _ENTRY_ID.fullmatch(group_start_id) if isinstance(group_start_id, str) else None
    if match is None or any(int(part) > _MAX_ID_PART for part in match.groups() if part is not None):
        raise StreamConfigError('group_start_id must be "$", "0" or a stream entry id such as "1777852800000-0"')


def _mode(context: object, batch: object) -> HandlerMode:
    if not isinstance(context, bool) or not isinstance(batch, bool):
        raise StreamConfigError("context and batch must be True or False")
    if context and batch:
        raise StreamConfigError("a batch handler always gets each delivery's context: pass batch=True alone")
    return "batch" if batch else "context" if context else "event"


def check_handler(handler: object, *, awaits: bool) -> None:
    """Refuse a handler whose body a call would never run.

    That is a generator function, or, when ``awaits`` is false (the blocking consumer), a coroutine function.

    Raises:
        StreamConfigError: If the handler is such a function.
    """
    if inspect.isgeneratorfunction(handler) or inspect.isasyncgenfunction(handler):
        raise StreamConfigError("handler is a generator function: calling it would only make a generator, and its "
                                "body would never run")
    if not awaits and inspect.iscoroutinefunction(handler):
        raise StreamConfigError("handler is a coroutine function: use AsyncStreamConsumer with a redis.asyncio "
                                "client, or a plain function")


def make_settings(*, handler: object, context: object = False, batch: object = False, concurrency: object = 1,
                  retry: object = None, **given: Any) -> Settings:
    """Check the consumer's arguments and fill in the defaults.

    Raises:
        StreamConfigError: If a setting is impossible.
    """
    if not callable(handler):
        raise StreamConfigError("handler must be callable")
    stream, group, consumer = given["stream"], given["group"], given["consumer"]
    nonempty("stream", stream)
    nonempty("group", group)
    _check_texts(consumer=consumer, dead_letter_stream=given["dead_letter_stream"],
                 group_start_id=given["group_start_id"])
    _check_numbers(max_deliveries=(given["max_deliveries"], 1), claim_idle_ms=(given["claim_idle_ms"], 1),
                   batch_size=(given["batch_size"], 1), block_ms=(given["block_ms"], 1),
                   claim_interval_ms=(given["claim_interval_ms"], 1),
                   dead_letter_maxlen=(given["dead_letter_maxlen"], 1), concurrency=(concurrency, 1))
    _check_start(given["group_start_id"])
    if not isinstance(given["strict"], bool):
        raise StreamConfigError("strict must be True or False")
    mode = _mode(context, batch)
    if mode == "batch" and concurrency != 1:
        raise StreamConfigError("a batch handler takes a whole batch at a time: leave concurrency at 1")
    policy = RetryPolicy() if retry is None else retry
    if not isinstance(policy, RetryPolicy):
        raise StreamConfigError("retry must be a RetryPolicy")
    claim_idle_ms: int = given["claim_idle_ms"]
    if policy.max_delay_ms is not None and policy.max_delay_ms > claim_idle_ms:
        raise StreamConfigError(f"the retry policy's max_delay_ms ({policy.max_delay_ms}) exceeds claim_idle_ms "
                                f"({claim_idle_ms}): a retry cannot wait longer than an entry may stay idle")
    dead_letter_stream = given["dead_letter_stream"] or dead_letter_key(stream)
    if dead_letter_stream == stream:
        raise StreamConfigError("dead_letter_stream must differ from stream")
    if not isinstance(concurrency, int):  # checked above; this tells the type checker
        raise StreamConfigError("concurrency must be an integer >= 1")
    return Settings(
        stream=stream, group=group, consumer=consumer or default_consumer_name(),
        dead_letter_stream=dead_letter_stream, dead_letter_maxlen=given["dead_letter_maxlen"],
        max_deliveries=given["max_deliveries"], claim_idle_ms=claim_idle_ms,
        claim_interval_ms=given["claim_interval_ms"] or max(claim_idle_ms // 2, 1), batch_size=given["batch_size"],
        block_ms=given["block_ms"], group_start_id=given["group_start_id"], strict=given["strict"],
        retry=policy, mode=mode, concurrency=concurrency,
    )
