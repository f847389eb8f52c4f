"""The condition parser as it was before the fast one: the reference the equivalence tests compare with."""

from __future__ import annotations

from collections.abc import Generator
from decimal import Decimal
from typing import Any, TypeVar

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._node import ADDITIVE, COMPARISON, MULTIPLICATIVE, NOT, UNARY
from thrilldrops_events.conditions._walk import trampoline
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.errors import ConditionLimitError, ConditionSyntaxError

from .legacy_lexer import KEYWORDS, Token, tokenize

__all__ = ["Spans", "parse_condition", "parse_with_spans"]

#: Where each node of a parsed tree came from: ``id(node) -> (start, end)`` offsets in the text.
Spans = dict[int, tuple[int, int]]

N = TypeVar("N", bound=Node)
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_Parse = Generator[Any, Any, Node]


class _Parser:
    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.tokens = tokenize(source, limits)
        self.index = 0
        self.nesting = 0
        self.nodes = 0
        self.spans: Spans = {}

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: object = None) -> bool:
        token = self.tokens[self.index]
        return token.kind == kind and (value is None or token.value == value)

    def error(self, message: str, token: Token | None = None) -> ConditionSyntaxError:
        token = token or self.peek
        return ConditionSyntaxError(message, source=self.source, offset=token.start)

    def limit(self, message: str, name: str, token: Token) -> ConditionLimitError:
        maximum = getattr(self.limits, name)
        return ConditionLimitError(message, limit=name, maximum=maximum, source=self.source, offset=token.start)

    def expect(self, value: str, what: str) -> Token:
        if self.at("op", value):
            return self.advance()
        raise self.error(f"expected {what}, found {self.describe(self.peek)}")

    @staticmethod
    def describe(token: Token) -> str:
        if token.kind == "end":
            return "the end of the condition"
        if token.kind == "string":
            return "a string"
        if token.kind == "number":
            return f"the number {token.value}"
        return f"'{token.value}'"

    def made(self, node: N, start: int, end: int | None = None) -> N:
        self.nodes += 1
        if node.depth > self.limits.max_depth:
            raise self.limit(f"condition is nested more than {self.limits.max_depth} levels deep", "max_depth",
                             Token("op", None, start, start))
        if self.nodes > self.limits.max_nodes:
            raise self.limit(f"condition has more than {self.limits.max_nodes:,} nodes", "max_nodes",
                             Token("op", None, start, start))
        self.spans[id(node)] = (start, self.tokens[self.index - 1].end if end is None else end)
        return node

    def enter(self, token: Token) -> None:
        self.nesting += 1
        if self.nesting > self.limits.max_depth:
            raise self.limit(f"condition is nested more than {self.limits.max_depth} levels deep", "max_depth", token)

    # -- grammar ---------------------------------------------------------------------------------

    def condition(self) -> Node:
        node = trampoline(self.expression(0))
        if not self.at("end"):
            token = self.peek
            hint = ""
            if token.kind == "name" and token.value.lower() in KEYWORDS:
                hint = f"; keywords are lower case: '{token.value.lower()}'"
            raise self.error(f"expected an operator or the end, found {self.describe(token)}{hint}")
        return node

    def expression(self, floor: int) -> _Parse:
        start = self.peek.start
        left: Node = yield (self.prefix, floor)
        compared = False
        while True:
            token = self.peek
            word = token.value if token.kind in ("keyword", "op") else None
            if word == "or" and floor <= 1:
                left = yield (self.chain, left, start, "or", n.Or, 2)
            elif word == "and" and floor <= 2:
                left = yield (self.chain, left, start, "and", n.And, 3)
            elif floor > COMPARISON:
                if (word in ("+", "-") and floor <= ADDITIVE) or (word in ("*", "/") and floor <= MULTIPLICATIVE):
                    left = yield (self.arithmetic, left, start)
                else:
                    return left
            elif word in _COMPARISONS or word in ("in", "is") or (word == "not" and self.tokens[self.index + 1].value
                                                                   == "in"):
                if compared:
                    raise self.error("comparisons do not chain; join them with 'and'")
                compared = True
                left = yield (self.comparison, left, start)
            elif word in ("+", "-", "*", "/"):
                left = yield (self.arithmetic, left, start)
            else:
                return left

    def chain(self, left: Node, start: int, word: str, kind: type[n.And | n.Or], floor: int) -> _Parse:
        operands = [left]
        while self.at("keyword", word):
            self.advance()
            operands.append((yield (self.expression, floor)))
            if len(operands) > self.limits.max_nodes:
                raise self.limit(f"condition has more than {self.limits.max_nodes:,} nodes", "max_nodes", self.peek)
        return self.made(kind(tuple(operands)), start)

    def arithmetic(self, left: Node, start: int) -> _Parse:
        token = self.advance()
        op = str(token.value)
        right = yield (self.expression, (ADDITIVE if op in "+-" else MULTIPLICATIVE) + 1)
        return self.made(n.Arithmetic(op, left, right), start)

    def comparison(self, left: Node, start: int) -> _Parse:
        token = self.advance()
        word = token.value
        if word == "is":
            negated = self.at("keyword", "not")
            if negated:
                self.advance()
            if not self.at("keyword", "null"):
                raise self.error(f"expected 'null' after 'is{' not' if negated else ''}' (is compares with null only)")
            self.advance()
            return self.made(n.IsNull(left, negated), start)
        if word in ("in", "not"):
            if word == "not":
                self.advance()
            if not self.at("op", "["):
                raise self.error("expected a list such as [\"a\", \"b\"] after 'in'")
            items = self.list_literal()
            return self.made(n.In(left, items, word == "not"), start)
        right = yield (self.expression, ADDITIVE)
        return self.made(n.Compare(str(word), left, right), start)

    def list_literal(self) -> n.ListLiteral:
        opening = self.advance()
        items: list[n.Number | n.String | n.Boolean] = []
        while not self.at("op", "]"):
            if items:
                self.expect(",", "',' or ']' in the list")
                if self.at("op", "]"):
                    break
            token = self.advance()
            negative = token.kind == "op" and token.value == "-" and self.at("number")
            if negative:
                token = self.advance()
            if token.kind == "number":
                value: Decimal = token.value
                items.append(n.Number(value.copy_negate() if negative else value))
            elif token.kind == "string":
                items.append(n.String(str(token.value)))
            elif token.kind == "keyword" and token.value in ("true", "false"):
                items.append(n.Boolean(token.value == "true"))
            else:
                what = "null" if token.value == "null" else self.describe(token)
                raise self.error(f"list items are number, string or boolean literals, not {what}", token)
            self.spans[id(items[-1])] = (token.start, token.end)
            if len(items) > self.limits.max_list_length:
                raise self.limit(f"list has more than {self.limits.max_list_length:,} items", "max_list_length",
                                 opening)
            self.nodes += 1
        self.advance()
        return self.made(n.ListLiteral(tuple(items)), opening.start)

    def prefix(self, floor: int) -> _Parse:
        token = self.advance()
        kind, value = token.kind, token.value
        if kind == "number":
            return self.made(n.Number(value), token.start)
        if kind == "string":
            return self.made(n.String(str(value)), token.start)
        if kind == "keyword":
            if value in ("true", "false"):
                return self.made(n.Boolean(value == "true"), token.start)
            if value == "null":
                return self.made(n.Null(), token.start)
            if value == "not":
                if floor > NOT:
                    raise self.error("'not' needs parentheses here: write (not ...)", token)
                self.enter(token)
                operand = yield (self.expression, NOT)
                self.nesting -= 1
                return self.made(n.Not(operand), token.start)
        elif kind == "op":
            if value == "(":
                self.enter(token)
                inner: Node = yield (self.expression, 0)
                self.expect(")", "')'")
                self.nesting -= 1
                return inner
            if value == "-":
                if self.at("number"):
                    number = self.advance()
                    return self.made(n.Number(number.value.copy_negate()), token.start)
                counted = not self.at("op", "(")  # '-(' nests once: the parenthesis counts
                if counted:
                    self.enter(token)
                operand = yield (self.expression, UNARY)
                if counted:
                    self.nesting -= 1
                return self.made(n.Negate(operand), token.start)
            if value == "[":
                self.index -= 1
                return self.list_literal()
        elif kind == "name":
            node: Node = yield (self.reference, token)
            return node
        raise self.error(f"expected a value, found {self.describe(token)}", token)

    def reference(self, token: Token) -> _Parse:
        name = str(token.value)
        if self.at("op", "("):
            self.enter(token)
            self.advance()
            args: list[Node] = []
            while not self.at("op", ")"):
                if args:
                    self.expect(",", "',' or ')' after a function argument")
                args.append((yield (self.expression, 0)))
            self.advance()
            self.nesting -= 1
            return self.made(n.Call(name, tuple(args)), token.start)
        if self.at("op", "."):
            self.advance()
            if name not in ("event", "ctx"):
                raise self.error(
                    f"'{name}.' is not a scope: fields are written bare (amount), on the envelope as event.<name>, "
                    "and context values as ctx.<name>",
                    token,
                )
            member = self.advance()
            if member.kind != "name":
                raise self.error(f"expected a name after '{name}.'", member)
            return self.made(n.FieldRef(name, str(member.value)), token.start)
        return self.made(n.FieldRef("payload", name), token.start)
        yield  # pragma: no cover - makes this a generator


def parse_with_spans(source: str, limits: Limits | None = None) -> tuple[Node, Spans]:
    """Parse condition text; also return where each node came from (for error positions)."""
    parser = _Parser(source, limits or DEFAULT_LIMITS)
    return parser.condition(), parser.spans


def parse_condition(source: str, *, limits: Limits | None = None) -> Node:
    """Parse condition text into its tree, checking syntax and size only (not types: see ``compile_condition``).

    Args:
        source: The condition text, such as ``amount >= 20 and currency == "EUR"``.
        limits: Size limits; [DEFAULT_LIMITS][thrilldrops_events.conditions.DEFAULT_LIMITS] if omitted.

    Raises:
        ConditionSyntaxError: With the line, column and a caret under the problem.
        ConditionLimitError: If the text or the tree is larger than ``limits`` allow.
    """
    return parse_with_spans(source, limits)[0]
