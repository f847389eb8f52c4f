"""The ``thrilldrops-events`` command line (also ``python -m thrilldrops_events``).

Each command (or group of actions) lives in its own module of this package, which declares it as a
``COMMAND``: its name, help, description and arguments, next to the code that runs it. This module
registers them all, in the order ``--help`` lists them, and runs the chosen one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from thrilldrops_events import __version__
from thrilldrops_events.cli import condition, schema, send, serve, streams, validate

__all__ = ["main"]

#: Every command, in the order ``--help`` lists them.
COMMANDS = (validate.COMMAND, schema.COMMAND, condition.COMMAND, streams.COMMAND, serve.COMMAND, send.COMMAND)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="thrilldrops-events",
        description="Validate ThrillDrops events, check campaign conditions, export the published schemas, and "
        "receive or send events over HTTP.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (0 success, 1 invalid input, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into `head`
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    return code
