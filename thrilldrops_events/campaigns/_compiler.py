"""How a campaign set compiles its conditions: its functions, context declarations and limits.

``Compiler`` checks conditions with the set's options and remembers the texts it checked last, per
copy of the function registry they were checked with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from thrilldrops_events.conditions._checked_text import check_text
from thrilldrops_events.conditions.checked import CheckedCondition, event_type_of
from thrilldrops_events.conditions.checker import check_condition
from thrilldrops_events.conditions.condition import CompiledCondition, compile_checked
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.jsonform import read_with_paths
from thrilldrops_events.conditions.limits import DEFAULT_LIMITS, Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionSyntaxError

__all__ = ["CACHE_SIZE", "Compiler"]

#: How many checked condition texts a compiler remembers, so that identical texts are checked once.
CACHE_SIZE = 512
#: The event types by their names.
_MEMBERS = {member.value: member for member in EventType}


@dataclasses.dataclass(frozen=True)
class Compiler:
    """How a set compiles its conditions: its functions, context declarations and limits.

    It remembers the last ``CACHE_SIZE`` condition texts it checked, so identical texts are parsed
    and checked once and share one tree. A text is remembered with the functions it was checked
    with: once a function is registered or replaced in the registry, texts are checked again.
    """

    functions: FunctionRegistry | None = None
    context: Mapping[str, Any] | None = None
    limits: Limits | None = None
    _texts: dict[tuple[Any, str, FunctionRegistry | None], CheckedCondition] = dataclasses.field(
        default_factory=dict, init=False, compare=False, repr=False)
    _frozen: list[tuple[int, FunctionRegistry]] = dataclasses.field(
        default_factory=list, init=False, compare=False, repr=False)

    def registry(self) -> FunctionRegistry | None:
        """The functions as they are now, frozen: a copy of the registry, made again once it changes.

        ``None`` for the built-ins. A campaign keeps the copy it was checked with, so a function
        replaced in the registry afterwards changes nothing for it.
        """
        functions = self.functions
        if functions is None:
            return None
        frozen = self._frozen
        current = frozen[0] if frozen else None
        if current is None or current[0] != functions._changes:
            current = (functions._changes, functions.copy())
            frozen[:] = [current]
        return current[1]

    def check(self, source: str | Mapping[str, Any] | Node, event_type: EventType | str,
              functions: FunctionRegistry | None = None) -> CheckedCondition:
        """Parse and check a condition for ``event_type`` with these options (what ``compile_condition`` does first).

        ``functions`` stands in for the compiler's own registry (to check a condition again with the
        functions it was first checked with).

        Raises:
            ConditionError: Its syntax, type or limit error.
        """
        limits = self.limits or DEFAULT_LIMITS
        registry = functions or self.registry()
        if isinstance(source, str):  # the options by name: no dict to unpack for every text of a configuration
            return check_text(source, event_type, functions=registry, context=self.context, limits=limits)
        options: dict[str, Any] = {"functions": registry, "context": self.context, "limits": limits}
        if isinstance(source, Mapping):
            node, paths = read_with_paths(source, limits)
            return check_condition(node, event_type, paths=paths, **options)
        if isinstance(source, Node):
            return check_condition(source, event_type, **options)
        raise ConditionSyntaxError(
            f"a condition is text, its JSON form (a dict) or a parsed tree, not {type(source).__name__}"
        )

    def check_text(self, text: str, event_type: EventType | str,
                   functions: FunctionRegistry | None = None) -> CheckedCondition:
        """``check`` of condition text, remembered: identical texts are checked once and share one tree.

        ``functions`` as for ``check``; a text is remembered per registry it was checked with. Only a plain
        ``str`` is looked up: a subclass may hash and compare as another text (``check`` refuses it).
        """
        registry = functions or self.registry()
        if type(text) is not str:
            return self.check(text, event_type, registry)
        # a name as JSON gives it (a str) is looked up at once, as the enum itself looks it up
        kind = _MEMBERS.get(event_type) if type(event_type) is str else None
        key = (kind or event_type_of(event_type), text, registry)  # an unknown one (unhashable, say) is refused here
        texts = self._texts
        checked = texts.get(key)
        if checked is None:
            checked = self.check(text, event_type, registry)
            if len(texts) >= CACHE_SIZE:
                try:  # noqa: SIM105 - not contextlib.suppress: a try costs nothing when nothing is raised
                    del texts[next(iter(texts))]
                except (StopIteration, KeyError, RuntimeError):  # another thread got there first
                    pass
            texts[key] = checked
        return checked

    def compile(self, node: Node, event_type: EventType | str,
                functions: FunctionRegistry | None = None) -> CompiledCondition:
        """Check and compile a condition tree for ``event_type`` with these options (``functions`` as for ``check``)."""
        return compile_checked(self.check(node, event_type, functions))
