"""The options of compiling (functions, context declarations, limits), checked where they are given.

A wrong type is a ``TypeError`` naming the argument and what it should be, raised by the public call
that was given it (``compile_condition``, ``check_condition``, ``CampaignSet``), not from deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping

from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.limits import Limits

__all__ = ["check_options", "wrong_type"]


def wrong_type(name: str, expected: str, value: object, *, held: bool = False) -> TypeError:
    """``name must be <expected>, not <type>`` (``not one holding <type>`` for an item of a collection)."""
    holding = "one holding " if held else ""
    return TypeError(f"{name} must be {expected}, not {holding}{type(value).__name__}")


def check_checked(checked: object) -> None:
    """Refuse what is not a ``CheckedCondition`` where one is needed.

    Raises:
        TypeError: Naming the argument ``checked``.
    """
    if not isinstance(checked, CheckedCondition):
        raise wrong_type("checked", "a CheckedCondition (from check_condition)", checked)


def check_options(functions: object, context: object, limits: object) -> None:
    """Check the types of the options of compiling.

    Raises:
        TypeError: If ``functions`` is not a ``FunctionRegistry``, ``context`` not a mapping, or
            ``limits`` not a ``Limits`` (each may be ``None``).
    """
    if functions is not None and not isinstance(functions, FunctionRegistry):
        raise wrong_type("functions", "a FunctionRegistry", functions)
    if context is not None and not isinstance(context, Mapping):
        raise wrong_type("context", "a mapping of names to types", context)
    if limits is not None and not isinstance(limits, Limits):
        raise wrong_type("limits", "a Limits", limits)
