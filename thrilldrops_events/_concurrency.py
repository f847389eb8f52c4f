"""How many events may be sent at once: ``send_many``'s ``concurrency`` and ``send --concurrency``.

``EventClient.send_many`` runs a thread per request in flight and keeps four times as many events
read ahead: a concurrency of a million would start threads until the machine can start no more. One
bound, here, serves the clients and the command line alike.
"""

from __future__ import annotations

__all__ = ["MAX_CONCURRENCY", "concurrency_problem"]

#: The most requests in flight at once (far more than a receiver takes from one sender).
MAX_CONCURRENCY = 1000


def concurrency_problem(value: int) -> str | None:
    """What is wrong with ``value`` as a number of requests in flight at once, if anything.

    Args:
        value: An integer.

    Returns:
        ``None`` for 1 to ``MAX_CONCURRENCY``; else the end of a message, such as
        ``must be from 1 to 1000, not 0``.
    """
    return None if 1 <= value <= MAX_CONCURRENCY else f"must be from 1 to {MAX_CONCURRENCY}, not {value}"
