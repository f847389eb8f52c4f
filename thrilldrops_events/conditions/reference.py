"""The reference evaluator: slow, plain, and the definition of what a condition means.

It walks the checked tree node by node, written as recursion but run by a trampoline, so a deep
tree never touches Python's recursion limit. The compiled form must give the same result on every
condition and event; the test suite proves it on a corpus and on Hypothesis-made conditions.

The rules, in one place:

* Operands are evaluated left to right. ``and``/``or`` stop at the first operand that decides.
* ``==`` and ``!=`` treat ``null`` as a value: ``null == null`` is true, ``null == 1`` is false.
* ``< <= > >=`` are false when either side is ``null`` (the right side is not evaluated when the
  left is ``null``).
* ``x in [...]`` is false and ``x not in [...]`` true when ``x`` is ``null``.
* Arithmetic and unary minus give ``null`` when an operand is ``null``; division by zero gives ``null``.
* A function whose non-nullable parameter gets ``null`` is not called: the call gives ``null``, or
  ``false`` for a function returning ``bool``; the remaining arguments are not evaluated.

A *trace* (``trace=callback``) sees every node the evaluator reaches, children before their parent,
with the value it gave; [evaluate_node][thrilldrops_events.conditions.evaluate_node] gives the value of
any sub-expression on its own, for the ones ``and``/``or`` and ``null`` skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._options import check_checked, wrong_type
from thrilldrops_events.conditions._walk import trampoline
from thrilldrops_events.conditions.checker import CheckedCondition
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import DECIMAL_CONTEXT, coerce_literal, divide, read_context, unwrap
from thrilldrops_events.conditions.valuetypes import BOOL

__all__ = ["Trace", "evaluate_node", "evaluate_reference"]

_Eval = Generator[Any, Any, Any]

#: A trace: called with each node the evaluator reaches and the value it gave (``None`` for ``null``).
Trace = Callable[[Node, Any], None]

_ARITHMETIC = {
    "+": DECIMAL_CONTEXT.add,
    "-": DECIMAL_CONTEXT.subtract,
    "*": DECIMAL_CONTEXT.multiply,
    "/": divide,
}
_ORDERING = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class _Evaluator:
    def __init__(self, checked: CheckedCondition, payload: Any, envelope: Any, ctx: Mapping[str, Any]) -> None:
        self.checked = checked
        self.payload = payload
        self.envelope = envelope
        self.ctx = ctx

    def coerce(self, value: Any, node: Node, other: Node) -> Any:
        """A string literal's value as compared with ``other`` (a timestamp or a channel)."""
        if type(node) is n.String:
            return coerce_literal(value, self.checked.type_of(other))
        return value

    def run(self, node: Node) -> _Eval:
        match node:
            case n.Number(value) | n.String(value) | n.Boolean(value):
                return value
            case n.Null():
                return None
            case n.FieldRef("ctx", name):
                return self.ctx[name]
            case n.FieldRef(scope, name):
                return getattr(self.payload if scope == "payload" else self.envelope, name)
            case n.Not(operand):
                return not (yield (self.run, operand))
            case n.And(operands):
                for operand in operands:
                    if not (yield (self.run, operand)):
                        return False
                return True
            case n.Or(operands):
                for operand in operands:
                    if (yield (self.run, operand)):
                        return True
                return False
            case n.Compare():
                return (yield (self.compare, node))
            case n.In(operand, items, negated):
                value = yield (self.run, operand)
                target = self.checked.type_of(operand)
                found = any(value == coerce_literal(item.value, target) for item in items.items)
                return not found if negated else found
            case n.IsNull(operand, negated):
                value = yield (self.run, operand)
                return value is not None if negated else value is None
            case n.Arithmetic(op, left, right):
                left_value = yield (self.run, left)
                if left_value is None:
                    return None
                right_value = yield (self.run, right)
                if right_value is None:
                    return None
                return _ARITHMETIC[op](left_value, right_value)
            case n.Negate(operand):
                value = yield (self.run, operand)
                return None if value is None else DECIMAL_CONTEXT.minus(value)
            case n.Call():
                return (yield (self.call, node))
            case n.ListLiteral(items):  # pragma: no cover - the checker allows lists only on the right of in
                return tuple(item.value for item in items)
        raise TypeError(f"not a condition node: {type(node).__name__}")  # pragma: no cover

    def compare(self, node: n.Compare) -> _Eval:
        left = yield (self.run, node.left)
        if node.op in ("==", "!="):
            right = yield (self.run, node.right)
            left, right = self.coerce(left, node.left, node.right), self.coerce(right, node.right, node.left)
            return (left == right) if node.op == "==" else (left != right)
        if left is None:
            return False
        right = yield (self.run, node.right)
        if right is None:
            return False
        left, right = self.coerce(left, node.left, node.right), self.coerce(right, node.right, node.left)
        return _ORDERING[node.op](left, right)

    def call(self, node: n.Call) -> _Eval:
        spec = self.checked.functions[node.name]
        args = []
        for index, arg in enumerate(node.args):
            param = spec.param_for(index)
            value = yield (self.run, arg)
            if type(arg) is n.String:
                value = coerce_literal(value, param)
            if value is None and not param.nullable:
                return False if spec.returns == BOOL else None
            args.append(value)
        return spec.implementation(*args)


