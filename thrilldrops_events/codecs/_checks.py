r"""What the fast decoder checks after msgspec, from the contract table.

msgspec checks JSON types, lengths, bounds and allowed values in C (see ``_structs``); the rules it
cannot state exactly are checked here, on the decoded values:

* money: msgspec hands over a JSON number with a fraction or exponent as its text (a ``str``, from its
  float hook), a JSON integer as an ``int`` and a decimal string as the ``str``, so no number ever passes
  through a float. The plain, bounded form (no exponent, at most 20 digits before the point and 18 after,
  no leading zeros) means the same amount as a string and as a JSON number, and is converted here (each
  text once: the amounts read lately are kept by their text). Another text is converted here only where
  the exact reader reads it the same way as a string and as a JSON number (the grammar of a money string,
  at most ``MONEY_MAX_TEXT`` characters, an exponent a ``Decimal`` holds); otherwise the exact reader decides;
* an identifier's first and last characters (no Unicode White_Space);
* a currency's alphabet (the table's pattern; the codes read lately are kept).

Values of one kind are checked together where that is cheaper (their texts joined by ``\x00``, which
no rule accepts), always at least as strictly as one by one. Anything not accepted raises
a ``ValueError``: the exact reader then gives the verdict, and the error if any.
"""

from __future__ import annotations

import re
from decimal import Decimal

from thrilldrops_events._kinds import KIND_CONSTRAINTS, MONEY_MAX_INTEGER_DIGITS, MONEY_MAX_SCALE, MONEY_MAX_TEXT
from thrilldrops_events._numbers import read_float
from thrilldrops_events.types import parse_money

__all__ = ["AMOUNT", "CURRENCY", "LEFT_TO_THE_EXACT_READER", "MONEY_TEXT", "amount", "currency", "currency_ok",
           "identifiers_ok", "money"]

#: Why the fast reader gives way: the message of the ``ValueError`` it raises within itself, never outside it.
LEFT_TO_THE_EXACT_READER = "left to the exact reader"




def identifiers_ok(texts: tuple[str, ...]) -> bool:
    """Whether no identifier starts or ends with whitespace (the table's ``edge_excluded``), checked at once.

    Python's ``str.strip`` removes every Unicode White_Space character and a few more (such as U+001C),
    so it is only stricter than the rule: an identifier it would change goes to the exact reader.
    """
    return tuple(map(str.strip, texts)) == texts


_CURRENCY_PATTERN = KIND_CONSTRAINTS["currency"].pattern or "^$"
#: Whether a string is a currency code: the table's pattern, matched in full.
currency_ok = re.compile(_CURRENCY_PATTERN[1:-1]).fullmatch


def currency(text: str) -> str:
    """A currency code not read lately: checked, then kept (shared) for the next time it is read."""
    if currency_ok(text) is None:
        raise ValueError(LEFT_TO_THE_EXACT_READER)
    if len(_CURRENCIES) >= _CURRENCIES_KEPT:
        _CURRENCIES.clear()
    _CURRENCIES[text] = text
    return text

_INTEGER = f"(?:0|[1-9][0-9]{{0,{MONEY_MAX_INTEGER_DIGITS - 1}}})"
_FRACTION = f"\\.[0-9]{{1,{MONEY_MAX_SCALE}}}"
_PLAIN_MONEY = re.compile(f"{_INTEGER}(?:{_FRACTION})?").fullmatch
_PLAIN_SIGNED_MONEY = re.compile(f"-?{_INTEGER}(?:{_FRACTION})?").fullmatch
_LIMIT = 10**MONEY_MAX_INTEGER_DIGITS


#: The grammar of a money string, as the exact reader has it (``types``): a JSON number, optionally signed,
#: leading zeros tolerated. Every JSON number matches it.
MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?").fullmatch


def money(value: object, signed: bool) -> Decimal:
    """The ``Decimal`` of one decoded money value, exactly as the exact reader gives it, or an exception.

    A text read before is taken from the amounts read lately; the plain form is converted here; another
    text only where the exact reader reads it alike as a string and as a JSON number (see the module).
    """
    if type(value) is str:
        number = _AMOUNTS.get(value)
        if number is not None:
            return number
        if _PLAIN_MONEY(value) is not None:
            return _remember(value)
        if signed and _PLAIN_SIGNED_MONEY(value) is not None:
            number = Decimal(value)  # exact, whatever the thread's context: plain digits within the bounds
            return number if number else number.copy_abs()  # a negative zero is zero, its scale kept
        return _other_money(value, signed)
    if type(value) is int:
        if -_LIMIT < value < _LIMIT and (signed or value >= 0):
            return Decimal(value)
        return parse_money(value, signed=signed)
    raise ValueError(LEFT_TO_THE_EXACT_READER)


def _other_money(text: str, signed: bool) -> Decimal:
    """A money text not in the plain form, read where the exact reader reads it alike as a string and as a number.

    Both forms are then converted with ``create_decimal`` in the library's context and bounded alike. A
    longer text, or an exponent no ``Decimal`` holds, is read differently in the two forms (a string of more
    than ``MONEY_MAX_TEXT`` characters is refused unread), so the exact reader decides.
    """
    if len(text) > MONEY_MAX_TEXT or MONEY_TEXT(text) is None:
        raise ValueError(LEFT_TO_THE_EXACT_READER)
    return parse_money(read_float(text), signed=signed)


_ZEROS: dict[str, Decimal] = {text: Decimal(text) for text in ("0", *(f"0.{'0' * k}" for k in range(1, 19)))}
# The plain amounts read lately, by their text: a text read again is neither checked nor converted again (a hit
# is one C call), and one immutable ``Decimal`` serves every event with that amount (the same few, 0.00, 1.00,
# 0.20, recur in most events). A plain text means the same amount as a string or as a JSON number. Bounded:
# emptied when full, but zero of every scale, the most frequent amount of all, is always there. Only plain texts
# are kept (an ``int`` never: ``True`` would find ``1``).
_AMOUNTS = dict(_ZEROS)
_AMOUNTS_KEPT = 4096
#: The ``Decimal`` of an amount's text read lately, or ``None`` (then ``amount`` decides): one C call; ``TypeError``
#: for an array or an object.
AMOUNT = _AMOUNTS.get


def amount(value: object) -> Decimal:
    """An amount (>= 0) not read lately, as ``money`` gives it (``ValueError`` if not accepted).

    The plain form, the most frequent by far (most amounts of a win or a deposit are read only once), is
    converted and kept right here.
    """
    if type(value) is str and _PLAIN_MONEY(value) is not None:
        return _remember(value)
    return money(value, False)


# The currency codes read lately, each the text first read, shared by every event holding it since (checked when
# first read); emptied when full.
_CURRENCIES: dict[str, str] = {}
_CURRENCIES_KEPT = 1024
#: The currency code read lately that a text is, or ``None``: one C call.
CURRENCY = _CURRENCIES.get


def _remember(text: str) -> Decimal:
    """The ``Decimal`` of a plain amount's text (checked, not read lately), remembered for the next time it is read."""
    number = Decimal(text)  # exact, whatever the thread's context: plain digits within the bounds
    if len(_AMOUNTS) >= _AMOUNTS_KEPT:
        _AMOUNTS.clear()
        _AMOUNTS.update(_ZEROS)
    _AMOUNTS[text] = number
    return number
