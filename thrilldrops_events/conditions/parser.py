"""Condition text to a tree: precedence climbing on an explicit stack, without Python recursion.

The text is split into lexemes first (``lexer.scan``: one regular expression; a list literal of
plain strings and numbers is one lexeme), so every lexical error is reported before any
grammatical one. The parser then climbs precedence with the pending constructs (an operator
waiting for its right side, an open parenthesis, a call reading its arguments) in a list rather
than on the interpreter's stack; nesting (parentheses, ``not``, unary minus, calls) and the depth
and size of the tree are checked against the ``Limits`` as the tree is built, so 100,000 opening
parentheses are refused after the first few hundred.

Precedence, lowest first: ``or``; ``and``; ``not``; comparisons (``== != < <= > >=``, ``in``,
``not in``, ``is null``, ``is not null``), which do not chain; ``+ -``; ``* /``; unary ``-``.
"""

from __future__ import annotations

from typing import Any, cast

from thrilldrops_events.conditions import _build as build
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions._node import ADDITIVE, COMPARISON, MULTIPLICATIVE, NOT, UNARY
from thrilldrops_events.conditions._parse_state import ParseState, Spans
from thrilldrops_events.conditions.lexer import DOUBLE_QUOTED_ITEM, KEYWORDS, LIST_ITEM, Lexeme
from thrilldrops_events.conditions.limits import Limits, limits_or_default
from thrilldrops_events.conditions.nodes import Node

__all__ = ["Spans", "parse_condition", "parse_in_order", "parse_with_spans"]

_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_LITERALS = frozenset({"string", "number"})
_ARITHMETIC = {"+": ADDITIVE, "-": ADDITIVE, "*": MULTIPLICATIVE, "/": MULTIPLICATIVE}
# For each chain: the highest floor that reads it, the floor of its operands, and its node.
_CHAINS: dict[str, tuple[int, int, type[n.And | n.Or]]] = {"or": (1, 2, n.Or), "and": (2, 3, n.And)}
# What waits on the stack for an expression: (what, a, b, floor, start, compared), the last three
# being the state of the expression it belongs to.
_CHAIN, _ARITH, _COMPARE, _PAREN, _NOT, _NEGATE, _CALL = range(7)
_Frame = tuple[int, Any, Any, int, int, bool]


