"""The base class shared by the eight payload models."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from pydantic import BaseModel, ConfigDict
from typing_extensions import Self

from thrilldrops_events.enums import EventType

__all__ = ["EventPayload"]


class EventPayload(BaseModel):
    """Base of every event payload: frozen, compared by value, unknown fields kept.

    Unknown fields sent by a newer producer are kept (``model.model_extra``) and written back
    out unchanged; parse with ``strict=True`` to refuse them instead.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        hide_input_in_errors=True,
        use_enum_values=False,
        validate_default=False,
    )

    #: The wire variant name of this payload model.
    event_type: ClassVar[EventType]

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *, strict: bool | None = None, **_: Any
    ) -> Self:
        """Read this payload from JSON exactly (same as :func:`~thrilldrops_events.parse_payload`).

        Raises:
            EventValidationError: With every problem found.
        """
        from thrilldrops_events.codecs.json import decode_payload

        return cast(Self, decode_payload(cls.event_type, json_data, strict=bool(strict)))
