"""A campaign's condition as the index sees it: branches of atoms about operands, and what is left.

A condition whose top level is an ``or`` is split into its *branches* (up to ``MAX_BRANCHES``;
the campaign matches when one of them holds); any other condition is one branch. A branch is the
``and`` of its clauses. Each clause about a *pure operand* (an expression that reads only the event:
a field, a built-in call such as ``hour(event.timestamp, "Europe/Malta")``, arithmetic) and literals
becomes an ``Atom``, and the atoms of one operand are merged into one:

* ``set``: the operand's value is one of ``keys`` (``==``, ``in``, ``is null``, a boolean operand,
  and an interval on an operand of few values, such as an hour or a weekday);
* ``not_set``: its value is none of ``keys`` (``!=``, ``not in``, ``is not null``);
* ``range``: its value lies between ``low`` and ``high`` (``< <= > >=``, tiers with both bounds).

A money field times a number compared with a number (``amount * 100 >= 2500``) is an atom on the
field itself when the quotient is exact (``amount >= 25``), and an ordering of two money fields an
atom on their difference (``game_win > game_bet`` is ``game_win - game_bet > 0``). A *scaled
comparison*, ``x >= y * k`` (any ordering; ``x`` a pure operand, ``y`` a money field, ``k`` a number,
one per campaign), is residual, but the index bounds it too: where ``y > 0`` it holds only if the
ratio ``x / y`` (one operand, computed once per event) is at least ``k`` (at most, for ``<=`` and
``<``), so the branch is split in two by the sign of ``y`` (once per field ``y``, within
``MAX_BRANCHES``): ``y > 0`` with a range atom on ``x / y``, and ``y <= 0``; both keep the comparison
to check exactly. These rules rest on ``y * k`` and ``x - y`` being exact: a money value has at most
38 digits, ``k`` at most ``SCALE_DIGITS``, and the language computes with 100. The ratio is rounded
to the nearest 100-digit number, so it cannot pass a ``k`` that is itself one: the range rules out
only branches that fail, and those at the boundary are settled by the check.

Everything else (context values, registered functions, comparisons of two expressions, nested
``or``) is *residual*: evaluated by closure once the atoms hold.

Why an atom equals its clause: the operand's value and the literal (coerced exactly as the
evaluators coerce it) compare with Python's operators in both, values that compare equal hash
equal (``Decimal("20") == Decimal("20.00") == 20``), and ``null`` follows the language: it equals
only ``null``, is in no list, and fails every ordering. Pure operands never raise, so atoms may be
decided in any order, before the residual clauses.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact
from typing import Any

from thrilldrops_events._fields import payload_fields
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.closures import is_pure
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import coerce_literal
from thrilldrops_events.conditions.valuetypes import ValueType
from thrilldrops_events.enums import ChannelType, EventType

__all__ = ["MAX_BRANCHES", "SCALE_DIGITS", "TIMESTAMP", "Atom", "Bound", "Branch", "branches_of", "conjuncts"]

#: The most branches a top-level ``or`` is split into; a wider one is one residual clause. A
#: campaign's branches split by the sign of a scaled comparison's factor stay within it too.
MAX_BRANCHES = 16
#: The most significant digits of a number ``k`` in ``y * k`` that the index reads through (see above).
SCALE_DIGITS = 60
#: The field kinds ``y`` may have in ``y * k`` (at most 38 significant digits).
_MONEY = frozenset({"money", "signed_money"})
_ZERO = Decimal(0)
#: Divides exactly or raises ``Inexact`` (``y * c op v`` becomes ``y op v / c``).
_EXACT = Context(prec=100, traps=[Inexact])
_ZERO_NODE = n.Number(_ZERO)
#: The type of an operand the index makes (``x / y``, ``x - y``): a number, or null.
_MADE = ValueType("number", nullable=True)

#: One end of a range: ``(value, inclusive)``.
Bound = tuple[Any, bool]

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATED = {"==": "!=", "!=": "=="}
_ORDERINGS = frozenset({"<", "<=", ">", ">="})
_SCALARS = (n.Number, n.String, n.Boolean, n.Null)
_VALUE = operator.attrgetter("value")
_LITERALS = (*_SCALARS, n.ListLiteral)
#: The event's timestamp, which an active window bounds.
TIMESTAMP = n.FieldRef("event", "timestamp")

#: The values some operands can take, all of them (intervals on these become sets).
_HOURS = frozenset(range(24))
_WEEKDAYS = frozenset(range(1, 8))
_CHANNELS = frozenset(ChannelType)
_BOOLS = frozenset({True, False})
_DOMAINS = {"hour": _HOURS, "weekday": _WEEKDAYS, "bool": _BOOLS, "channel": _CHANNELS}
#: A rough number of distinct values per kind of operand, to guess how often an atom holds.
_SPREAD = {"identifier": 500, "currency": 20, "country": 40, "string": 100, "number": 1000, "timestamp": 100_000,
           "date": 365, "channel": 4, "bool": 2}


@dataclass(eq=False, repr=False, slots=True)
class Atom:
    """What one branch requires of one operand (a record strips the atoms it keeps of their clauses).

    Attributes:
        operand: The pure expression (a node of the condition).
        kind: ``"set"``, ``"not_set"`` or ``"range"``.
        keys: The values of a set or not-set atom (``None`` stands for ``null``).
        low: The lower bound of a range, or ``None``.
        high: The upper bound of a range, or ``None``.
        clauses: The clauses it was made from, in the condition's order (for a scaled comparison,
            what its atoms test: ``y > 0``, ``x / y >= k``).
        share: A rough guess of how often it holds (0 to 1), to order the index's choices.
    """

    operand: Node
    kind: str
    keys: frozenset[Any] = frozenset()
    low: Bound | None = None
    high: Bound | None = None
    clauses: tuple[Node, ...] = ()
    share: float = 0.5

    def holds(self, value: Any) -> bool:
        """Whether the operand's value satisfies the atom."""
        if self.kind == "set":
            return value in self.keys
        if self.kind == "not_set":
            return value not in self.keys
        return value is not None and _within(value, self.low, self.high)

    def __repr__(self) -> str:
        what = f"{sorted(map(repr, self.keys))}" if self.kind != "range" else f"{self.low}..{self.high}"
        return f"<Atom {self.operand.text[:60]} {self.kind} {what[:80]}>"


