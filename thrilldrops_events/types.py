"""The field types of the contract: exact money, currency and country codes, identifiers, timestamps.

Each type is an ``Annotated`` alias usable in your own pydantic models.

Money ([Money][thrilldrops_events.Money], [SignedMoney][thrilldrops_events.SignedMoney]) is a ``decimal.Decimal`` in
major units, read exactly:

* from a JSON number or a decimal string (``25``, ``"25.00"``, ``0.1``, ``"1E-8"``) without ever
  passing through a ``float``: ``"10.00"`` keeps its two places;
* from a Python ``Decimal``, ``int`` or ``str``; a Python ``float`` is refused because it is inexact;
* bounded: at most ``MONEY_MAX_INTEGER_DIGITS`` digits before the point and
  ``MONEY_MAX_SCALE`` after it (so at most 38 significant digits), which keeps arithmetic and
  printing cheap; NaN, Infinity, booleans and empty strings are refused.

Money is written as Python's canonical decimal string (``str(Decimal)``): ``"25.00"`` stays
``"25.00"``; amounts below ``0.000001`` are written in exponent form (``"1E-8"``), exactly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, PlainSerializer, StringConstraints
from pydantic import SecretStr as _SecretStr
from pydantic_core import PydanticCustomError, core_schema

from thrilldrops_events._kinds import KIND_CONSTRAINTS, MONEY_MAX_INTEGER_DIGITS, MONEY_MAX_SCALE, MONEY_MAX_TEXT
from thrilldrops_events._numbers import EVENT_DECIMAL_CONTEXT
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, lone_surrogate

__all__ = [
    "MONEY_MAX_INTEGER_DIGITS",
    "MONEY_MAX_SCALE",
    "CountryCode",
    "CurrencyCode",
    "FreeText",
    "Identifier",
    "Money",
    "SessionToken",
    "SignedMoney",
    "StrictBool",
    "Timestamp",
    "parse_money",
]

_IDENTIFIER, _TEXT, _CURRENCY = KIND_CONSTRAINTS["identifier"], KIND_CONSTRAINTS["text"], KIND_CONSTRAINTS["currency"]
_COUNTRY, _SECRET, _TIMESTAMP = KIND_CONSTRAINTS["country"], KIND_CONSTRAINTS["secret"], KIND_CONSTRAINTS["timestamp"]
_COUNTRY_CODES = frozenset(_COUNTRY.values or ())

# The exact grammar of a money string: a JSON number, optionally signed, leading zeros tolerated.
_MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# The common, plain form that JSON input can take natively (no exponent, within bounds).
_FRACTION = f"(?:\\.[0-9]{{1,{MONEY_MAX_SCALE}}})?"
_FAST_MONEY = f"^(?:0|[1-9][0-9]{{0,{MONEY_MAX_INTEGER_DIGITS - 1}}}){_FRACTION}$"
_FAST_SIGNED_MONEY = f"^(?:0|-?[1-9][0-9]{{0,{MONEY_MAX_INTEGER_DIGITS - 1}}}){_FRACTION}$"  # no negative zero

_INTEGER_LIMIT = 10**MONEY_MAX_INTEGER_DIGITS
_RANGE_MESSAGE = f"money must be below 10^{MONEY_MAX_INTEGER_DIGITS} in magnitude"
_ZERO = Decimal(0)
_ONE = Decimal(1)


class _StrictMode:
    """The validation context object that turns on strict mode (compared by identity)."""

    def __repr__(self) -> str:
        return "STRICT"


STRICT_CONTEXT = _StrictMode()


def _money_error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def parse_money(value: object, *, signed: bool = False) -> Decimal:
    """Read a money value exactly, or raise ``ValueError`` saying why not.

    The bounds are checked on the digits and the exponent before any arithmetic, in the library's own
    decimal context, so ``1e999999999`` is refused at once and the caller's context never matters.

    Args:
        value: A ``Decimal``, ``int`` or decimal string. ``float`` and ``bool`` are refused.
        signed: Whether negative values are allowed (as for ``balance_after``).

    Returns:
        The exact ``Decimal``; a positive exponent is normalised (``1E+3`` becomes ``1000``), and a
        negative zero is zero (``-0.00`` becomes ``0.00``).
    """
    if isinstance(value, Decimal):
        number = value if type(value) is Decimal else Decimal(value)
    elif isinstance(value, str):
        number = _money_from_text(value)
    elif isinstance(value, bool):
        raise _money_error("money_type", "money must be a number, not a boolean")
    elif isinstance(value, int):
        if not -_INTEGER_LIMIT < value < _INTEGER_LIMIT:
            raise _money_error("money_range", _RANGE_MESSAGE)
        number = Decimal(value)
    elif isinstance(value, float):
        raise _money_error("money_float", "money must not be a float (inexact); use a Decimal, an int or a string")
    else:
        raise _money_error("money_type", "money must be a decimal number or a decimal string")
    return _bounded_money(number, signed)


def _money_from_text(text: str) -> Decimal:
    if not text:
        raise _money_error("money_empty", "money must not be an empty string")
    if len(text) > MONEY_MAX_TEXT or _MONEY_TEXT.fullmatch(text) is None:
        raise _money_error("money_syntax", "money must be a decimal number such as 25 or \"25.00\"")
    try:
        return EVENT_DECIMAL_CONTEXT.create_decimal(text)  # exact: the text is shorter than the context's precision
    except ArithmeticError:  # an exponent no Decimal can hold, such as 1e1000000000000000000
        mantissa, _, exponent = text.lower().partition("e")
        if exponent.startswith("-"):
            _refuse_scale()
        if not mantissa.strip("-0."):
            return _ZERO
        raise _money_error("money_range", _RANGE_MESSAGE) from None


def _refuse_scale() -> NoReturn:
    raise _money_error("money_scale", f"money may have at most {MONEY_MAX_SCALE} digits after the decimal point")


def _bounded_money(number: Decimal, signed: bool) -> Decimal:
    """Check the bounds on the digits and the exponent, never expanding them (``adjusted()`` costs nothing)."""
    if not number.is_finite():
        raise _money_error("money_not_finite", "money must be finite (no NaN or Infinity)")
    if not number:  # zero, with any exponent: 0E+999999999 is 0; a negative zero is zero
        if number.adjusted() < -MONEY_MAX_SCALE:  # the adjusted exponent of zero is its exponent
            _refuse_scale()
        return _ZERO if number.adjusted() > 0 else number.copy_abs()
    if number.adjusted() >= MONEY_MAX_INTEGER_DIGITS:
        raise _money_error("money_range", _RANGE_MESSAGE)
    sign, digits, _ = number.as_tuple()
    exponent = number.adjusted() - len(digits) + 1
    if exponent < -MONEY_MAX_SCALE:
        _refuse_scale()
    if sign and not signed:
        raise _money_error("money_negative", "money must be >= 0")
    if exponent > 0:
        number = number.quantize(_ONE, context=EVENT_DECIMAL_CONTEXT)
    return number


_JSON_NUMBER_MESSAGE = (
    "pydantic's JSON parser reads a JSON number with a fraction as a float, which is inexact; read the JSON "
    "with thrilldrops_events.parse_event / parse_payload (exact), or json.loads(..., parse_float=Decimal) "
    "followed by model_validate, or send money as a decimal string"
)


class _MoneySchema:
    """The pydantic schema of money: a native fast path for plain JSON strings, exact Python otherwise."""

    def __init__(self, *, signed: bool) -> None:
        self.signed = signed

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        signed = self.signed

        python = core_schema.no_info_plain_validator_function(functools.partial(parse_money, signed=signed))
        # JSON input only meets this schema on the fast path (see codecs/json.py): a plain decimal string
        # is checked and converted natively; anything else fails and is re-read exactly by `validate`.
        def validate_json_value(value: object) -> Decimal:
            if type(value) is float:
                raise PydanticCustomError("money_json_number", _JSON_NUMBER_MESSAGE)
            return parse_money(value, signed=signed)

        # JSON input: a plain decimal string is checked and converted natively (the fast route of
        # codecs/json.py); other strings and integers are read exactly in Python; a JSON number with a
        # fraction has already become a float in pydantic's parser, so it is refused with advice.
        fast_json = core_schema.union_schema(
            [
                core_schema.chain_schema(
                    [
                        core_schema.str_schema(strict=True, pattern=_FAST_SIGNED_MONEY if signed else _FAST_MONEY),
                        core_schema.decimal_schema(),
                    ]
                ),
                core_schema.no_info_plain_validator_function(validate_json_value),
            ],
            mode="left_to_right",
        )
        return core_schema.json_or_python_schema(json_schema=fast_json, python_schema=python)

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
        limits = KIND_CONSTRAINTS["signed_money" if self.signed else "money"]
        return {
            "anyOf": [
                {"type": "string", "pattern": limits.pattern, "maxLength": limits.max_text},
                {"type": "number", **({} if self.signed else {"minimum": 0})},
            ],
            "examples": ["25.00", 0.1],
        }


#: A money amount >= 0, exact (see the module docstring).
Money = Annotated[Decimal, _MoneySchema(signed=False)]
#: A money amount that may be negative (a balance), exact.
SignedMoney = Annotated[Decimal, _MoneySchema(signed=True)]

#: A currency code: 2 to 10 ASCII letters or digits, case kept (``EUR``, ``USDT``, ``mBTC``). Every text type
#: here takes a ``str`` only (``strict``): ``bytes`` are refused (``string_type``), never decoded.
CurrencyCode = Annotated[str, StringConstraints(strict=True, pattern=_CURRENCY.pattern)]


def _check_country(code: str) -> str:
    if code not in _COUNTRY_CODES:
        raise PydanticCustomError(
            "country_code",
            "country must be an assigned ISO 3166-1 alpha-2 code in upper case (such as DE, GB or UK)",
        )
    return code


#: An ISO 3166-1 alpha-2 country code, upper case, checked against the assigned codes; ``UK`` is accepted.
CountryCode = Annotated[str, StringConstraints(strict=True, pattern=_COUNTRY.pattern), AfterValidator(_check_country)]

#: An identifier: non-empty, no leading or trailing whitespace, at most 255 characters.
Identifier = Annotated[
    str, StringConstraints(strict=True, min_length=_IDENTIFIER.min_length, max_length=_IDENTIFIER.max_length,
                           pattern=_IDENTIFIER.pattern)
]

#: Free text: any string (empty, spaces anywhere) of at most 255 characters; a lone surrogate is refused.
FreeText = Annotated[str, StringConstraints(strict=True, max_length=_TEXT.max_length)]


# What a JSON reader makes of the loose forms that the contract refuses in every mode: ``"true"`` or ``1``
# for a boolean, ``"1777852800"`` for a timestamp.
_LOOSE_SCALARS = (str, int, float, Decimal)


def _strict_type(expected: type, label: str) -> BeforeValidator:
    """Require the exact JSON type in every mode: no string or number where a boolean is due, no boolean elsewhere.

    Other values (``null``, an array) are left to pydantic, except in strict mode.
    """

    def check(value: object, info: core_schema.ValidationInfo) -> object:
        kind = type(value)
        if kind is expected:
            return value
        if kind is bool:
            raise PydanticCustomError("strict_type", f"must be a JSON {label}, not a boolean")
        if isinstance(value, _LOOSE_SCALARS):
            raise PydanticCustomError("strict_type", f"must be a JSON {label}")
        if info.context is STRICT_CONTEXT:
            raise PydanticCustomError("strict_type", f"must be a JSON {label} in strict mode")
        return value

    return BeforeValidator(check)


#: A boolean: only ``true`` and ``false`` are accepted, in every mode (no ``"true"``, ``1`` or ``"yes"``).
StrictBool = Annotated[bool, _strict_type(bool, "boolean")]


def _timestamp_input(value: object, info: core_schema.ValidationInfo) -> object:
    """A timestamp is a JSON integer, in every mode: refuse a string, and a number with a fraction or exponent.

    ``1e999999999`` read exactly is a ``Decimal``; turning it into an ``int`` would take minutes, so it is
    refused here, on every route and in both modes, like ``1777852800.0``.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("strict_type", "must be a JSON integer, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        raise PydanticCustomError(
            "timestamp_not_integer",
            "timestamp must be whole Unix seconds written as an integer, without a fraction or exponent "
            "(such as 1777852800)",
        )
    if isinstance(value, (str, bytes, bytearray)):  # pydantic would parse b"1777852800" as an integer
        raise PydanticCustomError("strict_type", "must be a JSON integer")
    if info.context is STRICT_CONTEXT:
        raise PydanticCustomError("strict_type", "must be a JSON integer in strict mode")
    return value


