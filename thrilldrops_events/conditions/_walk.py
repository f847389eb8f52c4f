"""Iterative tree walks: no walk over a condition ever uses Python recursion."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar

from thrilldrops_events.conditions._node import Node, fold

__all__ = ["fold", "parents_first", "postorder", "trampoline"]

T = TypeVar("T")


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


def parents_first(root: Node) -> list[Node]:
    """Every node under ``root`` but list items, parents first and right to left (reversed: children first)."""
    out: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if not node._opaque:  # a list literal: its items are read by its parent's rule
            stack.extend(node.children)
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
                result: T = stop.value
                return result
            value = stop.value
            continue
        stack.append(request[0](*request[1:]))
        value = None
