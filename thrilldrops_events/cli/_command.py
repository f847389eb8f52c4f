"""What the command modules share: how a command is declared, and the options, input and failures alike.

Each command module declares its command as a ``Command`` (name, help, description, arguments, actions)
next to the code that runs it; the package registers them all in one place. Also here: the options
several commands take (``--strict``, ``--format``), the input file (or standard input), and a usage
failure reported the same way by every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

#: What runs a command: the parsed arguments in, the process exit code out.
Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Arg:
    """One argument of a command: the names and keywords that ``ArgumentParser.add_argument`` takes."""

    names: tuple[str, ...]
    options: Mapping[str, Any]

    def add_to(self, parser: argparse._ActionsContainer) -> None:
        """Declare the argument on ``parser``."""
        parser.add_argument(*self.names, **self.options)


def arg(*names: str, **options: Any) -> Arg:
    """An argument, declared as ``ArgumentParser.add_argument`` would be called."""
    return Arg(names, options)


@dataclass(frozen=True)
class OneOf:
    """Arguments of which exactly one must be given."""

    arguments: tuple[Arg, ...]

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Declare the arguments on ``parser``, as a required group of alternatives."""
        group = parser.add_mutually_exclusive_group(required=True)
        for argument in self.arguments:
            argument.add_to(group)


@dataclass(frozen=True)
class Command:
    """A command: its name, help line and description, what runs it, and its arguments.

    A group of actions has no ``run``; one of its ``actions`` must be chosen, and its name is kept
    in ``dest``. A description is prose: ``--help`` fills it to the terminal's width.
    """

    name: str
    help: str
    description: str
    run: Handler | None = None
    arguments: tuple[Arg | OneOf, ...] = ()
    actions: tuple[Command, ...] = ()
    dest: str = ""
    metavar: str = "ACTION"

    def register(self, subparsers: Any) -> None:
        """Add the command (and its actions) to the ``subparsers`` of the parser above it."""
        parser: argparse.ArgumentParser = subparsers.add_parser(self.name, help=self.help,
                                                                description=self.description)
        if self.run is not None:
            parser.set_defaults(handler=self.run)
        for argument in self.arguments:
            argument.add_to(parser)
        if self.actions:
            actions = parser.add_subparsers(dest=self.dest, required=True, metavar=self.metavar)
            for action in self.actions:
                action.register(actions)


#: ``--strict``: refuse unknown fields.
STRICT = arg("--strict", action="store_true", help="refuse unknown fields (in the envelope and in payloads)")

#: ``--format text|json``.
FORMAT = arg("--format", choices=["text", "json"], default="text", help="output format (default: text)")


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
