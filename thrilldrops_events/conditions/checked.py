"""What the checker produces, a ``CheckedCondition``, and reading its inputs (event type, context)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events._suggest import closest
from thrilldrops_events._text import describe, shown
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.functions import FunctionSpec
from thrilldrops_events.conditions.lexer import KEYWORDS
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.conditions.nodes import FieldRef, Node
from thrilldrops_events.conditions.valuetypes import ValueType, parse_type
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionTypeError

__all__ = ["CheckedCondition", "declarations", "event_type_of", "field_tables", "unknown_field"]


@dataclass(frozen=True, eq=False)
class CheckedCondition:
    """A condition tree that passed the checker, with everything the evaluators need.

    Attributes:
        node: The tree (a boolean expression).
        event_type: The event type it was checked against.
        types: The type of every node of the tree, keyed by ``id(node)``; use ``type_of``.
        fields: What it reads, in order of first appearance: ``amount``, ``event.timestamp``, ``ctx.vip``.
        context: The declared type of every context value it reads.
        functions: The functions it calls, by name.
        needs_envelope: Whether it reads ``event.*`` and so must be evaluated on an ``Envelope``.
        limits: The limits it was checked with.
    """

    node: Node
    event_type: EventType
    types: Mapping[int, ValueType] = field(repr=False)
    fields: tuple[str, ...]
    context: Mapping[str, ValueType]
    functions: Mapping[str, FunctionSpec] = field(repr=False)
    needs_envelope: bool
    limits: Limits = field(repr=False)

    def type_of(self, node: Node) -> ValueType:
        """The type of a node of this tree (found by identity; else by structure, as equal trees type alike).

        Raises:
            KeyError: If no node of the tree is equal to ``node`` (the items of a list have no type).
        """
        found = self.types.get(id(node))
        if found is not None:
            return found
        for candidate in postorder(self.node):
            if candidate == node and id(candidate) in self.types:  # a list's items have no type of their own
                return self.types[id(candidate)]
        raise KeyError(node.text)

    @property
    def context_names(self) -> tuple[str, ...]:
        """The context values it reads, in order of first appearance."""
        return tuple(self.context)


_FIELD_TABLES: dict[EventType, tuple[dict[str, FieldSpec], dict[str, FieldSpec]]] = {}


def field_tables(kind: EventType) -> tuple[dict[str, FieldSpec], dict[str, FieldSpec]]:
    """The fields a condition for ``kind`` may read, by name: its payload's, and the envelope's."""
    if kind not in _FIELD_TABLES:
        _FIELD_TABLES[kind] = ({spec.name: spec for spec in payload_fields(kind)},
                               {spec.name: spec for spec in ENVELOPE_FIELDS})
    return _FIELD_TABLES[kind]


def event_type_of(value: EventType | str) -> EventType:
    """The ``EventType`` of a name or member; an unknown name is a ``ConditionTypeError`` with a suggestion."""
    try:
        return EventType(value)
    except ValueError:
        names = [member.value for member in EventType]
        close = closest(value, names)
        hint = f"; did you mean {close!r}?" if close else f"; one of {', '.join(names)}"
        raise ConditionTypeError(f"unknown event type {describe(value)}{hint}", suggestion=close) from None


def declarations(context: Mapping[str, Any] | None) -> dict[str, ValueType]:
    """Read context declarations (``{"vip_level": "number"}``) into value types, checking the names."""
    declared: dict[str, ValueType] = {}
    for name, kind in (context or {}).items():
        if isinstance(name, str):
            name = str.__str__(name)  # its text: a subclass's methods may say otherwise
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
            raise ConditionTypeError(f"context name must be an ASCII name such as vip_level, not {describe(name)}")
        if name in KEYWORDS:  # ctx.true could not be written in the text form
            raise ConditionTypeError(f"context name {name!r} is a keyword of the language; choose another")
        declared[name] = parse_type(kind)
    return declared


def unknown_field(
    node: FieldRef, event_type: EventType, payload: list[str], envelope: list[str], readable: list[str]
) -> tuple[str, str | None]:
    """What to say about a reference to a field the schema does not have, and the closest one that exists."""
    name = node.name
    if node.scope == "event":
        if name in payload:
            return f"event.{name} is not an envelope field; the payload's is written bare", name
        close = closest(name, envelope)
        known = ", ".join(f"event.{n}" for n in envelope)
        message = f"unknown envelope field event.{shown(name)} (the envelope has {known})"
        return message, f"event.{close}" if close else None
    if name in envelope:
        return f"{name} is on the envelope, not in {event_type.value}", f"event.{name}"
    if name.lower() in ("true", "false", "null"):
        return f"unknown field {name!r}; keywords are lower case", name.lower()
    close = closest(name, readable)
    if close:
        return f"unknown field {shown(name)!r} in {event_type.value}", close
    return f"unknown field {shown(name)!r} in {event_type.value} (it has {', '.join(readable)})", None
