"""Pure expressions of campaign conditions, computed and tested without compiled code.

A *pure* expression reads only the event: payload and envelope fields, literals, built-in function
calls and arithmetic on pure expressions (not ``ctx.`` values, which come with each call, nor
registered functions, which might raise or have effects). :func:`value_of` turns one into a small
closure over the envelope, and :func:`simple_test` a clause on pure expressions into a test, so the
campaign index evaluates most clauses without the clause's own compiled condition. A built-in call
becomes a :class:`SharedValue`, computed once per event for every clause that holds it:
``hour(event.timestamp, "Europe/Malta")`` compared with 17, 18 and 20 by different campaigns costs
one time-zone conversion.

Everything here follows the reference evaluator of the language exactly (its rules are quoted where
they apply), and the campaign tests prove the results equal to the compiled conditions'.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from thrilldrops_events.conditions.functions import BUILTINS
from thrilldrops_events.conditions.nodes import (
    Arithmetic,
    Boolean,
    Call,
    Compare,
    FieldRef,
    In,
    IsNull,
    Negate,
    Node,
    Not,
    Null,
    Number,
    String,
)
from thrilldrops_events.conditions.runtime import DECIMAL_CONTEXT, coerce_literal, divide
from thrilldrops_events.conditions.valuetypes import ValueType

if TYPE_CHECKING:
    from thrilldrops_events.conditions import CheckedCondition

__all__ = ["LITERALS", "SharedValue", "Test", "compare_parts", "reader", "simple_test", "type_of", "value_of"]



#: A clause's evaluation: ``test(envelope, ctx) -> bool``.
Test = Callable[[Any, Any], bool]

#: The scalar literal node classes.
LITERALS = (Number, String, Boolean)

_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def type_of(checked: CheckedCondition, node: Node) -> ValueType:
    """The checker's type of ``node``, a node of ``checked.node`` (types are kept by node identity)."""
    types: Mapping[Any, ValueType] = checked.types
    found = types.get(id(node))
    return found if found is not None else types[node]


def reader(scope: str, name: str) -> Callable[[Any], Any]:
    """How to read a payload field (``scope == "payload"``) or an envelope field (``"event"``) from an envelope."""
    if scope == "event":
        return operator.attrgetter(name)
    return operator.attrgetter(f"payload.{name}")


class SharedValue:
    """A built-in function call's value (``hour(event.timestamp, "Europe/Malta")``), shared by clauses.

    Every clause that reads the same expression shares one, so it is computed once per event however
    many thresholds campaigns compare it with. The last result is kept with the envelope it was
    computed for, as one tuple (a single reference, replaced whole: threads never see half of it).
    Pure expressions never raise, so computing one early or once changes nothing.
    """

    __slots__ = ("__weakref__", "_cache", "_compute", "node")

    def __init__(self, node: Node, compute: Callable[[Any], Any]) -> None:
        self.node = node
        self._compute = compute
        self._cache: tuple[Any, Any] = (None, None)

    def __call__(self, envelope: Any) -> Any:
        """The value for ``envelope``, computed once per envelope."""
        cache = self._cache
        if cache[0] is envelope:
            return cache[1]
        value = self._compute(envelope)
        self._cache = (envelope, value)
        return value


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda envelope: value