class _Traced(_Evaluator):
    """The evaluator, telling a trace the value of every node it evaluates."""

    def __init__(
        self, checked: CheckedCondition, payload: Any, envelope: Any, ctx: Mapping[str, Any], trace: Trace
    ) -> None:
        super().__init__(checked, payload, envelope, ctx)
        self.trace = trace

    def run(self, node: Node) -> _Eval:
        value = yield from super().run(node)
        self.trace(node, value)
        return value


def _evaluator(
    checked: CheckedCondition, event: Any, ctx: Mapping[str, Any] | None, trace: Trace | None
) -> _Evaluator:
    payload, envelope = unwrap(event, checked.event_type, checked.needs_envelope)
    names = checked.context_names
    values = dict(zip(names, read_context(ctx, names, checked.context), strict=True))
    if trace is None:
        return _Evaluator(checked, payload, envelope, values)
    return _Traced(checked, payload, envelope, values, trace)


def evaluate_reference(
    checked: CheckedCondition, event: Any, ctx: Mapping[str, Any] | None = None, *, trace: Trace | None = None
) -> bool:
    """Evaluate a checked condition on an event with the reference evaluator.

    Args:
        checked: From [check_condition][thrilldrops_events.conditions.check_condition].
        event: A payload of the condition's event type, or an ``Envelope`` holding one.
        ctx: The context values the condition reads.
        trace: Called with each node evaluated and its value, children before their parent: the
            nodes ``and``/``or`` or a ``null`` skipped are not evaluated, so not traced; nor are list
            literals (the right side of ``in``), which are read with their ``in``.

    Raises:
        ConditionEvaluationError: If the event or the context does not fit the condition.
        TypeError: If ``checked`` is not a checked condition, or ``ctx`` is neither ``None`` nor a mapping.

    Examples:
        >>> from thrilldrops_events import Deposit, compile_condition
        >>> from thrilldrops_events.conditions import evaluate_reference
        >>> checked = compile_condition('amount >= 30 and currency == "EUR"', "Deposit").checked
        >>> deposit = Deposit(method_id="visa", currency="EUR", amount="25")
        >>> seen = []
        >>> def record(node, value):
        ...     seen.append(f"{node} -> {value}")
        >>> evaluate_reference(checked, deposit, trace=record)
        False
        >>> for line in seen:  # `and` stopped at its first operand
        ...     print(line)
        amount -> 25
        30 -> 30
        amount >= 30 -> False
        amount >= 30 and currency == "EUR" -> False
    """
    check_checked(checked)
    result = trampoline(_evaluator(checked, event, ctx, trace).run(checked.node))
    if type(result) is not bool:  # pragma: no cover - the checker guarantees a boolean
        raise TypeError(f"condition evaluated to {type(result).__name__}, not bool")
    return result


def evaluate_node(
    checked: CheckedCondition, node: Node, event: Any, ctx: Mapping[str, Any] | None = None, *,
    trace: Trace | None = None,
) -> Any:
    """The value of one sub-expression of a checked condition, with the reference evaluator.

    For tools that show every part of a condition, including the parts that evaluation skipped:
    ``and``/``or`` stop at the first operand that decides, and ``null`` stops a comparison.

    Args:
        checked: From [check_condition][thrilldrops_events.conditions.check_condition].
        node: A node of ``checked.node`` (found by identity, else by structure); not a list literal
            nor one of its items.
        event: A payload of the condition's event type, or an ``Envelope`` holding one.
        ctx: The context values the condition reads.
        trace: As for [evaluate_reference][thrilldrops_events.conditions.evaluate_reference].

    Returns:
        The value: a ``bool``, a ``Decimal``, a ``str``, an ``int`` timestamp, a ``ChannelType``,
        or ``None`` for ``null``.

    Raises:
        ConditionEvaluationError: If the event or the context does not fit the condition.
        KeyError: If ``node`` is not part of the condition.
        TypeError: If ``checked`` is not a checked condition, ``node`` not a node, or ``ctx`` neither
            ``None`` nor a mapping.

    Examples:
        >>> from thrilldrops_events import Deposit, compile_condition
        >>> from thrilldrops_events.conditions import evaluate_node
        >>> checked = compile_condition('amount >= 30 and currency == "EUR"', "Deposit").checked
        >>> deposit = Deposit(method_id="visa", currency="EUR", amount="25")
        >>> skipped = checked.node.children[1]  # the operand `and` skipped
        >>> evaluate_node(checked, skipped, deposit)
        True
    """
    check_checked(checked)
    if not isinstance(node, Node):
        raise wrong_type("node", "a node of checked.node", node)
    checked.type_of(node)  # a node of another tree has no type here: KeyError
    return trampoline(_evaluator(checked, event, ctx, trace).run(node))
