"""``thrilldrops-events schema``: export the published schemas, and check two schema sets for compatibility."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from thrilldrops_events.schema import write_schemas
from thrilldrops_events.schema._compat import LEVELS, SchemaSetError, compare_schema_sets, load_schema_set


def register(subparsers: Any) -> None:
    """Add the ``schema`` subcommand and its ``export`` and ``check`` actions."""
    parser = subparsers.add_parser(
        "schema",
        help="export the published schemas, or check two schema sets",
        description="Work with the published schemas: JSON Schema 2020-12 per event and for the envelope, "
        "the AsyncAPI 3.1 document and TypeScript declarations.",
    )
    actions = parser.add_subparsers(dest="schema_command", required=True, metavar="ACTION")

    export = actions.add_parser(
        "export",
        help="write the JSON Schemas, the AsyncAPI document and the TypeScript declarations",
        description="Write every JSON Schema (one per event type and the envelope, in three sets: the consumer "
        "set, strict/ and producer/), asyncapi.json and the TypeScript declarations typescript/events.d.ts into a "
        "directory, creating it if needed.",
    )
    export.add_argument("--out", default="schemas", metavar="DIR", help="the directory to write (default: schemas)")
    export.set_defaults(handler=run_export)

    check = actions.add_parser(
        "check",
        help="classify the changes between two schema sets as compatible or breaking",
        description="Compare the JSON Schemas of OLD_DIR (such as a released version) with those of NEW_DIR and "
        "classify each change in the BACKWARD / FORWARD / FULL vocabulary. Exits 1 if a change breaks the "
        "chosen level, 2 if a directory cannot be read.",
    )
    check.add_argument("old", metavar="OLD_DIR", help="the directory of the old schemas")
    check.add_argument("new", metavar="NEW_DIR", help="the directory of the new schemas")
    check.add_argument("--level", choices=LEVELS, default="FULL",
                       help="the compatibility to require (default: FULL)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    check.add_argument("--documentation", action="store_true",
                       help="also list changes of descriptions, titles and examples")
    check.set_defaults(handler=run_check)


def run_export(args: argparse.Namespace) -> int:
    """Write the schema files; returns the exit code."""
    try:
        written = write_schemas(args.out)
    except OSError as error:
        print(f"thrilldrops-events: cannot write to {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Compare two schema directories and print the report; returns the exit code."""
    try:
        report = compare_schema_sets(load_schema_set(args.old), load_schema_set(args.new))
    except SchemaSetError as error:
        print(f"thrilldrops-events: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report.to_json(args.level), indent=2))
    else:
        print(report.render(args.level, documentation=args.documentation))
    return 1 if report.breaking(args.level) else 0
