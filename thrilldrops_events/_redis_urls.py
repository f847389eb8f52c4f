"""The options of a Redis URL's query that redis-py cannot use, found before any connection is made.

redis-py reads each parameter of a URL's query as an option of the connection, and finds out that
one cannot be used only as it connects: an unknown name (``?timout=5``) is a ``TypeError``, a socket
timeout out of range a ``ValueError`` or an ``OverflowError``, an unknown encoding a ``LookupError``.
The ``streams`` command and the HTTP receiver's hand-off to a stream (``serve --redis``) check a URL
here, so that such a URL is refused when it is given rather than failing every command sent with it.
Nothing here imports redis-py: the caller gives its connection pool class.
"""

from __future__ import annotations

import codecs
from typing import Any
from urllib.parse import parse_qs, urlsplit

from thrilldrops_events._settings import seconds_problem

__all__ = ["UNUSABLE", "option_problem", "query_problem"]

#: What a message about an option of the URL's query starts with.
UNUSABLE = "redis-py cannot use an option of the query of the Redis URL"
#: The options of the query that are a number of seconds, which redis-py gives the socket.
_SECONDS = ("socket_timeout", "socket_connect_timeout")


def query_problem(url: str) -> str | None:
    """What is wrong with an option of the URL's query that the socket cannot take, if any.

    A socket timeout out of range (``-1``, ``nan``, ``1e10``), an unknown ``encoding`` and
    ``socket_keepalive_options``, which a URL cannot give, fail once redis-py has made a socket, which
    it then never closes.

    Args:
        url: A Redis URL.

    Returns:
        ``None``, or the problem, such as ``socket_timeout must be a number of seconds above 0 ...``
        (to follow ``UNUSABLE``). A malformed URL is left to redis-py, which says what is wrong with it.
    """
    try:
        options = parse_qs(urlsplit(url).query)
    except ValueError:
        return None
    if "socket_keepalive_options" in options:
        return "socket_keepalive_options cannot be given in a URL"
    for name in _SECONDS:
        try:
            value = float(options[name][0])
        except (KeyError, ValueError):  # absent, or not a number: redis-py says so
            continue
        problem = seconds_problem(value)
        if problem is not None:
            return f"{name} {problem}"
    for encoding in options.get("encoding", [])[:1]:
        try:
            codecs.lookup(encoding)
        except LookupError:
            return f"encoding {encoding!r} is not an encoding Python knows"
    return None


def option_problem(url: str, pool_class: Any) -> str | None:
    """``query_problem``, then whether redis-py can make a connection of the URL's options (without connecting).

    Making the connection object (which does no I/O) is what refuses an option of an unknown name,
    which would fail every command sent with the URL.

    Args:
        url: A Redis URL that redis-py can read (its ``parse_url`` takes it).
        pool_class: The ``ConnectionPool`` class of the client the URL is for (``redis.ConnectionPool``
            or ``redis.asyncio.ConnectionPool``).

    Returns:
        ``None``, or the problem (to follow ``UNUSABLE``), such as ``TypeError: ... got an unexpected
        keyword argument 'timout'``.
    """
    problem = query_problem(url)
    if problem is not None:
        return problem
    try:
        pool = pool_class.from_url(url)
        pool.connection_class(**pool.connection_kwargs)
    except Exception as error:  # redis-py's own checks of an option: a TypeError, a ValueError, a RedisError
        return f"{type(error).__name__}: {error}"
    return None
