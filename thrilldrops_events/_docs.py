"""The generated event reference of the documentation site, rendered from the models.

Every page is built from ``payload_fields`` (the field names, kinds,
nullability, descriptions and rules) and from the real models (docstrings, an example envelope written
with [to_json][thrilldrops_events.to_json]), never from a hand-written table. The mkdocs hook in
``docs/hooks/events_reference.py`` calls these functions at build time.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from thrilldrops_events import _fields, events
from thrilldrops_events.codecs.json import encode
from thrilldrops_events.conditions.printer import quote
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload

__all__ = [
    "EVENTS_DIR",
    "EXAMPLE_CONDITIONS",
    "example_condition",
    "example_envelope",
    "page_path",
    "render_event_page",
    "render_condition_fields",
    "render_events_index",
]

#: Where the generated pages live, relative to the docs directory.
EVENTS_DIR = "reference/events"


def _wire_type(constraints: _fields.KindConstraints) -> str:
    """How a kind looks on the wire, from the contract table's JSON types, for the "Type" column."""
    if constraints.integer_digits is not None:
        return "decimal string or number"
    (json_type,) = constraints.json_types
    return f"{json_type} (enum)" if constraints.kind == "channel" else json_type


_SCOPE = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-000042", "timestamp": 1777852800}

# Hand-picked example payloads (in their wire form) and conditions true for them, by wire name. An
# event type without one gets an example made from its fields, and a condition made from the example.
_EXAMPLES: dict[str, dict[str, Any]] = {
    "PlayerLogin": {"channel_type": "MobileWeb", "currency": "EUR", "country": "DE", "jurisdiction": "MGA",
                    "session_token": "sess-3f9a8c"},
    "PlayerLogout": {"channel_type": "MobileWeb"},
    "Transaction": {"provider_id": "pragmatic", "game_id": "gates-of-olympus", "gameround_id": "r-9f8e7d",
                    "bet_transaction_id": "bt-1001", "currency": "EUR", "game_bet": "10.00", "bonus_bet": "2.00",
                    "real_bet": "8.00", "jackpot_bet": "0.10", "win_transaction_id": "wt-1001", "game_win": "25.50",
                    "jackpot_win": "0.00", "is_free_spin": False, "round_finished": True},
    "Deposit": {"method_id": "visa", "currency": "EUR", "amount": "25.00", "balance_after": "125.40"},
    "Withdrawal": {"method_id": "trustly", "currency": "SEK", "amount": "500.00", "balance_after": "0.00"},
    "ThrillPotsWinEvent": {"jackpot_id": "jp-mega", "instance_id": "i-2026-05", "pot_id": "pot-grand",
                           "player_brand_id": "brand-7", "player_id": "p-000042", "currency": "EUR",
                           "amount": "1500.00", "game_id": "sweet-bonanza", "contribution": "0.05",
                           "contribution_currency": "EUR", "payout_type": "cash"},
    "ThrillPotsRaffleWinEvent": {"raffle_id": "raffle-weekly", "instance_id": "i-2026-w19", "prize_id": "prize-3",
                                 "player_brand_id": "brand-7", "player_id": "p-000042", "currency": "EUR",
                                 "amount": "50.00"},
    "ThrillPotsOptInEvent": {"player_brand_id": "brand-7", "player_id": "p-000042", "jackpot_id": "jp-mega",
                             "currency": "EUR", "contribution": "0.10"},
}
_CONDITIONS: dict[str, str] = {
    "PlayerLogin": 'channel_type == "MobileWeb" and country == "DE"',
    "PlayerLogout": 'channel_type in ["MobileWeb", "MobileNative"]',
    "Transaction": "game_win > game_bet and not is_free_spin",
    "Deposit": 'amount >= 20 and currency == "EUR"',
    "Withdrawal": 'amount >= 100 and currency == "SEK"',
    "ThrillPotsWinEvent": 'amount >= 1000 and payout_type == "cash"',
    "ThrillPotsRaffleWinEvent": 'raffle_id == "raffle-weekly" and amount >= 50',
    "ThrillPotsOptInEvent": 'contribution is not null and event.brand_id == "brand-7"',
}

# A value of each kind of field, for examples made from the fields.
_SAMPLES: dict[str, Any] = {
    "currency": "EUR", "country": "DE", "money": "10.00", "signed_money": "-10.00", "bool": True,
    "channel": "MobileWeb", "secret": "sess-1", "timestamp": 1777852800,
}


def _made_example(event_type: EventType) -> dict[str, Any]:
    return {spec.name: _SAMPLES.get(spec.kind, spec.name.replace("_", "-") + "-1")
            for spec in _fields.payload_fields(event_type)}


def _example_payload(event_type: EventType) -> EventPayload:
    data = _EXAMPLES.get(event_type.value) or _made_example(event_type)
    return PAYLOAD_MODELS[event_type].model_validate(data)


