"""Values from Python that lie about themselves, shared by the tests of hostile input."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any


class Twin(str):
    """A ``str`` equal only to itself: two twins of one text are two keys of one dict."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class ZoneOf(tzinfo):
    """A time zone whose offset is whatever it was made with, even one no ``datetime`` accepts (or that raises)."""

    def __init__(self, offset: object) -> None:
        self.offset = offset

    def utcoffset(self, moment: datetime | None) -> Any:
        if isinstance(self.offset, Exception):
            raise self.offset
        return self.offset

    def dst(self, moment: datetime | None) -> None:
        return None
