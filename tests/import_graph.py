"""The package's import graph, read from its source with ``ast`` (no module is imported).

Every ``import`` and ``from ... import`` statement counts, wherever it stands: at the top of a
module, inside a function (a deferred import), inside ``try``, and under ``if TYPE_CHECKING:`` (an
import for the type checker is an arrow too: the module needs to know the other one).

Importing ``a.b.c`` also runs the ``__init__`` of the packages ``a.b`` on the way, so it counts as
importing them too, unless the importer is itself inside them (its own packages are already being
imported when it runs) or the package is the root (every module is inside the root).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

PACKAGE = "thrilldrops_events"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST, *, type_checking: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if not type_checking and isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _base_of(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def _packages_run(module: str, target: str, names: set[str]) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs, besides ``target`` (see the module docstring)."""
    parts = target.split(".")
    packages = [".".join(parts[:end]) for end in range(2, len(parts))]
    return [p for p in packages if p in names and not (module == p or module.startswith(p + "."))]


def imports_of(module: str, path: Path, known: Iterable[str], *, type_checking: bool = True) -> set[str]:
    """The package's modules that ``module`` imports."""
    names = set(known)
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _import_nodes(tree, type_checking=type_checking):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _base_of(module, path, node)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in names else base for alias in node.names]
        for target in targets:
            if target in names:
                found.update([target, *_packages_run(module, target, names)])
    found.discard(module)
    return found


def import_graph(root: Path = ROOT, *, type_checking: bool = True) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (``type_checking=False`` leaves out type-only imports)."""
    files = module_files(root)
    return {module: imports_of(module, path, files, type_checking=type_checking) for module, path in files.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (each an import circle), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


# ---------------------------------------------------------------------------------------------- the drawing

_NODE = re.compile(r'^\s*(\w+)\["([^"]*)"\]\s*$')
_ARROW = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)\s*$")
_PATH = re.compile(r"[\w/]+\.py|\w+/")


def mermaid_blocks(markdown: str) -> list[str]:
    """The bodies of the ```` ```mermaid ```` blocks of a Markdown page."""
    return re.findall(r"^```mermaid\n(.*?)^```", markdown, flags=re.S | re.M)


def read_drawing(block: str) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """A Mermaid flowchart of the package: each node's paths (``events/``, ``enums.py``), and the arrows."""
    nodes: dict[str, list[str]] = {}
    arrows: set[tuple[str, str]] = set()
    for line in block.splitlines():
        if match := _NODE.match(line):
            nodes[match[1]] = _PATH.findall(match[2])
        elif match := _ARROW.match(line):
            arrows.add((match[1], match[2]))
    return nodes, arrows


def node_of(path: str, nodes: dict[str, list[str]]) -> str | None:
    """The node a module is drawn in (``path`` is its file, relative to the package): the node naming
    the file, else the one naming its closest package directory."""
    parts = path.split("/")
    candidates = [path, *("/".join(parts[:end]) + "/" for end in range(len(parts) - 1, 0, -1))]
    for candidate in candidates:
        for node, paths in nodes.items():
            if candidate in paths:
                return node
    return None


def collapse(
    graph: Mapping[str, Iterable[str]], nodes: dict[str, list[str]], root: Path = ROOT
) -> set[tuple[str, str]]:
    """The graph between drawn nodes: an edge where some module of one imports some module of the other."""
    where = {module: node_of(path.relative_to(root).as_posix(), nodes) for module, path in module_files(root).items()}
    edges = set()
    for module, imported in graph.items():
        for other in imported:
            a, b = where[module], where[other]
            if a is not None and b is not None and a != b:
                edges.add((a, b))
    return edges


def reachable(arrows: set[tuple[str, str]], start: str) -> set[str]:
    """Every node a chain of arrows leads to from ``start``."""
    seen: set[str] = set()
    stack = [b for a, b in arrows if a == start]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(b for a, b in arrows if a == node)
    return seen
