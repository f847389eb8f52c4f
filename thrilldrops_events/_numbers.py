"""Numbers in events: the library's own decimal context, and JSON numbers read with bounded size.

Nothing here uses the caller's decimal context (``decimal.getcontext()``): a program that lowers its
precision or its exponent range gets the same events, the same errors and the same output.

A JSON number in an event has at most ``MAX_NUMBER_DIGITS`` significant digits (an integer at
most that many digits), and its exponent must fit a ``Decimal``. Such a number is read exactly and
cheaply; a longer one is refused before any arithmetic, so neither ``1e999999999`` nor a million
digits can make reading slow.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Clamped, Context, Decimal, InvalidOperation, Overflow, Rounded

__all__ = [
    "EVENT_DECIMAL_CONTEXT",
    "MAX_NUMBER_DIGITS",
    "JsonNumber",
    "number_problem",
    "read_float",
    "read_int",
]

#: The most significant digits of a JSON number in an event (an integer: the most digits).
MAX_NUMBER_DIGITS = 100

#: The decimal context of everything the library does with event numbers: exact within
#: ``MAX_NUMBER_DIGITS`` digits, the widest exponent range, and a trap on any rounding.
EVENT_DECIMAL_CONTEXT = Context(
    prec=MAX_NUMBER_DIGITS,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, Overflow, Rounded, Clamped],
)

_INTEGER_LIMIT = 10**MAX_NUMBER_DIGITS


class JsonNumber(Decimal):
    """A JSON number with a fraction or exponent, held exactly in an unknown field.

    It is a ``Decimal`` that remembers it was a JSON number, so it is written back as one (money, a plain
    ``Decimal``, is written as a string by default). The exact reader makes one of each such number it reads,
    and the checks of unknown fields one of each ``Decimal`` given as a Python value.
    """

    __slots__ = ()

_TOO_MANY_DIGITS = f"a JSON number has more than {MAX_NUMBER_DIGITS} significant digits"
_OUT_OF_RANGE = "a JSON number has an exponent out of range"


def read_float(text: str) -> Decimal:
    """A JSON number with a fraction or exponent, read exactly (``parse_float`` of the exact reader).

    Raises:
        OverflowError: If it has more than ``MAX_NUMBER_DIGITS`` significant digits, or an exponent
            that no ``Decimal`` can hold (``1e1000000000000000000``). Nothing else in JSON parsing raises
            ``OverflowError``, so the reader turns exactly these into a ``number_too_large`` problem.
    """
    try:
        return EVENT_DECIMAL_CONTEXT.create_decimal(text)
    except (InvalidOperation, Overflow, Clamped):  # Overflow derives from Rounded: test it first
        raise OverflowError(_OUT_OF_RANGE) from None
    except Rounded:
        raise OverflowError(_TOO_MANY_DIGITS) from None


def read_int(text: str) -> int:
    """A JSON integer (``parse_int`` of the exact reader), measured on its text before it is converted.

    Raises:
        OverflowError: If it has more than ``MAX_NUMBER_DIGITS`` digits.
    """
    if len(text) > MAX_NUMBER_DIGITS and len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise OverflowError(_TOO_MANY_DIGITS)
    return int(text)


def number_problem(value: int | float | Decimal) -> str | None:
    """Why a number given as a Python value could not be written back as JSON and read again, or ``None``.

    The same bounds as ``read_int`` and ``read_float`` apply, so a document gives the same
    verdict whether it arrives as JSON text or as Python values. A ``Decimal`` of another class is judged
    by the number it holds, never by its methods (which may say anything, or raise).
    """
    if isinstance(value, int):
        return None if -_INTEGER_LIMIT < value < _INTEGER_LIMIT else _TOO_MANY_DIGITS
    if isinstance(value, float):
        return None if value - value == 0 else "a number must be finite (no NaN or Infinity)"
    if type(value) is not Decimal and type(value) is not JsonNumber:
        value = Decimal(value)  # its number, read by the base class
    if not value.is_finite():
        return "a number must be finite (no NaN or Infinity)"
    if value and len(value.as_tuple().digits) > MAX_NUMBER_DIGITS:
        return _TOO_MANY_DIGITS
    return None
