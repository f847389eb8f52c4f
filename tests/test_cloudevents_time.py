"""A CloudEvent's ``time``: RFC 3339 allows a leap second (``23:59:60``), read as the start of the next minute."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.lying import ZoneOf
from thrilldrops_events import Envelope, EventValidationError, PlayerLogout
from thrilldrops_events.codecs import cloudevents as ce

_ENVELOPE = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                     payload=PlayerLogout(channel_type="MobileWeb"))


def _document(time: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ce.encode(_ENVELOPE))
    document["time"] = time
    return document


def _timestamps(time: str) -> set[int]:
    document = _document(time)
    return {ce.decode(json.dumps(document)).timestamp, ce.from_cloudevent(document).timestamp}


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)),
       st.integers(-23 * 60 - 59, 23 * 60 + 59), st.sampled_from(["", ".5", ".999999999"]))
def test_a_leap_second_is_read_as_the_next_minute(moment: datetime, offset_minutes: int, fraction: str) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    minute = moment.replace(second=0, microsecond=0, tzinfo=zone)
    sign, minutes = ("-" if offset_minutes < 0 else "+"), abs(offset_minutes)
    written = f"{minute:%Y-%m-%dT%H:%M}:60{fraction}{sign}{minutes // 60:02}:{minutes % 60:02}"
    assert _timestamps(written) == {int((minute + timedelta(minutes=1)).timestamp())}


def test_the_leap_second_of_2016_and_of_the_last_minute_of_the_range() -> None:
    assert _timestamps("2016-12-31T23:59:60Z") == {1483228800}
    assert _timestamps("2016-12-31T23:59:60z") == {1483228800}
    with pytest.raises(EventValidationError) as info:  # the year 10000: past the timestamp's range, not a crash
        ce.decode(json.dumps(_document("9999-12-31T23:59:60Z")))
    assert [(p.path, p.kind) for p in info.value.problems] == [("time", "timestamp_range")]


@pytest.mark.parametrize("time", ["2016-12-31T23:59:61Z", "2016-12-31T23:60:00Z", "2016-12-31T24:00:00Z"])
def test_other_out_of_range_fields_are_still_refused(time: str) -> None:
    with pytest.raises(EventValidationError) as info:
        ce.decode(json.dumps(_document(time)))
    assert [(p.path, p.kind) for p in info.value.problems] == [("time", "time_syntax")]


@pytest.mark.parametrize("offset", [timedelta(hours=30), timedelta(hours=-24), "+01:00", 3600, KeyError("zone")],
                         ids=["30-hours", "minus-24-hours", "text", "int", "raises"])
def test_a_datetime_whose_zone_gives_an_impossible_offset_is_refused(offset: object) -> None:
    document = {**ce.to_cloudevent(_ENVELOPE), "time": datetime(2026, 5, 4, tzinfo=ZoneOf(offset))}
    with pytest.raises(EventValidationError) as info:
        ce.from_cloudevent(document)
    assert [(p.path, p.kind) for p in info.value.problems] == [("time", "time_zone")]


class _Lying(datetime):
    """A ``datetime`` whose arithmetic and timestamp say it is the epoch, whatever it holds."""

    def __sub__(self, other: Any) -> Any:
        return timedelta(0)

    def timestamp(self) -> float:
        return 0.0

    def astimezone(self, tz: Any = None) -> Any:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)),
       st.integers(-23 * 60 - 59, 23 * 60 + 59))
def test_a_datetime_is_read_by_the_moment_it_holds_not_by_its_methods(moment: datetime, offset_minutes: int) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    lying = _Lying.combine(moment.date(), moment.time(), zone)
    expected = (moment.replace(tzinfo=zone) - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(seconds=1)
    assert ce.from_cloudevent({**ce.to_cloudevent(_ENVELOPE), "time": lying}).timestamp == expected
