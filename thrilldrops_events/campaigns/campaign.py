"""One campaign: what triggers it (event type, condition, scope, active window) and what it carries.

A [Campaign][thrilldrops_events.Campaign] is a frozen record, compared by value. Besides what the
index matches on, it keeps a name, tags and any fields a campaign engine stores with it (rewards,
budgets, priorities): they are written back with the campaign and never interpreted. The field
checks here are shared by ``CampaignSet.add`` and the JSON loader, so both say the same thing.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from thrilldrops_events._kinds import KIND_CONSTRAINTS
from thrilldrops_events._suggest import closest
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate
from thrilldrops_events.campaigns._compiler import Compiler
from thrilldrops_events.conditions.condition import CompiledCondition
from thrilldrops_events.conditions.functions import FunctionRegistry
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
    "same_json",
    "scope_problem",
    "tags_problem",
    "window_problem",
]

#: The keys of a campaign's JSON form that the set reads; any other key is an engine field.
KEYS = ("id", "name", "event_type", "operator_id", "brand_id", "active_from", "active_until", "tags", "condition")
#: The optional keys that change what a campaign matches: an unknown key close to one is refused as a misspelling.
MATCHING_KEYS = ("event_type", "operator_id", "brand_id", "active_from", "active_until")

_MAX_NAME = 1000
_MAX_TAG = 255
_MAX_TAGS = 1000
_MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
_MAX_EXTRA_DEPTH = 32
_MAX_EXTRA_ITEMS = 10_000
_JSON_DIGITS = 4300  # Python's limit on the digits of an integer written as text (json.dumps writes it so)
_JSON_INT = 10**_JSON_DIGITS


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_IDENTIFIER = KIND_CONSTRAINTS["identifier"]
#: Whether a string is an envelope identifier as the event models check one (the table's pattern, in full).
_identifier_ok = re.compile((_IDENTIFIER.pattern or "^$")[1:-1]).fullmatch


def _not_text(value: object) -> bool:
    """Whether ``value`` is a string holding a lone surrogate: not text, and no UTF-8 writer can write it."""
    return isinstance(value, str) and lone_surrogate(value) >= 0


def id_problem(value: object) -> str | None:
    """What is wrong with a campaign id, or ``None``."""
    if _not_text(value):
        return f"a campaign id {LONE_SURROGATE_MESSAGE}"
    if isinstance(value, str) and value and value.strip() == value:
        return None
    return f"a campaign id is a non-empty string without surrounding whitespace, not {_shown(value)}"


def scope_problem(name: str, value: object) -> str | None:
    """What is wrong with an ``operator_id`` or ``brand_id`` scope (an identifier an envelope may hold), or ``None``."""
    if _not_text(value):
        return f"{name} {LONE_SURROGATE_MESSAGE}: no envelope holds one"
    if value is None or (isinstance(value, str) and len(value) <= (_IDENTIFIER.max_length or 0)
                         and _identifier_ok(value) is not None):
        return None
    return (f"{name} is an envelope identifier (a non-empty string without surrounding whitespace, "
            f"at most {_IDENTIFIER.max_length} characters) or null, not {_shown(value)}")


def name_problem(value: object) -> str | None:
    """What is wrong with a campaign's name, or ``None``."""
    if _not_text(value):
        return f"name {LONE_SURROGATE_MESSAGE}"
    if value is None or (isinstance(value, str) and 0 < len(value) <= _MAX_NAME):
        return None
    return f"name is a non-empty string of at most {_MAX_NAME} characters or null, not {_shown(value)}"


def tags_problem(value: object) -> str | None:
    """What is wrong with a campaign's tags, or ``None``."""
    if isinstance(value, (list, tuple)) and len(value) <= _MAX_TAGS and all(
        isinstance(tag, str) and 0 < len(tag) <= _MAX_TAG for tag in value
    ):
        if any(map(_not_text, value)):
            return f"a tag {LONE_SURROGATE_MESSAGE}"
        return None
    return f"tags are a list of at most {_MAX_TAGS} non-empty strings of at most {_MAX_TAG} characters"


