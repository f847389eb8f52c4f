"""The versioned JSON form of a condition, both ways, and its JSON Schema.

A campaign UI stores conditions as JSON documents::

    {"version": 1,
     "condition": {"op": "and", "args": [
         {"op": ">=", "args": [{"field": "amount"}, {"number": "20"}]},
         {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}]}}

Every expression is an object with exactly one of these shapes:

* ``{"op": OP, "args": [...]}`` for an operator: ``or`` and ``and`` (two or more args), ``not`` and
  ``neg`` (one), ``== != < <= > >=``, ``+ - * /`` (two), ``in`` and ``not in`` (an expression and a
  ``list``), ``is null`` and ``is not null`` (one);
* ``{"call": NAME, "args": [...]}`` for a function call;
* ``{"field": "amount"}``, ``{"field": "event.timestamp"}``, ``{"field": "ctx.vip_level"}``;
* ``{"value": "EUR"}``, ``{"value": true}``, ``{"value": null}`` for string, boolean and null literals;
* ``{"number": "20.50"}`` for a number literal, as a decimal string so that it stays exact;
* ``{"list": [...]}`` holding ``number`` and ``value`` (string or boolean) literals.

Reading is iterative and checked against the ``Limits``, so a hostile document (deep,
huge or cyclic) is refused with an error naming its JSON path. The JSON Schema of the form is in
``thrilldrops_events.conditions.jsonform_schema`` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, describe, lone_surrogate
from thrilldrops_events.conditions import _build as build
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._jsonpath import JsonPath, SpeltPaths
from thrilldrops_events.conditions._walk import fold
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
from thrilldrops_events.conditions.limits import Limits, limits_or_default
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.errors import ConditionError, ConditionLimitError, ConditionSyntaxError

__all__ = [
    "JSON_FORM_VERSION",
    "JSON_SCHEMA",
    "condition_from_json",
    "condition_to_json",
    "json_schema",
    "read_with_paths",
]


_NUMBER = re.compile(NUMBER_PATTERN)
_NAME = re.compile(NAME_PATTERN)
_CALL = "call "  # on the reader's stack, a call to f waits as the operator "call f"
_FIELD = re.compile(rf"(?:(event|ctx)\.)?({NAME_PATTERN})")
_UNARY, _BINARY, _MEMBERSHIP, _NARY = UNARY_OPS, BINARY_OPS, MEMBERSHIP_OPS, NARY_OPS
_KNOWN = _UNARY + _BINARY + _MEMBERSHIP + _NARY
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
        self.short = min(limits.max_number_digits, limits.max_number_exponent)
        self.nodes = 0
        self.paths: dict[int, JsonPath] = {}  # spelt out only when read: see _jsonpath
        self.at = JsonPath(None, "")  # the expression (or list) being read, for an error raised by the input's own code

    def mark(self, node: N, path: JsonPath) -> N:
        self.paths[id(node)] = path
        return node

    def fail(self, message: str, path: JsonPath | str) -> ConditionSyntaxError:
        return ConditionSyntaxError(message, path=str(path))

    def count(self, path: JsonPath, amount: int = 1) -> None:
        self.nodes += amount
        if self.nodes > self.limits.max_nodes:
            raise ConditionLimitError(
                f"condition has more than {self.limits.max_nodes:,} nodes",
                limit="max_nodes",
                maximum=self.limits.max_nodes,
                path=str(path),
            )

    def shape(self, data: Any, path: JsonPath, keys: tuple[str, ...]) -> None:
        if len(data) == len(keys):
            for key in keys:
                if key not in data:
                    break
            else:
                return
        extra = [describe(key) for key in data if key not in keys]
        if extra:
            raise self.fail(f"unexpected key {min(extra)} beside {keys[0]!r}", path)
        for key in keys:
            if key not in data:
                beside = f" beside {keys[0]!r}" if key != keys[0] else ""
                raise self.fail(f"missing key {key!r}{beside}", str(path) or key)

    def read(self, data: Any, path: JsonPath) -> Node:
        """The tree of an expression: operators wait on a stack for their arguments, without recursion."""
        stack: list[tuple[str, list[Any], JsonPath, int, list[Node]]] = []
        node = self.start(data, path, 1, stack)
        while True:
            if node is None:  # the operator on top of the stack wants its next argument
                op, args, where, depth, kids = stack[-1]
                node = self.start(args[len(kids)], JsonPath(where, f"args.{len(kids)}"), depth + 1, stack)
                continue
            if not stack:
                return node
            op, args, where, depth, kids = stack[-1]
            kids.append(node)
            if len(kids) < (1 if op in _MEMBERSHIP else len(args)):
                node = None
                continue
            stack.pop()
            if op in _MEMBERSHIP:  # the list is a node one level below the in, as in the text's tree
                right = JsonPath(where, "args.1")
                self.count(right)
                items = self.mark(self.list_literal(args[1], right, depth + 1), right)
                node = self.mark(build.member(kids[0], items, op == "not in"), where)
            else:
                node = self.mark(_operator(op, kids), where)

    def too_deep(self, path: JsonPath) -> None:
        raise ConditionLimitError(
            f"condition is nested more than {self.limits.max_depth} levels deep",
            limit="max_depth",
            maximum=self.limits.max_depth,
            path=str(path),
        )

    def start(self, data: Any, path: JsonPath, depth: int, stack: list[Any]) -> Node | None:
        """The node of a leaf expression, or ``None`` after pushing an operator (or a call) with arguments."""
        if depth > self.limits.max_depth:
            self.too_deep(path)
        self.at = path
        if not (type(data) is dict or isinstance(data, Mapping)):
            raise self.fail(f"an expression is a JSON object, not {_json_type(data)}", path)
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self.count(path, 0)
        if "op" in data:
            self.shape(data, path, ("op", "args"))
            op, args = _plain(data["op"]), self.arguments(data, path)
            if not isinstance(op, str) or op not in _KNOWN:
                raise self.fail(f"unknown op {describe(op)}; one of: {', '.join(_KNOWN)}", f"{path}.op")
            arity = 1 if op in _UNARY else 2
            if (op in _NARY and len(args) < 2) or (op not in _NARY and len(args) != arity):
                wanted = "2 or more" if op in _NARY else str(arity)
                raise self.fail(f"op {op!r} takes {wanted} args, not {len(args)}", f"{path}.args")
            stack.append((op, args, path, depth, []))
            return None
        if "call" in data:
            self.shape(data, path, ("call", "args"))
            name, args = _plain(data["call"]), self.arguments(data, path)
            if not isinstance(name, str) or not _NAME.fullmatch(name) or name in KEYWORDS:
                raise self.fail(f"function name must be a name such as lower, not {describe(name)}", f"{path}.call")
            if not args:
                return self.mark(build.call(name, ()), path)
            stack.append((_CALL + name, args, path, depth, []))
            return None
        if "field" in data:
            self.shape(data, path, ("field",))
            text = _plain(data["field"])
            match = _FIELD.fullmatch(text) if isinstance(text, str) else None
            if match is None or match.group(2) in KEYWORDS:
                raise self.fail(f"field must be a name, event.<name> or ctx.<name>, not {describe(text)}",
                                f"{path}.field")
            return self.mark(build.shared_field(match.group(1) or "payload", match.group(2), self.paths), path)
        if "list" in data:
            return self.mark(self.list_literal(data, path, depth), path)
        literal = self.literal(data, path, allow_null=True)
        if literal is None:
            raise self.fail("an expression has one of the keys op, call, field, value, number or list", path)
        return self.mark(literal, path)

    def number(self, text: str, path: JsonPath) -> Decimal:
        """A number literal beyond the short ones, measured; its path is spelt out only if it is refused."""
        try:
            return read_number(text, self.limits)
        except ConditionLimitError as error:
            raise ConditionLimitError(error.message, limit=error.limit, maximum=error.maximum,
                                      path=f"{path}.number") from None

    def arguments(self, data: Mapping[str, Any], path: JsonPath) -> list[Any]:
        args = data["args"]
        if not isinstance(args, list):
            raise self.fail(f"args is a JSON array, not {_json_type(args)}", f"{path}.args")
        return args

    def literal(
        self, data: Mapping[str, Any], path: JsonPath, *, allow_null: bool
    ) -> n.Number | n.String | n.Boolean | n.Null | None:
        if "number" in data:
            self.shape(data, path, ("number",))
            text = _plain(data["number"])
            if not isinstance(text, str) or _NUMBER.fullmatch(text) is None:
                raise self.fail(f"number is a decimal string such as \"20.50\", not {describe(text)}", f"{path}.number")
            if len(text) <= self.short and "e" not in text and "E" not in text:  # within the limits
                return build.shared_number(text, self.paths)
            return build.number(self.number(text, path))
        if "value" in data:
            self.shape(data, path, ("value",))
            value = _plain(data["value"])
            if type(value) is str:
                if lone_surrogate(value) >= 0:
                    raise self.fail(f"string {LONE_SURROGATE_MESSAGE}", f"{path}.value")
                if len(value) > self.limits.max_string_length:
                    check_string_length(value, self.limits, path=f"{path}.value")
                return build.shared_string(value, self.paths)
            if type(value) is bool:
                return build.boolean(value)
            if value is None and allow_null:
                return build.null()
            hint = '; write numbers as {"number": "20"}' if isinstance(value, (int, float)) else ""
            allowed = "a string, true, false or null" if allow_null else "a string, true or false"
            raise self.fail(f"value is {allowed}, not {_json_type(value)}{hint}", f"{path}.value")
        return None

    def list_literal(self, data: Any, path: JsonPath, depth: int) -> n.ListLiteral:
        """A list at ``depth`` (already counted as a node); its items are counted and one level below it."""
        self.at = path
        if not isinstance(data, Mapping) or "list" not in data:
            raise self.fail('the right side of in is a list: {"list": [...]}', path)
        self.shape(data, path, ("list",))
        items = data["list"]
        if not isinstance(items, list):
            raise self.fail(f"list is a JSON array, not {_json_type(items)}", f"{path}.list")
        if depth + (1 if items else 0) > self.limits.max_depth:
            self.too_deep(path)
        if len(items) > self.limits.max_list_length:
            raise ConditionLimitError(
                f"list has more than {self.limits.max_list_length:,} items",
                limit="max_list_length",
                maximum=self.limits.max_list_length,
                path=f"{path}.list",
            )
        self.count(path, len(items))
        out: list[n.Number | n.String | n.Boolean] = []
        paths, longest = self.paths, self.limits.max_string_length
        for index, item in enumerate(items):
            where = JsonPath(path, f"list.{index}")
            value = item.get("value") if type(item) is dict and len(item) == 1 else None
            if type(value) is str and len(value) <= longest and (value.isascii() or lone_surrogate(value) < 0):
                literal: Node | None = build.shared_string(value, paths)  # the common case: {"value": "..."}
            else:
                literal = self.literal(item, where, allow_null=False) if type(item) is dict or isinstance(
                    item, Mapping) else None
            if not isinstance(literal, (n.Number, n.String, n.Boolean)):
                raise self.fail('list items are {"number": "..."} or {"value": ...} (a string or boolean)', where)
            out.append(literal)
            paths[id(literal)] = where
        return build.list_literal(tuple(out))


def _operator(op: str, kids: list[Node]) -> Node:
    if op.startswith(_CALL):
        return build.call(op[len(_CALL):], tuple(kids))
    if op == "and":
        return build.chain(n.And, tuple(kids))
    if op == "or":
        return build.chain(n.Or, tuple(kids))
    if op == "not":
        return build.not_(kids[0])
    if op == "neg":
        return build.negate(kids[0])
    if op in ("is null", "is not null"):
        return build.is_null(kids[0], op == "is not null")
    if op in ("+", "-", "*", "/"):
        return build.arithmetic(op, kids[0], kids[1])
    return build.compare(op, kids[0], kids[1])


def _plain(value: Any) -> Any:
    """A plain ``str`` of a ``str`` subclass (its text; its methods may say otherwise), else ``value`` itself."""
    return str.__str__(value) if isinstance(value, str) and type(value) is not str else value


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


def read_with_paths(document: Mapping[str, Any], limits: Limits | None = None) -> tuple[Node, Mapping[int, str]]:
    """Read the JSON form; also return the JSON path each node came from (``id(node) -> path``).

    The paths are spelt out when they are looked up, so reading a deep document costs time and
    memory in proportion to its size, not to the sum of its nodes' depths.
    """
    reader = _Reader(limits_or_default(limits))
    if not isinstance(document, Mapping):
        raise ConditionSyntaxError(f"a condition document is a JSON object, not {_json_type(document)}", path="")
    try:
        reader.shape(document, reader.at, ("version", "condition"))
        version = document["version"]
        if type(version) is not int or version != JSON_FORM_VERSION:
            raise ConditionSyntaxError(
                f"unsupported version {describe(version)}; this library reads version {JSON_FORM_VERSION}",
                path="version",
            )
        return reader.read(document["condition"], JsonPath(None, "condition")), SpeltPaths(reader.paths)
    except (ConditionError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as error:  # a mapping (or a key) of the caller's whose own methods raise
        raise ConditionSyntaxError(f"the document could not be read: one of its objects raised {type(error).__name__}",
                                   path=str(reader.at)) from error


def condition_from_json(document: Mapping[str, Any], *, limits: Limits | None = None) -> Node:
    """Read the JSON form (as parsed JSON: dicts, lists, strings) back into a condition tree.

    Args:
        document: ``{"version": 1, "condition": {...}}``.
        limits: Size limits; the defaults if omitted.

    Raises:
        ConditionSyntaxError: If the document is not a condition; the error's ``path`` says where.
        ConditionLimitError: If it is larger than ``limits`` allow.
        TypeError: If ``limits`` is neither ``None`` nor a ``Limits``.
    """
    return read_with_paths(document, limits)[0]
