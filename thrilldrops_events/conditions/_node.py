"""The base class of condition nodes: structural equality, cached hash, depth and size, no recursion.

See :mod:`thrilldrops_events.conditions.nodes` for the node classes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from thrilldrops_events.errors import ConditionSyntaxError

__all__ = ["Node"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConditionSyntaxError(message)


class Node:
    """The base of every node. Nodes are immutable and compare by structure."""

    __slots__ = ("_depth", "_hash", "_size")

    _depth: int
    _hash: int
    _size: int

    @property
    def children(self) -> tuple[Node, ...]:
        """The node's sub-expressions, left to right."""
        return ()

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

    @property
    def size(self) -> int:
        """The number of nodes in the tree under this node, itself included (list items count)."""
        return self._size

    @property
    def text(self) -> str:
        """The canonical text of this node."""
        from thrilldrops_events.conditions.printer import to_text

        return to_text(self)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Node):
            return NotImplemented
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

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild through the constructor, which recomputes the cached hash, depth and size.
        return (type(self), tuple(getattr(self, name) for name in self.__match_args__))  # type: ignore[attr-defined]

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


class _Binary(Node):
    """A node ``left op right`` whose operator is one of the class's ``_operators``."""

    __slots__ = ()

    op: str
    left: Node
    right: Node
    _operators: ClassVar[tuple[str, ...]]
    _kind: ClassVar[str]

    def __post_init__(self) -> None:
        _require(self.op in self._operators, f"{self._kind} operator must be one of {self._operators}")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.op,)

    @property
    def children(self) -> tuple[Node, ...]:
        """The two sides."""
        return (self.left, self.right)
