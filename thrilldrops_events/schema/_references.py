"""Local references of the schemas compared: JSON Pointers, keywords beside a reference, and comparisons done."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from thrilldrops_events.schema._report import Change
from thrilldrops_events.schema._schema_facts import ANNOTATIONS

__all__ = ["INDEX", "Done", "kept_apart", "moved", "pointer_keys"]

#: An array index in a JSON Pointer (RFC 6901): no sign, no leading zero, ASCII digits.
INDEX = re.compile(r"0|[1-9][0-9]*")


def pointer_keys(ref: str) -> tuple[str, ...] | None:
    """The keys of a local reference's JSON Pointer (``#/$defs/A%20B``), decoded; ``None`` for an anchor (``#A``).

    The fragment of a URI is percent-encoded, and each key escapes ``~`` and ``/`` as ``~0`` and ``~1``.
    """
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        return None
    return tuple(key.replace("~1", "/").replace("~0", "~") for key in fragment.split("/")[1:])


#: Keywords that read one another within one schema object: split between a reference's target and its
#: siblings, they apply to different objects (``additionalProperties`` does not see the other's ``properties``).
_TOGETHER = (frozenset({"properties", "patternProperties", "additionalProperties"}),
             frozenset({"prefixItems", "items"}), frozenset({"contains", "minContains", "maxContains"}),
             frozenset({"if", "then", "else"}))


def kept_apart(target: dict[str, Any], siblings: dict[str, Any]) -> bool:
    """Whether a reference's target and the keywords written next to the reference cannot be merged.

    Both apply. Merged into one object they mean the same, unless both give the same keyword (other than
    an annotation: a merged object would keep one of two ``maxLength``s and hide a change of the other),
    or they split keywords that read one another; then they are compared as the branches of an ``allOf``.
    """
    shared = (set(target) & set(siblings)) - ANNOTATIONS
    return bool(shared) or any(group & set(target) and group & set(siblings) for group in _TOGETHER)


@dataclass(frozen=True)
class Done:
    """A comparison of two schemas done once, replayed wherever else the same two are compared.

    Attributes:
        old: The old schema (held, so that its identity is not reused while this is kept).
        new: The new schema.
        location: Where it was done.
        invert: Whether it was seen through a ``not`` there.
        changes: The changes it found, with their locations there.
        steps: The sub-schemas it compared.
    """

    old: Any
    new: Any
    location: str
    invert: bool
    changes: tuple[Change, ...]
    steps: int

    def chars(self, location: str) -> int:
        """At most how many characters the changes' locations and messages hold, replayed at ``location``."""
        extra = max(0, len(location) - len(self.location)) + 1
        return sum(len(c.location) + extra + len(c.message) for c in self.changes)

    def replayed(self, location: str, invert: bool) -> list[Change]:
        """The changes found, as found at ``location`` (under a ``not`` or not)."""
        return [Change(c.file, moved(c.location, self.location, location), c.kind,
                       c.effect.inverted() if invert != self.invert else c.effect, c.message) for c in self.changes]


def moved(location: str, before: str, after: str) -> str:
    """The location of a change found under ``before``, had it been found under ``after``.

    Under the schema itself (``""``) a field is written ``name``; under ``a`` it is ``a.name``.
    """
    rest = location[len(before):]
    if not before and rest and not rest.startswith("<"):
        rest = "." + rest
    return after + rest if after else rest.removeprefix(".")
