"""One event's delivery, without I/O: what each answer means, and how long to wait before trying again.

Both clients run the same loop around it: send, hand the answer (or the transport error) to
[Delivery.step][thrilldrops_events.http._delivery.Delivery.step], then either return its result,
let its error propagate, or sleep for the delay it returns and send again.

Retried: connection errors and timeouts, ``408``, ``429`` and ``5xx``, with exponential backoff and jitter
(``backoff * 2 ** (attempt - 1)``, capped at ``max_backoff``, a random half of it added to the other
half), and never sooner than the server's ``Retry-After``. Not retried: any other status, which is
raised as [EventRejectedError][thrilldrops_events.errors.EventRejectedError]; a redirect (``3xx``) is not
followed either, and its error says where it points.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from thrilldrops_events.errors import EventDeliveryError, EventRejectedError
from thrilldrops_events.http._arguments import shown_url
from thrilldrops_events.http._problem_details import problems_from_document

__all__ = ["Delivery", "RetryPolicy", "SendResult", "retry_after_seconds"]

#: The 4xx answers retried like a 5xx: the body timed out on its way (408), too many requests (429).
_RETRIED = frozenset({408, 429})


@dataclass(frozen=True)
class SendResult:
    """What became of one event sent.

    Attributes:
        index: The event's position in the events given to ``send_many`` (``0`` for ``send``).
        status: The HTTP status of the last answer (``202`` when accepted), or ``None`` if none came.
        attempts: How many requests were made for it.
        entry_id: The Redis stream entry id, when the receiver hands events to a stream.
        error: ``None`` if accepted; else the
            [EventRejectedError][thrilldrops_events.errors.EventRejectedError] (refused, not retried) or
            [EventDeliveryError][thrilldrops_events.errors.EventDeliveryError] (retries exhausted).
    """

    index: int
    status: int | None
    attempts: int
    entry_id: str | None = None
    error: EventRejectedError | EventDeliveryError | None = None

    @property
    def accepted(self) -> bool:
        """Whether the receiver accepted the event."""
        return self.error is None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry (see the module's description)."""

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.retries, int) or isinstance(self.retries, bool) or self.retries < 0:
            raise ValueError("retries must be an integer >= 0")
        for seconds in (self.backoff, self.max_backoff):
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise TypeError(f"backoff and max_backoff must be numbers of seconds, not {type(seconds).__name__}")
        if not 0 <= self.backoff < math.inf or not 0 <= self.max_backoff < math.inf:
            raise ValueError("backoff and max_backoff must be finite numbers of seconds >= 0")

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait after failed attempt number ``attempt`` (from 1), or ``None`` to give up."""
        if attempt > self.retries:
            return None
        if retry_after is not None and retry_after > self.max_backoff:
            return None
        # 2.0 ** 1024 is an OverflowError, and any finite backoff times 2 ** 1000 is above max_backoff anyway
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** min(attempt - 1, 1000))
        jittered: float = ceiling / 2 + rng.uniform(0, ceiling / 2)
        return max(jittered, retry_after or 0.0)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delay seconds or an HTTP date; ``None`` if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit alone also takes "²" and other scripts' digits
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _document(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object, or ``{}`` if it holds none (malformed, not an object, nested too deeply)."""
    try:
        document = response.json()
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _redirect(response: httpx.Response) -> str:
    """What a ``3xx`` answer says, as it is not followed (a ``301`` or ``302`` would turn the POST into a GET)."""
    if not 300 <= response.status_code < 400:
        return ""
    location = response.headers.get("location")
    where = f" to {shown_url(location)}" if location else ""
    return f"the receiver redirects{where}; redirects are not followed (a POST could become a GET): give base_url " \
        "the address it redirects to"


def _reason(error: httpx.TransportError) -> str:
    kind = type(error).__name__
    text = str(error)
    return f"{kind}: {text}" if text else kind


class Delivery:
    """The state of one event's delivery: its attempts so far.

    Args:
        url: Where it is sent (for messages).
        index: Its position among the events sent.
        policy: The retry policy.
        rng: The source of jitter.
    """

    def __init__(self, url: str, index: int, policy: RetryPolicy, rng: random.Random) -> None:
        self.url = url
        self.index = index
        self.policy = policy
        self.rng = rng
        self.attempts = 0

    def step(self, reply: httpx.Response | httpx.TransportError) -> SendResult | float:
        """Take one attempt's answer: the final result, or the seconds to wait before the next attempt.

        The result is accepted (a ``2xx``), refused (``error`` is an ``EventRejectedError``: a status
        that retrying cannot change) or failed (``error`` is an ``EventDeliveryError``: the retries are
        used up, or the server asked to wait longer than ``max_backoff``).
        """
        self.attempts += 1
        wait: float | None = None
        if isinstance(reply, httpx.TransportError):
            status, reason = None, _reason(reply)
        else:
            status = reply.status_code
            document = _document(reply)
            if 200 <= status < 300:
                entry_id = document.get("entry_id")
                return SendResult(self.index, status, self.attempts, entry_id if isinstance(entry_id, str) else None)
            title = str(document.get("title") or reply.reason_phrase)
            detail = str(document.get("detail") or "") or _redirect(reply)
            if status not in _RETRIED and status < 500:
                problems, omitted = problems_from_document(document)
                refused = EventRejectedError(status, problems, title=title, detail=detail, omitted=omitted)
                return SendResult(self.index, status, self.attempts, error=refused)
            reason = f"{status} {title}" + (f": {detail}" if detail else "")
            wait = retry_after_seconds(reply.headers.get("retry-after"))
        delay = self.policy.delay(self.attempts, wait, self.rng)
        if delay is not None:
            return delay
        if wait is not None and wait > self.policy.max_backoff:
            reason += f" (the server asked to wait {wait:g} s, more than max_backoff)"
        error = EventDeliveryError(self.url, self.attempts, reason, status=status)
        if isinstance(reply, httpx.TransportError):
            error.__cause__ = reply
        return SendResult(self.index, status, self.attempts, error=error)