def window_problem(start: object, end: object) -> tuple[str, str] | None:
    """What is wrong with an active window, as ``(key, message)``, or ``None``."""
    for key, value in (("active_from", start), ("active_until", end)):
        if value is not None and (type(value) is not int or not 0 <= value <= _MAX_TIMESTAMP + 1):
            return key, f"{key} is Unix seconds (an integer from 0) or null, not {_shown(value)}"
    if isinstance(start, int) and isinstance(end, int) and start >= end:
        return "active_until", f"active_until ({end}) must be later than active_from ({start})"
    return None


def field_problems(fields: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(key, message, kind)`` for each malformed optional field of a campaign: name, tags, scope, window."""
    checks = [("name", name_problem(fields.get("name")), "invalid_name"),
              ("tags", tags_problem(fields.get("tags", ())), "invalid_tags"),
              *((name, scope_problem(name, fields.get(name)), "invalid_scope") for name in ("operator_id", "brand_id"))]
    found = [(key, message, kind) for key, message, kind in checks if message is not None]
    window = window_problem(fields.get("active_from"), fields.get("active_until"))
    if window is not None:
        found.append((window[0], window[1], "invalid_window"))
    return found


def extra_problem(key: object, value: object) -> str | None:
    """What is wrong with an engine field (a JSON value, kept as it is), or ``None``.

    Only what JSON text can hold: no NaN or infinite float, no integer of more digits than Python
    writes as text by default (4300), so ``json.dumps`` of the set always succeeds.
    """
    if not isinstance(key, str):
        return f"field names are strings, not {_shown(key)}"
    if _not_text(key):
        return f"a field name {LONE_SURROGATE_MESSAGE}"
    items = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        items += 1
        if depth > _MAX_EXTRA_DEPTH or items > _MAX_EXTRA_ITEMS:
            return f"{key} is larger than a campaign field may be (depth {_MAX_EXTRA_DEPTH}, {_MAX_EXTRA_ITEMS} values)"
        if isinstance(item, Mapping):
            if not all(isinstance(name, str) for name in item):
                return f"{key} holds an object whose keys are not all strings"
            if any(map(_not_text, item)):
                return f"{key} holds a key that {LONE_SURROGATE_MESSAGE}"
            stack.extend((member, depth + 1) for member in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((member, depth + 1) for member in item)
        elif not (item is None or isinstance(item, (str, bool, int, float))):
            return f"{key} holds {type(item).__name__}, which is not a JSON value"
        elif _not_text(item):
            return f"{key} holds a string that {LONE_SURROGATE_MESSAGE}"
        elif isinstance(item, float) and not math.isfinite(item):
            return f"{key} holds {item}, which is not a JSON number"
        elif isinstance(item, int) and not -_JSON_INT < item < _JSON_INT:
            return f"{key} holds an integer of more than {_JSON_DIGITS} digits, which JSON text cannot hold here"
    return None


def fields_problem(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(kind, message)`` for the first malformed field of an ``add`` or ``replace`` (``extra`` too), or ``None``."""
    problems = field_problems(fields)
    if problems:
        _, message, kind = problems[0]
        return kind, message
    extra = fields.get("extra") or {}
    if not isinstance(extra, Mapping):
        return "invalid_field", f"extra is a mapping of field names to JSON values, not {type(extra).__name__}"
    for key, value in extra.items():
        if key in KEYS or (isinstance(key, str) and closest(key, MATCHING_KEYS) is not None):
            return "invalid_field", f"{key!r} cannot be an engine field: it is, or is close to, a campaign key"
        problem = extra_problem(key, value)
        if problem is not None:
            return "invalid_field", problem
    return None


_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (Mapping, list, tuple)


def json_copy(value: Any) -> Any:
    """A JSON value whose objects (dicts) and arrays (lists, a tuple too) are new ones; without recursion.

    What a campaign keeps of what it was given (a condition document, engine fields), so that the
    caller changing its own objects afterwards changes nothing in the set.
    """
    if not isinstance(value, _CONTAINERS):
        return value
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    while stack:
        source, into, slot = stack.pop()
        made: Any = dict(source) if isinstance(source, Mapping) else list(source)
        for place, member in (made.items() if isinstance(made, dict) else enumerate(made)):
            if member.__class__ not in _SCALARS and isinstance(member, _CONTAINERS):
                stack.append((member, made, place))
        into[slot] = made
    return holder[0]


def copy_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Engine fields of their own: a campaign shares none of its objects with what it was given or gives."""
    return {key: json_copy(value) for key, value in fields.items()}


def _json_kind(value: object) -> object:
    """What JSON text tells apart: ``true``, ``1`` and ``1.0`` are different values (Python calls them equal)."""
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return float
    return type(value)


def same_json(first: object, second: object) -> bool:
    """Whether two JSON values (as ``json.loads`` gives them) are the same value, as their JSON text says.

    Unlike ``==``, ``true``, ``1`` and ``1.0`` (and ``0.0`` and ``-0.0``) differ; a tuple is the list it
    writes as. Walks without recursion, so a deep condition document is no problem.
    """
    stack: list[tuple[object, object]] = [(first, second)]
    while stack:
        a, b = stack.pop()
        if isinstance(a, Mapping):
            if not isinstance(b, Mapping) or len(a) != len(b):
                return False
            for key, value in a.items():
                if key not in b:
                    return False
                stack.append((value, b[key]))
        elif isinstance(a, (list, tuple)):
            if not isinstance(b, (list, tuple)) or len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif _json_kind(a) is not _json_kind(b) or (repr(a) != repr(b) if isinstance(a, float) else a != b):
            return False
    return True


_DEFAULT = Compiler()


class Campaign:
    """One campaign: its id, what triggers it, and what it carries. Frozen, and compared by value.

    It can be copied and pickled (a pickle holds its condition's text, read again when first needed),
    except a campaign of a set with its own functions: pickle its ``to_json()`` instead. Made
    directly, from a compiled condition, it is checked as
    [CampaignSet.add][thrilldrops_events.CampaignSet.add] checks one.

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
                                f"{_shown(event_type)}", campaign_id=id, kind="invalid_campaign")
        if isinstance(tags, Iterable) and not isinstance(tags, (str, bytes, Mapping)):
            tags = tuple(tags)
        given = {"operator_id": operator_id, "brand_id": brand_id, "name": name, "tags": tags,
                 "active_from": active_from, "active_until": active_until, "extra": extra}
        found = fields_problem(given)
        if found is not None:
            raise CampaignError(f"campaign {id!r}: {found[1]}", campaign_id=id, kind=found[0])
        fields = {"id": id, "event_type": condition.event_type, "operator_id": operator_id, "brand_id": brand_id,
                  "name": name, "tags": tags, "active_from": active_from, "active_until": active_until,
                  "_extra": copy_fields(extra or {}), "_node": condition.node, "_text": None, "_compiled": condition,
                  "_compiler": _DEFAULT, "_functions": None}
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    @classmethod
    def _lazy(cls, source: Node | str, compiler: Compiler, **fields: Any) -> Campaign:
        """A campaign whose condition is compiled when first asked for (a set holds many, and rarely calls them).

        Given as text (already checked by ``compiler``), its tree is not kept either: ``node`` reads
        the text again through the compiler, which remembers the texts it checked last. It keeps the
        compiler's functions as they are now (``_functions`` in ``fields`` stands in for them).
        """
        campaign = cls.__new__(cls)
        setters = _SETTERS
        setters["_functions"](campaign, fields.pop("_functions") if "_functions" in fields else compiler.registry())
        for key, value in fields.items():
            setters[key](campaign, value)
        text = isinstance(source, str)
        setters["_node"](campaign, None if text else source)
        setters["_text"](campaign, source if text else None)
        setters["_compiler"](campaign, compiler)
        setters["_compiled"](campaign, None)
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


_FIELDS = ("id", "event_type", "operator_id", "brand_id", "name", "tags", "active_from", "active_until", "_extra")
#: The setter of each slot of a campaign (its member descriptor's ``__set__``, which skips ``__setattr__``).
_SETTERS = {name: Campaign.__dict__[name].__set__ for name in Campaign.__slots__}


def _unpickle(text: str, options: tuple[Any, ...] | None, fields: dict[str, Any]) -> Campaign:
    """A pickled campaign again: its condition is read from its text when first asked for."""
    return Campaign._lazy(text, _DEFAULT if options is None else Compiler(*options), **fields)
