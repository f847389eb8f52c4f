"""The ``thrilldrops-events`` command line (also ``python -m thrilldrops_events``).

Each command (or group of actions) lives in its own module of this package, which declares it as a
``COMMAND``: its name, help, description and arguments, next to the code that runs it. This module
registers them all, in the order ``--help`` lists them, and runs the chosen one.

The command modules (and what they import) are loaded by ``main``, not when this module is: a
``Ctrl-C`` while they load is an interruption like any other (exit code 130), not a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from thrilldrops_events import __version__
from thrilldrops_events.cli._command import ESCAPING, ClosedOutput, Command, fail

__all__ = ["main", "run"]

#: The exit code of a process a broken pipe ends (128 + SIGPIPE), as shells report it.
_BROKEN_PIPE = 141
#: The exit code of a process ``Ctrl-C`` (SIGINT) ended (128 + SIGINT), as shells report it.
_INTERRUPTED = 130


def _commands() -> tuple[Command, ...]:
    """Every command, in the order ``--help`` lists them."""
    from thrilldrops_events.cli import condition, schema, send, serve, streams, validate

    return validate.COMMAND, schema.COMMAND, condition.COMMAND, streams.COMMAND, serve.COMMAND, send.COMMAND


def __getattr__(name: str) -> Any:
    """``COMMANDS``: every command, in the order ``--help`` lists them (loaded when first asked for)."""
    if name == "COMMANDS":
        return _commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="thrilldrops-events",
        description="Validate ThrillDrops events, check campaign conditions, export the published schemas, and "
        "receive or send events over HTTP.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _commands():
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    r"""Run the command line; returns the process exit code (0 success, 1 invalid input, 2 usage error).

    Output that cannot be written is not a traceback: a reader that went away (``| head``) ends the
    command quietly, with the exit code of a process a broken pipe ends (141, 128 + SIGPIPE); any
    other failure to write (a full disk, a standard output that was closed) is one line on standard
    error (exit 2). What standard output's encoding cannot hold (``PYTHONIOENCODING=ascii``, the C
    locale) is written as an escape (``\u20ac``). Each command reports a failure to read its own
    input. ``Ctrl-C`` ends it with exit code 130.
    """
    try:
        args = build_parser().parse_args(argv)
        with _standard_output(args.prints):
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
    except KeyboardInterrupt:
        return _INTERRUPTED
    return code


def run() -> NoReturn:
    """The program (``thrilldrops-events``, ``python -m thrilldrops_events``): ``main`` on the process's arguments.

    Once ``Ctrl-C`` ended ``main``, the process ends at once (exit code 130): it does not wait for what
    other threads still do, such as the requests ``send`` had in flight, until they time out.
    """
    code = main()
    if code == _INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()  # None (closed) is suppressed too
        os._exit(code)
    sys.exit(code)


@contextlib.contextmanager
def _standard_output(prints: bool) -> Iterator[None]:
    """Standard output as a command writes to it.

    If it was closed, a stand-in that fails to write when the command ``prints``, else that writes nowhere
    (what ``serve`` logs there); if its encoding cannot hold every character, it escapes those it cannot.
    """
    stdout = sys.stdout
    if stdout is None:
        # A command that prints fails to; one that only logs there (serve) logs nowhere, as asked.
        with ClosedOutput() if prints else open(os.devnull, "w") as sys.stdout:
            try:
                yield
            finally:
                sys.stdout = stdout
        return
    errors = getattr(stdout, "errors", None)
    reconfigure = getattr(stdout, "reconfigure", None)
    if reconfigure is None or errors is None:  # a stand-in (a test's), written as it is
        yield
        return
    reconfigure(errors=ESCAPING)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):  # what it holds is flushed: a failure is reported already
            reconfigure(errors=errors)


def _drop_output() -> None:
    """Send what standard output still holds nowhere, so that the interpreter's last flush cannot fail."""
    if sys.stdout is None:  # closed from the start: nothing to flush
        return
    with contextlib.suppress(OSError, ValueError):  # ValueError: no file descriptor (a test's captured output)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
