"""The one did-you-mean helper: every suggestion in the library comes from it."""

from __future__ import annotations

import pathlib

import pytest

from thrilldrops_events._suggest import closest


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Deposits", "Deposit"),
        ("deposit", "Deposit"),  # case alone is always suggested
        ("mobileweb", "MobileWeb"),
        ("Withdrawl", "Withdrawal"),
        ("zzzz", None),
        ("", None),
        (5, None),
        ("Deposit" * 20, None),  # too long to be a typo: not compared at all
    ],
)
def test_closest(word: object, expected: str | None) -> None:
    known = ["Deposit", "Withdrawal", "MobileWeb", "PlayerLogin"]
    assert closest(word, known) == expected


def test_no_other_module_computes_suggestions() -> None:
    package = pathlib.Path(__file__).parent.parent / "thrilldrops_events"
    users = sorted(str(p.relative_to(package)) for p in package.rglob("*.py") if "difflib" in p.read_text())
    assert users == ["_suggest.py"]
