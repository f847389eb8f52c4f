"""Consume ThrillDrops events from a Redis stream, idempotently, with a graceful stop.

Run it against a Redis server (``pip install 'thrilldrops-events[redis]'``)::

    python examples/stream_consumer.py --url redis://127.0.0.1:6379/0 --group campaigns

It counts each player's events by type in the hash ``counts:<operator>:<player>``.
Delivery is at least once, so the same entry can arrive twice (after a crash, a timeout
or a reclaim), and a producer may publish the same event twice: the handler records each
event's natural key (``thrilldrops_events.dedup_key``) in the same atomic step as its
effect, so every event counts once. SIGTERM or Ctrl-C stops it after the current entry.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import sys
from typing import Any

import redis

from thrilldrops_events import Envelope, dedup_key
from thrilldrops_events.streams import DeliveryContext, RetryPolicy, StreamConsumer

#: How long an event's key is remembered: longer than any redelivery can take.
SEEN_FOR_SECONDS = 7 * 24 * 3600

# Record the key and apply the effect in one atomic step:
# both happen, or (for a repeat) neither.
_APPLY_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  return 1
end
return 0
"""

log = logging.getLogger("stream_consumer")


class EventCounter:
    """The handler: counts each player's events by type, each event once."""

    def __init__(self, client: redis.Redis) -> None:
        self._apply_once = client.register_script(_APPLY_ONCE)

    def __call__(self, envelope: Envelope, context: DeliveryContext) -> None:
        seen = "seen:" + hashlib.sha256(dedup_key(envelope).encode()).hexdigest()
        counts = f"counts:{envelope.operator_id}:{envelope.player_id}"
        if not self._apply_once(
            keys=[seen, counts], args=[SEEN_FOR_SECONDS, envelope.event_type.value]
        ):
            log.info(
                "skipped a repeat of a %s event (entry %s, try %d)",
                envelope.event_type.value,
                context.entry_id,
                context.delivery_count,
            )


def build_consumer(
    client: redis.Redis, stream: str, group: str, **options: Any
) -> StreamConsumer:
    """The consumer: an ``EventCounter`` behind a ``StreamConsumer``, our settings."""
    options.setdefault("max_deliveries", 5)
    options.setdefault("claim_idle_ms", 30_000)
    # A Redis error in the handler is worth retrying (1 s, 2 s, 4 s...);
    # a bug (a TypeError, say) is not.
    options.setdefault(
        "retry", RetryPolicy(first_delay_ms=1000, give_up_on=(TypeError, KeyError))
    )
    return StreamConsumer(
        client, stream, group, EventCounter(client), context=True, **options
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--stream", default="events")
    parser.add_argument("--group", default="campaigns")
    parser.add_argument(
        "--consumer",
        default=None,
        help="a stable name per process, such as the pod name",
    )
    parser.add_argument("--claim-idle-ms", type=int, default=30_000)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    client = redis.Redis.from_url(args.url)
    consumer = build_consumer(
        client,
        args.stream,
        args.group,
        consumer=args.consumer,
        claim_idle_ms=args.claim_idle_ms,
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: consumer.stop())
    log.info(
        "consumer %s reading %s in group %s", consumer.consumer, args.stream, args.group
    )
    consumer.run()
    log.info("stopped: %s", consumer.stats)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
