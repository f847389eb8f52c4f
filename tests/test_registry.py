"""The registry of event types is stated once: a new event type is one EventType member and one model class.

The main test copies the package, adds a tenth event type exactly that way (no other edit), and
checks in a fresh interpreter that every part of the library that depends on the set of events
knows it: the enum, the unions, the JSON and Redis codecs, CloudEvents, the JSON Schemas and the
AsyncAPI document, the Hypothesis strategies, the condition checker, de-duplication keys and the
generated docs pages.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import thrilldrops_events
from thrilldrops_events import EventType
from thrilldrops_events.events import PAYLOAD_MODELS, Payload

PACKAGE = Path(thrilldrops_events.__file__).resolve().parent

MEMBER_AFTER = '    THRILLPOTS_OPT_IN = "ThrillPotsOptInEvent"\n'
TENTH_MEMBER = '    THRILLPOTS_BOOST = "ThrillPotsBoostEvent"\n'
TENTH_MODEL = '''

class ThrillPotsBoostEvent(EventPayload):
    """A player's ThrillPots contributions were boosted for a while."""

    event_type: ClassVar[EventType] = EventType.THRILLPOTS_BOOST

    boost_id: Identifier = Field(description="The boost identifier.")
    player_id: Identifier = Field(description=_PLAYER)
    currency: CurrencyCode = Field(description="The currency of the boosted contributions.")
    multiplier: Money = Field(description="What each contribution is multiplied by, >= 0.")
    jackpot_id: Identifier | None = Field(default=None, description="The jackpot boosted, if only one.")
'''

CHECKS = '''
import json, sys, typing
from pathlib import Path

import thrilldrops_events
assert Path(thrilldrops_events.__file__).resolve().parent == Path(sys.argv[1]), thrilldrops_events.__file__

from hypothesis import find, strategies as st

from thrilldrops_events import Envelope, EventType, compile_condition, dedup_key, parse_event, to_json, _docs
from thrilldrops_events.codecs import cloudevents, redis
from thrilldrops_events.errors import EventValidationError
from thrilldrops_events.events import PAYLOAD_MODELS, Payload, payload_model
from thrilldrops_events.schema import asyncapi_document, json_schema
from thrilldrops_events.testing import conditions, envelopes, invalid_envelopes, payloads

kind = EventType("ThrillPotsBoostEvent")
model = kind.model
assert kind is EventType.THRILLPOTS_BOOST and kind.is_internal and len(EventType) == 9
assert model.__name__ == "ThrillPotsBoostEvent" and model.event_type is kind
assert PAYLOAD_MODELS[kind] is model and payload_model("ThrillPotsBoostEvent") is model
assert model in typing.get_args(Payload)

# the envelope and the JSON codec, both routes, both money formats; model_validate_json
payload = model(boost_id="b-1", player_id="p-1", currency="EUR", multiplier="2.50")
envelope = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-1", timestamp=1777852800, payload=payload)
text = to_json(envelope).decode()
assert '"event_type":{"ThrillPotsBoostEvent":{' in text, text
assert parse_event(text) == envelope and parse_event(text, strict=True) == envelope
assert parse_event(to_json(envelope, money="number")) == envelope
assert Envelope.model_validate_json(text) == envelope
assert model.model_validate_json(json.dumps(json.loads(text)["event_type"]["ThrillPotsBoostEvent"])) == payload
try:
    parse_event(text.replace("ThrillPotsBoostEvent", "ThrillPotsBoostEvnt"))
except EventValidationError as error:
    assert "did you mean 'ThrillPotsBoostEvent'" in str(error), str(error)
else:
    raise AssertionError("a misspelt event type was accepted")

# the other codecs
assert redis.decode(redis.encode(envelope)) == envelope
assert cloudevents.from_cloudevent(cloudevents.to_cloudevent(envelope)) == envelope
assert dedup_key(envelope) == dedup_key(parse_event(text))

# JSON Schema and AsyncAPI
schema = json_schema(kind)
assert set(schema["properties"]) == {"boost_id", "player_id", "currency", "multiplier", "jackpot_id"}, schema
assert "ThrillPotsBoostEvent" in json_schema("envelope")["$defs"]
assert "ThrillPotsBoostEvent" in asyncapi_document()["components"]["messages"]

# the Hypothesis strategies, and st.from_type through the entry point
assert type(find(payloads(kind), lambda p: True)) is model
assert find(envelopes(), lambda e: e.event_type is kind).event_type is kind
assert type(st.from_type(model).example()) is model
assert find(invalid_envelopes(kind), lambda bad: True).path
assert find(conditions(kind), lambda node: "multiplier" in node.text)

