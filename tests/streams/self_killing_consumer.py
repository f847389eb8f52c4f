"""A consumer in its own process whose handler kills the process (SIGKILL) on one chosen event.

Usage: python self_killing_consumer.py PORT STREAM GROUP CONSUMER MAX_DELIVERIES BATCH_SIZE KILLER LAST

For each event given to the handler it prints ``try <player_id> <delivery_count>``; on the player id
KILLER it then kills its own process, as a crash inside a handler would. After handling LAST it stops
and prints its stats, so a run that is not killed ends by itself.
"""

from __future__ import annotations

import os
import signal
import sys

import redis

from thrilldrops_events import Envelope
from thrilldrops_events.streams import DeliveryContext, StreamConsumer


def main(argv: list[str]) -> int:
    port, stream, group, name, max_deliveries, batch_size, killer, last = argv
    consumer: StreamConsumer

    def handler(envelope: Envelope, context: DeliveryContext) -> None:
        print(f"try {envelope.player_id} {context.delivery_count}", flush=True)
        if envelope.player_id == killer:
            os.kill(os.getpid(), signal.SIGKILL)
        if envelope.player_id == last:
            consumer.stop()

    client = redis.Redis(host="127.0.0.1", port=int(port))
    consumer = StreamConsumer(client, stream, group, handler, consumer=name, context=True, block_ms=100,
                              max_deliveries=int(max_deliveries), batch_size=int(batch_size), claim_idle_ms=600_000)
    consumer.run()
    print(f"stats {consumer.stats}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
