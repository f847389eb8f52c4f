"""The closure evaluator: a checked condition as a tree of small Python closures, built without generating code.

Each node becomes a closure ``f(payload, envelope, ctx) -> value`` over its children's closures, so
any sub-expression can be evaluated on its own: the campaign index reads derived values
(``hour(event.timestamp, "Europe/Malta")``, ``real_bet + bonus_bet``) and the parts of a condition it
cannot decide by look-up through it, computing each once per event. Building one costs a walk of the
tree, not a call to Python's compiler, so it is cheap enough to do for every campaign of a set.

The closures follow the reference evaluator's rules exactly (see
[evaluate_reference][thrilldrops_events.conditions.evaluate_reference]); the shared corpus of
condition cases runs against all three evaluators. ``ctx`` is the mapping of the context values the
condition reads, already checked and converted (``read_context``).

Closures call their children, so evaluating one nests Python calls as deep as the tree: a node
deeper than [MAX_CLOSURE_DEPTH][thrilldrops_events.conditions.closures.MAX_CLOSURE_DEPTH] is
evaluated by the reference evaluator instead, which runs on a trampoline. Building walks the tree
with a list for a stack. So no condition within its limits reaches Python's recursion limit.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._options import check_checked
from thrilldrops_events.conditions._walk import fold
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.functions import BUILTINS, FunctionSpec
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.reference import evaluate_node
from thrilldrops_events.conditions.runtime import DECIMAL_CONTEXT, coerce_literal, divide, read_context, unwrap

__all__ = ["MAX_CLOSURE_DEPTH", "Closure", "closure_of", "evaluate_closure", "is_pure"]

#: A node's evaluation: ``closure(payload, envelope, ctx) -> value`` (``envelope`` may be ``None``).
Closure = Callable[[Any, Any, Mapping[str, Any]], Any]

#: Nodes nested deeper than this are evaluated by the (iterative) reference evaluator.
MAX_CLOSURE_DEPTH = 48

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": DECIMAL_CONTEXT.add, "-": DECIMAL_CONTEXT.subtract, "*": DECIMAL_CONTEXT.multiply, "/": divide,
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _constant(value: Any) -> Closure:
    return lambda p, e, c: value


def _field(scope: str, name: str) -> Closure:
    read = operator.attrgetter(name)
    if scope == "payload":
        return lambda p, e, c: read(p)
    if scope == "event":
        return lambda p, e, c: read(e)
    return lambda p, e, c: c[name]


def _not(operand: Closure) -> Closure:
    return lambda p, e, c: not operand(p, e, c)


def _all(operands: Sequence[Closure]) -> Closure:
    parts = tuple(operands)

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> bool:
        return all(part(p, e, c) for part in parts)

    return evaluate


def _any(operands: Sequence[Closure]) -> Closure:
    parts = tuple(operands)

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> bool:
        return any(part(p, e, c) for part in parts)

    return evaluate


def _equality(op: str, left: Closure, right: Closure) -> Closure:
    test = _COMPARE[op]
    return lambda p, e, c: test(left(p, e, c), right(p, e, c))


def _ordering(op: str, left: Closure, right: Closure) -> Closure:
    return _strict(_COMPARE[op], left, right, False)


def _strict(function: Callable[[Any, Any], Any], left: Closure, right: Closure, null: Any) -> Closure:
    """``function`` of both sides' values; ``null`` (without reading the right side) when one is null."""

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> Any:
        a = left(p, e, c)
        if a is None:
            return null
        b = right(p, e, c)
        return null if b is None else function(a, b)

    return evaluate


def _member(operand: Closure, keys: frozenset[Any], negated: bool) -> Closure:
    # frozenset membership is the reference's any(value == item): equal values hash equal
    # (Decimal("20") == 20, a channel and its name), and null is in no list.
    if negated:
        return lambda p, e, c: operand(p, e, c) not in keys
    return lambda p, e, c: operand(p, e, c) in keys


def _is_null(operand: Closure, negated: bool) -> Closure:
    if negated:
        return lambda p, e, c: operand(p, e, c) is not None
    return lambda p, e, c: operand(p, e, c) is None


def _arithmetic(op: str, left: Closure, right: Closure) -> Closure:
    return _strict(_ARITHMETIC[op], left, right, None)


def _negate(operand: Closure) -> Closure:
    minus = DECIMAL_CONTEXT.minus

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> Any:
        value = operand(p, e, c)
        return None if value is None else minus(value)

    return evaluate


def _call(spec: FunctionSpec, args: Sequence[Closure], guarded: Sequence[bool]) -> Closure:
    """A call: arguments left to right; a null for a parameter that is not nullable stops it (false or null)."""
    implementation = spec.implementation
    on_null = False if spec.returns.base == "bool" and not spec.returns.nullable else None
    steps = tuple(zip(args, guarded, strict=True))
    if len(steps) == 1:
        ((only, guard),) = steps

        def evaluate_one(p: Any, e: Any, c: Mapping[str, Any]) -> Any:
            value = only(p, e, c)
            if value is None and guard:
                return on_null
            return implementation(value)

        return evaluate_one

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> Any:
        values = []
        for arg, guard in steps:
            value = arg(p, e, c)
            if value is None and guard:
                return on_null
            values.append(value)
        return implementation(*values)

    return evaluate


