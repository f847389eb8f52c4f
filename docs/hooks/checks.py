"""mkdocs hook: check every page the way a reader sees it, so that a page that reads badly fails the build.

``on_post_page`` looks at the HTML of each page and reports, as a warning (which fails the strict build),
what a reader would trip over:

* an empty page (a title and nothing else);
* a Sphinx role shown raw (``func``, ``class`` and the like, between colons): mkdocstrings renders only
  ``[name][thrilldrops_events.name]``;
* a squashed example: ``>>>`` lines read as Markdown quotes (a docstring section mkdocstrings does not
  know, such as ``Example:`` instead of ``Examples:``, renders its ``>>>`` lines as nested quote bars);
* on the pages of the Python API, a private name (``_fields``, ``thrilldrops_events._kinds``), which a
  reader cannot use, and an attribute shown without a description or with its source in place of a value
  (more than ``MAX_VALUE_CHARACTERS`` characters of it).

In a strict build, ``on_post_build`` then stops the build with the list of them, even under ``mkdocs build
-q`` (which hides warnings, and with them mkdocs' own strict check). A problem listed in ``PENDING``
is reported without failing the build: the code it comes from is being rewritten now.

The functions take the page's HTML and return the problems, so the tests run them on small pages too.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.checks")

#: Problems of a page (by source path) left to code being rewritten now: reported as INFO, not failing
#: the build. Remove an entry once that code has landed; the site test fails when one no longer occurs.
PENDING: dict[str, frozenset[str]] = {}

#: The longest value of a constant shown in the API reference; a longer one is its source, not a value.
MAX_VALUE_CHARACTERS = 160

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(?P<body>.*?)</article>', re.DOTALL)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h1\b.*?</h1>", re.DOTALL)
_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|data|attr|exc|obj|const|ref)`?:")
_QUOTES = re.compile(r"<blockquote>\s*<blockquote>")
_PROMPT = re.compile(r"^\s*>>>", re.MULTILINE)
_PRIVATE = re.compile(r"(?<![A-Za-z0-9_])_[A-Za-z][A-Za-z0-9_]*")
_API_OBJECT = 'class="doc doc-object'
_ATTRIBUTE = re.compile(
    r'<div class="doc doc-object doc-attribute">\s*<h(?P<level>\d) id="(?P<name>[^"]+)".*?</h(?P=level)>'
    r'(?P<signature>\s*<div class="[^"]*doc-signature[^"]*">.*?</div>)?'
    r'\s*<div class="doc doc-contents[^"]*">(?P<contents>.*?)</div>',
    re.DOTALL,
)


def text(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def article(page_html: str) -> str:
    """The page's own content (without the header, the navigation and the footer)."""
    match = _ARTICLE.search(page_html)
    return match["body"] if match else ""


def _private_names(body: str) -> list[str]:
    # Names inside tags (ids, links, titles) are not shown; names inside code (signatures, examples) are.
    return sorted(set(_PRIVATE.findall(html.unescape(_TAG.sub(" ", body)))))


def _attribute_problems(body: str) -> list[str]:
    problems = []
    for match in _ATTRIBUTE.finditer(body):
        name = match["name"]
        if not text(match["contents"]):
            problems.append(f"{name} is shown without a description")
        value = text(match["signature"] or "")
        if len(value) > MAX_VALUE_CHARACTERS:
            problems.append(f"{name} shows {len(value)} characters of source as its value: {value[:60]}...")
    return problems


def page_problems(page_html: str) -> list[str]:
    """What a reader of this page would trip over; empty if nothing."""
    body = article(page_html)
    prose = _PRE.sub(" ", body)
    problems = []
    if len(text(_HEADING.sub(" ", body))) < 20:
        problems.append("the page is empty")
    problems += [f"a raw Sphinx role: {role}" for role in sorted(set(_ROLE.findall(text(prose))))]
    if _QUOTES.search(prose) or _PROMPT.search(html.unescape(_TAG.sub("\n", prose))):
        problems.append("a squashed example: '>>>' lines read as quotes (write the section as 'Examples:')")
    if _API_OBJECT in body:
        problems += [f"a private name: {name}" for name in _private_names(body)]
        problems += _attribute_problems(body)
    return problems


_found: list[str] = []


def on_pre_build(config: MkDocsConfig) -> None:
    """Start a build (``mkdocs serve`` builds again on every change) with no problem found."""
    _found.clear()


def on_post_page(output: str, page: Page, **_: Any) -> str:
    """Report the page's problems as warnings, and remember them for ``on_post_build``."""
    pending = PENDING.get(page.file.src_uri, frozenset())
    for problem in page_problems(output):
        if problem in pending:
            log.info("%s: %s (pending)", page.file.src_uri, problem)
        else:
            log.warning("%s: %s", page.file.src_uri, problem)
            _found.append(f"{page.file.src_uri}: {problem}")
    return output


def on_post_build(config: MkDocsConfig) -> None:
    """Stop a strict build that has problems, listing them."""
    if _found and config.strict:
        raise PluginError("pages a reader would trip over:\n" + "\n".join(_found))
