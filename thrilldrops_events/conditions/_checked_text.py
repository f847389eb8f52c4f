"""Condition text to a checked condition: parsed, then typed in the order the parser made its nodes.

The parser builds a tree bottom up, left to right, which is the order the checker types it in, so the
checker is handed that order instead of walking the tree again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.checker import checked_tree
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.parser import parse_in_order, parse_with_spans
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionError

__all__ = ["check_text"]


def check_text(source: str, event_type: EventType | str, *, functions: FunctionRegistry | None = None,
               context: Mapping[str, Any] | None = None, limits: Limits | None = None) -> CheckedCondition:
    """Parse and check condition text: what ``check_condition(parse_condition(source), ...)`` gives.

    Raises:
        ConditionSyntaxError: If the text is malformed (with its position).
        ConditionTypeError: If it does not fit the event schema (with its position).
        ConditionLimitError: If it is larger than ``limits`` allow.
    """
    limits = limits or DEFAULT_LIMITS
    node, spans, order = parse_in_order(source, limits)
    try:
        return checked_tree(node, event_type, functions, context, limits, source, spans, None, order)
    except ConditionError:  # its position may be a list item's, which that parse leaves out: read it all again
        node, spans = parse_with_spans(source, limits)
        return checked_tree(node, event_type, functions, context, limits, source, spans, None)
