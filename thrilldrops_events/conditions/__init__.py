"""The campaign-condition language: text and JSON forms, checked against the event schemas, compiled.

Compile a condition once, when the campaign is saved, and call it on every matching event::

    from thrilldrops_events import compile_condition

    cond = compile_condition('amount >= 20 and currency == "EUR"', "Deposit")
    cond(deposit)  # True or False

The pieces, for tools that need only some of them:

* [parse_condition][thrilldrops_events.parse_condition] (text to tree),
  [condition_to_json][thrilldrops_events.condition_to_json] and
  [condition_from_json][thrilldrops_events.condition_from_json] (the versioned JSON form) and
  [JSON_SCHEMA][thrilldrops_events.conditions.JSON_SCHEMA], for syntax-only tools such as a campaign UI;
* [check_condition][thrilldrops_events.conditions.check_condition] (tree to
  [CheckedCondition][thrilldrops_events.conditions.CheckedCondition], typed against an event schema),
  [compile_checked][thrilldrops_events.conditions.compile_checked] (the fast path) and
  [evaluate_reference][thrilldrops_events.conditions.evaluate_reference] (the reference evaluator, with a
  trace of every node's value; [evaluate_node][thrilldrops_events.conditions.evaluate_node] for one
  sub-expression), for engines and tools that work on checked trees;
* [FunctionRegistry][thrilldrops_events.FunctionRegistry] to add typed functions, and
  [Limits][thrilldrops_events.conditions.Limits] to change size limits.

The tree's node classes live in ``thrilldrops_events.conditions.nodes``.
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
    # The language's errors, defined with every other error in thrilldrops_events.errors.
    "ConditionError",
    "ConditionEvaluationError",
    "ConditionLimitError",
    "ConditionSyntaxError",
    "ConditionTypeError",
]
