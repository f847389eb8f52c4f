"""The built site, read the way a reader reads it: in a real headless browser, on a phone's screen.

The site is built once (``mkdocs build --strict``, which also runs the page checks of
``docs/hooks/checks.py``), served on a loopback port, and every page is opened in Debian's Chromium,
driven by Playwright, at 390 x 844 px: every table fits its column (its scroll width is no wider than
the content's), every Mermaid diagram is drawn as an SVG from the site's own mermaid.js (no request
leaves the machine), and every field of every event is on its event's page. The built pages' code,
the API reference's docstring examples included, fits 88 columns, and on a 1400 x 1000 desktop
screen 88 columns fit the column, so no code is cut off there.

Without Chromium the tests skip, unless ``THRILLDROPS_REQUIRE_BROWSER=1`` (set by CI) turns that into a
failure. They are heavy: CI runs them once, with the newest Python.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrilldrops_events import EventType, _fields

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("THRILLDROPS_CHROMIUM", "/usr/bin/chromium")
#: The flags the machine's closed network needs, or Chromium stalls on its background connections.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).is_file() and shutil.which(CHROMIUM) is None:
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("site")
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out), strict=True))
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("THRILLDROPS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"THRILLDROPS_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, args=FLAGS, headless=True,
            viewport=PHONE,
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def pages(site: Path) -> list[str]:
    """Every page of the site, as its URL path."""
    found = [path.parent.relative_to(site).as_posix() for path in site.rglob("index.html")]
    return sorted("" if path == "." else f"{path}/" for path in found if not path.startswith(("assets", "search")))


_TABLES = """() => [...document.querySelectorAll("article table")].map(table => {
    const content = table.closest("article");
    return {width: table.scrollWidth, room: content.clientWidth, own: table.clientWidth,
            head: table.querySelector("tr") ? table.querySelector("tr").innerText.slice(0, 60) : ""};
})"""


def test_every_table_fits_a_phone_and_every_diagram_is_drawn(browser_page: Any, site: Path, base_url: str) -> None:
    page = browser_page
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(base_url) else None)
    too_wide: list[str] = []
    undrawn: list[str] = []
    tables = diagrams_seen = 0
    for path in pages(site):
        page.goto(base_url + path, wait_until="load")
        found = page.evaluate(_TABLES)
        tables += len(found)
        for table in found:
            if table["width"] > min(table["room"], table["own"]) + 1:
                too_wide.append(f"{path}: {table['width']} px in {table['room']} px ({table['head']!r})")
        diagrams = page.locator(".mermaid").count()
        diagrams_seen += diagrams
        if diagrams:
            page.wait_for_function("() => !document.querySelector('pre.mermaid')", timeout=20_000)
            drawn = _svgs_in_diagrams(page)
            if drawn < diagrams:
                undrawn.append(f"{path}: {drawn} of {diagrams} diagrams drawn")
    assert len(pages(site)) >= 35
    assert tables >= 50
    assert diagrams_seen >= 3
    assert too_wide == [], "tables wider than a 390 px phone:\n" + "\n".join(too_wide)
    assert undrawn == []
    assert outside == [], f"requests that left the site: {outside}"


def _svgs_in_diagrams(page: Any) -> int:
    """The SVGs inside the page's diagrams, closed shadow roots included (the theme draws in one)."""
    session = page.context.new_cdp_session(page)
    try:
        document = session.send("DOM.getDocument", {"depth": -1, "pierce": True})
    finally:
        session.detach()
    count = 0

    def walk(node: dict[str, Any], inside: bool) -> None:
        nonlocal count
        attributes = node.get("attributes", [])
        classes = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("class", "").split()
        inside = inside or "mermaid" in classes
        if inside and node.get("nodeName", "").lower() == "svg":
            count += 1
            return
        for child in [*node.get("children", []), *node.get("shadowRoots", [])]:
            walk(child, inside)

    walk(document["root"], False)
    return count


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_every_field_is_on_its_event_page(browser_page: Any, base_url: str, event_type: EventType) -> None:
    browser_page.goto(f"{base_url}reference/events/{event_type.value}/", wait_until="load")
    shown = browser_page.locator("article").inner_text()
    for spec in _fields.payload_fields(event_type):
        assert spec.name in shown
        assert " ".join(spec.description.split()) in " ".join(shown.split())


def test_built_code_fits_88_columns(site: Path) -> None:
    """What mkdocs generates (docstring examples, event pages, snippets) fits, as the sources do."""
    wide = []
    for path in pages(site):
        built = (site / path / "index.html").read_text(encoding="utf-8")
        article = built.split("<article", 1)[-1].split("</article>", 1)[0]
        for code in re.findall(r"<pre[^>]*>(.*?)</pre>", article, re.DOTALL):
            text = html.unescape(re.sub(r"<[^>]+>", "", code))
            wide += [f"{path or 'home'}: {line[:60]}..." for line in text.splitlines() if len(line) > 88]
    assert wide == [], "code lines wider than 88 columns on the built site:\n" + "\n".join(wide)


_CODE = """() => [...document.querySelectorAll("article pre > code")]
    .filter(code => code.scrollWidth > code.clientWidth + 1)
    .map(code => `${code.scrollWidth} px in ${code.clientWidth} px: ${code.innerText.slice(0, 50)}`)"""


def test_code_fits_the_column_on_a_desktop(browser_page: Any, site: Path, base_url: str) -> None:
    cut: list[str] = []
    browser_page.set_viewport_size(DESKTOP)
    try:
        for path in pages(site):
            browser_page.goto(base_url + path, wait_until="load")
            cut += [f"{path or 'home'}: {block}" for block in browser_page.evaluate(_CODE)]
    finally:
        browser_page.set_viewport_size(PHONE)
    assert cut == [], "code wider than its column at 1400 px:\n" + "\n".join(cut)


def test_pending_problems_still_occur(site: Path) -> None:
    """A problem left to code being rewritten is listed in checks.PENDING only while it occurs."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_hook_checks", ROOT / "docs" / "hooks" / "checks.py")
    assert spec is not None
    assert spec.loader is not None
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    for source, pending in checks.PENDING.items():
        built = site / source.removesuffix(".md") / "index.html"
        gone = pending - set(checks.page_problems(built.read_text(encoding="utf-8")))
        assert not gone, f"remove from checks.PENDING, they no longer occur on {source}: {sorted(gone)}"