_MAX_SECONDS = _TIMESTAMP.maximum or 0


def _check_timestamp(value: int) -> int:
    if 10**12 <= value < 10**13:
        raise PydanticCustomError(
            "timestamp_milliseconds",
            "timestamp looks like milliseconds (13 digits); send Unix seconds: divide by 1000",
        )
    if value > _MAX_SECONDS:
        raise PydanticCustomError("timestamp_range", "timestamp must be Unix seconds no later than year 9999")
    return value


#: Unix time in whole seconds, >= 0 (a 13-digit value is refused as milliseconds), a JSON integer in every
#: mode: a string (``"1777852800"``) or a number with a fraction or exponent (``1777852800.0``, ``1.7e9``) is
#: refused.
Timestamp = Annotated[
    int, BeforeValidator(_timestamp_input), Field(ge=_TIMESTAMP.minimum), AfterValidator(_check_timestamp)
]


class _WireMode:
    """The serialization context with which the wire writers reveal secrets (compared by identity)."""

    def __repr__(self) -> str:
        return "WIRE"


#: The serialization context of the wire writers (``to_json``, ``to_dict``, the codecs): only they write
#: a session token in full. Everything else (``model_dump()``, ``model_dump_json()``) keeps it hidden.
WIRE_CONTEXT = _WireMode()

