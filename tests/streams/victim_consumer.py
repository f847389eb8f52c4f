"""A consumer in its own process, for the crash test: it handles part of its batch, says so, then waits to be killed.

Usage: python victim_consumer.py PORT STREAM GROUP CONSUMER BATCH_SIZE HANDLE_BEFORE_HANG

Each handled event's player_id is printed as ``handled <player_id>``; after HANDLE_BEFORE_HANG of them
it prints ``READY`` and sleeps inside the handler, so the whole batch it read is still unacknowledged
when the test kills it with SIGKILL.
"""

from __future__ import annotations

import sys
import time

import redis

from thrilldrops_events import Envelope
from thrilldrops_events.streams import StreamConsumer


def main(argv: list[str]) -> int:
    port, stream, group, name, batch_size, handle_before_hang = argv
    handled = 0

    def handler(envelope: Envelope) -> None:
        nonlocal handled
        print(f"handled {envelope.player_id}", flush=True)
        handled += 1
        if handled == int(handle_before_hang):
            print("READY", flush=True)
            time.sleep(3600)  # killed here, mid-batch

    client = redis.Redis(host="127.0.0.1", port=int(port))
    consumer = StreamConsumer(client, stream, group, handler, consumer=name, batch_size=int(batch_size),
                              claim_idle_ms=600_000)
    consumer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
