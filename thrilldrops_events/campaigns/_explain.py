"""Why a campaign does or does not match an event: a tree of sub-conditions with their values.

The values come from the condition language's reference evaluator, run once over the whole
condition while recording the value of every node it reaches; sub-conditions that ``and``/``or``
skipped (short-circuit) are then evaluated on their own, so every line shows a value. Conditions
are pure, so a value is the same whether or not the condition itself needed it.

Every walk here is iterative, so a condition as deep as its limits allow explains and renders
without touching Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from thrilldrops_events.conditions._walk import postorder, trampoline
from thrilldrops_events.conditions.closures import type_of
from thrilldrops_events.conditions.nodes import (
    And,
    Boolean,
    Call,
    Compare,
    FieldRef,
    In,
    IsNull,
    ListLiteral,
    Node,
    Not,
    Null,
    Number,
    Or,
    String,
)
from thrilldrops_events.conditions.printer import quote
from thrilldrops_events.conditions.runtime import read_context, unwrap
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError

if TYPE_CHECKING:
    from thrilldrops_events.campaigns.campaign_set import Campaign
    from thrilldrops_events.conditions import CheckedCondition

# Adapter: the conditions package has no public "evaluate this sub-node" entry point, so the
# explanation builds on its reference evaluator's node-by-node walk (a private class).
from thrilldrops_events.conditions.reference import _Evaluator

__all__ = ["Explanation", "explain_campaign"]

_LABEL_LENGTH = 120
_LITERALS = (Number, String, Boolean, Null, ListLiteral)


@dataclass(frozen=True, eq=False, repr=False)
class Explanation:
    """One line of an explanation: what was tested, whether it held, and the lines under it.

    The root is the campaign itself; under it come the event type and scope checks and the
    condition, split into its sub-conditions (``all of`` for ``and``, ``any of`` for ``or``).
    ``str(explanation)`` (or :meth:`render`) gives the tree as indented text.

    Attributes:
        text: What was tested, as condition text (shortened past 120 characters).
        value: Whether it held for the event.
        children: The sub-conditions it is made of, in order.
        operands: The values read from the event for a comparison or call: ``(expression, value)``
            pairs, with the value written as condition text (``("amount", "25.00")``).
    """

    text: str
    value: bool
    children: tuple[Explanation, ...] = ()
    operands: tuple[tuple[str, str], ...] = ()

    @property
    def matched(self) -> bool:
        """Whether it held (for the root: whether the campaign matches the event)."""
        return self.value

    def render(self, indent: str = "  ") -> str:
        """The tree as indented text, one line per sub-condition: ``text: true  (operand = value)``."""
        lines: list[str] = []
        stack: list[tuple[Explanation, int]] = [(self, 0)]
        while stack:
            node, depth = stack.pop()
            shown = "true" if node.value else "false"
            detail = ", ".join(f"{text} = {value}" for text, value in node.operands)
            lines.append(f"{indent * depth}{node.text}: {shown}" + (f"  ({detail})" if detail else ""))
            stack.extend((child, depth + 1) for child in reversed(node.children))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        count = len(self.children)
        return f"<Explanation {self.text[:60]!r}: {self.value} ({count} sub-condition{'s' if count != 1 else ''})>"


class _Recorder(_Evaluator):
    """The reference evaluator, remembering the value of every node it evaluates."""

    def __init__(self, checked: CheckedCondition, payload: Any, envelope: Any, ctx: Mapping[str, Any]) -> None:
        super().__init__(checked, payload, envelope, ctx)
        self.values: dict[int, Any] = {}

    def run(self, node: Node) -> Generator[Any, Any, Any]:
        value = yield from super().run(node)
        self.values[id(node)] = value
        return value

    def value_of(self, node: Node) -> Any:
        if id(node) not in self.values:
            trampoline(self.run(node))
        return self.values[id(node)]


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 3] + "..."


def _shown(value: Any, base: str) -> str:
    """A value as condition text: ``"EUR"``, ``25.00``, ``null``, ``true``; timestamps with their UTC time."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return _label(quote(value))
    if base == "timestamp" and isinstance(value, int):
        try:
            moment = datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, ValueError, OSError):
            return str(value)
        return f"{value} ({moment})"
    if isinstance(value, Decimal):
        return str(value)
    return _label(str(value))


def _operands(node: Node) -> tuple[Node, ...]:
    kind = type(node)
    if kind is Compare or kind is Call:
        return node.children
    if kind is In or kind is IsNull:
        return (node.operand,)  # type: ignore[attr-defined]
    return ()


def _condition_tree(checked: CheckedCondition, recorder: _Recorder) -> Explanation:
    built: dict[int, Explanation] = {}
    for node in postorder(checked.node):
        kind = type(node)
        if kind in _LITERALS and kind is not Boolean:
            continue
        try:
            base = type_of(checked, node).base
        except KeyError:  # a list's items have no type of their own
            continue
        if base != "bool":
            continue
        value = bool(recorder.value_of(node))
        if kind is And or kind is Or or kind is Not:
            text = "all of" if kind is And else "any of" if kind is Or else "not"
            children = tuple(built.pop(id(child)) for child in node.children)
            built[id(node)] = Explanation(text, value, children)
            continue
        operands = tuple(
            (_label(operand.text), _shown(recorder.value_of(operand), type_of(checked, operand).base))
            for operand in _operands(node)
            if not isinstance(operand, _LITERALS)
        )
        if kind is FieldRef:
            operands = ()
        built[id(node)] = Explanation(_label(node.text), value, (), operands)
    return built[id(checked.node)]


def explain_campaign(campaign: Campaign, envelope: Envelope, ctx: Mapping[str, Any] | None) -> Explanation:
    """Explain whether ``campaign`` matches ``envelope`` (with context values ``ctx``)."""
    scope = []
    if campaign.operator_id is not None:
        scope.append(f"operator {campaign.operator_id}")
    if campaign.brand_id is not None:
        scope.append(f"brand {campaign.brand_id}")
    head = f"campaign {campaign.id!r} ({', '.join([campaign.event_type.value, *scope])})"
    event_type = envelope.payload.event_type
    type_line = Explanation(f"event type is {campaign.event_type.value}", event_type is campaign.event_type,
                            operands=(("event type", event_type.value),))
    if not type_line.value:
        return Explanation(head, False, (type_line,))
    lines = [type_line]
    for name in ("operator_id", "brand_id"):
        wanted = getattr(campaign, name)
        if wanted is not None:
            actual = getattr(envelope, name)
            lines.append(Explanation(f"event.{name} == {quote(wanted)}", actual == wanted,
                                     operands=((f"event.{name}", quote(actual)),)))
    checked = campaign.condition.checked
    payload, unwrapped = unwrap(envelope, checked.event_type, checked.needs_envelope)
    names = checked.context_names
    try:
        values = dict(zip(names, read_context(ctx, names, checked.context), strict=True))
    except ConditionEvaluationError as error:
        if all(line.value for line in lines):  # in scope: match would raise this too
            raise
        lines.append(Explanation(f"condition not evaluated: {error.message}", False))
    else:
        lines.append(_condition_tree(checked, _Recorder(checked, payload, unwrapped, values)))
    return Explanation(head, all(line.value for line in lines), tuple(lines))
