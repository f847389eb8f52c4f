"""The generated event reference of the documentation site, rendered from the models.

Every page is built from :func:`thrilldrops_events._fields.payload_fields` (the field names, kinds,
nullability, descriptions and rules) and from the real models (docstrings, an example envelope written
with :func:`~thrilldrops_events.to_json`), never from a hand-written table. The mkdocs hook in
``docs/hooks/events_reference.py`` calls these functions at build time.
"""

from __future__ import annotations

import inspect
import json
from decimal import Decimal

from thrilldrops_events import _fields
from thrilldrops_events.codecs.json import encode
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import (
    PAYLOAD_MODELS,
    Deposit,
    EventPayload,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
)

__all__ = [
    "EVENTS_DIR",
    "EXAMPLE_CONDITIONS",
    "example_envelope",
    "page_path",
    "render_event_page",
    "render_events_index",
]

#: Where the generated pages live, relative to the docs directory.
EVENTS_DIR = "reference/events"

# How each field kind looks on the wire (the JSON type), for the "Type" column.
_WIRE_TYPES: dict[str, str] = {
    "identifier": "string",
    "currency": "string",
    "country": "string",
    "money": "decimal string or number",
    "signed_money": "decimal string or number",
    "bool": "boolean",
    "channel": "string (enum)",
    "secret": "string",
    "timestamp": "integer",
}

_SCOPE = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-000042", "timestamp": 1777852800}


def _example_payload(event_type: EventType) -> EventPayload:
    d = Decimal
    examples: dict[EventType, EventPayload] = {
        EventType.PLAYER_LOGIN: PlayerLogin(
            channel_type=ChannelType.MobileWeb, currency="EUR", country="DE", jurisdiction="MGA",
            session_token="sess-3f9a8c",
        ),
        EventType.PLAYER_LOGOUT: PlayerLogout(channel_type=ChannelType.MobileWeb),
        EventType.TRANSACTION: Transaction(
            provider_id="pragmatic", game_id="gates-of-olympus", gameround_id="r-9f8e7d", bet_transaction_id="bt-1001",
            currency="EUR", game_bet=d("10.00"), bonus_bet=d("2.00"), real_bet=d("8.00"), jackpot_bet=d("0.10"),
            win_transaction_id="wt-1001", game_win=d("25.50"), jackpot_win=d("0.00"), is_free_spin=False,
            round_finished=True,
        ),
        EventType.DEPOSIT: Deposit(method_id="visa", currency="EUR", amount=d("25.00"), balance_after=d("125.40")),
        EventType.WITHDRAWAL: Withdrawal(
            method_id="trustly", currency="SEK", amount=d("500.00"), balance_after=d("0.00")
        ),
        EventType.THRILLPOTS_WIN: ThrillPotsWinEvent(
            jackpot_id="jp-mega", instance_id="i-2026-05", pot_id="pot-grand", player_brand_id="brand-7",
            player_id="p-000042", currency="EUR", amount=d("1500.00"), game_id="sweet-bonanza",
            contribution=d("0.05"), contribution_currency="EUR", payout_type="cash",
        ),
        EventType.THRILLPOTS_RAFFLE_WIN: ThrillPotsRaffleWinEvent(
            raffle_id="raffle-weekly", instance_id="i-2026-w19", prize_id="prize-3", player_brand_id="brand-7",
            player_id="p-000042", currency="EUR", amount=d("50.00"),
        ),
        EventType.THRILLPOTS_OPT_IN: ThrillPotsOptInEvent(
            player_brand_id="brand-7", player_id="p-000042", jackpot_id="jp-mega", currency="EUR",
            contribution=d("0.10"),
        ),
    }
    return examples[event_type]


#: A campaign condition per event type, true for its example envelope (the tests compile and check each).
EXAMPLE_CONDITIONS: dict[EventType, str] = {
    EventType.PLAYER_LOGIN: 'channel_type == "MobileWeb" and country == "DE"',
    EventType.PLAYER_LOGOUT: 'channel_type in ["MobileWeb", "MobileNative"]',
    EventType.TRANSACTION: "game_win > game_bet and not is_free_spin",
    EventType.DEPOSIT: 'amount >= 20 and currency == "EUR"',
    EventType.WITHDRAWAL: 'amount >= 100 and currency == "SEK"',
    EventType.THRILLPOTS_WIN: 'amount >= 1000 and payout_type == "cash"',
    EventType.THRILLPOTS_RAFFLE_WIN: 'raffle_id == "raffle-weekly" and amount >= 50',
    EventType.THRILLPOTS_OPT_IN: 'contribution is not null and event.brand_id == "brand-7"',
}


