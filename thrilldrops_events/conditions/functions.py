"""Typed functions callable from conditions: the built-ins and a registry for your own.

Every function has a signature of declared types. The checker checks each call against it at
compile time; at evaluation time a function is only ever called with values of its parameter
types. When an argument for a parameter that is not nullable is ``null``, the function is not
called: the result is ``null``, or ``false`` for a function returning ``bool``.

Built-in functions never raise: an argument outside their domain (an unknown time zone, a number
of places out of range, a moment past the calendar's end in a time zone) gives ``null``, which is
why ``round``, ``hour``, ``weekday`` and ``date`` are typed as returning a nullable value.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from thrilldrops_events._suggest import closest
from thrilldrops_events._text import describe
from thrilldrops_events.conditions import runtime
from thrilldrops_events.conditions._registered import check_options, checked_result, plain_strings
from thrilldrops_events.conditions.lexer import KEYWORDS
from thrilldrops_events.conditions.valuetypes import ValueType, parse_type
from thrilldrops_events.errors import ConditionTypeError

__all__ = ["BUILTINS", "NOT_LITERAL", "FunctionRegistry", "FunctionSpec", "with_specs"]

#: Stands for an argument that is not a literal, in the values given to a function's ``check``.
NOT_LITERAL: Any = type("NotLiteral", (), {"__repr__": lambda self: "NOT_LITERAL"})()

_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class FunctionSpec:
    """One function: its name, typed signature and implementation.

    Attributes:
        name: The name used in conditions.
        params: The parameter types, in order.
        returns: The result type.
        implementation: The Python callable; it receives positional arguments only.
        optional: How many trailing parameters may be left out.
        variadic: Whether the last parameter may be repeated (``min(a, b, c)``).
        description: One line for the docs.
        check: Optional compile-time check of literal arguments: called with the argument values
            (``NOT_LITERAL`` where an argument is not a literal); returns an error message or ``None``. A check
            that raises or returns anything else refuses the condition with a ``ConditionTypeError`` saying so.
    """

    name: str
    params: tuple[ValueType, ...]
    returns: ValueType
    implementation: Callable[..., Any] = field(repr=False)
    optional: int = 0
    variadic: bool = False
    description: str = ""
    check: Callable[[Sequence[Any]], str | None] | None = field(default=None, repr=False)

    @property
    def signature(self) -> str:
        """The signature as documented: ``round(number, [number]) -> number?``."""
        names = [str(p) for p in self.params]
        for index in range(len(names) - self.optional, len(names)):
            names[index] = f"[{names[index]}]"
        if self.variadic:
            names.append("...")
        return f"{self.name}({', '.join(names)}) -> {self.returns}"

    def param_for(self, index: int) -> ValueType:
        """The type of the parameter that argument ``index`` binds to."""
        return self.params[min(index, len(self.params) - 1)]

    def accepts(self, count: int) -> bool:
        """Whether a call with ``count`` arguments fits the signature."""
        least = len(self.params) - self.optional
        return count >= least and (self.variadic or count <= len(self.params))


class FunctionRegistry:
    """The functions a condition may call. A new registry holds the built-ins unless ``builtins=False``.

    Examples:
        >>> registry = FunctionRegistry()
        >>> @registry.function(params=["string"], returns="bool")
        ... def is_slot(game_id):
        ...     return game_id.startswith("slot-")
    """

    def __init__(self, *, builtins: bool = True) -> None:
        self._specs: dict[str, FunctionSpec] = dict(BUILTINS._specs) if builtins else {}
        self._changes = 0  # how many functions were registered since it was made (a set notices a replacement)

    def register(
        self,
        name: str,
        implementation: Callable[..., Any],
        *,
        params: Sequence[str | ValueType],
        returns: str | ValueType,
        optional: int = 0,
        variadic: bool = False,
        description: str = "",
        check: Callable[[Sequence[Any]], str | None] | None = None,
        replace: bool = False,
    ) -> FunctionSpec:
        """Add a function.

        Args:
            name: A lower-case name (``is_slot``); not a keyword.
            implementation: A pure Python callable taking the arguments positionally.
            params: The parameter types: ``number``, ``string``, ``bool``, ``channel``, ``timestamp``,
                ``date``, each optionally followed by ``?`` to accept ``null``.
            returns: The result type, in the same notation.
            optional: How many trailing parameters may be left out.
            variadic: Whether the last parameter may repeat.
            description: One line for the docs.
            check: A compile-time check of literal arguments (see
                [FunctionSpec][thrilldrops_events.conditions.FunctionSpec]).
            replace: Allow replacing a function already registered (a built-in, say).

        Returns:
            The new function's spec.

        Raises:
            ConditionTypeError: On a bad name, an unknown type, or a name already taken.
            TypeError: If ``params`` is not a sequence (a list or a tuple) of types, ``optional`` not an ``int``,
                ``variadic`` or ``replace`` not a ``bool``, ``description`` not a ``str``, or ``check`` neither
                ``None`` nor callable.
        """
        if not isinstance(name, str) or _NAME.fullmatch(name) is None or name in KEYWORDS:
            raise ConditionTypeError(f"function name must be lower case letters, digits and _, not {describe(name)}")
        name = str.__str__(name)  # its text: a subclass of str may compare or hash otherwise
        check_options(optional=optional, variadic=variadic, replace=replace, description=description, check=check)
        if name in self._specs and not replace:
            raise ConditionTypeError(f"function {name} is already registered; pass replace=True to replace it")
        if not callable(implementation):
            raise ConditionTypeError(f"the implementation of {name} is not callable")
        if isinstance(params, (str, bytes)) or not isinstance(params, Sequence):
            raise TypeError(f"params must be a sequence of types, not {type(params).__name__}")
        param_types = tuple(parse_type(p) for p in params)
        if not 0 <= optional <= len(param_types) or (variadic and not param_types):
            raise ConditionTypeError(f"function {name}: optional must be between 0 and the number of params")
        result = parse_type(returns)
        wrapped = checked_result(name, result, plain_strings(param_types, implementation))
        spec = FunctionSpec(name, param_types, result, wrapped, optional, variadic, str.__str__(description), check)
        self._specs[name] = spec
        self._changes += 1
        return spec

    def function(
        self, *, name: str | None = None, params: Sequence[str | ValueType], returns: str | ValueType, **options: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator form of ``register``; the function's own name is used unless ``name`` is given."""

        def decorate(implementation: Callable[..., Any]) -> Callable[..., Any]:
            self.register(name or implementation.__name__, implementation, params=params, returns=returns, **options)
            return implementation

        return decorate

    def get(self, name: str) -> FunctionSpec | None:
        """The function of that name, or ``None``."""
        return self._specs.get(name)

    def suggest(self, name: str) -> str | None:
        """The registered name closest to ``name``, if one is close."""
        return closest(name, self._specs)

    def copy(self) -> FunctionRegistry:
        """A registry holding the same functions, to extend without changing this one."""
        clone = FunctionRegistry(builtins=False)
        clone._specs = dict(self._specs)
        return clone

    __copy__ = copy  # copy.copy(registry) is such a registry too, not one sharing this one's functions

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[FunctionSpec]:
        return iter(sorted(self._specs.values(), key=lambda spec: spec.name))

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"FunctionRegistry({', '.join(spec.name for spec in self)})"


