"""A condition's clauses as the index reads them: an ``and``'s clauses, an ``or``'s parts, ``not`` moved inwards.

The language has no third truth value (``and``, ``or`` and ``not`` take booleans that are never null),
so De Morgan's laws hold exactly, and an ``or`` inside an ``and`` may be spread over the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.nodes import Node

__all__ = ["chained", "conjuncts", "negated", "spread"]


def conjuncts(node: Node) -> list[Node]:
    """The clauses of an ``and`` (nested ones flattened, ``true`` dropped), in order; else the node itself.

    A ``not`` is moved inwards first (``not (a or b)`` is ``not a and not b``; ``not not a`` is ``a``).
    """
    return [clause for clause in chained(node, n.And) if not (isinstance(clause, n.Boolean) and clause.value)]


def chained(node: Node, chain: type[n.And | n.Or]) -> list[Node]:
    """The operands of a chain of ``chain`` nodes (nested ones flattened), in order; else the node itself.

    A negated chain of the other operator is read by De Morgan's laws: the operands of ``not (a and b)``
    as an ``or`` are ``not a`` and ``not b``, and ``not not a`` is ``a``. The language has no third
    truth value (``and``, ``or`` and ``not`` take booleans that are never null), so both are exact.
    """
    if type(node) is not n.Not and not isinstance(node, chain):  # most clauses: a comparison, a test
        return [node]
    if type(node) is chain:  # most chains hold no chain and no not: their operands, as the walk below finds them
        operands = node.operands
        for item in operands:
            if type(item) is n.Not or isinstance(item, chain):
                break
        else:
            return list(operands)
    other = n.Or if chain is n.And else n.And
    out: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        while type(item) is n.Not and type(item.operand) is n.Not:
            item = item.operand.operand
        if isinstance(item, chain):
            stack.extend(reversed(item.operands))
        elif type(item) is n.Not and isinstance(item.operand, other):
            stack.extend(reversed([negated(part) for part in item.operand.operands]))
        else:
            out.append(item)
    return out


def negated(node: Node) -> Node:
    """``not node``: its operand if ``node`` is a ``not`` itself."""
    return node.operand if type(node) is n.Not else n.Not(node)


def spread(atom: Callable[[Node], object], options_of: Callable[[Node], list[Node]], clauses: list[Node],
           room: int) -> tuple[list[list[Node]], int]:
    """The conjunctions ``clauses`` is, its ``or`` clauses spread over the rest while within ``room`` more.

    ``(a or b) and c`` is ``a and c`` or ``b and c``: two branches the index decides, where the ``or``
    would be a residual clause; an ``or`` within a part is spread in turn. ``atom`` gives a clause's
    atom (or ``None``), ``options_of`` the parts of a clause read as an ``or``. An ``or`` stays whole when
    it is one set atom (``a == 1 or a == 2``), or when one of its parts holds no atom (``a or
    ctx.vip``), whose branch would be no narrower. The conjunctions are spread level by level, so
    that the ones the room allows are spread alike.
    """
    out: list[list[Node]] = []
    queue: deque[tuple[list[Node], list[Node]]] = deque([([], clauses)])  # (kept, still to read), in order
    while queue:
        kept, pending = queue.popleft()
        for index, clause in enumerate(pending):
            options = options_of(clause)
            more = len(options) - 1
            if (more == 0 or more > room or atom(clause) is not None
                    or not all(any(map(atom, conjuncts(option))) for option in options)):
                kept.append(clause)
                continue
            room -= more
            rest = pending[index + 1:]
            queue.extend(([*kept], [*conjuncts(option), *rest]) for option in options)
            break
        else:
            out.append(kept)
    return out, room
