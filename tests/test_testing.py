"""The shipped Hypothesis strategies, and their registration through the `hypothesis` entry point."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from thrilldrops_events import Envelope, EventPayload, EventType, PlayerLogin, parse_event, to_json
from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.testing import (
    condition_trees,
    conditions,
    context_values,
    envelopes,
    field_values,
    invalid_envelopes,
    json_values,
    money,
    payloads,
    wire_envelopes,
)

HOOK = "thrilldrops_events._hypothesis:_hypothesis_setup_hook"


def test_entry_point_is_declared() -> None:
    assert f'_ = "{HOOK}"' in (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    names = [ep.value for ep in entry_points(group="hypothesis")]
    assert HOOK in names, f"the installed entry points are {names}: reinstall the package (pip install -e .)"


@pytest.mark.parametrize(
    "first",
    ["import thrilldrops_events.testing", "import hypothesis", "import thrilldrops_events", "pass"],
)
def test_importing_testing_works_in_a_fresh_interpreter(first: str) -> None:
    # Hypothesis runs the entry point while it is being imported, possibly from inside
    # `import thrilldrops_events.testing`: the hook must not need that module to be complete.
    code = (
        f"{first}\n"
        "import thrilldrops_events.testing as testing\n"
        "from hypothesis import strategies as st\n"
        "from thrilldrops_events import Deposit, Envelope\n"
        "assert type(testing.payloads('Deposit').example()).__name__ == 'Deposit'\n"
        "assert type(st.from_type(Deposit).example()).__name__ == 'Deposit'\n"
        "assert type(st.from_type(Envelope).example()).__name__ == 'Envelope'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_from_type_works_without_importing_testing() -> None:
    code = (
        "from hypothesis import strategies as st, given, settings\n"
        "from thrilldrops_events import Deposit, Envelope\n"
        "import sys\n"
        "seen = []\n"
        "@settings(max_examples=10)\n"
        "@given(st.from_type(Deposit), st.from_type(Envelope))\n"
        "def check(d, e): seen.append((type(d).__name__, type(e).__name__))\n"
        "check()\n"
        "assert seen and all(s == ('Deposit', 'Envelope') for s in seen), seen\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@given(st.sampled_from(list(EventType)).flatmap(lambda e: st.tuples(st.just(e), payloads(e))))
def test_payloads_of_a_type_have_that_type(pair: tuple[EventType, object]) -> None:
    event_type, payload = pair
    assert type(payload) is event_type.model


@given(envelopes())
def test_envelopes_are_valid(envelope: Envelope) -> None:
    assert parse_event(to_json(envelope), strict=True) == envelope


@pytest.mark.parametrize("max_scale", [0, 1, 2, 8])
@given(data=st.data())
def test_money_keeps_within_max_scale(max_scale: int, data: st.DataObject) -> None:
    # the realistic values drawn beside the random ones ("0.00", "0.00000001") obey max_scale too
    amount = data.draw(money(max_scale=max_scale, signed=data.draw(st.booleans())))
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    assert -exponent <= max_scale, amount


def test_money_draws_realistic_values_within_max_scale() -> None:
    found = find(money(max_scale=2), lambda amount: amount == Decimal("25.50") and str(amount) == "25.50")
    assert str(found) == "25.50"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_scale": -1}, "max_scale=-1 must be between 0 and 18"),
        ({"max_scale": 19}, "max_scale=19 must be between 0 and 18"),
        ({"max_scale": 2.0}, "max_scale=2.0 must be an int"),
        ({"max_scale": True}, "max_scale=True must be an int"),
        ({"signed": "no"}, "signed='no' must be a bool"),
    ],
)
def test_money_refuses_bad_arguments(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        money(**arguments)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: payloads(unknown_fields="yes"), "unknown_fields='yes' must be a bool"),
        (lambda: envelopes(unknown_fields=None), "unknown_fields=None must be a bool"),
        (lambda: conditions("Deposit", max_depth="3"), "max_depth='3' must be an int"),
        (lambda: conditions("Deposit", max_depth=-1), "max_depth=-1 must be at least 0"),
        (lambda: conditions("Deposit", context=[("vip", "bool")]), "context must be a dict of names to types"),
        (lambda: context_values({"vip": True}), "context must be a dict of names to types"),
        (lambda: condition_trees(max_leaves="12"), "max_leaves='12' must be an int"),
        (lambda: json_values(max_leaves=0), "max_leaves=0 must be at least 1"),
        (lambda: field_values(None), "spec=None must be a FieldSpec (one of payload_fields(event_type) or "
                                     "ENVELOPE_FIELDS), not NoneType"),
        (lambda: field_values("amount"), "spec='amount' must be a FieldSpec"),
        (lambda: field_values(FieldSpec("x", "nope", False, "")),  # type: ignore[arg-type]
         "spec.kind='nope' must be one of the kinds of the contract: bool, channel, country"),
        (lambda: field_values(FieldSpec("x", "bool", "yes", "")),  # type: ignore[arg-type]
         "spec.nullable='yes' must be a bool"),
    ],
)
def test_strategies_refuse_bad_arguments(make: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda value: payloads(value),
        lambda value: envelopes(value),
        lambda value: wire_envelopes(value),
        lambda value: invalid_envelopes(value),
        lambda value: conditions(value),
    ],
)
@pytest.mark.parametrize("value", ["deposit", "Deposits", 5, [], EventType])
def test_strategies_refuse_an_unknown_event_type_when_called(make: Any, value: Any) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(f"event_type={value!r} must be an EventType or its name")):
        make(value)


@pytest.mark.parametrize("name", ["a b", "", "and", "true", "\ud800", "v\u00efp", "1st"])
def test_context_strategies_refuse_a_name_conditions_cannot_declare(name: str) -> None:
    with pytest.raises(InvalidArgument, match=r"^context must be a dict of names to types .*: context name"):
        conditions("Deposit", context={name: "bool"})
    with pytest.raises(InvalidArgument, match=r"^context must be a dict of names to types .*: context name"):
        context_values({name: "bool"})


@pytest.mark.parametrize("declared", ["nope", "number??", 5])
def test_context_strategies_refuse_an_unknown_type_when_called(declared: Any) -> None:
    with pytest.raises(InvalidArgument, match="context must be a dict of names to types"):
        context_values({"vip": declared})
    with pytest.raises(InvalidArgument, match="context must be a dict of names to types"):
        conditions("Deposit", context={"vip": declared})


@pytest.mark.parametrize(("event_type", "name"), [("Deposit", "method_id"), ("PlayerLogin", "jurisdiction"),
                                                  ("PlayerLogin", "session_token"), ("Deposit", "player_id")])
def test_strings_of_the_longest_length_allowed_are_drawn(event_type: str, name: str) -> None:
    specs = [*payload_fields(event_type), *ENVELOPE_FIELDS]
    spec = next(spec for spec in specs if spec.name == name)
    longest = spec.constraints.max_length
    found = find(field_values(spec), lambda value: value is not None and len(value) == longest,
                 settings=settings(max_examples=1000, database=None))
    assert len(found) == longest


def test_the_smallest_envelope_is_short_and_readable() -> None:
    smallest = find(envelopes(EventType.PLAYER_LOGIN), lambda envelope: True, settings=settings(database=None))
    login = smallest.payload
    assert isinstance(login, PlayerLogin)
    texts = [smallest.operator_id, smallest.brand_id, smallest.player_id, login.currency, login.jurisdiction or ""]
    assert max(map(len, texts)) <= 10, smallest


def test_from_type_of_the_payloads_base_class_draws_payloads_of_every_type() -> None:
    drawn: set[EventType] = set()

    @settings(max_examples=400, database=None, derandomize=True)  # the same draws every run: no chance miss
    @given(st.from_type(EventPayload))
    def collect(payload: EventPayload) -> None:
        assert isinstance(payload, EventPayload)
        drawn.add(payload.event_type)

    collect()
    assert drawn == set(EventType)


#: Every type a context value may be declared with, nullable or not.
_EVERY_CONTEXT = {f"{base}{'_or_null' if nullable else ''}": f"{base}{'?' if nullable else ''}"
                  for base in ("number", "string", "bool", "channel", "timestamp", "date")
                  for nullable in (False, True)}


@settings(max_examples=300, database=None, derandomize=True)  # the same draws every run: no chance miss
@given(st.sampled_from(list(EventType)), st.data())
def test_conditions_reading_a_context_of_every_type_compile(event_type: EventType, data: st.DataObject) -> None:
    """A nullable bool (``bool?``) reads where true or false is due as ``ctx.flag == true``, never bare."""
    from thrilldrops_events.conditions import compile_condition

    node = data.draw(conditions(event_type, context=_EVERY_CONTEXT, max_depth=4))
    compile_condition(node.text, event_type, context=_EVERY_CONTEXT)
    compile_condition(node, event_type, context=_EVERY_CONTEXT)
