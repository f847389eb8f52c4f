"""How the command line shows a URL it was given: without the secrets the URL may hold."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

__all__ = ["redacted"]

#: All from ``//`` to the last ``@``: the user and the password (which may hold ``@``).
_USER_INFO = re.compile(r"//.*@")
#: One parameter of a query: what comes before it, its name, then its value.
_PARAMETER = re.compile(r"(^|&)([^=&]*)=[^&]*")


def _parameter(match: re.Match[str]) -> str:
    lead, name = match.groups()
    return f"{lead}{name}=***" if "password" in unquote_plus(name).lower() else match.group()


def redacted(url: str) -> str:
    """``url`` without its user and password, nor the value of a query parameter that names a password.

    redis-py reads each parameter of the query as an option of the connection, ``password`` (or
    ``ssl_password``) among them, decoded (``pass%77ord`` is ``password``): such a value is shown as
    ``***``, as is all from ``//`` to the last ``@``.
    """
    url = _USER_INFO.sub("//***@", url, count=1)
    before, mark, rest = url.partition("?")
    query, hash_mark, fragment = rest.partition("#")
    return before + mark + _PARAMETER.sub(_parameter, query) + hash_mark + fragment
