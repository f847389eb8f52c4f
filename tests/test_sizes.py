"""Small modules and short functions: no module of the package over 400 lines, no function over 60.

Sizes are read from the source with ``ast`` (no module is imported). A function counts from its
``def`` line to its last line, docstring and nested functions included; a nested function is also
measured on its own.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

from import_graph import ROOT

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# Offenders that remain where the code is being reworked, each with the size it has today: such an
# entry may only shrink (a module or function growing past its entry fails), and a new offender
# fails the test. The owners of the code named here remove their entry once it fits the limits.
KNOWN_LONG_MODULES: dict[str, int] = {}
KNOWN_LONG_FUNCTIONS: dict[str, int] = {}


def module_sizes(root: Path = ROOT) -> dict[str, int]:
    """The line count of every module of the package, by its path below the package's folder."""
    return {path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for path in sorted(root.rglob("*.py"))}


def _functions(tree: ast.AST, prefix: str) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def function_sizes(root: Path = ROOT) -> dict[str, int]:
    """The line count of every function and method, as ``path:Class.method``."""
    sizes: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name, node in _functions(tree, f"{path.relative_to(root).as_posix()}:"):
            assert node.end_lineno is not None
            sizes[name] = max(sizes.get(name, 0), node.end_lineno - node.lineno + 1)
    return sizes


def _over(sizes: dict[str, int], limit: int, known: dict[str, int]) -> dict[str, int]:
    return {name: size for name, size in sizes.items() if size > max(limit, known.get(name, 0))}


def test_no_module_is_over_400_lines() -> None:
    assert _over(module_sizes(), MAX_MODULE_LINES, KNOWN_LONG_MODULES) == {}


def test_no_function_is_over_60_lines() -> None:
    assert _over(function_sizes(), MAX_FUNCTION_LINES, KNOWN_LONG_FUNCTIONS) == {}


def test_the_known_offenders_still_exist_and_still_offend() -> None:
    """An entry whose module or function now fits (or is gone) must be removed from the list."""
    modules, functions = module_sizes(), function_sizes()
    assert {name for name in KNOWN_LONG_MODULES if modules.get(name, 0) <= MAX_MODULE_LINES} == set()
    assert {name for name in KNOWN_LONG_FUNCTIONS if functions.get(name, 0) <= MAX_FUNCTION_LINES} == set()


def test_the_measure_sees_methods_nested_and_async_functions(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "m.py").write_text(textwrap.dedent('''\
        import functools


        @functools.cache
        def f(x):
            """Doc."""
            def inner():
                return x

            return inner


        class C:
            async def g(self):
                if True:
                    pass
        '''), encoding="utf-8")
    assert module_sizes(package) == {"__init__.py": 0, "sub/m.py": 16}
    assert function_sizes(package) == {"sub/m.py:f": 6, "sub/m.py:f.inner": 2, "sub/m.py:C.g": 3}
    assert _over({"a": 61, "b": 60, "c": 70, "d": 71}, 60, {"c": 70, "d": 70}) == {"a": 61, "d": 71}
