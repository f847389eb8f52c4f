"""How a problem's path is printed: each long part cut, a ``None`` key named, the structured path kept whole."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.lying import Twin
from thrilldrops_events import EventValidationError, Problem, compile_condition, parse_event, parse_payload
from thrilldrops_events.codecs import cloudevents
from thrilldrops_events.streams import dead_letter_key
from thrilldrops_events.streams._replies import RepeatedFields, repeated_problem

LOGOUT: dict[str, Any] = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1777852800,
                          "event_type": {"PlayerLogout": {"channel_type": "MobileWeb"}}}


def _error(read: Any) -> EventValidationError:
    with pytest.raises(EventValidationError) as info:
        read()
    return info.value


_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters=".\x85")
_PART = st.text(_PRINTABLE, min_size=1, max_size=70) | st.text(_PRINTABLE, min_size=60, max_size=300)


@given(st.lists(_PART, min_size=1, max_size=4))
def test_each_part_of_a_printed_path_is_cut_to_64_characters(parts: list[str]) -> None:
    problem = Problem(".".join(parts), "wrong", "kind")
    expected = ".".join(part if len(part) <= 64 else f"{part[:64]}..." for part in parts)
    assert str(problem) == f"{expected}: wrong"
    assert problem.path == ".".join(parts)


def test_an_unknown_key_of_10000_characters_is_cut_in_the_message_and_whole_in_the_path() -> None:
    key = "k" * 10_000
    error = _error(lambda: parse_event({**LOGOUT, key: float("nan")}))
    assert error.problems[0].path == key
    assert str(error).splitlines()[1] == f"  {'k' * 64}...: a number must be finite (no NaN or Infinity)"
    nested = _error(lambda: parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "a": {key: [float("nan")]}}))
    assert nested.problems[0].path == f"a.{key}.0"
    assert str(nested.problems[0]).startswith(f"a.{'k' * 64}....0: ")
    assert len(str(nested)) < 200


def test_a_none_key_is_named_in_the_path() -> None:
    error = _error(lambda: parse_payload("PlayerLogout", {"channel_type": "MobileWeb", "a": {None: float("nan")}}))
    assert [(p.path, p.kind) for p in error.problems] == [("a.None", "not_serializable"),
                                                          ("a.None", "number_not_finite")]
    top = _error(lambda: parse_event({**LOGOUT, None: 1}))
    assert {p.path for p in top.problems} == {"None"}  # pydantic's problem and the library's name it alike


@pytest.mark.parametrize(("path", "printed"), [(None, "<document>"), ("", "<document>"), (7, "7")])
def test_a_problem_whose_path_is_not_text_still_prints(path: Any, printed: str) -> None:
    assert str(Problem(path, "wrong", "kind")) == f"{printed}: wrong"
    assert str(EventValidationError([Problem(path, "wrong", "kind")])).endswith(f"  {printed}: wrong")


def _message(run: Any) -> str:
    """The text of what ``run`` raises."""
    with pytest.raises(Exception) as info:  # noqa: PT011 - each reader raises its own error type
        run()
    return str(info.value)


def test_every_message_cuts_a_long_name_the_same_way() -> None:
    """A name of the input (a field, attribute, stream or function name) shows its first 64 characters, then ``...``."""
    name = "n" * 64 + "NOTSHOWN" * 20
    cut = "n" * 64 + "..."

    event = {"specversion": "1.0", "type": "com.thrilldrops.events.PlayerLogout",
             "source": "/thrilldrops/operators/o/brands/b", "subject": "p", "time": "2026-05-04T00:00:00Z",
             "data": {"channel_type": "MobileWeb"},
             Twin(name): "x", Twin(name): "y"}
    fields = RepeatedFields()
    fields.pairs = [(name, "a"), (name, "b")]
    messages = [
        _message(lambda: cloudevents.from_cloudevent(event)),
        str(repeated_problem(fields)),
        _message(lambda: dead_letter_key(name + "}")),
        # a condition's error then quotes its source around the place: its first line is the message
        _message(lambda: compile_condition(f"{name} > 1", "Deposit")).splitlines()[0],
        _message(lambda: compile_condition(f"{name}(amount) > 1", "Deposit")).splitlines()[0],
    ]
    for message in messages:
        assert cut in message, message
        assert "NOTSHOWN" not in message, message
    assert [problem.path for problem in _error(lambda: cloudevents.from_cloudevent(event)).problems] == [cut]
