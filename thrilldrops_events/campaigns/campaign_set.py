"""Campaign sets: match one event against thousands of campaign conditions, fast.

A campaign is an id, an event type, a condition of the campaign-condition language, and an
optional scope (an operator, a brand, or both, as named in the event's envelope). A
:class:`CampaignSet` holds many and answers, for each incoming event, which campaigns it triggers::

    campaigns = CampaignSet()
    campaigns.add("welcome-drop", EventType.DEPOSIT, 'amount >= 20 and currency == "EUR"', brand_id="b-7")
    campaigns.match(envelope)  # ["welcome-drop"] or []

``match`` gives exactly the answer of evaluating every campaign's compiled condition in turn
(:meth:`CampaignSet.match_naive`), without doing that. The machinery is private: clauses
(``_clauses``, ``conditions.closures``), the index (``_index``), the writer's side
(``_store``), explanations (``_explain``) and the JSON form (``_json``);
the architecture page of the docs describes the design.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from thrilldrops_events.campaigns._clauses import Clause
from thrilldrops_events.campaigns._explain import Explanation, explain_campaign
from thrilldrops_events.campaigns._index import Entry
from thrilldrops_events.campaigns._json import id_problem, read_campaigns, scope_problem
from thrilldrops_events.campaigns._store import Store, Touched
from thrilldrops_events.conditions.condition import CompiledCondition, compile_condition
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.conditions.nodes import Node
from thrilldrops_events.conditions.runtime import read_context
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import CampaignError, ConditionEvaluationError

__all__ = ["Campaign", "CampaignSet", "Explanation"]


@dataclass(frozen=True, eq=False)
class Campaign:
    """One campaign: an id, the event type and condition that trigger it, and its scope.

    Campaigns compare equal when their id, event type, condition tree and scope are equal.

    Attributes:
        id: The campaign's id, unique in its set.
        event_type: The event type that can trigger it.
        condition: The compiled condition (call it on an event; ``.text`` is its canonical text).
        operator_id: Only events of this operator trigger it (``None``: any operator).
        brand_id: Only events of this brand trigger it (``None``: any brand).
    """

    id: str
    event_type: EventType
    condition: CompiledCondition = field(repr=False)
    operator_id: str | None = None
    brand_id: str | None = None

    @property
    def text(self) -> str:
        """The canonical text of the condition."""
        return self.condition.text

    def in_scope(self, envelope: Envelope) -> bool:
        """Whether ``envelope`` is of this campaign's event type, operator and brand (its condition aside)."""
        return (
            envelope.payload.event_type is self.event_type
            and (self.operator_id is None or self.operator_id == envelope.operator_id)
            and (self.brand_id is None or self.brand_id == envelope.brand_id)
        )

    def to_json(self) -> dict[str, Any]:
        """The campaign's JSON form: ``{"id", "event_type", "operator_id", "brand_id", "condition"}``.

        The condition is in the language's JSON form (``{"version": 1, "condition": {...}}``).
        """
        return {
            "id": self.id,
            "event_type": self.event_type.value,
            "operator_id": self.operator_id,
            "brand_id": self.brand_id,
            "condition": self.condition.to_json(),
        }

    def _key(self) -> tuple[Any, ...]:
        return (self.id, self.event_type, self.condition.node, self.operator_id, self.brand_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Campaign):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        text = self.text if len(self.text) <= 120 else self.text[:120] + "..."
        scope = "".join(
            f", {name}={getattr(self, name)!r}" for name in ("operator_id", "brand_id") if getattr(self, name)
        )
        return f"Campaign({self.id!r}, {self.event_type.value}, {text!r}{scope})"


class _Record:
    """A campaign with its index entry (internal)."""

    __slots__ = ("campaign", "entry")

    def __init__(self, campaign: Campaign, entry: Entry) -> None:
        self.campaign = campaign
        self.entry = entry


def _check_id(campaign_id: object) -> str:
    problem = id_problem(campaign_id)
    if problem is not None:
        raise CampaignError(problem, campaign_id=None, kind="invalid_id")
    return campaign_id  # type: ignore[return-value]


def _check_scope(campaign_id: str, name: str, value: object) -> str | None:
    problem = scope_problem(name, value)
    if problem is not None:
        raise CampaignError(f"campaign {campaign_id!r}: {problem}", campaign_id=campaign_id, kind="invalid_scope")
    return value  # type: ignore[return-value]


