"""What wraps a function registered in a ``FunctionRegistry``: its options, arguments and result checked.

A registered function is the user's code: it is given plain values of its parameter types (a plain
``str`` for a ``string``, even from a channel), and what it returns is checked against its declared
type and converted, so that the evaluators only ever see values of the language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from thrilldrops_events._kinds import TIMESTAMP_MAX
from thrilldrops_events._text import describe
from thrilldrops_events.conditions import runtime
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.enums import ChannelType
from thrilldrops_events.errors import ConditionEvaluationError

__all__ = ["check_options", "checked_result", "plain_strings", "run_check"]

# The largest decimal exponent (in magnitude) of a number a registered function may return.
_MAX_RESULT_EXPONENT = 1000
_ZERO = Decimal(0)


def _text_of(error: BaseException) -> str:
    """``str(error)``, or a placeholder if the exception cannot give its text."""
    try:
        return str(error)
    except Exception:
        return f"<{type(error).__name__} whose text cannot be read>"


def plain_strings(params: tuple[ValueType, ...], implementation: Callable[..., Any]) -> Callable[..., Any]:
    """``implementation``, given a plain ``str`` for each ``string`` parameter (a channel is a ``str`` subclass)."""
    strings = tuple(param.base == "string" for param in params)
    if not any(strings):
        return implementation
    last = len(strings) - 1

    def call(*args: Any) -> Any:
        return implementation(*[str.__str__(arg) if strings[min(index, last)] and isinstance(arg, str)
                                and type(arg) is not str else arg for index, arg in enumerate(args)])

    return call


def checked_result(spec_name: str, returns: ValueType, implementation: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a registered function so that what it returns is checked against its declared type."""

    def call(*args: Any) -> Any:
        try:
            result = implementation(*args)
        except (ConditionEvaluationError, KeyboardInterrupt):
            raise
        except BaseException as error:  # SystemExit, GeneratorExit, its own kind: all the function's failure
            raise ConditionEvaluationError(f"function {spec_name} raised {type(error).__name__}: {_text_of(error)}"
                                           ) from error
        if result is None and returns.nullable:
            return None
        kind = type(result)
        base = returns.base
        if base == "number" and (kind is int or kind is Decimal):
            if kind is int and result.bit_length() > runtime.MAX_INT_BITS:  # measured before Decimal() reads it
                raise ConditionEvaluationError(f"function {spec_name} returned an int of {result.bit_length():,} "
                                               f"bits, not a number within 1e-{_MAX_RESULT_EXPONENT} to "
                                               f"1e{_MAX_RESULT_EXPONENT}")
            number = Decimal(result)
            if number.is_finite() and (not number or abs(number.adjusted()) <= _MAX_RESULT_EXPONENT):
                return runtime.DECIMAL_CONTEXT.plus(number) if number else _ZERO  # a zero of any exponent is zero
            raise ConditionEvaluationError(f"function {spec_name} returned {number:.3e}, which is not a finite number "
                                           f"within 1e-{_MAX_RESULT_EXPONENT} to 1e{_MAX_RESULT_EXPONENT}")
        if (base == "string" and kind is str) or (base == "bool" and kind is bool):
            return result
        if base == "channel" and isinstance(result, ChannelType):
            return result
        if base == "timestamp" and kind is int and result >= 0:
            if result <= TIMESTAMP_MAX:
                return result
            raise ConditionEvaluationError(f"function {spec_name} returned a timestamp after 9999-12-31T23:59:59Z, "
                                           "the last one an event may have")
        if base == "date" and kind is date:
            return result.isoformat()
        if base == "date" and isinstance(result, str):
            if runtime.parse_date(result) is not None:  # an ISO date, as a date of ctx may be given
                return str.__str__(result)
            raise ConditionEvaluationError(f"function {spec_name} returned {describe(result)}, which is not an ISO "
                                           "date (YYYY-MM-DD, a real calendar date)")
        raise ConditionEvaluationError(f"function {spec_name} returned {kind.__name__}, not {returns.spoken}")

    return call


def check_options(*, optional: object, variadic: object, replace: object, description: object,
                   check: object) -> None:
    """Refuse options of ``register`` of the wrong type (a truthy ``replace="no"`` would replace).

    Raises:
        TypeError: Naming the option and the type it was given.
    """
    for flag, value in (("variadic", variadic), ("replace", replace)):
        if type(value) is not bool:
            raise TypeError(f"{flag} must be True or False, not {type(value).__name__}")
    if type(optional) is not int:
        raise TypeError(f"optional must be an int (how many trailing params may be left out), not "
                        f"{type(optional).__name__}")
    if not isinstance(description, str):
        raise TypeError(f"description must be a str, not {type(description).__name__}")
    if check is not None and not callable(check):
        raise TypeError(f"check must be None or a callable, not {type(check).__name__}")


def run_check(name: str, check: Callable[[Sequence[Any]], str | None], literals: Sequence[Any]) -> str | None:
    """What a function's compile-time ``check`` says of its literal arguments: a problem, or ``None``.

    A check that raises, or returns anything but a message or ``None``, is a problem of its own: the
    condition is refused with a ``ConditionTypeError`` naming the function, not with the check's exception.
    """
    try:
        problem = check(literals)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the user's code, however it fails
        return f"the check of function {name} raised {type(error).__name__}: {_text_of(error)}"
    if problem is None or isinstance(problem, str):
        return problem if problem is None else str.__str__(problem)
    return f"the check of function {name} returned {type(problem).__name__}, not a message (a str) or None"
