"""``thrilldrops-events condition check|eval``: check a campaign condition, or count the events it matches."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from thrilldrops_events.cli._command import (
    Command,
    arg,
    checked,
    fail,
    file_path,
    holds_any_text,
    open_input,
    read_standard_input,
    unreadable,
    utf8_argument,
)
from thrilldrops_events.codecs._exact import loads_exact
from thrilldrops_events.codecs.json import decode_lines
from thrilldrops_events.conditions import CompiledCondition, compile_condition
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionError, ConditionEvaluationError, EventValidationError

# The arguments of both actions: the condition, its event type and the context it reads.
_CONDITION = (
    arg("text", metavar="TEXT", help="the condition text, its JSON form, or - for standard input"),
    arg("--event", required=True, choices=[member.value for member in EventType], metavar="EVENT_TYPE",
        help="the event type the condition is for (Deposit, Transaction, PlayerLogin, ...)"),
    arg("--context", action="append", default=[], metavar="NAME=TYPE",
        help="declare a context value the condition may read (number, string, bool, channel, timestamp, date; "
        "end with ? for nullable); repeatable"),
)


#: The most a condition read from standard input may hold: what the HTTP routes take (16 MiB).
_MAX_CONDITION_BYTES = 16 << 20


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        name, equals, value = utf8_argument(item, what).partition("=")
        if not equals or not name:
            raise ValueError(f"{what} must be NAME=VALUE, not {item!r}")
        if name in pairs:  # the second would silently win over the first
            raise ValueError(f"{what} names {name!r} twice")
        pairs[name] = value
    return pairs


def _source(text: str) -> str | Mapping[str, Any]:
    if text == "-":
        text = read_standard_input("the condition read from standard input", _MAX_CONDITION_BYTES)
    else:
        text = utf8_argument(text, "the condition")
    if text.lstrip().startswith("{"):
        try:
            document = loads_exact(text)
        except EventValidationError as error:
            raise ValueError(f"the JSON form is not valid JSON: {error.problems[0].message}") from None
        if isinstance(document, dict):
            return document
    return text


def _compile(args: argparse.Namespace) -> CompiledCondition | int:
    """The compiled condition, or the exit code once the problem is reported."""
    try:
        context = _pairs(args.context, "--context")
        return compile_condition(_source(args.text), args.event, context=context or None)
    except ConditionError as error:
        return fail(f"invalid condition: {error}", 1)
    except ValueError as error:
        return fail(str(error), 1)
    except OSError as error:
        return fail(f"cannot read -: {error.strerror}")


def run_check(args: argparse.Namespace) -> int:
    """Check the condition; print its canonical form (exit 0) or the error (exit 1)."""
    condition = _compile(args)
    if isinstance(condition, int):
        return condition
    if args.json:
        print(json.dumps(condition.to_json(), ensure_ascii=not holds_any_text(sys.stdout)))
    else:
        print(condition.text)
    return 0


def _context_value(text: str) -> Any:
    try:
        return loads_exact(text)
    except EventValidationError:
        return text


def run_eval(args: argparse.Namespace) -> int:
    """Evaluate the condition on a file of events and report how many of its type match."""
    if args.text == "-" and args.file == "-":
        return fail("the condition and the events cannot both be read from standard input")
    condition = _compile(args)
    if isinstance(condition, int):
        return condition
    try:  # a bad --ctx is reported as a bad --context is
        ctx = {name: _context_value(value) for name, value in _pairs(args.ctx, "--ctx").items()}
    except ValueError as error:
        return fail(str(error), 1)
    try:
        stream = open_input(args.file)
    except OSError as error:
        return fail(f"cannot read {args.file}: {error.strerror}")
    matched = considered = others = invalid = 0
    with stream:
        try:
            for parsed in decode_lines(stream):
                if parsed.event is None:
                    invalid += 1
                    continue
                if parsed.event.event_type is not condition.event_type:
                    others += 1
                    continue
                considered += 1
                try:
                    matched += condition(parsed.event, ctx=ctx)
                except ConditionEvaluationError as error:
                    return fail(f"line {parsed.line}: {error}", 1)
        except OSError as error:  # the file failed part-way (a disk, a network share)
            if not unreadable(stream, error):
                raise
            return fail(f"cannot read {args.file}: {error.strerror}")
    name = condition.event_type.value
    print(f"{matched} of {considered} {name} events match")
    print(f"({others} events of other types, {invalid} invalid lines skipped)")
    return 0


COMMAND = Command(
    "condition", "check a campaign condition, or count the events of a file it matches",
    """Check a campaign condition against an event type's schema, or evaluate it on a file of events. TEXT is
    the condition text, or its JSON form (a JSON object), or - to read it from standard input.""",
    dest="condition_command", metavar="COMMAND",
    actions=(
        Command(
            "check", "print the canonical form of a condition, or what is wrong with it",
            """Print the canonical text of a condition (or its JSON form with --json); on an error, print it with
            a caret under the problem and exit 1.""",
            run=run_check,
            arguments=(*_CONDITION,
                       arg("--json", action="store_true", help="print the JSON form instead of the canonical text")),
        ),
        Command(
            "eval", "count the events of an NDJSON file that a condition matches",
            """Evaluate a condition on every event of its type in an NDJSON file of envelopes and report how many
            match. Events of other types are counted apart; invalid lines are counted and skipped.""",
            run=run_eval,
            arguments=(
                *_CONDITION,
                arg("file", **checked(file_path), help="the NDJSON file of envelopes, or - for standard input"),
                arg("--ctx", action="append", default=[], metavar="NAME=VALUE",
                    help="a context value (a JSON value; anything else is taken as a string); repeatable"),
            ),
        ),
    ),
)
