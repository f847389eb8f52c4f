"""The contract table: every kind of field and every rule of each, written once.

Each kind (identifier, currency, money...) states its JSON types, pattern, lengths, bounds, allowed
values, money limits and its rule in words. Every engine that checks or describes events derives from
this table instead of restating it: the pydantic field types (``types.py``), the fast JSON reader's
msgspec structs and checks (``codecs/``), the JSON Schemas and TypeScript declarations (``schema/``),
the Hypothesis strategies (``testing/``), the condition checker's types and the docs' rule column. The
test suite checks that each of them agrees with it.

The patterns are written for every regular-expression engine alike (ECMA-262, Rust, Python, Java,
Go RE2): no look-around, whitespace spelt as literal characters rather than a class escape. They are anchored
with ``^`` and ``$``; engines whose ``$`` also matches before a final line break (Python, Java) must
use a full match or refuse ``LINE_BREAKS`` at the end, as the JSON Schemas do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from thrilldrops_events._countries import COUNTRY_CODES

__all__ = [
    "CHANNEL_VALUES",
    "KIND_CONSTRAINTS",
    "KIND_RULES",
    "LINE_BREAKS",
    "MONEY_MAX_INTEGER_DIGITS",
    "MONEY_MAX_SCALE",
    "MONEY_MAX_TEXT",
    "TIMESTAMP_MAX",
    "WHITESPACE",
    "ChannelType",
    "FieldKind",
    "KindConstraints",
    "money_pattern",
]

#: The kinds of field in the contract.
FieldKind = Literal[
    "identifier", "text", "currency", "country", "money", "signed_money", "bool", "channel", "secret", "timestamp"
]


class _WireEnum(str, Enum):
    """A ``str`` enum whose ``str()`` and ``format()`` are the wire value on every Python version."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Pydantic's schema of the enum, which takes a member or its value as a ``str``, and nothing else.

        Pydantic would take ``bytes`` (decoded) and a member of another enum whose value is one of ours: both
        are refused, ``bytes`` as a string would be (``string_type``), the member as a wrong value (``enum``).
        Any other value that is not a ``str`` is refused here too (``enum``, as pydantic would): pydantic's own
        refusal takes its ``repr``, which a list nested 100,000 deep turns into a ``RecursionError``.
        """
        from pydantic_core import PydanticCustomError, core_schema  # only when pydantic builds a schema

        values = [repr(member.value) for member in cls]
        expected = f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else ''.join(values)

        def only_text(value: object) -> object:
            if isinstance(value, str):
                return value
            if isinstance(value, (bytes, bytearray, memoryview)):
                raise PydanticCustomError("string_type", "Input should be a valid string")
            raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})

        return core_schema.no_info_before_validator_function(only_text, handler(source))


class ChannelType(_WireEnum):
    """The channel a player is logged in through. Values are case-sensitive."""

    DesktopWeb = "DesktopWeb"
    DesktopNative = "DesktopNative"
    MobileWeb = "MobileWeb"
    MobileNative = "MobileNative"


#: The channels, in their order of definition.
CHANNEL_VALUES: tuple[str, ...] = tuple(member.value for member in ChannelType)

#: The most characters of an identifier.
IDENTIFIER_MAX_LENGTH = 255
#: The most characters of free text (such as a jurisdiction).
TEXT_MAX_LENGTH = 255
#: The fewest and the most characters of a currency code.
CURRENCY_LENGTHS = (2, 10)
#: The most digits a money value may have before the decimal point.
MONEY_MAX_INTEGER_DIGITS = 20
#: The most digits a money value may have after the decimal point.
MONEY_MAX_SCALE = 18
#: The most characters a money string may have before it is refused unread.
MONEY_MAX_TEXT = 64
#: The most characters of a session token.
SECRET_MAX_LENGTH = 4096
#: The latest timestamp, 9999-12-31T23:59:59Z in Unix seconds (every 13-digit millisecond value is above it).
TIMESTAMP_MAX = 253402300799

#: Unicode White_Space, the characters an identifier may not start or end with, as a regex class body of
#: literal characters (every engine reads it alike; ``\\s`` differs between them).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: The line breaks that Python's and Java's ``$`` also matches before.
LINE_BREAKS = "\n\r\x85\u2028\u2029"


def money_pattern(*, signed: bool) -> str:
    """The money strings every engine accepts, as a pattern: a subset of what the library reads.

    Plain notation (leading zeros allowed), or one digit before the point and a negative exponent as
    Python, Java and JavaScript write small amounts (``1E-8``, ``2.5e-7``), within the digit and scale
    bounds. A negative zero (``-0``, ``-0.00``, ``-0E-8``) is accepted for every amount and read as zero;
    other negative values only where ``signed``.
    """

    def forms(first: str, digit: str) -> list[str]:
        def fraction(most: int) -> str:
            return f"(?:\\.{digit}{{1,{most}}})?" if most else ""

        integer = f"(?:0*{first}{digit}{{0,{MONEY_MAX_INTEGER_DIGITS - 1}}}|0+)"
        small = [f"{digit}{fraction(MONEY_MAX_SCALE - k)}[eE]-0*{k}" for k in range(1, MONEY_MAX_SCALE + 1)]
        return [integer + fraction(MONEY_MAX_SCALE), *small]

    if signed:
        return "^-?(?:" + "|".join(forms("[1-9]", "[0-9]")) + ")$"
    zeros = "|".join(["0+" + f"(?:\\.0{{1,{MONEY_MAX_SCALE}}})?", *forms("0", "0")[1:]])  # -0, -0.00, -0E-8
    return "^(?:" + "|".join(forms("[1-9]", "[0-9]")) + "|-(?:" + zeros + "))$"


@dataclass(frozen=True)
class KindConstraints:
    """Every constraint of a kind of field.

    Attributes:
        kind: The kind.
        json_types: The JSON types a value may have (``"string"``, ``"number"``, ``"integer"``, ``"boolean"``).
        pattern: The pattern of a string value (see the module docstring), if any.
        min_length: The fewest characters of a string.
        max_length: The most characters of a string.
        minimum: The smallest value (an integer, or money's lower bound).
        maximum: The largest value.
        values: The allowed values, in a stable order (channels, countries).
        edge_excluded: Characters a string may not start or end with (a regex class body).
        integer_digits: Money: the most digits before the decimal point.
        scale: Money: the most digits after the decimal point.
        max_text: Money: the longest decimal string read.
        signed: Money: whether a value may be negative (a negative zero is zero for every amount).
        condition_type: The type a campaign condition sees (``None``: conditions cannot read it).
        rule: The rule in words, as the docs and the JSON Schemas state it.
        producer_rule: The rule as the producer set states it, where it is stricter (money: strings only);
            ``""`` where it is the same.
    """

    kind: FieldKind
    json_types: tuple[str, ...]
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    values: tuple[str, ...] | None = None
    edge_excluded: str | None = None
    integer_digits: int | None = None
    scale: int | None = None
    max_text: int | None = None
    signed: bool = False
    condition_type: str | None = None
    rule: str = ""
    producer_rule: str = ""


_DIGITS = (f"at most {MONEY_MAX_INTEGER_DIGITS} digits before the point and {MONEY_MAX_SCALE} after; never a float; "
           "a negative zero (-0, -0.00) is read as zero, its scale kept.")


def _money(kind: FieldKind, *, signed: bool) -> KindConstraints:
    sign = ", may be negative," if signed else " >= 0,"
    return KindConstraints(
        kind, ("string", "number"), money_pattern(signed=signed), max_text=MONEY_MAX_TEXT, signed=signed,
        integer_digits=MONEY_MAX_INTEGER_DIGITS, scale=MONEY_MAX_SCALE, condition_type="number",
        minimum=-(10**MONEY_MAX_INTEGER_DIGITS) if signed else 0, maximum=10**MONEY_MAX_INTEGER_DIGITS,
        rule=f"Exact decimal{sign} as a JSON number or a decimal string; {_DIGITS}",
        producer_rule=f"Exact decimal{sign} as a decimal string, never a JSON number; {_DIGITS}",
    )


_LOW, _HIGH = CURRENCY_LENGTHS

#: The constraints of each kind.
KIND_CONSTRAINTS: dict[FieldKind, KindConstraints] = {
    "identifier": KindConstraints(
        "identifier", ("string",), f"^[^{WHITESPACE}](?:[\\s\\S]*[^{WHITESPACE}])?$", 1, IDENTIFIER_MAX_LENGTH,
        edge_excluded=WHITESPACE, condition_type="string",
        rule=f"Non-empty string, no leading or trailing whitespace, at most {IDENTIFIER_MAX_LENGTH} characters.",
    ),
    "text": KindConstraints(
        "text", ("string",), max_length=TEXT_MAX_LENGTH, condition_type="string",
        rule=f"Any string of at most {TEXT_MAX_LENGTH} characters: empty, and spaces anywhere, allowed (free text).",
    ),
    "currency": KindConstraints(
        "currency", ("string",), f"^[A-Za-z0-9]{{{_LOW},{_HIGH}}}$", _LOW, _HIGH, condition_type="string",
        rule=f"{_LOW} to {_HIGH} ASCII letters or digits, case kept (EUR, USDT, mBTC).",
    ),
    "country": KindConstraints(
        "country", ("string",), "^[A-Z]{2}$", 2, 2, values=tuple(sorted(COUNTRY_CODES)), condition_type="string",
        rule="ISO 3166-1 alpha-2, upper case, an assigned code; UK is accepted as sent.",
    ),
    "money": _money("money", signed=False),
    "signed_money": _money("signed_money", signed=True),
    "bool": KindConstraints("bool", ("boolean",), condition_type="bool",
                            rule="true or false, in every mode (never a string or a number)."),
    "channel": KindConstraints(
        "channel", ("string",), values=CHANNEL_VALUES, condition_type="channel",
        rule=f"One of {', '.join(CHANNEL_VALUES)} (case-sensitive).",
    ),
    "secret": KindConstraints(
        "secret", ("string",), max_length=SECRET_MAX_LENGTH,
        rule=f"Opaque string, at most {SECRET_MAX_LENGTH} characters; never shown in repr, logs or errors.",
    ),
    "timestamp": KindConstraints(
        "timestamp", ("integer",), minimum=0, maximum=TIMESTAMP_MAX, condition_type="timestamp",
        rule="Integer Unix seconds >= 0, in every mode (never a string, a fraction or an exponent); a 13-digit "
        "value is refused as milliseconds.",
    ),
}

#: The validation rule of each kind, in words (shown in the docs and the JSON Schema).
KIND_RULES: dict[str, str] = {kind: constraints.rule for kind, constraints in KIND_CONSTRAINTS.items()}
