"""The writer's side of a campaign set: clause interning, filing, and publishing views.

A :class:`Store` turns compiled campaigns into index entries (interning their clauses, so equal
clauses of an event type are one object), files them in the views of their scope
(:class:`~thrilldrops_events.campaigns._index.TypeIndex`), and publishes the views as one new mapping,
swapped in with a single assignment. Only the campaign set's writer calls it, holding the set's lock;
a match only ever reads :attr:`Store.views`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from thrilldrops_events.campaigns._clauses import Clause, clauses_of, discriminators, lookup_of
from thrilldrops_events.campaigns._index import Bucket, Entry, Scope, TypeIndex
from thrilldrops_events.conditions import CompiledCondition, FunctionRegistry, Limits, compile_condition
from thrilldrops_events.conditions.closures import SharedValue, Test, simple_test
from thrilldrops_events.conditions.functions import BUILTINS
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.enums import EventType

if TYPE_CHECKING:
    from thrilldrops_events.campaigns.campaign_set import Campaign

__all__ = ["Store"]

#: Which views a change touched, per event type.
Touched = dict[EventType, list[Scope]]


class Store:
    """Index entries, clauses and views of one campaign set.

    Args:
        functions: The set's function registry, to compile clauses that need their own condition.
        context: The set's declared context values.
        limits: The set's condition limits.

    Attributes:
        views: The published views: ``{event type: {(operator_id, brand_id): Bucket}}``. Replaced
            whole by :meth:`publish`, never changed in place.
    """

    def __init__(
        self, functions: FunctionRegistry | None, context: Mapping[str, Any] | None, limits: Limits | None
    ) -> None:
        self._functions = functions
        self._context = context
        self._limits = limits
        self.views: dict[EventType, dict[Scope, Bucket]] = {}
        self.clauses: dict[tuple[EventType, Node], Clause] = {}
        self.indexes: dict[EventType, TypeIndex] = {}
        # built-in calls shared by clauses; an entry goes when the last clause using it does
        self._shared: weakref.WeakValueDictionary[tuple[EventType, Node], SharedValue] = weakref.WeakValueDictionary()

    def entry(self, campaign: Campaign, seq: int) -> Entry:
        """The index entry of a campaign, its clauses interned."""
        compiled = campaign.condition
        clauses = tuple(self._intern(campaign.event_type, node, compiled) for node in clauses_of(compiled.node))
        checked = compiled.checked
        reorder = all(BUILTINS.get(name) is spec for name, spec in checked.functions.items())
        return Entry(seq, campaign.id, clauses, dict(checked.context), discriminators(checked), reorder)

    def _intern(self, event_type: EventType, node: Node, whole: CompiledCondition) -> Clause:
        clause = self.clauses.get((event_type, node))
        if clause is None:
            shared = _Shared(self._shared, event_type)
            simple = simple_test(whole.checked, node, shared)
            if simple is not None:
                clause = Clause(node, simple, lookup=lookup_of(whole.checked, node, shared))
            elif node is whole.node:
                clause = Clause(node, whole)
            else:
                functions, context, limits = self._functions, self._context, self._limits

                def make(sub: Node, event_type: EventType = event_type) -> Test:
                    return compile_condition(sub, event_type, functions=functions, context=context, limits=limits)

                clause = Clause(node, make=make)
            self.clauses[(event_type, node)] = clause
        clause.users += 1
        return clause

    def file(self, campaign: Campaign, entry: Entry, touched: Touched) -> None:
        """File an entry in the views of its campaign's scope (publish afterwards)."""
        index = self.indexes.get(campaign.event_type)
        if index is None:
            index = self.indexes[campaign.event_type] = TypeIndex()
        scope = (campaign.operator_id, campaign.brand_id)
        touched.setdefault(campaign.event_type, []).extend(index.add(scope, entry))

    def unfile(self, campaign: Campaign, entry: Entry, touched: Touched) -> None:
        """Take an entry out of its views and release its clauses (publish afterwards)."""
        for clause in entry.clauses:
            clause.users -= 1
            if clause.users == 0:
                del self.clauses[(campaign.event_type, clause.node)]
        scope = (campaign.operator_id, campaign.brand_id)
        touched.setdefault(campaign.event_type, []).extend(self.indexes[campaign.event_type].remove(scope, entry))

    def publish(self, touched: Touched) -> None:
        """Publish the new views touched, with one reference swap."""
        views = dict(self.views)
        for event_type, scopes in touched.items():
            index = self.indexes[event_type]
            current = dict(views.get(event_type, {}))
            for view, bucket in index.publish(dict.fromkeys(scopes)).items():
                if bucket is None:
                    current.pop(view, None)
                else:
                    current[view] = bucket
            if current:
                views[event_type] = current
            else:
                views.pop(event_type, None)
                del self.indexes[event_type]
        self.views = views


class _Shared(MutableMapping[Node, SharedValue]):
    """The shared calls of one event type: a view of the store's table keyed by node alone."""

    def __init__(self, table: MutableMapping[tuple[EventType, Node], SharedValue], event_type: EventType) -> None:
        self._table = table
        self._event_type = event_type

    def __getitem__(self, node: Node) -> SharedValue:
        return self._table[(self._event_type, node)]

    def __setitem__(self, node: Node, value: SharedValue) -> None:
        self._table[(self._event_type, node)] = value

    def __delitem__(self, node: Node) -> None:  # pragma: no cover - entries go by themselves
        del self._table[(self._event_type, node)]

    def __iter__(self) -> Iterator[Node]:  # pragma: no cover - not needed by the index
        return (node for kind, node in list(self._table) if kind is self._event_type)

    def __len__(self) -> int:  # pragma: no cover - not needed by the index
        return sum(1 for _ in self)