class _Parser(ParseState):
    def condition(self) -> Node:
        node = self.expression()
        token = self.tokens[self.index]
        if token[0] != "end":
            hint = ""
            if token[0] == "name" and token[1].lower() in KEYWORDS:
                hint = f"; keywords are lower case: '{token[1].lower()}'"
            raise self.error(f"expected an operator or the end, found {self.describe(token)}{hint}")
        return node

    def expression(self) -> Node:
        """The whole expression: operands by ``prefix``, operators here, what waits for an operand on ``stack``."""
        tokens = self.tokens
        stack: list[_Frame] = []
        floor = 0
        while True:
            start, compared = tokens[self.index][2], False
            node = self.prefix(floor, stack)
            while node is not None:  # None: a construct waits for an expression at self.want
                kind = tokens[self.index][0]
                if kind in _CHAINS and floor <= _CHAINS[kind][0]:
                    self.index += 1
                    stack.append((_CHAIN, [node], kind, floor, start, compared))
                    self.want = _CHAINS[kind][1]
                    break
                if floor > COMPARISON and not (kind in _ARITHMETIC and floor <= _ARITHMETIC[kind]):
                    pass  # above comparisons only tighter arithmetic continues the expression
                elif kind in _COMPARISONS:
                    if compared:
                        raise self.error("comparisons do not chain; join them with 'and'")
                    right = tokens[self.index + 1]
                    if right[0] in _LITERALS and tokens[self.index + 2][0] not in _ARITHMETIC:
                        self.index += 2  # a literal on the right: the comparison is complete
                        literal = self.string(right[1]) if right[0] == "string" else self.number(right[1])
                        node = self.made(build.compare(kind, node, self.leaf(literal, right)), start)
                        compared = True
                        continue
                    self.index += 1
                    stack.append((_COMPARE, kind, node, floor, start, True))
                    self.want = ADDITIVE
                    break
                elif kind == "in" or kind == "is" or (kind == "not" and tokens[self.index + 1][1] == "in"):
                    if compared:
                        raise self.error("comparisons do not chain; join them with 'and'")
                    node, compared = self.test(node, start), True
                    continue
                elif kind in _ARITHMETIC:
                    self.index += 1
                    stack.append((_ARITH, kind, node, floor, start, compared))
                    self.want = _ARITHMETIC[kind] + 1
                    break
                if not stack:
                    return node
                frame = stack.pop()
                _, _, _, floor, start, compared = frame
                node = self.resume(frame, node, stack)
            floor = self.want

    def prefix(self, floor: int, stack: list[_Frame]) -> Node | None:
        """An operand; ``None`` after pushing a construct that waits for an expression at ``self.want``."""
        token = self.tokens[self.index]
        self.index += 1
        kind, value, start = token[0], token[1], token[2]
        if kind == "name":
            after = self.tokens[self.index][0]
            if after != "(" and after != ".":  # a payload field
                node = build.FIELDS.get(value)
                if node is None or id(node) in self.spans:
                    node = self.field("payload", value)
                return self.leaf(node, token)
            return self.reference(token, floor, stack)
        if kind == "number":
            return self.leaf(self.number(value), token)
        if kind == "string":
            return self.leaf(self.string(value), token)
        if kind == "list":
            return self.plain_list(token)
        if kind == "true" or kind == "false":
            return self.leaf(build.boolean(kind == "true"), token)
        if kind == "null":
            return self.leaf(build.null(), token)
        if kind == "(":
            self.enter(token)
            stack.append((_PAREN, None, None, floor, start, False))
            self.want = 0
            return None
        if kind == "not":
            if floor > NOT:
                raise self.error("'not' needs parentheses here: write (not ...)", token)
            self.enter(token)
            stack.append((_NOT, None, None, floor, start, False))
            self.want = NOT
            return None
        if kind == "-":
            number = self.tokens[self.index]
            if number[0] == "number":
                self.index += 1
                return self.made(self.number(number[1], negative=True), start)
            # '-(' nests once, as its tree does (-(-(-x)) is the canonical text of three minuses): the '(' counts
            counted = number[0] != "("
            if counted:
                self.enter(token)
            stack.append((_NEGATE, counted, None, floor, start, False))
            self.want = UNARY
            return None
        if kind == "[":
            self.index -= 1
            return self.list_literal()
        raise self.error(f"expected a value, found {self.describe(token)}", token)

    def reference(self, token: Lexeme, floor: int, stack: list[_Frame]) -> Node | None:
        name = token[1]
        after = self.tokens[self.index][0]
        if after == "(":
            self.enter(token)
            self.index += 1
            if self.tokens[self.index][0] == ")":
                self.index += 1
                self.nesting -= 1
                return self.made(build.call(name, ()), token[2])
            stack.append((_CALL, name, [], floor, token[2], False))
            self.want = 0
            return None
        if after == ".":
            self.index += 1
            if name not in ("event", "ctx"):
                raise self.error(
                    f"'{name}.' is not a scope: fields are written bare (amount), on the envelope as event.<name>, "
                    "and context values as ctx.<name>",
                    token,
                )
            member = self.tokens[self.index]
            self.index += 1
            if member[0] != "name":
                raise self.error(f"expected a name after '{name}.'", member)
            return self.made(self.field(name, member[1]), token[2])
        return self.leaf(self.field("payload", name), token)

    def resume(self, frame: _Frame, node: Node, stack: list[_Frame]) -> Node | None:
        """Give ``node`` to what waited for it: the construct it completes, or ``None`` when that wants more."""
        what, first, second, _, start, _ = frame
        if what == _CHAIN:
            first.append(node)
            if len(first) > self.limits.max_nodes:
                raise self.too_many(self.tokens[self.index][2])
            if self.tokens[self.index][0] == second:
                self.index += 1
                stack.append(frame)
                self.want = _CHAINS[second][1]
                return None
            return self.made(build.chain(_CHAINS[second][2], tuple(first)), start)
        if what == _COMPARE:
            return self.made(build.compare(first, second, node), start)
        if what == _ARITH:
            return self.made(build.arithmetic(first, second, node), start)
        if what == _CALL:
            second.append(node)
            if self.tokens[self.index][0] != ")":
                self.expect(",", "',' or ')' after a function argument")
                stack.append(frame)
                self.want = 0
                return None
            self.index += 1
        elif what == _PAREN:
            self.expect(")", "')'")
        if what != _NEGATE or first:  # a minus before '(' did not count a level
            self.nesting -= 1
        if what == _NOT:
            return self.made(build.not_(node), start)
        if what == _NEGATE:
            return self.made(build.negate(node), start)
        if what == _CALL:
            return self.made(build.call(first, tuple(second)), start)
        return node

    def test(self, left: Node, start: int) -> Node:
        """``in [...]``, ``not in [...]``, ``is null``, ``is not null`` after ``left``."""
        word = self.tokens[self.index][0]
        self.index += 1
        if word == "is":
            negated = self.tokens[self.index][0] == "not"
            if negated:
                self.index += 1
            if self.tokens[self.index][0] != "null":
                raise self.error(f"expected 'null' after 'is{' not' if negated else ''}' (is compares with null only)")
            self.index += 1
            return self.made(build.is_null(left, negated), start)
        if word == "not":
            self.index += 1
        token = self.tokens[self.index]
        if token[0] == "list":
            self.index += 1
            items = self.plain_list(token)
        elif token[0] == "[":
            items = self.list_literal()
        else:
            raise self.error("expected a list such as [\"a\", \"b\"] after 'in'")
        return self.made(build.member(left, items, word == "not"), start)

    def plain_list(self, token: Lexeme) -> n.ListLiteral:
        """A list lexeme: plain strings and numbers, already measured."""
        items = self.placed_items(token) if self.item_spans else self.shared_items(token)
        if len(items) > self.limits.max_list_length:
            raise self.too_long(token[2])
        self.nodes += len(items)
        node = build.list_literal(tuple(items))
        self.made(node, token[2])
        return node

    def shared_items(self, token: Lexeme) -> list[n.Number | n.String | n.Boolean]:
        """The items of a list lexeme as shared nodes (read at once, an item may be another list's too)."""
        source, start, end = self.source, token[2], token[3]
        strings = build.STRINGS
        if token[1]:  # strings in double quotes
            values = DOUBLE_QUOTED_ITEM.findall(source, start, end)
            shared = list(map(strings.get, values))
            if all(shared):  # every one known already: no None left
                return cast("list[n.Number | n.String | n.Boolean]", shared)
            return [node or build.shared_string(value, ()) for node, value in zip(shared, values, strict=True)]
        return [build.shared_number(number, ()) if number else strings.get(double or single)
                or build.shared_string(double or single, ()) for double, single, number in
                LIST_ITEM.findall(source, start, end)]

    def placed_items(self, token: Lexeme) -> list[n.Number | n.String | n.Boolean]:
        """The items of a list lexeme, each a node of its own in the condition, with its span."""
        spans, strings = self.spans, build.STRINGS
        items: list[n.Number | n.String | n.Boolean] = []
        append = items.append
        for found in LIST_ITEM.finditer(self.source, token[2], token[3]):
            number = found[3]
            if number is not None:
                item: n.String | n.Number = self.number(number)
            else:
                value = found[1] if found.lastindex == 1 else found[2]
                shared = strings.get(value)
                item = self.string(value) if shared is None or id(shared) in spans else shared
            append(item)
            spans[id(item)] = found.span()
        return items

    def list_literal(self) -> n.ListLiteral:
        """A list token by token (items with escapes, signs, booleans, or errors)."""
        tokens = self.tokens
        opening = tokens[self.index]
        self.index += 1
        items: list[n.Number | n.String | n.Boolean] = []
        while tokens[self.index][0] != "]":
            if items:
                self.expect(",", "',' or ']' in the list")
                if tokens[self.index][0] == "]":
                    break
            token = tokens[self.index]
            self.index += 1
            negative = token[0] == "-" and tokens[self.index][0] == "number"
            if negative:
                token = tokens[self.index]
                self.index += 1
            kind = token[0]
            if kind == "number":
                items.append(self.number(token[1], negative))
            elif kind == "string":
                items.append(self.string(token[1]))
            elif kind == "true" or kind == "false":
                items.append(build.boolean(kind == "true"))
            else:
                what = "null" if kind == "null" else self.describe(token)
                raise self.error(f"list items are number, string or boolean literals, not {what}", token)
            self.spans[id(items[-1])] = (token[2], token[3])
            if len(items) > self.limits.max_list_length:
                raise self.too_long(opening[2])
            self.nodes += 1
        self.index += 1
        node = build.list_literal(tuple(items))
        self.made(node, opening[2])
        return node


