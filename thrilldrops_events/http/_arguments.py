"""The checks of the arguments of both HTTP clients, and how their URL is shown in messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import httpx

from thrilldrops_events._settings import seconds_problem

__all__ = ["check_timeout", "check_transport", "checked_headers", "event_url", "shown_url"]

_CREDENTIALS = re.compile(r"^(.*?//|[^:/]*:)?.*@", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_url(url: str) -> str:
    """``url`` as messages show it: without a user and password, nor a query (``?code=...`` may be a key).

    Everything up to the last ``@`` goes, as a password may hold one (or a ``/``, which breaks the URL).
    """
    shown = _CREDENTIALS.sub(lambda found: (found.group(1) or "") + "***@", url, count=1)
    before, question, _ = shown.partition("?")
    return before + "?***" if question else shown


def event_url(base_url: object) -> str:
    """``/event`` under ``base_url``'s path, its query kept (its fragment, never sent, dropped)."""
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a string such as 'http://127.0.0.1:8000', not {type(base_url).__name__}")
    if _CONTROL.search(base_url):  # urlsplit drops tabs and line breaks: the URL would silently change
        raise ValueError(f"base_url must not hold control characters (a tab, a line break), as "
                         f"{shown_url(base_url)!r} does")
    try:
        parts = urlsplit(base_url)
        url = httpx.URL(urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/event", parts.query, "")))
    except (ValueError, httpx.InvalidURL):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http:// or https:// URL with a host, not {shown_url(base_url)!r}")
    if " " in (parts.hostname or ""):  # httpx would send it to a host named with %20, which no name holds
        raise ValueError(f"the host of base_url must not hold a space, as {parts.hostname!r} does")
    try:  # the socket reads the host name (IDNA-encoded by httpx) with Python's idna codec, which checks its labels
        url.raw_host.decode("ascii").encode("idna")
    except UnicodeError:
        host = parts.hostname or ""
        shown = host if len(host) <= 80 else host[:80] + "..."
        raise ValueError(f"the host of base_url is not a valid host name (each of its dot-separated labels must "
                         f"hold 1 to 63 characters): {shown!r}") from None
    if url.port is not None and not 0 < url.port < 65536:  # httpx takes any number, and a socket wraps it
        raise ValueError(f"the port of base_url must be from 1 to 65535, not {url.port}")
    return str(url)


def check_timeout(timeout: object, name: str = "timeout") -> None:
    """Refuse a ``timeout`` (named ``name`` in the message) that is not ``None`` nor a duration ``MAX_SECONDS`` takes.

    A finite timeout past what a socket can wait (``1e10``) would fail the first request with an
    ``OverflowError``: it is refused here, with the command line's bound (a day).
    """
    if timeout is None:  # httpx's own "no timeout"; for attempt_timeout, its default
        return
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
        raise TypeError(f"{name} must be a number of seconds, not {type(timeout).__name__}")
    problem = seconds_problem(timeout)
    if problem is not None:
        raise ValueError(f"{name} {problem}")


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
#: The headers that frame the body: the client writes them from the body it sends, and no other value fits it.
_FRAMING = frozenset({"content-length", "transfer-encoding"})


def checked_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The extra headers, refused now if HTTP cannot carry them (a value is never shown: it may be a secret)."""
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of header names to values, not {type(headers).__name__}")
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"a header name must be a string, not {type(name).__name__}")
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if name.lower() in _FRAMING:
            raise ValueError(f"{name!r} cannot be given: the client writes it from the body of each event")
        if not isinstance(value, str):
            raise TypeError(f"the value of header {name!r} must be a string, not {type(value).__name__}")
        if not _HEADER_VALUE.fullmatch(value):
            raise ValueError(f"the value of header {name!r} must be printable ASCII text "
                             "(it holds a line break, a control character or a non-ASCII character)")
        checked[name] = value
    return checked


def check_transport(transport: object, expected: type, client: str) -> None:
    if transport is not None and not isinstance(transport, expected):
        raise TypeError(f"{client}'s transport must be an httpx.{expected.__name__}, "
                        f"not {type(transport).__name__}")
