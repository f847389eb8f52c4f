"""``thrilldrops-events streams``: a name read from Redis can never make a line of the text output its own.

Group and consumer names, a dead letter's reason and the stream's own key are whatever was written to
Redis; a control character or line separator in one is shown as its JSON escape (``\\n``, ``\\u2028``).
"""

from __future__ import annotations

import pytest
from streams_support import RedisServer

from thrilldrops_events.cli import main

pytestmark = pytest.mark.redis

GROUP = "g\nstream events: 999 entries\u2028"
CONSUMER = "c\r\n  consumer fake: 0 pending\x1b[2K"


def test_names_from_redis_are_shown_escaped(redis_server: RedisServer, capsys: pytest.CaptureFixture[str]) -> None:
    import redis

    with redis.Redis(host="127.0.0.1", port=redis_server.port) as client:
        client.xadd("events", {"a": "1"})
        client.xgroup_create("events", GROUP, id="0")
        client.xreadgroup(GROUP, CONSUMER, {"events": ">"}, count=1)
    assert main(["streams", "info", "events", "--url", f"redis://127.0.0.1:{redis_server.port}/0"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert lines[-1] == "" and len(lines) == 5, lines
    assert lines[2].startswith("group g\\nstream events: 999 entries\\u2028: 1 consumers, 1 pending")
    assert lines[3].startswith("  consumer c\\r\\n  consumer fake: 0 pending\\u001b[2K: 1 pending")
