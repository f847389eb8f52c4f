"""Imports point one way: no import circle in the package, deferred and type-only imports included.

The graph is read from the source with ``ast`` (see ``tests/import_graph.py``), so an import inside
a function or under ``if TYPE_CHECKING:`` counts as much as one at the top of a module.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from import_graph import (
    ROOT,
    collapse,
    cycles,
    import_graph,
    mermaid_blocks,
    module_files,
    node_of,
    reachable,
    read_drawing,
)

ARCHITECTURE = ROOT.parent / "docs" / "architecture.md"

# Circles that remain where the code is being reworked; each is reported, not hidden, and a new
# one fails the test. Remove an entry when its circle is gone.
KNOWN_CIRCLES: list[list[str]] = []


def test_no_import_circles() -> None:
    found = cycles(import_graph())
    new = [circle for circle in found if circle not in KNOWN_CIRCLES]
    assert new == [], f"import circles: {new}"


def test_the_models_import_no_codec_and_the_leaves_no_model() -> None:
    graph = import_graph()
    for module, imported in graph.items():
        if module.startswith(("thrilldrops_events.events", "thrilldrops_events.envelope")):
            codecs = sorted(name for name in imported if name.startswith("thrilldrops_events.codecs"))
            assert codecs == [], f"{module} imports {codecs}"
    # errors reads nothing of the package but the text helpers, which read nothing of it at all
    assert graph["thrilldrops_events.errors"] <= {"thrilldrops_events._text"}
    assert graph["thrilldrops_events._text"] == set()
    leaves = {f"thrilldrops_events.{name}"
              for name in ("errors", "types", "_kinds", "_readers", "_countries", "_suggest", "_text", "_numbers",
                           "_unknown")}
    leaves.add("thrilldrops_events._problems")
    for leaf in leaves:
        assert graph[leaf] <= leaves, (leaf, graph[leaf] - leaves)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "pkg"


def test_the_reader_sees_deferred_type_only_relative_and_package_imports(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "__init__.py": "from pkg import a\n",
        "a.py": "def f():\n    from pkg.sub import c\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
        "sub/__init__.py": "from . import c\n",
        "sub/c.py": "from .. import b\nimport pkg.sub.d\n",
        "sub/d.py": "x = 1\n",
        "e.py": "from pkg.sub.d import x\n",
    })
    graph = import_graph(package)
    assert graph["pkg"] == {"pkg.a"}
    assert graph["pkg.a"] == {"pkg.sub.c", "pkg.sub"}  # deferred, and the package __init__ it runs
    assert graph["pkg.b"] == {"pkg.a"}  # type-only
    assert graph["pkg.sub"] == {"pkg.sub.c"}  # relative
    assert graph["pkg.sub.c"] == {"pkg.b", "pkg.sub.d"}  # its own package is already running
    assert graph["pkg.e"] == {"pkg.sub.d", "pkg.sub"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c"]]
    assert import_graph(package, type_checking=False)["pkg.b"] == set()
    assert cycles(import_graph(package, type_checking=False)) == []


def test_the_architecture_page_draws_the_real_graph() -> None:
    # The drawing of the imports is the page's first diagram (the data flow comes later).
    block = mermaid_blocks(ARCHITECTURE.read_text(encoding="utf-8"))[0]
    assert "cli/" in block
    nodes, arrows = read_drawing(block)
    assert len(nodes) >= 10
    assert {end for arrow in arrows for end in arrow} <= set(nodes), "an arrow to a box not drawn"
    undrawn = [m for m, path in module_files().items() if node_of(path.relative_to(ROOT).as_posix(), nodes) is None]
    assert undrawn == [], f"modules in no box of the drawing: {undrawn}"
    real = collapse(import_graph(), nodes)
    assert sorted(arrows - real) == [], "arrows drawn that no import makes"
    hidden = sorted((a, b) for a, b in real if b not in reachable(arrows, a))
    assert hidden == [], "imports that no arrow or chain of arrows shows"
    assert cycles({node: {b for a, b in arrows if a == node} for node in nodes}) == []


def test_the_drawing_reader_sees_boxes_and_arrows() -> None:
    nodes, arrows = read_drawing(
        'flowchart TD\n    a["events/ · enums.py"]\n    b["codecs/cloudevents.py · codecs/"]\n    a --> b\n'
    )
    assert nodes == {"a": ["events/", "enums.py"], "b": ["codecs/cloudevents.py", "codecs/"]}
    assert arrows == {("a", "b")}
    assert node_of("events/_base.py", nodes) == "a"
    assert node_of("codecs/cloudevents.py", nodes) == "b"
    assert node_of("conditions/nodes.py", nodes) is None
    assert reachable({("a", "b"), ("b", "c")}, "a") == {"b", "c"}
