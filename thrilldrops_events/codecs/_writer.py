"""Writing events exactly: the wire form as Python values, the exact JSON writer, and money as JSON numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from typing import Any

from thrilldrops_events._numbers import number_problem
from thrilldrops_events._problems import single
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate, path_text
from thrilldrops_events.codecs._exact import MAX_DEPTH

__all__ = ["ENCODE_STR", "decimal_text", "plain", "write"]


def decimal_text(value: Decimal) -> str:
    """``str(value)`` as the default decimal context writes it (``1E-8``), whatever the thread's context.

    ``str(Decimal)`` follows the thread's ``capitals`` (``1e-8`` when it is 0); nothing else of the context
    changes the text, and only an exponent can hold the letter.
    """
    text = str(value)
    return text.replace("e", "E") if "e" in text else text


def plain(value: Any, money_as_str: bool, depth: int) -> Any:
    if depth > 2 * MAX_DEPTH:
        raise single("", f"nested more than {MAX_DEPTH} levels deep", "too_deep")
    kind = type(value)
    if kind is dict:
        return {key: plain(item, money_as_str, depth + 1) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [plain(item, money_as_str, depth + 1) for item in value]
    if kind is Decimal:
        return decimal_text(value) if money_as_str else value
    if isinstance(value, Enum):
        return value.value
    return value


ENCODE_STR = json.encoder.encode_basestring


def write(value: Any, money_as_number: bool, out: list[str], path: str = "") -> None:
    """Append the exact JSON of ``value`` (the wire form, as [plain][] gives it) to ``out``.

    A ``JsonNumber`` is written as a JSON number; another ``Decimal`` (money) as a number with
    ``money_as_number``, else as a string. The readers refuse every value this cannot write, so the
    ``EventValidationError`` here only meets models built without validation (``model_construct``).

    Args:
        value: What to write.
        money_as_number: Whether a plain ``Decimal`` is written as a JSON number.
        out: The pieces of text written so far.
        path: The JSON path of ``value``, for the error.

    Raises:
        EventValidationError: With the path of the first value that is not JSON (a huge integer, NaN, a lone
            surrogate, a key that is not a string, another type), or nests too deeply.
    """
    where: list[object] = []
    try:
        _write(value, money_as_number, out, where)
    except (ValueError, RecursionError) as error:
        full = ".".join(filter(None, [path, *(path_text(part) for part in where)]))
        if isinstance(error, RecursionError):
            raise single(full, f"nested more than {MAX_DEPTH} levels deep", "too_deep") from None
        raise single(full, str(error), "not_serializable") from None


def _write(value: Any, money_as_number: bool, out: list[str], where: list[object]) -> None:
    if len(where) > 2 * MAX_DEPTH:
        raise RecursionError
    kind = type(value)
    if kind is str:
        if not value.isascii() and lone_surrogate(value) >= 0:
            raise ValueError(f"cannot be written as JSON: a string that {LONE_SURROGATE_MESSAGE}")
        out.append(ENCODE_STR(value))
    elif value is None or value is True or value is False:
        out.append("null" if value is None else "true" if value else "false")
    elif kind is int or isinstance(value, Decimal):
        if number_problem(value) is not None:
            raise ValueError(f"cannot be written as JSON: {number_problem(value)}")
        text = str(value) if kind is int else decimal_text(value)
        out.append(text if kind is not Decimal or money_as_number else f'"{text}"')
    elif kind is dict:
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            where.append(key)
            if type(key) is not str:
                raise ValueError("cannot be written as JSON: an object key that is not a string")
            _write(key, False, out if not index else _comma(out), where)
            out.append(":")
            _write(item, money_as_number, out, where)
            where.pop()
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for index, item in enumerate(value):
            where.append(index)
            _write(item, money_as_number, out if not index else _comma(out), where)
            where.pop()
        out.append("]")
    elif isinstance(value, Enum):
        _write(value.value, money_as_number, out, where)
    elif kind is float and value - value == 0:  # finite: written as the JSON number reads back (1E+308)
        out.append(decimal_text(Decimal(repr(value))))
    else:
        raise ValueError(f"cannot be written as JSON: a value of type {kind.__name__}")


def _comma(out: list[str]) -> list[str]:
    out.append(",")
    return out