# the condition checker, both evaluators
condition = compile_condition('multiplier >= 2 and currency == "EUR" and jackpot_id is null', "ThrillPotsBoostEvent")
assert condition(envelope) is True and condition.evaluate_reference(envelope) is True
try:
    compile_condition("multiplyer > 1", kind)
except Exception as error:
    assert "did you mean multiplier" in str(error), str(error)
else:
    raise AssertionError("an unknown field was accepted")

# the generated docs
page = _docs.render_event_page(kind)
assert page.startswith("# ThrillPotsBoostEvent") and "`multiplier`\\n:   " in page, page
assert "[`ThrillPotsBoostEvent`](ThrillPotsBoostEvent.md)" in _docs.render_events_index()
example = _docs.example_envelope(kind)
assert parse_event(page.split("```json\\n", 1)[1].split("\\n```", 1)[0], strict=True) == example
assert compile_condition(_docs.example_condition(kind), kind)(example) is True
print("ninth and tenth: ok")
'''


def _with_a_tenth_event(root: Path) -> Path:
    copy = root / "thrilldrops_events"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    base = copy / "events" / "_base.py"
    text = base.read_text(encoding="utf-8")
    assert text.count(MEMBER_AFTER) == 1
    base.write_text(text.replace(MEMBER_AFTER, MEMBER_AFTER + TENTH_MEMBER), encoding="utf-8")
    internal = copy / "events" / "internal.py"
    internal.write_text(internal.read_text(encoding="utf-8") + TENTH_MODEL, encoding="utf-8")
    return copy


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_a_tenth_event_type_needs_one_member_and_one_model(tmp_path: Path) -> None:
    copy = _with_a_tenth_event(tmp_path)
    changed = [
        str(path.relative_to(copy))
        for path in sorted(copy.rglob("*.py"))
        if path.read_bytes() != (PACKAGE / path.relative_to(copy)).read_bytes()
    ]
    assert changed == ["events/_base.py", "events/internal.py"]
    script = tmp_path / "checks.py"
    script.write_text(textwrap.dedent(CHECKS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, str(script), str(copy)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "ninth and tenth: ok" in result.stdout


def _static_payload_union() -> list[str]:
    """The members of ``Payload`` as type checkers see it (the ``if TYPE_CHECKING:`` branch of events)."""
    tree = ast.parse((PACKAGE / "events" / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            # The union, then its docstring (a string the API reference shows).
            assign = node.body[0]
            assert isinstance(assign, ast.Assign)
            assert isinstance(assign.value, ast.Subscript)
            assert isinstance(assign.value.slice, ast.Tuple)
            return [element.id for element in assign.value.slice.elts if isinstance(element, ast.Name)]
    raise AssertionError("no static Payload union")


def test_the_union_type_checkers_see_is_the_registry() -> None:
    registry = [model.__name__ for model in PAYLOAD_MODELS.values()]
    assert _static_payload_union() == registry, (
        "add the new model to the Payload union under `if TYPE_CHECKING:` in thrilldrops_events/events/__init__.py"
    )
    assert [model.__name__ for model in Payload.__args__] == registry


def test_every_member_has_its_model_and_only_one() -> None:
    assert list(PAYLOAD_MODELS) == list(EventType)
    for member, model in PAYLOAD_MODELS.items():
        assert member.model is model
        assert model.event_type is member
        assert model.__module__ in ("thrilldrops_events.events.external", "thrilldrops_events.events.internal")


def test_a_subclass_of_a_model_does_not_replace_it() -> None:
    from thrilldrops_events import Deposit

    class MyDeposit(Deposit):
        pass

    assert EventType.DEPOSIT.model is Deposit


@pytest.mark.parametrize(
    "code",
    [
        "from thrilldrops_events.events import Deposit\n"
        "d = Deposit.model_validate_json(b'{\"method_id\": \"v\", \"currency\": \"EUR\", \"amount\": 10.00}')\n"
        "assert str(d.amount) == '10.00', d.amount\n",
        "from thrilldrops_events.envelope import Envelope\n"
        "e = Envelope.model_validate_json(b'{\"operator_id\": \"o\", \"brand_id\": \"b\", \"player_id\": \"p\", '\n"
        "    b'\"timestamp\": 1, \"event_type\": {\"Deposit\": {\"method_id\": \"v\", \"currency\": \"EUR\", '\n"
        "    b'\"amount\": 12345678901234567890.123456789}}}')\n"
        "assert str(e.payload.amount) == '12345678901234567890.123456789', e.payload.amount\n",
        "from thrilldrops_events.enums import EventType\n"
        "from thrilldrops_events.events import Deposit\n"
        "assert EventType.DEPOSIT.model is Deposit\n",
    ],
    ids=["payload", "envelope", "enum"],
)
def test_models_read_json_exactly_whatever_is_imported_first(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
