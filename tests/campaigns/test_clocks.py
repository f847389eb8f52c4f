"""Hour and weekday windows in several zones, visited as one: ``match`` stays the naive loop's answer.

The slots the windows let through are kept per clock, and per week key in a day when no zone's
offset changes (found once the day has been met a few times). Proved on Hypothesis-made sets of
windows in zones with daylight saving time, half- and quarter-hour offsets, an offset of local mean
time that is not a whole quarter-hour (Monrovia until 1972) and the end of the calendar, with events
in the same quarter-hour, around offset changes, and the set changed between matches.
"""

from __future__ import annotations

import importlib
import json
import zoneinfo
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrilldrops_events import CampaignSet, Envelope, EventType
from thrilldrops_events.campaigns import _clocks
from thrilldrops_events.campaigns._clocks import DAY, QUARTER, WEEK
from thrilldrops_events.codecs.json import decode
from thrilldrops_events.conditions import nodes as n
from thrilldrops_events.testing import envelopes

_ZONES = ["Europe/Malta", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
          "Africa/Monrovia", "America/St_Johns", "Pacific/Chatham", "Pacific/Kiritimati", "UTC"]
#: Moments around which events fall: offset changes (Europe, Lord Howe's half-hour one, Monrovia's
#: change from -0:44:30), a new hour in Monrovia at 00:44:30 UTC, an ordinary day, and the last
#: second of the calendar.
_MOMENTS = [1774746000, 1792890000, 1775314800, 63594000, 63592000, 2670, 1777852800, 253402300799]
_STAMP = n.FieldRef("event", "timestamp")


def _number(value: int) -> n.Number:
    return n.Number(Decimal(value))


@st.composite
def _window(draw: st.DrawFn) -> Any:
    """One hour or weekday window, in a zone or in UTC."""
    zone = draw(st.sampled_from([*_ZONES, None]))
    part = draw(st.sampled_from(["hour", "weekday"]))
    call = n.Call(part, (_STAMP,) if zone is None else (_STAMP, n.String(zone)))
    values = range(24) if part == "hour" else range(1, 8)
    shape = draw(st.integers(0, 2))
    if shape == 0:
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=6, unique=True))
        return n.In(call, n.ListLiteral(tuple(_number(v) for v in sorted(chosen))), negated=draw(st.booleans()))
    if shape == 1:
        low = draw(st.sampled_from(values))
        high = low + draw(st.integers(1, 8))
        return n.And((n.Compare(">=", call, _number(low)), n.Compare("<", call, _number(high))))
    return n.Compare(draw(st.sampled_from(["==", "!=", ">=", "<"])), call, _number(draw(st.sampled_from(values))))


@st.composite
def _condition(draw: st.DrawFn) -> Any:
    parts = draw(st.lists(_window(), min_size=1, max_size=3))
    if draw(st.integers(0, 4)) == 0:
        parts.append(n.Compare(">=", n.FieldRef("payload", "amount"), _number(draw(st.integers(0, 50)))))
    node = parts[0] if len(parts) == 1 else n.And(tuple(parts))
    if draw(st.integers(0, 5)) == 0:
        node = n.Or((node, draw(_window())))
    return node


@st.composite
def _events(draw: st.DrawFn) -> list[Envelope]:
    """Events around the moments, several in one quarter-hour (the second finds its day's offsets)."""
    out = []
    for _ in range(draw(st.integers(1, 6))):
        moment = draw(st.sampled_from(_MOMENTS))
        base = min(_MOMENTS[-1], max(0, moment + draw(st.one_of(st.integers(-60, 60),
                                                                  st.integers(-3 * QUARTER, 3 * QUARTER)))))
        envelope = draw(envelopes(EventType.DEPOSIT))
        for offset in draw(st.lists(st.one_of(st.integers(-60, 60), st.integers(-QUARTER, QUARTER)), min_size=1,
                                    max_size=4)):
            out.append(envelope.model_copy(update={"timestamp": min(_MOMENTS[-1], max(0, base + offset))}))
    return out


