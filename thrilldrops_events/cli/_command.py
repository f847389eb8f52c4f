"""What the command modules share: a command's parser in one call, and the options, input and failures alike.

The options several commands take (``--strict``, ``--format``), the input file (or standard input), and a
usage failure reported the same way by every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import IO, Any

#: What runs a command: the parsed arguments in, the process exit code out.
Handler = Callable[[argparse.Namespace], int]


def add_command(subparsers: Any, name: str, handler: Handler | None, *, help: str,
                description: str) -> argparse.ArgumentParser:
    """Add the command ``name``, run by ``handler`` (``None`` for a group of actions)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help, description=description)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_actions(parser: argparse.ArgumentParser, dest: str, metavar: str = "ACTION") -> Any:
    """The subparsers of a group of actions, one of which must be chosen."""
    return parser.add_subparsers(dest=dest, required=True, metavar=metavar)


def add_strict(parser: argparse.ArgumentParser) -> None:
    """``--strict``: refuse unknown fields."""
    parser.add_argument("--strict", action="store_true", help="refuse unknown fields (in the envelope and in payloads)")


def add_format(parser: argparse.ArgumentParser) -> None:
    """``--format text|json``."""
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")


def open_input(path: str) -> IO[bytes]:
    """The file at ``path`` opened for reading bytes, or standard input for ``-``.

    Raises:
        OSError: If the file cannot be opened.
    """
    return sys.stdin.buffer if path == "-" else open(path, "rb")  # the caller closes it


def fail(message: str, code: int = 2) -> int:
    """Print ``thrilldrops-events: <message>`` on standard error; returns ``code`` (2: a usage problem)."""
    print(f"thrilldrops-events: {message}", file=sys.stderr)
    return code
