"""The condition tree: frozen, hashable, slotted nodes with structural equality.

Two trees are equal when they have the same shape and the same literals written the same way
(``20`` and ``20.0`` are different literals, though equal numbers), so equal trees print the same
canonical text. Every node caches its hash, depth and size when it is built, from its children's,
so hashing, comparing and measuring never recurse: a tree thousands of levels deep is as safe to
put in a set as a flat one.

``str(node)`` (or ``node.text``) is the node's canonical text: one space around binary operators,
strings in double quotes with escapes, numbers as written, and parentheses only where the tree needs
them, so parsing the canonical text of a tree gives the same tree back (``a and (b and c)`` keeps its
parentheses). Each node class writes its own text from its children's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Union

from thrilldrops_events.conditions._node import (
    ADDITIVE,
    AND,
    ATOM,
    COMPARISON,
    MULTIPLICATIVE,
    NOT,
    OR,
    UNARY,
    Node,
    _Binary,
    _Chain,
    _require,
    _Scalar,
    _Test,
    _Unary,
)
from thrilldrops_events.conditions.lexer import KEYWORDS

__all__ = [
    "ARITHMETIC_OPERATORS",
    "COMPARISON_OPERATORS",
    "And",
    "Arithmetic",
    "Boolean",
    "Call",
    "Compare",
    "FieldRef",
    "In",
    "IsNull",
    "ListLiteral",
    "Literal",
    "Negate",
    "Node",
    "Not",
    "Null",
    "Number",
    "Or",
    "String",
]

#: The comparison operators, all of one precedence; comparisons do not chain.
COMPARISON_OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
#: The binary arithmetic operators.
ARITHMETIC_OPERATORS = ("+", "-", "*", "/")
#: Where a field reference looks: the payload, the envelope (``event.``) or the context (``ctx.``).
SCOPES = ("payload", "event", "ctx")


# ---------------------------------------------------------------------------------------------- literals


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Number(Node):
    """A number literal, exact: ``20``, ``0.1``, ``2.50`` (kept as written), ``1E+3``."""

    value: Decimal

    def __post_init__(self) -> None:
        _require(type(self.value) is Decimal and self.value.is_finite(), "a Number holds a finite Decimal")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (str(self.value),)  # sign, digits and exponent, as exactly as as_tuple() (20 and 20.0 differ)

    def _text(self, texts: Sequence[str]) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class String(_Scalar):
    """A string literal."""

    value: str
    _holds: ClassVar[type] = str


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Boolean(_Scalar):
    """``true`` or ``false``."""

    value: bool
    _holds: ClassVar[type] = bool


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Null(Node):
    """``null``."""

    def __post_init__(self) -> None:
        self._seal()

    def _text(self, texts: Sequence[str]) -> str:
        return "null"


#: A scalar literal.
Literal = Union[Number, String, Boolean, Null]  # noqa: UP007 - a runtime alias on Python 3.10
_SCALARS = (Number, String, Boolean)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListLiteral(Node):
    """A list of scalar literals (numbers, strings or booleans), the right side of ``in``."""

    items: tuple[Number | String | Boolean, ...]
    _opaque: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _require(type(self.items) is tuple, "a ListLiteral holds a tuple")
        for item in self.items:
            _require(isinstance(item, _SCALARS), "list items are number, string or boolean literals")
        self._seal()

    @property
    def children(self) -> tuple[Node, ...]:
        """The items."""
        return self.items

    def _text(self, texts: Sequence[str]) -> str:
        return "[" + ", ".join(item._text(()) for item in self.items) + "]"


# ---------------------------------------------------------------------------------------------- references


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FieldRef(Node):
    """A reference: a payload field (``amount``), an envelope field (``event.timestamp``) or a context value.

    Attributes:
        scope: ``"payload"``, ``"event"`` or ``"ctx"``.
        name: The field's or context value's name.
    """

    scope: str
    name: str

    def __post_init__(self) -> None:
        _require(self.scope in SCOPES, f"a FieldRef scope is one of {', '.join(SCOPES)}")
        _require(type(self.name) is str and self.name.isidentifier() and self.name.isascii(), "bad field name")
        _require(self.name not in KEYWORDS, f"a field name is not a keyword: {self.name} would not read back")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.scope, self.name)

    @property
    def path(self) -> str:
        """The reference as written: ``amount``, ``event.timestamp``, ``ctx.vip_level``."""
        return self.name if self.scope == "payload" else f"{self.scope}.{self.name}"

    def _text(self, texts: Sequence[str]) -> str:
        return self.path


# ---------------------------------------------------------------------------------------------- operators


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Not(_Unary):
    """``not operand``."""

    operand: Node
    _level: ClassVar[int] = NOT

    def _text(self, texts: Sequence[str]) -> str:
        return "not " + self._wrap(texts[0], self.operand, below=NOT)

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class And(_Chain):
    """``a and b and ...``: two or more operands (a chain in the text is one node)."""

    operands: tuple[Node, ...]
    _word: ClassVar[str] = "and"
    _level: ClassVar[int] = AND

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Or(_Chain):
    """``a or b or ...``: two or more operands (a chain in the text is one node)."""

    operands: tuple[Node, ...]
    _word: ClassVar[str] = "or"
    _level: ClassVar[int] = OR

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Compare(_Binary):
    """``left op right`` with ``op`` one of ``== != < <= > >=``."""

    _operators: ClassVar[tuple[str, ...]] = COMPARISON_OPERATORS
    _kind: ClassVar[str] = "comparison"
    _level: ClassVar[int] = COMPARISON
    _left_associative: ClassVar[bool] = False  # comparisons do not chain

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class In(_Test):
    """``operand in [...]``, or ``operand not in [...]`` when ``negated``."""

    operand: Node
    items: ListLiteral
    negated: bool = False
    _words: ClassVar[tuple[str, str]] = (" in ", " not in ")

    def __post_init__(self) -> None:
        _require(isinstance(self.items, ListLiteral), "the right side of in is a list literal")
        _Test.__post_init__(self)

    @property
    def children(self) -> tuple[Node, ...]:
        """The operand and the list."""
        return (self.operand, self.items)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class IsNull(_Test):
    """``operand is null``, or ``operand is not null`` when ``negated``."""

    operand: Node
    negated: bool = False
    _words: ClassVar[tuple[str, str]] = (" is null", " is not null")

    @property
    def children(self) -> tuple[Node, ...]:
        """The operand."""
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Arithmetic(_Binary):
    """``left op right`` with ``op`` one of ``+ - * /``."""

    _operators: ClassVar[tuple[str, ...]] = ARITHMETIC_OPERATORS
    _kind: ClassVar[str] = "arithmetic"
    _left_associative: ClassVar[bool] = True

    def _precedence(self) -> int:
        return ADDITIVE if self.op in "+-" else MULTIPLICATIVE

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Negate(_Unary):
    """Unary minus applied to an expression (``-amount``); ``-5`` is the literal ``Number(-5)``."""

    operand: Node
    _level: ClassVar[int] = UNARY

    def _text(self, texts: Sequence[str]) -> str:
        child = self.operand  # -(5) is not the literal -5, and -(-x) keeps its parentheses
        return "-" + (f"({texts[0]})" if child._precedence() != ATOM or type(child) is Number else texts[0])

@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Call(Node):
    """A function call: ``lower(currency)``."""

    name: str
    args: tuple[Node, ...]

    def __post_init__(self) -> None:
        _require(type(self.name) is str and self.name.isidentifier() and self.name.isascii(), "bad function name")
        _require(self.name not in KEYWORDS, f"a function name is not a keyword: {self.name}() would not read back")
        _require(type(self.args) is tuple, "Call.args is a tuple")
        self._seal()

    def _key(self) -> tuple[Any, ...]:
        return (self.name,)

    @property
    def children(self) -> tuple[Node, ...]:
        """The arguments."""
        return self.args

    def _text(self, texts: Sequence[str]) -> str:
        return f"{self.name}(" + ", ".join(texts) + ")"
