"""The bounds of settings that the command line and the HTTP clients both take: durations and concurrency.

One bound of each, here, serves the command line's options and the clients' arguments alike:

* a duration (a timeout) is a number of seconds above 0 and at most a day: a socket cannot wait much
  longer than about 290 years (``socket.settimeout(1e10)`` is an ``OverflowError``), and no timeout of
  the library's needs more than a day;
* a concurrency (``send_many``'s, ``send --concurrency``) is 1 to 1,000 requests in flight:
  ``EventClient.send_many`` runs a thread per request in flight and keeps four times as many events
  read ahead, so a concurrency of a million would start threads until the machine can start no more.
"""

from __future__ import annotations

__all__ = ["MAX_CONCURRENCY", "MAX_SECONDS", "concurrency_problem", "seconds_problem"]

#: The longest duration a setting takes: a day (far longer ones, ``1e10``, are past what a socket can wait).
MAX_SECONDS = 86400
#: The most requests in flight at once (far more than a receiver takes from one sender).
MAX_CONCURRENCY = 1000


def seconds_problem(value: float) -> str | None:
    """What is wrong with ``value`` as a duration, if anything.

    Args:
        value: A number of seconds.

    Returns:
        ``None`` for a number of seconds above 0 and at most ``MAX_SECONDS``; else the end of a message,
        such as ``must be a number of seconds above 0 and at most 86400 (a day), not nan``.
    """
    ok = 0 < value <= MAX_SECONDS  # False for NaN
    return None if ok else f"must be a number of seconds above 0 and at most {MAX_SECONDS} (a day), not {value}"


def concurrency_problem(value: int) -> str | None:
    """What is wrong with ``value`` as a number of requests in flight at once, if anything.

    Args:
        value: An integer.

    Returns:
        ``None`` for 1 to ``MAX_CONCURRENCY``; else the end of a message, such as
        ``must be from 1 to 1000, not 0``.
    """
    return None if 1 <= value <= MAX_CONCURRENCY else f"must be from 1 to {MAX_CONCURRENCY}, not {value}"
