"""Did-you-mean: the one place that finds the known name closest to a mistyped one."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CUTOFF", "closest"]

#: How alike a name must be to a known one (difflib's ratio, 0 to 1) to be suggested.
CUTOFF = 0.6
# Longer words are not compared: nobody mistypes a name that long, and the comparison is quadratic.
_MAX_WORD = 64


def closest(word: object, known: Iterable[str]) -> str | None:
    """The known name closest to ``word``: one that differs only in case, else the most alike, else ``None``.

    Args:
        word: What was written; anything but a short string gets no suggestion.
        known: The names that exist.
    """
    if not isinstance(word, str) or len(word) > _MAX_WORD:
        return None
    names = list(known)
    folded = word.casefold()
    for name in names:
        if name.casefold() == folded:
            return name
    import difflib  # only when a name is mistyped: not on the way of every import

    close = difflib.get_close_matches(word, names, n=1, cutoff=CUTOFF)
    return close[0] if close else None
