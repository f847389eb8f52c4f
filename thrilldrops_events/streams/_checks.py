"""The checks of stream settings given by a user: names (of streams, groups, consumers) and whole numbers."""

from __future__ import annotations

from thrilldrops_events.errors import StreamConfigError

__all__ = ["LARGEST", "nonempty", "whole"]

#: The largest whole number Redis reads (a signed 64-bit integer).
LARGEST = 2**63 - 1


def nonempty(label: str, value: object) -> str:
    """``value``, if it is a non-empty string.

    Raises:
        StreamConfigError: Naming ``label``, if it is not.
    """
    if not isinstance(value, str) or not value:
        raise StreamConfigError(f"{label} must be a non-empty string")
    return value


def whole(label: str, value: object, least: int) -> int:
    """``value``, if it is an int (not a bool) from ``least`` to ``LARGEST``.

    Raises:
        StreamConfigError: Naming ``label``, if it is not.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise StreamConfigError(f"{label} must be an integer >= {least}")
    if value > LARGEST:
        raise StreamConfigError(f"{label} must be at most {LARGEST} (Redis reads a signed 64-bit integer)")
    return value
