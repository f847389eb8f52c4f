"""mkdocs hook: generate the event reference and publish the JSON Schemas with the site.

* ``on_files`` adds one generated page per event type (``reference/events/<Variant>.md``) and an
  overview (``reference/events/index.md``), rendered by ``thrilldrops_events._docs`` from the
  models; and adds every file of the repository's ``schemas/`` directory to the site under
  ``schemas/`` so the pages can link to them and readers can download them. A missing ``schemas/``
  directory is tolerated: the pages then say the schema has not been generated.
* ``on_page_markdown`` puts, in place of ``FIELDS_MARKER`` on the campaign managers' page, the table of
  the fields a condition can use per event type (``render_condition_fields``, from the models); and it
  names, as an event page's ``edit_path``, the module that defines the event's model, so that "edit this
  page" opens the source the page is generated from (``docs/hooks/site.py`` builds the link).
* ``on_config`` lists the page of every event type in the nav, after the overview (from the registry
  of event types, so a new event type gets its page and its nav entry with no edit here), and drops
  from the nav the pages listed in ``PENDING_PAGES`` that do not exist yet
  (pages being written in parallel), and logs which ones, so the build stays strict for everything else.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from thrilldrops_events._docs import page_path, render_condition_fields, render_event_page, render_events_index
from thrilldrops_events.enums import EventType

log = logging.getLogger("mkdocs.hooks.events_reference")

#: Nav pages being written that may not exist yet; any other missing nav page still fails the strict build.
#: Remove a page from this set once it has landed.
PENDING_PAGES: frozenset[str] = frozenset()

SCHEMAS_DIR = "schemas"
#: The campaign managers' page, and the marker on it that the table of the fields replaces.
MANAGERS_PAGE = "guides/campaign-managers.md"
FIELDS_MARKER = "<!-- fields: generated when the site is built -->"
#: The event reference's overview page; the nav entries of the event pages follow it (see ``on_config``).
EVENTS_INDEX = "reference/events/index.md"


def _prune(items: list[Any], docs_dir: Path, dropped: list[str]) -> list[Any]:
    kept: list[Any] = []
    for item in items:
        target = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(target, list):
            children = _prune(target, docs_dir, dropped)
            if children:
                kept.append({next(iter(item)): children})
            continue
        if isinstance(target, str) and target in PENDING_PAGES and not (docs_dir / target).is_file():
            dropped.append(target)
            continue
        kept.append(item)
    return kept


def _with_event_pages(items: list[Any]) -> list[Any]:
    """The nav with one entry per event type after the event reference's index, from the registry."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            title, target = next(iter(item.items()))
            if isinstance(target, list):
                if target and target[0] == EVENTS_INDEX:
                    target = [EVENTS_INDEX, *({kind.value: page_path(kind)} for kind in EventType)]
                item = {title: _with_event_pages(target)}
        out.append(item)
    return out


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """List every event type's page in the nav; leave out the pending pages not written yet."""
    if config.nav:
        config.nav = _with_event_pages(config.nav)
        dropped: list[str] = []
        config.nav = _prune(config.nav, Path(config.docs_dir), dropped)
        if dropped:
            log.info("pages not written yet, left out of the nav: %s", ", ".join(dropped))
    return config


def _schema_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent / SCHEMAS_DIR


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated event pages and the repository's JSON Schema files."""
    root = _schema_root(config)
    schema_files: set[str] = set()
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            uri = f"{SCHEMAS_DIR}/{path.relative_to(root).as_posix()}"
            urls = config.use_directory_urls
            files.append(File(uri, src_dir=str(root.parent), dest_dir=config.site_dir, use_directory_urls=urls))
            schema_files.add(uri)
    else:
        log.info("no %s/ directory: the event pages will not link to JSON Schemas", SCHEMAS_DIR)
    def link(uri: str) -> str | None:
        # The generated pages live two levels down, in reference/events/.
        return f"../../{uri}" if uri in schema_files else None

    documents = {name: link(f"{SCHEMAS_DIR}/{name}") for name in ("envelope.json", "asyncapi.json")}
    index = render_events_index(schema_links={name: url for name, url in documents.items() if url is not None})
    files.append(File.generated(config, EVENTS_INDEX, content=index))
    for kind in EventType:
        page = render_event_page(
            kind,
            schema_link=link(f"{SCHEMAS_DIR}/{kind.value}.json"),
            strict_schema_link=link(f"{SCHEMAS_DIR}/strict/{kind.value}.json"),
        )
        files.append(File.generated(config, page_path(kind), content=page))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    """Fill in the fields of the managers' page; name the module of an event's model as its page's source."""
    if page.file.src_uri == MANAGERS_PAGE:
        if FIELDS_MARKER not in markdown:
            raise PluginError(f"{MANAGERS_PAGE} has lost its marker {FIELDS_MARKER!r}")
        return markdown.replace(FIELDS_MARKER, render_condition_fields())
    for kind in EventType:
        if page.file.src_uri == page_path(kind):
            source = inspect.getsourcefile(kind.model)
            root = Path(config.config_file_path).resolve().parent
            if source is not None and Path(source).resolve().is_relative_to(root):  # not an installed copy
                page.meta["edit_path"] = Path(source).resolve().relative_to(root).as_posix()
    return markdown
