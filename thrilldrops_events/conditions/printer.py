"""The canonical text of a condition tree.

Canonical text puts one space around binary operators, writes strings in double quotes with
escapes, numbers as written, and parentheses only where the tree needs them. Parsing the
canonical text of a tree gives the same tree back, so a nested ``and`` written in parentheses,
``a and (b and c)``, keeps its parentheses.
"""

from __future__ import annotations

from collections.abc import Sequence

from thrilldrops_events.conditions._walk import fold
from thrilldrops_events.conditions.nodes import (
    And,
    Arithmetic,
    Boolean,
    Call,
    Compare,
    FieldRef,
    In,
    IsNull,
    ListLiteral,
    Negate,
    Node,
    Not,
    Null,
    Number,
    Or,
    String,
)

__all__ = ["ATOM", "precedence", "quote", "to_text"]

#: Precedence levels, lowest first.
OR, AND, NOT, COMPARISON, ADDITIVE, MULTIPLICATIVE, UNARY, ATOM = 1, 2, 3, 4, 5, 6, 7, 9

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def precedence(node: Node) -> int:
    """How tightly a node binds; atoms (literals, references, calls, lists) bind tightest."""
    kind = type(node)
    if kind is Or:
        return OR
    if kind is And:
        return AND
    if kind is Not:
        return NOT
    if kind is Compare or kind is In or kind is IsNull:
        return COMPARISON
    if kind is Arithmetic:
        return ADDITIVE if node.op in "+-" else MULTIPLICATIVE  # type: ignore[attr-defined]
    if kind is Negate:
        return UNARY
    return ATOM


def quote(value: str) -> str:
    """A string literal in canonical form.

    Double quotes; backslash escapes for quotes, backslashes and every character that is not
    printable, so invisible or direction-changing characters show.
    """
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    out = ['"']
    for char in value:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def _wrap(text: str, child: Node, needs: bool) -> str:
    return f"({text})" if needs else text


def _combine(node: Node, texts: Sequence[str]) -> str:
    kind = type(node)
    kids = node.children
    if kind is Number:
        return str(node.value)  # type: ignore[attr-defined]
    if kind is String:
        return quote(node.value)  # type: ignore[attr-defined]
    if kind is Boolean:
        return "true" if node.value else "false"  # type: ignore[attr-defined]
    if kind is Null:
        return "null"
    if kind is FieldRef:
        return node.path  # type: ignore[attr-defined, no-any-return]
    if kind is ListLiteral:
        return "[" + ", ".join(_combine(item, ()) for item in node.items) + "]"  # type: ignore[attr-defined]
    if kind is Call:
        return f"{node.name}(" + ", ".join(texts) + ")"  # type: ignore[attr-defined]
    if kind is Or or kind is And:
        level = precedence(node)
        word = " or " if kind is Or else " and "
        return word.join(_wrap(text, kid, precedence(kid) <= level) for text, kid in zip(texts, kids, strict=True))
    if kind is Not:
        return "not " + _wrap(texts[0], kids[0], precedence(kids[0]) < NOT)
    if kind is Compare:
        left = _wrap(texts[0], kids[0], precedence(kids[0]) <= COMPARISON)
        right = _wrap(texts[1], kids[1], precedence(kids[1]) <= COMPARISON)
        return f"{left} {node.op} {right}"  # type: ignore[attr-defined]
    if kind is In:
        word = " not in " if node.negated else " in "  # type: ignore[attr-defined]
        return _wrap(texts[0], kids[0], precedence(kids[0]) <= COMPARISON) + word + texts[1]
    if kind is IsNull:
        word = " is not null" if node.negated else " is null"  # type: ignore[attr-defined]
        return _wrap(texts[0], kids[0], precedence(kids[0]) <= COMPARISON) + word
    if kind is Arithmetic:
        level = precedence(node)
        left = _wrap(texts[0], kids[0], precedence(kids[0]) < level)
        right = _wrap(texts[1], kids[1], precedence(kids[1]) <= level)
        return f"{left} {node.op} {right}"  # type: ignore[attr-defined]
    if kind is Negate:
        child = kids[0]
        return "-" + _wrap(texts[0], child, precedence(child) != ATOM or type(child) is Number)
    raise TypeError(f"not a condition node: {kind.__name__}")  # pragma: no cover - every node kind is handled


def to_text(node: Node) -> str:
    """The canonical text of a condition tree (or of any node in one)."""
    return fold(node, _combine)
