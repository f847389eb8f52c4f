"""Hypothesis strategies for every event model, valid and invalid (extra ``testing``).

Use them to test your own producer or consumer::

    from hypothesis import given
    from thrilldrops_events import Envelope, to_json
    from thrilldrops_events.testing import envelopes

    @given(envelopes())
    def test_my_consumer_accepts_every_event(envelope: Envelope) -> None:
        my_consumer.handle(to_json(envelope))

Installing the package also registers the models with Hypothesis, so ``st.from_type(Deposit)``
and ``st.from_type(Envelope)`` work without importing this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "thrilldrops_events.testing needs Hypothesis: pip install 'thrilldrops-events[testing]'"
    ) from error

from thrilldrops_events._fields import ENVELOPE_FIELDS, KIND_CONSTRAINTS, FieldKind, FieldSpec, payload_fields
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload
from thrilldrops_events.testing._arguments import check_bool, check_event_type
from thrilldrops_events.testing._conditions import condition_trees, conditions, context_values
from thrilldrops_events.testing._values import field_values, json_values, money
from thrilldrops_events.testing._values import identifiers as identifiers

__all__ = [
    "InvalidEvent",
    "condition_trees",
    "conditions",
    "context_values",
    "envelopes",
    "field_values",
    "invalid_envelopes",
    "json_values",
    "money",
    "payloads",
    "wire_envelopes",
]


def _unknown_fields(known: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
        lambda n: n not in known and n != "payload" and not n.startswith(("model_", "_"))
    )
    return st.dictionaries(names, json_values(), max_size=3)


def payloads(
    event_type: EventType | str | None = None, *, unknown_fields: bool = False
) -> st.SearchStrategy[EventPayload]:
    """Valid payload models, of one event type or of any.

    Args:
        event_type: Restrict to this type; ``None`` draws from every event type.
        unknown_fields: Also add fields the contract does not know (kept in lenient mode).

    Raises:
        hypothesis.errors.InvalidArgument: If ``event_type`` is not an ``EventType`` or one of their names, or
            ``unknown_fields`` is not a bool.
    """
    check_bool("unknown_fields", unknown_fields)
    if event_type is None:
        return st.one_of([payloads(e, unknown_fields=unknown_fields) for e in EventType])
    kind = check_event_type("event_type", event_type)
    model = PAYLOAD_MODELS[kind]
    specs = payload_fields(kind)
    fields = st.fixed_dictionaries({spec.name: field_values(spec) for spec in specs})
    if unknown_fields:
        fields = st.tuples(fields, _unknown_fields({s.name for s in specs})).map(lambda p: {**p[1], **p[0]})
    return fields.map(lambda values: model(**values))


def envelopes(
    event_type: EventType | str | None = None, *, unknown_fields: bool = False
) -> st.SearchStrategy[Envelope]:
    """Valid envelopes around ``payloads``."""
    check_bool("unknown_fields", unknown_fields)
    if event_type is not None:
        check_event_type("event_type", event_type)
    header = st.fixed_dictionaries({spec.name: field_values(spec) for spec in ENVELOPE_FIELDS})
    extra = _unknown_fields({s.name for s in ENVELOPE_FIELDS} | {"event_type"}) if unknown_fields else st.just({})
    body = payloads(event_type, unknown_fields=unknown_fields)
    return st.builds(lambda h, p, x: Envelope(**x, **h, payload=p), header, body, extra)


def wire_envelopes(event_type: EventType | str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid envelopes in their wire form (as parsed JSON), money as decimal strings as `to_json` writes it."""
    from thrilldrops_events.codecs.json import to_dict

    return envelopes(event_type).map(lambda env: to_dict(env))


@dataclass(frozen=True)
class InvalidEvent:
    """A wire envelope with exactly one thing wrong.

    Attributes:
        data: The envelope as parsed JSON.
        path: The JSON path of the broken field.
        why: A short description of what was broken.
    """

    data: dict[str, Any]
    path: str
    why: str


_MISSING = object()

# Values that are wrong for each kind of field, in JSON (valid in neither lenient nor strict mode), besides
# those just outside the bounds of the contract table (see `_out_of_bounds`).
_BAD_VALUES: dict[str, list[Any]] = {
    "identifier": [" padded", "padded ", 5, [], {}],
    "text": [5, True, [], {}],
    "currency": ["E-R", "€UR", 978],
    "country": ["de", "XX", 276],
    "money": ["abc", "NaN", "Infinity", "1E+25", "1E-30", "-1", -1, True, [], "1_000", " 1"],
    "signed_money": ["abc", "NaN", "-Infinity", "1E+25", "1E-30", True, {}, "--1"],
    "bool": ["maybe", 2, [], {}, "", "1.5"],
    "channel": ["desktopweb", "Desktop", "", 1, None],
    "secret": [5, True, []],
    "timestamp": [1777852800000, "soon", 1.5, True, [], 10**15],
}


def _out_of_bounds(kind: FieldKind) -> list[Any]:
    """Values just outside the bounds the contract table gives a kind: one character or one unit too many."""
    limits = KIND_CONSTRAINTS[kind]
    found: list[Any] = []
    if limits.max_length is not None:
        found.append("x" * (limits.max_length + 1))
    if limits.min_length:
        found.append("x" * (limits.min_length - 1))
    if limits.integer_digits is not None and limits.scale is not None:
        found += ["1" + "0" * limits.integer_digits, "0." + "0" * limits.scale + "1"]
    elif limits.maximum is not None and limits.minimum is not None:
        found += [limits.maximum + 1, limits.minimum - 1]
    return found


def invalid_envelopes(event_type: EventType | str | None = None) -> st.SearchStrategy[InvalidEvent]:
    """Wire envelopes with exactly one field broken (a wrong value, a null where none is allowed, or absent)."""
    return _broken(envelopes(event_type))


@st.composite
def _broken(draw: st.DrawFn, valid: st.SearchStrategy[Envelope]) -> InvalidEvent:
    """One of ``valid``'s envelopes in its wire form, with exactly one field broken."""
    from thrilldrops_events.codecs.json import to_dict

    envelope = draw(valid)
    data = to_dict(envelope)
    variant = envelope.event_type.value
    targets: list[tuple[dict[str, Any], FieldSpec, str]] = [(data, spec, spec.name) for spec in ENVELOPE_FIELDS]
    inner = data["event_type"][variant]
    targets += [(inner, spec, f"event_type.{variant}.{spec.name}") for spec in payload_fields(variant)]
    container, spec, path = draw(st.sampled_from(targets))
    choices: list[Any] = [*_BAD_VALUES[spec.kind], *_out_of_bounds(spec.kind)]
    if not spec.nullable:
        choices += [None, _MISSING]
    bad = draw(st.sampled_from(choices))
    if bad is _MISSING:
        del container[spec.name]
        why = "missing"
    else:
        container[spec.name] = bad
        why = f"{spec.kind} set to {bad!r:.40}"
    return InvalidEvent(data, path, why)


def _hypothesis_setup_hook() -> None:
    """The entry point's former address (now ``thrilldrops_events._hypothesis``), for installs made before it moved."""
    for event_type, model in PAYLOAD_MODELS.items():
        st.register_type_strategy(model, payloads(event_type))
    st.register_type_strategy(Envelope, envelopes())
