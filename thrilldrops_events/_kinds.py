"""The contract's kinds of field: the channel enumeration (and its base, the wire enum)."""

from __future__ import annotations

from enum import Enum

__all__ = ["ChannelType"]


class _WireEnum(str, Enum):
    """A ``str`` enum whose ``str()`` and ``format()`` are the wire value on every Python version."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class ChannelType(_WireEnum):
    """The channel a player is logged in through. Values are case-sensitive."""

    DesktopWeb = "DesktopWeb"
    DesktopNative = "DesktopNative"
    MobileWeb = "MobileWeb"
    MobileNative = "MobileNative"
