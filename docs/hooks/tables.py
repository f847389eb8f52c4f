"""mkdocs hook: tables that fit a phone.

``on_page_content`` gives every cell of a table's body the text of its column's header, as
``data-label``; below 600 px wide, ``docs/stylesheets/extra.css`` then lays each row out as a card, one
line per cell under its header's name, instead of columns that would not fit the screen.
"""

from __future__ import annotations

import html
import re
from typing import Any

_TABLE = re.compile(r"<table>(?P<body>.*?)</table>", re.DOTALL)
_HEAD = re.compile(r"<thead>(?P<row>.*?)</thead>", re.DOTALL)
_HEADER = re.compile(r"<th\b[^>]*>(?P<text>.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr>(?P<cells>.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<td(?P<attributes>[^>]*)>")
_TAG = re.compile(r"<[^>]+>")


def _label(cell: str) -> str:
    return html.escape(" ".join(html.unescape(_TAG.sub("", cell)).split()), quote=True)


def label_cells(table: str) -> str:
    """The table with each body cell labelled by its column's header."""
    head = _HEAD.search(table)
    if head is None:
        return table
    labels = [_label(match["text"]) for match in _HEADER.finditer(head["row"])]

    def row(match: re.Match[str]) -> str:
        cells = iter(labels)
        return "<tr>" + _CELL.sub(lambda found: f'<td{found["attributes"]} data-label="{next(cells, "")}">',
                                  match["cells"]) + "</tr>"

    return table[: head.end()] + _ROW.sub(row, table[head.end():])


def on_page_content(html_text: str, **_: Any) -> str:
    """Label the cells of every table of the page."""
    return _TABLE.sub(lambda match: label_cells(match[0]), html_text)
