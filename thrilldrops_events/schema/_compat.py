"""Compatibility of two sets of JSON Schemas, in the Confluent vocabulary: BACKWARD, FORWARD, FULL.

* **BACKWARD**: consumers on the *new* schemas read events written with the *old* ones, so existing
  producers keep working. Narrowing a schema (a new required field, a tighter bound, a removed enum
  value) breaks it.
* **FORWARD**: consumers still on the *old* schemas read events written with the *new* ones, so existing
  consumers keep working. Widening a schema (a new enum value or event type, a looser bound, a field
  made optional) breaks it.
* **FULL**: both.

Each change found is classified by its effect on the set of valid events: unchanged (documentation),
widened, narrowed, or changed both ways (a new pattern: neither contains the other). Optional fields
follow Confluent's rules for an open content model (``additionalProperties: true``): an old event may
already carry a new field's name with another value, so adding an optional field narrows (breaks
BACKWARD) and removing one widens (breaks FORWARD), unless the field's schema accepts every value.

Local references (``"$ref": "#/$defs/..."``) are followed at any depth, so a change inside a definition
is reported where the definition is used; definitions nothing refers to are compared on their own.

Only the top-level schema files of a directory are compared (``Deposit.json``, ``envelope.json``...).
The ``strict/`` variants are derived from the same models for producers' own checks, and every new
field is by design refused by a producer still pinned to an old strict schema.
"""

from __future__ import annotations

from thrilldrops_events.errors import SchemaSetError
from thrilldrops_events.schema._compare import compare_schema_sets
from thrilldrops_events.schema._release import load_schema_set, release_gate
from thrilldrops_events.schema._report import LEVELS, Change, Effect, Level, Report

__all__ = [
    "LEVELS",
    "Change",
    "Effect",
    "Level",
    "Report",
    "SchemaSetError",
    "compare_schema_sets",
    "load_schema_set",
    "release_gate",
]
