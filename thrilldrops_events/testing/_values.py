"""Hypothesis strategies for the values of fields: identifiers, money, JSON (part of ``thrilldrops_events.testing``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from thrilldrops_events._fields import FieldSpec
from thrilldrops_events._kinds import KIND_CONSTRAINTS
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.enums import ChannelType
from thrilldrops_events.testing._arguments import check_bool, check_field_spec, check_int

__all__ = ["field_values", "identifiers", "json_values", "money"]

_REALISTIC_ID_VALUES = [
    "op-1", "brand-7", "p-000042", "pragmatic", "gates-of-olympus", "r-9f8e7d", "visa", "skrill", "jp-mega", "pot-1"
]
_REALISTIC_IDS = st.sampled_from(_REALISTIC_ID_VALUES)
_UNICODE_IDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
).map(str.strip).filter(bool)


def identifiers() -> st.SearchStrategy[str]:
    """Valid identifiers: realistic ones and arbitrary Unicode without surrounding whitespace."""
    return st.one_of(_REALISTIC_IDS, _UNICODE_IDS)


_MONEY = KIND_CONSTRAINTS["money"]
_INTEGER_DIGITS, _SCALE = _MONEY.integer_digits or 0, _MONEY.scale or 0
#: Realistic amounts drawn beside the random ones (those within ``max_scale``).
_COMMON = tuple(map(Decimal, ["0", "0.00", "1", "10.00", "25.50", "0.1", "0.01", "1000000", "0.00000001"]))


def money(*, signed: bool = False, max_scale: int = _SCALE) -> st.SearchStrategy[Decimal]:
    """Valid exact money values: up to 20 integer digits and ``max_scale`` decimal places, trailing zeros kept.

    Realistic amounts (``0``, ``"0.00"``, ``"25.50"``, ``"0.00000001"``, ...) are drawn beside random
    ones of every scale from 0 to ``max_scale``; none has more decimal places than ``max_scale``.

    Args:
        signed: Whether negative amounts are drawn too.
        max_scale: The most decimal places, from 0 to 18 (the contract's most).

    Raises:
        hypothesis.errors.InvalidArgument: If an argument is of the wrong type or out of range.

    Examples:
        >>> from hypothesis import given
        >>> @given(money(max_scale=2))
        ... def test_cents(amount):
        ...     assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))
        >>> test_cents()
    """
    check_bool("signed", signed)
    check_int("max_scale", max_scale, 0, _SCALE)

    def build(scale: int) -> st.SearchStrategy[Decimal]:
        top = 10 ** (_INTEGER_DIGITS + scale)
        digits = st.integers(min_value=-top + 1 if signed else 0, max_value=top - 1)
        return digits.map(lambda n: Decimal(f"{n}E-{scale}"))

    common = st.sampled_from([amount for amount in _COMMON if _scale(amount) <= max_scale])
    exact = st.integers(min_value=0, max_value=max_scale).flatmap(build)
    values = st.one_of(common, exact)
    if signed:
        values = st.one_of(values, common.map(lambda d: -d))
    return values


def _scale(amount: Decimal) -> int:
    """The decimal places of a finite amount."""
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _longest(limit: int | None) -> list[str]:
    """Strings of exactly ``limit`` characters, of one, two and four bytes each in UTF-8 (the last, two UTF-16 units).

    A consumer whose column or buffer is sized in bytes, or that counts UTF-16 units, meets what it cannot hold.
    They follow the realistic values in a ``sampled_from``, so a failing example shrinks to a short value.
    """
    return [char * (limit or 0) for char in ("x", "é", "\U0001f600")]


def _unanchored(pattern: str | None) -> str:
    """A table pattern for ``st.from_regex(..., fullmatch=True)``: without its ``^`` and ``$``."""
    if pattern is None or not (pattern.startswith("^") and pattern.endswith("$")):  # pragma: no cover
        raise ValueError(f"not an anchored pattern: {pattern!r}")
    return pattern[1:-1]


def field_values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid values of one field (Python values as a producer passes them), ``None`` where nullable.

    Patterns, lengths, bounds and allowed values come from the contract table (the field's constraints).
    Strings of the longest length allowed (255 characters for an identifier or free text, 4096 for a
    session token) are drawn beside the realistic and random ones.

    Raises:
        hypothesis.errors.InvalidArgument: If ``spec`` is not a field of the contract (a ``FieldSpec``), or
            its ``kind`` is not one of the contract's or its ``nullable`` not a bool.
    """
    check_field_spec("spec", spec)
    limits = spec.constraints
    base: st.SearchStrategy[Any]
    if spec.kind == "identifier":
        base = st.one_of(st.sampled_from([*_REALISTIC_ID_VALUES, *_longest(limits.max_length)]),
                         _UNICODE_IDS.filter(lambda text: len(text) <= (limits.max_length or 0)))
    elif spec.kind == "text":
        base = st.one_of(st.sampled_from(["MGA", "UKGC", "Isle of Man", " Isle of Man", "Curaçao ", "",
                                          *_longest(limits.max_length)]),
                         st.text(max_size=limits.max_length))
    elif spec.kind == "currency":
        base = st.one_of(st.sampled_from(["EUR", "USD", "GBP", "USDT", "mBTC", "SEK"]),
                         st.from_regex(_unanchored(limits.pattern), fullmatch=True))
    elif spec.kind in ("country", "channel"):
        values = list(limits.values or ())
        base = st.sampled_from([ChannelType(v) for v in values] if spec.kind == "channel" else values)
    elif spec.kind in ("money", "signed_money"):
        base = money(signed=limits.signed)
    elif spec.kind == "bool":
        base = st.booleans()
    elif spec.kind == "secret":
        base = st.one_of(st.text(max_size=min(64, limits.max_length or 0)),
                         st.sampled_from(["sess-3f9a8c", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "", "0",
                                          *_longest(limits.max_length)]))
    elif spec.kind == "timestamp":
        base = st.integers(min_value=limits.minimum, max_value=limits.maximum)
    else:  # pragma: no cover - a new kind was added to the table
        raise AssertionError(spec.kind)
    return st.one_of(st.none(), base) if spec.nullable else base


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """JSON values as the exact reader returns them: numbers with a fraction are ``Decimal``s, never floats."""
    check_int("max_leaves", max_leaves, 1)
    numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 30
    ).map(lambda d: JsonNumber(d))
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), numbers)
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=max_leaves,
    )
