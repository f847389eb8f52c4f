"""The JSON-form reader as it was before the faster one: the reference the equivalence tests compare with."""

from __future__ import annotations

import re
from collections.abc import Generator, Mapping
from typing import Any, TypeVar

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, describe, lone_surrogate
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._walk import fold, trampoline
from thrilldrops_events.conditions.jsonform_schema import (
    BINARY_OPS,
    JSON_FORM_VERSION,
    JSON_SCHEMA,
    MEMBERSHIP_OPS,
    NAME_PATTERN,
    NARY_OPS,
    NUMBER_PATTERN,
    UNARY_OPS,
    json_schema,
)
from thrilldrops_events.conditions.lexer import KEYWORDS, check_string_length, read_number
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.errors import ConditionLimitError, ConditionSyntaxError

__all__ = [
    "JSON_FORM_VERSION",
    "JSON_SCHEMA",
    "condition_from_json",
    "condition_to_json",
    "json_schema",
    "read_with_paths",
]


_NUMBER = re.compile(NUMBER_PATTERN)
_NAME = NAME_PATTERN
_FIELD = re.compile(rf"(?:(event|ctx)\.)?({_NAME})")
_UNARY, _BINARY, _MEMBERSHIP, _NARY = UNARY_OPS, BINARY_OPS, MEMBERSHIP_OPS, NARY_OPS
N = TypeVar("N", bound=Node)
_OPS: dict[type[Node], str] = {n.And: "and", n.Or: "or", n.Not: "not", n.Negate: "neg"}


# ---------------------------------------------------------------------------------------------- writing


def _write(node: Node, args: Any) -> dict[str, Any]:
    match node:
        case n.Number(value):
            return {"number": str(value)}
        case n.String(value) | n.Boolean(value):
            return {"value": value}
        case n.Null():
            return {"value": None}
        case n.ListLiteral(items):
            return {"list": [_write(item, ()) for item in items]}
        case n.FieldRef():
            return {"field": node.path}
        case n.Call(name):
            return {"call": name, "args": list(args)}
        case n.And() | n.Or() | n.Not() | n.Negate():
            op = _OPS[type(node)]
        case n.Compare(op) | n.Arithmetic(op):
            pass
        case n.In(negated=negated):
            op = "not in" if negated else "in"
        case n.IsNull(negated=negated):
            op = "is not null" if negated else "is null"
        case _:  # pragma: no cover - every node kind is handled
            raise TypeError(f"not a condition node: {type(node).__name__}")
    return {"op": op, "args": list(args)}


def condition_to_json(node: Node) -> dict[str, Any]:
    """The JSON form of a condition tree: ``{"version": 1, "condition": {...}}`` (plain dicts, lists, strings).

    Args:
        node: A tree from [parse_condition][thrilldrops_events.parse_condition] (or any node in one).
    """
    if not isinstance(node, Node):
        raise ConditionSyntaxError(f"condition_to_json expects a condition node, not {type(node).__name__}")
    return {"version": JSON_FORM_VERSION, "condition": fold(node, _write)}


