"""The documentation site's set-up: the docs extra, the site's URLs and edit links, the changelog's releases."""

from __future__ import annotations

import doctest
import hashlib
import importlib
import importlib.util
import logging
import os
import pkgutil
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.config import load_config

import thrilldrops_events

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "docs" / "hooks"


def load_hook(name: str) -> ModuleType:
    """Import one of the site's mkdocs hooks (they live beside the pages, not in the package)."""
    spec = importlib.util.spec_from_file_location(f"docs_hook_{name}", HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as mkdocs loads hooks: dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _extra(name: str) -> set[str]:
    """The requirements of an extra, as the installed package's metadata lists them."""
    found = set()
    for requirement in metadata.requires("thrilldrops-events") or []:
        if re.search(rf"""extra == ["']{name}["']""", requirement):
            found.add(re.split(r"[ <>=;\[]", requirement, maxsplit=1)[0])
    return found


def test_docs_extra_has_the_toolchain_and_dev_takes_it() -> None:
    docs = _extra("docs")
    assert {"mkdocs", "mkdocs-material", "mkdocstrings", "pymdown-extensions", "griffe-pydantic"} <= docs
    assert docs <= _extra("dev")  # dev takes the docs extra, so the tests have the toolchain
    assert not docs & _extra("all")  # the site's toolchain is not a runtime extra


def test_site_has_its_urls_edit_links_and_version() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.site_url == "https://thrilldrops.github.io/thrilldrops-events/"
    assert config.repo_url == "https://github.com/thrilldrops/thrilldrops-events"
    assert config.edit_uri == "edit/main/docs/"
    site = load_hook("site")
    assert site.edit_url(config, "CHANGELOG.md") == (
        "https://github.com/thrilldrops/thrilldrops-events/edit/main/CHANGELOG.md"
    )
    assert site.on_config(config).extra["package_version"] == thrilldrops_events.__version__
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m pip install -e '.[docs]' && mkdocs serve" in readme


_RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_changelog_releases_match_the_released_schemas() -> None:
    """Each release of the changelog has its schemas kept under schemas/released/, and each kept set a release."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", changelog, re.MULTILINE)
    assert headings[0] == "[Unreleased]", "unreleased changes come first, above the releases"
    releases = [match["version"] for match in _RELEASE.finditer(changelog)]
    assert len(releases) == len(headings) - 1, f"a release heading is not '## [X.Y.Z] - YYYY-MM-DD': {headings}"
    kept = sorted(path.name for path in (ROOT / "schemas" / "released").iterdir() if path.is_dir())
    assert sorted(releases) == kept
    for title in ["Unreleased", *releases]:  # every heading is a link, defined at the bottom
        assert re.search(rf"^\[{re.escape(title)}\]: https://", changelog, re.MULTILINE), title


# --- the checks every page passes in the build (docs/hooks/checks.py) ----------------------------------

_PAGE = '<html><body><article class="md-content__inner md-typeset">{}</article></body></html>'
_OBJECT = '<div class="doc doc-object doc-function"><h2 id="thrilldrops_events.f">f</h2>{}</div>'
_ATTRIBUTE = (
    '<div class="doc doc-object doc-attribute"><h3 id="thrilldrops_events.LIMIT" class="doc doc-heading">'
    'LIMIT</h3><div class="language-python doc-signature highlight"><pre><code>{value}</code></pre></div>'
    '<div class="doc doc-contents ">{description}</div></div>'
)
_PROSE = "<h1>Title</h1><p>Some words a reader reads, long enough to count as a page.</p>"


def _problems(body: str) -> list[str]:
    return load_hook("checks").page_problems(_PAGE.format(body))


def test_a_page_that_reads_well_has_no_problem() -> None:
    code = "<pre><code>&gt;&gt;&gt; print(1)\n:func:`in code is fine`</code></pre>"
    assert _problems(_PROSE + code + _OBJECT.format("<p>Reads <code>thrilldrops_events.parse_event</code>.</p>")) == []
    assert _problems(_PROSE + "<p>The private <code>_fields.py</code> module, in prose outside the API.</p>") == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<h1>Title</h1>", "the page is empty"),
        (_PROSE + "<p>Call :func:<code>parse_event</code>.</p>", "a raw Sphinx role: :func:"),
        (_PROSE + "<p>See :class:`Envelope`.</p>", "a raw Sphinx role: :class:"),
        (_PROSE + "<blockquote><blockquote><blockquote><p>x = 1</p></blockquote></blockquote></blockquote>",
         "a squashed example: '>>>' lines read as quotes (write the section as 'Examples:')"),
        (_PROSE + "<p>&gt;&gt;&gt; x = 1</p>",
         "a squashed example: '>>>' lines read as quotes (write the section as 'Examples:')"),
        (_PROSE + _OBJECT.format("<p>Built by <code>thrilldrops_events._kinds</code>.</p>"),
         "a private name: _kinds"),
        (_PROSE + _OBJECT.format("<pre><code>f(x: int = _SCALE)</code></pre>"), "a private name: _SCALE"),
        (_PROSE + _ATTRIBUTE.format(value="LIMIT = 1", description=""),
         "thrilldrops_events.LIMIT is shown without a description"),
    ],
)
def test_each_problem_a_reader_would_trip_over_is_found(body: str, problem: str) -> None:
    assert problem in _problems(body)


def test_a_constant_shown_by_its_source_is_found() -> None:
    source = "JSON_SCHEMA = {" + ", ".join(f'"key{n}": {n}' for n in range(40)) + "}"
    (problem,) = _problems(_PROSE + _ATTRIBUTE.format(value=source, description="<p>The schema.</p>"))
    assert problem.startswith("thrilldrops_events.LIMIT shows ")
    assert "characters of source as its value" in problem


def test_a_strict_build_stops_on_a_problem_even_when_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nCall :func:`parse_event` to read an event, then more.\n")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nstrict: true\ntheme: {{name: material}}\nhooks: ['{(HOOKS / 'checks.py').as_posix()}']\n"
    )
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort):
        build(config)
    # An error, which `mkdocs build -q` still shows (it hides warnings).
    (stopped,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert stopped.getMessage() == "pages a reader would trip over:\nindex.md: a raw Sphinx role: :func:"


# --- docstrings: the examples run, in every module ---------------------------------------------------------

_MODULES = sorted(
    info.name for info in pkgutil.walk_packages(thrilldrops_events.__path__, "thrilldrops_events.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", _MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0


# --- the API reference shows public names only (docs/hooks/griffe_public.py) -----------------------------


def test_private_annotations_defaults_and_bases_are_shown_as_what_they_stand_for() -> None:
    import griffe

    extension = load_hook("griffe_public").PublicView()
    package = griffe.load("thrilldrops_events", search_paths=[str(ROOT)], extensions=griffe.Extensions(extension))
    assert str(package["envelope.Envelope"].members["payload"].annotation) == "Payload"
    assert [str(base) for base in package["events._base.EventType"].bases] == ["str", "Enum"]
    (max_scale,) = [p for p in package["testing._values.money"].parameters if p.name == "max_scale"]
    assert str(max_scale.default) == "18"
    (where,) = [p for p in package["errors.ConditionTypeError"].members["__init__"].parameters if p.name == "where"]
    assert where.annotation is None  # Unpack[_Where] has no public reading: left out
    # A constant documented by `#:` comments gets them as its docstring.
    assert package["http.app.MAX_EVENT_BYTES"].docstring.value.startswith("The largest ``POST /event`` body")


def test_vendored_mermaid_is_the_npm_file_named_in_the_hook() -> None:
    mermaid = load_hook("site").MERMAID
    script = ROOT / "docs" / mermaid["path"]
    assert hashlib.sha256(script.read_bytes()).hexdigest() == mermaid["sha256"]
    assert mermaid["package"].split("@")[1] in script.read_text(encoding="utf-8")[-200_000:]
    assert "MIT License" in (script.parent / "LICENSE").read_text(encoding="utf-8")


def test_only_pages_with_a_diagram_load_mermaid() -> None:
    site = load_hook("site")
    page = SimpleNamespace(url="guides/redis-streams/")
    drawn = site.on_post_page('<html><head></head><body><pre class="mermaid"><code>a</code></pre></body></html>', page,
                              config=None)
    assert '<script src="../../assets/vendor/mermaid/mermaid.min.js"></script>\n</head>' in drawn
    plain = "<html><head></head><body><p>no diagram</p></body></html>"
    assert site.on_post_page(plain, page, config=None) == plain


# --- tables that fit a phone, and bar charts of the benchmark tables ----------------------------------------


def test_every_cell_is_labelled_with_its_column() -> None:
    tables = load_hook("tables")
    page = ("<p>x</p><table><thead><tr><th>Field</th><th><code>µs</code> &amp; more</th></tr></thead><tbody>"
            '<tr><td>amount</td><td align="right">1.5</td></tr><tr><td>currency</td><td>2</td></tr></tbody></table>')
    labelled = tables.on_page_content(page)
    assert labelled.count('data-label="Field"') == 2
    assert '<td align="right" data-label="µs &amp; more">1.5</td>' in labelled
    assert tables.on_page_content("<table><tr><td>no header</td></tr></table>") == (
        "<table><tr><td>no header</td></tr></table>"
    )


_BENCH = """Some text.

<!-- bar chart: Parsing, µs (lower is better); columns: Money as strings | Money as numbers -->

| Contender | Exact | Money as strings | Money as numbers |
| --- | --- | ---: | ---: |
| `orjson.loads` | no | 1.43 | 0.83 |
| **`parse_event`** | yes | **7.75** | **1,384.5** |

After.
"""


def test_a_marked_table_is_drawn_from_its_own_figures() -> None:
    charts = load_hook("charts")
    page = charts.on_page_markdown(_BENCH, page=None)
    table, rest = page.split('<figure class="bar-chart">', 1)
    assert table.rstrip().endswith("| **`parse_event`** | yes | **7.75** | **1,384.5** |")
    assert "<title>parse_event, Money as numbers: 1,384</title>" in rest
    assert "<title>orjson.loads, Money as strings: 1.43</title>" in rest
    widths = {title: float(width) for width, title in re.findall(r'width="([\d.]+)"[^>]*><title>([^<]*)<', rest)}
    # Bars in the ratio of their figures.
    ratio = widths["parse_event, Money as numbers: 1,384"] / widths["parse_event, Money as strings: 7.75"]
    assert ratio == pytest.approx(1384.5 / 7.75, rel=0.03)
    chart = charts.read_chart("t", "Money as numbers", _BENCH.split("\n\n")[2] + "\n", "Contender | Exact")
    assert chart.rows[1][0] == "parse_event · yes"


def test_a_chart_of_a_column_the_table_lacks_fails_the_build() -> None:
    from mkdocs.exceptions import PluginError

    charts = load_hook("charts")
    with pytest.raises(PluginError, match="no column"):
        charts.on_page_markdown(_BENCH.replace("Money as numbers -->", "Money as words -->"), page=None)
    with pytest.raises(PluginError, match="is not a number"):
        charts.on_page_markdown(_BENCH.replace("| 0.83 |", "| n/a |"), page=None)


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_the_browser_test_fails_without_a_browser_when_one_is_required(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("THRILLDROPS_SKIP_HEAVY", "THRILLDROPS_REQUIRE_BROWSER")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-x",
               "tests/test_docs_browser.py::test_every_field_is_on_its_event_page"]
    missing = {**env, "THRILLDROPS_CHROMIUM": str(tmp_path / "no-chromium")}
    skipped = subprocess.run(command, cwd=ROOT, env=missing, capture_output=True, text=True, check=False)
    assert skipped.returncode == 0
    assert "skipped" in skipped.stdout
    required = {**missing, "THRILLDROPS_REQUIRE_BROWSER": "1"}
    failed = subprocess.run(command, cwd=ROOT, env=required, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "THRILLDROPS_REQUIRE_BROWSER=1 but no Chromium at" in failed.stdout


def test_no_sphinx_role_in_the_source() -> None:
    """Docstrings and comments write cross-references mkdocstrings renders, private modules included."""
    role = re.compile(r":(?:py:)?(?:func|class|mod|meth|data|attr|exc|obj|const):`")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted([*(ROOT / "thrilldrops_events").rglob("*.py"), *HOOKS.glob("*.py")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if role.search(line)
    ]
    assert found == [], "write [name][thrilldrops_events.name] (or ``name`` for a private one) instead"
