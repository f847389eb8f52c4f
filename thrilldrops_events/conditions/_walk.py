"""Iterative tree walks: no walk over a condition ever uses Python recursion."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

from thrilldrops_events.conditions.nodes import ListLiteral, Node

__all__ = ["fold", "postorder", "trampoline"]

T = TypeVar("T")


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
            count = 0 if node.__class__ is ListLiteral else len(node.children)
            start = len(values) - count
            result = combine(node, values[start:])
            del values[start:]
            values.append(result)
        else:
            stack.append((node, True))
            if node.__class__ is not ListLiteral:
                stack.extend((child, False) for child in reversed(node.children))
    return values[0]


def postorder(root: Node) -> list[Node]:
    """Every node under ``root`` (itself included), children before parents, left to right."""
    out: list[Node] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            out.append(node)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    return out


def trampoline(start: Generator[Any, Any, T]) -> T:
    """Run generator-based "recursion" without Python recursion.

    Each generator yields ``(function, *args)`` to ask for a sub-result: the driver calls
    ``function(*args)``, which must return another such generator, runs it to completion and sends
    its return value back. The generators' stack lives in a list, not on the interpreter's stack.
    """
    stack: list[Generator[Any, Any, Any]] = [start]
    value: Any = None
    while True:
        try:
            request = stack[-1].send(value)
        except StopIteration as stop:
            stack.pop()
            if not stack:
                return stop.value  # type: ignore[no-any-return]
            value = stop.value
            continue
        stack.append(request[0](*request[1:]))
        value = None
