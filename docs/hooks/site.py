"""mkdocs hook: site-wide settings read from the package and the repository.

* ``on_config`` sets ``extra.package_version`` to ``thrilldrops_events.__version__``; the theme override
  ``docs/overrides/partials/source.html`` shows it in the header beside the repository link.
* ``on_post_page`` gives every page that draws a Mermaid diagram the vendored mermaid.js, so diagrams
  render offline: the theme would otherwise fetch it from a CDN while the page is read. The file is
  ``dist/mermaid.min.js`` of the npm package named in ``MERMAID``, copied as it is (with its licence)
  into ``docs/assets/vendor/mermaid/``; the tests check its SHA-256. To update it, run
  ``npm pack mermaid@11`` (the major version mkdocs-material drives), copy ``package/dist/mermaid.min.js``
  and ``package/LICENSE`` there, and change ``MERMAID``.
* ``on_page_context`` points the "edit this page" and "view source" links of a page whose text lives
  elsewhere in the repository at that file: a page names it in its front matter as ``edit_path`` (the
  changelog page shows ``CHANGELOG.md``), and the generated event pages name their model's module.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from thrilldrops_events import __version__

#: The vendored mermaid.js: its npm package and version, where it lives in the docs, and its SHA-256.
MERMAID = {
    "package": "mermaid@11.17.2",
    "path": "assets/vendor/mermaid/mermaid.min.js",
    "sha256": "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8",
}


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


def on_post_page(output: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    """Load the vendored mermaid.js on the pages that draw a diagram, before the theme looks for it."""
    if '<pre class="mermaid">' not in output:
        return output
    script = f'<script src="{get_relative_url(MERMAID["path"], page.url)}"></script>'
    return output.replace("</head>", f"{script}\n</head>", 1)
