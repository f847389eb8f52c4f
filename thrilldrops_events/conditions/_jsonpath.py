"""JSON paths of the JSON-form reader, kept as links to their parents and spelt out only when read.

A node's path is its parent's and one step (``args.2``, ``list.0``): made in constant time and
memory, however deep the document, where a string per node would cost the sum of all depths
(quadratic in a deep document). A path is spelt out only for an error, or when a caller reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

__all__ = ["JsonPath", "SpeltPaths"]


class JsonPath:
    """A dotted JSON path (``condition.args.1.list.0``) as its last step and the path before it.

    ``str(path)`` spells it out; ``JsonPath(None, "")`` is the document itself (spelt ``""``).
    """

    __slots__ = ("key", "parent")

    def __init__(self, parent: JsonPath | None, key: str) -> None:
        self.parent = parent
        self.key = key

    def __str__(self) -> str:
        keys: list[str] = []
        step: JsonPath | None = self
        while step is not None:
            if step.key:
                keys.append(step.key)
            step = step.parent
        return ".".join(reversed(keys))

    def __repr__(self) -> str:
        return f"JsonPath({str(self)!r})"


class SpeltPaths(Mapping[int, str]):
    """``id(node) -> path`` of the nodes read, each path spelt out when it is looked up."""

    __slots__ = ("_paths",)

    def __init__(self, paths: dict[int, JsonPath]) -> None:
        self._paths = paths

    def __getitem__(self, key: int) -> str:
        return str(self._paths[key])

    def __contains__(self, key: object) -> bool:
        return key in self._paths

    def __iter__(self) -> Iterator[int]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)
