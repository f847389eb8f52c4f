"""The AsyncAPI 3.0 document: ``POST /event`` over HTTP and the Redis stream of events.

The document describes the ThrillDrops processor's side: it receives envelopes over HTTP and consumes
stream entries with a consumer group. It is self-contained: the payload and envelope schemas are copied
under ``components.schemas`` in the AsyncAPI Schema format (the document's default, a superset of JSON
Schema draft-07), which the official AsyncAPI parser validates. The same schemas, as JSON Schema 2020-12,
are the files beside the document; the constructs they use read the same in both drafts.
"""

from __future__ import annotations

import inspect
from typing import Any

from thrilldrops_events import __version__
from thrilldrops_events._docs import example_envelope
from thrilldrops_events.codecs.json import to_dict
from thrilldrops_events.codecs.redis import FIELDS, FORMAT
from thrilldrops_events.codecs.redis import encode as encode_entry
from thrilldrops_events.enums import EventType
from thrilldrops_events.events import PAYLOAD_MODELS
from thrilldrops_events.schema._fragments import NO_FINAL_LINE_BREAK
from thrilldrops_events.schema.json_schema import ENVELOPE, SCHEMA_BASE_URI, json_schema, variant_schema

__all__ = [
    "ASYNCAPI_VERSION",
    "CONSUMER_DEFAULTS",
    "DEAD_LETTER_FIELDS",
    "STREAM_FIELDS",
    "asyncapi_document",
]

#: The AsyncAPI version of the document.
ASYNCAPI_VERSION = "3.1.0"
#: The fields of a stream entry (see ``thrilldrops_events.codecs.redis``), in the order they are written.
STREAM_FIELDS = FIELDS

_HTTP_BINDING_VERSION = "0.3.0"
_RESERVED = ["operator_id", "brand_id", "player_id", "timestamp", "event_type", "payload"]


def _summary(event_type: EventType) -> str:
    return inspect.cleandoc(PAYLOAD_MODELS[event_type].__doc__ or "").split("\n\n")[0]


def _tag(event_type: EventType) -> dict[str, str]:
    return {"name": "internal" if event_type.is_internal else "external"}


_SCHEMAS = "#/components/schemas/"


