"""The index of the campaigns of one event type and one scope, and the walk a match makes in it.

The positive atoms of each branch are filed by ``_filing`` (look-up tables and range families that
form where enough branches share an operand); its not-set atoms become *complement postings*: for
each excluded value, the branches that value rules out (the k-index's rejection lists). A match walks
the nodes the event's values lead to, returns the branches with nothing left to check by whole
slices and tuples, checks the others, and drops the branches a complement posting rules out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._atoms import Atom
from thrilldrops_events.campaigns._filing import insert, remove
from thrilldrops_events.campaigns._nodes import EMPTY, GE, GT, LE, Item, Node
from thrilldrops_events.campaigns._operands import MatchState, Operand, Read
from thrilldrops_events.campaigns._pending import Pending

__all__ = ["Placement", "ScopeIndex", "collect"]

Negatives = tuple[tuple[Read, dict[Any, frozenset[Item]], Operand], ...]


@dataclass(frozen=True, eq=False)
class Placement:
    """One branch as its index holds it: its positive atoms on their way, and the values that rule it out.

    Attributes:
        pending: The branch with its set and range atoms, as it was filed at the root.
        negatives: ``(operand, excluded values)`` of its not-set atoms.
        atoms: Every atom of the branch with its operand (for explanations).
    """

    pending: Pending
    negatives: tuple[tuple[Operand, tuple[Any, ...]], ...]
    atoms: tuple[tuple[Atom, Operand], ...] = ()


class ScopeIndex:
    """The campaigns of one event type and scope: the root node and the complement postings. Immutable.

    Attributes:
        root: The root node.
        negatives: Per operand: for each excluded value, the branches it rules out.
        branches: How many branches are filed.
        campaigns: How many campaigns it holds (one whose branches all contradict themselves has none filed).
        multi: How many campaigns have more than one branch (a match then returns each id once).
        context: The context values its campaigns read, with their types and how many read each.
        readers: The context-reading campaigns, by key: ``(active window, names)``.
    """

    __slots__ = ("branches", "campaigns", "context", "context_names", "context_types", "multi", "negatives", "readers",
                 "root")

    def __init__(self, root: Node = EMPTY, negatives: Negatives = (), branches: int = 0, multi: int = 0,
                 context: dict[str, tuple[Any, int]] | None = None,
                 readers: dict[int, tuple[tuple[int | None, int | None], tuple[str, ...]]] | None = None,
                 campaigns: int = 0) -> None:
        self.root = root
        self.campaigns = campaigns
        self.negatives = negatives
        self.branches = branches
        self.multi = multi
        self.context = context or {}
        self.readers = readers or {}
        self.context_names = tuple(self.context)
        self.context_types = {name: kind for name, (kind, _) in self.context.items()}

    def filed(self, placement: Placement, adding: bool) -> ScopeIndex:
        """A copy with one branch filed (or taken out)."""
        if adding:
            root = insert(self.root, placement.pending)
        else:
            found = remove(self.root, placement.pending)
            assert found is not None, "a branch the writer filed is in its index"
            root = found
        negatives = list(self.negatives)
        for operand, keys in placement.negatives:
            position = next((i for i, entry in enumerate(negatives) if entry[2] is operand), None)
            table = dict(negatives[position][1]) if position is not None else {}
            item = placement.pending.item
            for key in keys:
                held = table.get(key, frozenset())
                held = held | {item} if adding else held - {item}
                if held:
                    table[key] = held
                else:
                    del table[key]
            entry = (operand.read, table, operand)
            if position is None:
                negatives.append(entry)
            elif table:
                negatives[position] = entry
            else:
                del negatives[position]
        return ScopeIndex(root, tuple(negatives), self.branches + (1 if adding else -1), self.multi, self.context,
                          self.readers, self.campaigns)

    def with_campaign(self, key: int, branches: int, window: tuple[int | None, int | None],
                      context: dict[str, Any], adding: bool) -> ScopeIndex:
        """A copy that counts (or no longer counts) a campaign's branches and the context it reads."""
        step = 1 if adding else -1
        multi = self.multi + (step if branches > 1 else 0)
        campaigns = self.campaigns + step
        if not context:
            return ScopeIndex(self.root, self.negatives, self.branches, multi, self.context, self.readers, campaigns)
        counts = dict(self.context)
        readers = dict(self.readers)
        for name, kind in context.items():
            users = counts.get(name, (kind, 0))[1] + (1 if adding else -1)
            if users:
                counts[name] = (kind, users)
            else:
                del counts[name]
        if adding:
            readers[key] = (window, tuple(context))
        else:
            del readers[key]
        return ScopeIndex(self.root, self.negatives, self.branches, multi, counts, readers, campaigns)


def collect(index: ScopeIndex, envelope: Any, state: MatchState, found: list[Item], rejected: set[Item]) -> None:
    """Add the branches of ``index`` whose atoms and checks hold for ``envelope`` to ``found``.

    Branches that a complement posting rules out are added to ``rejected`` (they may be in ``found``).
    One function with its loops inline: this is the hot path of every match.
    """
    stack = [index.root]
    pop = stack.pop
    push = stack.append
    extend = found.extend
    append = found.append
    while stack:
        node = pop()
        if node.done:
            extend(node.done)
        for checks, item, _ in node.entries:
            for test in checks:
                if not test(envelope, state):
                    break
            else:
                append(item)
        for read, table, _ in node.tables:
            child = table.get(read(envelope))
            if child is not None:
                push(child)
        for family in node.families:
            value = family.read(envelope)
            if value is None:  # null fails every ordering
                continue
            for kind, bounds, values, checked in family.runs:
                if kind == GE:
                    part = values[: bisect_right(bounds, value)]
                elif kind == GT:
                    part = values[: bisect_left(bounds, value)]
                elif kind == LE:
                    part = values[bisect_left(bounds, value) :]
                else:
                    part = values[bisect_right(bounds, value) :]
                if not checked:
                    extend(part)
                    continue
                for checks, item, _ in part:
                    for test in checks:
                        if not test(envelope, state):
                            break
                    else:
                        append(item)
    for read, postings, _ in index.negatives:
        ruled_out = postings.get(read(envelope))
        if ruled_out:
            rejected |= ruled_out
