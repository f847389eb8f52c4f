"""The condition lexer as it was before the fast one: the reference the equivalence tests compare with."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any, NamedTuple

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.errors import ConditionLimitError, ConditionSyntaxError

__all__ = ["KEYWORDS", "Token", "check_string_length", "read_number", "tokenize"]

#: The reserved words of the language (lower case only).
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
    |(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
    |(?P<op>==|!=|<=|>=|<(?!>)|[>+\-*/()\[\],.])
    |(?P<error>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_NUMBER_TAIL = re.compile(r"[A-Za-z0-9_.]")
#: The whole text of a number literal, optionally negative (as a string that was meant as a number).
NUMBER_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}
_HINTS = {
    "=": "'=' is not an operator; compare with '=='",
    "!": "'!' is not an operator; write 'not' or '!='",
    "&": "'&' is not an operator; write 'and'",
    "|": "'|' is not an operator; write 'or'",
    "%": "'%' is not an operator",
}
#: Two signs that are operators elsewhere (``<>`` is SQL's not equal), and what to write instead.
_PAIR_HINTS = {"=>": ">=", "=<": "<=", "<>": "!="}


class Token(NamedTuple):
    """One token: its kind (``number``, ``string``, ``name``, ``keyword``, ``op``, ``end``), value and span."""

    kind: str
    value: Any
    start: int
    end: int


def _fail(message: str, source: str, offset: int) -> ConditionSyntaxError:
    return ConditionSyntaxError(message, source=source, offset=offset)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{char!r} ({code} {name})" if name else f"{code}"


def read_number(text: str, limits: Limits, **where: Any) -> Decimal:
    """Convert the text of a number literal (already known to match the number grammar) to a ``Decimal``.

    The digits and the exponent are measured on the text before it is converted.

    Raises:
        ConditionLimitError: With ``where`` (``source``/``offset`` or ``path``) saying where the literal is.
    """
    mantissa, _, exponent = text.lower().lstrip("-").partition("e")
    digits = mantissa.replace(".", "").lstrip("0") or "0"
    if len(digits) > limits.max_number_digits:
        raise ConditionLimitError(
            f"number literal has more than {limits.max_number_digits} significant digits",
            limit="max_number_digits",
            maximum=limits.max_number_digits,
            **where,
        )
    out_of_range = len(exponent.lstrip("+-").lstrip("0")) > 6
    value = Decimal(0) if out_of_range else Decimal(text)
    if out_of_range or (value and abs(value.adjusted()) > limits.max_number_exponent):
        bound = limits.max_number_exponent
        raise ConditionLimitError(
            f"number literal is out of range: literals lie between 1e-{bound} and 1e{bound} in magnitude",
            limit="max_number_exponent",
            maximum=bound,
            **where,
        )
    return value


def check_string_length(value: str, limits: Limits, **where: Any) -> None:
    """Refuse a string literal longer than ``limits.max_string_length``.

    Raises:
        ConditionLimitError: With ``where`` saying where the literal is.
    """
    if len(value) > limits.max_string_length:
        raise ConditionLimitError(
            f"string literal is longer than {limits.max_string_length:,} characters",
            limit="max_string_length",
            maximum=limits.max_string_length,
            **where,
        )


def _string(text: str, source: str, start: int, limits: Limits) -> str:
    body = text[1:-1]

    def replace(match: re.Match[str]) -> str:
        short, long, simple = match.groups()
        if simple is not None:
            if simple in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[simple]
            raise _fail(f"unknown escape '\\{simple}' in string", source, start + 1 + match.start())
        code = int(short or long, 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            where = start + 1 + match.start()
            raise _fail("escape is not a Unicode character (surrogate or out of range)", source, where)
        return chr(code)

    if "\\" not in body:
        check_string_length(body, limits, source=source, offset=start)
    control = _CONTROL.search(body)
    if control is not None:
        where = start + 1 + control.start()
        raise _fail("control character in string; write it as an escape such as \\t", source, where)
    surrogate = lone_surrogate(body)
    if surrogate >= 0:
        raise _fail(f"string {LONE_SURROGATE_MESSAGE}", source, start + 1 + surrogate)
    value = _ESCAPE.sub(replace, body) if "\\" in body else body
    check_string_length(value, limits, source=source, offset=start)
    return value


def tokenize(source: str, limits: Limits) -> list[Token]:
    """Split condition text into tokens, ending with an ``end`` token.

    Raises:
        ConditionSyntaxError: On a character or literal that is not part of the language.
        ConditionLimitError: On text or a literal larger than ``limits`` allow.
    """
    if type(source) is not str:
        raise ConditionSyntaxError(f"condition text must be a str, not {type(source).__name__}")
    if len(source) > limits.max_source_length:
        raise ConditionLimitError(
            f"condition text is longer than {limits.max_source_length:,} characters",
            limit="max_source_length",
            maximum=limits.max_source_length,
        )
    tokens: list[Token] = []
    length = len(source)
    append = tokens.append
    new = tuple.__new__  # builds the named tuples without the Python-level __new__ of NamedTuple
    for found in _TOKEN.finditer(source):
        kind = found.lastgroup
        if kind == "space":
            continue
        text = found.group()
        position, end = found.span()
        if kind == "name":
            append(new(Token, ("keyword" if text in KEYWORDS else "name", text, position, end)))
        elif kind == "op":
            append(new(Token, ("op", text, position, end)))
        elif kind == "number":
            if end < length and _NUMBER_TAIL.match(source, end):
                raise _fail("malformed number", source, position)
            append(Token("number", read_number(text, limits, source=source, offset=position), position, end))
        elif kind == "string":
            append(Token("string", _string(text, source, position, limits), position, end))
        else:
            raise _unexpected(source, position)
    tokens.append(Token("end", None, length, length))
    return tokens


def _unexpected(source: str, position: int) -> ConditionSyntaxError:
    char = source[position]
    if char in "\"'":
        return _fail("unterminated string (strings end on the same line, with the same quote)", source, position)
    pair = source[position:position + 2]
    if pair in _PAIR_HINTS:
        return _fail(f"'{pair}' is not an operator; write '{_PAIR_HINTS[pair]}'", source, position)
    if char in _HINTS:
        return _fail(_HINTS[char], source, position)
    if not char.isascii():
        return _fail(
            f"unexpected character {_describe(char)}; names and operators are ASCII (only strings may hold "
            "other characters)",
            source,
            position,
        )
    return _fail(f"unexpected character {char!r}", source, position)
