"""Prefix and suffix tests as look-ups: ``starts_with(x, "p")`` is ``x[:len(p)] == "p"``.

Campaigns that test a string against different literals (a game provider's prefix each) would each
make a facet of their own if the call were the operand, and a match would visit every one. Read as
a set atom on the operand's first (or last) ``k`` characters instead, every campaign testing a
literal of ``k`` characters shares one facet: one slice and one hash look-up per event, however many
prefixes the campaigns name. An ``Affix`` is that operand, a node the index makes (it is not part of
the language; its text, ``game_id[:7]`` or ``game_id[-7:]``, shows in ``stats`` and ``explain``).

Why exactly: for a string ``s`` and a literal ``p`` of ``k`` characters, ``s.startswith(p)`` is
``s[:k] == p`` (a shorter ``s`` slices to itself, shorter than ``p``) and ``s.endswith(p)`` is
``s[-k:] == p`` for ``k > 0`` (for ``k == 0`` both are ``s[:0] == ""``, one operand). A channel is a
``str`` and slices to a plain one. A null operand slices to null, which no literal equals, as
``starts_with`` of null is false (a call given null for a parameter that refuses it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._atom import Atom
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._node import Node
from thrilldrops_events.conditions.valuetypes import ValueType

__all__ = ["AFFIX", "Affix", "affix_read", "affixed"]

#: The type of an ``Affix``: a string, or null.
AFFIX = ValueType("string", nullable=True)
#: The functions read as an ``Affix``, and whether they test the end of the string.
_AT_END = {"starts_with": False, "ends_with": True}
#: What a test of a string may give.
_OUTCOMES = frozenset({True, False, None})


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Affix(Node):
    """The first ``length`` characters of ``operand`` (its last, with ``last``): what ``starts_with`` compares."""

    operand: Node
    length: int
    last: bool

    def __post_init__(self) -> None:
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.length, self.last)

    @property
    def children(self) -> tuple[Node, ...]:
        """The operand."""
        return (self.operand,)

    def _text(self, texts: Sequence[str]) -> str:
        return f"{texts[0]}[-{self.length}:]" if self.last else f"{texts[0]}[:{self.length}]"


def affix_read(affix: Affix, read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """How to read ``affix`` from an envelope, given how its operand is read."""
    length = affix.length
    if not affix.last:
        return lambda envelope: None if (value := read(envelope)) is None else value[:length]
    start = -length  # never 0: an empty suffix is the empty prefix
    return lambda envelope: None if (value := read(envelope)) is None else value[start:]


def affixed(atom: Atom) -> Atom:
    """``atom``, or for an atom on ``starts_with(x, "p")`` (``ends_with``), the same atom on ``x[:k]`` (``x[-k:]``).

    The test is true where the affix is ``"p"`` and false anywhere else, null included (a call given
    null for a parameter that refuses it gives false): the outcomes the atom lets through (true;
    false under ``not``; ``== false``, ``is null``...) become the affixes that give them.
    """
    call = atom.operand
    if type(call) is not n.Call or call.name not in _AT_END or len(call.args) != 2 or atom.kind == "range":
        return atom
    operand, literal = call.args
    if type(literal) is not n.String:
        return atom
    part = literal.value
    held = atom.keys if atom.kind == "set" else _OUTCOMES - atom.keys
    affix = Affix(operand, len(part), _AT_END[call.name] and part != "")
    given = frozenset({part}) if True in held else frozenset()
    if False in held:  # every affix but "p", unless true is held too
        return Atom(affix, "not_set", frozenset({part}) - given, clauses=atom.clauses)
    return Atom(affix, "set", given, clauses=atom.clauses)
