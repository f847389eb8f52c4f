"""A stand-in for an event of the CloudEvents SDK, shared by the tests of ``from_cloudevent``."""

from __future__ import annotations

from typing import Any


class SdkEvent:
    """An SDK-like event: attributes and data, given back as they were given."""

    def __init__(self, attributes: Any, data: Any) -> None:
        self._attributes, self._data = attributes, data

    def get_attributes(self) -> Any:
        return self._attributes

    def get_data(self) -> Any:
        return self._data
