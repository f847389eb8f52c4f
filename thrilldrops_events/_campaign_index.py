"""The index behind :class:`~thrilldrops_events.CampaignSet`: buckets, look-up tables and shared clauses.

A campaign's condition is split into its top-level conjuncts (``a and b and c`` gives three
*clauses*; any other condition is one clause). Every distinct clause of an event type is interned
once, so the 500 campaigns that contain ``currency == "EUR"`` share one :class:`Clause`, and a match
evaluates it at most once per event (a per-call memo).

Campaigns are grouped into immutable :class:`Bucket` objects, one per (event type, operator, brand)
scope. In each bucket, every campaign that has a clause ``field == literal`` or ``field in [...]``
on a payload or envelope field is filed under the literal values of its most selective such clause
(its *discriminator*): at match time one dictionary look-up per indexed field finds the only
campaigns whose discriminator holds, and only their remaining clauses are evaluated. Campaigns
without such a clause are evaluated every time (the *residual* list).

Why a look-up equals evaluating the clause: the field's value at evaluation time (a ``Decimal``,
an ``int`` timestamp, a ``str``, a :class:`~thrilldrops_events.ChannelType`) and the literal, coerced
exactly as the evaluators coerce it, compare with Python's ``==`` in both, and values that compare
equal hash equal (``Decimal("20") == Decimal("20.00") == 20``). A null field is never a key, matching
the language: ``null == "EUR"`` and ``null in [...]`` are false. Boolean fields are not indexed.

A discriminator is moved ahead of the campaign's other clauses. That is safe because reading a
field and comparing it with literals is pure and never raises; the other clauses keep their order
and ``and`` short-circuits as in the condition itself.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from thrilldrops_events.conditions._walk import postorder
from thrilldrops_events.conditions.nodes import And, Boolean, Call, Compare, FieldRef, In, Node, Number, String
from thrilldrops_events.conditions.runtime import coerce_literal
from thrilldrops_events.conditions.valuetypes import ValueType

if TYPE_CHECKING:
    from thrilldrops_events.conditions import CheckedCondition

__all__ = ["Bucket", "BucketBuilder", "Clause", "Entry", "Test", "clauses_of", "discriminators", "type_of"]

#: A clause's evaluation: ``test(envelope, ctx) -> bool``.
Test = Callable[[Any, Any], bool]

#: Value types whose fields are indexed (booleans split campaigns in two at best: not worth a table).
_INDEXED_BASES = frozenset({"string", "number", "channel", "timestamp"})
_LITERALS = (Number, String, Boolean)
#: How much more a function call weighs than another node when ordering clauses (time zones are slow).
_CALL_COST = 10

#: A discriminator: (scope, field name, the keys under which the campaign is filed).
Discriminator = tuple[str, str, frozenset[Any]]


class Clause:
    """One distinct top-level conjunct of an event type, shared by every campaign containing it.

    Attributes:
        node: The clause's tree.
        test: Evaluates it on an envelope and a context: ``test(envelope, ctx) -> bool``. Given
            ``make`` instead, the test is made by ``make(node)`` when it is first needed (a clause
            used only as a discriminator never is); if two threads race there, both make an
            equal test and either is kept.
        users: How many campaigns hold it (the interning table drops it at zero).
        cost: A rough cost of evaluating it: its size, with function calls weighing more.
    """

    __slots__ = ("_make", "cost", "node", "test", "users")

    def __init__(self, node: Node, test: Test | None = None, *, make: Callable[[Node], Test] | None = None) -> None:
        self.node = node
        self.users = 0
        self.cost = node.size + sum(_CALL_COST for sub in postorder(node) if type(sub) is Call)
        self._make = make
        self.test: Test = test if test is not None else self._first

    def _first(self, envelope: Any, ctx: Any) -> bool:
        if self._make is None:  # pragma: no cover - a clause has a test or a way to make one
            raise TypeError("clause without a test")
        test = self.test = self._make(self.node)
        return test(envelope, ctx)

    def __repr__(self) -> str:
        return f"<Clause {self.node.text[:80]}>"


class Entry:
    """One campaign as a bucket holds it.

    Attributes:
        seq: Its place in the set's order (insertion order; a replaced campaign keeps its place).
        campaign_id: Its id.
        clauses: Its top-level conjuncts, in the condition's order.
        context: The context values it reads, with their declared types.
        discriminators: Its clauses that a look-up can decide (see :func:`discriminators`).
        reorder: Whether its clauses may be evaluated cheapest first: true when none can raise
            (it calls only built-in functions, which never do; context values are checked up front).
    """

    __slots__ = ("campaign_id", "clauses", "context", "discriminators", "reorder", "seq")

    def __init__(
        self,
        seq: int,
        campaign_id: str,
        clauses: tuple[Clause, ...],
        context: dict[str, ValueType],
        discriminators: dict[int, Discriminator],
        reorder: bool,
    ) -> None:
        self.seq = seq
        self.campaign_id = campaign_id
        self.clauses = clauses
        self.context = context
        self.discriminators = discriminators
        self.reorder = reorder


def clauses_of(node: Node) -> tuple[Node, ...]:
    """The top-level conjuncts of a condition (itself when it is not an ``and``)."""
    return node.operands if isinstance(node, And) else (node,)


def _field_and_literals(node: Node) -> tuple[FieldRef, tuple[Node, ...]] | None:
    kind = type(node)
    if kind is Compare and node.op == "==":  # type: ignore[attr-defined]
        left, right = node.left, node.right  # type: ignore[attr-defined]
        if type(left) is FieldRef and type(right) in _LITERALS:
            return left, (right,)
        if type(right) is FieldRef and type(left) in _LITERALS:
            return right, (left,)
    elif kind is In and not node.negated and type(node.operand) is FieldRef:  # type: ignore[attr-defined]
        return node.operand, node.items.items  # type: ignore[attr-defined]
    return None


def type_of(checked: CheckedCondition, node: Node) -> ValueType:
    """The checker's type of ``node``, a node of ``checked.node`` (types are kept by node identity)."""
    types: Mapping[Any, ValueType] = checked.types
    found = types.get(id(node))
    return found if found is not None else types[node]


