"""``compile_condition`` and the [CompiledCondition][thrilldrops_events.CompiledCondition] it returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events.conditions._checked_text import check_text
from thrilldrops_events.conditions._options import check_checked, check_options
from thrilldrops_events.conditions.checker import CheckedCondition, check_condition
from thrilldrops_events.conditions.compiler import compile_function
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.jsonform import condition_to_json, read_with_paths
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.reference import evaluate_reference
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionSyntaxError

__all__ = ["CompiledCondition", "compile_checked", "compile_condition"]


class CompiledCondition:
    """A condition checked against one event type and compiled: call it on events.

    ``cond(event)`` takes a payload of the condition's event type or an
    [Envelope][thrilldrops_events.Envelope] holding one, and returns ``True`` or ``False``;
    ``cond(event, ctx={...})`` passes the context values the condition reads.

    Attributes:
        text: The canonical text of the condition.
        event_type: The event type it was checked against.
        fields: What it reads, in order of first appearance (``amount``, ``event.timestamp``, ``ctx.vip``).
        needs_envelope: Whether it reads ``event.*`` and so must be called on an ``Envelope``.
        context: The declared type of each context value it reads.
        node: The checked tree.
        checked: The checker's result, with the type of every node (for tools built on top).
    """

    __slots__ = ("_checked", "_source", "_text")

    _checked: CheckedCondition
    _text: str
    _source: str

    def __new__(cls, checked: CheckedCondition) -> CompiledCondition:
        """Compile a checked condition ([compile_condition][thrilldrops_events.compile_condition] is the usual way)."""
        check_checked(checked)
        function, source = compile_function(checked)
        # Each compiled condition gets its own subclass whose __call__ *is* the generated function,
        # so that calling a condition costs no wrapper frame between the caller and the generated code.
        kind = type(cls.__name__, (cls,), {"__slots__": (), "__call__": function, "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})
        self: CompiledCondition = object.__new__(kind)
        self._checked = checked
        self._text = checked.node.text
        self._source = source
        return self

    def __call__(self, event: Any, ctx: Mapping[str, Any] | None = None) -> bool:
        """Evaluate the condition on ``event`` (a payload or an envelope) with the context ``ctx``.

        Raises:
            ConditionEvaluationError: If the event is of another type, is a bare payload while the
                condition reads ``event.*``, or ``ctx`` lacks a value the condition reads.
            TypeError: If ``ctx`` is neither ``None`` (no context) nor a mapping, even if the
                condition reads no context value.
        """
        raise NotImplementedError  # pragma: no cover - every instance's class replaces it

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a CompiledCondition cannot be pickled; store cond.to_json() and compile it again")

    def __copy__(self) -> CompiledCondition:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> CompiledCondition:
        return self  # immutable

    @property
    def text(self) -> str:
        """The canonical text of the condition."""
        return self._text

    @property
    def checked(self) -> CheckedCondition:
        """The checker's result: the tree and the type of each of its nodes."""
        return self._checked

    @property
    def event_type(self) -> EventType:
        """The event type the condition was checked against."""
        return self.checked.event_type

    @property
    def fields(self) -> tuple[str, ...]:
        """What it reads, in order of first appearance."""
        return self.checked.fields

    @property
    def needs_envelope(self) -> bool:
        """Whether it reads ``event.*`` (and so needs an ``Envelope`` at evaluation time)."""
        return self.checked.needs_envelope

    @property
    def context(self) -> Mapping[str, ValueType]:
        """The declared type of each context value it reads."""
        return self.checked.context

    @property
    def node(self) -> Node:
        """The checked condition tree."""
        return self.checked.node

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the condition (``{"version": 1, "condition": {...}}``)."""
        return condition_to_json(self.checked.node)

    def evaluate_reference(self, event: Any, ctx: Mapping[str, Any] | None = None) -> bool:
        """Evaluate with the slow reference evaluator (same result as calling the condition, by proof)."""
        return evaluate_reference(self.checked, event, ctx)

    def __repr__(self) -> str:
        text = self.text if len(self.text) <= 200 else self.text[:200] + "..."
        return f"CompiledCondition({text!r}, event_type={self.event_type.value!r})"


def compile_checked(checked: CheckedCondition) -> CompiledCondition:
    """Compile a condition that has already been checked.

    Args:
        checked: From [check_condition][thrilldrops_events.conditions.check_condition].
    """
    return CompiledCondition(checked)


def compile_condition(
    source: str | Mapping[str, Any] | Node,
    event_type: EventType | str,
    *,
    functions: FunctionRegistry | None = None,
    context: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
) -> CompiledCondition:
    """Parse, check and compile a condition for one event type.

    Everything wrong with the condition is reported here, when the campaign is saved, rather than
    when a player deposits.

    Args:
        source: The condition text, its JSON form (a dict), or a tree from ``parse_condition``.
        event_type: The event type (an ``EventType`` or its name, such as ``"Deposit"``).
        functions: The functions the condition may call; the built-ins if omitted.
        context: The context values it may read and their types:
            ``{"vip_level": "number", "segment": "string?"}`` (``?`` means nullable).
        limits: Size limits; [DEFAULT_LIMITS][thrilldrops_events.conditions.DEFAULT_LIMITS] if omitted.

    Returns:
        The compiled condition, callable on events.

    Raises:
        ConditionSyntaxError: If the text or JSON form is malformed (with line, column and caret, or JSON path).
        ConditionTypeError: If it does not fit the event schema (with a suggestion where one is close).
        ConditionLimitError: If it is larger than ``limits`` allow.
        TypeError: If ``functions``, ``context`` or ``limits`` is not of its type.
    """
    check_options(functions, context, limits)
    limits = limits or DEFAULT_LIMITS
    options: dict[str, Any] = {"functions": functions, "context": context, "limits": limits}
    if isinstance(source, str):
        checked = check_text(source, event_type, **options)
    elif isinstance(source, Mapping):
        node, paths = read_with_paths(source, limits)
        checked = check_condition(node, event_type, paths=paths, **options)
    elif isinstance(source, Node):
        checked = check_condition(source, event_type, **options)
    else:
        raise ConditionSyntaxError(
            f"a condition is text, its JSON form (a dict) or a parsed tree, not {type(source).__name__}"
        )
    return CompiledCondition(checked)
