"""The base class of condition nodes: structural equality, cached hash, depth and size, canonical text.

Nothing here recurses: hashing and measuring read the children's cached values, equality and the
canonical text walk the tree with a list for a stack. The node classes are in
``thrilldrops_events.conditions.nodes``; each one writes its own text from its children's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate
from thrilldrops_events.errors import ConditionSyntaxError

__all__ = ["ADDITIVE", "AND", "ATOM", "COMPARISON", "MULTIPLICATIVE", "NOT", "OR", "UNARY", "Node", "fold", "quote"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConditionSyntaxError(message)

T = TypeVar("T")

#: Precedence levels of the canonical text, lowest first; atoms (literals, references, calls) bind tightest.
OR, AND, NOT, COMPARISON, ADDITIVE, MULTIPLICATIVE, UNARY, ATOM = 1, 2, 3, 4, 5, 6, 7, 9

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


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


def fold(root: Node, combine: Callable[[Node, Sequence[T]], T]) -> T:
    """Compute a value for every node from its children's values, bottom up; return the root's.

    ``combine(node, values)`` receives the values of ``node.children`` in order. A list literal is
    treated as a leaf (its items are scalar literals, read from ``node.items`` by ``combine``).
    """
    values: list[T] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            count = 0 if node._opaque else len(node.children)
            start = len(values) - count
            result = combine(node, values[start:])
            del values[start:]
            values.append(result)
        else:
            stack.append((node, True))
            if not node._opaque:
                stack.extend((child, False) for child in reversed(node.children))
    return values[0]


def _text_of(node: Node, texts: Sequence[str]) -> str:
    return node._text(texts)


#: The deepest tree pickled as nested constructor calls; a deeper one is pickled flat.
_PICKLED_NESTED = 32
# A field of a flat entry: a child node (_KID), so many children in a tuple (_KIDS, count), or a value (_VALUE, v).
_KID, _KIDS, _VALUE = 0, 1, 2


class _Flattener:
    """Lists a tree's nodes children first, each as its class and fields, with its children left out."""

    def __init__(self) -> None:
        self.entries: list[tuple[type[Node], tuple[tuple[Any, ...], ...]]] = []

    def entry(self, node: Node, kids: Sequence[Any]) -> list[tuple[type[Node], tuple[tuple[Any, ...], ...]]]:
        fields: list[tuple[Any, ...]] = []
        for name in node.__match_args__:
            value = getattr(node, name)
            if isinstance(value, Node):
                fields.append((_KID,))
            elif isinstance(value, tuple) and not node._opaque:  # And/Or operands, Call args
                fields.append((_KIDS, len(value)))
            else:  # a list literal's items (leaves, pickled as they are) or a plain value
                fields.append((_VALUE, value))
        self.entries.append((type(node), tuple(fields)))
        return self.entries


def _unflatten(entries: Sequence[tuple[type[Node], tuple[tuple[Any, ...], ...]]]) -> Node:
    """The tree of a flat pickle: each entry built by its class's constructor from the nodes built before it."""
    stack: list[Node] = []
    for cls, fields in entries:
        count = sum(1 if field[0] == _KID else field[1] if field[0] == _KIDS else 0 for field in fields)
        kids = stack[len(stack) - count:]
        del stack[len(stack) - count:]
        args: list[Any] = []
        at = 0  # the next of its children
        for field in fields:
            if field[0] == _KID:
                args.append(kids[at])
                at += 1
            elif field[0] == _KIDS:
                args.append(tuple(kids[at:at + field[1]]))
                at += field[1]
            else:
                args.append(field[1])
        stack.append(cls(*args))
    return stack[0]


