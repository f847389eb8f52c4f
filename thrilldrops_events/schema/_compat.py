"""Compatibility of two sets of JSON Schemas, in the Confluent vocabulary: BACKWARD, FORWARD, FULL.

* **BACKWARD**: consumers on the *new* schemas read events written with the *old* ones, so existing
  producers keep working. Narrowing a schema (a new required field, a tighter bound, a removed enum
  value) breaks it.
* **FORWARD**: consumers still on the *old* schemas read events written with the *new* ones, so existing
  consumers keep working. Widening a schema (a new enum value or event type, a looser bound, a field
  made optional) breaks it.
* **FULL**: both.

Each change found is classified by its effect on the set of valid events: unchanged (documentation),
widened, narrowed, or changed both ways (a new pattern: neither contains the other). Optional fields
follow the "optional-friendly" rule of schemas with an open content model (``additionalProperties:
true``), which this library's readers honour by keeping unknown fields: adding or removing an
optional field is compatible both ways. (Confluent's checker is stricter there, because in an open
model an old event could carry the name with another type; never reuse a removed field's name.)

Only the top-level schema files of a directory are compared (``Deposit.json``, ``envelope.json``...).
The ``strict/`` variants are derived from the same models for producers' own checks, and every new
field is by design refused by a producer still pinned to an old strict schema.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from thrilldrops_events.errors import SchemaSetError

__all__ = [
    "LEVELS",
    "Change",
    "Effect",
    "Level",
    "Report",
    "SchemaSetError",
    "compare_schema_sets",
    "load_schema_set",
    "release_gate",
]

Level = Literal["BACKWARD", "FORWARD", "FULL"]
LEVELS: tuple[Level, ...] = ("BACKWARD", "FORWARD", "FULL")


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
        """Whether the change keeps the given compatibility level."""
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
        """The changes that break the given level."""
        return [c for c in self.changes if not c.compatible(level)]

    def render(self, level: Level = "FULL", *, documentation: bool = False) -> str:
        """A readable report: each change with its verdict, then a summary line.

        Args:
            level: The level the verdicts are checked against.
            documentation: Also list changes of descriptions, titles and examples.
        """
        lines: list[str] = []
        shown = [c for c in self.changes if documentation or not c.documentation_only]
        current = None
        for change in shown:
            if change.file != current:
                current = change.file
                lines.append(change.file)
            verdict = _verdict(change)
            where = f"{change.location}: " if change.location else ""
            lines.append(f"  {verdict:<20} {where}{change.message}")
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
        """The report as JSON-ready data."""
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


# -- comparing two schemas ----------------------------------------------------------------------------------

_ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "deprecated", "readOnly",
                          "writeOnly"})
_IDENTITY = ("$schema", "$id")
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
_OPAQUE_CONSTRAINTS = ("pattern", "format", "multipleOf", "contentMediaType", "contentEncoding")
_MONOTONE_SUBSCHEMAS = ("items", "contains", "propertyNames", "contentSchema", "unevaluatedItems",
                        "unevaluatedProperties")
_SKIPPED = frozenset({"$defs", "definitions", "$ref", "properties", "required", "additionalProperties", "not",
                      "allOf", "anyOf", "oneOf", "type", "enum", "const"})
_CLOSED_BEFORE = " where unknown fields were refused (consumers on the old schema refuse it)"
_CLOSED_AFTER = " where unknown fields are refused (old events carrying it are refused now)"
_ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    kinds = schema.get("type")
    if kinds is None:
        return _ALL_TYPES
    found = frozenset([kinds] if isinstance(kinds, str) else kinds)
    return found | {"integer"} if "number" in found else found


def _effect_of_sets(old: frozenset[str], new: frozenset[str]) -> Effect:
    if old == new:
        return Effect.NONE
    if old <= new:
        return Effect.WIDENED
    return Effect.NARROWED if new <= old else Effect.CHANGED


def _shown(values: frozenset[str]) -> str:
    """Enum values (canonical JSON) for a message, at most a dozen."""
    return ", ".join(sorted(values)[:12]) + (", ..." if len(values) > 12 else "")


class _Comparer:
    """Walks an old and a new schema side by side and records every change."""

    def __init__(self, file: str, old_root: Any, new_root: Any) -> None:
        self.file = file
        self.old_root = old_root
        self.new_root = new_root
        self.changes: list[Change] = []
        self._active: set[tuple[int, int]] = set()  # the pairs being compared, against reference cycles

    def add(self, location: str, kind: str, effect: Effect, message: str, invert: bool) -> None:
        self.changes.append(Change(self.file, location, kind, effect.inverted() if invert else effect, message))

    def _resolve(self, root: Any, schema: Any) -> tuple[Any, int]:
        """Follow local ``$ref``s; the schema reached, and the identity of the last target (for cycles)."""
        identity = id(schema)
        for _ in range(64):  # a chain of local references, bounded
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            target = root
            try:
                for part in ref[1:].split("/")[1:]:
                    part = part.replace("~1", "/").replace("~0", "~")
                    target = target[part] if isinstance(target, dict) else target[int(part)]
            except (KeyError, IndexError, TypeError, ValueError):
                break  # a dangling reference: compared as written
            identity = id(target)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings and isinstance(target, dict) else target
        return schema, identity

    def compare(self, old: Any, new: Any, location: str = "", invert: bool = False) -> None:
        """Compare two schemas (or sub-schemas) and record what changed."""
        (old, old_id), (new, new_id) = self._resolve(self.old_root, old), self._resolve(self.new_root, new)
        key = (old_id, new_id)
        if key in self._active:
            return
        self._active.add(key)
        try:
            self._compare(old, new, location, invert)
        finally:
            self._active.discard(key)

    def _compare(self, old: Any, new: Any, location: str, invert: bool) -> None:
        old = {} if old is True else {"not": {}} if old is False else old
        new = {} if new is True else {"not": {}} if new is False else new
        if _canonical(old) == _canonical(new):
            return
        for name in _IDENTITY:
            if old.get(name) != new.get(name):
                self.add(location, "schema_id_changed", Effect.CHANGED,
                         f"{name} changed from {old.get(name)!r} to {new.get(name)!r}", invert)
        if old.get("$ref") != new.get("$ref"):
            self.add(location, "reference_changed", Effect.CHANGED,
                     f"reference changed from {old.get('$ref')!r} to {new.get('$ref')!r}", invert)
        changed_annotations = sorted(k for k in _ANNOTATIONS if _canonical(old.get(k)) != _canonical(new.get(k)))
        if changed_annotations:
            self.add(location, "annotation_changed", Effect.NONE, f"{', '.join(changed_annotations)} changed",
                     invert)
        self._types(old, new, location, invert)
        self._enum(old, new, location, invert)
        self._bounds(old, new, location, invert)
        self._objects(old, new, location, invert)
        self._combinators(old, new, location, invert)
        for name in _OPAQUE_CONSTRAINTS:
            self._opaque(name, old, new, location, invert)
        for name in _MONOTONE_SUBSCHEMAS:
            if name in old or name in new:
                self.compare(old.get(name, True), new.get(name, True), f"{location}<{name}>", invert)
        handled = _ANNOTATIONS | set(_IDENTITY) | set(_LOWER) | set(_UPPER) | set(_OPAQUE_CONSTRAINTS) | set(
            _MONOTONE_SUBSCHEMAS) | _SKIPPED
        for name in sorted((set(old) | set(new)) - handled):
            if _canonical(old.get(name)) != _canonical(new.get(name)):
                self.add(location, "keyword_changed", Effect.CHANGED,
                         f"keyword {name} changed; the checker cannot classify it, so it counts as breaking", invert)

    def _types(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        before, after = _types(old), _types(new)
        effect = _effect_of_sets(before, after)
        if effect is Effect.NONE:
            return
        added, removed = sorted(after - before), sorted(before - after)
        if added == ["null"] and not removed:
            self.add(location, "nullable_added", effect, "now nullable (null accepted)", invert)
        elif removed == ["null"] and not added:
            self.add(location, "nullable_removed", effect, "no longer nullable (null refused)", invert)
        else:
            kind = {Effect.WIDENED: "type_widened", Effect.NARROWED: "type_narrowed"}.get(effect, "type_changed")
            self.add(location, kind, effect, f"type changed from {old.get('type', 'any')} to {new.get('type', 'any')}",
                     invert)

    def _enum(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        def values(schema: dict[str, Any]) -> frozenset[str] | None:
            if "const" in schema:
                return frozenset([_canonical(schema["const"])])
            return frozenset(_canonical(v) for v in schema["enum"]) if "enum" in schema else None

        before, after = values(old), values(new)
        if before == after:
            return
        if before is None:
            assert after is not None
            self.add(location, "enum_added", Effect.NARROWED, f"now limited to the values {_shown(after)}", invert)
        elif after is None:
            self.add(location, "enum_removed", Effect.WIDENED, "no longer limited to a list of values", invert)
        else:
            if after - before:
                self.add(location, "enum_values_added", Effect.WIDENED, f"values added: {_shown(after - before)}",
                         invert)
            if before - after:
                self.add(location, "enum_values_removed", Effect.NARROWED,
                         f"values removed: {_shown(before - after)}", invert)

    def _bounds(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        for name in (*_LOWER, *_UPPER):
            before, after = old.get(name), new.get(name)
            if before == after:
                continue
            lower = name in _LOWER
            if before is None:
                self.add(location, "bound_added", Effect.NARROWED, f"{name} {after} added", invert)
            elif after is None:
                self.add(location, "bound_removed", Effect.WIDENED, f"{name} {before} removed", invert)
            else:
                tighter = after > before if lower else after < before
                verb = "raised" if after > before else "lowered"
                self.add(location, "bound_tightened" if tighter else "bound_loosened",
                         Effect.NARROWED if tighter else Effect.WIDENED,
                         f"{name} {verb} from {before} to {after}", invert)

    def _opaque(self, name: str, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        before, after = old.get(name), new.get(name)
        if before == after:
            return
        if before is None:
            self.add(location, f"{name}_added", Effect.NARROWED, f"{name} {after!r} added", invert)
        elif after is None:
            self.add(location, f"{name}_removed", Effect.WIDENED, f"{name} {before!r} removed", invert)
        else:
            self.add(location, f"{name}_changed", Effect.CHANGED,
                     f"{name} changed from {before!r} to {after!r}; neither can be shown to contain the other",
                     invert)

    def _objects(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
        old_open = old.get("additionalProperties", True) is not False
        new_open = new.get("additionalProperties", True) is not False
        names = [*old_props, *(n for n in new_props if n not in old_props)]
        for name in names:
            where = f"{location}.{name}" if location else name
            if name in old_props and name in new_props:
                self.compare(old_props[name], new_props[name], where, invert)
                if name in new_req and name not in old_req:
                    self.add(where, "field_now_required", Effect.NARROWED, "optional field became required", invert)
                elif name in old_req and name not in new_req:
                    self.add(where, "field_now_optional", Effect.WIDENED, "required field became optional", invert)
            elif name in new_props:
                closed = "" if old_open else _CLOSED_BEFORE
                if name in new_req:
                    effect = Effect.NARROWED if old_open else Effect.CHANGED
                    self.add(where, "field_added_required", effect, "required field added" + closed, invert)
                else:
                    effect = Effect.NONE if old_open else Effect.WIDENED
                    self.add(where, "field_added_optional", effect, "optional field added" + closed, invert)
            else:
                closed = "" if new_open else _CLOSED_AFTER
                if name in old_req:
                    effect = Effect.WIDENED if new_open else Effect.CHANGED
                    self.add(where, "field_removed_required", effect, "required field removed" + closed, invert)
                else:
                    effect = Effect.NONE if new_open else Effect.NARROWED
                    self.add(where, "field_removed_optional", effect, "optional field removed" + closed, invert)
        declared = set(old_props) | set(new_props)
        for name in sorted((new_req - old_req) - declared):
            self.add(location, "field_now_required", Effect.NARROWED, f"{name} became required", invert)
        for name in sorted((old_req - new_req) - declared):
            self.add(location, "field_now_optional", Effect.WIDENED, f"{name} became optional", invert)
        before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if isinstance(before, bool) and isinstance(after, bool):
            if before and not after:
                self.add(location, "unknown_fields_refused", Effect.NARROWED, "unknown fields are now refused",
                         invert)
            elif after and not before:
                self.add(location, "unknown_fields_allowed", Effect.WIDENED, "unknown fields are now allowed", invert)
        else:
            self.compare(before, after, f"{location}<additionalProperties>", invert)

    def _combinators(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        if "not" in old or "not" in new:
            self.compare(old.get("not", False), new.get("not", False), f"{location}<not>", not invert)
        for name, adding in (("allOf", Effect.NARROWED), ("anyOf", Effect.WIDENED), ("oneOf", Effect.WIDENED)):
            before, after = old.get(name, []), new.get(name, [])
            if _canonical(before) == _canonical(after):
                continue
            if len(before) == len(after):
                for a, b in zip(before, after, strict=True):
                    self.compare(a, b, f"{location}<{name}>", invert)
                continue
            keys_before, keys_after = {_canonical(s) for s in before}, {_canonical(s) for s in after}
            if keys_after - keys_before and not keys_before - keys_after:
                self.add(location, f"{name}_branch_added", adding, f"{name} branch added", invert)
            elif keys_before - keys_after and not keys_after - keys_before:
                self.add(location, f"{name}_branch_removed", adding.inverted(), f"{name} branch removed", invert)
            else:
                self.add(location, f"{name}_changed", Effect.CHANGED, f"{name} branches changed", invert)


def compare_schema_sets(old: Mapping[str, Any], new: Mapping[str, Any]) -> Report:
    """Compare two schema sets, each a mapping of file name to schema.

    A schema present only in the new set widens the contract (a new event type: consumers on the old
    version refuse it); one present only in the old set narrows it.
    """
    changes: list[Change] = []
    files = [*old, *(name for name in new if name not in old)]
    for name in files:
        if name not in new:
            changes.append(Change(name, "", "schema_removed", Effect.NARROWED, "schema removed"))
        elif name not in old:
            changes.append(Change(name, "", "schema_added", Effect.WIDENED, "schema added"))
        else:
            comparer = _Comparer(name, old[name], new[name])
            comparer.compare(old[name], new[name])
            changes.extend(comparer.changes)
    return Report(tuple(changes), tuple(files))


def load_schema_set(directory: str | Path) -> dict[str, Any]:
    """Read the top-level JSON Schema files of a directory (files with a ``$schema``), by file name.

    Raises:
        SchemaSetError: If the directory does not exist, holds malformed JSON, or holds no schema.
    """
    root = Path(directory)
    if not root.is_dir():
        raise SchemaSetError(f"{root} is not a directory")
    schemas: dict[str, Any] = {}
    for path in sorted(root.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise SchemaSetError(f"{path}: cannot read it as JSON: {error}") from None
        if isinstance(document, dict) and "$schema" in document:
            schemas[path.name] = document
    if not schemas:
        raise SchemaSetError(f"{root} holds no JSON Schema files (*.json with a $schema)")
    return schemas


# -- the release gate ---------------------------------------------------------------------------------------

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
# A changelog list item or heading that starts with "Breaking" (such as "- Breaking: ..." or "### Breaking").
_BREAKING_ENTRY = re.compile(r"(?im)^[ \t]*(?:[-*+][ \t]+|#+[ \t]+)(?:\*\*)?breaking\b")


def _versions(released: Path) -> Iterator[tuple[tuple[int, int, int], Path]]:
    for path in released.iterdir() if released.is_dir() else ():
        match = _VERSION.match(path.name)
        if match and path.is_dir():
            yield (int(match[1]), int(match[2]), int(match[3])), path


def _changelog_section(changelog: str, version: str) -> str:
    """The text of the ``## [Unreleased]`` section, or of ``## [version]`` if there is one."""
    sections = re.split(r"(?m)^## ", changelog)
    for title in (f"[{version}]", "[Unreleased]"):
        for section in sections:
            if section.startswith(title):
                return section
    return ""