# ---------------------------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0
        self.paths: dict[int, str] = {}

    def mark(self, node: N, path: str) -> N:
        self.paths[id(node)] = path
        return node

    def fail(self, message: str, path: str) -> ConditionSyntaxError:
        return ConditionSyntaxError(message, path=path)

    def count(self, path: str, amount: int = 1) -> None:
        self.nodes += amount
        if self.nodes > self.limits.max_nodes:
            raise ConditionLimitError(
                f"condition has more than {self.limits.max_nodes:,} nodes",
                limit="max_nodes",
                maximum=self.limits.max_nodes,
                path=path,
            )

    def shape(self, data: Any, path: str, keys: tuple[str, ...]) -> None:
        extra = [describe(key) for key in data if key not in keys]
        if extra:
            raise self.fail(f"unexpected key {min(extra)} beside {keys[0]!r}", path)
        for key in keys:
            if key not in data:
                beside = f" beside {keys[0]!r}" if key != keys[0] else ""
                raise self.fail(f"missing key {key!r}{beside}", path or key)

    def expression(self, data: Any, path: str, depth: int) -> Generator[Any, Any, Node]:
        if depth > self.limits.max_depth:
            raise ConditionLimitError(
                f"condition is nested more than {self.limits.max_depth} levels deep",
                limit="max_depth",
                maximum=self.limits.max_depth,
                path=path,
            )
        if not isinstance(data, Mapping):
            raise self.fail(f"an expression is a JSON object, not {_json_type(data)}", path)
        self.count(path)
        if "op" in data:
            self.shape(data, path, ("op", "args"))
            op, args = data["op"], self.arguments(data, path)
            known = _UNARY + _BINARY + _MEMBERSHIP + _NARY
            if not isinstance(op, str) or op not in known:
                raise self.fail(f"unknown op {describe(op)}; one of: {', '.join(known)}", f"{path}.op")
            arity = 1 if op in _UNARY else 2
            if (op in _NARY and len(args) < 2) or (op not in _NARY and len(args) != arity):
                wanted = "2 or more" if op in _NARY else str(arity)
                raise self.fail(f"op {op!r} takes {wanted} args, not {len(args)}", f"{path}.args")
            if op in _MEMBERSHIP:
                operand = yield (self.expression, args[0], f"{path}.args.0", depth + 1)
                self.count(f"{path}.args.1")
                items = self.mark(self.list_literal(args[1], f"{path}.args.1", depth + 1), f"{path}.args.1")
                return self.mark(n.In(operand, items, op == "not in"), path)
            kids: list[Node] = []
            for index, arg in enumerate(args):
                kids.append((yield (self.expression, arg, f"{path}.args.{index}", depth + 1)))
            return self.mark(_operator(op, kids), path)
        if "call" in data:
            self.shape(data, path, ("call", "args"))
            name, args = data["call"], self.arguments(data, path)
            if not isinstance(name, str) or not re.fullmatch(_NAME, name) or name in KEYWORDS:
                raise self.fail(f"function name must be a name such as lower, not {describe(name)}", f"{path}.call")
            call_args: list[Node] = []
            for index, arg in enumerate(args):
                call_args.append((yield (self.expression, arg, f"{path}.args.{index}", depth + 1)))
            return self.mark(n.Call(name, tuple(call_args)), path)
        if "field" in data:
            self.shape(data, path, ("field",))
            text = data["field"]
            match = _FIELD.fullmatch(text) if isinstance(text, str) else None
            if match is None or match.group(2) in KEYWORDS:
                raise self.fail(f"field must be a name, event.<name> or ctx.<name>, not {describe(text)}",
                                f"{path}.field")
            return self.mark(n.FieldRef(match.group(1) or "payload", match.group(2)), path)
        if "list" in data:
            return self.mark(self.list_literal(data, path, depth), path)
        literal = self.literal(data, path, allow_null=True)
        if literal is None:
            raise self.fail("an expression has one of the keys op, call, field, value, number or list", path)
        return self.mark(literal, path)

    def arguments(self, data: Mapping[str, Any], path: str) -> list[Any]:
        args = data["args"]
        if not isinstance(args, list):
            raise self.fail(f"args is a JSON array, not {_json_type(args)}", f"{path}.args")
        return args

    def literal(
        self, data: Mapping[str, Any], path: str, *, allow_null: bool
    ) -> n.Number | n.String | n.Boolean | n.Null | None:
        if "number" in data:
            self.shape(data, path, ("number",))
            text = data["number"]
            if not isinstance(text, str) or _NUMBER.fullmatch(text) is None:
                raise self.fail(f"number is a decimal string such as \"20.50\", not {describe(text)}", f"{path}.number")
            return n.Number(read_number(text, self.limits, path=f"{path}.number"))
        if "value" in data:
            self.shape(data, path, ("value",))
            value = data["value"]
            if type(value) is str:
                if lone_surrogate(value) >= 0:
                    raise self.fail(f"string {LONE_SURROGATE_MESSAGE}", f"{path}.value")
                check_string_length(value, self.limits, path=f"{path}.value")
                return n.String(value)
            if type(value) is bool:
                return n.Boolean(value)
            if value is None and allow_null:
                return n.Null()
            hint = '; write numbers as {"number": "20"}' if isinstance(value, (int, float)) else ""
            allowed = "a string, true, false or null" if allow_null else "a string, true or false"
            raise self.fail(f"value is {allowed}, not {_json_type(value)}{hint}", f"{path}.value")
        return None

    def list_literal(self, data: Any, path: str, depth: int) -> n.ListLiteral:
        if not isinstance(data, Mapping) or "list" not in data:
            raise self.fail('the right side of in is a list: {"list": [...]}', path)
        self.shape(data, path, ("list",))
        items = data["list"]
        if not isinstance(items, list):
            raise self.fail(f"list is a JSON array, not {_json_type(items)}", f"{path}.list")
        if depth + (1 if items else 0) > self.limits.max_depth:
            raise ConditionLimitError(
                f"condition is nested more than {self.limits.max_depth} levels deep",
                limit="max_depth",
                maximum=self.limits.max_depth,
                path=path,
            )
        if len(items) > self.limits.max_list_length:
            raise ConditionLimitError(
                f"list has more than {self.limits.max_list_length:,} items",
                limit="max_list_length",
                maximum=self.limits.max_list_length,
                path=f"{path}.list",
            )
        self.count(path, len(items))
        out: list[n.Number | n.String | n.Boolean] = []
        for index, item in enumerate(items):
            where = f"{path}.list.{index}"
            literal = self.literal(item, where, allow_null=False) if isinstance(item, Mapping) else None
            if literal is None or isinstance(literal, n.Null):
                raise self.fail('list items are {"number": "..."} or {"value": ...} (a string or boolean)', where)
            out.append(self.mark(literal, where))
        return n.ListLiteral(tuple(out))