class Node:
    """The base of every node. Nodes are immutable and compare by structure."""

    __slots__ = ("_depth", "_hash", "_size")

    _depth: int
    _hash: int
    _size: int
    #: A list literal: its parent reads its items, and walks (``fold``) treat it as a leaf.
    _opaque: ClassVar[bool] = False
    #: How tightly the node binds in the canonical text.
    _level: ClassVar[int] = ATOM
    #: The node's fields, in the order its constructor takes them (each node class is a dataclass).
    __match_args__: ClassVar[tuple[str, ...]] = ()

    @property
    def children(self) -> tuple[Node, ...]:
        """The node's sub-expressions, left to right."""
        return ()

    def _precedence(self) -> int:
        return self._level

    def _text(self, texts: Sequence[str]) -> str:
        """The node's canonical text, given its children's (in order)."""
        raise NotImplementedError  # pragma: no cover - every node class writes its own

    def _wrap(self, text: str, child: Node, *, below: int) -> str:
        """``text`` (of ``child``) in parentheses if ``child`` binds less tightly than ``below``."""
        return f"({text})" if child._precedence() < below else text

    def _key(self) -> tuple[Any, ...]:
        """What distinguishes this node from another of its class with the same children."""
        return ()

    def _seal(self) -> None:
        """Cache depth, size and hash from the children's (called by every subclass once built)."""
        kids = self.children
        setattr_ = object.__setattr__
        if not kids:
            setattr_(self, "_depth", 1)
            setattr_(self, "_size", 1)
            setattr_(self, "_hash", hash((type(self).__name__, self._key())))
            return
        depth = size = 0
        hashes = []
        for kid in kids:
            if not isinstance(kid, Node):
                raise ConditionSyntaxError(f"{type(self).__name__} expects nodes as operands, not {type(kid).__name__}")
            depth = kid._depth if kid._depth > depth else depth
            size += kid._size
            hashes.append(kid._hash)
        setattr_(self, "_depth", depth + 1)
        setattr_(self, "_size", size + 1)
        setattr_(self, "_hash", hash((type(self).__name__, self._key(), tuple(hashes))))

    @property
    def depth(self) -> int:
        """The nesting depth of the tree under this node (1 for a leaf)."""
        return self._depth

    def __hash__(self) -> int:
        return self._hash

    @property
    def size(self) -> int:
        """The number of nodes in the tree under this node, itself included (list items count)."""
        return self._size

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Node):
            return NotImplemented
        if self._hash != other._hash or self.__class__ is not other.__class__:
            return False
        if self._size == 1:  # a leaf: nothing below it to compare
            return self._key() == other._key()
        pending: list[tuple[Node, Node]] = [(self, other)]
        while pending:
            a, b = pending.pop()
            if a is b:
                continue
            if a.__class__ is not b.__class__ or a._hash != b._hash or a._size != b._size or a._key() != b._key():
                return False
            kids_a, kids_b = a.children, b.children
            if len(kids_a) != len(kids_b):
                return False
            pending.extend(zip(kids_a, kids_b, strict=True))
        return True

    def __copy__(self) -> Node:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Node:
        return self  # immutable: and a copy walked down the tree would meet Python's recursion limit

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild through the constructor, which recomputes the cached hash, depth and size. A deep tree is
        # pickled flat, children first: nested, pickle would recurse as deep as the tree (RecursionError).
        if self._depth > _PICKLED_NESTED:
            return (_unflatten, (fold(self, _Flattener().entry),))
        return (type(self), tuple(getattr(self, name) for name in self.__match_args__))

    @property
    def text(self) -> str:
        """The canonical text of this node."""
        return fold(self, _text_of)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        text = self.text
        return f"<{type(self).__name__} {text if len(text) <= 200 else text[:200] + '...'}>"


class _Unary(Node):
    """A node with one operand (a base of its own, not a node of the language)."""

    __slots__ = ()

    operand: Node

    def __post_init__(self) -> None:
        self._seal()

    @property
    def children(self) -> tuple[Node, ...]:
        """The operand."""
        return (self.operand,)


class _Chain(Node):
    """A node with two or more operands, all of one operator (``and``, ``or``)."""

    __slots__ = ()

    operands: tuple[Node, ...]
    _word: ClassVar[str]

    def __post_init__(self) -> None:
        _require(type(self.operands) is tuple and len(self.operands) >= 2,
                 f"{self._word} needs a tuple of 2 or more operands")
        self._seal()

    @property
    def children(self) -> tuple[Node, ...]:
        """The operands."""
        return self.operands

    def _text(self, texts: Sequence[str]) -> str:
        below = self._level + 1  # a nested chain of the same operator keeps its parentheses
        parts = (self._wrap(text, kid, below=below) for text, kid in zip(texts, self.operands, strict=True))
        return f" {self._word} ".join(parts)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Binary(Node):
    """A node ``left op right`` whose operator is one of the class's ``_operators`` (its fields are its subclasses')."""

    op: str
    left: Node
    right: Node
    _operators: ClassVar[tuple[str, ...]]
    _kind: ClassVar[str]
    _left_associative: ClassVar[bool]

    def __post_init__(self) -> None:
        _require(self.op in self._operators, f"{self._kind} operator must be one of {self._operators}")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.op,)

    @property
    def children(self) -> tuple[Node, ...]:
        """The two sides."""
        return (self.left, self.right)

    def _text(self, texts: Sequence[str]) -> str:
        # A side at the node's own level needs parentheses, except the left side of a left-associative
        # operator: a - b - c is (a - b) - c, while a == b == c is not a condition.
        level = self._precedence()
        left = self._wrap(texts[0], self.left, below=level if self._left_associative else level + 1)
        right = self._wrap(texts[1], self.right, below=level + 1)
        return f"{left} {self.op} {right}"


class _Scalar(Node):
    """A literal holding one value of the class's type, ``_holds``: a string (quoted) or a boolean."""

    __slots__ = ()

    value: Any
    _holds: ClassVar[type]

    def __post_init__(self) -> None:
        _require(type(self.value) is self._holds, f"a {type(self).__name__} holds a {self._holds.__name__}")
        # as the text and JSON forms refuse it: a lone surrogate could not be written back
        _require(type(self.value) is not str or lone_surrogate(self.value) < 0,
                 f"a {type(self).__name__} {LONE_SURROGATE_MESSAGE}")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.value,)

    def _text(self, texts: Sequence[str]) -> str:
        value = self.value
        if type(value) is str:
            return quote(value)
        return "true" if value else "false"


class _Test(Node):
    """A test of its operand, negated or not: ``in`` and ``not in`` a list, ``is null`` and ``is not null``."""

    __slots__ = ()

    operand: Node
    negated: bool
    _words: ClassVar[tuple[str, str]]  # the operator, and its negation
    _level: ClassVar[int] = COMPARISON

    def __post_init__(self) -> None:
        _require(type(self.negated) is bool, f"{type(self).__name__}.negated is a bool")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.negated,)

    def _text(self, texts: Sequence[str]) -> str:
        operand = self._wrap(texts[0], self.operand, below=COMPARISON + 1)
        return operand + self._words[self.negated] + "".join(texts[1:])
