"""Condition text to tokens.

Names and operators are ASCII; any other character outside a string literal is refused with its
Unicode name, so a look-alike (a Cyrillic U+0430 in place of the ``a`` of ``amount``) is reported instead of silently
becoming another name. Literals are measured against the ``Limits`` before they are converted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any, NamedTuple

from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.errors import ConditionLimitError, ConditionSyntaxError

__all__ = ["DOUBLE_QUOTED_ITEM", "KEYWORDS", "LIST_ITEM", "Lexeme", "Token", "check_string_length",
           "read_number", "scan", "tokenize"]

#: The reserved words of the language (lower case only).
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})

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


_SPACE = r"[ \t\r\n]*"
# String literals without escapes, control characters or surrogates (whose value is their body as written).
_PLAIN_STRING_TEXT = r"""\"[^"\\\x00-\x1f\x7f\ud800-\udfff]*\"|'[^'\\\x00-\x1f\x7f\ud800-\udfff]*'"""
_PLAIN_ITEM = rf"(?:{_PLAIN_STRING_TEXT}|[0-9]+(?:\.[0-9]+)?)"
# A list literal of plain strings and plain unsigned numbers, read as one token (its items by ``LIST_ITEM``).
_LIST = rf"\[{_SPACE}(?:{_PLAIN_ITEM}{_SPACE}(?:,{_SPACE}{_PLAIN_ITEM}{_SPACE})*,?{_SPACE})?\]"
#: The items of a list lexeme: the body of a string in double quotes (group 1) or single quotes (2), or a number (3).
LIST_ITEM = re.compile(r"""\"([^"]*)\"|'([^']*)'|([0-9][0-9.]*)""")
_NUMBER_ITEM = re.compile(r"[\[,][ \t\r\n]*[0-9]")  # a list of plain items holding a number
#: The body of each item of a list of plain items in double quotes (no number, no single quote in it).
DOUBLE_QUOTED_ITEM = re.compile(r'"([^"]*)"')
_TOKENS = rf"""
    (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)(?P<tail>[A-Za-z0-9_.])?
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<plain>{_PLAIN_STRING_TEXT})
    |(?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
    |(?P<op>==|!=|<=|>=|<(?!>)|[>+\-*/()\[\],.])
    |(?P<end>\Z)
    |(?P<error>.)
"""
#: One token after optional white space; a list literal of plain items is one token.
_FAST = re.compile(rf"{_SPACE}(?:(?P<list>{_LIST})|{_TOKENS})", re.VERBOSE | re.DOTALL)
#: The same without list tokens: every bracket, comma and item is a token of its own.
_EACH = re.compile(rf"{_SPACE}(?:(?P<list>(?!))|{_TOKENS})", re.VERBOSE | re.DOTALL)
_LIST_GROUP, _NUMBER, _TAIL, _NAME, _PLAIN_STRING, _STRING, _OP, _END = range(1, 9)

#: A token as the parser reads it: ``(kind, value, start, end)``; the kind of an operator or a keyword is its
#: text, else one of ``name``, ``number`` (whose value is its text, within the limits), ``string``, ``list``
#: (a list literal of plain items, within the limits, read by ``LIST_ITEM``; its value says whether they are all
#: strings in double quotes, read by ``DOUBLE_QUOTED_ITEM``) and ``end``.
Lexeme = tuple[str, Any, int, int]


def scan(source: str, limits: Limits, *, lists: bool = True) -> list[Lexeme]:
    """Split condition text into lexemes, ending with an ``end`` lexeme; with ``lists``, plain list literals are one.

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
    out: list[Lexeme] = []
    append = out.append
    longest = limits.max_string_length + 2
    short = min(limits.max_number_digits, limits.max_number_exponent)
    for found in (_FAST if lists else _EACH).finditer(source):
        group = found.lastindex
        if group == _NAME:  # names (keywords too) first, then operators: the most common tokens
            text = found[group]
            end = found.end()  # where the group ends too: its start is one call less
            append((text if text in KEYWORDS else "name", text, end - len(text), end))
        elif group == _OP:
            text = found[group]
            end = found.end()
            append((text, text, end - len(text), end))
        elif group == _PLAIN_STRING:
            start, end = found.span(group)
            if end - start > longest:
                check_string_length(found[group][1:-1], limits, source=source, offset=start)
            append(("string", found[group][1:-1], start, end))
        elif group == _NUMBER:
            start, end = found.span(group)
            append(("number", _number(found[group], end - start <= short, source, start, limits), start, end))
        elif group == _LIST_GROUP:
            start, end = found.span(group)
            numbers = _NUMBER_ITEM.search(source, start, end) is not None
            if numbers or (end - start - 2 > longest and _long_item(longest - 2).search(source, start, end)):
                _items(source, start, end, limits, longest, short)  # a literal may exceed the limits
            append(("list", not numbers and source.find("'", start, end) < 0, start, end))
        elif group == _END:
            append(("end", None, len(source), len(source)))
            break
        else:
            append(_odd(found, group, source, limits))
    return out


def _number(text: str, short: bool, source: str, start: int, limits: Limits) -> str:
    """The text of a number literal, once it is known to be within the limits."""
    if not short or "e" in text or "E" in text:
        read_number(text, limits, source=source, offset=start)
    return text


@functools.lru_cache(maxsize=16)
def _long_item(longest: int) -> re.Pattern[str]:
    """Finds a string longer than ``longest`` characters in a list of plain items (or, at times, between two)."""
    return re.compile(f"\"[^\"]{{{longest + 1},}}\"|'[^']{{{longest + 1},}}'")


def _items(source: str, start: int, end: int, limits: Limits, longest: int, short: int) -> list[Lexeme]:
    items: list[Lexeme] = []
    for item in LIST_ITEM.finditer(source, start, end):
        begin, finish = item.span()
        text = item[3]
        if text is None:
            value = item[1] if item[2] is None else item[2]
            if finish - begin > longest:
                check_string_length(value, limits, source=source, offset=begin)
            items.append(("string", value, begin, finish))
        else:
            items.append(("number", _number(text, finish - begin <= short, source, begin, limits), begin, finish))
    return items


def _odd(found: re.Match[str], group: int | None, source: str, limits: Limits) -> Lexeme:
    """The lexeme of a string with escapes (or the error of a refused one), or the error at ``found``."""
    if group == _STRING:
        start = found.start(group)
        return "string", _string(found[group], source, start, limits), start, found.end()
    if group == _TAIL:
        raise _fail("malformed number", source, found.start(_NUMBER))
    raise _unexpected(source, found.start(group or 0))


def tokenize(source: str, limits: Limits) -> list[Token]:
    """Split condition text into tokens, ending with an ``end`` token.

    Raises:
        ConditionSyntaxError: On a character or literal that is not part of the language.
        ConditionLimitError: On text or a literal larger than ``limits`` allow.
    """
    kinds = {"name": "name", "number": "number", "string": "string", "end": "end"}
    return [Token(kinds.get(kind) or ("keyword" if kind in KEYWORDS else "op"),
                  Decimal(value) if kind == "number" else value, start, end)
            for kind, value, start, end in scan(source, limits, lists=False)]


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
