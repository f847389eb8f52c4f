"""Code on the site fits its column: no line of a fenced block is wider than 88 characters.

88 is ruff's line length for code in docs; wider lines run past the page's column and are cut off.
Every fenced block counts, whatever its language (Python, shell, output, JSON, diagrams), in the
pages of ``docs/``, the README, the files the pages include (``--8<--`` snippets) and the pages the
site generates at build time (one per event type, and the events' index). Tables are not code.
A long line is wrapped with a ``\\`` at the end of each part (see ``test_docs.unwrap``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_docs import PAGES, ROOT, blocks

from thrilldrops_events import EventType, _docs

WIDTH = 88
_SNIPPET = re.compile(r"""^\s*--8<--\s+["'](?P<path>[^"']+)["']\s*$""")


def too_wide(page: Path, name: str) -> list[str]:
    """Each line of the page's fenced blocks wider than WIDTH, as ``name:line: N columns``."""
    found = []
    for block in blocks(page):
        for number, line in enumerate(block.source.splitlines(), block.line):
            snippet = _SNIPPET.match(line)
            if snippet is not None:  # the included file's lines, as the built page shows them
                included = (ROOT / snippet["path"]).read_text(encoding="utf-8").splitlines()
                found += [f"{snippet['path']}:{n}: {len(text)} columns"
                          for n, text in enumerate(included, 1) if len(text) > WIDTH]
            elif len(line) > WIDTH:
                found.append(f"{name}:{number}: {len(line)} columns")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_fits_88_columns(page: Path) -> None:
    wide = too_wide(page, str(page.relative_to(ROOT)))
    assert wide == [], "code lines wider than 88 columns (wrap them):\n" + "\n".join(wide)


def _generated_pages() -> dict[str, str]:
    pages = {f"reference/events/{kind.value}.md (generated)": _docs.render_event_page(kind) for kind in EventType}
    pages["reference/events/index.md (generated)"] = _docs.render_events_index()
    return pages


@pytest.mark.parametrize(("name", "text"), list(_generated_pages().items()), ids=list(_generated_pages()))
def test_generated_code_fits_88_columns(tmp_path: Path, name: str, text: str) -> None:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    if "index" not in name:
        assert any(blocks(page)), "an event's page shows code: an example envelope, a condition"
    wide = too_wide(page, name)
    assert wide == [], "generated code lines wider than 88 columns:\n" + "\n".join(wide)


def test_wide_code_is_found_in_any_block_or_snippet_but_not_in_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "long.py").write_text("x = 1\n" + "y" * 89 + "\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "| a | " + "b" * 100 + " |\n\n```text\n" + "t" * 88 + "\n" + "u" * 89 + "\n```\n\n"
        "!!! note\n\n    ```bash\n    " + "v" * 90 + "\n    ```\n\n"
        '```python\n--8<-- "long.py"\n```\n',
        encoding="utf-8",
    )
    assert too_wide(page, "page.md") == ["page.md:5: 89 columns", "page.md:11: 90 columns", "long.py:2: 89 columns"]
