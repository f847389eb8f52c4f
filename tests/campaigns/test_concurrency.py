"""Concurrent matches while one writer adds, removes and replaces campaigns.

Every match must see the set as it was between two changes: campaigns that are always in the set
are always found, a campaign being moved from one scope to another (one ``replace``) is found
exactly once, campaigns that never match or were never added are never returned, and the order
is the set's order. No match may raise, and a batch of changes is seen whole or not at all.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import CampaignChange, CampaignError, CampaignSet, Deposit, Envelope

ENVELOPE = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800,
                    payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00")))
SCOPES = [{"operator_id": "op-1", "brand_id": "b-7"}, {"operator_id": "op-1"}, {"brand_id": "b-7"}, {}]
STABLE = [f"stable-{n}" for n in range(40)]
WRITES = 400
READERS = 3


@pytest.fixture
def fast_switching() -> Iterator[None]:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that reads interleave with writes
    yield
    sys.setswitchinterval(interval)


def _rank(campaign_id: str) -> int:
    if campaign_id == "mover":
        return 0
    kind, number = campaign_id.rsplit("-", 1)
    return 1 + int(number) if kind == "stable" else 1000 + int(number)


@pytest.mark.usefixtures("fast_switching")
def test_matches_see_consistent_snapshots_while_a_writer_changes_the_set() -> None:
    campaigns = CampaignSet()
    campaigns.add("mover", "Deposit", "amount >= 0", **SCOPES[0])
    for number, campaign_id in enumerate(STABLE):
        condition = 'currency == "EUR" and amount > 1' if number % 2 else "method_id in [\"visa\", \"skrill\"]"
        campaigns.add(campaign_id, "Deposit", condition, **SCOPES[number % len(SCOPES)])
    churn_ids = {f"churn-{n}" for n in range(WRITES)}
    start = threading.Barrier(READERS + 1)
    done = threading.Event()
    failures: list[str] = []
    matches = [0] * READERS

    def writer() -> None:
        start.wait()
        try:
            for number in range(WRITES):
                scope = SCOPES[number % len(SCOPES)]
                campaigns.replace("mover", "Deposit", "amount >= 0" if number % 3 else "amount > 1", **scope)
                campaigns.add(f"churn-{number}", "Deposit", f"amount >= {number % 7}", **scope)
                campaigns.add(f"miss-{number}", "Deposit", 'currency == "USD"', **scope)
                if number >= 3:
                    campaigns.remove(f"churn-{number - 3}")
                    campaigns.remove(f"miss-{number - 3}")
        except Exception as error:  # pragma: no cover - reported below
            failures.append(f"writer: {error!r}")
        finally:
            done.set()

    def reader(index: int) -> None:
        start.wait()
        while not done.is_set() or matches[index] < 50:
            try:
                found = campaigns.match(ENVELOPE)
            except Exception as error:  # pragma: no cover - reported below
                failures.append(f"reader: {error!r}")
                return
            matches[index] += 1
            problems = []
            if not set(STABLE) <= set(found):
                problems.append(f"missing {sorted(set(STABLE) - set(found))}")
            if found.count("mover") != 1:
                problems.append(f"mover found {found.count('mover')} times")
            if not set(found) <= {"mover", *STABLE, *churn_ids}:
                problems.append(f"unexpected {sorted(set(found) - {'mover', *STABLE, *churn_ids})}")
            if found != sorted(found, key=_rank):
                problems.append("out of order")
            if problems:
                failures.append(f"reader: {'; '.join(problems)}")
                return

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert all(count >= 50 for count in matches)
    # the writer's last state is what everyone sees now
    assert len(campaigns) == 1 + len(STABLE) + 3 + 3
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE)


@pytest.mark.usefixtures("fast_switching")
def test_iteration_and_reads_are_safe_while_writing() -> None:
    campaigns = CampaignSet()
    for campaign_id in STABLE:
        campaigns.add(campaign_id, "Deposit", "amount > 0")
    done = threading.Event()
    failures: list[str] = []

    def writer() -> None:
        for number in range(WRITES):
            campaigns.add(f"churn-{number}", "Deposit", "amount > 0")
            if number >= 5:
                campaigns.remove(f"churn-{number - 5}")
        done.set()

    def reader() -> None:
        while not done.is_set():
            try:
                ids = [campaign.id for campaign in campaigns]
                assert ids[: len(STABLE)] == STABLE
                assert ids == sorted(ids, key=_rank)
                assert "stable-0" in campaigns
                assert len(campaigns) >= len(STABLE)
                assert campaigns.explain("stable-1", ENVELOPE).matched
                json_form = campaigns.to_json()
                assert [entry["id"] for entry in json_form][: len(STABLE)] == STABLE
            except Exception as error:  # pragma: no cover - reported below
                failures.append(repr(error))
                return

    threads = [threading.Thread(target=writer), threading.Thread(target=reader), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(campaigns) == len(STABLE) + 5


@pytest.mark.usefixtures("fast_switching")
def test_batches_are_seen_whole_by_concurrent_matches() -> None:
    """A batch that swaps one campaign for another (and moves a third) is never seen half applied."""
    campaigns = CampaignSet()
    campaigns.add("left", "Deposit", "amount >= 0", operator_id="op-1")
    campaigns.add("mover", "Deposit", "amount > 1", brand_id="b-7")
    for campaign_id in STABLE:
        campaigns.add(campaign_id, "Deposit", 'currency == "EUR" and amount > 1', **SCOPES[int(campaign_id[7:]) % 4])
    done = threading.Event()
    failures: list[str] = []
    seen = [0] * READERS

    def writer() -> None:
        try:
            for number in range(WRITES):
                old, new = ("left", "right") if number % 2 == 0 else ("right", "left")
                campaigns.apply([
                    CampaignChange.remove(old),
                    CampaignChange.add(new, "Deposit", f"amount >= {number % 5}", **SCOPES[number % 4]),
                    CampaignChange.replace("mover", "Deposit", "amount > 1", **SCOPES[(number + 1) % 4]),
                ])
        except Exception as error:  # pragma: no cover - reported below
            failures.append(f"writer: {error!r}")
        finally:
            done.set()

    def reader(index: int) -> None:
        while not done.is_set() or seen[index] < 50:
            found = campaigns.match(ENVELOPE)
            seen[index] += 1
            sides = [campaign_id for campaign_id in found if campaign_id in ("left", "right")]
            if len(sides) != 1 or found.count("mover") != 1 or not set(STABLE) <= set(found):
                failures.append(f"reader saw {found}")
                return

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert all(count >= 50 for count in seen)
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE)


@pytest.mark.usefixtures("fast_switching")
def test_a_campaign_being_replaced_is_always_in_the_set_for_readers() -> None:
    """``get``, ``in`` and ``explain`` of a campaign that a writer keeps replacing always find it."""
    campaigns = CampaignSet()
    campaigns.add("mover", "Deposit", "amount >= 0")
    done = threading.Event()
    missing: list[str] = []
    reads = [0]

    def reader() -> None:
        while not done.is_set() or reads[0] < 50:
            reads[0] += 1
            if campaigns.get("mover") is None or "mover" not in campaigns:
                missing.append("get")
            try:
                campaigns.explain("mover", ENVELOPE)
            except Exception as error:  # pragma: no cover - reported below
                missing.append(repr(error))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for number in range(3 * WRITES):
            campaigns.replace("mover", "Deposit", "amount >= 0", **SCOPES[number % len(SCOPES)])
    finally:
        done.set()
        thread.join()
    assert missing == []



class _Watched(dict[str, Any]):
    """A set's records that look at what ``match`` returns at the moment a batch changes them."""

    def __init__(self, records: dict[str, Any], look: Callable[[str, list[str]], None]) -> None:
        super().__init__(records)
        self.look = look

    def update(self, *args: Any, **kwargs: Any) -> None:
        added = dict(*args, **kwargs)
        self.look("update", [campaign_id for campaign_id in added if campaign_id not in self])
        super().update(added)

    def pop(self, key: str, *default: Any) -> Any:
        self.look("pop", [key])
        return super().pop(key, *default)


