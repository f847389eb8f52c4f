"""mkdocs hook: site-wide settings read from the package and the repository.

* ``on_config`` sets ``extra.package_version`` to ``thrilldrops_events.__version__``; the theme override
  ``docs/overrides/partials/source.html`` shows it in the header beside the repository link.
* ``on_page_context`` points the "edit this page" and "view source" links of a page whose text lives
  elsewhere in the repository at that file: a page names it in its front matter as ``edit_path`` (the
  changelog page shows ``CHANGELOG.md``), and the generated event pages name their model's module.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from thrilldrops_events import __version__


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Put the package's version where the header template reads it."""
    config.extra["package_version"] = __version__
    return config


def edit_url(config: MkDocsConfig, path: str) -> str | None:
    """The edit link of a file of the repository (``path`` from its root), built like mkdocs' own."""
    if not config.repo_url or not config.edit_uri:
        return None
    docs = config.docs_dir.rstrip("/").rsplit("/", 1)[-1] + "/"
    root = config.edit_uri.removesuffix(docs)  # edit/main/docs/ -> edit/main/
    return f"{config.repo_url.rstrip('/')}/{root.strip('/')}/{path}"


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, **_: Any) -> dict[str, Any]:
    """Point the edit link at the file named by the page's ``edit_path``, if it names one."""
    path = page.meta.get("edit_path")
    if isinstance(path, str):
        page.edit_url = edit_url(config, path)
    return context