def discriminators(checked: CheckedCondition) -> dict[int, Discriminator]:
    """The clauses of a checked condition that a dictionary look-up can decide, by clause position.

    Only payload and envelope fields qualify (a ``ctx.`` value is per call), and only of the
    string, number, channel and timestamp types.
    """
    found: dict[int, Discriminator] = {}
    for position, clause in enumerate(clauses_of(checked.node)):
        parts = _field_and_literals(clause)
        if parts is None:
            continue
        field, literals = parts
        if field.scope == "ctx":
            continue
        field_type = type_of(checked, field)
        if field_type.base not in _INDEXED_BASES:
            continue
        keys = set()
        for literal in literals:
            key = coerce_literal(literal.value, field_type)  # type: ignore[attr-defined]
            if key is None or isinstance(key, bool):
                break
            keys.add(key)
        else:
            found[position] = (field.scope, field.name, frozenset(keys))
    return found


class Bucket:
    """The immutable matching structure for one (event type, operator, brand) scope.

    Attributes:
        probes: ``(read, table)`` per indexed field: ``read(envelope)`` gives the field's value and
            ``table`` maps each value to the groups of campaigns filed under it.
        residual: The groups of campaigns without a discriminator, evaluated for every event.
        context_names: The context values read by any campaign of the bucket (checked per match).
        context_types: Their declared types.
    """

    __slots__ = ("context_names", "context_types", "probes", "residual")

    def __init__(
        self,
        probes: tuple[tuple[Callable[[Any], Any], dict[Any, tuple[Group, ...]]], ...],
        residual: tuple[Group, ...],
        context_types: dict[str, ValueType],
    ) -> None:
        self.probes = probes
        self.residual = residual
        self.context_types = context_types
        self.context_names = tuple(context_types)

    def collect(self, envelope: Any, ctx: Any, memo: dict[Clause, bool], found: list[Entry]) -> None:
        """Append the entries whose conditions hold for ``envelope`` to ``found`` (in no particular order)."""
        for read, table in self.probes:
            groups = table.get(read(envelope))
            if groups is not None:
                _run(groups, envelope, ctx, memo, found)
        if self.residual:
            _run(self.residual, envelope, ctx, memo, found)


#: Campaigns filed together that share the same remaining clauses: ``(clauses, entries)``.
Group = tuple[tuple[Clause, ...], tuple[Entry, ...]]


def _run(groups: Sequence[Group], envelope: Any, ctx: Any, memo: dict[Clause, bool], found: list[Entry]) -> None:
    get = memo.get
    for clauses, entries in groups:
        for clause in clauses:
            value = get(clause)
            if value is None:
                value = memo[clause] = clause.test(envelope, ctx)
            if not value:
                break
        else:
            found.extend(entries)


def _reader(scope: str, name: str) -> Callable[[Any], Any]:
    if scope == "event":
        return operator.attrgetter(name)
    return operator.attrgetter(f"payload.{name}")


def _grouped(rows: Iterable[tuple[tuple[Clause, ...], Entry]]) -> tuple[Group, ...]:
    groups: dict[tuple[Clause, ...], list[Entry]] = {}
    for rest, entry in rows:
        groups.setdefault(rest, []).append(entry)
    return tuple((rest, tuple(members)) for rest, members in groups.items())