def test_a_match_never_returns_a_campaign_the_set_does_not_hold_while_a_batch_is_published() -> None:
    """A reader that runs between two steps of publishing: every campaign ``match`` returns can be read with ``get``.

    New records go in before the views that match them, and removed ones go out after the views without them.
    """
    campaigns = CampaignSet()
    campaigns.add("old", "Deposit", "amount >= 0")
    campaigns.add("kept", "Deposit", "amount >= 0")
    unknown: list[tuple[str, str]] = []

    def look(step: str, ids: list[str]) -> None:
        found = campaigns.match(ENVELOPE)
        unknown.extend((step, campaign_id) for campaign_id in found if campaign_id not in records)
        unknown.extend((step, campaign_id) for campaign_id in ids if step == "pop" and campaign_id in found)

    records = _Watched(campaigns._store.records, look)
    campaigns._store.records = records
    campaigns.apply([CampaignChange.add("new", "Deposit", "amount >= 0"), CampaignChange.remove("old")])
    assert campaigns.match(ENVELOPE) == ["kept", "new"]
    assert unknown == []


def test_len_and_stats_count_the_set_before_or_after_a_batch_while_it_is_published() -> None:
    """``len`` and ``stats`` read between two steps of publishing count the campaigns of one side of the batch."""
    campaigns = CampaignSet()
    campaigns.add("old", "Deposit", "amount >= 0")
    campaigns.add("kept", "Deposit", "amount >= 0")
    counts: set[int] = set()

    def look(step: str, ids: list[str]) -> None:
        counts.update((len(campaigns), campaigns.stats().campaigns))

    records = _Watched(campaigns._store.records, look)
    campaigns._store.records = records
    campaigns.apply([CampaignChange.add("new", "Deposit", "amount >= 0"),
                     CampaignChange.add("newer", "PlayerLogin", "true"),
                     CampaignChange.remove("old")])
    assert len(campaigns) == campaigns.stats().campaigns == 3
    assert counts <= {2, 3}
    assert counts