def _made_condition(event_type: EventType) -> str:
    """A condition true for the example: its first two fields that a condition can read, compared with their value."""
    example = _example_payload(event_type)
    clauses = []
    for spec in _fields.payload_fields(event_type):
        value = getattr(example, spec.name)
        if value is None or spec.kind == "secret":
            continue
        if spec.kind in ("money", "signed_money"):
            clauses.append(f"{spec.name} >= {value}")
        elif spec.kind == "bool":
            clauses.append(f"{spec.name} == {'true' if value else 'false'}")
        else:
            clauses.append(f"{spec.name} == {quote(str(value))}")
    return " and ".join(clauses[:2]) or f"event.player_id == {quote(str(_SCOPE['player_id']))}"


def example_condition(event_type: EventType | str) -> str:
    """A campaign condition of an event type, true for its example envelope (the tests compile and check each)."""
    kind = EventType(event_type)
    return _CONDITIONS.get(kind.value) or _made_condition(kind)


#: A campaign condition per event type, true for its example envelope.
EXAMPLE_CONDITIONS: dict[EventType, str] = {kind: example_condition(kind) for kind in EventType}


def example_envelope(event_type: EventType | str) -> Envelope:
    """A complete, valid example envelope of an event type, built with the real models."""
    return Envelope(**_SCOPE, payload=_example_payload(EventType(event_type)))


def page_path(event_type: EventType | str) -> str:
    """The path of an event type's page, relative to the docs directory."""
    return f"{EVENTS_DIR}/{EventType(event_type).value}.md"


#: Where a rule is explained at length, by kind (relative to the event pages).
_RULE_LINKS = {"money": "../../guides/money.md", "signed_money": "../../guides/money.md"}


def rule_anchor(kind: str) -> str:
    """The anchor of a kind's rule on the generated pages."""
    return f"rule-{kind.replace('_', '-')}"


def _field_list(specs: tuple[_fields.FieldSpec, ...]) -> list[str]:
    """One entry per field: its name, then its kind (linked to the kind's rule), wire type and nullability."""
    lines = []
    for spec in specs:
        presence = "may be `null` or absent" if spec.nullable else "required"
        kind = f"[{spec.kind.replace('_', ' ')}](#{rule_anchor(spec.kind)})"
        lines += [f"`{spec.name}`", f":   {kind} · {_wire_type(spec.constraints)} · {presence}", "",
                  f"    {' '.join(spec.description.split())}", ""]
    return lines


def _rule_list(specs: tuple[_fields.FieldSpec, ...]) -> list[str]:
    """The rule of each kind of field used, stated once."""
    lines = ["## Rules", "", "Each kind of field has one rule, the same in every event:", ""]
    for kind, spec in {spec.kind: spec for spec in specs}.items():
        more = f" See [Money and precision]({_RULE_LINKS[kind]})." if kind in _RULE_LINKS else ""
        lines += [f'<span id="{rule_anchor(kind)}"></span>{kind.replace("_", " ")}', f":   {spec.rule}{more}", ""]
    return lines


def _pretty(envelope: Envelope) -> str:
    # Money is written as decimal strings by default, so the document holds no JSON float to lose.
    return json.dumps(json.loads(encode(envelope)), indent=2, ensure_ascii=False)


def _origin(event_type: EventType) -> str:
    if event_type.is_internal:
        return "internal ThrillPots event, read from a Redis stream"
    return "external event, sent by an operator's platform to `POST /event`"


def render_event_page(
    event_type: EventType | str, *, schema_link: str | None = None, strict_schema_link: str | None = None
) -> str:
    """Render the Markdown reference page of one event type.

    Args:
        event_type: The event type, as an ``EventType`` or its wire name.
        schema_link: The relative URL of the event's JSON Schema file, or ``None`` when the
            schemas have not been generated (the page then says so instead of linking).
        strict_schema_link: The relative URL of the strict variant of the schema (unknown fields
            refused), or ``None`` if there is none.

    Returns:
        The page: wire name, the model's docstring, the field table from ``_fields.payload_fields``,
        a complete example envelope and the JSON Schema link.
    """
    kind = EventType(event_type)
    model = PAYLOAD_MODELS[kind]
    name = kind.value
    python = f"[`{model.__name__}`][thrilldrops_events.{model.__name__}]" if _exported(model) else f"`{model.__name__}`"
    lines = [
        f"# {name}",
        "",
        f"Wire name: `\"{name}\"` · Python: {python} · `EventType.{kind.name}` · {_origin(kind)}.",
        "",
        inspect.cleandoc(model.__doc__ or ""),
        "",
        "## Fields",
        "",
        f"On the wire the payload is the object under `event_type.{name}` in the envelope. "
        "Nullable fields may be sent as `null` or left out; the library always writes them.",
        "",
        *_field_list(_fields.payload_fields(kind)),
        "Unknown fields are kept and written back out unchanged; `strict=True` refuses them.",
        "",
        "## Example",
        "",
        "A complete envelope, built with the models and written with `to_json`:",
        "",
        "```json",
        _pretty(example_envelope(kind)),
        "```",
        "",
        *_condition_lines(kind),
        "## JSON Schema",
        "",
        *_schema_lines(name, schema_link, strict_schema_link),
        "",
        *_rule_list(_fields.payload_fields(kind)),
    ]
    return "\n".join(lines)


