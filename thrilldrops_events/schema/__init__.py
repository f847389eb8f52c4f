"""The published schemas: JSON Schema (draft 2020-12) per payload and for the envelope, AsyncAPI 3.1, TypeScript.

Producers and consumers in other languages validate events with these files; they are generated from
the models, committed under ``schemas/`` in the repository and published with the documentation.

* ``<Variant>.json``: one payload (the object under ``event_type.<Variant>``), such as ``Deposit.json``.
* ``envelope.json``: the ``POST /event`` body, self-contained (the payloads are copied under ``$defs``);
  ``event_type`` is a ``oneOf`` of single-key objects, one per variant.
* The files above form the consumer set: unknown fields allowed, money a decimal string or a JSON
  number, as the library's lenient reader takes them.
* ``strict/...``: the same with unknown fields refused, matching the library's strict mode.
* ``producer/...``: what a producer should send: unknown fields refused, money as decimal strings only.
* ``asyncapi.json``: the AsyncAPI 3.1 document of the HTTP ingestion and the Redis stream, self-contained.
* ``typescript/events.d.ts``: TypeScript declarations of the consumer and producer types.

Money is described with ``format: decimal`` and a pattern, so code generators can map it to a decimal
type. Where JSON Schema cannot express one of the library's rules exactly (the scale of a JSON number,
the size and nesting limits, lone surrogates), the description says so.
"""

from thrilldrops_events.schema._asyncapi import asyncapi_document
from thrilldrops_events.schema._files import schema_files, write_schemas
from thrilldrops_events.schema._typescript import typescript_declarations
from thrilldrops_events.schema.json_schema import (
    ENVELOPE,
    SCHEMA_BASE_URI,
    SCHEMA_DIALECT,
    all_json_schemas,
    json_schema,
    schema_file_name,
)

__all__ = [
    "ENVELOPE",
    "SCHEMA_BASE_URI",
    "SCHEMA_DIALECT",
    "all_json_schemas",
    "asyncapi_document",
    "json_schema",
    "schema_file_name",
    "schema_files",
    "typescript_declarations",
    "write_schemas",
]