def _configuration(version: int) -> list[dict[str, Any]]:
    entries = []
    for number in range(12):
        if (number + version) % 3 == 0:
            continue
        condition = (f"amount >= {number * version % 40}" if number % 2
                     else f'currency == "EUR" and amount > {(number + version) % 30}')
        scope = [*SCOPES, {"brand_id": "b-9"}][(number + version) % 5]
        entries.append({"id": f"c-{number}", "event_type": "Deposit", "condition": condition, **scope})
    return entries


@pytest.mark.usefixtures("fast_switching")
def test_reads_see_one_configuration_or_another_while_a_writer_reloads_and_applies() -> None:
    """Matches, explanations, lengths and iteration each see one of the configurations the writer moves between."""
    import json

    configurations = [_configuration(version) for version in range(6)]
    expected = [(frozenset(CampaignSet.from_json(entries).match_naive(ENVELOPE)),
                 frozenset(entry["id"] for entry in entries)) for entries in configurations]
    answers = {answer for answer, _ in expected}
    holdings = {held for _, held in expected}
    campaigns = CampaignSet.from_json(configurations[0])
    done = threading.Event()
    failures: list[str] = []
    reads = [0] * 3

    def writer() -> None:
        try:
            for number in range(120):
                entries = configurations[number % 6]
                if number % 3 == 0:
                    campaigns.reload(json.dumps(entries))
                elif number % 3 == 1:
                    campaigns.reload(entries)
                else:  # the same configuration reached by one batch of changes
                    held = {campaign.id for campaign in campaigns}
                    changes = [CampaignChange.remove(campaign_id) for campaign_id in sorted(held)]
                    changes += [CampaignChange.add(entry.pop("id"), entry.pop("event_type"), entry.pop("condition"),
                                                   **entry) for entry in (dict(entry) for entry in entries)]
                    campaigns.apply(changes)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(f"writer: {error!r}")
        finally:
            done.set()

    def matcher(index: int) -> None:
        while not done.is_set() or reads[index] < 50:
            reads[index] += 1
            try:
                found = campaigns.match(ENVELOPE)
            except Exception as error:  # pragma: no cover - reported below
                failures.append(f"match: {error!r}")
                return
            if len(found) != len(set(found)) or frozenset(found) not in answers:
                failures.append(f"match saw {found}")
                return

    def reader() -> None:
        while not done.is_set() or reads[2] < 50:
            reads[2] += 1
            try:
                count = len(campaigns)
                held = frozenset(campaign.id for campaign in campaigns)
                for campaign_id in ("c-1", "c-2", "c-4"):
                    if campaign_id in campaigns and campaigns.explain(campaign_id, ENVELOPE).matched:
                        assert any(campaign_id in answer for answer in answers), campaign_id
            except CampaignError:  # explain of a campaign that a change removed since ``in`` found it
                continue
            except Exception as error:  # pragma: no cover - reported below
                failures.append(f"reader: {error!r}")
                return
            if count not in {len(ids) for ids in holdings} or held not in holdings:
                failures.append(f"reader saw {count} campaigns, {sorted(held)}")
                return

    threads = [threading.Thread(target=writer), threading.Thread(target=matcher, args=(0,)),
               threading.Thread(target=matcher, args=(1,)), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert campaigns.match(ENVELOPE) == campaigns.match_naive(ENVELOPE)
