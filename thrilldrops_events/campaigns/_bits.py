"""Sets of slots as Python ints: the positions of their bits, and the int of some positions.

A campaign index keeps sets of slots (one bit each) as ints, whose AND, OR and XOR run in C; these
helpers read a set's slots (or what a table holds for them) out and make a set from slots.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate, count
from operator import add, itemgetter

__all__ = ["ROW", "TABLE", "ascending", "bits_of", "lay_out", "named", "repeats", "slots_of"]

#: How many rows (one per byte of slots: eight slots) one table of ``named`` holds.
TABLE = 4096
#: A table's row of free slots.
ROW: tuple[str, ...] = ("",) * 8

#: Bits sparser than one in this many are found byte by byte (else in the bits' text).
_SPARSE = 128
#: At most this many bits are read one by one (each costs two operations on the int).
_FEW = 6
#: Per byte value: 1 if it is not zero (to find the bytes holding bits).
_NONZERO = bytes([0] + [1] * 255)
#: Per byte value: the positions of its bits.
_BYTE_BITS = tuple(tuple(position for position in range(8) if value >> position & 1) for value in range(256))
#: Per byte value: the position of its one bit, or -1 (no bit, or several).
_ONE_BIT = tuple(positions[0] if len(positions) == 1 else -1 for positions in _BYTE_BITS)
#: Per byte value of several bits: what picks those positions' items out of a row, in order.
_PICK: dict[int, Callable[[tuple[str, ...]], tuple[str, ...]]] = {
    value: itemgetter(*positions) for value, positions in enumerate(_BYTE_BITS) if len(positions) > 1}


def named(bits: int, tables: list[list[tuple[str, ...]]]) -> list[str]:
    """What ``tables`` hold for the slots set in ``bits``, lowest slot first.

    Slot ``s`` is ``tables[s // (8 * TABLE)][s // 8 % TABLE][s % 8]``: a row per byte of the int.
    The bytes holding bits are found by splitting the int's bytes in C; a byte of one bit (most of
    them, unless the set is dense) gives its row's item at once, one of several an ``itemgetter``'s.
    """
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    out: list[str] = []
    append = out.append
    one_bit, pick = _ONE_BIT, _PICK
    for start in range(0, len(data), TABLE):
        piece = data[start:start + TABLE] if len(data) > TABLE else data
        table = tables[start // TABLE]
        gaps = piece.translate(_NONZERO).split(b"\x01")
        gaps.pop()  # the zeros after the last byte holding bits
        where = -1
        for run in gaps:
            where += len(run) + 1
            bit = one_bit[piece[where]]
            if bit >= 0:
                append(table[where][bit])
            else:
                out += pick[piece[where]](table[where])
    return out


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
    """The positions of the bits set in ``bits``, highest first (the first few one by one, from the top)."""
    out: list[int] = []
    while bits and len(out) < _FEW:
        top = bits.bit_length() - 1
        out.append(top)
        bits ^= 1 << top
    if bits:
        rest = ascending(bits)
        rest.reverse()
        out += rest
    return out


def bits_of(slots: list[int]) -> int:
    """The int whose set bits are ``slots``."""
    if len(slots) < 4:
        bits = 0
        for slot in slots:
            bits |= 1 << slot
        return bits
    field = bytearray(max(slots) // 8 + 1)
    for slot in slots:
        field[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(field, "little")


def repeats(bits: int, followers: int) -> int:
    """The slots of ``bits`` in ``followers`` with a slot of ``bits`` below them in their run.

    ``followers`` marks the slots that continue a run (a campaign's further branches, each one
    above the one before; the run's first slot is not marked). Adding ``bits`` (shifted onto the
    followers above them) to ``followers`` carries from the lowest of them in each run to the run's
    end, clearing the followers it passes: XOR gives back the followers above it, but where another
    seed landed, and OR with the seeds fills those in. Seven operations on the ints, whatever the
    runs' length.
    """
    seeds = (bits << 1) & followers
    return bits & (((followers + seeds) ^ followers) | seeds) & followers


def lay_out(tables: list[list[tuple[str, ...]]], copied: set[int]) -> None:
    """Make the id tables whose ``id()`` is in ``copied`` afresh: new rows, in slot order, of new copies of the ids.

    A match reads one row and one id per matched slot, and at 100,000 campaigns these reads are
    most of its time: rows and ids made one after the other lie together in memory (and in the
    pages the processor keeps mapped), where those of a batch of changes lie apart, among the
    objects the changes made and dropped. The copies are equal strings, made once per campaign.
    """
    fresh: dict[str, str] = {}
    for number, table in enumerate(tables):
        if id(table) not in copied:
            continue
        rows: list[tuple[str, ...]] = []
        for row in table:
            if row is not ROW:
                row = tuple([fresh.get(text) or fresh.setdefault(text, (text + " ")[:-1]) if text else text
                             for text in row])
            rows.append(row)
        tables[number] = rows
