"""Durations given as settings (timeouts): a number of seconds above 0, at most a day.

A socket cannot wait much longer than about 290 years (``socket.settimeout(1e10)`` is an
``OverflowError``), and no timeout of the library's needs more than a day: one bound, here, serves
the command line's options and the HTTP clients' arguments alike.
"""

from __future__ import annotations

__all__ = ["MAX_SECONDS", "seconds_problem"]

#: The longest duration a setting takes: a day (far longer ones, ``1e10``, are past what a socket can wait).
MAX_SECONDS = 86400


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
