r"""What the library accepts as text, and how it shows untrusted values in its messages.

One rule for lone surrogates lives here: a ``str`` holding a code point from U+D800 to U+DFFF
(which JSON can carry as an escape such as ``"\ud800"``, and Python allows in a ``str``) cannot
be written as UTF-8, so the library refuses it wherever it reads text: event fields, unknown
fields and their keys, condition string literals. Everything accepted can be written back.
"""

from __future__ import annotations

import re

__all__ = ["LONE_SURROGATE_MESSAGE", "SHOWN_NAME", "describe", "lone_surrogate", "one_line", "path_text", "shown"]

#: The problem stated when a string holds a lone surrogate.
LONE_SURROGATE_MESSAGE = "holds a lone surrogate (a code point from U+D800 to U+DFFF), which is not text"

_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_CHARACTERS = 40
#: The most characters of a name (a key, a field, stream or function name, an entry id) a message shows.
SHOWN_NAME = 64
_SHOWN_INTEGER = 10**20


def lone_surrogate(text: str) -> int:
    r"""The index of the first lone surrogate in ``text``, or ``-1`` if it holds none.

    Examples:
        >>> lone_surrogate("caf\u00e9"), lone_surrogate("a\ud800")
        (-1, 1)
    """
    if text.isascii():
        return -1
    found = _SURROGATE.search(text)
    return -1 if found is None else found.start()


def describe(value: object) -> str:
    """A short rendering of an untrusted value for a message: bounded in size, and never raising.

    Strings and small numbers are shown as written (a long string is cut); anything else is named
    by its JSON type, so that neither a huge integer nor a deeply nested list is ever printed.

    Examples:
        >>> describe("and"), describe(7), describe(10**5000), describe([[1]])
        ("'and'", '7', 'an integer of more than 20 digits', 'an array')
    """
    if isinstance(value, str):
        cut = len(value) > _SHOWN_CHARACTERS
        return repr(value[:_SHOWN_CHARACTERS]) + ("..." if cut else "")
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -_SHOWN_INTEGER < value < _SHOWN_INTEGER else "an integer of more than 20 digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a value of type {type(value).__name__}"


def shown(name: str) -> str:
    """A name as a message or a problem's path shows it: cut after ``SHOWN_NAME`` characters, marked ``...``.

    A name comes from the input and may be a megabyte long; every message of the library cuts it here.

    Examples:
        >>> shown("amount"), len(shown("x" * 1000))
        ('amount', 67)
    """
    return name if len(name) <= SHOWN_NAME else f"{name[:SHOWN_NAME]}..."


def path_text(part: object) -> str:
    r"""One element of a JSON path as text: a key is shown as written, but a lone surrogate is escaped (``\ud800``).

    A key that is not a string (from Python input) is described, never printed in full; ``None`` is shown as
    ``None``, as pydantic shows such a key in its own paths.
    """
    text = part if isinstance(part, str) else "None" if part is None else describe(part)
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


# Characters that would end or garble a line of text (a terminal's escape sequences start with ESC, 0x1B),
# each shown as its JSON escape.
_LINE_BREAKERS = {code: f"\\u{code:04x}" for code in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}
_LINE_BREAKERS.update({ord("\b"): "\\b", ord("\t"): "\\t", ord("\n"): "\\n", ord("\f"): "\\f", ord("\r"): "\\r"})


def one_line(text: str) -> str:
    r"""``text`` with its control characters and line separators shown as JSON escapes (``\n``, ``\u2028``).

    Examples:
        >>> print(one_line("a\nb\u2028c"))
        a\nb\u2028c
    """
    return text.translate(_LINE_BREAKERS)
