"""Writing Redis commands in the protocol's wire form (RESP), for the consumer's own connection.

The consumer sends only text, bytes and integers, so this is a few lines instead of redis-py's
general packer, and several times faster on the path taken for every entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from thrilldrops_events.streams._ops import Command

__all__ = ["pack"]


def pack(commands: Iterable[Command]) -> bytes:
    """The commands as one RESP byte string (arrays of bulk strings), ready to write on a connection."""
    out: list[bytes] = []
    for command in commands:
        out.append(b"*%d\r\n" % len(command))
        for argument in command:
            if isinstance(argument, bytes):
                data = argument
            elif isinstance(argument, str):
                data = argument.encode()
            elif isinstance(argument, int) and not isinstance(argument, bool):
                data = b"%d" % argument
            else:
                data = bytes(argument) if isinstance(argument, (bytearray, memoryview)) else str(argument).encode()
            out.append(b"$%d\r\n" % len(data))
            out.append(data)
            out.append(b"\r\n")
    return b"".join(out)
