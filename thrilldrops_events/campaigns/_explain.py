"""Why a campaign does or does not match an event: the index's decisions and every sub-condition's value.

The index part says, for each branch of the campaign, what each facet of the index decides about
it (look-ups of a value, ranges, rejections), and which atom ruled the branch out.
The condition part comes from the reference evaluator, traced (its public ``trace`` hook): every
node it reached with its value; the sub-conditions that ``and``/``or`` skipped are then evaluated
on their own (``evaluate_node``), so every line shows a value. Conditions are pure, so a value is
the same whether or not the condition itself needed it.

Every walk here is iterative, so a condition as deep as its limits allow explains and renders
without touching Python's recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from thrilldrops_events.campaigns._atoms import TIMESTAMP
from thrilldrops_events.campaigns._operands import Operand
from thrilldrops_events.campaigns._store import Record
from thrilldrops_events.campaigns.campaign import Campaign, Compiler
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._node import quote
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.reference import evaluate_node, evaluate_reference
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["Explanation", "explain_campaign"]

_LABEL_LENGTH = 120
#: Integers up to this many bits (some 3,900 digits) are written out (and cut to a label); longer ones
#: as their first digits and exponent, as Python writes no integer of more than 4,300 digits as text.
_LONGEST_BITS = 13_000
_LITERALS = (n.Number, n.String, n.Boolean, n.Null, n.ListLiteral)


@dataclass(frozen=True, eq=False, repr=False)
class Explanation:
    """One line of an explanation: what was tested, whether it held, and the lines under it.

    The root is the campaign itself; under it come the event type, scope and active-window checks,
    the index's decisions (``index: ...``) and the condition, split into its sub-conditions
    (``all of`` for ``and``, ``any of`` for ``or``). ``str(explanation)`` (or ``render``) gives the
    tree as indented text.

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


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 3] + "..."


def _integer(value: int) -> str:
    """An integer as text, however large: cut to a label, or beyond ``_LONGEST_BITS`` its first digits and exponent."""
    if value.bit_length() <= _LONGEST_BITS:
        return _label(str(value))
    size = abs(value)
    exponent = int((size.bit_length() - 1) * math.log10(2))  # 10**exponent <= size, or one too many
    if 10**exponent > size:
        exponent -= 1
    while 10 ** (exponent + 1) <= size:
        exponent += 1
    leading = size // 10 ** (exponent - 3)  # four digits
    return f"{'-' if value < 0 else ''}{leading // 1000}.{leading % 1000:03d}...e{exponent}"


def _moment(value: int) -> str:
    try:
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return _integer(value)


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
        moment = _moment(value)
        return f"{value} ({moment})" if moment != _integer(value) else moment
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return _integer(value)
    return _label(str(value))


def _base(checked: CheckedCondition, node: Node) -> str:
    if node == TIMESTAMP:
        return "timestamp"
    try:
        return checked.type_of(node).base
    except KeyError:  # an operand the index made (``x / y``, ``x - y``) is not a node of the condition
        return ""


def _operands(node: Node) -> tuple[Node, ...]:
    match node:
        case n.Compare() | n.Call():
            return node.children
        case n.In(operand) | n.IsNull(operand):
            return (operand,)
    return ()


