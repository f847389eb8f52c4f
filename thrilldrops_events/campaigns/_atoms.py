"""A campaign's condition as the index sees it: branches of atoms about operands, and what is left.

A condition whose top level is an ``or`` is split into its *branches* (up to ``MAX_BRANCHES``;
the campaign matches when one of them holds); any other condition is one branch. A branch is the
``and`` of its clauses. Each clause about a *pure operand* (an expression that reads only the event:
a field, a built-in call such as ``hour(event.timestamp, "Europe/Malta")``, arithmetic) and literals
becomes an ``Atom``, and the atoms of one operand are merged into one:

* ``set``: the operand's value is one of ``keys`` (``==``, ``in``, ``is null``, a boolean operand,
  and an interval on an operand of few values, such as an hour or a weekday; an atom on
  ``starts_with`` or ``ends_with`` of a literal is one on the operand's first or last characters,
  ``_affixes``);
* ``not_set``: its value is none of ``keys`` (``!=``, ``not in``, ``is not null``);
* ``range``: its value lies between ``low`` and ``high`` (``< <= > >=``, tiers with both bounds).

A money field times a number, an ordering of two money fields and a *scaled comparison*
(``game_win >= game_bet * 37.5``) become atoms too: ``_scaling`` says how, and why exactly.

A ``not`` is moved inwards by De Morgan's laws (``not (a or b)`` is two clauses, ``not (a and b)``
an ``or``), a negated ordering is the complement of its range (``complement`` says when that is
exact), and an ``or`` inside an ``and`` is spread over the rest into more branches (``_clauses``).
Everything else (context values, registered functions, comparisons of two expressions, an ``or``
that is not spread) is *residual*: evaluated by closure once the atoms hold. An ``or`` whose later
parts call a registered function is neither split nor spread (``guarded``): the function is then
called only where the condition itself would call it.

Why an atom equals its clause: the operand's value and the literal (coerced exactly as the
evaluators coerce it) compare with Python's operators in both, values that compare equal hash
equal (``Decimal("20") == Decimal("20.00") == 20``), and ``null`` follows the language: it equals
only ``null``, is in no list, and fails every ordering. Pure operands never raise, so atoms may be
decided in any order, before the residual clauses.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any, cast

from thrilldrops_events._fields import payload_fields
from thrilldrops_events.campaigns._affixes import AFFIX, Affix, affixed
from thrilldrops_events.campaigns._atom import FLIPPED, TIMESTAMP, Atom, Bound, Branch, compared, shared_keys, within
from thrilldrops_events.campaigns._clauses import chained, conjuncts, spread
from thrilldrops_events.campaigns._scaling import MADE, SCALE_DIGITS, difference, signs, unscaled
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.closures import is_pure
from thrilldrops_events.conditions.functions import BUILTINS
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import coerce_literal
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.enums import ChannelType, EventType

__all__ = ["MAX_BRANCHES", "SCALE_DIGITS", "TIMESTAMP", "Atom", "Bound", "Branch", "branches_of", "conjuncts"]

#: The most branches a top-level ``or`` is split into; a wider one is one residual clause. A
#: campaign's branches split by the sign of a scaled comparison's factor stay within it too.
MAX_BRANCHES = 16

_NEGATED = {"==": "!=", "!=": "=="}
#: Each ordering and the one that holds where it fails, but for null.
_COMPLEMENT = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_SCALARS = (n.Number, n.String, n.Boolean, n.Null)
_LITERALS = frozenset({n.Number, n.String, n.Boolean})
_VALUE = operator.attrgetter("value")
#: Nodes that are never an atom's operand: literals, and formulas (see ``_Reader.operand``).
_NOT_VALUES = (*_SCALARS, n.ListLiteral, n.And, n.Or, n.Not, n.Compare, n.In, n.IsNull)

#: The values some operands can take, all of them (intervals on these become sets).
_HOURS = frozenset(range(24))
_WEEKDAYS = frozenset(range(1, 8))
_CHANNELS = frozenset(ChannelType)
_BOOLS = frozenset({True, False})
_DOMAINS = {"hour": _HOURS, "weekday": _WEEKDAYS, "bool": _BOOLS, "channel": _CHANNELS}
#: A rough number of distinct values per kind of operand, to guess how often an atom holds.
_SPREAD = {"identifier": 500, "currency": 20, "country": 40, "string": 100, "number": 1000, "timestamp": 100_000,
           "date": 365, "channel": 4, "bool": 2}


#: The domains of operands that can also be null.
_NULLABLE_DOMAINS = {name: values | {None} for name, values in _DOMAINS.items()}

_KINDS: dict[EventType, dict[str, str]] = {}


def _kinds(event_type: EventType) -> dict[str, str]:
    """The kind of each payload field of an event type."""
    kinds = _KINDS.get(event_type)
    if kinds is None:
        kinds = _KINDS[event_type] = {spec.name: spec.kind for spec in payload_fields(event_type)}
    return kinds


class _Reader:
    """Turns the clauses of one checked condition into atoms."""

    def __init__(self, checked: CheckedCondition) -> None:
        self.checked = checked
        self.type_of = checked.type_of
        self.types = checked.types
        self.kinds = _kinds(checked.event_type)
        self.made: set[Node] = set()  # the operands it made: ratios and differences
        #: Whether the condition calls a function of the user's own (``checked.functions`` holds those it calls).
        self.own = any(BUILTINS.get(name) is not spec for name, spec in checked.functions.items())

    def kind(self, node: Node) -> ValueType:
        """The type of a node of the condition (``type_of``, its common case first), or of an operand it made."""
        found = self.types.get(id(node))
        if found is not None:
            return found
        if type(node) is n.Arithmetic and node in self.made:
            return MADE
        if type(node) is Affix:
            return AFFIX
        return self.type_of(node)

    def operand(self, node: Node) -> bool:
        """Whether ``node`` can be an atom's operand: a pure expression that is a value, not a literal or a formula.

        A formula (``and``, ``or``, ``not``, a comparison or a test) is left to be checked on the
        campaigns the index lets through: each campaign writes its own, so as an operand each would be
        a facet of its own that every match visits.
        """
        if type(node) is n.FieldRef:  # the common case: a field (never a list) is pure unless a context value
            return node.scope != "ctx"
        if isinstance(node, _NOT_VALUES):
            return False
        return self.type_of(node).base != "list" and is_pure(self.checked, node)

    def atom(self, clause: Node) -> Atom | None:
        """The atom a clause is, or ``None`` when it is residual (one on a prefix test: on the prefix)."""
        if type(clause) is n.Compare:  # the most common clause, read first
            found = self.comparison(clause.op, clause.left, clause.right, clause)
        else:
            found = self.test(clause)
        return affixed(found) if found is not None and type(found.operand) is n.Call else found

    def test(self, clause: Node) -> Atom | None:
        """``atom`` of a clause that is not a comparison (under ``not``, perhaps of one)."""
        negated = False
        while isinstance(clause, n.Not) and isinstance(clause.operand, n.Not):  # not not x: x, as a condition
            clause = clause.operand.operand
        written = clause
        if isinstance(clause, n.Not):
            negated, clause = True, clause.operand
        match clause:
            case n.In(operand, items, flag) if self.operand(operand):
                target = self.type_of(operand)
                if target.base == "timestamp" or target.base == "channel":  # its string literals are converted
                    keys = frozenset([coerce_literal(item.value, target) for item in items.items])
                else:
                    keys = frozenset(map(_VALUE, items.items))
                return self.make(operand, "not_set" if flag != negated else "set", keys, clause)
            case n.IsNull(operand, flag) if self.operand(operand):
                return self.make(operand, "not_set" if flag != negated else "set", frozenset({None}), clause)
            case n.Compare(op, left, right) if negated and op not in _NEGATED:
                return self.complement(self.comparison(op, left, right, written))
            case n.Compare(op, left, right):
                return self.comparison(_NEGATED[op] if negated else op, left, right, clause)
            case n.Or() if not negated:
                return self.union(clause)
            case _ if self.operand(clause) and self.type_of(clause).base == "bool":
                # a boolean value (a field, starts_with(...)): true, or false and null under not
                keys = frozenset({False, None}) if negated else frozenset({True})
                return self.make(clause, "set", keys, clause)
        return None

    def comparison(self, op: str, left: Node, right: Node, clause: Node) -> Atom | None:
        if type(left) is n.FieldRef and type(right) in _LITERALS:  # the common case (amount >= 20), at once:
            # what the steps below give it (a field is an operand unless a context value; a literal is not null)
            literal = cast("n.Number | n.String | n.Boolean", right).value
            return None if left.scope == "ctx" else compared(op, left, coerce_literal(literal, self.kind(left)), clause)
        if isinstance(left, _SCALARS) and not isinstance(right, _SCALARS):
            op, left, right = FLIPPED[op], right, left
        if not isinstance(right, _SCALARS):
            return difference(self, op, left, right, clause)
        if not self.operand(left):
            return None
        value = None if isinstance(right, n.Null) else coerce_literal(right.value, self.kind(left))
        if value is not None and type(left) is n.Arithmetic:
            return unscaled(self, op, left, value, clause)
        return compared(op, left, value, clause)

    def complement(self, atom: Atom | None) -> Atom | None:
        """The atom of ``not (x < v)`` from the range atom of ``x < v``: every value the range refuses.

        ``null`` fails every ordering, so the negation holds for it: an operand of few values (an hour)
        becomes the set of its values outside the range, ``null`` included; any other operand has a
        range only when it cannot be null (``not (amount < 5)`` is ``amount >= 5``). A range with both
        bounds, or from a comparison of two expressions, is not complemented (``None``: residual).
        """
        if atom is None or atom.kind != "range" or len(atom.clauses) != 1:
            return None
        domain = self.domain(atom.operand)
        if domain is not None:
            return self.make(atom.operand, "set", frozenset(key for key in domain if not atom.holds(key)),
                             atom.clauses[0])
        if self.kind(atom.operand).nullable:
            return None
        if atom.high is None and atom.low is not None:
            return Atom(atom.operand, "range", high=(atom.low[0], not atom.low[1]), clauses=atom.clauses)
        if atom.low is None and atom.high is not None:
            return Atom(atom.operand, "range", low=(atom.high[0], not atom.high[1]), clauses=atom.clauses)
        return None  # pragma: no cover - a comparison with a literal bounds one side

    def options(self, clause: Node) -> list[Node]:
        """The parts of ``clause`` read as an ``or``: ``chained``'s, and two for a negated ordering that no atom is.

        ``not (x < 5)`` on an operand that may be null (and has many values) is ``x >= 5 or x is null``.
        """
        if type(clause) is not n.Not and not isinstance(clause, n.Or):  # most clauses: what ``chained`` gives alone
            return [clause]
        if type(clause) is n.Not and type(clause.operand) is n.Compare and clause.operand.op in _COMPLEMENT:
            op, left, right = clause.operand.op, clause.operand.left, clause.operand.right
            if isinstance(left, _SCALARS):
                op, left, right = FLIPPED[op], right, left
            if (isinstance(right, _SCALARS) and self.operand(left) and self.kind(left).nullable
                    and self.domain(left) is None):
                return [n.Compare(_COMPLEMENT[op], left, right), n.IsNull(left)]
        parts = chained(clause, n.Or)
        return [clause] if self.guarded(parts) else parts

    def guarded(self, parts: list[Node]) -> bool:
        """Whether a part of an ``or`` after the first calls a function of the user's own.

        Such an ``or`` stays whole, evaluated left to right as the condition is: a branch of it
        would call the function for events on which an earlier part already holds, where the
        condition never calls it (a function that raises on them would fail the whole match).
        """
        if not self.own:
            return False
        functions = self.checked.functions
        stack = list(parts[1:])
        while stack:
            node = stack.pop()
            if type(node) is n.Call and BUILTINS.get(node.name) is not functions.get(node.name):
                return True
            stack.extend(node.children)
        return False

    def union(self, clause: Node) -> Atom | None:
        """``a == 1 or a in [2, 3]``: one set atom when every part is a set atom on the same operand."""
        parts = [self.atom(part) for part in chained(clause, n.Or)]
        first = parts[0]
        if first is None or any(p is None or p.kind != "set" or p.operand != first.operand for p in parts):
            return None
        keys = frozenset().union(*(p.keys for p in parts if p is not None))
        return self.make(first.operand, "set", keys, clause)

    def make(self, operand: Node, kind: str, keys: frozenset[Any], clause: Node) -> Atom:
        return Atom(operand, kind, keys, clauses=(clause,))

    def spread(self, operand: Node, domain: frozenset[Any] | None) -> int:
        """A rough number of distinct values the operand takes (``domain``: its ``domain``)."""
        if domain is not None:
            return len(domain)
        match operand:
            case n.FieldRef("payload", name) if name in self.kinds:
                return _SPREAD.get(self.kinds[name], 100)
            case n.FieldRef("event", "timestamp"):
                return _SPREAD["timestamp"]
            case n.FieldRef("event"):
                return _SPREAD["identifier"]
        return _SPREAD.get(self.kind(operand).base, 100)

    def domain(self, operand: Node) -> frozenset[Any] | None:
        """Every value the operand can take, when they are few (``null`` included if it can be null)."""
        name: str
        if type(operand) is n.Call and operand.name in _DOMAINS:
            name = operand.name
        elif type(operand) is n.FieldRef and operand.scope == "event":  # perhaps not in the tree (a window)
            return None
        else:
            name = self.kind(operand).base
            if name != "bool" and name != "channel":
                return None
        return _NULLABLE_DOMAINS[name] if self.kind(operand).nullable else _DOMAINS[name]


def _merge(reader: _Reader, operand: Node, atoms: list[Atom]) -> tuple[list[Atom], bool]:
    """The atoms of one operand merged: one set, or a range and a not-set; and whether they can hold at all."""
    first = atoms[0]
    if len(atoms) == 1:
        if first.kind == "set":
            first.share = min(1.0, len(first.keys) / reader.spread(operand, reader.domain(operand)))
            return [first], bool(first.keys)
        domain = reader.domain(operand)
        if (first.low is None or first.high is None) and domain is None:
            return _alone(reader, operand, first, domain)
    else:
        domain = reader.domain(operand)
    # one pass over the atoms: their clauses in order, the keys of their sets and not-sets, the tightest bounds
    found: list[Node] = []
    sets: list[frozenset[Any]] = []
    others: list[frozenset[Any]] = []
    low = high = None
    for atom in atoms:
        found += atom.clauses
        if atom.kind == "set":
            sets.append(atom.keys)
        elif atom.kind == "not_set":
            others.append(atom.keys)
        if atom.low is not None and (low is None or _tighter_low(atom.low, low)):
            low = atom.low
        if atom.high is not None and (high is None or _tighter_high(atom.high, high)):
            high = atom.high
    clauses = tuple(found)
    excluded = frozenset().union(*others)
    ranged = low is not None or high is not None
    if low is not None and high is not None and (low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))):
        return [], False
    if not sets and domain is not None and (ranged or excluded):
        sets = [domain]
    if sets:
        keys = frozenset.intersection(*sets) - excluded
        if ranged:
            keys = frozenset(key for key in keys if key is not None and within(key, low, high))
        if domain is not None:  # few values (hours, weekdays): many campaigns share one set
            keys = shared_keys(keys)
        share = min(1.0, len(keys) / reader.spread(operand, domain))
        return [Atom(operand, "set", keys=keys, clauses=clauses, share=share)], bool(keys)
    out = []
    if ranged:
        share = 0.3 if low is not None and high is not None else 0.5
        if operand == TIMESTAMP:  # active windows and date ranges: events mostly fall inside
            share = 0.9
        out.append(Atom(operand, "range", low=low, high=high, clauses=clauses, share=share))
    if excluded:
        share = max(0.0, 1.0 - len(excluded) / reader.spread(operand, domain))
        out.append(Atom(operand, "not_set", keys=excluded, clauses=clauses, share=share))
    return out, True


def _alone(reader: _Reader, operand: Node, atom: Atom, domain: frozenset[Any] | None) -> tuple[list[Atom], bool]:
    """``_merge`` of one atom that stays as it is (an operand of many values: no ``domain``): its share set."""
    if atom.kind == "not_set":
        atom.share = max(0.0, 1.0 - len(atom.keys) / reader.spread(operand, domain))
    else:  # one bound; active windows and date ranges on the timestamp: events mostly fall inside
        atom.share = 0.9 if operand == TIMESTAMP else 0.5
    return [atom], True


def _tighter_low(a: Bound, b: Bound) -> bool:
    return bool(a[0] > b[0] or (a[0] == b[0] and not a[1] and b[1]))


def _tighter_high(a: Bound, b: Bound) -> bool:
    return bool(a[0] < b[0] or (a[0] == b[0] and not a[1] and b[1]))


def _branch(reader: _Reader, clauses: Iterable[Node], window: Atom | None, extra: tuple[Atom, ...] = ()) -> Branch:
    by_operand: dict[Node, list[Atom]] = {} if window is None else {TIMESTAMP: [window]}
    for made in extra:
        by_operand.setdefault(made.operand, []).append(made)
    residual: list[Node] = []
    possible = True
    for clause in clauses:
        if isinstance(clause, n.Boolean):  # false (true was dropped)
            possible = False
            continue
        atom = reader.atom(clause)
        if atom is None:
            residual.append(clause)
        elif (same := by_operand.get(atom.operand)) is None:  # not setdefault: no list made in vain
            by_operand[atom.operand] = [atom]
        else:
            same.append(atom)
    atoms: list[Atom] = []
    for operand, found in by_operand.items():
        merged, holds = _merge(reader, operand, found)
        atoms.extend(merged)
        possible = possible and holds
    return Branch(tuple(atoms), tuple(residual), possible)


def branches_of(checked: CheckedCondition, window: tuple[int | None, int | None] = (None, None)
                ) -> tuple[Branch, ...]:
    """The branches of a checked condition, each the ``and`` of its atoms and residual clauses.

    ``window`` is a campaign's active window, ``(active_from, active_until)`` in Unix seconds (either
    may be ``None``): a range atom on ``event.timestamp`` added to every branch, from inclusive, until
    exclusive.
    """
    reader = _Reader(checked)
    start, end = window
    bounds = Atom(TIMESTAMP, "range", low=None if start is None else (start, True),
                  high=None if end is None else (end, False)) if window != (None, None) else None
    parts = chained(checked.node, n.Or)
    if len(parts) > MAX_BRANCHES or reader.guarded(parts):
        parts = [checked.node]
    room = MAX_BRANCHES - len(parts)  # each or spread and each factor split on adds branches
    out: list[Branch] = []
    for part in parts:
        conjunctions, room = spread(reader.atom, reader.options, conjuncts(part), room)
        for clauses in conjunctions:
            extra, room = signs(reader, clauses, room)
            for atoms in extra:
                out.append(_branch(reader, clauses, bounds, atoms))
    return tuple(out)