def parse_with_spans(source: str, limits: Limits | None = None) -> tuple[Node, Spans]:
    """Parse condition text; also return where each node came from (for error positions)."""
    parser = _Parser(source, limits_or_default(limits))
    return parser.condition(), parser.spans


def parse_in_order(source: str, limits: Limits) -> tuple[Node, Spans, list[Node]]:
    """``parse_with_spans``, and the nodes in the order they were made (the order the checker types them in).

    That is children first, left to right, list items left out. The items of lists without escapes are
    shared nodes, without spans (the tree is equal to ``parse_with_spans``'s).
    """
    parser = _Parser(source, limits, item_spans=False)
    return parser.condition(), parser.spans, parser.order


def parse_condition(source: str, *, limits: Limits | None = None) -> Node:
    """Parse condition text into its tree, checking syntax and size only (not types: see ``compile_condition``).

    Args:
        source: The condition text, such as ``amount >= 20 and currency == "EUR"``.
        limits: Size limits; [DEFAULT_LIMITS][thrilldrops_events.conditions.DEFAULT_LIMITS] if omitted.

    Raises:
        ConditionSyntaxError: With the line, column and a caret under the problem.
        ConditionLimitError: If the text or the tree is larger than ``limits`` allow.
        TypeError: If ``limits`` is neither ``None`` nor a ``Limits``.
    """
    return parse_with_spans(source, limits)[0]
