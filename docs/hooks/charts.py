"""mkdocs hook: the benchmark tables of a page, also drawn as bar charts.

A table preceded by a comment such as

    <!-- bar chart: µs per event, lower is better; columns: Money as strings | Money as numbers -->

is drawn, right after itself, as an SVG bar chart of those columns (one group of bars per row, labelled
by the row's first cell, or by the cells of the columns a ``; labels: run | contender`` part names),
built from the same figures when the site is built: the figures are written once, in the table. A
chart that names a column the table lacks, or a cell that is not a number, fails the build.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

_MARKER = re.compile(
    r"^<!-- bar chart: (?P<title>[^;]+); columns: (?P<columns>[^;]+?)(?:; labels: (?P<labels>[^;]+?))? -->\n\n"
    r"(?P<table>(?:\|.*\|\n)+)",
    re.MULTILINE,
)
_NUMBER = re.compile(r"-?[\d,]*\.?\d+")
#: Colours of the series, in order (readable on the light and the dark scheme).
COLOURS = ("#7e57c2", "#ffa000", "#26a69a", "#ef5350")
_BAR, _GAP, _LABEL, _WIDTH = 16, 10, 300, 780


@dataclass(frozen=True)
class Chart:
    """The figures of one chart: a title, the series' names, and per row its label and values."""

    title: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float, ...]], ...]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _plain(cell: str) -> str:
    return re.sub(r"[`*]", "", cell).strip()


def read_chart(title: str, columns: str, table: str, labels: str | None = None) -> Chart:
    """The figures of the named columns of a Markdown table."""
    lines = table.strip().splitlines()
    header = [_plain(cell) for cell in _cells(lines[0])]
    series = tuple(name.strip() for name in columns.split("|"))
    named = [name.strip() for name in labels.split("|")] if labels else [header[0]]
    missing = [name for name in (*series, *named) if name not in header]
    if missing:
        raise PluginError(f"bar chart {title!r}: no column {missing} in the table (columns: {header})")
    rows = []
    for line in lines[2:]:
        cells = _cells(line)
        values = []
        for name in series:
            cell = _plain(cells[header.index(name)])
            number = _NUMBER.search(cell)
            if number is None:
                raise PluginError(f"bar chart {title!r}: {cell!r} in column {name!r} is not a number")
            values.append(float(number[0].replace(",", "")))
        rows.append((" · ".join(_plain(cells[header.index(name)]) for name in named), tuple(values)))
    return Chart(title.strip(), series, tuple(rows))


def _figure(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value < 100 else f"{value:,.0f}"


def render_svg(chart: Chart) -> str:
    """The chart as an inline SVG that scales to its column."""
    top = 28 + 18 * len(chart.series)
    group = _BAR * len(chart.series) + _GAP
    height = top + group * len(chart.rows) + 8
    largest = max((value for _, values in chart.rows for value in values), default=1.0) or 1.0
    room = _WIDTH - _LABEL - 70
    out = [f'<svg class="bar-chart" viewBox="0 0 {_WIDTH} {height}" role="img" '
           f'aria-label="{html.escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
           f'<text x="0" y="16" class="bar-chart__title">{html.escape(chart.title)}</text>']
    for index, name in enumerate(chart.series):
        y = 28 + 18 * index
        out.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{COLOURS[index % len(COLOURS)]}"/>')
        out.append(f'<text x="18" y="{y + 11}">{html.escape(name)}</text>')
    for row, (label, values) in enumerate(chart.rows):
        y0 = top + row * group
        out.append(f'<text x="{_LABEL - 8}" y="{y0 + group / 2}" text-anchor="end">{html.escape(label)}</text>')
        for index, value in enumerate(values):
            y = y0 + index * _BAR
            width = max(room * value / largest, 1)
            out.append(f'<rect x="{_LABEL}" y="{y}" width="{width:.1f}" height="{_BAR - 3}" '
                       f'fill="{COLOURS[index % len(COLOURS)]}"><title>{html.escape(label)}, '
                       f'{html.escape(chart.series[index])}: {_figure(value)}</title></rect>')
            out.append(f'<text x="{_LABEL + width + 4:.1f}" y="{y + _BAR - 5}">{_figure(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    """Draw each marked table of the page after it."""

    def draw(match: re.Match[str]) -> str:
        chart = read_chart(match["title"], match["columns"], match["table"], match["labels"])
        return f'{match["table"]}\n<figure class="bar-chart">{render_svg(chart)}</figure>\n'

    return _MARKER.sub(draw, markdown)
