"""The loader's field checks, with their fast paths for the common values, say what they said before.

So do ``json_copy``, the look-up of an event type's name, and the campaign the writer makes by position.

The checks as they were are kept in ``legacy_checks.py`` as the reference; both are given any
JSON-like value, with what the fast paths must leave to the general checks: subclasses of str, int,
dict and list, tuples, floats (NaN too), integers of more than 4300 digits, lone surrogates, keys
that are not strings, deep nesting and many values.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from enum import Enum
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from thrilldrops_events import EventType, FunctionRegistry, parse_condition
from thrilldrops_events.campaigns import _checks
from thrilldrops_events.campaigns._compiler import Compiler
from thrilldrops_events.campaigns._json import _key_problems
from thrilldrops_events.campaigns.campaign import Campaign
from thrilldrops_events.conditions.checked import event_type_of
from thrilldrops_events.errors import ConditionTypeError

from . import legacy_checks


class _Text(str):
    __slots__ = ()


class _Number(int):
    pass


class _Object(dict[Any, Any]):
    pass


class _Array(list[Any]):
    pass


class _Kind(str, Enum):
    A = "op-1"


_HUGE = 10**4300


def _huge(sign_and_step: tuple[int, int]) -> int:
    """An integer at the edge of what JSON text may hold here: 10**4300, or one closer to 0, of either sign."""
    sign, step = sign_and_step
    return sign * _HUGE + step


texts = st.one_of(
    st.sampled_from(["", " x", "x ", "op-1", "b-7", "caf\u00e9", "a\ud800", "\udfff", "ok", "x" * 300, "amount",
                     "brand", "operatorid", "event_type", "reward"]),
    st.text(max_size=12),
    st.text(max_size=4).map(_Text),
    st.just(_Kind.A),
)
scalars = st.one_of(
    st.none(), st.booleans(), texts, st.integers(-10, 10**6),
    st.sampled_from([-1, 0, 253_402_300_799, 253_402_300_800, 253_402_300_801]),
    st.sampled_from([(1, 0), (-1, 0), (1, -1), (-1, 1)]).map(_huge),  # mapped: Hypothesis cannot repr them
    st.integers(0, 5).map(_Number), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([b"x", object()]),
)
keys = st.one_of(texts, st.integers(0, 3), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple), st.lists(inner, max_size=3).map(_Array),
        st.dictionaries(keys, inner, max_size=4), st.dictionaries(texts, inner, max_size=3).map(_Object),
        st.dictionaries(texts, inner, max_size=3).map(OrderedDict),
    ),
    max_leaves=12,
)
_DEEP: Any = [1]
for _ in range(40):
    _DEEP = {"a": _DEEP}
_WIDE = list(range(10_001))


def _same(first: object, second: object) -> bool:
    """Equal, a NaN in a message aside (``nan`` prints alike, but is not equal to itself)."""
    return first == second or (isinstance(first, float) and math.isnan(first) and isinstance(second, float))


@settings(max_examples=600, deadline=None)
@given(keys, values)
@example("reward", _DEEP)
@example("reward", _WIDE)
@example("reward", {"a": [float("nan")], 1: 2})
@example("reward", {"kind": "free_spins", "amount": "465.03", "wagering": 30, "game": None, "on": True})
@example("reward", {"kind": "caf\u00e9", "amount": "a\ud800", "limit": _HUGE, "rate": float("inf")})
@example("reward", dict.fromkeys(map(str, range(10_000)), 1))
@example("reward", {"a\ud800": 1, 2: 3})
@example("reward", _Object({"a\ud800": 1}))
@example("a\ud800", 1)
@example(_Text("x"), _HUGE)
def test_extra_problem(key: Any, value: Any) -> None:
    assert _checks.extra_problem(key, value) == legacy_checks.extra_problem(key, value)


@settings(max_examples=400, deadline=None)
@given(values)
@example(["a", ""])
@example(("a", "b" * 256))
@example(["ok", "a\ud800", 3])
@example(["ok", "a\ud800", "caf\u00e9"])
@example(("a\ud800", ""))
def test_optional_fields(value: Any) -> None:
    assert _checks.id_problem(value) == legacy_checks.id_problem(value)
    assert _checks.scope_problem("brand_id", value) == legacy_checks.scope_problem("brand_id", value)
    assert _checks.tags_problem(value) == legacy_checks.tags_problem(value)
    assert _checks.window_problem(value, None) == legacy_checks.window_problem(value, None)
    assert _checks.window_problem(None, value) == legacy_checks.window_problem(None, value)


_FIELDS = ["id", "event_type", "condition", "operator_id", "brand_id", "name", "tags", "active_from",
           "active_until", "reward", "brand", "priority"]
entries = st.dictionaries(st.one_of(st.sampled_from(_FIELDS), keys), st.one_of(values, st.sampled_from(
    ["Deposit", "Bet", "amount > 1", ["a", "b"], 1777852800, 1777852801])), max_size=10)


@settings(max_examples=600, deadline=None)
@given(entries)
@example({"id": "c-1", "event_type": "Deposit", "condition": "amount > 1", "tags": ["a"], "active_from": 5,
          "active_until": 3, "brand_id": "b 7", "operator_id": "a\ud800", "name": ""})
def test_key_problems(entry: dict[Any, Any]) -> None:
    assert _key_problems(entry) == legacy_checks.key_problems(entry)
    assert _checks.field_problems(entry) == legacy_checks.field_problems(entry)


def _shape(value: Any) -> Any:
    """The types and values of a JSON value, all the way down (``==`` alone calls ``1`` and ``True`` equal)."""
    if isinstance(value, Mapping):
        return type(value), [(key, _shape(member)) for key, member in value.items()]
    if isinstance(value, (list, tuple)):
        return type(value), [_shape(member) for member in value]
    return type(value), value if not (isinstance(value, float) and math.isnan(value)) else "nan"


@settings(max_examples=400, deadline=None)
@given(values)
def test_json_copy(value: Any) -> None:
    copied = _checks.json_copy(value)
    assert _shape(copied) == _shape(legacy_checks.json_copy(value))
    assert (copied is value) == (legacy_checks.json_copy(value) is value)  # scalars as they are, containers new


def test_event_type_names_share_the_remembered_text() -> None:
    """A name of an event type is looked up at once; the checked text is the one the member gets, and bad ones fail."""
    compiler = Compiler()
    first = compiler.check_text("amount > 1", "Deposit")
    assert compiler.check_text("amount > 1", EventType.DEPOSIT) is first
    assert compiler.check_text("amount > 1", _Text("Deposit")) is first
    for bad in ("deposit", "Nope", _Text("Nope")):
        with pytest.raises(ConditionTypeError) as raised:
            compiler.check_text("amount > 1", bad)
        with pytest.raises(ConditionTypeError) as expected:
            event_type_of(bad)
        assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize("functions", [None, FunctionRegistry()])
@pytest.mark.parametrize("source", ["amount > 1", parse_condition("amount > 1")])
def test_a_campaign_loaded_is_the_one_lazy_makes(functions: FunctionRegistry | None, source: Any) -> None:
    """``Campaign._loaded`` (the writer's, by position) sets every slot as ``_lazy`` (by keyword) does."""
    compiler = Compiler(functions=FunctionRegistry())
    fields: dict[str, Any] = {"id": "c-1", "event_type": EventType.DEPOSIT, "operator_id": "op-1", "brand_id": None,
                              "name": "n", "tags": ("a",), "active_from": 5, "active_until": None, "_extra": {"x": 1}}
    own = {} if functions is None else {"_functions": functions}
    lazy = Campaign._lazy(source, compiler, **own, **fields)
    loaded = Campaign._loaded(source, compiler, functions, *[fields[name] for name in list(fields)[:-1]],
                              fields["_extra"])
    for name in Campaign.__slots__:
        assert getattr(loaded, name) is getattr(lazy, name), name