class _Failed:
    """What a sub-condition the condition skipped gives when evaluated on its own fails (a user function raises)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _condition_tree(checked: CheckedCondition, event: Any, ctx: Mapping[str, Any] | None) -> Explanation:
    values: dict[int, Any] = {}
    evaluate_reference(checked, event, ctx, trace=lambda node, value: values.__setitem__(id(node), value))

    def value_of(node: Node) -> Any:
        if id(node) not in values:  # skipped by an and/or: evaluated on its own, which match never does
            try:
                values[id(node)] = evaluate_node(checked, node, event, ctx)
            except ConditionEvaluationError as error:
                values[id(node)] = _Failed(error.message)
        return values[id(node)]

    built: dict[int, Explanation] = {}
    for node in postorder(checked.node):
        if isinstance(node, _LITERALS) and not isinstance(node, n.Boolean):
            continue
        if _base(checked, node) != "bool":
            continue
        found = value_of(node)
        failed = isinstance(found, _Failed)
        value = not failed and bool(found)
        text = "" if not failed else f" (skipped; on its own it fails: {found.message})"
        match node:
            case n.And() | n.Or() | n.Not():
                word = "all of" if isinstance(node, n.And) else "any of" if isinstance(node, n.Or) else "not"
                built[id(node)] = Explanation(word + text, value,
                                              tuple(built.pop(id(child)) for child in node.children))
                continue
            case n.FieldRef():
                operands: tuple[tuple[str, str], ...] = ()
            case _:
                operands = tuple((_label(operand.text), _shown_or_failed(value_of(operand), _base(checked, operand)))
                                 for operand in _operands(node) if not isinstance(operand, _LITERALS))
        built[id(node)] = Explanation(_label(node.text) + text, value, (), operands)
    return built[id(checked.node)]


def _shown_or_failed(value: Any, base: str) -> str:
    return "not evaluated (it fails)" if isinstance(value, _Failed) else _shown(value, base)


def _atom_text(clauses: tuple[Node, ...], campaign: Campaign) -> str:
    if clauses:
        return _label(" and ".join(clause.text for clause in clauses))
    parts = [f"from {_moment(campaign.active_from)}" if campaign.active_from is not None else "",
             f"until {_moment(campaign.active_until)}" if campaign.active_until is not None else ""]
    return "active " + " ".join(part for part in parts if part)


_ROLES = {"set": "look-up", "range": "range", "not_set": "rejection"}


def _index_lines(record: Record, envelope: Envelope, checked: CheckedCondition) -> list[Explanation]:
    """One line per branch: each facet that decides it (its clause text and value), and the first that rules it out."""
    placements = {placement.number: placement for placement in record.placements}
    count = len(record.branches)
    values: dict[int, Any] = {}

    def value_of(operand: Operand) -> Any:
        if id(operand) not in values:
            values[id(operand)] = operand.read(envelope)
        return values[id(operand)]

    lines = []
    for number in range(count):
        head = "index" if count == 1 else f"index, branch {number + 1} of {count}"
        placement = placements.get(number)
        if placement is None:
            lines.append(Explanation(f"{head}: never holds (its parts contradict each other)", False))
            continue
        steps = sorted(placement.atoms, key=lambda pair: (list(_ROLES).index(pair[0].kind), pair[0].share))
        children = []
        for atom, operand in steps:
            value = value_of(operand)
            shown = _shown(value, _base(checked, atom.operand))
            children.append(Explanation(f"{_ROLES[atom.kind]}: {_atom_text(atom.clauses, record.campaign)}",
                                        atom.holds(value), operands=((_label(atom.operand.text), shown),)))
        first_false = next((child for child in children if not child.value), None)
        text = head if first_false is None else f"{head}, ruled out by {first_false.text.split(': ', 1)[1]}"
        lines.append(Explanation(text, first_false is None, tuple(children)))
    return lines


def explain_campaign(record: Record, envelope: Envelope, ctx: Mapping[str, Any] | None,
                     compiler: Compiler) -> Explanation:
    """Explain whether a filed campaign matches ``envelope`` (with context values ``ctx``)."""
    campaign = record.campaign
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
    if campaign.active_from is not None or campaign.active_until is not None:
        lines.append(Explanation(_atom_text((), campaign), campaign.active_at(envelope.timestamp),
                                 operands=(("event.timestamp", _shown(envelope.timestamp, "timestamp")),)))
    checked = record.store.checked(record)  # with the functions match calls for it
    try:
        condition = _condition_tree(checked, envelope, ctx)
    except ConditionEvaluationError as error:
        if all(line.value for line in lines):  # in scope and active: match would raise this too
            raise
        condition = Explanation(f"condition not evaluated: {error.message}", False)
    value = all(line.value for line in lines) and condition.value
    return Explanation(head, value, (*lines, *_index_lines(record, envelope, checked), condition))
