"""The JSON form read from hostile or wrong documents: where each error points, and what is counted."""

from __future__ import annotations

from collections import UserDict
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from thrilldrops_events import compile_condition
from thrilldrops_events.conditions import Limits, condition_from_json, condition_to_json, parse_condition
from thrilldrops_events.conditions._jsonpath import JsonPath
from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.jsonform import read_with_paths
from thrilldrops_events.errors import ConditionError, ConditionLimitError, ConditionSyntaxError
from thrilldrops_events.testing import condition_trees


def _error(document: Any, event_type: str = "Deposit") -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        compile_condition(document, event_type)
    return caught.value


def _membership(items: list[Any], operand: str = "currency") -> dict[str, Any]:
    return {"version": 1, "condition": {"op": "and", "args": [
        {"value": True}, {"op": "in", "args": [{"field": operand}, {"list": items}]}]}}


@pytest.mark.parametrize(("text", "event_type"), [
    ('currency in [1, "a"]', "Deposit"),  # a mix of types
    ('amount in ["a"]', "Deposit"),  # items of another type than the operand's
    ('amount not in ["a", "b"]', "Deposit"),
])
def test_an_error_about_the_list_of_in_has_the_lists_path(text: str, event_type: str) -> None:
    document = {"version": 1, "condition": {"op": "or", "args": [
        {"value": False}, condition_to_json(parse_condition(text))["condition"]]}}
    assert _error(document, event_type).path == "condition.args.1.args.1"
    assert str(_error(document, event_type)).startswith("condition.args.1.args.1: ")


@pytest.mark.parametrize(("item", "path"), [
    ({"value": None}, "condition.args.1.args.1.list.2.value"),
    ({"number": "x"}, "condition.args.1.args.1.list.2.number"),
    ({"number": "1e999"}, "condition.args.1.args.1.list.2.number"),
    ({"value": "x" * 2000}, "condition.args.1.args.1.list.2.value"),
    ({"value": "\ud800"}, "condition.args.1.args.1.list.2.value"),
    ([1], "condition.args.1.args.1.list.2"),
    ({"value": "a", "x": 1}, "condition.args.1.args.1.list.2"),
])
def test_a_bad_item_of_the_list_of_in_keeps_its_path(item: Any, path: str) -> None:
    document = _membership([{"value": "a"}, {"value": "b"}, item])
    with pytest.raises(ConditionError) as caught:
        condition_from_json(document)
    assert caught.value.path == path


def test_an_item_the_checker_refuses_keeps_its_path() -> None:
    document = _membership([{"value": "DesktopWeb"}, {"value": "Nope"}], operand="channel_type")
    assert _error(document, "PlayerLogin").path == "condition.args.1.args.1.list.1"


# ---------------------------------------------------------------------------------------------- limits


small_limits = st.builds(
    Limits, max_nodes=st.integers(1, 30), max_depth=st.integers(1, 8), max_list_length=st.integers(1, 5),
    max_string_length=st.integers(1, 8), max_number_digits=st.integers(1, 6), max_number_exponent=st.integers(1, 6),
)


def _refused(read: Any, form: Any, limits: Limits) -> str | None:
    """The limit that refused the condition in this form, ``"?"`` for another error, or ``None`` if it was read."""
    try:
        read(form, limits=limits)
    except ConditionLimitError:
        return "limit"
    except ConditionError:
        return "?"
    return None


@settings(max_examples=300, deadline=None)
@given(condition_trees(), small_limits)
@example(parse_condition("x in [1]"), Limits(max_depth=2))  # a list and its items are levels of the tree
@example(parse_condition("x in [1, 2]"), Limits(max_nodes=4))  # the list of in is a node
@example(parse_condition("x in []"), Limits(max_nodes=2))
@example(parse_condition("f([1])"), Limits(max_depth=2))
def test_the_text_and_the_json_form_of_a_condition_are_held_to_the_limits_alike(tree: Any, limits: Limits) -> None:
    assert tree.text and parse_condition(tree.text) == tree
    text = _refused(parse_condition, tree.text, limits)
    document = _refused(condition_from_json, condition_to_json(tree), limits)
    assert text == document
    assert text != "?"


