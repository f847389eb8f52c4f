"""Comparing two JSON Schemas side by side: every change, classified by its effect on the valid events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events.errors import SchemaSetError
from thrilldrops_events.schema._compare_structure import compare_combinators, compare_objects
from thrilldrops_events.schema._references import INDEX, Done, kept_apart, pointer_keys
from thrilldrops_events.schema._report import Change, Effect, Report
from thrilldrops_events.schema._schema_facts import (
    ANNOTATIONS,
    IDENTITY,
    LOWER,
    MAX_DEPTH,
    MAX_STEPS,
    MONOTONE_SUBSCHEMAS,
    NUMERIC_BOUNDS,
    OPAQUE_CONSTRAINTS,
    SKIPPED,
    UPPER,
    Fingerprints,
    brief,
    canonical,
    effect_of_sets,
    enum_values,
    numeric_bound,
    same_as_written,
    shown,
    types_of,
)
from thrilldrops_events.schema._shape import Shapes

__all__ = ["MAX_REPORT_CHARS", "compare_schema_sets"]

#: The most characters of the changes' locations and messages in the report of one file: a definition with a
#: long property name, used at many places, would otherwise make a report of gigabytes.
MAX_REPORT_CHARS = 16 << 20

#: The keywords beside a reference that leave the target's valid values as they are.
_NEUTRAL = ANNOTATIONS | set(IDENTITY) | {"$defs", "definitions"}


class _Comparer:
    """Walks an old and a new schema side by side and records every change."""

    def __init__(self, file: str, old_root: Any, new_root: Any) -> None:
        self.file = file
        self.old_root = old_root
        self.new_root = new_root
        self.changes: list[Change] = []
        self._active: set[tuple[object, object]] = set()  # the pairs being compared, against reference cycles
        self._depth = 0
        self._steps = 0
        self._chars = 0  # the text of the changes recorded
        self.shapes = Shapes(file)
        self._fingerprints = Fingerprints()
        # The targets of the references followed, per side, and the definitions met on the way: those no
        # reference reached are compared on their own at the end (see `finish`).
        self._reached: tuple[set[int], set[int]] = (set(), set())
        self._definitions: list[tuple[dict[str, Any], dict[str, Any], str, bool]] = []
        # The comparisons done, by the identities of the two schemas: a definition used in many places is
        # compared once, and its changes repeated at each place (each comparison reads every value once).
        self._done: dict[tuple[int, int], Done] = {}

    def add(self, location: str, kind: str, effect: Effect, message: str, invert: bool) -> None:
        self._grow(len(location) + len(message))
        self.changes.append(Change(self.file, location, kind, effect.inverted() if invert else effect, message))

    def _resolve(self, root: Any, schema: Any, reached: set[int]) -> tuple[Any, object, Any]:
        """Follow local ``$ref``s; the schema reached, the identity of the last target (for cycles), and more.

        The third value is what the comparison of the schema reached is remembered by: the schema itself, or
        the reference when the schema is made there (of the target and the keywords beside the reference).
        """
        start, made, apart = schema, False, False
        identity: object = id(schema)
        for _ in range(64):  # a chain of local references, bounded
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            keys = pointer_keys(ref)
            target = root if keys is not None else None
            for key in keys or ():
                if isinstance(target, dict) and key in target:
                    target = target[key]
                elif isinstance(target, list) and INDEX.fullmatch(key) and int(key) < len(target):
                    target = target[int(key)]
                else:
                    target = None
                    break
            if target is None:
                break  # a dangling reference, or an anchor: compared as written
            identity = id(target)
            reached.add(identity)
            self.shapes.check_schema(target, keys or ())
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            apart = apart or not set(siblings) <= _NEUTRAL
            if not siblings or target is False:
                schema = target  # a reference alone, or one to the schema that refuses everything
            elif target is True:
                schema, made = siblings, True  # the schema that accepts everything adds nothing to them
            elif not isinstance(target, dict) or kept_apart(target, siblings):
                schema, made = {"allOf": [target, siblings]}, True  # both apply, each in a branch
                break
            else:
                schema, made = {**target, **siblings}, True
        if made and apart:  # keywords beside a reference: told apart from other uses of the target
            return schema, (id(start), identity), start
        return schema, identity, start if made else schema

    def compare(self, old: Any, new: Any, location: str = "", invert: bool = False) -> None:
        """Compare two schemas (or sub-schemas) and record what changed."""
        old, old_id, old_kept = self._resolve(self.old_root, old, self._reached[0])
        new, new_id, new_kept = self._resolve(self.new_root, new, self._reached[1])
        key = (old_id, new_id)
        if key in self._active:
            return
        done = self._done.get((id(old_kept), id(new_kept)))
        if done is not None:  # compared already: each use of a definition costs no more than its changes
            self._count(done.steps)
            self._grow(done.chars(location))
            self.changes.extend(done.replayed(location, invert))
            return
        if self._depth >= MAX_DEPTH:
            raise SchemaSetError(f"{self.file}: nested more than {MAX_DEPTH} levels deep, references followed")
        self._count(1)
        steps, first = self._steps, len(self.changes)
        self._active.add(key)
        self._depth += 1
        try:
            self._compare(old, new, location, invert)
        finally:
            self._active.discard(key)
            self._depth -= 1
        self._done[id(old_kept), id(new_kept)] = Done(old_kept, new_kept, location, invert,
                                                      tuple(self.changes[first:]), self._steps - steps + 1)

    def _grow(self, chars: int) -> None:
        self._chars += chars
        if self._chars > MAX_REPORT_CHARS:
            raise SchemaSetError(f"{self.file}: the report of its changes would hold more than "
                                 f"{MAX_REPORT_CHARS >> 20} MiB of text (long property names, at many places)")

    def _count(self, steps: int) -> None:
        self._steps += steps
        if self._steps > MAX_STEPS:
            raise SchemaSetError(f"{self.file}: more than {MAX_STEPS} sub-schemas to compare, references followed")

    def finish(self) -> None:
        """Compare the definitions (``$defs``) that no reference reached, each on its own.

        A definition reached through a ``$ref`` has been compared where it is used; one that nothing
        refers to changes no verdict of this schema, but other schemas may refer to it by URI.
        """
        while self._definitions:
            old_defs, new_defs, location, invert = self._definitions.pop(0)
            for name in [*old_defs, *(n for n in new_defs if n not in old_defs)]:
                before, after = old_defs.get(name), new_defs.get(name)
                if (before is not None and id(before) in self._reached[0]) or (
                        after is not None and id(after) in self._reached[1]):
                    continue
                where = f"{location}<$defs/{name}>"
                if before is None:
                    self.add(where, "definition_added", Effect.NONE, "definition added (not referenced here)", invert)
                elif after is None:
                    self.add(where, "definition_removed", Effect.NONE, "definition removed (not referenced here)",
                             invert)
                else:
                    self.compare(before, after, where, invert)

    def resolved(self, schema: Any, *, new: bool) -> Any:
        """A schema with its references followed, on the new side or the old one."""
        return self._resolve(self.new_root if new else self.old_root, schema, set())[0]

    def fingerprint(self, value: Any) -> str:
        """A value's fingerprint: equal for equal canonical texts, each value digested once per file."""
        return self._fingerprints.of(value)

    def _compare(self, old: Any, new: Any, location: str, invert: bool) -> None:
        if old is False or new is False:  # the schema that refuses everything
            if old is not new:
                narrowed = new is False
                self.add(location, "now_refused" if narrowed else "now_allowed",
                         Effect.NARROWED if narrowed else Effect.WIDENED,
                         "every value is refused now" if narrowed else "values refused outright before are allowed",
                         invert)
            return
        old, new = {} if old is True else old, {} if new is True else new
        if not (isinstance(old, dict) and isinstance(new, dict)):
            if old != new:
                self.add(location, "keyword_changed", Effect.CHANGED, "not a schema; counted as breaking", invert)
            return
        if same_as_written(old, new):
            return
        for name in ("$defs", "definitions"):
            if isinstance(old.get(name, {}), dict) and isinstance(new.get(name, {}), dict):
                self._definitions.append((old.get(name, {}), new.get(name, {}), location, invert))
        for name in IDENTITY:
            if old.get(name) != new.get(name):
                self.add(location, "schema_id_changed", Effect.CHANGED,
                         f"{name} changed from {brief(old.get(name))} to {brief(new.get(name))}", invert)
        if old.get("$ref") != new.get("$ref"):
            self.add(location, "reference_changed", Effect.CHANGED,
                     f"reference changed from {brief(old.get('$ref'))} to {brief(new.get('$ref'))}", invert)
        changed_annotations = sorted(k for k in ANNOTATIONS
                                     if (k in old or k in new) and canonical(old.get(k)) != canonical(new.get(k)))
        if changed_annotations:
            self.add(location, "annotation_changed", Effect.NONE, f"{', '.join(changed_annotations)} changed",
                     invert)
        self._types(old, new, location, invert)
        self._enum(old, new, location, invert)
        self._bounds(old, new, location, invert)
        compare_objects(self, old, new, location, invert)
        compare_combinators(self, old, new, location, invert)
        for name in OPAQUE_CONSTRAINTS:
            self._opaque(name, old, new, location, invert)
        for name in MONOTONE_SUBSCHEMAS:
            if name == "contains" and (name in old) != (name in new):  # even `contains: true` needs an item
                added = name in new
                self.add(location, f"contains_{'added' if added else 'removed'}",
                         Effect.NARROWED if added else Effect.WIDENED,
                         "contains added: an array needs a matching item" if added else "contains removed", invert)
            elif name in old or name in new:
                self.compare(old.get(name, True), new.get(name, True), f"{location}<{name}>", invert)
        handled = ANNOTATIONS | set(IDENTITY) | {n for pair in NUMERIC_BOUNDS for n in pair} | set(LOWER) | set(
            UPPER) | set(OPAQUE_CONSTRAINTS) | set(MONOTONE_SUBSCHEMAS) | SKIPPED
        for name in sorted((set(old) | set(new)) - handled):
            if canonical(old.get(name)) != canonical(new.get(name)):
                self.add(location, "keyword_changed", Effect.CHANGED,
                         f"keyword {name} changed; the checker cannot classify it, so it counts as breaking", invert)

    def _types(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        before, after = types_of(old), types_of(new)
        effect = effect_of_sets(before, after)
        if effect is Effect.NONE:
            return
        added, removed = sorted(after - before), sorted(before - after)
        if added == ["null"] and not removed:
            self.add(location, "nullable_added", effect, "now nullable (null accepted)", invert)
        elif removed == ["null"] and not added:
            self.add(location, "nullable_removed", effect, "no longer nullable (null refused)", invert)
        else:
            kind = {Effect.WIDENED: "type_widened", Effect.NARROWED: "type_narrowed"}.get(effect, "type_changed")
            self.add(location, kind, effect, f"type changed from {_types(old)} to {_types(new)}",
                     invert)

    def _enum(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        before, after = enum_values(old), enum_values(new)
        if before == after:
            return
        if before is None:
            assert after is not None
            self.add(location, "enum_added", Effect.NARROWED, f"now limited to the values {shown(after)}", invert)
        elif after is None:
            self.add(location, "enum_removed", Effect.WIDENED, "no longer limited to a list of values", invert)
        else:
            if after - before:
                self.add(location, "enum_values_added", Effect.WIDENED, f"values added: {shown(after - before)}",
                         invert)
            if before - after:
                self.add(location, "enum_values_removed", Effect.NARROWED,
                         f"values removed: {shown(before - after)}", invert)

    def _bounds(self, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        for names in NUMERIC_BOUNDS:
            self._numeric_bound(names, old, new, location, invert)
        for name in (*LOWER, *UPPER):
            before, after = old.get(name), new.get(name)
            if before == after:
                continue
            if before is None:
                self.add(location, "bound_added", Effect.NARROWED, f"{name} {after} added", invert)
            elif after is None:
                self.add(location, "bound_removed", Effect.WIDENED, f"{name} {before} removed", invert)
            else:
                tighter = after > before if name in LOWER else after < before
                verb = "raised" if after > before else "lowered"
                self.add(location, "bound_tightened" if tighter else "bound_loosened",
                         Effect.NARROWED if tighter else Effect.WIDENED,
                         f"{name} {verb} from {before} to {after}", invert)

    def _numeric_bound(self, names: tuple[str, str], old: dict[str, Any], new: dict[str, Any], location: str,
                       invert: bool) -> None:
        """A bound written as ``minimum`` or ``exclusiveMinimum`` (or the maxima), compared as one bound."""
        inclusive, exclusive = names
        if (old.get(inclusive), old.get(exclusive)) == (new.get(inclusive), new.get(exclusive)):
            return
        before, after = numeric_bound(old, names), numeric_bound(new, names)
        lower = inclusive == "minimum"
        if before is None or after is None:
            effect, verb = (Effect.NARROWED, "added") if before is None else (Effect.WIDENED, "removed")
            self.add(location, f"bound_{verb}", effect, f"{_written(after or before, names)} {verb}", invert)
            return
        if before == after:
            return
        (old_value, _), (new_value, new_exclusive) = before, after
        # Tighter: a stricter value, or the same value no longer included.
        stricter = new_value > old_value if lower else new_value < old_value
        tighter = new_exclusive if old_value == new_value else stricter
        effect = Effect.NARROWED if tighter else Effect.WIDENED
        if before[1] == after[1]:
            verb = "raised" if new_value > old_value else "lowered"
            message = f"{names[1] if after[1] else names[0]} {verb} from {old_value} to {new_value}"
        else:
            message = f"{_written(before, names)} became {_written(after, names)}"
        self.add(location, "bound_tightened" if tighter else "bound_loosened", effect, message, invert)

    def _opaque(self, name: str, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
        before, after = old.get(name), new.get(name)
        if before == after:
            return
        if before is None:
            self.add(location, f"{name}_added", Effect.NARROWED, f"{name} {brief(after)} added", invert)
        elif after is None:
            self.add(location, f"{name}_removed", Effect.WIDENED, f"{name} {brief(before)} removed", invert)
        else:
            self.add(location, f"{name}_changed", Effect.CHANGED,
                     f"{name} changed from {brief(before)} to {brief(after)}; neither can be shown to contain the "
                     "other", invert)



def _types(schema: dict[str, Any]) -> str:
    """A schema's ``type`` as a message shows it: ``any`` if it has none, a list cut after 100 characters."""
    kinds = schema.get("type", "any")
    return kinds if isinstance(kinds, str) and len(kinds) <= 100 else brief(kinds)


def _written(bound: tuple[Any, bool] | None, names: tuple[str, str]) -> str:
    assert bound is not None
    return f"{names[1] if bound[1] else names[0]} {bound[0]}"


def compare_schema_sets(old: Mapping[str, Any], new: Mapping[str, Any]) -> Report:
    """Compare two schema sets, each a mapping of file name to schema.

    A schema present only in the new set widens the contract (a new event type: consumers on the old
    version refuse it); one present only in the old set narrows it. Local references (``"$ref": "#/..."``)
    are followed at any depth, so a change inside a definition is reported where the definition is used.

    Raises:
        SchemaSetError: If a schema is not JSON, holds an integer of more than 600 digits or more than
            100,000 JSON values, is nested more than 800 levels deep as JSON or 200 levels deep as a schema
            (references followed), has a keyword the comparison reads of the wrong type (such as
            ``"required": 5``), or takes more than 10,000 sub-schemas to compare (references followed: a
            few definitions each used twice by the next one make exponentially many), would be reported in
            more than 16 MiB of text (a long property name at many places), or is nested too deeply for the
            interpreter's stack left (schema levels and the JSON values compared in them add up).
        TypeError: If ``old`` or ``new`` is not a mapping, or a file name is not a string.
    """
    for argument, value in (("old", old), ("new", new)):
        if not isinstance(value, Mapping):
            raise TypeError(f"{argument} must be a mapping of file names to schemas, not {type(value).__name__}")
        for name in value:
            if not isinstance(name, str):
                raise TypeError(f"the file names must be strings, not {type(name).__name__}")
    changes: list[Change] = []
    files = [*old, *(name for name in new if name not in old)]
    for name in files:
        if name not in new:
            changes.append(Change(name, "", "schema_removed", Effect.NARROWED, "schema removed"))
        elif name not in old:
            changes.append(Change(name, "", "schema_added", Effect.WIDENED, "schema added"))
        else:
            comparer = _Comparer(name, old[name], new[name])
            comparer.shapes.check_document(old[name])
            comparer.shapes.check_document(new[name])
            try:
                comparer.compare(old[name], new[name])
                comparer.finish()
            except RecursionError:  # the stack left to the caller; Python before 3.12 counts values compared in it
                raise SchemaSetError(f"{name}: nested too deeply to compare in the stack left") from None
            changes.extend(comparer.changes)
    return Report(tuple(changes), tuple(files))