@dataclass(eq=False, slots=True)
class Branch:
    """One branch: its atoms (at most a set, or a range and a not-set, per operand) and its residual clauses.

    ``possible`` is false when its atoms contradict each other (``amount > 5 and amount < 2``).
    """

    atoms: tuple[Atom, ...]
    residual: tuple[Node, ...]
    possible: bool = True


def _within(value: Any, low: Bound | None, high: Bound | None) -> bool:
    if low is not None and not (value >= low[0] if low[1] else value > low[0]):
        return False
    return high is None or (value <= high[0] if high[1] else value < high[0])


def conjuncts(node: Node) -> list[Node]:
    """The clauses of an ``and`` (nested ones flattened, ``true`` dropped), in order; else the node itself."""
    return [clause for clause in _chained(node, n.And) if not (isinstance(clause, n.Boolean) and clause.value)]


def _chained(node: Node, chain: type[n.And | n.Or]) -> list[Node]:
    """The operands of a chain of ``chain`` nodes (nested ones flattened), in order; else the node itself."""
    if not isinstance(node, chain):
        return [node]
    out: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, chain):
            stack.extend(reversed(item.operands))
        else:
            out.append(item)
    return out


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

    def kind(self, node: Node) -> ValueType:
        """The type of a node of the condition (``type_of``, its common case first), or of an operand it made."""
        found = self.types.get(id(node))
        if found is not None:
            return found
        if type(node) is n.Arithmetic and node in self.made:
            return _MADE
        return self.type_of(node)

    def operand(self, node: Node) -> bool:
        """Whether ``node`` can be an atom's operand: a pure expression that is not a literal."""
        if type(node) is n.FieldRef:  # the common case: a field (never a list) is pure unless a context value
            return node.scope != "ctx"
        if isinstance(node, _LITERALS):
            return False
        return self.type_of(node).base != "list" and is_pure(self.checked, node)

    def atom(self, clause: Node) -> Atom | None:
        """The atom a clause is, or ``None`` when it is residual."""
        if type(clause) is n.Compare:  # the most common clause, read first
            return self.comparison(clause.op, clause.left, clause.right, clause)
        negated = False
        while isinstance(clause, n.Not) and isinstance(clause.operand, n.Not):  # not not x: x, as a condition
            clause = clause.operand.operand
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
            case n.Compare(op, left, right):
                return self.comparison(_NEGATED.get(op, "") if negated else op, left, right, clause)
            case n.Or() if not negated:
                return self.union(clause)
            case _ if self.operand(clause) and self.type_of(clause).base == "bool":
                # a boolean operand (a field, starts_with(...)): true, or false and null under not
                keys = frozenset({False, None}) if negated else frozenset({True})
                return self.make(clause, "set", keys, clause)
        return None

    def comparison(self, op: str, left: Node, right: Node, clause: Node) -> Atom | None:
        if not op:  # not (a < b) is true for null too: no range says so
            return None
        if isinstance(left, _SCALARS) and not isinstance(right, _SCALARS):
            op, left, right = _FLIPPED[op], right, left
        if not isinstance(right, _SCALARS):
            return self.difference(op, left, right, clause)
        if not self.operand(left):
            return None
        value = None if isinstance(right, n.Null) else coerce_literal(right.value, self.kind(left))
        if value is not None and type(left) is n.Arithmetic:
            return self.unscaled(op, left, value, clause)
        return _compared(op, left, value, clause)

    def unscaled(self, op: str, product: Node, value: Any, clause: Node) -> Atom | None:
        """``y * c op value`` as ``y op value / c`` for a money field ``y``, when ``value / c`` is exact.

        ``y * c`` is exact (see the module's docstring), so the two agree; the atom is then on ``y``
        itself, the facet its other atoms use.
        """
        found = self.money_product(product)
        if found is not None:
            factor, c = found
            try:
                bound = _EXACT.divide(value, c)
            except Inexact:
                pass
            else:
                return _compared(op if c > 0 else _FLIPPED[op], factor, bound, clause)
        return _compared(op, product, value, clause)

    def scaled(self, clause: Node) -> tuple[Node, Atom] | None:
        """For a scaled comparison ``x op y * k`` (see the module's docstring): ``y``, and the range on ``x / y``."""
        if type(clause) is not n.Compare or clause.op not in _ORDERINGS:
            return None
        op, left, right = clause.op, clause.left, clause.right
        found = self.money_product(right)
        if found is None:
            op, left, right = _FLIPPED[op], right, left
            found = self.money_product(right)
        if found is None or not self.operand(left) or self.kind(left).base != "number":
            return None
        factor, k = found
        ratio = n.Arithmetic("/", left, factor)
        self.made.add(ratio)
        bound = (k, True)  # x > y * k too: the ratio may round to k (the check decides)
        if op == ">" or op == ">=":
            return factor, Atom(ratio, "range", low=bound, clauses=(n.Compare(">=", ratio, n.Number(k)),))
        return factor, Atom(ratio, "range", high=bound, clauses=(n.Compare("<=", ratio, n.Number(k)),))

    def difference(self, op: str, left: Node, right: Node, clause: Node) -> Atom | None:
        """``x op y`` (an ordering of two money fields) as ``x - y op 0``: exact, and null fails both."""
        if op not in _ORDERINGS or not (self.money_field(left) and self.money_field(right)):
            return None
        gap = n.Arithmetic("-", left, right)
        self.made.add(gap)
        return _compared(op, gap, _ZERO, clause)

    def money_field(self, node: Node) -> bool:
        """Whether ``node`` is a payload field of money (at most 38 significant digits)."""
        return type(node) is n.FieldRef and node.scope == "payload" and self.kinds.get(node.name) in _MONEY

    def money_product(self, node: Node) -> tuple[Node, Decimal] | None:
        """``(y, k)`` if ``node`` is ``y * k`` or ``k * y`` (a money field; a number but 0, of few digits)."""
        if type(node) is not n.Arithmetic or node.op != "*":
            return None
        factor, scale = (node.left, node.right) if type(node.right) is n.Number else (node.right, node.left)
        if type(scale) is not n.Number or not self.money_field(factor):
            return None
        k = scale.value
        return (factor, k) if k and len(k.as_tuple().digits) <= SCALE_DIGITS else None

    def union(self, clause: Node) -> Atom | None:
        """``a == 1 or a in [2, 3]``: one set atom when every part is a set atom on the same operand."""
        parts = [self.atom(part) for part in _chained(clause, n.Or)]
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