def _component(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema of the files as a component: no ``$schema``, ``$id`` or ``$defs``, references into components."""
    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: (value.replace("#/$defs/", _SCHEMAS) if key == "$ref" else move(value))
                    for key, value in node.items() if key not in ("$schema", "$id", "$defs")}
        return [move(item) for item in node] if isinstance(node, list) else node

    moved: dict[str, Any] = move(schema)
    return moved


def _component_schemas() -> dict[str, Any]:
    """The envelope and every payload, as the consumer set of JSON Schemas describes them."""
    schemas = {ENVELOPE.capitalize(): _component(json_schema(ENVELOPE))}
    schemas.update({e.value: _component(json_schema(e)) for e in EventType})
    return schemas


def _http_message(event_type: EventType) -> dict[str, Any]:
    name = event_type.value
    return {
        "name": name,
        "title": f"{name} envelope",
        "summary": _summary(event_type),
        "description": f"An envelope whose event_type holds a {name} payload ({name}.json beside this document).",
        "contentType": "application/json",
        "tags": [_tag(event_type)],
        "payload": {
            "allOf": [{"$ref": _SCHEMAS + ENVELOPE.capitalize()}],
            "type": "object",
            "properties": {"event_type": variant_schema(event_type, _SCHEMAS + name)},
        },
        "bindings": {
            "http": {
                "headers": {
                    "type": "object",
                    "properties": {"Content-Type": {"type": "string", "enum": ["application/json"]}},
                },
                "bindingVersion": _HTTP_BINDING_VERSION,
            }
        },
        "examples": [{"name": f"{name}-example", "payload": to_dict(example_envelope(event_type))}],
    }


def _entry_schema(event_type: EventType) -> dict[str, Any]:
    envelope = json_schema(ENVELOPE)["properties"]
    name = event_type.value
    return {
        "description": (
            f"One Redis stream entry holding a {name} event: a flat map of text fields (Redis stores every value "
            "as a string). Fields outside the layout are kept as unknown envelope fields holding their text by "
            "the library's lenient reader, and refused by its strict one; a field given both on its own and inside "
            "extra is refused by both."
        ),
        "type": "object",
        "properties": {
            "format": {"description": f"The version of this layout; an entry without it is read as format {FORMAT}.",
                       "const": FORMAT},
            "event_type": {"description": "The variant name (case-sensitive).", "const": name},
            "operator_id": envelope["operator_id"],
            "brand_id": envelope["brand_id"],
            "player_id": envelope["player_id"],
            "timestamp": {
                "description": "Unix seconds written as a decimal integer, such as 1777852800; at most "
                f"{envelope['timestamp']['maximum']} (a 13-digit milliseconds value is refused).",
                "type": "string",
                "pattern": "^[0-9]{1,20}$",
                "not": dict(NO_FINAL_LINE_BREAK),
            },
            "payload": {
                "description": f"The {name} payload as exact JSON text, money as decimal strings.",
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": _SCHEMAS + name},
            },
            "extra": {
                "description": "The envelope's unknown fields as a JSON object; written only when there are some. "
                "It may not use the names of the envelope's own fields.",
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"type": "object", "propertyNames": {"not": {"enum": _RESERVED}}},
            },
        },
        "required": ["event_type", "operator_id", "brand_id", "player_id", "timestamp", "payload"],
        "additionalProperties": {"type": "string"},
    }


def _stream_message(event_type: EventType) -> dict[str, Any]:
    name = event_type.value
    entry = encode_entry(example_envelope(event_type))
    return {
        "name": f"{name}Entry",
        "title": f"{name} stream entry",
        "summary": _summary(event_type),
        "contentType": "application/json",
        "tags": [_tag(event_type)],
        "payload": _entry_schema(event_type),
        "examples": [{"name": f"{name}-entry-example", "payload": entry}],
    }


#: The defaults of ``thrilldrops_events.streams.StreamConsumer`` (a test keeps them in step).
CONSUMER_DEFAULTS: dict[str, Any] = {
    "batchSize": 100,
    "blockMs": 1000,
    "maxDeliveries": 5,
    "claimIdleMs": 60_000,
    "claimIntervalMs": 30_000,
    "groupStartId": "0",
    "deadLetterStream": "{{stream}}:dead-letter, or {stream}:dead-letter when the name already holds a hash tag "
    "(such as casino:{brand-7}:events): on the stream's cluster slot",
    "deadLetterMaxlen": 100_000,
    "retryFirstDelayMs": 1000,
    "retryMultiplier": 2.0,
}
#: The fields a dead-letter entry adds to the original entry's fields (``thrilldrops_events.streams``).
DEAD_LETTER_FIELDS = ("dead_letter_id", "dead_letter_stream", "dead_letter_group", "dead_letter_consumer",
                      "dead_letter_deliveries", "dead_letter_reason", "dead_letter_error")

_CONSUMER_GROUP = {
    "description": (
        "How a campaign engine consumes the stream through a Redis consumer group, as "
        "thrilldrops_events.streams.StreamConsumer does (the settings are its defaults). Delivery is at least "
        "once, so handlers must be idempotent."
    ),
    "create": "XGROUP CREATE {stream} {group} 0 MKSTREAM when the group is missing, and again after a NOGROUP "
    "error; start 0 also delivers the entries already in the stream ($ would deliver only new ones)",
    "read": "XREADGROUP GROUP {group} {consumer} COUNT 100 BLOCK 1000 STREAMS {stream} > for new entries; the "
    "consumer's own pending entries are listed with XPENDING and fetched with XRANGE, which count no delivery",
    "attempts": "before each handler call the entry's delivery count is set to the tries started plus one "
    "(XCLAIM {stream} {group} {consumer} 0 {id} RETRYCOUNT n+1 JUSTID), so it counts handler tries, "
    "whatever happened to the process",
    "acknowledge": "XACK once the handler has returned, sent before the next handler call; a handler error leaves "
    "the entry pending for a retry after a delay that grows (retryFirstDelayMs, times retryMultiplier per failure)",
    "reclaim": "XAUTOCLAIM {stream} {group} {consumer} 60000 ... JUSTID every 30000 ms: entries pending that long "
    "(a dead consumer's, or a failed handler's) are tried again; entries trimmed away meanwhile are acknowledged",
    "deadLetter": "an entry that fails validation (reason invalid), whose handler failed maxDeliveries times "
    "(max_deliveries), or whose handler raised an error the retry policy does not retry (not_retryable) is added "
    "to the dead-letter stream (trimmed to about deadLetterMaxlen entries) with its original fields plus the "
    "deadLetterFields, then acknowledged",
    "settings": CONSUMER_DEFAULTS,
    "deadLetterFields": list(DEAD_LETTER_FIELDS),
}


_INFO: dict[str, Any] = {
    "title": "ThrillDrops events",
    "description": (
        "The player events ThrillDrops campaigns react to, as the ThrillDrops processor receives them: "
        "envelopes in the body of POST /event, and entries of a Redis stream (the internal ThrillPots "
        "events, and external events that producers choose to publish there). The schemas under "
        "components are those of the JSON Schema files beside this document (the consumer set), generated by "
        "the thrilldrops-events library."
    ),
    "license": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
    "tags": [
        {"name": "external", "description": "Events sent by operators' platforms (login, bets, payments)."},
        {"name": "internal", "description": "ThrillPots events produced inside ThrillDrops."},
    ],
}

_SERVERS: dict[str, Any] = {
    "processor": {
        "host": "{host}",
        "protocol": "https",
        "description": "The ThrillDrops processor's HTTP endpoint.",
        "variables": {"host": {"description": "The processor's host name, given to each operator.",
                               "examples": ["thrilldrops.example.com"]}},
    },
    "redis": {
        "host": "{host}:{port}",
        "protocol": "redis",
        "description": "The Redis server holding the event stream.",
        "variables": {"host": {"default": "localhost"}, "port": {"default": "6379"}},
    },
}


def _channels() -> dict[str, Any]:
    return {
        "ingestion": {
            "address": "/event",
            "title": "POST /event",
            "description": "The ingestion endpoint: one envelope per request, as a JSON body.",
            "servers": [{"$ref": "#/servers/processor"}],
            "messages": {e.value: {"$ref": f"#/components/messages/{e.value}"} for e in EventType},
        },
        "eventStream": {
            "address": "{stream}",
            "title": "Redis stream of events",
            "description": (
                "A Redis stream of events, one entry per event (see the entry messages for the layout). The "
                "internal ThrillPots events arrive here; producers may publish external events the same way."
            ),
            "servers": [{"$ref": "#/servers/redis"}],
            "parameters": {"stream": {"description": "The stream key, chosen by the deployment."}},
            "messages": {f"{e.value}Entry": {"$ref": f"#/components/messages/{e.value}Entry"} for e in EventType},
        },
    }


def _operations() -> dict[str, Any]:
    return {
        "receiveEvent": {
            "action": "receive",
            "channel": {"$ref": "#/channels/ingestion"},
            "title": "Receive an event over HTTP",
            "summary": "The processor validates the envelope and matches it against the live campaigns.",
            "bindings": {"http": {"method": "POST", "bindingVersion": _HTTP_BINDING_VERSION}},
            "messages": [{"$ref": f"#/channels/ingestion/messages/{e.value}"} for e in EventType],
        },
        "consumeStream": {
            "action": "receive",
            "channel": {"$ref": "#/channels/eventStream"},
            "title": "Consume the event stream with a consumer group",
            "summary": "Each campaign engine reads the stream through a Redis consumer group.",
            "messages": [{"$ref": f"#/channels/eventStream/messages/{e.value}Entry"} for e in EventType],
            "x-redis-consumer-group": _CONSUMER_GROUP,
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document: ``POST /event`` over HTTP and the Redis stream, one message per event type.

    The document is self-contained: the envelope and payload schemas are under ``components.schemas``.

    Examples:
        >>> asyncapi_document()["channels"]["ingestion"]["address"]
        '/event'
    """
    messages: dict[str, Any] = {e.value: _http_message(e) for e in EventType}
    messages.update({f"{e.value}Entry": _stream_message(e) for e in EventType})
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": SCHEMA_BASE_URI + "asyncapi.json",
        "info": {"title": _INFO["title"], "version": __version__, **{k: v for k, v in _INFO.items() if k != "title"}},
        "defaultContentType": "application/json",
        "servers": _SERVERS,
        "channels": _channels(),
        "operations": _operations(),
        "components": {"schemas": _component_schemas(), "messages": messages},
    }
