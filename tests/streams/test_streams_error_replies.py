"""Error replies that redis-py does not make ``ResponseError``s (``LOADING``, ``NOAUTH``) are errors all the same.

redis-py turns ``-LOADING`` into ``BusyLoadingError`` and ``-NOAUTH`` into ``AuthenticationError``, both
``ConnectionError``s. A reply of that kind in a round trip used to be taken for a result: the consumer ended
with a ``TypeError`` on a server restarted with its data still loading, and a publish returned the error's text
as the new entry's id.
"""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import AuthenticationError, BusyLoadingError, RedisError

from thrilldrops_events.streams._flow import EntryFlow
from thrilldrops_events.streams._ops import Run
from thrilldrops_events.streams._publishing import new_ids, options
from thrilldrops_events.streams._settings import make_settings
from thrilldrops_events.streams._tally import Tally

ERRORS = [BusyLoadingError("LOADING Redis is loading the dataset in memory"),
          AuthenticationError("NOAUTH Authentication required.")]


def flow() -> EntryFlow:
    settings = make_settings(handler=print, stream="events", group="campaigns", consumer="c1",
                             dead_letter_stream=None, dead_letter_maxlen=None, max_deliveries=5,
                             claim_idle_ms=60_000, claim_interval_ms=None, batch_size=10, block_ms=100,
                             group_start_id="0", strict=False)
    return EntryFlow(settings, Tally(settings, None), lambda: 0.0, lambda: False)


@pytest.mark.parametrize("error", ERRORS)
def test_a_round_trip_raises_an_error_reply_of_any_kind(error: RedisError) -> None:
    steps = flow().run((("XPENDING", "events", "campaigns", "-", "+", 10, "c1"),))
    operation: Any = next(steps)
    assert isinstance(operation, Run)
    with pytest.raises(type(error)):
        steps.send([error])


@pytest.mark.parametrize("error", ERRORS)
def test_a_publish_raises_an_error_reply_of_any_kind(error: RedisError) -> None:
    with pytest.raises(type(error)):
        new_ids([b"1777852800000-0", error], options("s"))