# ---------------------------------------------------------------------------------------------- built-ins

MAX_PLACES = 18


def _round(value: Any, places: Any = 0) -> Any:
    if isinstance(places, Decimal):
        # measured as a Decimal before any int(): converting 1e1000000 places to an int alone takes minutes
        if not (places.is_finite() and 0 <= places <= MAX_PLACES):
            return None
        if places != places.to_integral_value(context=runtime.DECIMAL_CONTEXT):
            return None
        places = int(places)
    elif type(places) is not int or not 0 <= places <= MAX_PLACES:
        return None
    number = value if isinstance(value, Decimal) else Decimal(value)
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -places:
        return number
    try:
        # the unit 1E-places is built, not computed: no step reads the thread's decimal context
        unit = Decimal((0, (1,), -places))
        return number.quantize(unit, rounding=ROUND_HALF_UP, context=runtime.DECIMAL_CONTEXT)
    except InvalidOperation:  # pragma: no cover - more digits than the context holds; not reachable by literals
        return None


def _in_zone(timestamp: int, name: str | None) -> datetime | None:
    where = runtime.zone(name) if name is not None else None
    if where is None:
        return None
    try:
        return datetime.fromtimestamp(timestamp, where)
    except (OverflowError, ValueError, OSError):
        return None


def _hour(timestamp: int, name: str | None = None) -> int | None:
    if name is None:
        return runtime.utc_hour(timestamp)
    moment = _in_zone(timestamp, name)
    return None if moment is None else moment.hour