def _ordered(entry: Entry, clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """The clauses in evaluation order: cheapest first when that cannot change the outcome."""
    if not entry.reorder or len(clauses) < 2:
        return clauses
    return tuple(sorted(clauses, key=_cost))


def _cost(clause: Clause) -> int:
    return clause.cost


#: An indexed field: (scope, name).
FieldKey = tuple[str, str]
#: Where an entry is filed: its field and keys (``None`` for the residual list) and its remaining clauses.
Placement = tuple["FieldKey | None", frozenset[Any], tuple[Clause, ...]]


class BucketBuilder:
    """The writer's side of one scope: mutable, never seen by a match; publishes immutable buckets.

    Adding or removing a campaign touches only the posting lists of its own keys, so it costs in
    proportion to those lists, not to the bucket. Each campaign is filed under its most selective
    discriminator: the one with the fewest keys relative to how many distinct keys that field has
    across the bucket (``game_id in [3 games]`` beats ``currency == "EUR"`` when the bucket names
    100 games and 10 currencies). That spread changes as campaigns come and go, so every campaign is
    filed again whenever the bucket has doubled or halved since it was last filed as a whole.
    """

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self._placed: dict[int, Placement] = {}
        self._rows: dict[FieldKey, dict[Any, dict[int, tuple[tuple[Clause, ...], Entry]]]] = {}
        self._tables: dict[FieldKey, dict[Any, tuple[Group, ...]]] = {}
        self._residual_rows: dict[int, tuple[tuple[Clause, ...], Entry]] = {}
        self._residual: tuple[Group, ...] = ()
        self._spread: dict[FieldKey, dict[Any, int]] = {}
        self._dirty: dict[FieldKey | None, set[Any]] = {}
        self._filed_at = 0
        self._context: dict[str, tuple[ValueType, int]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: Entry) -> None:
        """File a campaign (publish afterwards)."""
        self.entries[entry.seq] = entry
        for name, kind in entry.context.items():
            self._context[name] = (kind, self._context.get(name, (kind, 0))[1] + 1)
        for scope, name, keys in entry.discriminators.values():
            counts = self._spread.setdefault((scope, name), {})
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
        self._file(entry)

    def remove(self, entry: Entry) -> None:
        """Take a campaign out (publish afterwards)."""
        del self.entries[entry.seq]
        for name in entry.context:
            kind, users = self._context[name]
            if users == 1:
                del self._context[name]
            else:
                self._context[name] = (kind, users - 1)
        for scope, name, keys in entry.discriminators.values():
            counts = self._spread[(scope, name)]
            for key in keys:
                counts[key] -= 1
                if not counts[key]:
                    del counts[key]
        self._unfile(entry)

    def _file(self, entry: Entry) -> None:
        options = entry.discriminators
        if not options:
            rest = _ordered(entry, entry.clauses)
            self._placed[entry.seq] = (None, frozenset(), rest)
            self._residual_rows[entry.seq] = (rest, entry)
            self._dirty.setdefault(None, set())
            return
        spread = self._spread

        def selectivity(position: int) -> tuple[float, int]:
            scope, name, keys = options[position]
            return (len(keys) / max(len(spread[(scope, name)]), 2), position)

        position = min(options, key=selectivity)
        scope, name, keys = options[position]
        rest = _ordered(entry, entry.clauses[:position] + entry.clauses[position + 1 :])
        self._placed[entry.seq] = ((scope, name), keys, rest)
        rows = self._rows.setdefault((scope, name), {})
        for key in keys:
            rows.setdefault(key, {})[entry.seq] = (rest, entry)
        self._dirty.setdefault((scope, name), set()).update(keys)

    def _unfile(self, entry: Entry) -> None:
        field, keys, _ = self._placed.pop(entry.seq)
        if field is None:
            del self._residual_rows[entry.seq]
            self._dirty.setdefault(None, set())
            return
        rows = self._rows[field]
        for key in keys:
            del rows[key][entry.seq]
        self._dirty.setdefault(field, set()).update(keys)

    def _refile(self) -> None:
        for entry in self.entries.values():
            self._unfile(entry)
        for entry in self.entries.values():
            self._file(entry)
        self._filed_at = len(self.entries)

    def publish(self) -> Bucket | None:
        """The bucket as it now stands (``None`` when empty); tables already published are never changed."""
        if not self.entries:
            return None
        size = len(self.entries)
        if size >= 2 * self._filed_at + 8 or 2 * size + 8 <= self._filed_at:
            self._refile()
        for field, keys in self._dirty.items():
            if field is None:
                self._residual = _grouped(self._residual_rows.values())
                continue
            rows = self._rows[field]
            table = dict(self._tables.get(field, {}))
            for key in keys:
                posting = rows.get(key)
                if posting:
                    table[key] = _grouped(posting.values())
                else:
                    table.pop(key, None)
                    rows.pop(key, None)
            if table:
                self._tables[field] = table
            else:
                self._tables.pop(field, None)
        self._dirty = {}
        context = {name: kind for name, (kind, _) in self._context.items()}
        probes = tuple((_reader(scope, name), table) for (scope, name), table in self._tables.items())
        return Bucket(probes, self._residual, context)
