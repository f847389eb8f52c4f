"""The check of a True-or-False argument, shared by every public function that takes one."""

from __future__ import annotations

__all__ = ["check_flag"]


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False``.

    ``strict="yes"``, ``strict=None`` or ``strict=1`` is a caller's mistake, not a choice: taking it for its
    truth would read events in a mode the caller did not name.

    Raises:
        TypeError: Naming the argument, if ``value`` is not a ``bool``.
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")
    return value
