"""The library's exceptions: one root, every leaf also a built-in ``ValueError`` or ``TypeError``.

```text
ThrillDropsError
└── EventValidationError (ValueError)   an event, payload or stream entry is not valid
```

Other parts of the library (the condition language, streams) add their own leaves
under the same root. Catch ``ThrillDropsError`` for anything this library raises, or
``ValueError`` if you do not want to import from us.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EventValidationError", "Problem", "ThrillDropsError"]


class ThrillDropsError(Exception):
    """The root of every exception raised on purpose by thrilldrops-events."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        path: Where the problem is, as a dotted JSON path (``event_type.Deposit.amount``);
            ``""`` for the document as a whole. List indexes appear as numbers (``tags.2``).
        message: What is wrong, for a person. Never contains a secret such as a session token.
        kind: A stable machine-readable name for the problem (``missing``, ``unknown_field``,
            ``money_float``, ``json_invalid``, ...).
    """

    path: str
    message: str
    kind: str

    def __str__(self) -> str:
        return f"{self.path or '<document>'}: {self.message}"


class EventValidationError(ThrillDropsError, ValueError):
    """An event (envelope, payload or stream entry) failed validation.

    Every problem found is reported at once, each with its JSON path.

    Attributes:
        problems: The problems, in document order.
        line: The 1-based line number when the event came from NDJSON input, else ``None``.
    """

    problems: tuple[Problem, ...]
    line: int | None

    def __init__(self, problems: Iterable[Problem], *, line: int | None = None) -> None:
        self.problems = tuple(problems)
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        count = len(self.problems)
        head = f"{where}{count} problem{'s' if count != 1 else ''} in event"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def with_line(self, line: int) -> EventValidationError:
        """Return a copy of this error that names the NDJSON line it came from."""
        return EventValidationError(self.problems, line=line)

    @property
    def paths(self) -> tuple[str, ...]:
        """The JSON paths of all problems, in order."""
        return tuple(p.path for p in self.problems)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.problems, self.line))


def _rebuild(problems: tuple[Problem, ...], line: int | None) -> EventValidationError:
    return EventValidationError(problems, line=line)