def _check(campaigns: CampaignSet, events: list[Envelope]) -> None:
    for _ in range(3):  # the first times a day is met, then by its week keys
        for envelope in events:
            assert campaigns.match(envelope) == campaigns.match_naive(envelope)


@settings(max_examples=80, deadline=None)
@given(st.lists(_condition(), min_size=1, max_size=12), _events(), st.data())
def test_windows_in_many_zones_match_as_the_naive_loop(conditions: list[Any], events: list[Envelope],
                                                       data: st.DataObject) -> None:
    campaigns = CampaignSet()
    for number, node in enumerate(conditions):
        campaigns.add(f"c{number}", EventType.DEPOSIT, node.text)
    _check(campaigns, events)
    for number in data.draw(st.lists(st.integers(0, len(conditions) - 1), max_size=4, unique=True)):
        if data.draw(st.booleans()):
            campaigns.remove(f"c{number}")
        else:
            campaigns.replace(f"c{number}", EventType.DEPOSIT, data.draw(_condition()).text)
        _check(campaigns, events)
    campaigns.add("late", EventType.DEPOSIT, data.draw(_condition()).text)
    _check(campaigns, events)


def _deposit(moment: int) -> Envelope:
    return decode(json.dumps({"operator_id": "op-1", "brand_id": "b-1", "player_id": "p-1", "timestamp": moment,
                              "event_type": {"Deposit": {"method_id": "visa", "currency": "EUR", "amount": "10.00",
                                                         "balance_after": None}}}))