def _operator(op: str, kids: list[Node]) -> Node:
    if op == "and":
        return n.And(tuple(kids))
    if op == "or":
        return n.Or(tuple(kids))
    if op == "not":
        return n.Not(kids[0])
    if op == "neg":
        return n.Negate(kids[0])
    if op in ("is null", "is not null"):
        return n.IsNull(kids[0], op == "is not null")
    if op in ("+", "-", "*", "/"):
        return n.Arithmetic(op, kids[0], kids[1])
    return n.Compare(op, kids[0], kids[1])


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def read_with_paths(document: Mapping[str, Any], limits: Limits | None = None) -> tuple[Node, dict[int, str]]:
    """Read the JSON form; also return the JSON path each node came from (``id(node) -> path``)."""
    if not isinstance(document, Mapping):
        raise ConditionSyntaxError(f"a condition document is a JSON object, not {_json_type(document)}", path="")
    reader = _Reader(limits or DEFAULT_LIMITS)
    reader.shape(document, "", ("version", "condition"))
    version = document["version"]
    if type(version) is not int or version != JSON_FORM_VERSION:
        raise ConditionSyntaxError(
            f"unsupported version {describe(version)}; this library reads version {JSON_FORM_VERSION}", path="version"
        )
    return trampoline(reader.expression(document["condition"], "condition", 1)), reader.paths


def condition_from_json(document: Mapping[str, Any], *, limits: Limits | None = None) -> Node:
    """Read the JSON form (as parsed JSON: dicts, lists, strings) back into a condition tree.

    Args:
        document: ``{"version": 1, "condition": {...}}``.
        limits: Size limits; the defaults if omitted.

    Raises:
        ConditionSyntaxError: If the document is not a condition; the error's ``path`` says where.
        ConditionLimitError: If it is larger than ``limits`` allow.
    """
    return read_with_paths(document, limits)[0]
