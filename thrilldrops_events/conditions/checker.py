"""Type-check a condition tree against an event type's schema, its context and its functions.

Only the fields the schema declares (read through ``payload_fields`` and ``ENVELOPE_FIELDS``) can
be read: unknown fields that an event happens to carry (``model_extra``) are not addressable, and
``session_token`` is refused because it is secret. Every problem is reported at compile time as a
[ConditionTypeError][thrilldrops_events.ConditionTypeError], with a did-you-mean suggestion where one is close.
The walk is iterative, each node's rule found by its class in one look-up.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from thrilldrops_events._fields import KIND_CONSTRAINTS
from thrilldrops_events._suggest import closest
from thrilldrops_events._text import shown
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._options import check_options
from thrilldrops_events.conditions._registered import run_check
from thrilldrops_events.conditions._walk import parents_first
from thrilldrops_events.conditions.checked import (
    CheckedCondition,
    declarations,
    event_type_of,
    field_tables,
    unknown_field,
)
from thrilldrops_events.conditions.functions import BUILTINS, NOT_LITERAL, FunctionRegistry, FunctionSpec
from thrilldrops_events.conditions.lexer import NUMBER_TEXT, check_string_length, read_number
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import parse_date, parse_datetime
from thrilldrops_events.conditions.valuetypes import BOOL, KIND_TYPES, NULL, NUMBER, STRING, ValueType, list_of
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionLimitError, ConditionTypeError

__all__ = ["CheckedCondition", "check_condition"]

_CHANNELS = KIND_CONSTRAINTS["channel"].values or ()
_VALUE = operator.attrgetter("value")
#: Pairs of types that compare without a word to say: whether they may also be ordered (``<``, ``>=``).
_PLAIN = {("number", "number"): True, ("timestamp", "number"): True, ("number", "timestamp"): True,
          ("timestamp", "timestamp"): True, ("string", "string"): False, ("bool", "bool"): False}
#: The item types a list may hold to be searched for a value of each type.
_FITS = {"number": ("number",), "timestamp": ("number", "string"), "string": ("string",), "channel": ("string",),
         "date": ("string",), "bool": ("bool",)}
_LITERAL_TYPES: dict[type[Node], str] = {n.Number: "number", n.String: "string", n.Boolean: "bool"}
_WORDS: dict[type[Node], str] = {n.Not: "not", n.And: "and", n.Or: "or"}
_EVENT_TYPES: dict[str, EventType] = {member.value: member for member in EventType} | {m: m for m in EventType}
_FIELD_TYPES = {(kind, nullable): kind_type.or_null(nullable) for kind, kind_type in KIND_TYPES.items()
                for nullable in (False, True)}  # the type of a reference to a field of each kind


class _Checker:
    def __init__(self, event_type: EventType, functions: FunctionRegistry, context: dict[str, ValueType],
                 limits: Limits, source: str | None, spans: Mapping[int, tuple[int, int]] | None,
                 paths: Mapping[int, str] | None) -> None:
        self.event_type, self.functions, self.declared = event_type, functions, context
        self.limits = limits
        self.short = min(limits.max_number_digits, limits.max_number_exponent)
        self.source = source
        self.spans, self.paths = spans or {}, paths or {}
        self.payload, self.envelope = field_tables(event_type)
        self.types: dict[int, ValueType] = {}
        self.fields: dict[str, None] = {}
        self.context: dict[str, ValueType] = {}
        self.called: dict[str, FunctionSpec] = {}
        self.envelope_read = False  # whether it reads event.*

    def where(self, node: Node) -> dict[str, Any]:
        if id(node) in self.spans:
            return {"source": self.source, "offset": self.spans[id(node)][0]}
        if id(node) in self.paths:
            return {"path": self.paths[id(node)]}
        return {}

    def fail(self, node: Node, message: str, suggestion: str | None = None) -> ConditionTypeError:
        if suggestion is not None and "did you mean" not in message:
            message = f"{message}; did you mean {suggestion}?"
        return ConditionTypeError(message, suggestion=suggestion, **self.where(node))

    def walk(self, root: Node, order: Iterable[Node] | None = None) -> ValueType:
        """The type of ``root``, from its children's, bottom up and left to right, without recursion.

        ``order`` is the tree's nodes children first, left to right, list items left out (as the
        parser makes them); worked out here if not given.
        """
        if order is None:
            order = reversed(parents_first(root))
        values: list[ValueType] = []
        append, pop = values.append, values.pop
        types = self.types
        rules = _RULES
        for node in order:
            rule, arity = rules.get(node.__class__) or _rule_for(node)
            if arity < 0:
                arity = len(node.children)
            if arity == 2:  # the values of its children, the last ones found (two: most nodes above the leaves)
                right = pop()
                result = rule(self, node, (pop(), right))
            elif arity:
                kids = values[-arity:]
                del values[-arity:]
                result = rule(self, node, kids)
            else:
                result = rule(self, node, ())
            types[id(node)] = result
            append(result)
        return values[0]

    def measure(self, value: Decimal, node: Node) -> ValueType:
        """Refuse a number literal beyond the limits (the text of a smaller one cannot be)."""
        text = str(value)
        if len(text) > self.short or "E" in text:
            read_number(text, self.limits, **self.where(node))
        return NUMBER

    def string(self, node: n.String, kids: Sequence[ValueType]) -> ValueType:
        if len(node.value) > self.limits.max_string_length:
            check_string_length(node.value, self.limits, **self.where(node))
        return STRING

    def logic(self, node: Node, kids: Sequence[ValueType]) -> ValueType:
        word = _WORDS[type(node)]
        for child, child_type in zip(node.children, kids, strict=True):
            if child_type is not BOOL:
                self.boolean(child, child_type, word)
        return BOOL

    def is_null(self, node: n.IsNull, kids: Sequence[ValueType]) -> ValueType:
        if kids[0].base == "list":
            raise self.fail(node, "a list is never null")
        return BOOL

    def negate(self, node: n.Negate, kids: Sequence[ValueType]) -> ValueType:
        if kids[0].base != "number":
            raise self.fail(node, f"unary minus needs a number, not {kids[0].spoken}")
        return kids[0]

    def list_literal(self, node: n.ListLiteral, kids: Sequence[ValueType] = ()) -> ValueType:
        items = node.items
        if len(items) > self.limits.max_list_length:
            raise ConditionLimitError(f"list has more than {self.limits.max_list_length:,} items",
                                      limit="max_list_length", maximum=self.limits.max_list_length, **self.where(node))
        classes = set(map(type, items))
        if len(classes) == 1 and n.String in classes:  # strings only: any too long one gives the same error
            if max(map(len, map(_VALUE, items))) > self.limits.max_string_length:
                strings = [item.value for item in items if isinstance(item, n.String)]
                check_string_length(max(strings, key=len), self.limits, **self.where(node))
        else:
            for item in items:
                if type(item) is n.String and isinstance(item, n.String):
                    if len(item.value) > self.limits.max_string_length:
                        check_string_length(item.value, self.limits, **self.where(node))
                elif type(item) is n.Number and isinstance(item, n.Number):
                    self.measure(item.value, node)
        kinds = {_LITERAL_TYPES[kind] for kind in classes}
        if len(kinds) > 1:
            raise self.fail(node, f"a list holds items of one type, not a mix of {'s and '.join(sorted(kinds))}s")
        return list_of(kinds.pop() if kinds else None)

    def reference(self, node: n.FieldRef, kids: Sequence[ValueType]) -> ValueType:
        name, scope = node.name, node.scope
        if scope == "ctx":
            if name not in self.declared:
                close = closest(name, self.declared)
                raise self.fail(node, f"ctx.{shown(name)} is not declared; declare it when compiling: "
                                      f"context={{{shown(name)!r}: 'number'}}", f"ctx.{close}" if close else None)
            self.context.setdefault(name, self.declared[name])
            self.fields.setdefault(node.path)
            return self.declared[name]
        table = self.payload if scope == "payload" else self.envelope
        spec = table.get(name)
        if spec is None:
            raise self.unknown(node)
        if spec.kind == "secret":
            raise self.fail(node, f"{name} is secret: conditions cannot read it")
        if scope == "event":
            self.envelope_read = True
        self.fields.setdefault(node.path)
        return _FIELD_TYPES[spec.kind, spec.nullable]

    def unknown(self, node: n.FieldRef) -> ConditionTypeError:
        message, suggestion = unknown_field(node, self.event_type, list(self.payload), list(self.envelope),
                                            [n for n, spec in self.payload.items() if spec.kind != "secret"])
        return self.fail(node, message, suggestion)

    def boolean(self, node: Node, kind: ValueType, word: str) -> None:
        if kind.base != "bool":
            raise self.fail(node, f"{word} needs true or false, and {node.text} is {kind.spoken}")
        if kind.nullable:
            raise self.fail(node, f"{node.text} may be null, and {word} needs true or false: write {node.text} == true")

    def literal(self, node: n.String, target: ValueType) -> None:
        """Check a string literal that is compared with a channel, a date or a timestamp."""
        value = node.value
        if target.base == "channel" and value not in _CHANNELS:
            close = closest(value, _CHANNELS)
            raise self.fail(node, f"{value!r} is not a channel_type (one of {', '.join(_CHANNELS)})",
                            f'"{close}"' if close else None)
        if target.base == "date" and parse_date(value) is None:
            raise self.fail(node, f"{value!r} is not a date; write dates as \"YYYY-MM-DD\"")
        if target.base == "timestamp" and parse_datetime(value) is None:
            raise self.fail(node, f"{value!r} is not a date-time; write \"2026-05-04T18:00:00Z\" (with a zone)")

    def compare(self, node: n.Compare, kids: Sequence[ValueType]) -> ValueType:
        left, right = kids
        ordering = node.op not in ("==", "!=")
        if _PLAIN.get((left.base, right.base), -1) >= ordering:  # the common case: nothing to say
            return BOOL
        sides = ((node.left, left, node.right, right), (node.right, right, node.left, left))
        if not ordering and (left.base == "null" or right.base == "null"):
            if "list" in (left.base, right.base):
                raise self.fail(node, "a list is never null")
            return BOOL
        for this, this_type, other, other_type in sides:
            base = this_type.base
            if base == "list":
                raise self.fail(this, f"a list can only be on the right of in, not of {node.op}")
            if ordering and base == "null":
                raise self.fail(this, f"{node.op} with null is always false; test with 'is null' instead")
            if ordering and base in ("bool", "channel"):
                raise self.fail(this, f"{this.text} is {this_type.spoken}, which has no order; use == or in")
            if type(this) is n.String and other_type.base in ("channel", "date", "timestamp"):
                if ordering and other_type.base == "channel":
                    raise self.fail(this, f"{other.text} is a channel, which has no order; use == or in")
                self.literal(this, other_type)
                return BOOL
        if ordering and left.base == right.base == "string":
            raise self.fail(node, "strings have no order (<, <=, >, >=); compare them with == or in")
        pair = {left.base, right.base}
        if len(pair) == 1 or pair == {"timestamp", "number"} or (not ordering and pair == {"channel", "string"}):
            return BOOL
        raise self.mismatch(node, left, right)

    def mismatch(self, node: n.Compare, left: ValueType, right: ValueType) -> ConditionTypeError:
        message = f"cannot compare {left.spoken} with {right.spoken}: {node.text}"
        for this, other_type in ((node.right, left), (node.left, right)):
            if type(this) is n.String and other_type.base == "number":
                try:
                    number = read_number(this.value, self.limits) if NUMBER_TEXT.fullmatch(this.value) else None
                except ConditionLimitError:
                    number = None
                if number is not None:
                    return self.fail(node, f"{message}; write numbers without quotes", str(number))
        return self.fail(node, message)

    def membership(self, node: n.In, kids: Sequence[ValueType]) -> ValueType:
        operand, items = kids
        base, element = operand.base, items.element
        if base in ("null", "list"):
            raise self.fail(node.operand, f"{node.operand.text} is {operand.spoken}, which is never in a list")
        if element is None:
            return BOOL
        if element not in _FITS[base]:
            raise self.fail(node.items, f"{node.operand.text} is {operand.spoken}, but the list holds {element}s")
        if element == "string" and base != "string":
            for item in node.items.items:
                if isinstance(item, n.String):  # all of them: the list holds strings
                    self.literal(item, operand)
        return BOOL

    def arithmetic(self, node: n.Arithmetic, kids: Sequence[ValueType]) -> ValueType:
        left, right = kids
        nullable = left.nullable or right.nullable or node.op == "/"  # division by zero gives null
        if "null" in (left.base, right.base):
            raise self.fail(node, f"{node.op} with null is always null")
        if left.base == right.base == "number":
            return NUMBER.or_null(nullable)
        if left.base == right.base == "timestamp" and node.op == "-":
            return NUMBER.or_null(nullable)
        if "timestamp" in (left.base, right.base):
            raise self.fail(node, "timestamps can only be subtracted from each other (which gives seconds)")
        if node.op == "+" and "string" in (left.base, right.base):
            raise self.fail(node, "+ does not join strings; compare strings with ==, in or starts_with(...)")
        bad = left if left.base != "number" else right
        raise self.fail(node, f"{node.op} needs numbers, not {bad.spoken}")

    def call(self, node: n.Call, args: Sequence[ValueType]) -> ValueType:
        spec = self.functions.get(node.name)
        if spec is None:
            close = self.functions.suggest(node.name)
            raise self.fail(node, f"unknown function {shown(node.name)}", close)
        if not spec.accepts(len(args)):
            raise self.fail(node, f"wrong number of arguments ({len(args)}) for {spec.signature}")
        propagates = False
        literals: list[Any] = []
        for index, (arg, kind) in enumerate(zip(node.args, args, strict=True)):
            param = spec.param_for(index)
            literals.append(arg.value if isinstance(arg, (n.Number, n.String, n.Boolean)) else NOT_LITERAL)
            if kind.base == "null":
                if not param.nullable:
                    raise self.fail(arg, f"{spec.name} with a null argument is always null ({spec.signature})")
                continue
            if type(arg) is n.String and param.base in ("channel", "date", "timestamp"):
                self.literal(arg, param)
            elif kind.base != param.base and not (param.base == "string" and kind.base == "channel"):
                raise self.fail(arg, f"argument {index + 1} of {spec.signature} must be {param.spoken}, "
                                     f"not {kind.spoken}")
            propagates = propagates or (kind.nullable and not param.nullable)
        if spec.check is not None:
            problem = run_check(spec.name, spec.check, literals)
            if problem is not None:
                raise self.fail(node, problem)
        self.called[spec.name] = spec
        if propagates and spec.returns != BOOL:
            return spec.returns.or_null()
        return spec.returns


_Rule = tuple[Callable[[_Checker, Any, Sequence[ValueType]], ValueType], int]
#: The rule for each kind of node (its type from its children's), and how many children it has (-1: any number).
_RULES: dict[type, _Rule] = {
    n.FieldRef: (_Checker.reference, 0),
    n.Number: (lambda checker, node, kids: checker.measure(node.value, node), 0),
    n.String: (_Checker.string, 0),
    n.Compare: (_Checker.compare, 2),
    n.Not: (_Checker.logic, 1),
    **dict.fromkeys((n.And, n.Or), (_Checker.logic, -1)),
    n.Boolean: (lambda checker, node, kids: BOOL, 0),
    n.Null: (lambda checker, node, kids: NULL, 0),
    n.ListLiteral: (_Checker.list_literal, 0),
    n.In: (_Checker.membership, 2),
    n.IsNull: (_Checker.is_null, 1),
    n.Arithmetic: (_Checker.arithmetic, 2),
    n.Negate: (_Checker.negate, 1),
    n.Call: (_Checker.call, -1),
}


def _rule_for(node: Node) -> _Rule:
    """The rule of a subclass of a node class."""
    for klass in type(node).__mro__:
        if klass in _RULES:
            return _RULES[klass]
    raise TypeError(f"not a condition node: {type(node).__name__}")  # pragma: no cover - every node kind is handled


def check_condition(
    node: Node,
    event_type: EventType | str,
    *,
    functions: FunctionRegistry | None = None,
    context: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    source: str | None = None,
    spans: Mapping[int, tuple[int, int]] | None = None,
    paths: Mapping[int, str] | None = None,
) -> CheckedCondition:
    """Type-check a condition tree for one event type.

    Args:
        node: The tree, from [parse_condition][thrilldrops_events.parse_condition] or the JSON form.
        event_type: The event type (an ``EventType`` or its name) whose payload the condition reads.
        functions: The callable functions; the built-ins if omitted.
        context: The declared context values, ``{"vip_level": "number", "segment": "string?"}``.
        limits: Size limits; the defaults if omitted.
        source: The condition text, to report positions (with ``spans``).
        spans: Where each node came from in ``source`` (from ``parse_with_spans``).
        paths: Where each node came from in the JSON form (from ``read_with_paths``).

    Raises:
        ConditionTypeError: On the first problem, with a suggestion where one is close.
        ConditionLimitError: If the tree is larger than ``limits`` allow.
        TypeError: If ``functions``, ``context`` or ``limits`` is not of its type.
    """
    check_options(functions, context, limits)
    return checked_tree(node, event_type, functions, context, limits, source, spans, paths)


def checked_tree(node: Node, event_type: EventType | str, functions: FunctionRegistry | None,
                 context: Mapping[str, Any] | None, limits: Limits | None, source: str | None,
                 spans: Mapping[int, tuple[int, int]] | None, paths: Mapping[int, str] | None,
                 order: Iterable[Node] | None = None) -> CheckedCondition:
    """``check_condition``, given the tree's nodes in the ``order`` the parser made them if it is known."""
    kind = _EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None  # members are strs too
    kind = kind or event_type_of(event_type)
    limits = limits or DEFAULT_LIMITS
    if not isinstance(node, Node):
        raise ConditionTypeError(f"expected a condition node, not {type(node).__name__}")
    if node._depth > limits.max_depth or node._size > limits.max_nodes:
        name, value, maximum = (("max_depth", node.depth, limits.max_depth) if node.depth > limits.max_depth
                                else ("max_nodes", node.size, limits.max_nodes))
        raise ConditionLimitError(f"condition exceeds {name} ({value:,} > {maximum:,})", limit=name, maximum=maximum)
    checker = _Checker(kind, functions or BUILTINS, declarations(context), limits, source, spans, paths)
    result = checker.walk(node, order)
    if result is not BOOL and result != BOOL:
        raise checker.fail(node, f"a condition is true or false, but this is {result.spoken}")
    # CheckedCondition(node=node, ...), its fields in their order, but without the frozen dataclass's __init__
    # setting each one through object.__setattr__ (a cost paid for every condition of a campaign set)
    checked = object.__new__(CheckedCondition)
    vars(checked).update(node=node, event_type=kind, types=checker.types, fields=tuple(checker.fields),
                         context=checker.context, functions=checker.called, needs_envelope=checker.envelope_read,
                         limits=limits)
    return checked
