"""The report of the compatibility checker: effects, changes, levels, and how they are shown."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Literal

from thrilldrops_events._text import one_line

__all__ = ["LEVELS", "Change", "Effect", "Level", "Report", "check_level"]

Level = Literal["BACKWARD", "FORWARD", "FULL"]
LEVELS: tuple[Level, ...] = ("BACKWARD", "FORWARD", "FULL")


def check_level(level: object) -> None:
    """Refuse a level other than the three: ``"backward"`` taken for FULL would give a wrong verdict."""
    if not (isinstance(level, str) and level in LEVELS):
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


class Effect(enum.Enum):
    """What a change does to the set of valid events."""

    NONE = "compatible"  #: documentation only, or a change both sides accept
    WIDENED = "widened"  #: the new schema accepts more: BACKWARD compatible, FORWARD breaking
    NARROWED = "narrowed"  #: the new schema accepts less: FORWARD compatible, BACKWARD breaking
    CHANGED = "changed"  #: neither contains the other: breaking both ways

    def inverted(self) -> Effect:
        """The effect seen through a ``not``."""
        swap = {Effect.WIDENED: Effect.NARROWED, Effect.NARROWED: Effect.WIDENED}
        return swap.get(self, self)


@dataclass(frozen=True)
class Change:
    """One difference between an old and a new schema.

    Attributes:
        file: The schema file, such as ``Deposit.json``.
        location: The field it concerns, as a dotted path (``event_type.Deposit.amount``); ``""`` for the
            schema as a whole.
        kind: A stable name for the class of change (``field_added_required``, ``bound_tightened``...).
        effect: What it does to the set of valid events.
        message: What changed, for a person.
    """

    file: str
    location: str
    kind: str
    effect: Effect
    message: str

    @property
    def backward(self) -> bool:
        """Whether consumers on the new schema still read events written with the old one."""
        return self.effect in (Effect.NONE, Effect.WIDENED)

    @property
    def forward(self) -> bool:
        """Whether consumers on the old schema still read events written with the new one."""
        return self.effect in (Effect.NONE, Effect.NARROWED)

    @property
    def documentation_only(self) -> bool:
        """Whether only annotations (descriptions, titles, examples) changed."""
        return self.kind == "annotation_changed"

    def compatible(self, level: Level) -> bool:
        """Whether the change keeps the given compatibility level.

        Raises:
            ValueError: If ``level`` is not ``BACKWARD``, ``FORWARD`` or ``FULL``.
        """
        check_level(level)
        if level == "BACKWARD":
            return self.backward
        if level == "FORWARD":
            return self.forward
        return self.backward and self.forward


_LEGEND = (
    "BACKWARD: consumers on the new schemas read events from producers on the old ones.\n"
    "FORWARD: consumers still on the old schemas read events from producers on the new ones.\n"
    "FULL: both."
)


@dataclass(frozen=True)
class Report:
    """Every change between two schema sets.

    Attributes:
        changes: The changes, file by file, in schema order.
        files: The files compared (present on either side).
    """

    changes: tuple[Change, ...]
    files: tuple[str, ...]

    @property
    def level(self) -> Level | Literal["NONE"]:
        """The strongest level every change keeps: ``FULL``, ``BACKWARD``, ``FORWARD`` or ``NONE``."""
        backward = all(c.backward for c in self.changes)
        forward = all(c.forward for c in self.changes)
        if backward and forward:
            return "FULL"
        return "BACKWARD" if backward else "FORWARD" if forward else "NONE"

    def breaking(self, level: Level = "FULL") -> list[Change]:
        """The changes that break the given level.

        Raises:
            ValueError: If ``level`` is not ``BACKWARD``, ``FORWARD`` or ``FULL``.
        """
        check_level(level)
        return [c for c in self.changes if not c.compatible(level)]

    def render(self, level: Level = "FULL", *, documentation: bool = False) -> str:
        """A readable report: each change with its verdict, then a summary line.

        Args:
            level: The level the verdicts are checked against.
            documentation: Also list changes of descriptions, titles and examples.

        Raises:
            ValueError: If ``level`` is not ``BACKWARD``, ``FORWARD`` or ``FULL``.
        """
        check_level(level)
        lines: list[str] = []
        shown = [c for c in self.changes if documentation or not c.documentation_only]
        current = None
        for change in shown:
            if change.file != current:
                current = change.file
                lines.append(one_line(change.file))
            verdict = _verdict(change)
            where = f"{change.location}: " if change.location else ""
            lines.append(one_line(f"  {verdict:<20} {where}{change.message}"))
        documentation_count = sum(c.documentation_only for c in self.changes)
        counted = len(self.changes) - documentation_count
        summary = f"{len(self.files)} files compared: {counted} change{'s' if counted != 1 else ''}"
        if documentation_count:
            summary += f" and {documentation_count} documentation change{'s' if documentation_count != 1 else ''}"
        level_kept = {"NONE": "neither BACKWARD nor FORWARD compatible"}.get(self.level, f"{self.level} compatible")
        lines.append(f"{summary}; overall {level_kept}." if self.changes else f"{summary}.")
        breaking = self.breaking(level)
        lines.append(f"BREAKING under {level}: {len(breaking)} change{'s' if len(breaking) != 1 else ''}."
                     if breaking else f"Compatible under {level}.")
        lines.append("")
        lines.append(_LEGEND)
        return "\n".join(lines)

    def to_json(self, level: Level = "FULL") -> dict[str, Any]:
        """The report as JSON-ready data.

        Raises:
            ValueError: If ``level`` is not ``BACKWARD``, ``FORWARD`` or ``FULL``.
        """
        check_level(level)
        return {
            "level": self.level,
            "checked": level,
            "compatible": not self.breaking(level),
            "files": list(self.files),
            "changes": [
                {"file": c.file, "location": c.location, "kind": c.kind, "effect": c.effect.value,
                 "backward": c.backward, "forward": c.forward, "message": c.message}
                for c in self.changes
            ],
        }


def _verdict(change: Change) -> str:
    if change.backward and change.forward:
        return "[compatible]"
    if change.backward:
        return "[breaks FORWARD]"
    if change.forward:
        return "[breaks BACKWARD]"
    return "[breaks both]"