def value_of(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]
             ) -> Callable[[Any], Any] | None:
    """How to compute a pure expression from an envelope, or ``None`` if it is not one.

    Pure expressions are payload and envelope fields, literals, built-in function calls, arithmetic
    and unary minus on pure expressions; calls become :class:`SharedValue` objects, shared by every
    clause (of the event type) holding the same one. They follow the reference
    evaluator: arithmetic (in the language's decimal context; dividing by zero gives ``null``)
    gives ``null`` when an operand is ``null``; a string literal argument is coerced to its
    parameter's type; a ``null`` argument for a parameter that is not nullable gives ``null``
    (``false`` for a function returning ``bool``) without calling the function. Context values
    (per call) and registered functions (which might raise) make an expression impure.
    """
    kind = type(node)
    if kind is FieldRef:
        ref: Any = node
        return reader(ref.scope, ref.name) if ref.scope != "ctx" else None
    if kind in LITERALS:
        return _constant(node.value)  # type: ignore[attr-defined]
    if kind is Null:
        return _constant(None)
    if kind is Arithmetic:  # cheap: computed where needed (each clause holding it is evaluated once anyway)
        return _arithmetic(checked, node, shared)
    if kind is Negate:
        return _negative(checked, node, shared)
    if kind is not Call:
        return None
    found = shared.get(node)
    if found is not None:
        return found
    compute = _call(checked, node, shared)
    if compute is None:
        return None
    value = shared[node] = SharedValue(node, compute)
    return value


def _call(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]
          ) -> Callable[[Any], Any] | None:
    call: Any = node
    spec = checked.functions.get(call.name)
    if spec is None or BUILTINS.get(call.name) is not spec:
        return None
    plan: list[tuple[Callable[[Any], Any], bool]] = []
    for index, arg in enumerate(call.args):
        param = spec.param_for(index)
        if type(arg) is String:
            read: Callable[[Any], Any] | None = _constant(coerce_literal(arg.value, param))
        else:
            read = value_of(checked, arg, shared)
        if read is None:
            return None
        plan.append((read, param.nullable or type(arg) in LITERALS))
    implementation = spec.implementation
    on_null = False if spec.returns.base == "bool" else None
    literals = [type(arg) in LITERALS for arg in call.args]
    if len(plan) == 1 or (len(plan) == 2 and literals[1]):
        # the usual shapes, hour(event.timestamp) and hour(event.timestamp, "Europe/Malta"), without a loop
        (first, nullable), *more = plan
        extra = tuple(read(None) for read, _ in more)  # literals: their reader ignores the envelope

        def compute_one(envelope: Any) -> Any:
            value = first(envelope)
            if value is None and not nullable:
                return on_null
            return implementation(value, *extra)

        return compute_one
    steps = tuple(plan)

    def compute(envelope: Any) -> Any:
        args = []
        for read, nullable in steps:
            value = read(envelope)
            if value is None and not nullable:
                return on_null
            args.append(value)
        return implementation(*args)

    return compute


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": DECIMAL_CONTEXT.add, "-": DECIMAL_CONTEXT.subtract, "*": DECIMAL_CONTEXT.multiply, "/": divide,
}


def _arithmetic(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]
                ) -> Callable[[Any], Any] | None:
    arithmetic: Any = node
    left = value_of(checked, arithmetic.left, shared)
    right = value_of(checked, arithmetic.right, shared)
    if left is None or right is None:
        return None
    function = _ARITHMETIC[arithmetic.op]
    first: Callable[[Any], Any] = left
    second: Callable[[Any], Any] = right
    if type(arithmetic.right) in LITERALS:  # amount * 100: no call for the literal
        constant = arithmetic.right.value

        def compute_constant(envelope: Any) -> Any:
            a = first(envelope)
            return None if a is None else function(a, constant)

        return compute_constant

    def compute(envelope: Any) -> Any:
        a = first(envelope)
        if a is None:
            return None
        b = second(envelope)
        if b is None:
            return None
        return function(a, b)

    return compute


def _negative(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]
              ) -> Callable[[Any], Any] | None:
    operand = value_of(checked, node.operand, shared)  # type: ignore[attr-defined]
    if operand is None:
        return None
    read: Callable[[Any], Any] = operand
    minus = DECIMAL_CONTEXT.minus

    def compute(envelope: Any) -> Any:
        value = read(envelope)
        return None if value is None else minus(value)

    return compute


