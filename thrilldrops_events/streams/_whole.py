"""The check of a stream setting that is a whole number (a count, a length, milliseconds)."""

from __future__ import annotations

from thrilldrops_events.errors import StreamConfigError

__all__ = ["whole"]


def whole(label: str, value: object, least: int) -> int:
    """``value``, if it is an int (not a bool) of at least ``least``.

    Raises:
        StreamConfigError: Naming ``label``, if it is not.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise StreamConfigError(f"{label} must be an integer >= {least}")
    return value
