"""The published schemas: JSON Schema (draft 2020-12) per payload and for the envelope, and AsyncAPI 3.0.

Producers and consumers in other languages validate events with these files; they are generated from
the models (through the normalised field view of :mod:`thrilldrops_events._fields`), committed under
``schemas/`` in the repository and published with the documentation.

* ``<Variant>.json``: one payload (the object under ``event_type.<Variant>``), such as ``Deposit.json``.
* ``envelope.json``: the ``POST /event`` body, self-contained (the payloads are copied under ``$defs``).
* ``strict/...``: the same schemas with ``additionalProperties: false``, matching the library's strict
  mode; for producers checking their own output.
* ``asyncapi.json``: the AsyncAPI 3.0 document of the HTTP ingestion and the Redis stream.

The default schemas allow unknown fields, as the library keeps them. They describe what a producer
must send: the library's lenient reader also tolerates a few loose forms they refuse (a numeric
string for ``timestamp``, ``"true"`` or ``1`` for a boolean). Where JSON Schema cannot express one of
the library's rules exactly, the field's description says so.

The JSON Schemas are built in `json_schema`, the AsyncAPI document in `_asyncapi`, the files written
in `_files`, and the compatibility checker behind `thrilldrops-events schema check` lives in `_compat`.
"""

from thrilldrops_events.schema._asyncapi import asyncapi_document
from thrilldrops_events.schema._files import schema_files, write_schemas
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
    "write_schemas",
]