def simple_test(checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]) -> Test | None:
    """A test that needs no compiled condition, for clauses on pure expressions; else ``None``.

    Pure expressions are those of :func:`value_of`. The forms covered, and the language's rules
    they follow (see the reference evaluator):

    * a boolean pure expression, and ``not`` of any form covered here;
    * ``operand is null`` / ``operand is not null``;
    * ``left OP right``: ``==`` and ``!=`` compare ``null`` as a value, ``< <= > >=`` are false when
      either side is ``null``; a string literal is coerced to the other side's type as the
      evaluators coerce it (an ISO date-time for a timestamp, a channel's name);
    * ``operand in [...]`` / ``operand not in [...]``: ``null`` is in no list.

    Everything else (``and``/``or`` inside a clause, context values, registered functions) is
    evaluated by the clause's compiled condition.
    """
    kind = type(node)
    if kind is Not:
        operand: Any = node.operand  # type: ignore[attr-defined]
        if type(operand) is FieldRef and operand.scope != "ctx":  # not is_free_spin: one call, not two
            field = reader(operand.scope, operand.name)
            return lambda envelope, ctx: not field(envelope)
        inner = simple_test(checked, operand, shared)
        return None if inner is None else _negate(inner)
    if kind is IsNull or kind is In:
        found = value_of(checked, node.operand, shared)  # type: ignore[attr-defined]
        if found is None:
            return None
        read: Callable[[Any], Any] = found
        if kind is IsNull:
            if node.negated:  # type: ignore[attr-defined]
                return lambda envelope, ctx: read(envelope) is not None
            return lambda envelope, ctx: read(envelope) is None
        target = type_of(checked, node.operand)  # type: ignore[attr-defined]
        keys = frozenset(coerce_literal(item.value, target) for item in node.items.items)  # type: ignore[attr-defined]
        if node.negated:  # type: ignore[attr-defined]
            return lambda envelope, ctx: read(envelope) not in keys
        return lambda envelope, ctx: read(envelope) in keys
    if kind is Compare:
        compare: Any = node
        if type(compare.left) in LITERALS or type(compare.right) in LITERALS:
            parts = compare_parts(checked, node, shared)
            if parts is None:
                return None
            op, read, _, value, _ = parts
            test = _ORDERINGS[op]
            if op in ("==", "!="):
                return lambda envelope, ctx: test(read(envelope), value)
            return lambda envelope, ctx: (held := read(envelope)) is not None and test(held, value)
        left_read = value_of(checked, compare.left, shared)
        right_read = value_of(checked, compare.right, shared)
        if left_read is None or right_read is None:
            return None
        first: Callable[[Any], Any] = left_read
        second: Callable[[Any], Any] = right_read
        test = _ORDERINGS[compare.op]
        if compare.op in ("==", "!="):
            return lambda envelope, ctx: test(first(envelope), second(envelope))
        return lambda envelope, ctx: (
            (a := first(envelope)) is not None and (b := second(envelope)) is not None and test(a, b)
        )
    if type_of(checked, node).base != "bool":
        return None
    found = value_of(checked, node, shared)
    if found is None:
        return None
    boolean: Callable[[Any], Any] = found
    return lambda envelope, ctx: boolean(envelope)


def compare_parts(
    checked: CheckedCondition, node: Node, shared: MutableMapping[Node, SharedValue]
) -> tuple[str, Callable[[Any], Any], ValueType, Any, Node] | None:
    """``operand OP literal`` (either way round) as ``(op, read, operand type, coerced literal, operand)``."""
    compare: Any = node
    op, operand, literal = compare.op, compare.left, compare.right
    if type(operand) in LITERALS and type(literal) not in LITERALS:
        op, operand, literal = _FLIPPED[op], literal, operand
    if type(literal) not in LITERALS:
        return None
    if type(operand) in LITERALS:  # two literals: left to the compiled condition
        return None
    read = value_of(checked, operand, shared)
    if read is None:
        return None
    operand_type = type_of(checked, operand)
    value = coerce_literal(literal.value, operand_type)
    if value is None:  # pragma: no cover - the checker refuses literals that do not coerce
        return None
    return op, read, operand_type, value, operand


def _negate(test: Test) -> Test:
    return lambda envelope, ctx: not test(envelope, ctx)
