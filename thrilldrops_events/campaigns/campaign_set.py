"""Campaign sets: match one event against thousands of campaign conditions, fast.

A campaign is an id, an event type, a condition of the campaign-condition language, an optional
scope (an operator, a brand, or both, as named in the event's envelope) and an optional active
window. A [CampaignSet][thrilldrops_events.CampaignSet] holds many and answers, for each incoming
event, which campaigns it triggers::

    campaigns = CampaignSet()
    campaigns.add("welcome-drop", EventType.DEPOSIT, 'amount >= 20 and currency == "EUR"', brand_id="b-7")
    campaigns.match(envelope)  # ["welcome-drop"] or []

``match`` gives exactly the answer of checking every campaign in turn
([match_naive][thrilldrops_events.CampaignSet.match_naive]), without doing that. The machinery is
private: atoms (``_atoms``), operands (``_operands``), the index (``_nodes``, ``_scope_index``), the
writer's side (``_store``, ``_changes``), explanations (``_explain``), statistics (``_stats``) and the
JSON form (``_json``); the architecture page of the docs describes the design.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from typing_extensions import Unpack

from thrilldrops_events.campaigns._arguments import as_change, changes_of, id_of, items_of, not_envelope, tags_of
from thrilldrops_events.campaigns._changes import Writer
from thrilldrops_events.campaigns._explain import Explanation, explain_campaign
from thrilldrops_events.campaigns._json import collector_paused, config_entries, is_parsed, read_campaigns
from thrilldrops_events.campaigns._matching import match_views
from thrilldrops_events.campaigns._stats import SetStats, held, set_stats
from thrilldrops_events.campaigns.campaign import Campaign, Compiler
from thrilldrops_events.campaigns.changes import CampaignChange, ConfigDiff, _Fields
from thrilldrops_events.conditions._options import check_options
from thrilldrops_events.conditions.checked import declarations
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.conditions.limits import Limits
from thrilldrops_events.conditions.runtime import check_context
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import CampaignError

__all__ = ["Campaign", "CampaignSet", "Explanation"]


class CampaignSet:
    """Many campaigns, matched against one event at a time by index rather than by scanning.

    Args:
        campaigns: Campaigns to start with (from another set, for example); their conditions are
            checked again with this set's functions, context and limits.
        functions: The functions conditions may call (the built-ins if omitted). They should be
            pure and not raise: the set calls a function once for every campaign holding the same
            clause, and not at all for campaigns that a look-up has already ruled out.
        context: The context values conditions may read, with their types
            (``{"vip_level": "number"}``); pass their values to
            [match][thrilldrops_events.CampaignSet.match] as ``ctx``.
        limits: Size limits for conditions (the language's defaults if omitted).

    Raises:
        TypeError: If ``campaigns`` is not an iterable of ``Campaign``, ``functions`` not a
            ``FunctionRegistry``, ``context`` not a mapping, or ``limits`` not a ``Limits``.
        ConditionTypeError: If a context declaration is not a name and a type (``{"vip": "number"}``).

    Thread safety: any number of threads may call ``match``, ``explain`` and read the set while
    another changes it. Changes (``add``, ``remove``, ``replace``, ``apply``, ``reload``) are
    serialised by a (re-entrant) lock, made on copies of the parts of the index they touch, and published with
    one reference swap: each match sees the set as it was before or after each change, never half
    way through one (nor through a batch of ``apply``).
    """

    def __init__(
        self,
        campaigns: Iterable[Campaign] = (),
        *,
        functions: FunctionRegistry | None = None,
        context: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
    ) -> None:
        check_options(functions, context, limits)
        declarations(context)  # a bad declaration is refused now, not at the first campaign
        self._compiler = Compiler(functions, dict(context) if context is not None else None, limits)
        # re-entrant: a function's compile-time check, called while reload holds it, may read the set
        self._lock = threading.RLock()
        self._writer = Writer(self._compiler)
        self._store = self._writer.store
        given = items_of(campaigns, "campaigns", Campaign)
        if given:
            with self._lock:
                self._writer.apply([self._writer.prepare(as_change(campaign)) for campaign in given])

    # -- changing ------------------------------------------------------------------------------

    def add(
        self,
        campaign_id: str,
        event_type: EventType | str,
        condition: str | Mapping[str, Any],
        **fields: Unpack[_Fields],
    ) -> Campaign:
        """Add a campaign; its condition is checked now.

        Args:
            campaign_id: A unique id.
            event_type: The event type that triggers it (an ``EventType`` or its name).
            condition: The condition: text, or its JSON form (a dict).

        Keyword Args:
            operator_id (str | None): Restrict it to events of this operator.
            brand_id (str | None): Restrict it to events of this brand.
            name (str | None): A name for people.
            tags (Iterable[str]): Tags (kept, not interpreted).
            active_from (int | None): Events before this moment (Unix seconds) do not trigger it.
            active_until (int | None): Events from this moment on do not trigger it.
            extra (Mapping[str, Any] | None): The engine's own fields (JSON values, kept and written
                back, not interpreted).

        Returns:
            The campaign added.

        Raises:
            ConditionError: The condition's own error (syntax, type or limit) if it does not check.
            CampaignError: If the id is already in the set (``kind == "duplicate_id"``), or a field is
                malformed (``invalid_id``, ``invalid_scope``, ``invalid_window``, ``invalid_tags`` for
                tags given as one string, ``invalid_field`` for an engine field that is not JSON, ...).
        """
        fields["tags"] = tags_of(fields.get("tags", ()))
        return self._apply([CampaignChange.add(campaign_id, event_type, condition, **fields)])[0]

    def remove(self, campaign_id: str) -> Campaign:
        """Remove a campaign and return it.

        Raises:
            CampaignError: If the set holds no campaign with that id (``kind == "unknown_id"``).
            TypeError: If ``campaign_id`` is not a string.
        """
        with self._lock:
            return self._writer.apply([self._writer.prepare(CampaignChange.remove(campaign_id))])[0]

    def replace(
        self,
        campaign_id: str,
        event_type: EventType | str,
        condition: str | Mapping[str, Any],
        **fields: Unpack[_Fields],
    ) -> Campaign:
        """Replace everything about a campaign but its id at once; it keeps its place in the order.

        The new condition is checked first: if it does not check, the set is left unchanged. Only
        the index of the campaign's old scope, and of its new one, change.

        Returns:
            The new campaign.

        Raises:
            ConditionError: The condition's own error if it does not check.
            CampaignError: If the set holds no campaign with that id (``kind == "unknown_id"``), or a
                field is malformed.
            TypeError: If ``campaign_id`` is not a string.
        """
        fields["tags"] = tags_of(fields.get("tags", ()))
        return self._apply([CampaignChange.replace(campaign_id, event_type, condition, **fields)])[0]

    def apply(self, changes: Iterable[CampaignChange]) -> list[Campaign]:
        """Make many changes at once: all of them, or (if one is wrong) none.

        Every change is checked first, in order, as if the ones before it were made. Matches see
        the set as it was before the batch or after all of it, never in between.

        Returns:
            The campaign each change added, replaced (the new one) or removed, in order.

        Raises:
            ConditionError: A condition's own error; nothing is changed.
            CampaignError: A duplicate or unknown id, a malformed field, or a malformed change (one not
                made by ``CampaignChange.add``, ``replace`` or ``remove``: ``kind == "invalid_campaign"``);
                nothing is changed.
            TypeError: If ``changes`` is not an iterable of ``CampaignChange``, or the id of a campaign to
                remove or replace is not a string; nothing is changed.

        Examples:
            >>> from thrilldrops_events import CampaignChange, CampaignSet
            >>> campaigns = CampaignSet()
            >>> done = campaigns.apply([CampaignChange.add("a", "Deposit", "amount >= 20"),
            ...                         CampaignChange.add("b", "Deposit", "amount >= 50"),
            ...                         CampaignChange.remove("a")])
            >>> [campaign.id for campaign in campaigns]
            ['b']
        """
        return self._apply(changes_of(changes))

    def _apply(self, changes: list[CampaignChange]) -> list[Campaign]:
        with collector_paused(len(changes)):
            prepared = [self._writer.prepare(change) for change in changes]  # checked outside the lock
            with self._lock:
                return self._writer.apply(prepared)

    def diff(self, data: Iterable[Mapping[str, Any]] | str | bytes) -> ConfigDiff:
        """What [reload][thrilldrops_events.CampaignSet.reload] would change, without changing anything.

        Raises:
            CampaignConfigError: With every bad entry at once, as [from_json][thrilldrops_events.CampaignSet.from_json].
        """
        diff, _ = self._writer.diff(data)
        return diff

    def reload(self, data: Iterable[Mapping[str, Any]] | str | bytes) -> ConfigDiff:
        """Make the set hold exactly the campaigns of a configuration, changing only what differs.

        Campaigns the configuration lacks are removed, those whose entry differs are replaced (they
        keep their place), new ones are added at the end in the configuration's order; unchanged
        ones are not touched. It is one batch: matches see the old set or the new one.

        Returns:
            What changed.

        Raises:
            CampaignConfigError: With every bad entry at once; nothing is changed.
        """
        entries = config_entries(data)
        with self._lock, collector_paused(len(entries)):
            diff, prepared = self._writer.diff(entries)
            self._writer.apply(prepared)
        return diff

    # -- matching ------------------------------------------------------------------------------

    def match(self, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> list[str]:
        """The ids of the campaigns ``envelope`` triggers, in the set's order (the order they were added).

        Exactly the active campaigns of the event's type, in its scope, whose condition holds: the
        same answer as [match_naive][thrilldrops_events.CampaignSet.match_naive], found by look-ups in
        an index instead of calling every condition.

        Args:
            envelope: The event.
            ctx: The context values the conditions read (declared when the set was made).

        Raises:
            ConditionEvaluationError: If ``envelope`` is not an ``Envelope``, or an active campaign in
                scope reads a context value that ``ctx`` lacks or holds with the wrong type.
            TypeError: If ``ctx`` is neither ``None`` (no context) nor a mapping, even if no campaign
                reads it.
        """
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise not_envelope(envelope)
        return match_views(self._store.views, envelope, ctx, self._compiler)

    def match_naive(self, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> list[str]:
        """The reference behaviour of ``match``: check type, scope and window, then call every condition in turn.

        As slow as the set is large; kept for tests and for checking the index. It raises what
        ``match`` raises.
        """
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise not_envelope(envelope)
        check_context(ctx)  # even if no campaign in scope calls its condition
        return [
            campaign.id
            for campaign in self
            if campaign.in_scope(envelope) and campaign.active_at(envelope.timestamp)
            and campaign.condition(envelope, ctx=ctx)
        ]

    def explain(self, campaign_id: str, envelope: Envelope, *, ctx: Mapping[str, Any] | None = None) -> Explanation:
        """Why a campaign does or does not match an event: the index's decisions and every sub-condition's value.

        ``explanation.matched`` is ``True`` exactly when ``match`` returns the campaign's id;
        ``str(explanation)`` renders the tree as indented text for support staff.

        Raises:
            CampaignError: If the set holds no campaign with that id.
            ConditionEvaluationError: If ``envelope`` is not an ``Envelope``, or the event is in the
                campaign's scope and window and ``ctx`` lacks a value the condition reads (as ``match``
                would). Otherwise the condition is then shown as not evaluated. A part of the condition
                that ``and``/``or`` skipped, whose registered function raises, is shown as failing on its
                own, never raised (``match`` never calls it).
            TypeError: If ``campaign_id`` is not a string, or ``ctx`` is neither ``None`` (no context)
                nor a mapping (even if the condition is not evaluated).
        """
        record = self._store.records.get(id_of(campaign_id))
        if record is None:
            raise CampaignError(f"no campaign {campaign_id!r} in the set", campaign_id=campaign_id, kind="unknown_id")
        if envelope.__class__ is not Envelope and not isinstance(envelope, Envelope):
            raise not_envelope(envelope)
        check_context(ctx)  # even if the campaign's condition is not evaluated
        return explain_campaign(record, envelope, ctx, self._compiler)

    def stats(self, sample: Iterable[Envelope] = (), *, ctx: Mapping[str, Any] | None = None) -> SetStats:
        """The shape of the index: campaigns, branches, nodes, look-up keys, largest postings.

        Args:
            sample: Events to match to measure what a match does: how many campaigns in scope each
                event has, how many the index had to check, how many matched.
            ctx: The context values to match every event of the sample with, as
                [match][thrilldrops_events.CampaignSet.match] takes them. An event whose match fails
                (a campaign in scope reads a context value that ``ctx`` lacks) counts as matching none.

        Raises:
            TypeError: If ``sample`` is not an iterable of ``Envelope``, or ``ctx`` not a mapping.
        """
        check_context(ctx)
        return set_stats(self._store, items_of(sample, "sample", Envelope), ctx)

    # -- reading -------------------------------------------------------------------------------

    def get(self, campaign_id: str) -> Campaign | None:
        """The campaign with that id, or ``None``.

        Raises:
            TypeError: If ``campaign_id`` is not a string.
        """
        record = self._store.records.get(id_of(campaign_id))
        return record.campaign if record is not None else None

    def __len__(self) -> int:
        """How many campaigns the set holds: counted in the published views, so never half way through a batch."""
        return held(self._store.views)

    def __contains__(self, campaign_id: object) -> bool:
        """Whether the set holds a campaign with that id: ``False`` for anything but a string, as for a dict."""
        return isinstance(campaign_id, str) and id_of(campaign_id) in self._store.records

    def __iter__(self) -> Iterator[Campaign]:
        """The campaigns in the set's order (a snapshot: changes made while iterating are not seen)."""
        with self._lock:
            records = sorted(self._store.records.values(), key=lambda record: record.seq)
        return iter([record.campaign for record in records])

    def __repr__(self) -> str:
        return f"<CampaignSet of {len(self)} campaign{'s' if len(self) != 1 else ''}>"

    def __copy__(self) -> CampaignSet:
        """A set of its own (changing one leaves the other alone), with the same campaigns and options."""
        return self.__deepcopy__({})

    def __deepcopy__(self, memo: dict[int, Any]) -> CampaignSet:
        compiler = self._compiler
        other = CampaignSet(functions=compiler.functions, context=compiler.context, limits=compiler.limits)
        writer = other._writer  # each campaign checked with the functions it was added with, as it calls them
        prepared = [writer.prepare(as_change(copy.deepcopy(campaign, memo)), functions=campaign._functions)
                    for campaign in self]
        with other._lock:
            writer.apply(prepared)
        return other

    def __reduce__(self) -> tuple[Any, ...]:
        compiler = self._compiler
        if compiler.functions is not None:
            raise TypeError("a campaign set with its own functions cannot be pickled: pickle its to_json() and load "
                            "it with CampaignSet.from_json(..., functions=...)")
        return _from_json, (self.to_json(), compiler.context, compiler.limits)

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

        Each entry is ``{"id": ..., "event_type": "Deposit", "condition": ...}`` with the condition
        in the language's JSON form or as text, and optionally ``operator_id``, ``brand_id``,
        ``name``, ``tags``, ``active_from``, ``active_until`` and the engine's own fields. Every
        entry is checked before anything is added.

        Raises:
            CampaignConfigError: With every bad entry at once: its index, its id and what is wrong
                (a malformed entry, a duplicate id, a condition that does not check).
        """
        campaigns = cls(functions=functions, context=context, limits=limits)
        writer = campaigns._writer
        entries = config_entries(data)
        fresh = is_parsed(entries)
        with collector_paused(len(entries)):
            prepared = read_campaigns(entries, lambda fields: writer.prepare_parts("add", fields.pop("campaign_id"),
                                                                                   fields, read=True, fresh=fresh))
            with campaigns._lock:
                writer.apply(prepared)
        return campaigns


def _from_json(data: list[dict[str, Any]], context: Mapping[str, Any] | None, limits: Limits | None) -> CampaignSet:
    """A pickled set again."""
    return CampaignSet.from_json(data, context=context, limits=limits)
