"""The size limits every condition is held to, with documented, configurable defaults.

A condition comes from a campaign manager, through a campaign UI, so its size is bounded
before any work is done on it: the text is measured before it is read, the tree is measured
while it is built, and literals are measured before they are converted. Exceeding a limit
raises [ConditionLimitError][thrilldrops_events.ConditionLimitError] at compile time, quickly.

Every walk over a condition tree in this package is iterative, so raising ``max_depth`` never
leads to a ``RecursionError``; the limits exist to keep compile time and memory small.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from thrilldrops_events.errors import ConditionLimitError

__all__ = ["DEFAULT_LIMITS", "HARD_MAXIMA", "Limits", "limits_or_default"]


@dataclass(frozen=True)
class Limits:
    """How large a condition may be.

    The defaults are generous for hand-written campaign conditions (a typical one has 5 to 50
    nodes and a depth below 10) and small enough that a hostile one is refused in milliseconds.

    Attributes:
        max_source_length: The most characters of condition text (default 100,000).
        max_nodes: The most nodes in the tree; every list item counts as a node (default 10,000).
        max_depth: The deepest nesting of the tree, parentheses included (default 100).
        max_list_length: The most items in one list literal (default 5,000).
        max_string_length: The most characters in one string literal (default 1,000).
        max_number_digits: The most significant digits in one number literal (default 40).
        max_number_exponent: The largest magnitude of a number literal's decimal exponent: with
            the default 40, literals lie between ``1e-40`` and ``1e40`` (``1e41`` is refused).
    """

    # Each limit with its default and the largest value it may be configured to (a guard against
    # typos such as ``10**9``).
    max_source_length: int = field(default=100_000, metadata={"maximum": 100_000_000})
    max_nodes: int = field(default=10_000, metadata={"maximum": 1_000_000})
    max_depth: int = field(default=100, metadata={"maximum": 10_000})
    max_list_length: int = field(default=5_000, metadata={"maximum": 1_000_000})
    max_string_length: int = field(default=1_000, metadata={"maximum": 1_000_000})
    max_number_digits: int = field(default=40, metadata={"maximum": 100})
    max_number_exponent: int = field(default=40, metadata={"maximum": 1_000})

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            maximum = item.metadata["maximum"]
            if type(value) is not int or not 1 <= value <= maximum:
                raise ConditionLimitError(
                    f"Limits.{item.name} must be an int from 1 to {maximum:,}", limit=item.name, maximum=maximum
                )


#: The largest value each limit may be configured to (a guard against typos such as ``10**9``).
HARD_MAXIMA: dict[str, int] = {item.name: item.metadata["maximum"] for item in fields(Limits)}


#: The limits used when none are given.
DEFAULT_LIMITS = Limits()


def limits_or_default(limits: object) -> Limits:
    """``limits`` itself, or ``DEFAULT_LIMITS`` for ``None``: what every public call given ``limits=`` reads.

    Raises:
        TypeError: If ``limits`` is neither ``None`` nor a ``Limits`` (a dict of limits, a number, ``False``):
            such a value was read as the defaults, or failed later with an ``AttributeError``.
    """
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits (or None for the defaults), not {type(limits).__name__}")
    return limits
