"""The canonical text of a condition tree.

Canonical text puts one space around binary operators, writes strings in double quotes with
escapes, numbers as written, and parentheses only where the tree needs them. Parsing the
canonical text of a tree gives the same tree back, so a nested ``and`` written in parentheses,
``a and (b and c)``, keeps its parentheses.

Each node class writes its own text from its children's (``node.text``, ``str(node)``); this module
names the pieces tools may need: ``precedence`` (atoms bind at ``ATOM``) and ``quote``.
"""

from __future__ import annotations

from thrilldrops_events.conditions._node import ATOM, Node, quote

__all__ = ["ATOM", "precedence", "quote", "to_text"]


def precedence(node: Node) -> int:
    """How tightly a node binds; atoms (literals, references, calls, lists) bind tightest."""
    return node._precedence()


def to_text(node: Node) -> str:
    """The canonical text of a condition tree (or of any node in one).

    Raises:
        TypeError: If ``node`` is not a node of a condition tree.
    """
    if not isinstance(node, Node):
        raise TypeError(f"node must be a condition tree (a Node), not {type(node).__name__}")
    return node.text
