"""The types of condition values, and how the event schema's field kinds map onto them.

=============  ===============================================  ===========================
type           what it holds at evaluation time                 written in declarations as
=============  ===============================================  ===========================
number         an exact ``Decimal`` (or an ``int``)             ``"number"``
string         a ``str``                                        ``"string"``
bool           ``True`` or ``False``                            ``"bool"``
channel        a ``ChannelType``                                ``"channel"``
timestamp      Unix seconds, an ``int``                         ``"timestamp"``
date           an ISO date string ``"2026-05-04"``              ``"date"``
=============  ===============================================  ===========================

A trailing ``?`` (``"number?"``) makes a type nullable. Lists (of literals only) and ``null``
are types of literals, not of fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrilldrops_events._kinds import KIND_CONSTRAINTS
from thrilldrops_events._text import describe
from thrilldrops_events.errors import ConditionTypeError

__all__ = [
    "BOOL",
    "CHANNEL",
    "DATE",
    "DECLARABLE",
    "KIND_TYPES",
    "NULL",
    "NUMBER",
    "STRING",
    "TIMESTAMP",
    "ValueType",
    "list_of",
    "parse_type",
]


@dataclass(frozen=True, slots=True)
class ValueType:
    """The type of an expression.

    Attributes:
        base: ``number``, ``string``, ``bool``, ``channel``, ``timestamp``, ``date``, ``null`` or ``list``.
        nullable: Whether the value may be ``null`` at evaluation time.
        element: For a list, the base type of its items (``None`` for the empty list).
    """

    base: str
    nullable: bool = False
    element: str | None = None

    def __str__(self) -> str:
        if self.base == "list":
            return f"list of {self.element}" if self.element else "empty list"
        if self.base == "null":
            return "null"
        return f"{self.base}?" if self.nullable else self.base

    @property
    def spoken(self) -> str:
        """The type in words, for error messages (``a nullable number``, ``a string``)."""
        if self.base in ("list", "null"):
            return str(self)
        article = "an" if self.base[0] in "aeiou" else "a"
        return f"a nullable {self.base}" if self.nullable else f"{article} {self.base}"

    def or_null(self, nullable: bool = True) -> ValueType:
        """This type, nullable (or not)."""
        return ValueType(self.base, nullable, self.element)


NUMBER = ValueType("number")
STRING = ValueType("string")
BOOL = ValueType("bool")
CHANNEL = ValueType("channel")
TIMESTAMP = ValueType("timestamp")
DATE = ValueType("date")
NULL = ValueType("null", nullable=True)

#: The base types that a context value or a function parameter may be declared with.
DECLARABLE = ("number", "string", "bool", "channel", "timestamp", "date")

#: The type of each field kind of the event schema (``secret`` fields cannot be read by conditions).
#: Read from the contract table (each kind's ``condition_type``).
KIND_TYPES: dict[str, ValueType] = {
    kind: ValueType(constraints.condition_type)
    for kind, constraints in KIND_CONSTRAINTS.items()
    if constraints.condition_type is not None
}


def list_of(element: str | None) -> ValueType:
    """The type of a list literal whose items are of base type ``element``."""
    found = _LISTS.get(element)
    return ValueType("list", element=element) if found is None else found


#: The types of lists of each literal type (types are immutable: lists of one share one).
_LISTS = {element: ValueType("list", element=element) for element in (None, "number", "string", "bool")}


def parse_type(text: object) -> ValueType:
    """Read a declared type such as ``"number"`` or ``"string?"``.

    Raises:
        ConditionTypeError: If ``text`` is not one of the declarable types.
    """
    if isinstance(text, ValueType) and text.base in DECLARABLE:
        return text
    if isinstance(text, str):
        text = str.__str__(text)  # its text: a subclass's methods and str() may say otherwise
        base = text[:-1] if text.endswith("?") else text
        if base in DECLARABLE:
            return ValueType(base, nullable=text.endswith("?"))
    allowed = ", ".join(DECLARABLE)
    shown = repr(text) if isinstance(text, ValueType) else describe(text)
    raise ConditionTypeError(f"unknown type {shown}; one of {allowed}, each optionally followed by ? (nullable)")
