"""The checker gives exactly what the previous one gave: the same types, fields and errors, on any tree.

The previous checker is kept in ``legacy_checker.py`` as the reference. Trees are well-typed
conditions for each event type, the same with one piece of their text swapped for another (a field
of another event type, a literal of another type, a list, a call, a context value), and trees of any
shape; limits are drawn small, so that the checker's own limits are met too. Positions come from
the text (spans) or from the JSON form (paths).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from thrilldrops_events import EventType
from thrilldrops_events.conditions import Limits
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.checker import check_condition
from thrilldrops_events.conditions.jsonform import condition_to_json, read_with_paths
from thrilldrops_events.conditions.parser import parse_with_spans
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.testing import condition_trees, conditions

from . import legacy_checker

CONTEXT = {"vip": "number?", "segment": "string", "since": "timestamp"}
_SWAPS = [
    "amount", "currency", "game_id", "channel_type", "country", "is_free_spin", "real_bet", "session_token",
    "jurisdiction", "event.timestamp", "event.player_id", "event.amount", "event.nope", "ctx.vip", "ctx.segment",
    "ctx.nope", "Amount", "True", "amout", '"MobileWeb"', '"Mobile"', '"2026-05-04"', '"2026-05-04T18:00:00Z"',
    '"20"', '"x"', "null", "true", "1", "-2.5", "1e3", "123456789", "[1, 2]", '["a", "b"]', "[true]", "[1, \"a\"]",
    "[]", 'lower(currency)', "hour(event.timestamp)", 'hour(event.timestamp, "Mars/Base")', "abs()",
    "nope(1)", "now()", "amount / 0", "-currency", '"aaaaaaaa"',
]
_WORD = re.compile(r'"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*|[0-9.]+|\[[^\]]*\]')


@st.composite
def checked_texts(draw: st.DrawFn) -> tuple[str, EventType]:
    """A condition text for an event type: well-typed, with a piece swapped, or of any shape."""
    event_type = draw(st.sampled_from(list(EventType)))
    if draw(st.integers(0, 5)) == 0:
        return draw(condition_trees()).text, event_type
    text: str = draw(conditions(event_type, context=CONTEXT)).text
    pieces = list(_WORD.finditer(text))
    for _ in range(draw(st.integers(0, 2)) if pieces else 0):
        piece = draw(st.sampled_from(pieces))
        text = text[:piece.start()] + draw(st.sampled_from(_SWAPS)) + text[piece.end():]
        pieces = list(_WORD.finditer(text))
        if not pieces:
            break
    return text, event_type


limits = st.one_of(
    st.none(),
    st.builds(
        Limits,
        max_nodes=st.integers(5, 60),
        max_depth=st.integers(3, 12),
        max_list_length=st.integers(1, 4),
        max_string_length=st.integers(1, 8),
        max_number_digits=st.integers(1, 4),
        max_number_exponent=st.integers(1, 4),
    ),
)


def outcome(check: Any, node: Any, event_type: Any, **options: Any) -> tuple[Any, ...]:
    try:
        checked = check(node, event_type, context=CONTEXT, **options)
    except ConditionError as error:
        return ("error", type(error), str(error), error.message, error.line, error.column, error.path,
                getattr(error, "suggestion", None), getattr(error, "limit", None), getattr(error, "maximum", None))
    return ("checked", checked.node is node, checked.event_type, [checked.types.get(id(item)) for item in
            postorder(node)], len(checked.types), checked.fields, dict(checked.context), dict(checked.functions),
            checked.needs_envelope, checked.limits)


@pytest.mark.heavy  # long fuzzing against the previous implementation: once, on the newest Python
@settings(max_examples=300)
@given(checked_texts(), limits, st.booleans())
@example(("not event.timestamp == abs()", EventType.PLAYER_LOGIN), None, False)  # a call without arguments
def test_checker_gives_what_the_previous_checker_gave(case: tuple[str, EventType], limit: Limits | None,
                                                      from_json: bool) -> None:
    text, event_type = case
    try:
        node, spans = parse_with_spans(text)
    except ConditionError:
        assume(False)
        return
    options: dict[str, Any] = {"limits": limit}
    if from_json:
        node, options["paths"] = read_with_paths(condition_to_json(node))
    else:
        options.update(source=text, spans=spans)
    expected = outcome(legacy_checker.check_condition, node, event_type, **options)
    event(expected[0] if expected[0] == "checked" else expected[1].__name__)
    assert outcome(check_condition, node, event_type, **options) == expected
    assert outcome(check_condition, node, event_type.value, **options) == expected


def test_event_types_are_read_as_before() -> None:
    node, _ = parse_with_spans("amount > 1")
    for name in ("Deposit", EventType.DEPOSIT, "deposit", "Depositt", "", ["Deposit"], None, 7):
        assert outcome(check_condition, node, name) == outcome(legacy_checker.check_condition, node, name)
