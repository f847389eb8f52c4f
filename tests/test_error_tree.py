"""Every exception class lives in errors.py, and the trees drawn in its docstring and the docs are the real tree."""

from __future__ import annotations

import ast
import inspect
import pathlib
import re

import pytest

import thrilldrops_events
from thrilldrops_events import errors

ROOT = pathlib.Path(__file__).parent.parent
PACKAGE = ROOT / "thrilldrops_events"


def _real_tree() -> list[tuple[int, str, str]]:
    """(depth, name, built-in base) for every class under ThrillDropsError, depth first, in definition order."""
    classes = [c for c in vars(errors).values()
               if inspect.isclass(c) and issubclass(c, errors.ThrillDropsError) and c.__module__ == errors.__name__]
    order = {c: inspect.getsourcelines(c)[1] for c in classes}
    rows: list[tuple[int, str, str]] = []

    def visit(cls: type, depth: int) -> None:
        builtin = next((b.__name__ for b in cls.__bases__ if b.__module__ == "builtins" and b is not Exception), "")
        rows.append((depth, cls.__name__, builtin))
        for child in sorted((c for c in classes if cls in c.__bases__), key=order.__getitem__):
            visit(child, depth + 1)

    visit(errors.ThrillDropsError, 0)
    return rows


def _drawn_tree(text: str) -> list[tuple[int, str, str]]:
    block = re.search(r"```text\n(ThrillDropsError\n.*?)```", text, re.S)
    assert block is not None, "no tree drawn"
    rows = []
    for line in block.group(1).splitlines():
        match = re.match(r"^((?:│   |    )*)(?:[├└]── )?(\w+)(?: \((\w+)\))?", line)
        assert match is not None, line
        depth = len(match.group(1)) // 4 + (1 if "──" in line else 0)
        rows.append((depth, match.group(2), match.group(3) or ""))
    return rows


def _without_inherited_bases(rows: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    return [(depth, name) for depth, name, _ in rows]


@pytest.mark.parametrize("source", ["errors.py docstring", "docs/reference/errors.md"])
def test_drawn_tree_is_the_real_tree(source: str) -> None:
    text = errors.__doc__ if source.endswith("docstring") else (ROOT / source).read_text()
    drawn = _drawn_tree(text or "")
    real = _real_tree()
    assert _without_inherited_bases(drawn) == _without_inherited_bases(real)
    # A built-in base is named where the class adds it (the children inherit it silently).
    assert [(name, base) for _, name, base in drawn if base] == [(name, base) for _, name, base in real if base]


def test_every_exception_class_is_defined_in_errors_py() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception")) or base.id == "ValueError")
                for base in node.bases
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


def test_every_error_is_reachable_from_the_package() -> None:
    for _, name, _ in _real_tree():
        assert name in errors.__all__
        if name in thrilldrops_events.__all__:
            assert getattr(thrilldrops_events, name) is getattr(errors, name)