#: The field names whose values are secrets: hidden in ``repr`` even when a payload that has no such field
#: (or the envelope) carries one as an unknown field.
SECRET_FIELD_NAMES = frozenset({"session_token"})

_HIDDEN = "**********"


class _Hidden:
    """Stands for a secret in ``repr``."""

    def __repr__(self) -> str:
        return repr(_HIDDEN)


_SHOWN_HIDDEN = _Hidden()


def hide_unknown_secrets(args: Iterable[tuple[str | None, Any]], declared: Mapping[str, Any]) -> Iterator[
        tuple[str | None, Any]]:
    """A model's ``repr`` arguments, with each unknown field named like a secret (``session_token``) hidden.

    At any depth: a member of that name of an object inside an unknown field is hidden too, in a copy.
    """
    for name, value in args:
        if name in declared:
            yield name, value
        elif name in SECRET_FIELD_NAMES:
            yield name, _SHOWN_HIDDEN
        else:
            yield name, _without_secrets(value)


def _without_secrets(value: Any) -> Any:
    """``value`` with each object member named like a secret hidden, in copies of the containers holding one.

    The readers bound the nesting of unknown fields (64 levels), so the recursion is bounded too.
    """
    kind = type(value)
    if kind is dict:
        shown = {key: _SHOWN_HIDDEN if key in SECRET_FIELD_NAMES else _without_secrets(item)
                 for key, item in value.items()}
        return shown if any(a is not b for a, b in zip(shown.values(), value.values(), strict=True)) else value
    if kind is list or kind is tuple:
        items = [_without_secrets(item) for item in value]
        return kind(items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def _reveal(secret: _SecretStr, info: core_schema.SerializationInfo) -> Any:
    """The token in full for the wire writers; otherwise hidden: the ``SecretStr`` itself, or ``**********`` in JSON."""
    if info.context is WIRE_CONTEXT:
        return secret.get_secret_value()
    return secret if info.mode == "python" else _HIDDEN


def _token_text(secret: _SecretStr) -> _SecretStr:
    if lone_surrogate(secret.get_secret_value()) >= 0:  # the message never shows the token
        raise PydanticCustomError("lone_surrogate", f"string {LONE_SURROGATE_MESSAGE}")
    return secret


#: An opaque secret: hidden in ``repr``, ``str``, error messages, ``model_dump()`` (a ``SecretStr``) and
#: ``model_dump_json()`` (``"**********"``); written out in full only by the wire writers (``to_json``,
#: ``to_dict``, the Redis and CloudEvents codecs).
SessionToken = Annotated[
    _SecretStr,
    Field(strict=True, max_length=_SECRET.max_length),  # a str (or a SecretStr), never bytes
    AfterValidator(_token_text),
    PlainSerializer(_reveal, return_type=Any),
]