def release_gate(released: str | Path, current: Mapping[str, Any], *, version: str, changelog: str) -> list[str]:
    """Check the current schemas against the newest released ones; the list of problems, empty if none.

    A change that breaks FULL compatibility needs a new major version and a CHANGELOG entry starting
    with "Breaking" (``- Breaking: ...``, or a ``### Breaking`` heading), under ``## [Unreleased]`` or
    under the version's own section.

    Args:
        released: The directory of released schema sets, one sub-directory per version (``0.1.0/``).
        current: The current schemas, by file name (only top-level names are compared).
        version: The version being developed or released (``thrilldrops_events.__version__``).
        changelog: The text of CHANGELOG.md.

    Raises:
        SchemaSetError: If there is no released version, or a schema set cannot be read.
    """
    versions = sorted(_versions(Path(released)))
    if not versions:
        raise SchemaSetError(f"{released} holds no released schema set (a directory named like 0.1.0)")
    (major, minor, patch), path = versions[-1]
    parsed = _VERSION.match(version)
    if parsed is None:
        raise SchemaSetError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    report = compare_schema_sets(load_schema_set(path), {k: v for k, v in current.items() if "/" not in k})
    breaking = report.breaking("FULL")
    if not breaking:
        return []
    problems = []
    released_version = f"{major}.{minor}.{patch}"
    if int(parsed[1]) <= major:
        problems.append(f"{len(breaking)} breaking change(s) since {released_version}, but version {version} keeps "
                        f"major version {major}: release them as {major + 1}.0.0")
    if not _BREAKING_ENTRY.search(_changelog_section(changelog, version)):
        problems.append(f"CHANGELOG.md does not announce the breaking change(s) since {released_version}: add a "
                        "line starting with '- Breaking: ' under ## [Unreleased]")
    if problems:
        problems.append(report.render("FULL"))
    return problems