def _compared(op: str, operand: Node, value: Any, clause: Node) -> Atom | None:
    """The atom of ``operand op value`` (the literal's value as compared), or ``None``."""
    if op == "==":
        return Atom(operand, "set", frozenset({value}), clauses=(clause,))
    if op == "!=":
        return Atom(operand, "not_set", frozenset({value}), clauses=(clause,))
    if value is None:  # pragma: no cover - the checker refuses orderings with null
        return None
    if op == ">=" or op == ">":
        return Atom(operand, "range", low=(value, op == ">="), clauses=(clause,))
    return Atom(operand, "range", high=(value, op == "<="), clauses=(clause,))


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
    clauses = tuple(clause for atom in atoms for clause in atom.clauses)
    sets = [atom.keys for atom in atoms if atom.kind == "set"]
    excluded = frozenset().union(*(atom.keys for atom in atoms if atom.kind == "not_set"))
    low = high = None
    for atom in atoms:
        if atom.low is not None and (low is None or _tighter_low(atom.low, low)):
            low = atom.low
        if atom.high is not None and (high is None or _tighter_high(atom.high, high)):
            high = atom.high
    ranged = low is not None or high is not None
    if low is not None and high is not None and (low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))):
        return [], False
    if not sets and domain is not None and (ranged or excluded):
        sets = [domain]
    if sets:
        keys = frozenset.intersection(*sets) - excluded
        if ranged:
            keys = frozenset(key for key in keys if key is not None and _within(key, low, high))
        if domain is not None:  # few values (hours, weekdays): many campaigns share one set
            keys = _shared(keys)
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


