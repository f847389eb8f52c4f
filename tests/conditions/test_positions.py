"""Error positions in condition text: line, column and caret, whatever line breaks the text uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import compile_condition
from thrilldrops_events.conditions import parse_condition
from thrilldrops_events.errors import ConditionError

_BREAKS = st.sampled_from(["\n", "\r\n", "\r"])


@given(st.lists(st.tuples(st.sampled_from(["true and", "  false or", "not"]), _BREAKS), max_size=6),
       st.integers(0, 70), st.sampled_from(["@", "=", "\x0b", "\u2028", "'open"]))
def test_line_and_column_count_every_kind_of_line_break(lines: list[tuple[str, str]], indent: int, bad: str) -> None:
    source = "".join(text + brk for text, brk in lines) + " " * indent + bad + " x"
    with pytest.raises(ConditionError) as caught:
        parse_condition(source)
    error = caught.value
    assert (error.line, error.column) == (len(lines) + 1, indent + 1)
    shown, marker = error.caret.split("\n")
    assert "\r" not in error.caret and "\u2028" not in error.caret and "\x0b" not in error.caret
    assert marker.index("^") == shown.index("?" if bad in "\x0b\u2028" else bad[0])
    assert str(error).startswith(f"line {len(lines) + 1}, column {indent + 1}: ")


@pytest.mark.parametrize(("source", "line", "column"), [
    ("amount >\r\n  = 3", 2, 3),
    ("amount >\r  = 3", 2, 3),
    ("amount >\r\r  = 3", 3, 3),
    ("amount >\n\r  = 3", 3, 3),
    ("amount >\r\n\r\n== 3", 3, 1),
])
def test_a_lone_carriage_return_ends_a_line(source: str, line: int, column: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(source)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_type_errors_count_carriage_returns_too() -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition("amount > 1 and\r\ncurrency > 1 and\r  amout > 1", "Deposit")
    assert (caught.value.line, caught.value.column) == (2, 1)  # strings have no order: at the comparison
    assert caught.value.caret == "  currency > 1 and\n  ^"
