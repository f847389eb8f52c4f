"""The base class shared by the eight payload models."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError
from typing_extensions import Self

from thrilldrops_events._problems import from_validation_error
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

    def __init__(self, /, **data: Any) -> None:
        """Build and validate a payload; raises ``EventValidationError`` listing every invalid field."""
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise from_validation_error(error) from None

    # Validation of nested models must not go through this __init__ (pydantic would then wrap our error
    # and call Python code on the hot path): mark it as pydantic's own, as BaseModel.__init__ is marked.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate a payload from Python data (as ``to_dict`` writes it).

        Raises:
            EventValidationError: With every problem found, each with its path.
        """
        try:
            return super().model_validate(obj, **options)
        except ValidationError as error:
            raise from_validation_error(error) from None

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
