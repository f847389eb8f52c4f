"""Redis Streams: publish events and consume them in a consumer group without losing any (extra ``redis``).

This is the only part of the library that imports redis-py (``pip install 'thrilldrops-events[redis]'``).
Entries use the field layout of ``thrilldrops_events.codecs.redis``, which needs no redis itself.
Every client may be a ``redis.Redis`` or a ``redis.cluster.RedisCluster`` (or their asyncio flavours).

* [publish][thrilldrops_events.streams.publish] / [publish_many][thrilldrops_events.streams.publish_many]
  (and their asyncio twins, [publish_async][thrilldrops_events.streams.publish_async] /
  [publish_many_async][thrilldrops_events.streams.publish_many_async]) append events with ``XADD``: in
  chunks, in bounded memory, with backpressure on a group's lag, and durably (``WAIT`` for replicas) on
  request;
* [StreamConsumer][thrilldrops_events.streams.StreamConsumer] /
  [AsyncStreamConsumer][thrilldrops_events.streams.AsyncStreamConsumer] consume one stream in one
  consumer group: at-least-once delivery, acknowledgement after the handler returns, ``max_deliveries``
  counting real handler attempts, retries with growing delays, a bounded dead-letter stream,
  reclaiming from dead consumers, recovery from ``NOGROUP``, lost connections and cluster failovers,
  a handler context, batch handlers, asyncio concurrency in player order, a metrics hook, graceful stop;
* [trim][thrilldrops_events.streams.trim], [replay_dead_letters][thrilldrops_events.streams.replay_dead_letters]
  and [stream_info][thrilldrops_events.streams.stream_info] operate a stream (also as
  ``thrilldrops-events streams``);
* [dedup_key][thrilldrops_events.dedup_key] gives each event's natural de-duplication key for idempotent handlers.

Logging goes to the ``thrilldrops_events.streams`` logger; field values (and so session tokens) are
never logged.
"""

from __future__ import annotations

try:
    import redis as _redis
except ImportError as _error:  # pragma: no cover - exercised in a subprocess without redis
    raise ImportError(
        "thrilldrops_events.streams needs redis-py: pip install 'thrilldrops-events[redis]'"
    ) from _error

from thrilldrops_events.dedup import dedup_key
from thrilldrops_events.errors import StreamBackpressureError, StreamConfigError, StreamDurabilityError
from thrilldrops_events.streams._admin import (
    ConsumerInfo,
    Replayed,
    StreamInfo,
    TrimResult,
    replay_dead_letters,
    stream_info,
    trim,
)
from thrilldrops_events.streams._apublish import publish_async, publish_many_async
from thrilldrops_events.streams._async import AsyncStreamConsumer
from thrilldrops_events.streams._deliveries import Delivery, DeliveryContext
from thrilldrops_events.streams._keys import dead_letter_key
from thrilldrops_events.streams._publish import publish, publish_many
from thrilldrops_events.streams._records import (
    DEAD_LETTER_FIELDS,
    ConsumerStats,
    DeadLetter,
    GroupInfo,
    parse_dead_letter,
)
from thrilldrops_events.streams._retry import RetryPolicy
from thrilldrops_events.streams._sync import StreamConsumer
from thrilldrops_events.streams._tally import MetricsHook, Outcome

del _redis

__all__ = [
    "DEAD_LETTER_FIELDS",
    "AsyncStreamConsumer",
    "ConsumerInfo",
    "ConsumerStats",
    "DeadLetter",
    "Delivery",
    "DeliveryContext",
    "GroupInfo",
    "MetricsHook",
    "Outcome",
    "Replayed",
    "RetryPolicy",
    "StreamBackpressureError",
    "StreamConfigError",
    "StreamConsumer",
    "StreamDurabilityError",
    "StreamInfo",
    "TrimResult",
    "dead_letter_key",
    "dedup_key",
    "parse_dead_letter",
    "publish",
    "publish_async",
    "publish_many",
    "publish_many_async",
    "replay_dead_letters",
    "stream_info",
    "trim",
]
