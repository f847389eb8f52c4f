"""The documentation site's set-up: the docs extra, the site's URLs and edit links, the changelog's releases."""

from __future__ import annotations

import importlib.util
import re
from importlib import metadata
from pathlib import Path
from types import ModuleType

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
