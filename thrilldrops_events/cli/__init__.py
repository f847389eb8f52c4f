"""The ``thrilldrops-events`` command line (also ``python -m thrilldrops_events``).

Each command (or group of actions) lives in its own module of this package, which declares it as a
``COMMAND``: its name, help, description and arguments, next to the code that runs it. This module
registers them all, in the order ``--help`` lists them, and runs the chosen one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from thrilldrops_events import __version__
from thrilldrops_events.cli import condition, schema, send, serve, streams, validate
from thrilldrops_events.cli._command import fail

__all__ = ["main"]

#: The exit code of a process a broken pipe ends (128 + SIGPIPE), as shells report it.
_BROKEN_PIPE = 141
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
    """Run the command line; returns the process exit code (0 success, 1 invalid input, 2 usage error).

    Output that cannot be written is not a traceback: a reader that went away (``| head``) ends the
    command quietly, with the exit code of a process a broken pipe ends (141, 128 + SIGPIPE); any
    other failure to write (a full disk) is one line on standard error (exit 2). Each command
    reports a failure to read its own input.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()  # here, not when the interpreter exits, where a failure would be a warning
    except BrokenPipeError:
        _drop_output()
        return _BROKEN_PIPE
    except OSError as error:  # no command lets another OSError out: each reports its input's own failures
        _drop_output()
        with contextlib.suppress(OSError):
            fail(f"cannot write the output: {error.strerror or error}")
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    return code


def _drop_output() -> None:
    """Send what standard output still holds nowhere, so that the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: no file descriptor (a test's captured output)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
