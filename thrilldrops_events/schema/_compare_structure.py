"""The structural keywords of two schemas compared: object properties, and the combinators.

Properties follow Confluent's rules for JSON Schema: a property declared on one side only is compared
with what the other side's ``additionalProperties`` allows under that name. In an open object
(``additionalProperties: true``), an old event may already carry a new optional field's name with any
value, which the new schema may refuse: adding the field narrows (BACKWARD-breaking), removing it widens
(FORWARD-breaking), unless its schema accepts every value.
"""

from __future__ import annotations

from typing import Any

from thrilldrops_events.schema._report import Effect
from thrilldrops_events.schema._schema_facts import (
    CLOSED_AFTER,
    CLOSED_BEFORE,
    Walker,
    accepts_everything,
    canonical,
    disjoint,
    same_as_written,
)

__all__ = ["MAX_PAIRS", "compare_combinators", "compare_objects"]

#: The most pairs of ``oneOf`` branches checked for overlap in one combinator (a new branch against every
#: other): thousands of branches would take billions of checks.
MAX_PAIRS = 10_000

_OPEN_ADDED = ": in an open object an old event may carry this name with a value the new schema refuses"
_OPEN_REMOVED = ": in an open object a new event may carry this name with a value the old schema refuses"
_PATTERNS = ": patternProperties may govern the name, which the checker does not compare"


