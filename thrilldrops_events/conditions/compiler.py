"""The fast path: a checked condition becomes one small Python function.

The generator writes Python source from the checked tree and compiles it, which is as fast as a
hand-written lambda. No text from the condition ever becomes source: every literal, list and
function enters through the function's namespace under a generated name (``_k3``, ``_f0``),
field names come from the event schema (never from the condition text), and the namespace has
no builtins at all. The generated code follows the reference evaluator's rules exactly,
including the order in which operands are evaluated and where evaluation stops on ``null``.

Python's own compiler gives up on expressions nested around 200 levels deep, so any sub-expression
whose generated code nests more than ``HOIST_DEPTH`` parentheses is moved into a helper
function of its own: the generated code stays shallow however deep the (allowed) condition is.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from typing import Any

from thrilldrops_events._fields import ENVELOPE_FIELDS, payload_fields
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._walk import fold
from thrilldrops_events.conditions.checker import CheckedCondition
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import (
    DECIMAL_CONTEXT,
    check_context,
    coerce_literal,
    divide,
    read_context,
    unwrap,
)
from thrilldrops_events.conditions.valuetypes import BOOL
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS

__all__ = ["HOIST_DEPTH", "compile_clause", "compile_function"]

#: The deepest parenthesis nesting left in one generated expression before it is split off.
HOIST_DEPTH = 40

_ARITHMETIC = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div"}
_NEVER = object()

# One generated expression: its code and how deeply its parentheses nest.
_Code = tuple[str, int]


class _Generator:
    def __init__(self, checked: CheckedCondition) -> None:
        self.checked = checked
        self.namespace: dict[str, Any] = {
            "__builtins__": {},
            "_add": DECIMAL_CONTEXT.add,
            "_sub": DECIMAL_CONTEXT.subtract,
            "_mul": DECIMAL_CONTEXT.multiply,
            "_div": divide,
            "_neg": DECIMAL_CONTEXT.minus,
            "_NEVER": _NEVER,
            "_type": type,
        }
        self.counter = 0
        self.helpers: list[str] = []
        # Attribute names are taken from the schema, never from the condition text.
        self.attributes = {spec.name: spec.name for spec in payload_fields(checked.event_type)}
        self.envelope_attributes = {spec.name: spec.name for spec in ENVELOPE_FIELDS}
        #: The code of each context value: its place in the tuple of them (see ``module``).
        self.context_code = {name: str(index) for index, name in enumerate(checked.context_names)}

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.fresh("_k")
        self.namespace[name] = value
        return name

    def nullable(self, node: Node) -> bool:
        return self.checked.type_of(node).nullable

    def literal_for(self, node: Node, other: Node, code: str) -> str:
        """The code of a string literal compared with a timestamp or channel: its coerced value."""
        if type(node) is n.String:
            value = coerce_literal(node.value, self.checked.type_of(other))
            if value is not node.value:
                return self.constant(value)
        return code

    def hoist(self, code: str) -> str:
        name = self.fresh("_h")
        self.helpers.append(f"def {name}(p, e, c):\n    return {code}\n")
        return f"{name}(p, e, c)"

    # -- one node --------------------------------------------------------------------------------

    def combine(self, node: Node, kids: Sequence[_Code]) -> _Code:
        codes = [code if nest <= HOIST_DEPTH else self.hoist(code) for code, nest in kids]
        nest = 1 + max((nest if nest <= HOIST_DEPTH else 1 for _, nest in kids), default=0)
        return self.generate(node, codes), nest + 1

    def generate(self, node: Node, codes: list[str]) -> str:
        match node:
            case n.Number(value) | n.String(value):
                return self.constant(value)
            case n.Boolean(value):
                return "True" if value else "False"
            case n.Null() | n.ListLiteral():  # lists are read by their parent (in), never evaluated on their own
                return "None"
            case n.FieldRef():
                return self.reference(node)
            case n.Not():
                return f"(not {codes[0]})"
            case n.And():
                return "(" + " and ".join(codes) + ")"
            case n.Or():
                return "(" + " or ".join(codes) + ")"
            case n.Compare():
                return self.compare(node, codes)
            case n.In(operand, items, negated):
                target = self.checked.type_of(operand)
                values = frozenset(coerce_literal(item.value, target) for item in items.items)
                return f"({codes[0]} {'not in' if negated else 'in'} {self.constant(values)})"
            case n.IsNull(negated=negated):
                return f"({codes[0]} {'is not' if negated else 'is'} None)"
            case n.Arithmetic(op, left, right):
                function = _ARITHMETIC[op]
                return self.guarded("None", [(codes[0], self.nullable(left)), (codes[1], self.nullable(right))],
                                    lambda args: f"{function}({', '.join(args)})")
            case n.Negate(operand):
                return self.guarded("None", [(codes[0], self.nullable(operand))], lambda args: f"_neg({args[0]})")
            case n.Call():
                return self.call(node, codes)
        raise TypeError(f"not a condition node: {type(node).__name__}")  # pragma: no cover

    def reference(self, node: n.FieldRef) -> str:
        if node.scope == "ctx":
            return f"c[{self.context_code[node.name]}]"
        known = self.attributes if node.scope == "payload" else self.envelope_attributes
        spec_name = known[node.name]  # the checker has made sure it is there
        if not spec_name.isidentifier():  # pragma: no cover - schema field names are identifiers
            raise AssertionError(spec_name)
        return f"{'p' if node.scope == 'payload' else 'e'}.{spec_name}"

    def guarded(self, on_null: str, operands: list[tuple[str, bool]], build: Callable[[list[str]], str]) -> str:
        """Evaluate operands left to right; give ``on_null`` at the first nullable one that is null."""
        last = max((index for index, (_, nullable) in enumerate(operands) if nullable), default=-1)
        if last < 0:
            return build([code for code, _ in operands])
        tests, args = [], []
        for index, (code, nullable) in enumerate(operands):
            if index > last:
                args.append(code)
                continue
            temp = self.fresh("_t")
            tests.append(f"(({temp} := {code}) is {'None' if nullable else '_NEVER'})")
            args.append(temp)
        return f"({on_null} if {' or '.join(tests)} else {build(args)})"

    def compare(self, node: n.Compare, codes: list[str]) -> str:
        left = self.literal_for(node.left, node.right, codes[0])
        right = self.literal_for(node.right, node.left, codes[1])
        if node.op in ("==", "!=") or not (self.nullable(node.left) or self.nullable(node.right)):
            return f"({left} {node.op} {right})"
        return self.guarded("False", [(left, self.nullable(node.left)), (right, self.nullable(node.right))],
                            lambda args: f"{args[0]} {node.op} {args[1]}")

    def call(self, node: n.Call, codes: list[str]) -> str:
        spec = self.checked.functions[node.name]
        function = self.constant(spec.implementation)
        operands = []
        for index, (arg, code) in enumerate(zip(node.args, codes, strict=True)):
            param = spec.param_for(index)
            if type(arg) is n.String and param.base in ("channel", "timestamp"):
                code = self.constant(coerce_literal(arg.value, param))
            operands.append((code, self.nullable(arg) and not param.nullable))
        on_null = "False" if spec.returns == BOOL else "None"
        return self.guarded(on_null, operands, lambda args: f"{function}({', '.join(args)})")

    # -- the whole function ----------------------------------------------------------------------

    def module(self) -> str:
        checked = self.checked
        code, nest = fold(checked.node, self.combine)
        body = code if nest <= HOIST_DEPTH else self.hoist(code)
        self.namespace.update(
            _PAYLOAD=PAYLOAD_MODELS[checked.event_type],
            _ENVELOPE=Envelope,
            _unwrap=lambda event: unwrap(event, checked.event_type, checked.needs_envelope),
            _read_ctx=lambda ctx: read_context(ctx, checked.context_names, checked.context),
            _check_ctx=check_context,
            _dict=dict,
        )
        lines = ["def _condition(self, event, ctx=None):"]
        if checked.needs_envelope:
            lines += [
                "    if _type(event) is _ENVELOPE and _type(event.payload) is _PAYLOAD:",
                "        e = event",
                "        p = event.payload",
            ]
        else:
            lines += [
                "    if _type(event) is _PAYLOAD:",
                "        p = event",
                *(["        e = None"] if self.helpers else []),
                "    elif _type(event) is _ENVELOPE and _type(event.payload) is _PAYLOAD:",
                "        e = event",
                "        p = event.payload",
            ]
        lines += ["    else:", "        p, e = _unwrap(event)"]
        if checked.context_names:
            lines.append("    c = _read_ctx(ctx)")  # refuses a ctx that is not a mapping, as below
        else:
            lines += ["    if ctx is not None and _type(ctx) is not _dict:", "        _check_ctx(ctx)"]
            if self.helpers:
                lines.append("    c = ()")
        lines.append(f"    return {body}")
        return "\n".join([*self.helpers, "\n".join(lines) + "\n"])


def compile_function(checked: CheckedCondition) -> tuple[Callable[..., bool], str]:
    """Generate and compile the Python function of a checked condition.

    Returns:
        The function ``(self, event, ctx=None) -> bool``, made to be a ``__call__`` method (``self`` is
        not used), and its Python source (for inspection only).
    """
    generator = _Generator(checked)
    source = generator.module()
    code = compile(source, "<condition>", "exec", dont_inherit=True)
    namespace = generator.namespace
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            defaults = (None,) if constant.co_name == "_condition" else None
            namespace[constant.co_name] = types.FunctionType(constant, namespace, constant.co_name, defaults)
    function: Callable[..., bool] = namespace["_condition"]
    return function, source



def compile_clause(checked: CheckedCondition, node: Node) -> Callable[[Any, Any, Any], Any]:
    """Compile one sub-expression of a checked condition (a node of ``checked.node``).

    Returns:
        The function ``(payload, envelope, ctx)`` giving its value, as ``closures.closure_of``
        does (``ctx`` a mapping of the context values by name), but as generated code.
    """
    generator = _Generator(checked)
    generator.context_code = {name: generator.constant(name) for name in checked.context_names}
    code, nest = fold(node, generator.combine)
    body = code if nest <= HOIST_DEPTH else generator.hoist(code)
    source = "\n".join([*generator.helpers, f"def _clause(p, e, c):\n    return {body}\n"])
    namespace = generator.namespace
    exec(compile(source, "<condition>", "exec", dont_inherit=True), namespace)
    function: Callable[[Any, Any, Any], Any] = namespace["_clause"]
    return function
