"""Sets of slots as Python ints: the positions of their bits, and the int of some positions.

A campaign index keeps sets of slots (one bit each) as ints, whose AND, OR and XOR run in C; these
helpers read a set's slots out and make a set from slots.
"""

from __future__ import annotations

from itertools import accumulate, count
from operator import add

__all__ = ["ascending", "bits_of", "slots_of"]

#: Bits sparser than one in this many are found byte by byte (else in the bits' text).
_SPARSE = 128
#: At most this many bits are read one by one (each costs two operations on the int).
_FEW = 6
#: Per byte value: 1 if it is not zero (to find the bytes holding bits).
_NONZERO = bytes([0] + [1] * 255)
#: Per byte value: the positions of its bits.
_BYTE_BITS = tuple(tuple(position for position in range(8) if value >> position & 1) for value in range(256))


def ascending(bits: int) -> list[int]:
    """The positions of the bits set in ``bits`` (not zero), lowest first.

    Few bits for their width: the bytes holding them, found by splitting the int's bytes in C, each
    read through a table; else the lengths of the runs of zeros between them in the bits' text
    (split from the highest bit, the runs then reversed), summed in C.
    """
    if bits.bit_count() * _SPARSE < bits.bit_length():
        data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
        gaps = data.translate(_NONZERO).split(b"\x01")
        gaps.pop()
        out: list[int] = []
        where = -1
        for run in gaps:
            where += len(run) + 1
            base = where << 3
            out += [base + position for position in _BYTE_BITS[data[where]]]
        return out
    runs = bin(bits).split("1")  # "0b", the runs between the bits from the highest, the zeros below the lowest
    runs.reverse()
    runs.pop()
    return list(map(add, accumulate(map(len, runs)), count()))


def slots_of(bits: int) -> list[int]:
    """The positions of the bits set in ``bits``, highest first (a few: one by one, from the top)."""
    if not bits:
        return []
    if bits.bit_count() <= _FEW:
        out: list[int] = []
        while bits:
            top = bits.bit_length() - 1
            out.append(top)
            bits ^= 1 << top
        return out
    out = ascending(bits)
    out.reverse()
    return out


def bits_of(slots: list[int]) -> int:
    """The int whose set bits are ``slots``."""
    if len(slots) < 4:
        return sum(1 << slot for slot in set(slots))
    field = bytearray(max(slots) // 8 + 1)
    for slot in slots:
        field[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(field, "little")
