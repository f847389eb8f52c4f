"""The structural keywords of two schemas compared: object properties, and the combinators."""

from __future__ import annotations

from typing import Any

from thrilldrops_events.schema._report import Effect
from thrilldrops_events.schema._schema_facts import CLOSED_AFTER, CLOSED_BEFORE, Walker, canonical, same_as_written

__all__ = ["compare_combinators", "compare_objects"]


def compare_objects(walker: Walker, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    old_open = old.get("additionalProperties", True) is not False
    new_open = new.get("additionalProperties", True) is not False
    names = [*old_props, *(n for n in new_props if n not in old_props)]
    for name in names:
        where = f"{location}.{name}" if location else name
        if name in old_props and name in new_props:
            walker.compare(old_props[name], new_props[name], where, invert)
            if name in new_req and name not in old_req:
                walker.add(where, "field_now_required", Effect.NARROWED, "optional field became required", invert)
            elif name in old_req and name not in new_req:
                walker.add(where, "field_now_optional", Effect.WIDENED, "required field became optional", invert)
        elif name in new_props:
            closed = "" if old_open else CLOSED_BEFORE
            if name in new_req:
                effect = Effect.NARROWED if old_open else Effect.CHANGED
                walker.add(where, "field_added_required", effect, "required field added" + closed, invert)
            else:
                effect = Effect.NONE if old_open else Effect.WIDENED
                walker.add(where, "field_added_optional", effect, "optional field added" + closed, invert)
        else:
            closed = "" if new_open else CLOSED_AFTER
            if name in old_req:
                effect = Effect.WIDENED if new_open else Effect.CHANGED
                walker.add(where, "field_removed_required", effect, "required field removed" + closed, invert)
            else:
                effect = Effect.NONE if new_open else Effect.NARROWED
                walker.add(where, "field_removed_optional", effect, "optional field removed" + closed, invert)
    declared = set(old_props) | set(new_props)
    for name in sorted((new_req - old_req) - declared):
        walker.add(location, "field_now_required", Effect.NARROWED, f"{name} became required", invert)
    for name in sorted((old_req - new_req) - declared):
        walker.add(location, "field_now_optional", Effect.WIDENED, f"{name} became optional", invert)
    before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if isinstance(before, bool) and isinstance(after, bool):
        if before and not after:
            walker.add(location, "unknown_fields_refused", Effect.NARROWED, "unknown fields are now refused",
                     invert)
        elif after and not before:
            walker.add(location, "unknown_fields_allowed", Effect.WIDENED, "unknown fields are now allowed", invert)
    else:
        walker.compare(before, after, f"{location}<additionalProperties>", invert)


def compare_combinators(walker: Walker, old: dict[str, Any], new: dict[str, Any], location: str, invert: bool) -> None:
    if "not" in old or "not" in new:
        walker.compare(old.get("not", False), new.get("not", False), f"{location}<not>", not invert)
    for name, adding in (("allOf", Effect.NARROWED), ("anyOf", Effect.WIDENED), ("oneOf", Effect.WIDENED)):
        before, after = old.get(name, []), new.get(name, [])
        if same_as_written(before, after):
            continue
        if len(before) == len(after):
            for a, b in zip(before, after, strict=True):
                walker.compare(a, b, f"{location}<{name}>", invert)
            continue
        keys_before, keys_after = {canonical(s) for s in before}, {canonical(s) for s in after}
        if keys_after - keys_before and not keys_before - keys_after:
            walker.add(location, f"{name}_branch_added", adding, f"{name} branch added", invert)
        elif keys_before - keys_after and not keys_after - keys_before:
            walker.add(location, f"{name}_branch_removed", adding.inverted(), f"{name} branch removed", invert)
        else:
            walker.add(location, f"{name}_changed", Effect.CHANGED, f"{name} branches changed", invert)
