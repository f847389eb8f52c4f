"""Build condition nodes without their constructors' checks, for readers that have already made them.

The parser and the JSON-form reader only ever build nodes whose fields they have checked (a
name matched the name pattern, an operator is one of the grammar's, a number is a finite
``Decimal``), so the constructors' checks and the dataclass machinery would be paid twice. The
builders here fill the same slots with the same values and cache the same depth, size and hash
as ``Node._seal`` does, so a built node is equal (and hashes equal) to the one its constructor
makes; the tests compare both on every node class.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Container
from decimal import Decimal
from typing import Any

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.nodes import Node

__all__ = ["FIELDS", "STRINGS", "arithmetic", "boolean", "call", "chain", "compare", "field", "is_null",
           "list_literal", "member", "negate", "not_", "null", "number", "shared_field", "shared_number",
           "shared_string", "string"]

_new = object.__new__


def _slot(cls: type[Node], name: str) -> Callable[[Any, Any], None]:
    """The setter of one slot of ``cls`` (the member descriptor's ``__set__``, which skips ``__setattr__``)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            setter: Callable[[Any, Any], None] = klass.__dict__[name].__set__
            return setter
    raise AttributeError(name)  # pragma: no cover - every name used below is a slot


_DEPTH, _SIZE, _HASH = _slot(Node, "_depth"), _slot(Node, "_size"), _slot(Node, "_hash")
_STRING_VALUE = _slot(n.String, "value")
_NUMBER_VALUE = _slot(n.Number, "value")
_FIELD_SCOPE, _FIELD_NAME = _slot(n.FieldRef, "scope"), _slot(n.FieldRef, "name")
_LIST_ITEMS = _slot(n.ListLiteral, "items")
_CALL_NAME, _CALL_ARGS = _slot(n.Call, "name"), _slot(n.Call, "args")
_BINARY = {cls: (_slot(cls, "op"), _slot(cls, "left"), _slot(cls, "right")) for cls in (n.Compare, n.Arithmetic)}
_CHAIN = {cls: _slot(cls, "operands") for cls in (n.And, n.Or)}
_UNARY = {cls: _slot(cls, "operand") for cls in (n.Not, n.Negate)}
_IN = (_slot(n.In, "operand"), _slot(n.In, "items"), _slot(n.In, "negated"))
_IS_NULL = (_slot(n.IsNull, "operand"), _slot(n.IsNull, "negated"))
_BOOLEAN_VALUE = _slot(n.Boolean, "value")
_HASH_OF = operator.attrgetter("_hash")


def _leaf(node: Node, key: tuple[Any, ...]) -> None:
    _DEPTH(node, 1)
    _SIZE(node, 1)
    _HASH(node, hash((type(node).__name__, key)))


def _seal(node: Node, key: tuple[Any, ...], kids: tuple[Node, ...]) -> None:
    depth = size = 0
    for kid in kids:
        if kid._depth > depth:
            depth = kid._depth
        size += kid._size
    _DEPTH(node, depth + 1)
    _SIZE(node, size + 1)
    _HASH(node, hash((type(node).__name__, key, tuple([kid._hash for kid in kids]))))


def string(value: str) -> n.String:
    """``String(value)``."""
    node = _new(n.String)
    _STRING_VALUE(node, value)
    _DEPTH(node, 1)
    _SIZE(node, 1)
    _HASH(node, hash(("String", (value,))))
    return node


def number(value: Decimal) -> n.Number:
    """``Number(value)``, for a finite ``value``."""
    node = _new(n.Number)
    _NUMBER_VALUE(node, value)
    _leaf(node, (str(value),))
    return node


def boolean(value: bool) -> n.Boolean:
    """``Boolean(value)``."""
    node = _new(n.Boolean)
    _BOOLEAN_VALUE(node, value)
    _leaf(node, (value,))
    return node


def null() -> n.Null:
    """``Null()``."""
    node = _new(n.Null)
    _leaf(node, ())
    return node


def field(scope: str, name: str) -> n.FieldRef:
    """``FieldRef(scope, name)``, for a scope of ``SCOPES`` and an ASCII name."""
    node = _new(n.FieldRef)
    _FIELD_SCOPE(node, scope)
    _FIELD_NAME(node, name)
    _leaf(node, (scope, name))
    return node


def list_literal(items: tuple[n.Number | n.String | n.Boolean, ...]) -> n.ListLiteral:
    """``ListLiteral(items)``: its items are literals, leaves of depth 1 and size 1."""
    node = _new(n.ListLiteral)
    _LIST_ITEMS(node, items)
    if items:
        _DEPTH(node, 2)
        _SIZE(node, len(items) + 1)
        _HASH(node, hash(("ListLiteral", (), tuple(map(_HASH_OF, items)))))
    else:
        _leaf(node, ())
    return node


def compare(op: str, left: Node, right: Node) -> n.Compare:
    """``Compare(op, left, right)``."""
    node: n.Compare = _binary(n.Compare, op, left, right)
    return node


def arithmetic(op: str, left: Node, right: Node) -> n.Arithmetic:
    """``Arithmetic(op, left, right)``."""
    node: n.Arithmetic = _binary(n.Arithmetic, op, left, right)
    return node


def _binary(cls: type[Any], op: str, left: Node, right: Node) -> Any:
    node = _new(cls)
    set_op, set_left, set_right = _BINARY[cls]
    set_op(node, op)
    set_left(node, left)
    set_right(node, right)
    _DEPTH(node, (left._depth if left._depth > right._depth else right._depth) + 1)
    _SIZE(node, left._size + right._size + 1)
    _HASH(node, hash((cls.__name__, (op,), (left._hash, right._hash))))
    return node


def chain(cls: type[n.And | n.Or], operands: tuple[Node, ...]) -> n.And | n.Or:
    """``And(operands)`` or ``Or(operands)``, for two or more operands."""
    node = _new(cls)
    _CHAIN[cls](node, operands)
    _seal(node, (), operands)
    return node


def not_(operand: Node) -> n.Not:
    """``Not(operand)``."""
    node: n.Not = _unary(n.Not, operand)
    return node


def negate(operand: Node) -> n.Negate:
    """``Negate(operand)``."""
    node: n.Negate = _unary(n.Negate, operand)
    return node


def _unary(cls: type[Any], operand: Node) -> Any:
    node = _new(cls)
    _UNARY[cls](node, operand)
    _DEPTH(node, operand._depth + 1)
    _SIZE(node, operand._size + 1)
    _HASH(node, hash((cls.__name__, (), (operand._hash,))))
    return node


def member(operand: Node, items: n.ListLiteral, negated: bool) -> n.In:
    """``In(operand, items, negated)``."""
    node = _new(n.In)
    set_operand, set_items, set_negated = _IN
    set_operand(node, operand)
    set_items(node, items)
    set_negated(node, negated)
    _DEPTH(node, (operand._depth if operand._depth > items._depth else items._depth) + 1)
    _SIZE(node, operand._size + items._size + 1)
    _HASH(node, hash(("In", (negated,), (operand._hash, items._hash))))
    return node


def is_null(operand: Node, negated: bool) -> n.IsNull:
    """``IsNull(operand, negated)``."""
    node = _new(n.IsNull)
    set_operand, set_negated = _IS_NULL
    set_operand(node, operand)
    set_negated(node, negated)
    _DEPTH(node, operand._depth + 1)
    _SIZE(node, operand._size + 1)
    _HASH(node, hash(("IsNull", (negated,), (operand._hash,))))
    return node


def call(name: str, args: tuple[Node, ...]) -> n.Call:
    """``Call(name, args)``, for an ASCII name."""
    node = _new(n.Call)
    _CALL_NAME(node, name)
    _CALL_ARGS(node, args)
    if args:
        _seal(node, (name,), args)
    else:
        _leaf(node, (name,))
    return node


# ---------------------------------------------------------------------------------------------- shared nodes

#: String literals, number literals (by their text) and references (by their path) already built: nodes are
#: immutable, so conditions share them; within one condition each occurrence is a node of its own, with its
#: own position (``seen``: the nodes placed so far). Short texts only, at most ``_KEPT`` of each kind.
STRINGS: dict[str, n.String] = {}
NUMBERS: dict[str, n.Number] = {}
FIELDS: dict[str, n.FieldRef] = {}
_KEPT, _SHORT = 4_096, 64


def _keep(table: dict[str, Any], key: str, node: Node) -> None:
    if len(key) <= _SHORT:
        if len(table) >= _KEPT:
            table.clear()
        table[key] = node


def shared_string(value: str, seen: Container[int]) -> n.String:
    """``String(value)``: a shared one, unless it is in ``seen`` already."""
    node = STRINGS.get(value)
    if node is None or id(node) in seen:
        fresh = string(value)
        if node is None:
            _keep(STRINGS, value, fresh)
        return fresh
    return node


def shared_number(text: str, seen: Container[int], negative: bool = False) -> n.Number:
    """``Number(Decimal(text))`` (negated), for the text of a number literal within the limits."""
    key = "-" + text if negative else text
    node = NUMBERS.get(key)
    if node is None or id(node) in seen:
        value = Decimal(text)
        fresh = number(value.copy_negate() if negative else value)
        if node is None:
            _keep(NUMBERS, key, fresh)
        return fresh
    return node


def shared_field(scope: str, name: str, seen: Container[int]) -> n.FieldRef:
    """``FieldRef(scope, name)``: a shared one, unless it is in ``seen`` already."""
    key = name if scope == "payload" else f"{scope}.{name}"
    node = FIELDS.get(key)
    if node is None or id(node) in seen:
        fresh = field(scope, name)
        if node is None:
            _keep(FIELDS, key, fresh)
        return fresh
    return node
