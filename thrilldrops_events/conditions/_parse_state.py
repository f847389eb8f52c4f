"""The state of a parse and what every grammar rule uses: errors, spans, limits, shared literal nodes.

The grammar is in ``thrilldrops_events.conditions.parser``.
"""

from __future__ import annotations

from decimal import Decimal

from thrilldrops_events.conditions import _build as build
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.lexer import Lexeme, scan
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.errors import ConditionLimitError, ConditionSyntaxError

__all__ = ["ParseState", "Spans"]

#: Where each node of a parsed tree came from: ``id(node) -> (start, end)`` offsets in the text.
Spans = dict[int, tuple[int, int]]

class ParseState:
    """The lexemes of one text, the position in them, and what has been built so far."""

    def __init__(self, source: str, limits: Limits, item_spans: bool = True) -> None:
        self.source = source
        self.item_spans = item_spans  # else the items of plain lists are shared nodes, without spans
        self.limits = limits
        self.tokens = scan(source, limits)
        self.index = 0
        self.nesting = 0
        self.nodes = 0
        self.spans: Spans = {}
        self.order: list[Node] = []  # the nodes made, children first (list items left out)
        self.max_depth, self.max_nodes = limits.max_depth, limits.max_nodes
        self.want = 0  # the floor of the expression a prefix construct waits for

    # -- errors ----------------------------------------------------------------------------------

    def error(self, message: str, token: Lexeme | None = None) -> ConditionSyntaxError:
        token = token or self.tokens[self.index]
        return ConditionSyntaxError(message, source=self.source, offset=token[2])

    def limit(self, message: str, name: str, offset: int) -> ConditionLimitError:
        maximum = getattr(self.limits, name)
        return ConditionLimitError(message, limit=name, maximum=maximum, source=self.source, offset=offset)

    def too_deep(self, offset: int) -> ConditionLimitError:
        return self.limit(f"condition is nested more than {self.limits.max_depth} levels deep", "max_depth", offset)

    def too_long(self, offset: int) -> ConditionLimitError:
        maximum = self.limits.max_list_length
        return self.limit(f"list has more than {maximum:,} items", "max_list_length", offset)

    def too_many(self, offset: int) -> ConditionLimitError:
        return self.limit(f"condition has more than {self.limits.max_nodes:,} nodes", "max_nodes", offset)

    @staticmethod
    def describe(token: Lexeme) -> str:
        kind = token[0]
        if kind == "end":
            return "the end of the condition"
        if kind == "string":
            return "a string"
        if kind == "number":
            return f"the number {Decimal(token[1])}"
        return "'['" if kind == "list" else f"'{token[1]}'"

    def expect(self, kind: str, what: str) -> None:
        token = self.tokens[self.index]
        if token[0] != kind:
            raise self.error(f"expected {what}, found {self.describe(token)}")
        self.index += 1

    # -- nodes -----------------------------------------------------------------------------------

    def made(self, node: Node, start: int) -> Node:
        self.nodes += 1
        if node._depth > self.max_depth:
            raise self.too_deep(start)
        if self.nodes > self.max_nodes:
            raise self.too_many(start)
        self.spans[id(node)] = (start, self.tokens[self.index - 1][3])
        self.order.append(node)
        return node

    def leaf(self, node: Node, token: Lexeme) -> Node:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.too_many(token[2])
        self.spans[id(node)] = (token[2], token[3])
        self.order.append(node)
        return node

    def string(self, value: str) -> n.String:
        return build.shared_string(value, self.spans)

    def number(self, text: str, negative: bool = False) -> n.Number:
        return build.shared_number(text, self.spans, negative)

    def field(self, scope: str, name: str) -> n.FieldRef:
        return build.shared_field(scope, name, self.spans)

    def enter(self, token: Lexeme) -> None:
        self.nesting += 1
        if self.nesting > self.limits.max_depth:
            raise self.too_deep(token[2])