def _weekday(timestamp: int, name: str | None = None) -> int | None:
    if name is None:
        return runtime.utc_weekday(timestamp)
    moment = _in_zone(timestamp, name)
    return None if moment is None else moment.isoweekday()


def _date(timestamp: int, name: str | None = None) -> str | None:
    if name is None:
        return runtime.utc_date(timestamp)
    moment = _in_zone(timestamp, name)
    return None if moment is None else moment.date().isoformat()


def _check_zone(values: Sequence[Any]) -> str | None:
    if len(values) < 2 or values[1] is NOT_LITERAL or runtime.zone(values[1]) is not None:
        return None
    if values[1] in runtime.SERVER_ZONES:
        return f'{values[1]!r} is the server\'s own time zone setting, not a place; name one such as "Europe/Malta"'
    close = closest(values[1], sorted(zoneinfo.available_timezones() - runtime.SERVER_ZONES))
    hint = f'did you mean "{close}"?' if close else 'use an IANA name such as "Europe/Malta" or "UTC"'
    return f"unknown time zone {values[1]!r}; {hint}"


def _check_places(values: Sequence[Any]) -> str | None:
    if len(values) < 2 or values[1] is NOT_LITERAL:
        return None
    places = values[1]
    if isinstance(places, Decimal) and places == places.to_integral_value() and 0 <= places <= MAX_PLACES:
        return None
    return f"round's places must be a whole number from 0 to {MAX_PLACES}"


def _builtin(name: str, params: str, returns: str, implementation: Callable[..., Any], description: str,
             **options: Any) -> FunctionSpec:
    types = tuple(parse_type(p) for p in params.split()) if params else ()
    return FunctionSpec(name, types, parse_type(returns), implementation, description=description, **options)


def _contains(text: str, part: str) -> bool:
    return part in text


def _minimum(*values: Any) -> Any:
    return min(values)


def _maximum(*values: Any) -> Any:
    return max(values)


#: The built-in functions, registered in every new [FunctionRegistry][thrilldrops_events.FunctionRegistry].
BUILTINS = FunctionRegistry(builtins=False)
for _spec in (
    _builtin("lower", "string", "string", str.lower, "The string in lower case."),
    _builtin("upper", "string", "string", str.upper, "The string in upper case."),
    _builtin("starts_with", "string string", "bool", str.startswith, "Whether the first starts with the second."),
    _builtin("ends_with", "string string", "bool", str.endswith, "Whether the first string ends with the second."),
    _builtin("contains", "string string", "bool", _contains, "Whether the second string is in the first."),
    _builtin("len", "string", "number", len, "The number of characters in the string."),
    _builtin("abs", "number", "number", runtime.DECIMAL_CONTEXT.abs, "The absolute value."),
    _builtin("min", "number", "number", _minimum, "The smallest of its arguments.", variadic=True),
    _builtin("max", "number", "number", _maximum, "The largest of its arguments.", variadic=True),
    _builtin("round", "number number", "number?", _round,
             f"Rounded to a number of places (default 0, at most {MAX_PLACES}), halves away from zero.",
             optional=1, check=_check_places),
    _builtin("hour", "timestamp string", "number?", _hour,
             "The hour (0-23) of a timestamp, in UTC or in the IANA time zone given.", optional=1, check=_check_zone),
    _builtin("weekday", "timestamp string", "number?", _weekday,
             "The ISO weekday (1 = Monday ... 7 = Sunday), in UTC or in the time zone given.", optional=1,
             check=_check_zone),
    _builtin("date", "timestamp string", "date?", _date,
             "The calendar date, in UTC or in the time zone given.", optional=1, check=_check_zone),
):
    BUILTINS._specs[_spec.name] = _spec


def with_specs(base: FunctionRegistry, specs: Iterable[FunctionSpec]) -> FunctionRegistry:
    """A registry holding ``base``'s functions, with ``specs`` in place of those of their names.

    A condition checked again with the very specs it was first checked with types alike, even if
    ``base`` has since had a function replaced.
    """
    registry = FunctionRegistry(builtins=False)
    registry._specs = {**base._specs, **{spec.name: spec for spec in specs}}
    return registry
