"""Changes to a campaign set: checked first, then made together in one batch.

[CampaignChange][thrilldrops_events.CampaignChange] objects are *prepared* outside the set's lock
(fields checked, condition parsed and type-checked; identical condition texts are checked once),
then *applied* under it: ids are checked against the set as the earlier changes leave it, and
only then is anything filed, so a batch with one bad change changes nothing. Reloading a
configuration is a diff against the set: entries equal to their campaign are not even parsed again.

A large batch runs with the garbage collector paused (see ``_json.collector_paused``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from thrilldrops_events.campaigns._arguments import id_of
from thrilldrops_events.campaigns._checks import plain
from thrilldrops_events.campaigns._json import collector_paused, config_entries, is_parsed, read_campaigns
from thrilldrops_events.campaigns._store import Store
from thrilldrops_events.campaigns.campaign import (
    Campaign,
    Compiler,
    copy_fields,
    fields_problem,
    id_problem,
    json_copy,
    same_json,
)
from thrilldrops_events.campaigns.changes import CampaignChange, ConfigDiff
from thrilldrops_events.conditions.checked import CheckedCondition
from thrilldrops_events.conditions.condition import CompiledCondition
from thrilldrops_events.conditions.functions import FunctionRegistry
from thrilldrops_events.errors import CampaignError

__all__ = ["Prepared", "Writer"]

#: The engine fields of every campaign that has none (never changed: ``Campaign.extra`` is read-only).
_NO_EXTRA: dict[str, Any] = {}



@dataclass(eq=False, slots=True)
class Prepared:
    """A change, checked: the new campaign (for ``add`` and ``replace``) with its checked condition."""

    kind: str
    campaign_id: str
    campaign: Campaign | None = None
    checked: CheckedCondition | None = None
    source: Any = None


class Writer:
    """Prepares and applies changes to one set's store; ``apply`` and ``diff`` run under the set's lock."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.store = Store(compiler)

    def _check(self, source: Any, event_type: Any, functions: FunctionRegistry | None) -> CheckedCondition:
        if isinstance(source, str):
            return self.compiler.check_text(source, event_type, functions)
        return self.compiler.check(source, event_type, functions)

    def prepare(self, change: CampaignChange, read: bool = False,
                functions: FunctionRegistry | None = None, fresh: bool = False) -> Prepared:
        """Check a change's fields and condition (not its id against the set: that is done when applied).

        ``read`` says its id and fields come from an entry the loader has checked already;
        ``functions`` stands in for the set's registry as it is now (a copied campaign keeps its own);
        ``fresh`` says no caller holds its objects (JSON text the loader parsed), so they need no copy.

        Raises:
            CampaignError: A malformed id or field.
            ConditionError: The condition's own error.
            TypeError: If the id of a campaign to remove or replace is not a ``str``.
        """
        return self.prepare_parts(change.kind, change.campaign_id, change.fields, read, functions, fresh)

    def prepare_parts(self, kind: str, campaign_id: Any, fields: Mapping[str, Any], read: bool = False,
                      functions: FunctionRegistry | None = None, fresh: bool = False) -> Prepared:
        """``prepare`` of a change given by its kind, id and fields (the loader makes no ``CampaignChange`` of them)."""
        campaign_id = plain(campaign_id)  # a key of the records and the index: its text, as a str
        if kind != "add":
            id_of(campaign_id)  # as get and explain refuse it
        if kind == "remove":  # any id the set does not hold is unknown
            return Prepared("remove", campaign_id)
        problem = None if read else id_problem(campaign_id)
        if problem is not None:
            raise CampaignError(problem, kind="invalid_id")
        found = None if read else fields_problem(fields)
        if found is not None:
            problem_kind, message = found
            raise CampaignError(f"campaign {campaign_id!r}: {message}", campaign_id=campaign_id, kind=problem_kind)
        source = fields["condition"]
        checked = self._check(source.node if isinstance(source, CompiledCondition) else source, fields["event_type"],
                              functions)
        if isinstance(source, CompiledCondition) and source.event_type is not checked.event_type:
            raise CampaignError(f"campaign {campaign_id!r}: its condition is for {source.event_type.value} events, not "
                                f"{checked.event_type.value}", campaign_id=campaign_id, kind="invalid_campaign")
        get = fields.get
        campaign = Campaign._loaded(
            source if isinstance(source, str) else checked.node, self.compiler, functions, campaign_id,
            checked.event_type, plain(get("operator_id")), plain(get("brand_id")), plain(get("name")),
            tuple(map(plain, get("tags", ()))), get("active_from"), get("active_until"),
            (dict(extra) if fresh else copy_fields(extra)) if (extra := get("extra")) else _NO_EXTRA,
        )
        if isinstance(source, Mapping) and not fresh:  # kept to tell an unchanged entry: as it is now
            source = json_copy(source)
        return Prepared(kind, campaign_id, campaign, checked, source)

    def _validate(self, prepared: list[Prepared]) -> None:
        """Check every id against the set as the changes before it leave it; raise before anything changes."""
        present: dict[str, bool] = {}
        for change in prepared:
            campaign_id = change.campaign_id
            held = present.get(campaign_id, campaign_id in self.store.records)
            if change.kind == "add" and held:
                raise CampaignError(f"campaign {campaign_id!r} is already in the set", campaign_id=campaign_id,
                                    kind="duplicate_id")
            if change.kind != "add" and not held:
                raise CampaignError(f"no campaign {campaign_id!r} in the set", campaign_id=campaign_id,
                                    kind="unknown_id")
            present[campaign_id] = change.kind != "remove"

    def apply(self, prepared: list[Prepared]) -> list[Campaign]:
        """Make prepared changes in one batch; the campaign each added, replaced (the new one) or removed."""
        self._validate(prepared)
        with collector_paused(len(prepared)):
            return self._file(prepared)

    def _file(self, prepared: list[Prepared]) -> list[Campaign]:
        batch = self.store.batch()
        out: list[Campaign] = []
        for change in prepared:
            current = batch.current(change.campaign_id)
            seq = None
            if current is not None:
                batch.remove(current)
                seq = current.seq
            if change.campaign is None:
                assert current is not None
                out.append(current.campaign)
                continue
            assert change.checked is not None
            batch.add(change.campaign, change.checked, seq, change.source)
            out.append(change.campaign)
        batch.publish()
        return out

    def diff(self, data: Iterable[Mapping[str, Any]] | str | bytes) -> tuple[ConfigDiff, list[Prepared]]:
        """What makes the set hold exactly the configuration's campaigns, and those changes prepared."""
        entries = config_entries(data)
        with collector_paused(len(entries)):
            return self._diff(entries)

    def _diff(self, data: list[Any]) -> tuple[ConfigDiff, list[Prepared]]:
        records = self.store.records
        unchanged: list[str] = []

        fresh = is_parsed(data)

        def prepare(fields: dict[str, Any]) -> Prepared | None:
            campaign_id = plain(fields.pop("campaign_id"))
            record = records.get(campaign_id)
            if record is not None and _same(record.campaign, record.source, fields):
                unchanged.append(campaign_id)
                return None
            kind = "replace" if record is not None else "add"
            return self.prepare_parts(kind, campaign_id, fields, True, fresh=fresh)

        changes = [change for change in read_campaigns(data, prepare) if change is not None]
        kept = {change.campaign_id for change in changes} | set(unchanged)
        removals = [Prepared("remove", campaign_id) for campaign_id, record in
                    sorted(records.items(), key=lambda pair: pair[1].seq) if campaign_id not in kept]
        replaced = [change for change in changes if change.kind == "replace" and change.campaign is not None]
        for change in replaced:  # a replacement equal to its campaign is no change
            assert change.campaign is not None
            if change.campaign == records[change.campaign_id].campaign:
                unchanged.append(change.campaign_id)
        changes = [change for change in changes if change.campaign_id not in unchanged]
        prepared = removals + changes
        diff = ConfigDiff(
            changes=tuple(_public(change) for change in prepared),
            added=tuple(change.campaign_id for change in changes if change.kind == "add"),
            replaced=tuple(change.campaign_id for change in changes if change.kind == "replace"),
            removed=tuple(change.campaign_id for change in removals),
            unchanged=tuple(unchanged),
        )
        return diff, prepared