def test_a_day_keeps_the_windows_answer_per_week_key_unless_an_offset_changes_or_is_not_whole_quarter_hours() -> None:
    campaigns = CampaignSet()
    campaigns.add("evening", EventType.DEPOSIT, 'hour(event.timestamp, "Europe/Malta") >= 18')
    campaigns.add("monday", EventType.DEPOSIT, 'weekday(event.timestamp, "Asia/Kolkata") == 1')
    campaigns.add("night", EventType.DEPOSIT, 'hour(event.timestamp, "Africa/Monrovia") in [23, 0]')
    clocks = campaigns._store.views[EventType.DEPOSIT].clocks
    assert clocks is not None
    ordinary = 1777852800 + 17 * 3600  # Monday 2026-05-04 19:00 in Malta, 22:30 in Kolkata
    change = 1792890000  # Malta's clocks go back at 01:00 UTC on 2026-10-25: that day is not even
    old = 1800  # Monrovia was 44 minutes 30 seconds behind UTC: 23:15:30 on 1969-12-31
    moments = (ordinary, ordinary + 60, change - 300, change - 200, change + 10, change + 20, old, old + 10)
    for _ in range(3):  # a day's offsets are found the second time it is met
        for moment in moments:
            assert campaigns.match(_deposit(moment)) == campaigns.match_naive(_deposit(moment))
    days = clocks._days
    assert days[ordinary // DAY] >= 0
    assert days[change // DAY] == -1 and days[old // DAY] == -1
    assert clocks._weeks[days[ordinary // DAY] + ordinary // QUARTER % WEEK] == clocks._sets[clocks.local(ordinary)]
    assert campaigns.match(_deposit(ordinary + 120)) == ["evening", "monday"]
    assert campaigns.match(_deposit(old + 20)) == ["night"]


def test_days_with_the_same_offsets_share_their_week_keys() -> None:
    campaigns = CampaignSet()
    campaigns.add("evening", EventType.DEPOSIT, 'hour(event.timestamp, "Europe/Malta") >= 18')
    campaigns.add("monday", EventType.DEPOSIT, 'weekday(event.timestamp, "Asia/Kathmandu") == 1')
    campaigns.add("afternoon", EventType.DEPOSIT, 'hour(event.timestamp, "America/New_York") in [12, 13]')
    clocks = campaigns._store.views[EventType.DEPOSIT].clocks
    assert clocks is not None
    week = 7 * DAY
    monday = 1777852800 + 17 * 3600  # Monday 2026-05-04 17:00 UTC: 19:00 in Malta, 22:45 in Kathmandu, 13:00 in NYC
    summer = [monday + number * week for number in range(8)]  # to the end of June: Malta +2, New York -4
    winter = monday + 30 * week  # Monday 2026-11-30: Malta +1 (18:00 there), New York -5 (12:00)
    for moment in [*summer, winter]:
        for _ in range(2):  # the second meet finds the day's offsets
            assert campaigns.match(_deposit(moment)) == campaigns.match_naive(_deposit(moment))
    assert campaigns.match(_deposit(winter)) == ["evening", "monday", "afternoon"]
    assert all(clocks._days[moment // DAY] >= 0 for moment in [*summer, winter])
    assert len(clocks._offsets) == 2  # summer and winter
    assert len(clocks._weeks) == 2  # the one quarter-hour of the week, with each
    assert len({clocks._days[moment // DAY] for moment in summer}) == 1


def test_events_far_apart_go_by_their_own_clock_and_share_its_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clocks, "_ZONE_DAYS", {})  # no zone's offsets known from other sets' days
    campaigns = CampaignSet()
    campaigns.add("evening", EventType.DEPOSIT, 'hour(event.timestamp, "Europe/Malta") >= 18')
    campaigns.add("monday", EventType.DEPOSIT, 'weekday(event.timestamp, "Asia/Kathmandu") == 1')
    campaigns.add("utc", EventType.DEPOSIT, "hour(event.timestamp) < 6")
    clocks = campaigns._store.views[EventType.DEPOSIT].clocks
    assert clocks is not None
    week = 7 * 86400
    monday = 1777852800 + 17 * 3600  # Monday 2026-05-04 17:00 UTC: 19:00 in Malta, 22:45 in Kathmandu
    moments = [monday + number * week for number in range(6)]  # each day met once: its offsets are not sought
    moments += [253402300799, 1800]  # the calendar's last second (out of range east of UTC); Monrovia's old offset
    for moment in moments:
        assert campaigns.match(_deposit(moment)) == campaigns.match_naive(_deposit(moment))
    assert not clocks._days
    assert campaigns.match(_deposit(monday + week)) == ["evening", "monday"]
    assert len({id(clocks._sets[clocks.local(moment)]) for moment in moments[:6]}) == 1
    assert clocks.local(253402300799)[0] == (None, None)


def test_no_zone_of_the_time_zone_database_changes_its_offset_twice_in_a_day() -> None:
    """What makes a day even when its first and last second have the same offsets, on this machine's database.

    Read from the pure-Python ``zoneinfo`` (which loads the same files as the one the conditions use):
    its transitions before the zone's rule for later years, which changes the offset twice a year.
    """
    pure = importlib.import_module("zoneinfo._zoneinfo").ZoneInfo
    closest = min((later - earlier, name)
                  for name in zoneinfo.available_timezones()
                  for earlier, later in pairwise(pure.no_cache(name)._trans_utc))
    assert closest[0] > DAY, closest


def test_an_index_takes_the_offsets_another_found_for_the_day() -> None:
    campaigns = CampaignSet()
    campaigns.add("evening", EventType.DEPOSIT, 'hour(event.timestamp, "Europe/Malta") >= 18')
    campaigns.add("late", EventType.WITHDRAWAL, 'hour(event.timestamp, "Europe/Malta") >= 22')
    deposits = campaigns._store.views[EventType.DEPOSIT].clocks
    withdrawals = campaigns._store.views[EventType.WITHDRAWAL].clocks
    assert deposits is not None and withdrawals is not None
    day = 1777852800 + 40 * 7 * DAY  # a Monday of 2027 no other test meets
    for _ in range(2):  # the deposits' index finds the day's offsets at its second meet
        assert campaigns.match(_deposit(day + 19 * 3600)) == ["evening"]
    assert day // DAY in deposits._days and day // DAY not in withdrawals._days
    withdrawal = json.loads(_deposit(day + 21 * 3600).model_dump_json())
    withdrawal["event_type"] = {"Withdrawal": {"method_id": "visa", "currency": "EUR", "amount": "10.00",
                                               "balance_after": None}}
    assert campaigns.match(decode(json.dumps(withdrawal))) == ["late"]  # 23:00 in Malta, at its first meet
    assert withdrawals._days[day // DAY] == deposits._days[day // DAY] >= 0
