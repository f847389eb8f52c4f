"""``max_deliveries`` counts handler attempts: a process killed inside its handler takes no untried entry with it.

Six events; the handler kills its own process (SIGKILL) on the third; ``max_deliveries=2``,
``batch_size=10``, the same consumer name on every run. The killing entry is tried exactly twice and
then dead-lettered; the three entries after it, read in the same batch but never tried, are handled
normally; the two handled before the first crash were acknowledged before it and are never repeated.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from streams_support import RedisServer, make_events

from thrilldrops_events.streams import parse_dead_letter, publish_many

pytestmark = pytest.mark.redis

PROGRAM = Path(__file__).with_name("self_killing_consumer.py")
STREAM, GROUP, NAME = "events", "campaigns", "engine-1"


def run_consumer(server: RedisServer, killer: str, last: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(PROGRAM), str(server.port), STREAM, GROUP, NAME, "2", "10", killer, last]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def tries(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int]]:
    return [(line.split()[1], int(line.split()[2])) for line in result.stdout.splitlines() if line.startswith("try ")]


def pending(client: Any) -> list[tuple[str, int]]:
    rows = client.xpending_range(STREAM, GROUP, "-", "+", 100)
    return [(row["message_id"].decode(), row["times_delivered"]) for row in rows]


def test_a_crash_inside_the_handler_never_dead_letters_untried_neighbours(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(6)
    players = [event.player_id for event in events]
    ids = publish_many(client, STREAM, events)
    killer, last = players[2], players[5]

    first = run_consumer(redis_server, killer, last)
    assert first.returncode == -signal.SIGKILL, first.stderr
    assert tries(first) == [(players[0], 1), (players[1], 1), (players[2], 1)]
    # Handled entries were acknowledged before the next handler call; the crashed one is marked as tried
    # once (delivery count 2), the three never tried are marked as read only (1).
    assert pending(client) == [(ids[2], 2), (ids[3], 1), (ids[4], 1), (ids[5], 1)]

    second = run_consumer(redis_server, killer, last)
    assert second.returncode == -signal.SIGKILL, second.stderr
    assert tries(second) == [(players[2], 2)]  # its second and last try; nothing else was touched
    assert pending(client) == [(ids[2], 3), (ids[3], 1), (ids[4], 1), (ids[5], 1)]

    third = run_consumer(redis_server, killer, last)
    assert third.returncode == 0, third.stderr
    assert tries(third) == [(players[3], 1), (players[4], 1), (players[5], 1)]  # the killer is not tried again
    assert "handled=3, retried=0, dead_lettered=1," in third.stdout

    letters = [parse_dead_letter(entry_id, fields) for entry_id, fields in client.xrange("{events}:dead-letter")]
    assert [(letter.original_id, letter.reason, letter.deliveries) for letter in letters] == [
        (ids[2], "max_deliveries", 2)]
    assert letters[0].error["last_error"] is None  # both tries ended with the process, not with an exception
    assert "did not finish" in letters[0].error["message"]
    assert pending(client) == []
    handler_calls = tries(first) + tries(second) + tries(third)
    assert [player for player, _ in handler_calls].count(killer) == 2  # max_deliveries, exactly
    assert sorted({player for player, _ in handler_calls} - {killer}) == sorted(set(players) - {killer})
    assert len(handler_calls) == 2 + 5  # every other event tried exactly once
