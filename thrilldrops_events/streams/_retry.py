"""When a failed entry is tried again, and which failures are not worth trying again."""

from __future__ import annotations

from dataclasses import dataclass, field

from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._checks import whole

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How a consumer retries an entry whose handler raised.

    After the handler's ``n``-th failure on an entry, the entry waits
    ``first_delay_ms * multiplier ** (n - 1)`` milliseconds (at most ``max_delay_ms``, and never
    longer than the consumer's ``claim_idle_ms``) and is then delivered again, to this consumer or
    another one of the group. An exception that is an instance of one of ``give_up_on`` sends the
    entry to the dead-letter stream at once, without further tries.

    Attributes:
        first_delay_ms: The wait after the first failure.
        multiplier: How much each further wait grows (``1`` for a constant delay).
        max_delay_ms: The longest wait; ``None`` means the consumer's ``claim_idle_ms``.
        give_up_on: Exception types not worth retrying (a payload your handler can never accept,
            say); their entries go to the dead-letter stream with reason ``not_retryable``.

    Raises:
        StreamConfigError: If a setting is impossible.

    Examples:
        >>> policy = RetryPolicy(first_delay_ms=500, multiplier=2, max_delay_ms=5000,
        ...                      give_up_on=(KeyError,))
        >>> [policy.delay_ms(attempt, cap=60_000) for attempt in (1, 2, 3, 4, 5)]
        [500, 1000, 2000, 4000, 5000]
        >>> policy.retries(ConnectionError("db down")), policy.retries(KeyError("campaign"))
        (True, False)
    """

    first_delay_ms: int = 1000
    multiplier: float = 2.0
    max_delay_ms: int | None = None
    give_up_on: tuple[type[BaseException], ...] = field(default=())

    def __post_init__(self) -> None:
        whole("first_delay_ms", self.first_delay_ms, 0)
        if self.max_delay_ms is not None:
            whole("max_delay_ms", self.max_delay_ms, self.first_delay_ms)
        multiplier = self.multiplier
        if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float)) or not 1 <= multiplier <= 1000:
            raise StreamConfigError("multiplier must be a number from 1 to 1000")
        if not isinstance(self.give_up_on, tuple) or not all(
                isinstance(kind, type) and issubclass(kind, BaseException) for kind in self.give_up_on):
            raise StreamConfigError("give_up_on must be a tuple of exception classes")

    def delay_ms(self, attempt: int, *, cap: int) -> int:
        """The wait after the handler's ``attempt``-th failure, in milliseconds, at most ``cap``."""
        longest = cap if self.max_delay_ms is None else min(cap, self.max_delay_ms)
        delay = float(self.first_delay_ms)
        for _ in range(attempt - 1):
            delay *= self.multiplier
            if delay >= longest:
                return longest
        return min(int(delay), longest)

    def retries(self, error: BaseException) -> bool:
        """Whether an entry whose handler raised ``error`` is worth trying again."""
        return not isinstance(error, self.give_up_on)