def compare_objects(walker: Walker, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
    """Compare ``properties``, ``required`` and ``additionalProperties``."""
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    patterns = "patternProperties" in old or "patternProperties" in new
    for name in [*old_props, *(n for n in new_props if n not in old_props)]:
        where = f"{location}.{name}" if location else name
        if name in old_props and name in new_props:
            walker.compare(old_props[name], new_props[name], where, invert)
            if name in new_req and name not in old_req:
                walker.add(where, "field_now_required", Effect.NARROWED, "optional field became required", invert)
            elif name in old_req and name not in new_req:
                walker.add(where, "field_now_optional", Effect.WIDENED, "required field became optional", invert)
        elif name in new_props:
            _one_side(walker, old, new_props[name], where, invert, required=name in new_req, added=True,
                      patterns=patterns)
        else:
            _one_side(walker, new, old_props[name], where, invert, required=name in old_req, added=False,
                      patterns=patterns)
    declared = set(old_props) | set(new_props)
    for name in sorted((new_req - old_req) - declared):
        walker.add(location, "field_now_required", Effect.NARROWED, f"{name} became required", invert)
    for name in sorted((old_req - new_req) - declared):
        walker.add(location, "field_now_optional", Effect.WIDENED, f"{name} became optional", invert)
    before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if isinstance(before, bool) and isinstance(after, bool):
        if before and not after:
            walker.add(location, "unknown_fields_refused", Effect.NARROWED, "unknown fields are now refused", invert)
        elif after and not before:
            walker.add(location, "unknown_fields_allowed", Effect.WIDENED, "unknown fields are now allowed", invert)
    else:
        walker.compare(before, after, f"{location}<additionalProperties>", invert)


def _one_side(walker: Walker, other: dict[str, Any], schema: Any, where: str, invert: bool, *, required: bool,
              added: bool, patterns: bool) -> None:
    """A property declared on one side only: added (``other`` is the old schema) or removed (the new one)."""
    change = "added" if added else "removed"
    kind = f"field_{change}_{'required' if required else 'optional'}"
    effect, note = _declared(walker, other.get("additionalProperties", True), schema, where, invert,
                             required=required, old_side=added)
    if patterns:
        effect, note = Effect.CHANGED, _PATTERNS
    walker.add(where, kind, effect, f"{kind.split('_')[-1]} field {change}{note}", invert)


def _declared(walker: Walker, other: Any, schema: Any, where: str, invert: bool, *, required: bool,
              old_side: bool) -> tuple[Effect, str]:
    """The effect of declaring a property on one side only, seen from the side that leaves it undeclared.

    ``other`` is that side's ``additionalProperties``; ``old_side`` says whether it is the old schema (the
    property was added) or the new one (removed). The effect is given for an addition; a removal inverts it.
    """
    def seen(effect: Effect) -> Effect:
        return effect if old_side else effect.inverted()

    if other is False:  # the undeclared side refused the name outright
        return Effect.CHANGED if required else seen(Effect.WIDENED), CLOSED_BEFORE if old_side else CLOSED_AFTER
    if other is True or accepts_everything(other):
        if required:
            return seen(Effect.NARROWED), ""
        if accepts_everything(schema):
            return Effect.NONE, " (any value)"
        return seen(Effect.NARROWED), _OPEN_ADDED if old_side else _OPEN_REMOVED
    # The undeclared side checked the name against its additionalProperties schema: compare the two.
    if old_side:
        walker.compare(other, schema, where, invert)
    else:
        walker.compare(schema, other, where, invert)
    return (seen(Effect.NARROWED), "") if required else (Effect.NONE, " (checked against additionalProperties)")


def compare_combinators(walker: Walker, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
    """Compare ``not``, ``allOf``, ``anyOf`` and ``oneOf``; branches are matched by their key, not their place."""
    if "not" in old or "not" in new:
        walker.compare(old.get("not", False), new.get("not", False), f"{location}<not>", not invert)
    for name in ("allOf", "anyOf", "oneOf"):
        before, after = old.get(name), new.get(name)
        if (before is None and after is None) or same_as_written(before, after):
            continue
        if before is None or after is None:
            effect, verb = (Effect.NARROWED, "added") if before is None else (Effect.WIDENED, "removed")
            walker.add(location, f"{name}_{verb}", effect, f"{name} {verb}", invert)
            continue
        pairs, added, removed = _pair(walker, before, after)
        for a, b in pairs:
            walker.compare(a, b, location, invert)
        for branch, effect in zip(added, _branch_effects(walker, name, added, after, new=True), strict=True):
            walker.add(location, f"{name}_branch_added", effect, f"{name} branch added: {_label(walker, branch)}",
                       invert)
        for branch, effect in zip(removed, _branch_effects(walker, name, removed, before, new=False), strict=True):
            walker.add(location, f"{name}_branch_removed", effect.inverted(),
                       f"{name} branch removed: {_label(walker, branch, new=False)}", invert)


def _branch_effects(walker: Walker, name: str, branches: list[Any], every: list[Any], *, new: bool) -> list[Effect]:
    """The effect of adding each of ``branches`` to a combinator whose branches are ``every``.

    A ``oneOf`` branch widens if no value can match it and another; each pair is checked, at most
    ``MAX_PAIRS`` of them: beyond, the branches are counted as overlapping (changed both ways).
    """
    if name != "oneOf":
        return [Effect.NARROWED if name == "allOf" else Effect.WIDENED] * len(branches)
    if len(branches) * len(every) > MAX_PAIRS:
        return [Effect.CHANGED] * len(branches)
    resolved = [(other, walker.resolved(other, new=new)) for other in every]
    return [Effect.WIDENED if all(disjoint(walker.resolved(branch, new=new), target)
                                  for other, target in resolved if other is not branch)
            else Effect.CHANGED  # overlapping another: values matching both are refused now
            for branch in branches]


def _key(walker: Walker, branch: Any, *, new: bool) -> str:
    """What identifies a branch across versions: its one required property (a tagged variant), or its text."""
    target = walker.resolved(branch, new=new)
    if isinstance(target, dict) and len(target.get("required", [])) == 1:
        return f"required:{target['required'][0]}"
    return "text:" + walker.fingerprint(branch)  # each branch digested once, however deep it lies


def _label(walker: Walker, branch: Any, *, new: bool = True) -> str:
    key = _key(walker, branch, new=new)
    return key.removeprefix("required:") if key.startswith("required:") else canonical(branch)[:80]


def _pair(walker: Walker, before: list[Any], after: list[Any]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Match old and new branches by key, then the rest by place if as many remain on each side."""
    waiting: dict[str, list[Any]] = {}
    for branch in before:
        waiting.setdefault(_key(walker, branch, new=False), []).append(branch)
    pairs, added = [], []
    for branch in after:
        matches = waiting.get(_key(walker, branch, new=True))
        if matches:
            pairs.append((matches.pop(0), branch))
        else:
            added.append(branch)
    removed = [branch for branches in waiting.values() for branch in branches]
    if len(removed) == len(added):
        return pairs + list(zip(removed, added, strict=True)), [], []
    return pairs, added, removed
