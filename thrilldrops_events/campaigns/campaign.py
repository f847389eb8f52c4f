"""One campaign: what triggers it (event type, condition, scope, active window) and what it carries.

A [Campaign][thrilldrops_events.Campaign] is a frozen record, compared by value. Besides what the
index matches on, it keeps a name, tags and any fields a campaign engine stores with it (rewards,
budgets, priorities): they are written back with the campaign and never interpreted. The field
checks (in ``_checks``) are shared by ``CampaignSet.add`` and the JSON loader, so both say the same thing.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from thrilldrops_events._text import describe
from thrilldrops_events.campaigns._checks import (
    KEYS,
    MATCHING_KEYS,
    copy_fields,
    extra_problem,
    field_problems,
    fields_problem,
    id_problem,
    json_copy,
    name_problem,
    near_key,
    plain,
    same_json,
    scope_problem,
    tags_problem,
    window_problem,
)
from thrilldrops_events.campaigns._compiler import Compiler
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.condition import CompiledCondition
from thrilldrops_events.conditions.functions import BUILTINS, FunctionRegistry, with_specs
from thrilldrops_events.conditions.jsonform import condition_to_json
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import CampaignError

__all__ = [
    "KEYS",
    "MATCHING_KEYS",
    "Campaign",
    "Compiler",
    "copy_fields",
    "json_copy",
    "extra_problem",
    "field_problems",
    "fields_problem",
    "id_problem",
    "name_problem",
    "near_key",
    "same_json",
    "scope_problem",
    "tags_problem",
    "window_problem",
]

_DEFAULT = Compiler()


class Campaign:
    """One campaign: its id, what triggers it, and what it carries. Frozen, and compared by value.

    It can be copied and pickled (a pickle holds its condition's text, read again when first needed),
    except a campaign of a set with its own functions: pickle its ``to_json()`` instead. Made
    directly, from a compiled condition, it is checked as
    [CampaignSet.add][thrilldrops_events.CampaignSet.add] checks one, and copies and pickles with the
    context, limits and functions that condition was compiled with (functions of your own: no pickle).

    Raises:
        CampaignError: If a field is malformed (the kinds of ``add``: ``invalid_id``,
            ``invalid_scope``, ``invalid_tags`` for tags given as one string, ...), or the condition
            is not a ``CompiledCondition`` of ``event_type`` (``invalid_campaign``).

    Attributes:
        id: The campaign's id, unique in its set.
        event_type: The event type that can trigger it.
        operator_id: Only events of this operator trigger it (``None``: any operator).
        brand_id: Only events of this brand trigger it (``None``: any brand).
        name: A name for people, or ``None``.
        tags: Tags, in order (kept, not interpreted).
        active_from: Events before this moment (Unix seconds) do not trigger it (``None``: no start).
        active_until: Events from this moment on do not trigger it (``None``: no end).
    """

    __slots__ = ("_compiled", "_compiler", "_extra", "_functions", "_node", "_text", "active_from", "active_until",
                 "brand_id", "event_type", "id", "name", "operator_id", "tags")

    id: str
    event_type: EventType
    operator_id: str | None
    brand_id: str | None
    name: str | None
    tags: tuple[str, ...]
    active_from: int | None
    active_until: int | None
    _compiled: CompiledCondition | None
    _compiler: Compiler
    _extra: dict[str, Any]
    _functions: FunctionRegistry | None
    _node: Node | None
    _text: str | None

    def __init__(
        self,
        id: str,
        event_type: EventType,
        condition: CompiledCondition,
        operator_id: str | None = None,
        brand_id: str | None = None,
        *,
        name: str | None = None,
        tags: tuple[str, ...] = (),
        active_from: int | None = None,
        active_until: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        problem = id_problem(id)
        if problem is not None:
            raise CampaignError(problem, kind="invalid_id")
        if not isinstance(condition, CompiledCondition):
            raise CampaignError(f"campaign {id!r}: its condition is a CompiledCondition (compile_condition makes one), "
                                f"not {type(condition).__name__}", campaign_id=id, kind="invalid_campaign")
        if event_type not in (condition.event_type, condition.event_type.value):
            raise CampaignError(f"campaign {id!r}: its condition is for {condition.event_type.value} events, not "
                                f"{describe(event_type)}", campaign_id=id, kind="invalid_campaign")
        if isinstance(tags, Iterable) and not isinstance(tags, (str, bytes, Mapping)):
            tags = tuple(tags)
        given = {"operator_id": operator_id, "brand_id": brand_id, "name": name, "tags": tags,
                 "active_from": active_from, "active_until": active_until, "extra": extra}
        found = fields_problem(given)
        if found is not None:
            raise CampaignError(f"campaign {id!r}: {found[1]}", campaign_id=id, kind=found[0])
        fields = {"id": plain(id), "event_type": condition.event_type, "operator_id": plain(operator_id),
                  "brand_id": plain(brand_id), "name": plain(name), "tags": tuple(map(plain, tags)),
                  "active_from": active_from, "active_until": active_until,
                  "_extra": copy_fields(extra or {}), "_node": condition.node, "_text": None, "_compiled": condition,
                  "_compiler": _compiler_of(condition.checked), "_functions": None}
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    @classmethod
    def _lazy(cls, source: Node | str, compiler: Compiler, **fields: Any) -> Campaign:
        """A campaign whose condition is compiled when first asked for (a set holds many, and rarely calls them).

        Given as text (already checked by ``compiler``), its tree is not kept either: ``node`` reads
        the text again through the compiler, which remembers the texts it checked last. It keeps the
        compiler's functions as they are now (``_functions`` in ``fields`` stands in for them).
        """
        return cls._loaded(source, compiler, fields.get("_functions"), fields["id"], fields["event_type"],
                           fields["operator_id"], fields["brand_id"], fields["name"], fields["tags"],
                           fields["active_from"], fields["active_until"], fields["_extra"])

    @classmethod
    def _loaded(cls, source: Node | str, compiler: Compiler, functions: FunctionRegistry | None, id: str,
                event_type: EventType, operator_id: str | None, brand_id: str | None, name: str | None,
                tags: tuple[str, ...], active_from: int | None, active_until: int | None,
                extra: dict[str, Any]) -> Campaign:
        """``_lazy`` given every field by position (``functions``: ``None`` for the compiler's as they are now).

        What a set's writer makes of each campaign it checks: no keywords to gather and look up one by one.
        """
        campaign = cls.__new__(cls)
        text = isinstance(source, str)
        values = (None, compiler, extra, compiler.registry() if functions is None else functions,
                  None if text else source, source if text else None, active_from, active_until, brand_id,
                  event_type, id, name, operator_id, tags)  # in the order of _LOADED (the slots')
        for setter, value in zip(_LOADED, values, strict=True):
            setter(campaign, value)
        return campaign

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}

    def __copy__(self) -> Campaign:
        return self  # frozen: a copy would be equal in every way

    def __deepcopy__(self, memo: dict[int, Any]) -> Campaign:
        fields = self._fields()
        fields["_extra"] = copy.deepcopy(self._extra, memo)
        fields["_functions"] = self._functions
        return Campaign._lazy(self.node, self._compiler, **fields)

    def __reduce__(self) -> tuple[Any, ...]:
        compiler = self._compiler
        if compiler.functions is not None:
            raise TypeError(f"campaign {self.id!r} belongs to a set with its own functions, which cannot be pickled: "
                            "pickle its to_json() and load it into a set with those functions")
        text, limits = self.text, compiler.limits or DEFAULT_LIMITS
        if len(text) > limits.max_source_length:  # a tree given in JSON form may print longer than texts may be
            limits = dataclasses.replace(limits, max_source_length=len(text))
        elif compiler is _DEFAULT:
            return _unpickle, (text, None, self._fields())
        return _unpickle, (text, (None, compiler.context, limits), self._fields())

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def condition(self) -> CompiledCondition:
        """The compiled condition (call it on an event; ``.text`` is its canonical text)."""
        compiled: CompiledCondition | None = self._compiled
        if compiled is None:
            compiled = self._compiler.compile(self.node, self.event_type, self._functions)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    @property
    def node(self) -> Node:
        """The condition's tree."""
        node = self._node
        if node is None:
            compiled = self._compiled
            if compiled is not None:
                return compiled.node
            assert self._text is not None, "a campaign holds its condition's tree or its text"
            return self._compiler.check_text(self._text, self.event_type, self._functions).node
        return node

    @property
    def text(self) -> str:
        """The canonical text of the condition."""
        return self.node.text

    @property
    def extra(self) -> Mapping[str, Any]:
        """The engine's own fields, kept as they were given (read-only: a copy, changing it changes nothing)."""
        return MappingProxyType(copy_fields(self._extra))

    def in_scope(self, envelope: Envelope) -> bool:
        """Whether ``envelope`` is of this campaign's event type, operator and brand (its condition aside)."""
        return (
            envelope.payload.event_type is self.event_type
            and (self.operator_id is None or self.operator_id == envelope.operator_id)
            and (self.brand_id is None or self.brand_id == envelope.brand_id)
        )

    def active_at(self, timestamp: int) -> bool:
        """Whether the campaign is active at ``timestamp`` (from ``active_from`` on, before ``active_until``)."""
        return (self.active_from is None or timestamp >= self.active_from) and (
            self.active_until is None or timestamp < self.active_until
        )

    def to_json(self) -> dict[str, Any]:
        """The campaign's JSON form.

        ``{"id", "event_type", "operator_id", "brand_id", "condition"}``, the condition in the
        language's JSON form (``{"version": 1, "condition": {...}}``); then ``name``, ``tags``,
        ``active_from`` and ``active_until`` when set, and the engine's own fields.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "event_type": self.event_type.value,
            "operator_id": self.operator_id,
            "brand_id": self.brand_id,
            "condition": condition_to_json(self.node),
        }
        for key in ("name", "active_from", "active_until"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.tags:
            out["tags"] = list(self.tags)
        out.update(copy_fields(self._extra))  # the caller's to change: the campaign keeps its own
        return out

    def _key(self) -> tuple[Any, ...]:
        return (self.id, self.event_type, self.node, self.operator_id, self.brand_id, self.name, self.tags,
                self.active_from, self.active_until)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Campaign):
            return NotImplemented
        return self._key() == other._key() and same_json(self._extra, other._extra)

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        text = self.text if len(self.text) <= 120 else self.text[:120] + "..."
        scope = "".join(
            f", {name}={getattr(self, name)!r}"
            for name in ("operator_id", "brand_id", "name", "active_from", "active_until")
            if getattr(self, name) is not None
        )
        tags = f", tags={list(self.tags)!r}" if self.tags else ""
        return f"Campaign({self.id!r}, {self.event_type.value}, {text!r}{scope}{tags})"


def _compiler_of(checked: CheckedCondition) -> Compiler:
    """A compiler that checks ``checked``'s tree again as it was checked: with its functions, context and limits.

    What a campaign made from a compiled condition copies and pickles with (``_DEFAULT`` if it used none of its own).
    """
    own = [spec for name, spec in checked.functions.items() if BUILTINS.get(name) is not spec]
    if not own and not checked.context and checked.limits == DEFAULT_LIMITS:
        return _DEFAULT
    return Compiler(with_specs(BUILTINS, own) if own else None, dict(checked.context) or None, checked.limits)


_FIELDS = ("id", "event_type", "operator_id", "brand_id", "name", "tags", "active_from", "active_until", "_extra")
#: The setter of each slot of a campaign (its member descriptor's ``__set__``, which skips ``__setattr__``).
_SETTERS = {name: Campaign.__dict__[name].__set__ for name in Campaign.__slots__}
#: The setters of ``_loaded``'s values, in their order.
_LOADED = tuple(_SETTERS[name] for name in ("_compiled", "_compiler", "_extra", "_functions", "_node", "_text",
                                            "active_from", "active_until", "brand_id", "event_type", "id", "name",
                                            "operator_id", "tags"))


def _unpickle(text: str, options: tuple[Any, ...] | None, fields: dict[str, Any]) -> Campaign:
    """A pickled campaign again: its condition is read from its text when first asked for."""
    return Campaign._lazy(text, _DEFAULT if options is None else Compiler(*options), **fields)
