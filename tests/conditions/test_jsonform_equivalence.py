"""The JSON-form reader gives exactly what the previous one gave: the same tree, paths and errors.

The previous reader is kept in ``legacy_jsonform.py`` as the reference. Documents are the JSON
forms of Hypothesis-made trees with some of their parts replaced by other JSON values (wrong types,
unknown or missing keys, unknown operators, wrong argument counts, deep nesting), read with small
limits too.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.jsonform import condition_to_json, read_with_paths
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.testing import condition_trees

from . import legacy_jsonform

_JUNK: list[Any] = [
    None, True, 1, 1.5, "x", [], {}, {"op": "and"}, {"op": "and", "args": [{"value": True}]}, {"op": "??", "args": []},
    {"op": "in", "args": [{"field": "a"}, {"value": "x"}]}, {"call": "and", "args": []}, {"call": "f", "args": {}},
    {"field": "event.x"}, {"field": "foo.x"}, {"field": "null"}, {"field": 3}, {"value": 1}, {"value": "\ud800"},
    {"value": "long string"}, {"number": "1e99"}, {"number": "12345678"}, {"number": 5}, {"number": "1.5", "x": 1},
    {"list": [{"value": None}]}, {"list": [{"number": "1"}, {"value": "a"}]}, {"list": "x"}, {"list": [1]},
    {"list": [{"value": "a"}] * 7}, {"value": True, "number": "1"}, {1: 2}, {"op": "not", "args": [{"op": "not",
    "args": [{"op": "not", "args": [{"op": "not", "args": [{"value": True}]}]}]}]},
]


def _spots(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _spots(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _spots(value, (*where, index))
    return found


@st.composite
def documents(draw: st.DrawFn) -> Any:
    document: Any = copy.deepcopy(condition_to_json(draw(condition_trees())))
    for _ in range(draw(st.integers(0, 3))):
        spot = draw(st.sampled_from(_spots(document)))
        junk = copy.deepcopy(draw(st.sampled_from(_JUNK)))
        if not spot:
            document = junk
            continue
        parent = document
        for step in spot[:-1]:
            parent = parent[step]
        parent[spot[-1]] = junk
    return document


small_limits = st.one_of(st.none(), st.builds(
    Limits, max_nodes=st.integers(1, 30), max_depth=st.integers(1, 6), max_list_length=st.integers(1, 5),
    max_string_length=st.integers(1, 6), max_number_digits=st.integers(1, 6), max_number_exponent=st.integers(1, 6),
))


def outcome(read: Any, document: Any, limits: Limits | None) -> tuple[Any, ...]:
    try:
        node, paths = read(document, limits)
    except ConditionError as error:
        return ("error", type(error), str(error), error.path, getattr(error, "limit", None))
    walk = postorder(node)
    return ("tree", node, node.text, [type(item) for item in walk], [paths.get(id(item)) for item in walk])


@pytest.mark.heavy  # long fuzzing against the previous implementation: once, on the newest Python
@settings(max_examples=300)
@given(documents(), small_limits)
def test_reader_gives_what_the_previous_reader_gave(document: Any, limits: Limits | None) -> None:
    assert outcome(read_with_paths, document, limits) == outcome(legacy_jsonform.read_with_paths, document, limits)