_SETS: dict[frozenset[Any], frozenset[Any]] = {}


def _shared(keys: frozenset[Any]) -> frozenset[Any]:
    """One frozenset per value (the sets of an operand of few values repeat across campaigns)."""
    found = _SETS.get(keys)
    if found is None:
        if len(_SETS) >= 4096:
            _SETS.clear()
        found = _SETS[keys] = keys
    return found


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
        else:
            by_operand.setdefault(atom.operand, []).append(atom)
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
    parts = _chained(checked.node, n.Or) if isinstance(checked.node, n.Or) else [checked.node]
    if len(parts) > MAX_BRANCHES:
        parts = [checked.node]
    split = [conjuncts(part) for part in parts]
    room = MAX_BRANCHES - len(parts)  # each factor split on doubles its branch's count
    out: list[Branch] = []
    for clauses in split:
        by_factor: dict[Node, list[Atom]] = {}
        for clause in clauses:
            found = reader.scaled(clause)
            if found is not None:
                by_factor.setdefault(found[0], []).append(found[1])
        signs: list[tuple[Atom, ...]] = [()]
        for factor, ratios in by_factor.items():
            if room < len(signs):
                break
            room -= len(signs)
            positive = Atom(factor, "range", low=(_ZERO, False), clauses=(n.Compare(">", factor, _ZERO_NODE),))
            other = Atom(factor, "range", high=(_ZERO, True), clauses=(n.Compare("<=", factor, _ZERO_NODE),))
            signs = [*((*atoms, positive, *ratios) for atoms in signs), *((*atoms, other) for atoms in signs)]
        out.extend(_branch(reader, clauses, bounds, atoms) for atoms in signs)
    return tuple(out)