def _condition_lines(kind: EventType) -> list[str]:
    return [
        "## In campaign conditions",
        "",
        f"A condition compiled for `{kind.value}` reads the fields above by name, and the envelope's fields as "
        "`event.player_id`, `event.brand_id`, `event.timestamp` and so on. This one is true for the example:",
        "",
        "```text",
        example_condition(kind),
        "```",
        "",
        "See [Conditions for campaign managers](../../guides/campaign-managers.md) and "
        "[Campaign conditions in Python](../../guides/conditions.md).",
        "",
    ]


def _exported(model: type[EventPayload]) -> bool:
    """Whether the model is exported (``from thrilldrops_events import Deposit``), so documented and linkable."""
    return model.__name__ in events.__all__


def _schema_lines(name: str, schema_link: str | None, strict_schema_link: str | None) -> list[str]:
    if schema_link is None:
        return [f"The JSON Schema `schemas/{name}.json` has not been generated in this build."]
    lines = [f"[`schemas/{name}.json`]({schema_link}) (JSON Schema 2020-12), for other languages."]
    if strict_schema_link is not None:
        lines += [
            "",
            f"[`schemas/strict/{name}.json`]({strict_schema_link}) is the same schema with unknown fields "
            "refused, like `strict=True`: for producers checking their own output.",
        ]
    return lines


def render_events_index(*, schema_links: dict[str, str] | None = None) -> str:
    """Render the overview page of the event reference: the envelope and the events.

    Args:
        schema_links: Relative URLs of published documents that concern every event, by file name
            (``envelope.json``, ``asyncapi.json``); those present are linked.
    """
    lines = [
        "# Events",
        "",
        "Every event travels in the same envelope, the JSON body of `POST /event` (and of a Redis stream entry). "
        "The envelope scopes the event to an operator, a brand and a player, and wraps the payload under its "
        "variant name: `event_type: {\"<Variant>\": {...}}`, exactly one key.",
        "",
        "These pages are generated from the models when the site is built.",
        "",
        "## The envelope",
        "",
        *_field_list(_fields.ENVELOPE_FIELDS),
        "`event_type`",
        ":   object · required",
        "",
        "    The payload under its variant name: exactly one key, one of the event types below.",
        "",
        "## The events",
        "",
    ]
    for kind in EventType:
        model = PAYLOAD_MODELS[kind]
        summary = inspect.cleandoc(model.__doc__ or "").split("\n", 1)[0]
        origin = "internal, read from a Redis stream" if kind.is_internal else "external, sent to `POST /event`"
        lines += [f"[`{kind.value}`]({kind.value}.md)", f":   {summary} Python: `{model.__name__}`; {origin}.", ""]
    links = schema_links or {}
    documents = {
        "envelope.json": "JSON Schema 2020-12 of the whole `POST /event` body, every payload included",
        "asyncapi.json": "AsyncAPI 3.1 document of the HTTP endpoint and the Redis stream",
    }
    published = [f"- [`schemas/{file}`]({links[file]}): {what}." for file, what in documents.items() if file in links]
    if published:
        lines += ["## Machine-readable contract", "", *published, ""]
    lines += _rule_list(_fields.ENVELOPE_FIELDS)
    return "\n".join(lines)


# What each kind of field is to a campaign manager writing a condition, in plain words.
_CONDITION_TYPES: dict[str, str] = {
    "identifier": "text",
    "text": "text",
    "currency": "text: a currency code, such as EUR",
    "country": "text: a two-letter country code, such as DE",
    "money": "number: an exact amount, 0 or more",
    "signed_money": "number: an exact amount, may be below 0",
    "bool": "true or false",
    "channel": "one of " + ", ".join(_fields.KIND_CONSTRAINTS["channel"].values or ()),
    "timestamp": "date and time",
}


def _condition_row(event: str, name: str, spec: _fields.FieldSpec) -> str:
    if spec.constraints.condition_type is None:
        kind, empty = "cannot be used: it is secret", "-"
    else:
        kind, empty = _CONDITION_TYPES[spec.kind], "yes" if spec.nullable else "no"
    return f"| {event} | `{name}` | {kind} | {empty} |"


def render_condition_fields() -> str:
    """The fields a campaign condition can use, per event type, as one Markdown table, from the models."""
    lines = ["| Event type | Field | Type | Can be empty |", "| --- | --- | --- | --- |"]
    lines += [_condition_row("every event", f"event.{spec.name}", spec) for spec in _fields.ENVELOPE_FIELDS]
    for kind in EventType:
        lines += [_condition_row(kind.value, spec.name, spec) for spec in _fields.payload_fields(kind)]
    return "\n".join(lines) + "\n"
