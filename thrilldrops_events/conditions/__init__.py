"""The campaign-condition language: text and JSON forms, checked against the event schemas, compiled.

Compile a condition once, when the campaign is saved, and call it on every matching event::

    from thrilldrops_events import compile_condition

    cond = compile_condition('amount >= 20 and currency == "EUR"', "Deposit")
    cond(deposit)  # True or False

The pieces, for tools that need only some of them:

* :func:`parse_condition` (text to tree), :func:`condition_to_json` / :func:`condition_from_json`
  (the versioned JSON form) and :data:`JSON_SCHEMA`, for syntax-only tools such as a campaign UI;
* :func:`check_condition` (tree to :class:`CheckedCondition`, typed against an event schema),
  :func:`compile_checked` (the fast path) and :func:`evaluate_reference` (the reference evaluator,
  with a trace of every node's value; :func:`evaluate_node` for one sub-expression), for engines and
  tools that work on checked trees;
* :class:`FunctionRegistry` to add typed functions, and :class:`Limits` to change size limits.

The tree's node classes live in :mod:`thrilldrops_events.conditions.nodes`.
"""

from thrilldrops_events.conditions.checker import CheckedCondition, check_condition
from thrilldrops_events.conditions.condition import CompiledCondition, compile_checked, compile_condition
from thrilldrops_events.conditions.functions import BUILTINS, FunctionRegistry, FunctionSpec
from thrilldrops_events.conditions.jsonform import (
    JSON_FORM_VERSION,
    JSON_SCHEMA,
    condition_from_json,
    condition_to_json,
    json_schema,
)
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.parser import parse_condition
from thrilldrops_events.conditions.printer import to_text
from thrilldrops_events.conditions.reference import Trace, evaluate_node, evaluate_reference
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.errors import (
    ConditionError,
    ConditionEvaluationError,
    ConditionLimitError,
    ConditionSyntaxError,
    ConditionTypeError,
)

__all__ = [
    "BUILTINS",
    "DEFAULT_LIMITS",
    "JSON_FORM_VERSION",
    "JSON_SCHEMA",
    "CheckedCondition",
    "CompiledCondition",
    "ConditionError",
    "ConditionEvaluationError",
    "ConditionLimitError",
    "ConditionSyntaxError",
    "ConditionTypeError",
    "FunctionRegistry",
    "FunctionSpec",
    "Limits",
    "Node",
    "Trace",
    "ValueType",
    "check_condition",
    "compile_checked",
    "compile_condition",
    "condition_from_json",
    "condition_to_json",
    "evaluate_node",
    "evaluate_reference",
    "json_schema",
    "parse_condition",
    "to_text",
]
