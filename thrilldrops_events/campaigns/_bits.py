"""Sets of slots as Python ints: the positions of their bits, and the int of some positions.

A campaign index keeps sets of slots (one bit each) as ints, whose AND, OR and XOR run in C; these
helpers read a set's slots out and make a set from slots.
"""

from __future__ import annotations

from itertools import accumulate, count
from operator import add

__all__ = ["ascending", "bits_of", "slots_of"]

#: Above this many bits, ``ascending`` splits the bits' text rather than searching it bit by bit.
_DENSE = 24


def ascending(bits: int) -> list[int]:
    """The positions of the bits set in ``bits`` (not zero), lowest first.

    Many bits: the lengths of the runs of zeros between them, summed in C; few: one search each.
    """
    if bits.bit_count() > _DENSE:
        runs = bin(bits)[:1:-1].split("1")
        runs.pop()
        return list(map(add, accumulate(map(len, runs)), count()))
    text = bin(bits)
    top = len(text) - 1
    out = []
    rfind = text.rfind
    where = rfind("1")
    while where >= 2:
        out.append(top - where)
        where = rfind("1", 2, where)
    return out


def slots_of(bits: int) -> list[int]:
    """The positions of the bits set in ``bits``, highest first."""
    text = bin(bits)
    top = len(text) - 1
    out = []
    find = text.find
    where = find("1", 2)
    while where >= 0:
        out.append(top - where)
        where = find("1", where + 1)
    return out


def bits_of(slots: list[int]) -> int:
    """The int whose set bits are ``slots``."""
    if len(slots) < 4:
        return sum(1 << slot for slot in set(slots))
    field = bytearray(max(slots) // 8 + 1)
    for slot in slots:
        field[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(field, "little")
