"""How long the consumer waits between attempts in an outage: longer and longer, until the cluster names the node.

The consumer core is driven by hand here (no server): each command it sends is answered with an error, and
the pauses it asks for are read off. A ``MOVED`` or ``ASK`` reply is a cluster that is up again and says
where the stream's slot now lives (after a failover, the promoted replica): the consumer goes there at once
instead of sleeping out a backoff grown during the outage.
"""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import AskError, ClusterDownError, MovedError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError

from thrilldrops_events.streams._core import ConsumerCore
from thrilldrops_events.streams._ops import Pause, Reset, Run
from thrilldrops_events.streams._settings import make_settings


def _core() -> ConsumerCore:
    settings = make_settings(handler=print, stream="events", group="campaigns", consumer="c1",
                             dead_letter_stream=None, dead_letter_maxlen=None, max_deliveries=5,
                             claim_idle_ms=60_000, claim_interval_ms=None, batch_size=10, block_ms=100,
                             group_start_id="0", strict=False)
    return ConsumerCore(settings, clock=lambda: 0.0)


def _pauses(errors: list[BaseException]) -> list[float]:
    """The pauses the consumer asks for when its commands fail with ``errors``, one after the other."""
    core = _core()
    steps = core.run()
    operation: Any = next(steps)
    pauses: list[float] = []
    for error in errors:
        assert isinstance(operation, Run)
        operation = steps.throw(error)
        assert isinstance(operation, Reset)
        operation = steps.send(None)
        assert isinstance(operation, Pause)
        pauses.append(operation.seconds)
        operation = steps.send(None)
    core.stop()
    return pauses


def test_the_backoff_doubles_up_to_five_seconds_in_an_outage() -> None:
    lost = [RedisConnectionError("Error 111 connecting to 127.0.0.1:30082. Connection refused.")] * 9
    assert _pauses(lost) == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
    down = [ClusterDownError("The cluster is down")] * 3
    assert _pauses(down) == [0.05, 0.1, 0.2]


@pytest.mark.parametrize("redirect", [MovedError("4130 127.0.0.1:36904"), AskError("4130 127.0.0.1:36904"),
                                      ResponseError("MOVED 4130 127.0.0.1:36904")])
def test_a_redirect_after_an_outage_is_followed_at_once(redirect: BaseException) -> None:
    lost = [RedisConnectionError("Connection refused")] * 8
    assert _pauses([*lost, redirect]) == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 0.05]
    assert _pauses([*lost, redirect, *lost[:2]]) == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 0.05, 0.1, 0.2]
