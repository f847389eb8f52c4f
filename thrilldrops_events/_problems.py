"""Turning pydantic's errors and our own findings into [Problem][thrilldrops_events.Problem] lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from thrilldrops_events._suggest import closest
from thrilldrops_events._text import LONE_SURROGATE_MESSAGE, describe, path_text
from thrilldrops_events.errors import EventValidationError, Problem

# The wire names of the event types, for "did you mean". The registry of event types fills them in when
# it is built (see ``set_variants``): it sits above this module, since the models report their errors here.
_VARIANTS: list[str] = []


def set_variants(names: Iterable[str]) -> None:
    """Tell the error messages the wire names of the event types (called once, by the registry)."""
    _VARIANTS[:] = names

# How many unknown event type names of one document get a did-you-mean (each costs a comparison with every name).
_SUGGESTED_NAMES = 3

# Friendlier messages for pydantic's error types, by the last path element where it matters.
_PATTERN_MESSAGES = {
    "currency": "must be 2 to 10 ASCII letters or digits (such as EUR, USDT or mBTC)",
    "contribution_currency": "must be 2 to 10 ASCII letters or digits (such as EUR, USDT or mBTC)",
    "country": "must be an ISO 3166-1 alpha-2 code in upper case (such as DE, GB or UK)",
}
_IDENTIFIER_PATTERN = "must not be empty or start or end with whitespace"


def join_path(loc: Sequence[str | int]) -> str:
    """Render a location tuple as a dotted JSON path (a key holding a lone surrogate is shown escaped)."""
    return ".".join(path_text(part) for part in loc)


def unknown_variant(name: str, *, path: str = "event_type") -> EventValidationError:
    """The error for an event type name that is not one of the eight variants."""
    return EventValidationError([Problem(join_path([path, name]) if path else "", _unknown_variant_message(name),
                                         "unknown_variant")])


def _unknown_variant_message(name: str, *, suggest: bool = True) -> str:
    close = closest(name, _VARIANTS) if suggest else None
    hint = f"; did you mean {close!r}?" if close else f"; expected one of {', '.join(_VARIANTS)}"
    return f"unknown event type {describe(name)}{hint}"


def _problem(error: Any, prefix: tuple[str | int, ...], suggestions: list[int]) -> Problem:
    loc: tuple[str | int, ...] = prefix + tuple(error["loc"])
    kind: str = error["type"]
    message: str = error["msg"]
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        if len(loc) == 2 and loc[0] == "event_type" and not prefix:
            suggestions[0] -= 1  # a did-you-mean for the first few names only
            return Problem(join_path(loc), _unknown_variant_message(str(last), suggest=suggestions[0] >= 0),
                           "unknown_variant")
        return Problem(join_path(loc), "unknown field (refused in strict mode)", "unknown_field")
    if kind == "missing":
        message = "required field is missing"
    elif kind == "string_unicode":  # pydantic's refusal of a lone surrogate, in the library's words
        message, kind = f"string {LONE_SURROGATE_MESSAGE}", "lone_surrogate"
    elif kind == "string_pattern_mismatch":
        message = _PATTERN_MESSAGES.get(str(last), _IDENTIFIER_PATTERN)
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind in ("string_too_long", "too_long"):
        limit = error.get("ctx", {}).get("max_length")
        message = f"must be at most {limit} characters long" if limit is not None else "is too long"
    elif kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"must be one of {expected} (case-sensitive)"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = "must be a JSON object"
    elif kind.startswith(("money_", "timestamp_")) or kind in {"country_code", "strict_type", "lone_surrogate"}:
        pass  # our own messages are already written for people
    else:
        message = message[:1].lower() + message[1:]
    return Problem(join_path(loc), message, kind)


def from_validation_error(
    error: ValidationError, *, prefix: tuple[str | int, ...] = (), extra: Iterable[Problem] = (), omitted: int = 0,
    first: Iterable[Problem] = (),
) -> EventValidationError:
    """Convert a pydantic ``ValidationError`` into ours, keeping every problem and its path.

    Args:
        error: Pydantic's error.
        prefix: A path to put before every problem's path.
        extra: More problems, listed after pydantic's.
        omitted: Problems found before validation and not listed (see ``codecs/_bounds.py``).
        first: Problems found before validation, listed before pydantic's.
    """
    limit = EventValidationError.max_problems
    found = error.errors(include_url=False, include_input=False)
    suggestions = [_SUGGESTED_NAMES]
    problems = [*first, *(_problem(e, prefix, suggestions) for e in found[:limit])]
    problems.extend(extra)
    return EventValidationError(problems, omitted=omitted + max(0, len(found) - limit))


def single(path: str, message: str, kind: str) -> EventValidationError:
    """An error with one problem."""
    return EventValidationError([Problem(path, message, kind)])