def _deep(checked: CheckedCondition, node: Node) -> Closure:
    """A node nested too deep for closures: the reference evaluator, on a trampoline."""

    def evaluate(p: Any, e: Any, c: Mapping[str, Any]) -> Any:
        return evaluate_node(checked, node, e if e is not None else p, c)

    return evaluate


class _Builder:
    """Builds the closures of one checked condition, bottom up."""

    def __init__(self, checked: CheckedCondition) -> None:
        self.checked = checked

    def side(self, node: Node, other: Node, kid: Closure) -> Closure:
        """One side of a comparison: a string literal is coerced as ``other`` reads it (a timestamp, a channel)."""
        match node:
            case n.String(value):
                return _constant(coerce_literal(value, self.checked.type_of(other)))
        return kid

    def combine(self, node: Node, kids: Sequence[Closure]) -> Closure:
        if node.depth > MAX_CLOSURE_DEPTH:
            return _deep(self.checked, node)
        match node:
            case n.Number(value) | n.String(value) | n.Boolean(value):
                return _constant(value)
            case n.Null() | n.ListLiteral():  # a list is read by its parent (in)
                return _constant(None)
            case n.FieldRef(scope, name):
                return _field(scope, name)
            case n.Not():
                return _not(kids[0])
            case n.And():
                return _all(kids)
            case n.Or():
                return _any(kids)
            case n.Compare(op, left, right):
                first, second = self.side(left, right, kids[0]), self.side(right, left, kids[1])
                return _equality(op, first, second) if op in ("==", "!=") else _ordering(op, first, second)
            case n.In(operand, items, negated):
                target = self.checked.type_of(operand)
                return _member(kids[0], frozenset(coerce_literal(item.value, target) for item in items.items),
                               negated)
            case n.IsNull(_, negated):
                return _is_null(kids[0], negated)
            case n.Arithmetic(op):
                return _arithmetic(op, kids[0], kids[1])
            case n.Negate():
                return _negate(kids[0])
            case n.Call(name, args):
                return self.call(name, args, kids)
        raise TypeError(f"not a condition node: {type(node).__name__}")  # pragma: no cover

    def call(self, name: str, args: tuple[Node, ...], kids: Sequence[Closure]) -> Closure:
        spec = self.checked.functions[name]
        closures: list[Closure] = []
        guarded: list[bool] = []
        for index, (arg, kid) in enumerate(zip(args, kids, strict=True)):
            param = spec.param_for(index)
            match arg:
                case n.String(value):
                    closures.append(_constant(coerce_literal(value, param)))
                case _:
                    closures.append(kid)
            guarded.append(not param.nullable)
        return _call(spec, closures, guarded)


def closure_of(checked: CheckedCondition, node: Node | None = None) -> Closure:
    """The closure of a checked condition, or of one of its sub-expressions (a node of ``checked.node``).

    Examples:
        >>> from thrilldrops_events import Deposit, compile_condition
        >>> from thrilldrops_events.conditions.closures import closure_of
        >>> checked = compile_condition("amount * 2 >= 50", "Deposit").checked
        >>> deposit = Deposit(method_id="visa", currency="EUR", amount="25")
        >>> closure_of(checked)(deposit, None, {})
        True
        >>> closure_of(checked, checked.node.children[0])(deposit, None, {})
        Decimal('50')
    """
    return fold(checked.node if node is None else node, _Builder(checked).combine)


def is_pure(checked: CheckedCondition, node: Node) -> bool:
    """Whether ``node`` reads only the event: no context value, and no function but the built-ins.

    Built-in functions never raise and have no effects, so a pure expression may be computed once
    per event for many campaigns, early, or not at all, without changing any result.
    """
    if type(node) is n.FieldRef:
        return node.scope != "ctx"
    stack = [node]
    while stack:
        match stack.pop():
            case n.FieldRef("ctx"):
                return False
            case n.Call(name, args):
                if BUILTINS.get(name) is not checked.functions.get(name):
                    return False
                stack.extend(args)
            case n.ListLiteral():
                pass
            case other:
                stack.extend(other.children)
    return True


def evaluate_closure(checked: CheckedCondition, event: Any, ctx: Mapping[str, Any] | None = None) -> bool:
    """Evaluate a checked condition on an event with the closure evaluator (the same result as the others).

    Args:
        checked: From [check_condition][thrilldrops_events.conditions.check_condition].
        event: A payload of the condition's event type, or an ``Envelope`` holding one.
        ctx: The context values the condition reads.

    Raises:
        ConditionEvaluationError: If the event or the context does not fit the condition.
        TypeError: If ``checked`` is not a checked condition, or ``ctx`` is neither ``None`` nor a mapping.
    """
    check_checked(checked)
    payload, envelope = unwrap(event, checked.event_type, checked.needs_envelope)
    names = checked.context_names
    values = dict(zip(names, read_context(ctx, names, checked.context), strict=True))
    result = closure_of(checked)(payload, envelope, values)
    if type(result) is not bool:  # pragma: no cover - the checker guarantees a boolean
        raise TypeError(f"condition evaluated to {type(result).__name__}, not bool")
    return result