def _same(campaign: Campaign, source: Any, fields: Mapping[str, Any]) -> bool:
    """Whether an entry's fields say exactly what ``campaign`` is, its condition given as it was before.

    Strings are compared by their text: a subclass of ``str`` may say it equals anything.
    """
    condition = fields["condition"]
    return (
        (same_json(condition, source) if isinstance(condition, Mapping)
         else type(condition) is str and condition == source)
        and plain(fields["event_type"]) == campaign.event_type.value
        and all(plain(fields.get(name)) == getattr(campaign, name) for name in
                ("operator_id", "brand_id", "name", "active_from", "active_until"))
        and tuple(map(plain, fields.get("tags", ()))) == campaign.tags
        and same_json(dict(fields.get("extra") or {}), campaign._extra)
    )


def _public(change: Prepared) -> CampaignChange:
    """The change as ``diff`` and ``reload`` report it: its condition document a copy, not the one the set keeps."""
    campaign = change.campaign
    if campaign is None:
        return CampaignChange.remove(change.campaign_id)
    fields = {"event_type": campaign.event_type, "condition": json_copy(change.source),
              "operator_id": campaign.operator_id,
              "brand_id": campaign.brand_id, "name": campaign.name, "tags": campaign.tags,
              "active_from": campaign.active_from, "active_until": campaign.active_until,
              "extra": dict(campaign.extra)}
    return CampaignChange(change.kind, change.campaign_id, fields)