def example_envelope(event_type: EventType | str) -> Envelope:
    """A complete, valid example envelope of an event type, built with the real models."""
    return Envelope(**_SCOPE, payload=_example_payload(EventType(event_type)))


def page_path(event_type: EventType | str) -> str:
    """The path of an event type's page, relative to the docs directory."""
    return f"{EVENTS_DIR}/{EventType(event_type).value}.md"


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _field_table(specs: tuple[_fields.FieldSpec, ...]) -> list[str]:
    lines = ["| Field | Type | Nullable | Rule | Description |", "| --- | --- | --- | --- | --- |"]
    for spec in specs:
        wire = _WIRE_TYPES.get(spec.kind, spec.kind)
        nullable = "yes: may be `null` or absent" if spec.nullable else "no"
        kind = f"{_cell(wire)} (`{spec.kind}`)"
        cells = [f"`{spec.name}`", kind, nullable, _cell(spec.rule), _cell(spec.description)]
        lines.append(f"| {' | '.join(cells)} |")
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
    lines = [
        f"# {name}",
        "",
        f"Wire name: `\"{name}\"` · Python: [`{model.__name__}`][thrilldrops_events.{model.__name__}] · "
        f"`EventType.{kind.name}` · {_origin(kind)}.",
        "",
        inspect.cleandoc(model.__doc__ or ""),
        "",
        "## Fields",
        "",
        f"On the wire the payload is the object under `event_type.{name}` in the envelope. "
        "Nullable fields may be sent as `null` or left out; the library always writes them.",
        "",
        *_field_table(_fields.payload_fields(kind)),
        "",
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
        "## In campaign conditions",
        "",
        f"A condition compiled for `{name}` reads the fields above by name, and the envelope's fields as "
        "`event.player_id`, `event.brand_id`, `event.timestamp` and so on. This one is true for the example:",
        "",
        "```text",
        EXAMPLE_CONDITIONS[kind],
        "```",
        "",
        "See [Writing campaign conditions](../../guides/conditions.md).",
        "",
        "## JSON Schema",
        "",
    ]
    if schema_link is not None:
        lines.append(f"[`schemas/{name}.json`]({schema_link}) (JSON Schema 2020-12), for other languages.")
        if strict_schema_link is not None:
            lines += [
                "",
                f"[`schemas/strict/{name}.json`]({strict_schema_link}) is the same schema with unknown fields "
                "refused, like `strict=True`: for producers checking their own output.",
            ]
    else:
        lines.append(f"The JSON Schema `schemas/{name}.json` has not been generated in this build.")
    lines.append("")
    return "\n".join(lines)


def render_events_index(*, schema_links: dict[str, str] | None = None) -> str:
    """Render the overview page of the event reference: the envelope and the eight events.

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
        *_field_table(_fields.ENVELOPE_FIELDS),
        "| `event_type` | object | no | Exactly one key, one of the eight variant names below. "
        "| The payload under its variant name. |",
        "",
        "## The eight events",
        "",
        "| Event | Python | Origin | What happened |",
        "| --- | --- | --- | --- |",
    ]
    for kind in EventType:
        model = PAYLOAD_MODELS[kind]
        summary = inspect.cleandoc(model.__doc__ or "").split("\n", 1)[0]
        origin = "internal (Redis stream)" if kind.is_internal else "external (`POST /event`)"
        lines.append(f"| [`{kind.value}`]({kind.value}.md) | `{model.__name__}` | {origin} | {_cell(summary)} |")
    links = schema_links or {}
    documents = {
        "envelope.json": "JSON Schema 2020-12 of the whole `POST /event` body, the eight payloads included",
        "asyncapi.json": "AsyncAPI 3.0 document of the HTTP endpoint and the Redis stream",
    }
    published = [f"- [`schemas/{file}`]({links[file]}): {what}." for file, what in documents.items() if file in links]
    if published:
        lines += ["", "## Machine-readable contract", "", *published]
    lines.append("")
    return "\n".join(lines)
