"""The canonical text of a condition tree.

Canonical text puts one space around binary operators, writes strings in double quotes with
escapes, numbers as written, and parentheses only where the tree needs them. Parsing the
canonical text of a tree gives the same tree back, so a nested ``and`` written in parentheses,
``a and (b and c)``, keeps its parentheses.

Each node class writes its own text from its children's (``node.text``, ``str(node)``); this module
names the pieces for the parser and for tools: the precedence levels, ``precedence`` and ``quote``.
"""

from __future__ import annotations

from thrilldrops_events.conditions._node import (
    ADDITIVE,
    AND,
    ATOM,
    COMPARISON,
    MULTIPLICATIVE,
    NOT,
    OR,
    UNARY,
    Node,
    quote,
)

__all__ = [
    "ADDITIVE",
    "AND",
    "ATOM",
    "COMPARISON",
    "MULTIPLICATIVE",
    "NOT",
    "OR",
    "UNARY",
    "precedence",
    "quote",
    "to_text",
]


def precedence(node: Node) -> int:
    """How tightly a node binds; atoms (literals, references, calls, lists) bind tightest."""
    return node._precedence()


def to_text(node: Node) -> str:
    """The canonical text of a condition tree (or of any node in one)."""
    return node.text