@pytest.mark.parametrize(("text", "limits", "refused"), [
    ("x in [1]", Limits(max_depth=3), False),
    ("x in [1]", Limits(max_depth=2), True),
    ("x in []", Limits(max_depth=2), False),
    ("x in [1, 2]", Limits(max_nodes=5), False),
    ("x in [1, 2]", Limits(max_nodes=4), True),
    ("[1, 2] == x", Limits(max_nodes=5), False),
    ("[1, 2] == x", Limits(max_nodes=4), True),
    ("f([1])", Limits(max_depth=3), False),
    ("f([1])", Limits(max_depth=2), True),
])
def test_lists_count_as_the_text_parser_counts_them(text: str, limits: Limits, refused: bool) -> None:
    assert (_refused(parse_condition, text, limits) == "limit") is refused
    assert (_refused(condition_from_json, condition_to_json(parse_condition(text)), limits) == "limit") is refused


# ---------------------------------------------------------------------------------------------- paths


def _deep(depth: int, leaf: Any) -> dict[str, Any]:
    expression = leaf
    for _ in range(depth - 1):
        expression = {"op": "not", "args": [expression]}
    return {"version": 1, "condition": expression}


def _spelt(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every path the reader spells out, by its number of steps."""
    lengths: list[int] = []
    spell = JsonPath.__str__

    def counted(path: JsonPath) -> str:
        text = spell(path)
        lengths.append(text.count(".") + 1)
        return text

    monkeypatch.setattr(JsonPath, "__str__", counted)
    return lengths


def test_reading_a_deep_document_spells_out_no_path(monkeypatch: pytest.MonkeyPatch) -> None:
    spelt = _spelt(monkeypatch)
    depth = 3_000
    node, paths = read_with_paths(_deep(depth, {"value": True}), Limits(max_depth=depth))
    assert node.depth == depth and spelt == []  # each node's path is one step on its parent's
    steps = []
    for path in paths._paths.values():  # type: ignore[attr-defined]
        steps.append(len(path.key))
    assert len(steps) == depth and max(steps) <= len(f"args.{depth}")
    assert paths[id(node)] == "condition" and spelt == [1]


def test_an_error_deep_in_a_document_spells_out_one_path(monkeypatch: pytest.MonkeyPatch) -> None:
    spelt = _spelt(monkeypatch)
    depth = 3_000
    with pytest.raises(ConditionError) as caught:
        condition_from_json(_deep(depth, {"value": 1}), limits=Limits(max_depth=depth))
    assert len(spelt) == 1  # the path of the error, spelt out once
    path = caught.value.path
    assert path == "condition" + ".args.0" * (depth - 1) + ".value"
    head = str(caught.value).split(": ")[0]
    assert len(head) == 200 and head.startswith("condition.args.0") and head.endswith(".args.0.value")
    assert "..." in head


def test_a_wide_list_spells_out_no_path(monkeypatch: pytest.MonkeyPatch) -> None:
    spelt = _spelt(monkeypatch)
    items = [{"value": f"v{index}"} for index in range(4_000)] + [{"number": "1e5"}, {"number": "123456789012"}]
    document = _deep(500, {"op": "in", "args": [{"field": "currency"}, {"list": items}]})
    condition_from_json(document, limits=Limits(max_depth=600))
    assert spelt == []


def test_a_short_path_is_shown_whole() -> None:
    with pytest.raises(ConditionError) as caught:
        condition_from_json(_deep(3, {"value": 1}))
    assert str(caught.value).startswith("condition.args.0.args.0.value: value is")


class _Text(str):
    """A str subclass whose methods lie: the reader must read its text, not ask it."""

    def lower(self) -> str:  # type: ignore[override]
        return "1"

    def partition(self, sep: str) -> tuple[str, str, str]:  # type: ignore[override]
        return ("1", "", "")

    def startswith(self, *args: Any) -> bool:  # type: ignore[override]
        return True


@pytest.mark.parametrize(("expression", "text"), [
    ({"op": "==", "args": [{"field": _Text("currency")}, {"value": _Text("EUR")}]}, 'currency == "EUR"'),
    ({"op": "in", "args": [{"field": "currency"}, {"list": [{"value": _Text("EUR")}]}]}, 'currency in ["EUR"]'),
    ({"op": _Text("not"), "args": [{"value": True}]}, "not true"),
    ({"call": _Text("lower"), "args": [{"value": "A"}]}, 'lower("A")'),
    ({"op": "==", "args": [{"field": "amount"}, {"number": _Text("2.5")}]}, "amount == 2.5"),
])
def test_strings_of_a_str_subclass_are_read_by_their_text(expression: dict[str, Any], text: str) -> None:
    node = condition_from_json({"version": 1, "condition": expression})
    assert node.text == text
    for part in postorder(node):
        for slot in ("name", "value", "op", "scope"):
            assert type(getattr(part, slot, None)) is not _Text, (part, slot)


def test_a_number_of_a_str_subclass_is_measured_by_its_text() -> None:
    digits = _Text("0." + "1" * 50)  # its lower() and partition() say "1"
    document = {"version": 1, "condition": {"op": "==", "args": [{"field": "amount"}, {"number": digits}]}}
    with pytest.raises(ConditionLimitError, match="more than 40 significant digits"):
        condition_from_json(document)


@pytest.mark.parametrize("form", ["text", "json"])
@pytest.mark.parametrize(("write", "context"), [
    (lambda name: f"{name} > 1", None),
    (lambda name: f"event.{name} > 1", None),
    (lambda name: f"ctx.{name} > 1", {"amount": "number"}),
    (lambda name: f"{name}(1) > 1", None),
])
def test_a_megabyte_name_is_cut_in_the_error_message(write: Any, context: Any, form: str) -> None:
    name = "amout" + "x" * 1_000_000
    text = write(name)
    source: Any = text if form == "text" else condition_to_json(parse_condition(text, limits=Limits(
        max_source_length=2_000_000)))
    with pytest.raises(ConditionError) as caught:
        compile_condition(source, "Deposit", context=context, limits=Limits(max_source_length=2_000_000))
    assert len(str(caught.value)) < 1_000
    assert "amoutxxxxxxxxxx" in caught.value.message and "..." in caught.value.message


class _Broken(UserDict):  # type: ignore[type-arg]
    """A mapping of the caller's whose look-ups fail."""

    def __init__(self, data: dict[str, Any], failing: str) -> None:
        super().__init__(data)
        self.failing = failing

    def __getitem__(self, key: Any) -> Any:
        if self.failing == "getitem":
            raise RuntimeError("no item")
        return super().__getitem__(key)

    def __len__(self) -> int:
        if self.failing == "len":
            raise LookupError("no length")
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        if self.failing == "contains":
            raise ValueError("no membership")
        return super().__contains__(key)


@pytest.mark.parametrize("failing", ["getitem", "len", "contains"])
@pytest.mark.parametrize("where", ["document", "condition", "deep", "list"])
def test_a_mapping_whose_methods_raise_is_a_syntax_error_with_its_path(failing: str, where: str) -> None:
    broken = _Broken({"value": True} if where != "list" else {"list": [{"value": "EUR"}]}, failing)
    document: Any = {"version": 1, "condition": broken}
    path = "condition"
    if where == "document":
        document, path = _Broken({"version": 1, "condition": {"value": True}}, failing), ""
    elif where in ("deep", "list"):
        operand = {"field": "currency"} if where == "list" else {"value": True}
        op = "in" if where == "list" else "=="
        document = {"version": 1, "condition": {"op": "not", "args": [{"op": op, "args": [operand, broken]}]}}
        path = "condition.args.0.args.1"
    with pytest.raises(ConditionSyntaxError) as caught:
        condition_from_json(document)
    assert caught.value.path == path
    assert caught.value.message.startswith("the document could not be read: one of its objects raised ")
    assert caught.value.__cause__ is not None


def test_a_keyboard_interrupt_in_the_document_is_not_caught() -> None:
    class Interrupting(UserDict):  # type: ignore[type-arg]
        def __getitem__(self, key: Any) -> Any:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        condition_from_json({"version": 1, "condition": Interrupting({"value": True})})
