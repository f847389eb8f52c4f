"""The registry of event types and the base class of the payload models.

``EventType`` is the registry: one member per event type, whose value is its wire name. A payload
model is a subclass of ``EventPayload`` that names its member (``event_type = EventType.DEPOSIT``);
defining it registers it, so ``EventType.DEPOSIT.model is Deposit``. Everything else that depends on
the set of events (the ``Payload`` union, the envelope's tagged union, the JSON codecs, the JSON
Schemas, the Hypothesis strategies, the condition checker, the generated docs) is derived from it.

Adding an event type is one member of ``EventType`` and one model class in ``external.py`` or
``internal.py`` (internal ThrillPots events are named ``ThrillPots...``).

The models never import a codec: the JSON codec hands its exact readers to them when it is
imported (``install_json_readers``), for ``model_validate_json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)
from typing_extensions import Self

from thrilldrops_events._kinds import ChannelType, _WireEnum
from thrilldrops_events._problems import from_validation_error, set_variants, single
from thrilldrops_events._readers import JSON_READERS, install_json_readers
from thrilldrops_events._unknown import (
    PAYLOAD_DEPTH,
    check_unknown_fields,
    drop_surrogate_keys,
    hide_unknown_secrets_in_json,
    unknown_field_problems,
)
from thrilldrops_events.errors import EventValidationError, Problem
from thrilldrops_events.types import WIRE_CONTEXT, hide_unknown_secrets

__all__ = ["ChannelType", "EventPayload", "EventType", "build_when_used", "install_json_readers"]

_STR_ONLY = frozenset({str})


class EventType(_WireEnum):
    """The event variants; each value is the variant's wire name in the envelope.

    This is the registry of event types: each member has exactly one payload model (``.model``).
    """

    PLAYER_LOGIN = "PlayerLogin"
    PLAYER_LOGOUT = "PlayerLogout"
    TRANSACTION = "Transaction"
    DEPOSIT = "Deposit"
    WITHDRAWAL = "Withdrawal"
    THRILLPOTS_WIN = "ThrillPotsWinEvent"
    THRILLPOTS_RAFFLE_WIN = "ThrillPotsRaffleWinEvent"
    THRILLPOTS_OPT_IN = "ThrillPotsOptInEvent"

    @property
    def model(self) -> type[EventPayload]:
        """The payload model class of this event type (``EventType.DEPOSIT.model is Deposit``)."""
        try:
            return _MODELS[self]
        except KeyError:
            raise LookupError(f"EventType.{self.name} has no payload model") from None

    @property
    def is_internal(self) -> bool:
        """Whether this is an internal ThrillPots event, read from the Redis stream."""
        return self.value.startswith("ThrillPots")


set_variants(member.value for member in EventType)

# The registry's other half: each event type's model, filled in as the model classes are defined.
_MODELS: dict[EventType, type[EventPayload]] = {}

def build_when_used(*models: type[BaseModel]) -> None:
    """Let other schemas that use these models (a FastAPI parameter, a ``TypeAdapter``) build them at once.

    The models are defined with ``defer_build`` so that importing them does not build their validators; the
    setting is then dropped, or a ``TypeAdapter`` wrapping a model would defer building too, and build it
    later outside the warning filters of the code that made it (FastAPI's, for instance).
    """
    for model in models:
        model.model_config["defer_build"] = False


class ContractModel(BaseModel):
    """A model of the contract: its constructor raises ``EventValidationError``, its JSON is read exactly.

    Unknown fields given to the constructor are checked as the readers check them: each must be a JSON
    value the library can write back (see ``thrilldrops_events._unknown``).
    """

    model_config = ConfigDict(defer_build=True)  # validators are built on first use, not on import

    #: Which of the JSON codec's readers reads this model: ``"envelope"`` or ``"payload"``.
    _json_reader: ClassVar[str]
    #: How deep the model's object sits in an envelope, for the nesting limit of its unknown fields.
    unknown_fields_depth: ClassVar[int] = 0
    #: Wire names of the model that are not the names of its fields: an unknown field may not take them.
    _reserved_names: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, /, **data: Any) -> None:
        """Build and validate; raises ``EventValidationError`` listing every invalid field."""
        # A name may hold a lone surrogate, or be of a str subclass (see drop_surrogate_keys and plain_keys).
        if not "".join(data).isascii() or not _STR_ONLY.issuperset(map(type, data)):
            self._init_with_other_names(data)
            return
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise self._invalid(error, data) from None
        self._check_unknown_fields()

    def _init_with_other_names(self, data: dict[str, Any]) -> None:
        """``__init__`` when a field's name is not ASCII or not a plain ``str``: each checked, as the readers do."""
        keys: list[Problem] = []
        more = [0]
        kept = drop_surrogate_keys(data, self.unknown_fields_depth, "", keys, more)
        try:
            super().__init__(**kept)
        except ValidationError as error:
            raise self._invalid(error, kept, keys, more[0]) from None
        if keys:
            raise EventValidationError(keys, omitted=more[0])
        self._check_unknown_fields()

    @classmethod
    def _invalid(cls, error: ValidationError, data: Mapping[Any, Any], first: Iterable[Problem] = (),
                 omitted: int = 0) -> EventValidationError:
        """Pydantic's ``error`` as ours, with the problems of the unknown fields in ``data`` too (every one at once)."""
        unknown, counted = unknown_field_problems(data, cls.model_fields, cls.unknown_fields_depth, "")
        return from_validation_error(error, first=first, extra=unknown, omitted=omitted + counted)

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        """The fields shown by ``repr`` and ``str``, with an unknown ``session_token`` hidden."""
        return hide_unknown_secrets(super().__repr_args__(), type(self).model_fields)

    def _check_unknown_fields(self) -> None:
        extra = self.__pydantic_extra__
        if extra:
            for name in self._reserved_names:
                if name in extra:
                    raise single(name, f"unknown field {name!r} clashes with an envelope field", "reserved_field")
            check_unknown_fields(extra, self.unknown_fields_depth, "")

    def __copy__(self) -> Self:
        """A shallow copy, with a fields-set of its own (readers share one ``frozenset`` between events)."""
        copied = super().__copy__()
        object.__setattr__(copied, "__pydantic_fields_set__", set(copied.__pydantic_fields_set__))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A deep copy, with a fields-set of its own (see ``__copy__``)."""
        copied = super().__deepcopy__(memo)
        object.__setattr__(copied, "__pydantic_fields_set__", set(copied.__pydantic_fields_set__))
        return copied

    # Validation of nested models must not go through this __init__ (pydantic would then wrap our error
    # and call Python code on the hot path): mark it as pydantic's own, as BaseModel.__init__ is marked.
    __init__.__dict__["__pydantic_base_init__"] = True

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate from Python data (as ``to_dict`` writes a payload; see ``Envelope.model_validate``).

        Unknown fields are checked as the constructor checks them.

        Raises:
            EventValidationError: With every problem found, each with its path.
        """
        return cls._validated(super().model_validate, obj, options)

    @classmethod
    def model_validate_strings(cls, obj: Any, **options: Any) -> Self:
        """Validate from Python data whose scalars are strings (pydantic's strings mode).

        Unknown fields are checked as the constructor checks them.

        Raises:
            EventValidationError: With every problem found, each with its path.
        """
        return cls._validated(super().model_validate_strings, obj, options)

    @classmethod
    def _validated(cls, validate: Callable[..., Self], obj: Any, options: dict[str, Any]) -> Self:
        """``validate(obj, **options)`` (one of pydantic's), its error ours, the unknown fields checked."""
        keys: list[Problem] = []
        more = [0]
        if isinstance(obj, Mapping):
            obj = drop_surrogate_keys(obj, cls.unknown_fields_depth, "", keys, more)
        try:
            model = validate(obj, **options)
        except ValidationError as error:
            if isinstance(obj, Mapping):
                raise cls._invalid(error, obj, keys, more[0]) from None
            raise from_validation_error(error, first=keys, omitted=more[0]) from None
        if keys:
            raise EventValidationError(keys, omitted=more[0])
        model._check_unknown_fields()
        return model

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *, strict: bool | None = None, **_: Any
    ) -> Self:
        """Read JSON exactly: money never passes through a float.

        An envelope is read as [parse_event][thrilldrops_events.parse_event] reads it, a payload as
        [parse_payload][thrilldrops_events.parse_payload] does.

        Raises:
            EventValidationError: With every problem found.
        """
        return cls._read_wire(json_data, strict=bool(strict))

    @classmethod
    def _read_wire(cls, data: Any, *, strict: bool) -> Self:
        """Read the wire form, JSON text or a parsed mapping, with the JSON codec's exact reader of the model."""
        try:
            reader = JSON_READERS[cls._json_reader]
        except KeyError:  # pragma: no cover - the package imports the codec with itself
            raise RuntimeError("the JSON codec (thrilldrops_events.codecs.json) is not loaded") from None
        return cast(Self, reader(cls, data, strict=strict))


class EventPayload(ContractModel):
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
        defer_build=True,  # validators are built on first use, not when the package is imported
    )

    #: The wire variant name of this payload model.
    event_type: ClassVar[EventType]
    _json_reader: ClassVar[str] = "payload"
    unknown_fields_depth: ClassVar[int] = PAYLOAD_DEPTH

    @model_serializer(mode="wrap")
    def _hide_stray_secrets(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        """Pydantic's dump; in its JSON dumps, an unknown field named ``session_token`` (at any depth) is hidden."""
        fields: dict[str, Any] = handler(self)
        if self.__pydantic_extra__ and info.mode_is_json() and info.context is not WIRE_CONTEXT:
            return hide_unknown_secrets_in_json(fields, type(self).model_fields)
        return fields

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Register a model that names its event type (the library's own, each defined once)."""
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _MODELS.setdefault(cls.event_type, cls)
