"""``thrilldrops-events schema``: export the published schemas, and check two schema sets for compatibility."""

from __future__ import annotations

import argparse
import json

from thrilldrops_events.cli._command import FORMAT, Command, arg, checked, directory, fail, file_path
from thrilldrops_events.schema import write_schemas
from thrilldrops_events.schema._compat import LEVELS, SchemaSetError, compare_schema_sets, load_schema_set


def run_export(args: argparse.Namespace) -> int:
    """Write the schema files; returns the exit code."""
    try:
        written = write_schemas(args.out)
    except OSError as error:
        return fail(f"cannot write to {args.out}: {error.strerror or error}")
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Compare two schema directories and print the report; returns the exit code."""
    try:
        report = compare_schema_sets(load_schema_set(args.old), load_schema_set(args.new))
    except SchemaSetError as error:
        return fail(str(error))
    if args.format == "json":
        print(json.dumps(report.to_json(args.level), indent=2))
    else:
        print(report.render(args.level, documentation=args.documentation))
    return 1 if report.breaking(args.level) else 0


COMMAND = Command(
    "schema", "export the published schemas, or check two schema sets",
    """Work with the published schemas: JSON Schema 2020-12 per event and for the envelope, the AsyncAPI 3.1
    document and TypeScript declarations.""",
    dest="schema_command",
    actions=(
        Command(
            "export", "write the JSON Schemas, the AsyncAPI document and the TypeScript declarations",
            """Write every JSON Schema (one per event type and the envelope, in three sets: the consumer set,
            strict/ and producer/), asyncapi.json and the TypeScript declarations typescript/events.d.ts into a
            directory, creating it if needed.""",
            run=run_export,
            arguments=(arg("--out", default="schemas", metavar="DIR", **checked(directory),
                           help="the directory to write (default: schemas)"),),
        ),
        Command(
            "check", "classify the changes between two schema sets as compatible or breaking",
            """Compare the JSON Schemas of OLD_DIR (such as a released version) with those of NEW_DIR and classify
            each change in the BACKWARD / FORWARD / FULL vocabulary. Exits 1 if a change breaks the chosen level,
            2 if a directory cannot be read.""",
            run=run_check,
            arguments=(
                arg("old", metavar="OLD_DIR", **checked(file_path), help="the directory of the old schemas"),
                arg("new", metavar="NEW_DIR", **checked(file_path), help="the directory of the new schemas"),
                arg("--level", choices=LEVELS, default="FULL", help="the compatibility to require (default: FULL)"),
                FORMAT,
                arg("--documentation", action="store_true",
                    help="also list changes of descriptions, titles and examples"),
            ),
        ),
    ),
)