class CampaignSet:
    """Many campaigns, matched against one event at a time by index rather than by scanning.

    Args:
        campaigns: Campaigns to start with (from another set, for example); their conditions are
            compiled again with this set's functions, context and limits.
        functions: The functions conditions may call (the built-ins if omitted). They should be
            pure and not raise: the set calls a function once for every campaign holding the same
            clause, and not at all for campaigns that a look-up has already ruled out.
        context: The context values conditions may read, with their types
            (``{"vip_level": "number"}``); pass their values to :meth:`match` as ``ctx``.
        limits: Size limits for conditions (the language's defaults if omitted).

    Thread safety: any number of threads may call :meth:`match`, :meth:`explain` and read the set
    while other threads :meth:`add`, :meth:`remove` or :meth:`replace` campaigns. Writers are
    serialised by a lock; ``match`` takes no lock. Each match sees the set as it was before or after
    each change, never half way through one.
    """

    def __init__(
        self,
        campaigns: Iterable[Campaign] = (),
        *,
        functions: FunctionRegistry | None = None,
        context: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
    ) -> None:
        self._functions = functions
        self._context = dict(context) if context is not None else None
        self._limits = limits
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}
        self._store = Store(functions, self._context, limits)  # its views are what a match reads
        self._order = itertools.count()
        self._add_all(
            [self._compile(c.id, c.event_type, c.condition.node, c.operator_id, c.brand_id) for c in campaigns]
        )

    # -- building ------------------------------------------------------------------------------

    def _compile(self, campaign_id: str, event_type: EventType | str, condition: str | Mapping[str, Any] | Node,
                 operator_id: str | None, brand_id: str | None) -> Campaign:
        campaign_id = _check_id(campaign_id)
        operator_id = _check_scope(campaign_id, "operator_id", operator_id)
        brand_id = _check_scope(campaign_id, "brand_id", brand_id)
        if isinstance(condition, CompiledCondition):
            condition = condition.node
        compiled = compile_condition(
            condition, event_type, functions=self._functions, context=self._context, limits=self._limits
        )
        return Campaign(campaign_id, compiled.event_type, compiled, operator_id, brand_id)

    def _add_all(self, compiled: list[Campaign]) -> None:
        """Add many compiled campaigns, then publish each touched view once."""
        with self._lock:
            seen: set[str] = set()
            for campaign in compiled:
                if campaign.id in self._records or campaign.id in seen:
                    raise _duplicate(campaign.id)
                seen.add(campaign.id)
            touched: Touched = {}
            for campaign in compiled:
                entry = self._store.entry(campaign, next(self._order))
                self._store.file(campaign, entry, touched)
                self._records[campaign.id] = _Record(campaign, entry)
            self._store.publish(touched)

    def add(
        self,
        campaign_id: str,
        event_type: EventType | str,
        condition: str | Mapping[str, Any],
        *,
        operator_id: str | None = None,
        brand_id: str | None = None,
    ) -> Campaign:
        """Add a campaign; its condition is compiled and checked now.

        Args:
            campaign_id: A unique id.
            event_type: The event type that triggers it (an ``EventType`` or its name).
            condition: The condition: text, or its JSON form (a dict).
            operator_id: Restrict it to events of this operator.
            brand_id: Restrict it to events of this brand.

        Returns:
            The campaign added.

        Raises:
            ConditionError: The condition's own error (syntax, type or limit) if it does not compile.
            CampaignError: If the id is already in the set (``kind == "duplicate_id"``), or the id or
                scope is not a valid identifier.
        """
        campaign_id = _check_id(campaign_id)
        if campaign_id in self._records:
            raise _duplicate(campaign_id)
        campaign = self._compile(campaign_id, event_type, condition, operator_id, brand_id)
        self._add_all([campaign])
        return campaign

    def remove(self, campaign_id: str) -> Campaign:
        """Remove a campaign and return it.

        Raises:
            CampaignError: If the set holds no campaign with that id (``kind == "unknown_id"``).
        """
        with self._lock:
            record = self._records.pop(campaign_id, None) if isinstance(campaign_id, str) else None
            if record is None:
                raise _unknown(campaign_id)
            touched: Touched = {}
            self._store.unfile(record.campaign, record.entry, touched)
            self._store.publish(touched)
        return record.campaign

    def replace(
        self,
        campaign_id: str,
        event_type: EventType | str,
        condition: str | Mapping[str, Any],
        *,
        operator_id: str | None = None,
        brand_id: str | None = None,
    ) -> Campaign:
        """Replace a campaign's event type, condition and scope at once; it keeps its place in the order.

        The new condition is compiled first: if it does not compile, the set is left unchanged.
        Only the one or two scopes concerned are re-indexed.

        Returns:
            The new campaign.

        Raises:
            ConditionError: The condition's own error if it does not compile.
            CampaignError: If the set holds no campaign with that id (``kind == "unknown_id"``).
        """
        campaign_id = _check_id(campaign_id)
        if campaign_id not in self._records:
            raise _unknown(campaign_id)
        campaign = self._compile(campaign_id, event_type, condition, operator_id, brand_id)
        with self._lock:
            old = self._records.get(campaign_id)
            if old is None:
                raise _unknown(campaign_id)
            touched: Touched = {}
            self._store.unfile(old.campaign, old.entry, touched)
            entry = self._store.entry(campaign, old.entry.seq)
            self._store.file(campaign, entry, touched)
            self._records[campaign_id] = _Record(campaign, entry)
            self._store.publish(touched)
        return campaign

    # -- matching ------------------------------------------------------------------------------

    def match(self, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> list[str]:
        """The ids of the campaigns ``envelope`` triggers, in the set's order (the order they were added).

        Exactly the campaigns of the event's type, in its scope, whose condition holds: the same
        answer as :meth:`match_naive`, computed with look-ups and shared clause evaluations instead
        of calling every condition.

        Args:
            envelope: The event.
            ctx: The context values the conditions read (declared when the set was made).

        Raises:
            ConditionEvaluationError: If ``envelope`` is not an ``Envelope``, or a campaign in scope
                reads a context value that ``ctx`` lacks or holds with the wrong type.
        """
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise _not_envelope(envelope)
        views = self._store.views.get(envelope.payload.event_type)  # one read: the snapshot this match works on
        if views is None:
            return []
        operator_id = envelope.operator_id
        brand_id = envelope.brand_id
        found: list[tuple[int, str]] = []
        memo: dict[Clause, bool] = {}
        view = views.get((operator_id, brand_id))
        if view is not None:  # the pair's view holds its operator's, brand's and global campaigns too
            if view.context_names:
                read_context(ctx, view.context_names, view.context_types)
            view.collect(envelope, ctx, memo, found)
        else:
            for view in (views.get((operator_id, None)) or views.get((None, None)), views.get((None, brand_id))):
                if view is not None:
                    if view.context_names:
                        read_context(ctx, view.context_names, view.context_types)
                    view.collect(envelope, ctx, memo, found)
        if len(found) > 1:
            found.sort()
        return [campaign_id for _, campaign_id in found]

    def match_naive(self, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> list[str]:
        """The reference behaviour of :meth:`match`: check type and scope, then call every condition in turn.

        As slow as the set is large; kept for tests and for checking the index.
        """
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise _not_envelope(envelope)
        return [
            campaign.id
            for campaign in self
            if campaign.in_scope(envelope) and campaign.condition(envelope, ctx=ctx)
        ]

    def explain(self, campaign_id: str, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> Explanation:
        """Why a campaign does or does not match an event: every sub-condition with its value.

        ``explanation.matched`` is ``True`` exactly when :meth:`match` returns the campaign's id;
        ``str(explanation)`` renders the tree as indented text for support staff.

        Raises:
            CampaignError: If the set holds no campaign with that id.
            ConditionEvaluationError: If ``envelope`` is not an ``Envelope``, or the event is in the
                campaign's scope and ``ctx`` lacks a value the condition reads (as :meth:`match` would).
                Out of scope, the condition is then shown as not evaluated.
        """
        record = self._records.get(campaign_id) if isinstance(campaign_id, str) else None
        if record is None:
            raise _unknown(campaign_id)
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise _not_envelope(envelope)
        return explain_campaign(record.campaign, envelope, ctx)

    # -- reading -------------------------------------------------------------------------------

    def get(self, campaign_id: str) -> Campaign | None:
        """The campaign with that id, or ``None``."""
        record = self._records.get(campaign_id)
        return record.campaign if record is not None else None

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, campaign_id: object) -> bool:
        return isinstance(campaign_id, str) and campaign_id in self._records

    def __iter__(self) -> Iterator[Campaign]:
        """The campaigns in the set's order (a snapshot: changes made while iterating are not seen)."""
        with self._lock:
            records = sorted(self._records.values(), key=lambda r: r.entry.seq)
        return iter([record.campaign for record in records])

    def __repr__(self) -> str:
        return f"<CampaignSet of {len(self)} campaign{'s' if len(self) != 1 else ''}>"

    # -- JSON ----------------------------------------------------------------------------------

    def to_json(self) -> list[dict[str, Any]]:
        """The campaigns in their JSON form, in the set's order (``json.dumps`` it to save the set)."""
        return [campaign.to_json() for campaign in self]

    @classmethod
    def from_json(
        cls,
        data: Iterable[Mapping[str, Any]] | str | bytes,
        *,
        functions: FunctionRegistry | None = None,
        context: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
    ) -> CampaignSet:
        """Build a set from campaigns in their JSON form (a list, or JSON text holding one).

        Each entry is ``{"id": ..., "event_type": "Deposit", "condition": ..., "operator_id": ...,
        "brand_id": ...}``, with the condition in the language's JSON form or as text; the scope keys
        may be left out. Every entry is checked before anything is added.

        Raises:
            CampaignConfigError: With every bad entry at once: its index, its id and what is wrong
                (a malformed entry, a duplicate id, a condition that does not compile).
        """
        campaigns = cls(functions=functions, context=context, limits=limits)
        campaigns._add_all(read_campaigns(data, campaigns._compile))
        return campaigns


def _duplicate(campaign_id: str) -> CampaignError:
    return CampaignError(f"campaign {campaign_id!r} is already in the set", campaign_id=campaign_id,
                         kind="duplicate_id")


def _unknown(campaign_id: object) -> CampaignError:
    return CampaignError(f"no campaign {campaign_id!r} in the set",
                         campaign_id=campaign_id if isinstance(campaign_id, str) else None, kind="unknown_id")


def _not_envelope(value: object) -> ConditionEvaluationError:
    return ConditionEvaluationError(
        f"campaigns match an Envelope (it names the operator and brand), not {type(value).__name__}"
    )
