"""The index behind :class:`~thrilldrops_events.CampaignSet`: views, look-up tables and threshold families.

For each event type, campaigns are filed in *views*: immutable :class:`Bucket` objects that hold
every campaign in scope for a kind of event. A campaign of operator ``o`` and brand ``b`` is in
scope of the view ``(o, b)``, which also holds the operator's, the brand's and the global
campaigns; an event then looks at one view (or two: its operator's and its brand's, when its
operator-and-brand pair has no campaigns of its own), so identical clauses of campaigns of
different scopes are looked at once, not once per scope.

In a view, every campaign that has a discriminating clause (see
:func:`~thrilldrops_events.campaigns._clauses.discriminators`) is filed under the literal values of
its most selective one: one dictionary look-up per indexed field finds the only campaigns whose
discriminator holds (a :data:`Posting`). Campaigns without one are in the view's residual posting,
looked at for every event. In a posting, campaigns are grouped by their remaining clauses; those
with a range clause sit in *families* sorted by threshold, so a bisection on the event's value
skips every campaign whose range clause is false. Only the remaining clauses of the campaigns left
are evaluated, each distinct clause at most once per event (a per-match memo).

Views are built by a writer (:class:`TypeIndex`, one per event type) and published whole: a match
reads the mapping of views once and never sees one being changed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from thrilldrops_events.campaigns._clauses import Clause, Discriminator
from thrilldrops_events.conditions.closures import reader
from thrilldrops_events.conditions.valuetypes import ValueType

__all__ = ["Bucket", "BucketBuilder", "Entry", "Posting", "Scope", "TypeIndex"]

#: A campaign's scope, or a view's key: ``(operator_id, brand_id)``, ``None`` meaning any.
Scope = tuple["str | None", "str | None"]


class Entry:
    """One campaign as the index holds it.

    Attributes:
        seq: Its place in the set's order (insertion order; a replaced campaign keeps its place).
        campaign_id: Its id.
        clauses: Its top-level conjuncts, in the condition's order.
        context: The context values it reads, with their declared types.
        discriminators: Its clauses that a look-up can decide, by position.
        reorder: Whether its clauses may be evaluated cheapest first: true when none can raise
            (it calls only built-in functions, which never do; context values are checked up front).
        key: ``(seq, campaign_id)``, what a match collects and sorts.
    """

    __slots__ = ("campaign_id", "clauses", "context", "discriminators", "key", "reorder", "seq")

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
        self.key = (seq, campaign_id)


#: Campaigns filed together that share the same remaining clauses: ``(clauses, (seq, campaign id) pairs)``.
Group = tuple[tuple[Clause, ...], tuple[tuple[int, str], ...]]
#: Groups whose clauses an index decides on one operand: ``(read, cut, prefix, thresholds, groups)``.
#: For range clauses, groups sorted by threshold: the clause holds for ``groups[:cut(thresholds, value)]``
#: when ``prefix`` (``>=``, ``>``), else for ``groups[cut(thresholds, value):]`` (``<=``, ``<``).
#: For equality clauses, ``cut`` is ``None`` and ``groups`` maps each key to its groups.
Family = tuple[
    Callable[[Any], Any], "Callable[[Sequence[Any], Any], int] | None", bool, list[Any], Any
]
#: What a look-up finds: the groups to evaluate, and the families to cut by the event's values.
Posting = tuple[tuple[Group, ...], tuple[Family, ...]]

_CUTS: dict[str, tuple[Callable[[Sequence[Any], Any], int], bool]] = {
    ">=": (bisect_right, True),  # threshold <= value
    ">": (bisect_left, True),  # threshold < value
    "<=": (bisect_left, False),  # threshold >= value
    "<": (bisect_right, False),  # threshold > value
}


class Bucket:
    """One immutable view: the campaigns in scope for events of one type and operator-and-brand kind.

    Attributes:
        probes: ``(read, table)`` per indexed field: ``read(envelope)`` gives the field's value and
            ``table`` maps each value to the campaigns filed under it (a :data:`Posting`).
        residual: The campaigns without a discriminator, looked at for every event (or ``None``).
        context_names: The context values read by any campaign of the view (checked per match).
        context_types: Their declared types.
    """

    __slots__ = ("context_names", "context_types", "probes", "residual")

    def __init__(
        self,
        probes: tuple[tuple[Callable[[Any], Any], dict[Any, Posting]], ...],
        residual: Posting | None,
        context_types: dict[str, ValueType],
    ) -> None:
        self.probes = probes
        self.residual = residual
        self.context_types = context_types
        self.context_names = tuple(context_types)

    def collect(self, envelope: Any, ctx: Any, memo: dict[Clause, bool], found: list[tuple[int, str]]) -> None:
        """Append ``(seq, campaign_id)`` of the campaigns whose conditions hold for ``envelope`` to ``found``.

        One function with its loops inline: this is the hot path of every match.
        """
        get = memo.get
        for read, table in self.probes:
            posting = table.get(read(envelope))
            if posting is not None:
                _run(posting, envelope, ctx, memo, get, found)
        if self.residual is not None:
            _run(self.residual, envelope, ctx, memo, get, found)


def _run(posting: Posting, envelope: Any, ctx: Any, memo: dict[Clause, bool],
         get: Callable[[Clause], bool | None], found: list[tuple[int, str]]) -> None:
    groups, families = posting
    if families:
        chosen = [*groups]
        for read, cut, prefix, thresholds, members in families:
            value = read(envelope)
            if value is None:  # null is no key, and an ordering comparison with null is false
                continue
            if cut is None:
                held = members.get(value)
                if held is not None:
                    chosen += held
            elif prefix:
                chosen += members[: cut(thresholds, value)]
            else:
                chosen += members[cut(thresholds, value) :]
        groups = chosen  # type: ignore[assignment]
    for clauses, entries in groups:
        for clause in clauses:
            held = get(clause)
            if held is None:
                held = memo[clause] = clause.test(envelope, ctx)
            if not held:
                break
        else:
            found.extend(entries)


def _grouped(rows: Iterable[tuple[tuple[Clause, ...], Entry]]) -> tuple[Group, ...]:
    groups: dict[tuple[Clause, ...], list[tuple[int, str]]] = {}
    for rest, entry in rows:
        groups.setdefault(rest, []).append(entry.key)
    return tuple((rest, tuple(members)) for rest, members in groups.items())


def _posting(rows: Iterable[tuple[tuple[Clause, ...], Entry]]) -> Posting:
    """Group campaigns by their remaining clauses, sorting those with a clause an index can decide into families.

    The first such clause of each campaign (an equality before a range: it usually splits finer)
    makes the family: campaigns whose ``operand == literal`` or ``operand in [...]`` clause holds
    are found with one look-up on the operand's value, and those whose range clause holds with one
    bisection in sorted thresholds. That clause is then known to hold and is not evaluated.
    """
    plain: list[tuple[tuple[Clause, ...], Entry]] = []
    families: dict[tuple[str, Any], dict[Any, dict[tuple[Clause, ...], list[tuple[int, str]]]]] = {}
    reads: dict[tuple[str, Any], Callable[[Any], Any]] = {}
    for rest, entry in rows:
        lookups = [(index, clause.lookup) for index, clause in enumerate(rest) if clause.lookup is not None]
        if not lookups:
            plain.append((rest, entry))
            continue
        position, lookup = min(lookups, key=lambda item: (item[1][0] != "==", item[0]))
        op, operand, value, read = lookup
        others = rest[:position] + rest[position + 1 :]
        family = families.setdefault((op, operand), {})
        reads[(op, operand)] = read
        for key in value if op == "==" else (value,):
            family.setdefault(key, {}).setdefault(others, []).append(entry.key)
    built: list[Family] = []
    for (op, _), members in families.items():
        read = reads[(op, _)]
        if op == "==":
            table = {
                key: tuple((rest, tuple(keys)) for rest, keys in groups.items()) for key, groups in members.items()
            }
            built.append((read, None, False, [], table))
            continue
        ordered = sorted(members.items(), key=lambda item: item[0])
        cut, prefix = _CUTS[op]
        thresholds = [threshold for threshold, groups in ordered for _ in groups]
        flat = tuple((rest, tuple(keys)) for _, groups in ordered for rest, keys in groups.items())
        built.append((read, cut, prefix, thresholds, flat))
    return _grouped(plain), tuple(built)


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
    """The writer's side of one view: mutable, never seen by a match; publishes immutable buckets.

    Adding or removing a campaign touches only the posting lists of its own keys, so it costs in
    proportion to those lists, not to the view. Each campaign is filed under its most selective
    discriminator: the one with the fewest keys relative to how many distinct keys that field has
    across the view (``game_id in [3 games]`` beats ``currency == "EUR"`` when the view names
    100 games and 10 currencies). That spread changes as campaigns come and go, so every campaign is
    filed again whenever the view has doubled or halved since it was last filed as a whole, or has
    seen as many changes as it holds campaigns (a set that changes over time keeps its best filing).
    """

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self._placed: dict[int, Placement] = {}
        self._rows: dict[FieldKey, dict[Any, dict[int, tuple[tuple[Clause, ...], Entry]]]] = {}
        self._tables: dict[FieldKey, dict[Any, Posting]] = {}
        self._residual_rows: dict[int, tuple[tuple[Clause, ...], Entry]] = {}
        self._residual: Posting | None = None
        self._spread: dict[FieldKey, dict[Any, int]] = {}
        self._dirty: dict[FieldKey | None, set[Any]] = {}
        self._filed_at = 0
        self._changes = 0
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
        self._changes = 0

    def publish(self) -> Bucket | None:
        """The bucket as it now stands (``None`` when empty); tables already published are never changed."""
        if not self.entries:
            return None
        size = len(self.entries)
        self._changes += 1
        if size >= 2 * self._filed_at + 8 or 2 * size + 8 <= self._filed_at or self._changes > max(size, 64):
            self._refile()
        for field, keys in self._dirty.items():
            if field is None:
                self._residual = _posting(self._residual_rows.values()) if self._residual_rows else None
                continue
            rows = self._rows[field]
            table = dict(self._tables.get(field, {}))
            for key in keys:
                posting = rows.get(key)
                if posting:
                    table[key] = _posting(posting.values())
                else:
                    table.pop(key, None)
                    rows.pop(key, None)
            if table:
                self._tables[field] = table
            else:
                self._tables.pop(field, None)
        self._dirty = {}
        context = {name: kind for name, (kind, _) in self._context.items()}
        probes = tuple((reader(scope, name), table) for (scope, name), table in self._tables.items())
        return Bucket(probes, self._residual, context)


def _members(view: Scope) -> tuple[Scope, ...]:
    """The campaign scopes a view holds.

    An operator-and-brand view also holds its operator's, its brand's and the global campaigns; an
    operator's view also the global ones; a brand's view only its own.
    """
    operator_id, brand_id = view
    if operator_id is not None and brand_id is not None:
        return (view, (operator_id, None), (None, brand_id), (None, None))
    if operator_id is not None:
        return (view, (None, None))
    return (view,)


class TypeIndex:
    """The writer's side of one event type: its campaigns by scope, and a builder per view.

    A view exists while campaigns of its own scope do. Adding or removing a campaign touches the
    views that hold its scope; :meth:`publish` then gives their new buckets.
    """

    def __init__(self) -> None:
        self.scopes: dict[Scope, dict[int, Entry]] = {}
        self.builders: dict[Scope, BucketBuilder] = {}

    def _holders(self, scope: Scope) -> list[Scope]:
        return [view for view in self.builders if scope in _members(view)]

    def add(self, scope: Scope, entry: Entry) -> list[Scope]:
        """File a campaign of ``scope``; returns the views touched."""
        self.scopes.setdefault(scope, {})[entry.seq] = entry
        if scope not in self.builders:
            builder = self.builders[scope] = BucketBuilder()
            for member in _members(scope):
                for held in self.scopes.get(member, {}).values():
                    builder.add(held)
            touched = [view for view in self._holders(scope) if view != scope]
            for view in touched:
                self.builders[view].add(entry)
            return [scope, *touched]
        touched = self._holders(scope)
        for view in touched:
            self.builders[view].add(entry)
        return touched

    def remove(self, scope: Scope, entry: Entry) -> list[Scope]:
        """Take a campaign of ``scope`` out; returns the views touched (its own view goes with its last campaign)."""
        entries = self.scopes[scope]
        del entries[entry.seq]
        touched = self._holders(scope)
        for view in touched:
            self.builders[view].remove(entry)
        if not entries:
            del self.scopes[scope]
            del self.builders[scope]
        return touched

    def publish(self, views: Iterable[Scope]) -> dict[Scope, Bucket | None]:
        """The new bucket of each view (``None`` for a view that is gone)."""
        out: dict[Scope, Bucket | None] = {}
        for view in views:
            builder = self.builders.get(view)
            out[view] = builder.publish() if builder is not None else None
        return out
