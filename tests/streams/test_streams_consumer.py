"""Publishing and the sync consumer on a real redis-server: acks, retries, dead letters, NOGROUP, trimming, stop."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import redis
from streams_support import ConsumerThread, RedisServer, make_event, make_events, wait_until

from thrilldrops_events import Envelope, PlayerLogin
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.streams import (
    AsyncStreamConsumer,
    GroupInfo,
    RetryPolicy,
    StreamConfigError,
    StreamConsumer,
    parse_dead_letter,
    publish,
    publish_async,
    publish_many,
    publish_many_async,
    replay_dead_letters,
)

pytestmark = pytest.mark.redis

STREAM = "events"
GROUP = "campaigns"


def fast_consumer(client: redis.Redis, handler: Any, **options: Any) -> StreamConsumer:
    """A consumer of STREAM in GROUP whose reads block briefly, so that stop() takes effect quickly."""
    options.setdefault("block_ms", 100)
    return StreamConsumer(client, STREAM, GROUP, handler, **options)


def group_pending(client: redis.Redis) -> int:
    return int(client.xpending(STREAM, GROUP)["pending"])


def dead_letters(client: Any, stream: str = "{events}:dead-letter") -> list[Any]:
    return [parse_dead_letter(entry_id, fields) for entry_id, fields in client.xrange(stream)]


def test_publish_writes_the_documented_layout(redis_server: RedisServer) -> None:
    client = redis_server.client()
    first = make_event(1)
    entry_id = publish(client, STREAM, first)
    ids = publish_many(client, STREAM, make_events(20, start=2), chunk_size=7)
    assert len(ids) == 20
    assert all(isinstance(i, str) for i in [entry_id, *ids])
    stored = client.xrange(STREAM)
    assert [i.decode() for i, _ in stored] == [entry_id, *ids]
    assert stored[0][1] == {k.encode(): v.encode() for k, v in codec.encode(first).items()}
    assert [codec.decode(fields) for _, fields in stored] == [first, *make_events(20, start=2)]
    publish_many(client, "trimmed", make_events(50), maxlen=10, approximate=False)
    assert client.xlen("trimmed") == 10
    publish(client, "trimmed", first, maxlen=3, approximate=False)
    assert client.xlen("trimmed") == 3


def test_every_event_handled_in_order_and_acknowledged(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(200)
    publish_many(client, STREAM, events)
    seen: list[Envelope] = []
    consumer = fast_consumer(client, seen.append, consumer="c1", batch_size=32)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 200)
    assert seen == events
    stats = consumer.stats
    assert (stats.handled, stats.retried, stats.dead_lettered, stats.reclaimed, stats.trimmed) == (200, 0, 0, 0, 0)
    assert stats.groups_created == 1
    assert consumer.group_info() == GroupInfo(name=GROUP, consumers=1, pending=0,
                                              last_delivered_id=client.xrange(STREAM)[-1][0].decode(),
                                              entries_read=200, lag=0)
    assert client.xlen(consumer.dead_letter_stream) == 0


def test_acknowledged_only_after_the_handler_returns(redis_server: RedisServer) -> None:
    client = redis_server.client()
    watcher = redis_server.client()
    publish_many(client, STREAM, make_events(10))
    pending_seen: list[int] = []

    def handler(envelope: Envelope) -> None:
        rows = watcher.xpending_range(STREAM, GROUP, "-", "+", 100)
        ids = {row["message_id"] for row in rows}
        ours = [entry_id for entry_id, fields in watcher.xrange(STREAM) if fields[b"player_id"] ==
                envelope.player_id.encode()]
        assert ours[0] in ids  # the entry being handled is still pending
        pending_seen.append(len(ids))

    consumer = fast_consumer(client, handler, consumer="c1", batch_size=4)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 10)
    assert len(pending_seen) == 10
    assert all(count >= 1 for count in pending_seen)
    assert group_pending(client) == 0


def test_handler_failure_leaves_the_entry_pending(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(12)
    ids = publish_many(client, STREAM, events)

    def handler(envelope: Envelope) -> None:
        if envelope.player_id == events[5].player_id:
            raise RuntimeError("database unavailable")

    consumer = fast_consumer(client, handler, consumer="c1", claim_idle_ms=600_000)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 11 and consumer.stats.retried == 1)
    rows = client.xpending_range(STREAM, GROUP, "-", "+", 100)
    assert [row["message_id"].decode() for row in rows] == [ids[5]]
    assert rows[0]["consumer"] == b"c1"
    assert consumer.stats.dead_lettered == 0


def test_failed_entry_is_retried_after_claim_idle_ms(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(20)
    publish_many(client, STREAM, events)
    calls: Counter[str] = Counter()
    target = events[7].player_id

    def handler(envelope: Envelope) -> None:
        calls[envelope.player_id] += 1
        if envelope.player_id == target and calls[target] <= 2:
            raise RuntimeError(f"attempt {calls[target]} failed")

    consumer = fast_consumer(client, handler, consumer="c1", claim_idle_ms=50, max_deliveries=5)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 20)
    assert calls[target] == 3
    assert all(calls[e.player_id] == 1 for e in events if e.player_id != target)
    stats = consumer.stats
    assert (stats.handled, stats.retried, stats.reclaimed, stats.dead_lettered) == (20, 2, 2, 0)
    assert group_pending(client) == 0


def test_too_many_deliveries_go_to_the_dead_letter_stream(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(10)
    ids = publish_many(client, STREAM, events)
    calls: Counter[str] = Counter()
    target = events[3].player_id

    def handler(envelope: Envelope) -> None:
        calls[envelope.player_id] += 1
        if envelope.player_id == target:
            raise ValueError(f"cannot handle this one (try {calls[target]})")

    consumer = fast_consumer(client, handler, consumer="c1", claim_idle_ms=30, max_deliveries=3)
    with ConsumerThread(consumer):
        wait_until(lambda: (consumer.stats.handled, consumer.stats.dead_lettered) == (9, 1))  # all 10 settled
    assert calls[target] == 3  # tried max_deliveries times, never a fourth
    (letter,) = dead_letters(client)
    assert letter.original_id == ids[3]
    assert (letter.stream, letter.group, letter.consumer) == (STREAM, GROUP, "c1")
    assert letter.reason == "max_deliveries"
    assert letter.deliveries == 3  # dead-lettered right after the third failure, not on a fourth delivery
    assert letter.error["last_error"] == "ValueError: cannot handle this one (try 3)"
    assert letter.fields == {k.encode(): v.encode() for k, v in codec.encode(events[3]).items()}
    stats = consumer.stats
    assert (stats.handled, stats.retried, stats.dead_lettered) == (9, 2, 1)
    assert group_pending(client) == 0


POISON: list[tuple[dict[bytes, bytes], set[str]]] = []


def poison_entries() -> list[tuple[dict[bytes, bytes], set[str]]]:
    good = {k.encode(): v.encode() for k, v in codec.encode(make_event(0)).items()}
    deposit = {k.encode(): v.encode() for k, v in codec.encode(make_event(3)).items()}
    transaction = {k.encode(): v.encode() for k, v in codec.encode(make_event(2)).items()}
    bad_amount = json.loads(deposit[b"payload"])
    bad_amount["amount"] = "abc"
    bad_types = json.loads(transaction[b"payload"])
    bad_types["is_free_spin"] = "maybe"
    bad_types["game_bet"] = [1]
    return [
        ({**deposit, b"payload": b'{"method_id": "visa", "currency": "EUR", "amount": '}, {"payload"}),
        ({**deposit, b"payload": json.dumps(bad_amount).encode()}, {"payload.amount"}),
        ({**transaction, b"payload": json.dumps(bad_types).encode()}, {"payload.game_bet", "payload.is_free_spin"}),
        ({**good, b"event_type": b"PlayerLogon"}, {"event_type"}),
        ({k: v for k, v in good.items() if k != b"timestamp"}, {"timestamp"}),
        ({**good, b"operator_id": b"\xc3\x28op"}, {"operator_id"}),
        ({b"hello": b"world"}, {"event_type", "operator_id", "brand_id", "player_id", "timestamp", "payload"}),
    ]


@pytest.mark.parametrize("decode_responses", [False, True])
def test_poison_entries_are_dead_lettered_and_good_ones_handled(redis_server: RedisServer,
                                                                decode_responses: bool) -> None:
    client = redis_server.client(decode_responses=decode_responses)
    raw = redis_server.client()
    poison = poison_entries()
    good_events = make_events(len(poison) + 1, tag="good")
    poison_ids: list[str] = []
    for index, event in enumerate(good_events):
        publish(raw, STREAM, event)
        if index < len(poison):
            poison_ids.append(raw.xadd(STREAM, poison[index][0]).decode())
    seen: list[Envelope] = []
    consumer = fast_consumer(client, seen.append, consumer="c1", batch_size=5)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled + consumer.stats.dead_lettered == len(good_events) + len(poison))
    assert seen == good_events
    assert consumer.stats.dead_lettered == len(poison)
    letters = dead_letters(raw)
    assert [letter.original_id for letter in letters] == poison_ids
    for letter, (fields, paths) in zip(letters, poison, strict=True):
        assert letter.fields == fields  # the original bytes, untouched
        assert letter.reason == "invalid"
        assert (letter.stream, letter.group, letter.consumer, letter.deliveries) == (STREAM, GROUP, "c1", 0)
        assert {problem["path"] for problem in letter.error["problems"]} == paths
        assert all(problem["message"] and problem["kind"] for problem in letter.error["problems"])
    assert group_pending(raw) == 0


def test_dead_letter_keeps_original_fields_named_like_its_metadata(redis_server: RedisServer) -> None:
    client = redis_server.client()
    original_id = client.xadd(STREAM, {"dead_letter_reason": "forged", "x": "1"}).decode()
    consumer = fast_consumer(client, lambda e: None, consumer="c1")
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 1)
    (letter,) = dead_letters(client)
    assert letter.reason == "invalid"
    assert letter.original_id == original_id
    assert letter.fields == {b"dead_letter_reason": b"forged", b"x": b"1"}


@pytest.mark.parametrize("own_pending", [False, True])
def test_an_entry_with_a_field_given_twice_is_dead_lettered_whole(redis_server: RedisServer,
                                                                  own_pending: bool) -> None:
    # XADD keeps every field-value pair, repeated names included: the entry is ambiguous, so it is
    # refused, never read with one of its values, and its dead letter holds every pair.
    client = redis_server.client()
    fields = codec.encode(make_event(1, tag="twice"))
    flat = [part for pair in fields.items() for part in pair]
    other = json.dumps({**json.loads(fields["payload"]), "amount": "99.00"})
    if own_pending:  # read by this consumer name before, so delivered again through XPENDING and XRANGE
        client.xgroup_create(STREAM, GROUP, "0", mkstream=True)
    entry_id = client.execute_command("XADD", STREAM, "*", *flat, "payload", other).decode()
    if own_pending:
        client.xreadgroup(GROUP, "c1", {STREAM: ">"})
    good = make_event(2, tag="good")
    publish(client, STREAM, good)
    seen: list[Envelope] = []
    consumer = fast_consumer(client, seen.append, consumer="c1")
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled + consumer.stats.dead_lettered == 2)
    assert seen == [good]
    assert consumer.stats.dead_lettered == 1
    connection = client.connection_pool.get_connection()
    try:  # the reply as the server sends it, without redis-py's callback that makes the fields a dict
        connection.send_command("XRANGE", "{events}:dead-letter", "-", "+")
        ((_, pairs),) = connection.read_response()
    finally:
        client.connection_pool.release(connection)
    assert pairs[-2 * (len(fields) + 1):] == [part.encode() for part in flat] + [b"payload", other.encode()]
    (letter,) = dead_letters(client)
    assert (letter.original_id, letter.reason) == (entry_id, "invalid")
    assert [(p["path"], p["kind"]) for p in letter.error["problems"]] == [("payload", "duplicate_field")]
    assert group_pending(client) == 0
    # redis-py reads one value per field name, so a replay would put back an event the entry never was: it is left
    length = client.xlen(STREAM)
    assert replay_dead_letters(client, STREAM) == []
    assert dead_letters(client) == [letter] and client.xlen(STREAM) == length


def test_group_recreated_after_it_was_destroyed(redis_server: RedisServer) -> None:
    client = redis_server.client()
    admin = redis_server.client()
    seen: Counter[str] = Counter()
    consumer = fast_consumer(client, lambda e: seen.update([e.player_id]), consumer="c1",
                              block_ms=100)
    with ConsumerThread(consumer):
        publish_many(admin, STREAM, make_events(10))
        wait_until(lambda: consumer.stats.handled == 10)
        assert admin.xgroup_destroy(STREAM, GROUP) == 1
        publish_many(admin, STREAM, make_events(10, start=10))
        # The group comes back at "0": the first ten are delivered again (at least once), the new ten once.
        wait_until(lambda: consumer.stats.handled == 30)
    assert consumer.stats.groups_created == 2
    assert set(seen) == {e.player_id for e in make_events(20)}
    assert sum(seen.values()) == 30
    assert group_pending(admin) == 0


def test_group_and_stream_recreated_after_flushall(redis_server: RedisServer) -> None:
    client = redis_server.client()
    admin = redis_server.client()
    seen: list[str] = []
    consumer = fast_consumer(client, lambda e: seen.append(e.player_id), consumer="c1",
                              block_ms=100)
    with ConsumerThread(consumer):
        publish_many(admin, STREAM, make_events(5))
        wait_until(lambda: consumer.stats.handled == 5)
        admin.flushall()  # what a restart without persistence does
        wait_until(lambda: consumer.stats.groups_created == 2)
        publish_many(admin, STREAM, make_events(5, start=5))
        wait_until(lambda: consumer.stats.handled == 10)
    assert seen == [e.player_id for e in make_events(10)]
    assert group_pending(admin) == 0


def test_trimmed_pending_entries_are_acknowledged_and_logged(redis_server: RedisServer,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    client = redis_server.client()
    publish_many(client, STREAM, make_events(30))

    def refuse(envelope: Envelope) -> None:
        raise RuntimeError("not now")

    failing = fast_consumer(client, refuse, consumer="A", claim_idle_ms=600_000)
    with ConsumerThread(failing):
        wait_until(lambda: failing.stats.retried == 30)
    assert group_pending(client) == 30
    client.xtrim(STREAM, maxlen=10, approximate=False)  # deletes 20 entries that are still pending
    caplog.set_level(logging.WARNING, logger="thrilldrops_events.streams")

    # The same consumer name, started again, first drains its own pending entries (XREADGROUP ... 0).
    handled: list[str] = []
    again = fast_consumer(client, lambda e: handled.append(e.player_id), consumer="A",
                           claim_idle_ms=600_000)
    with ConsumerThread(again):
        wait_until(lambda: again.stats.handled + again.stats.trimmed == 30)
    assert (again.stats.trimmed, again.stats.handled) == (20, 10)
    assert handled == [e.player_id for e in make_events(30)[20:]]
    assert group_pending(client) == 0
    assert sum("trimmed or deleted" in record.getMessage() for record in caplog.records) == 20


def test_trimmed_entries_of_a_dead_consumer_are_acknowledged_on_reclaim(redis_server: RedisServer) -> None:
    client = redis_server.client()
    publish_many(client, STREAM, make_events(25))
    client.xgroup_create(STREAM, GROUP, id="0")
    client.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=25)  # read, never acknowledged
    ids = [entry_id for entry_id, _ in client.xrange(STREAM)]
    client.xdel(STREAM, *ids[:15])
    handled: list[str] = []
    rescuer = fast_consumer(client, lambda e: handled.append(e.player_id), consumer="B",
                             claim_idle_ms=1)
    with ConsumerThread(rescuer):
        wait_until(lambda: rescuer.stats.handled + rescuer.stats.trimmed == 25)
    assert (rescuer.stats.trimmed, rescuer.stats.reclaimed, rescuer.stats.handled) == (15, 10, 10)
    assert handled == [e.player_id for e in make_events(25)[15:]]
    assert group_pending(client) == 0


def test_graceful_stop_finishes_the_current_entry(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(50)
    publish_many(client, STREAM, events)
    handled: list[str] = []
    consumer: StreamConsumer

    def handler(envelope: Envelope) -> None:
        if len(handled) == 4:
            consumer.stop()  # as a signal handler would, in the middle of a batch
        handled.append(envelope.player_id)

    consumer = fast_consumer(client, handler, consumer="A", batch_size=50)
    consumer.run()  # returns after the fifth entry
    assert handled == [e.player_id for e in events[:5]]
    assert consumer.stats.handled == 5
    rows = client.xpending_range(STREAM, GROUP, "-", "+", 100)
    assert len(rows) == 45  # the rest of the batch: read, not handled, still pending for A

    resumed: list[str] = []
    again = fast_consumer(client, lambda e: resumed.append(e.player_id), consumer="A")
    with ConsumerThread(again):
        wait_until(lambda: again.stats.handled == 45)
    assert resumed == [e.player_id for e in events[5:]]
    assert group_pending(client) == 0


def test_stop_before_run_returns_at_once(redis_server: RedisServer) -> None:
    consumer = fast_consumer(redis_server.client(), lambda e: None)
    consumer.stop()
    consumer.run()
    assert consumer.stats.groups_created == 0


def test_group_info_reports_lag_and_pending(redis_server: RedisServer) -> None:
    client = redis_server.client()
    consumer: StreamConsumer

    def handler(envelope: Envelope) -> None:
        if consumer.stats.handled == 3:
            consumer.stop()

    consumer = fast_consumer(client, handler, consumer="A", batch_size=4)
    assert consumer.group_info() is None
    publish_many(client, STREAM, make_events(10))
    consumer.run()
    info = consumer.group_info()
    assert info is not None
    assert (info.pending, info.entries_read, info.lag, info.consumers) == (0, 4, 6, 1)


def test_session_tokens_never_reach_the_logs(redis_server: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="thrilldrops_events.streams")
    client = redis_server.client()
    secret = "TOKEN-5f3a9c-do-not-log"
    login = make_event(0).model_copy(update={"payload": PlayerLogin(
        channel_type="MobileWeb", currency="EUR", session_token=secret)})
    publish(client, STREAM, login)
    broken = codec.encode(login)
    broken["payload"] = broken["payload"].replace('"EUR"', '"€"')
    client.xadd(STREAM, broken)
    failures = Counter[str]()

    def handler(envelope: Envelope) -> None:
        failures.update(["x"])
        if failures["x"] == 1:
            raise RuntimeError(f"failed on {envelope!r}")

    consumer = fast_consumer(client, handler, consumer="A", claim_idle_ms=20)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 1 and consumer.stats.dead_lettered == 1)
    assert consumer.stats.retried == 1
    assert caplog.records
    assert secret not in caplog.text
    assert all(secret not in str(record.exc_info) for record in caplog.records)
    (letter,) = dead_letters(client)
    assert secret not in json.dumps(letter.error)


def test_impossible_settings_are_refused(redis_server: RedisServer) -> None:
    client = redis_server.client()
    for options in ({"max_deliveries": 0}, {"claim_idle_ms": 0}, {"batch_size": -1}, {"block_ms": True},
                    {"dead_letter_stream": STREAM}, {"consumer": ""}, {"claim_interval_ms": 0}):
        with pytest.raises(StreamConfigError):
            StreamConsumer(client, STREAM, GROUP, lambda e: None, **options)
    with pytest.raises(StreamConfigError):
        StreamConsumer(client, "", GROUP, lambda e: None)
    with pytest.raises(StreamConfigError):
        StreamConsumer(client, STREAM, GROUP, "not callable")  # type: ignore[arg-type]
    with pytest.raises(StreamConfigError):
        publish_many(client, STREAM, [], chunk_size=0)
    assert issubclass(StreamConfigError, ValueError)


@pytest.mark.parametrize("option", ["claim_idle_ms", "dead_letter_maxlen", "block_ms", "batch_size", "max_deliveries"])
def test_a_number_redis_cannot_read_is_refused_at_once(redis_server: RedisServer, option: str) -> None:
    # Redis reads a signed 64-bit integer: a larger one was accepted, then refused by the server on every run
    client = redis_server.client()
    with pytest.raises(StreamConfigError, match=f"{option} must be at most 9223372036854775807"):
        StreamConsumer(client, STREAM, GROUP, print, **{option: 2**63})
    with pytest.raises(StreamConfigError, match="maxlen must be at most"):
        publish_many(client, STREAM, [], maxlen=2**63)
    with pytest.raises(StreamConfigError, match="first_delay_ms must be at most"):
        RetryPolicy(first_delay_ms=2**63)
    assert StreamConsumer(client, STREAM, GROUP, print, claim_idle_ms=2**63 - 1)


@pytest.mark.parametrize("stream", ["", b"events", None])
def test_a_stream_name_a_consumer_refuses_is_refused_by_publish_too(redis_server: RedisServer, stream: Any) -> None:
    client = redis_server.client()
    with pytest.raises(StreamConfigError, match="stream must be a non-empty string"):
        publish_many(client, stream, [])
    with pytest.raises(StreamConfigError, match="stream must be a non-empty string"):
        StreamConsumer(client, stream, GROUP, print)
    with pytest.raises(StreamConfigError, match="group must be a non-empty string"):
        StreamConsumer(client, STREAM, stream, print)
    assert client.keys() == []


@pytest.mark.parametrize("start", ["bogus", "-1", "1-", "*", ">", "+", "1.5", None, "18446744073709551616",
                                   "1-18446744073709551616"])
def test_a_group_start_id_that_is_not_an_id_is_refused_at_once(redis_server: RedisServer, start: str) -> None:
    # It used to be accepted, and run() then failed with the server's "Invalid stream ID" ResponseError.
    with pytest.raises(StreamConfigError, match="group_start_id must be"):
        StreamConsumer(redis_server.client(), STREAM, GROUP, print, group_start_id=start)


@pytest.mark.parametrize("start", ["$", "0", "0-0", "1777852800000", "1777852800000-3", "18446744073709551615-0"])
def test_every_group_start_id_redis_takes_is_accepted(redis_server: RedisServer, start: str) -> None:
    client = redis_server.client()
    consumer = fast_consumer(client, print, group_start_id=start)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.groups_created == 1)


@pytest.mark.parametrize("strict", ["yes", 1, None])
def test_strict_must_be_true_or_false(redis_server: RedisServer, strict: Any) -> None:
    with pytest.raises(StreamConfigError, match="strict must be True or False"):
        StreamConsumer(redis_server.client(), STREAM, GROUP, print, strict=strict)


def test_a_client_of_the_wrong_flavour_is_refused_at_once(redis_server: RedisServer) -> None:
    # An asyncio client given where a blocking one goes (or the reverse) used to fail only in run() or
    # in the publish, with an AttributeError or TypeError from inside redis-py and a never-awaited coroutine.
    blocking, asyncio_client = redis_server.client(), redis_server.async_client()
    with pytest.raises(StreamConfigError, match=r"not redis\.asyncio\.client\.Redis; for an asyncio client, use "
                                                r"AsyncStreamConsumer"):
        StreamConsumer(asyncio_client, STREAM, GROUP, print)
    with pytest.raises(StreamConfigError, match=r"not redis\.client\.Redis; for a blocking client, use StreamConsumer"):
        AsyncStreamConsumer(blocking, STREAM, GROUP, print)
    with pytest.raises(StreamConfigError, match=r"client must be a redis\.Redis or a redis\.cluster\.RedisCluster, "
                                                r"not builtins\.NoneType$"):
        StreamConsumer(None, STREAM, GROUP, print)  # type: ignore[arg-type]
    event = make_event(1)
    with pytest.raises(StreamConfigError, match="use publish_async"):
        publish(asyncio_client, STREAM, event)
    with pytest.raises(StreamConfigError, match="use publish_many_async"):
        publish_many(asyncio_client, STREAM, [event])
    with pytest.raises(StreamConfigError, match=r"use publish$"):
        asyncio.run(publish_async(blocking, STREAM, event))  # type: ignore[arg-type]
    with pytest.raises(StreamConfigError, match=r"use publish_many$"):
        asyncio.run(publish_many_async(blocking, STREAM, [event]))  # type: ignore[arg-type]
    assert not blocking.exists(STREAM)


async def _coroutine_handler(envelope: Envelope) -> None:
    pass


def _generator_handler(envelope: Envelope) -> Any:
    yield envelope


async def _async_generator_handler(envelope: Envelope) -> Any:
    yield envelope


def test_a_handler_whose_body_would_never_run_is_refused_at_once(redis_server: RedisServer) -> None:
    # Called, such a handler only makes a coroutine or a generator: the entry was acknowledged as handled
    # while the handler's body never ran.
    client, asyncio_client = redis_server.client(), redis_server.async_client()
    with pytest.raises(StreamConfigError, match="handler is a coroutine function: use AsyncStreamConsumer"):
        StreamConsumer(client, STREAM, GROUP, _coroutine_handler)
    for handler in (_generator_handler, _async_generator_handler):
        with pytest.raises(StreamConfigError, match="generator function"):
            StreamConsumer(client, STREAM, GROUP, handler)
        with pytest.raises(StreamConfigError, match="generator function"):
            AsyncStreamConsumer(asyncio_client, STREAM, GROUP, handler)
    AsyncStreamConsumer(asyncio_client, STREAM, GROUP, _coroutine_handler)  # its own flavour


class _AwaitingCall:
    """A handler object whose ``__call__`` is a coroutine function: callable, but it only makes a coroutine."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, envelope: Envelope) -> None:
        self.calls += 1  # pragma: no cover - the coroutine is never awaited


@pytest.mark.parametrize("batch", [False, True])
def test_a_handler_returning_an_awaitable_to_the_blocking_consumer_fails_the_entry(redis_server: RedisServer,
                                                                                   batch: bool) -> None:
    client = redis_server.client()
    entry_id = publish(client, STREAM, make_event(1))
    handler = _AwaitingCall()
    wrapped: Any = (lambda deliveries: handler(deliveries[0].envelope)) if batch else handler
    consumer = fast_consumer(client, wrapped, consumer="c1", max_deliveries=1, batch=batch)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 1)
    assert consumer.stats.handled == 0
    (letter,) = dead_letters(client)
    assert (letter.original_id, letter.reason) == (entry_id, "max_deliveries")
    assert letter.error["last_error"].startswith("TypeError: the handler returned a coroutine")
    assert group_pending(client) == 0


def test_running_one_consumer_twice_at_once_is_refused(redis_server: RedisServer) -> None:
    # Two loops over one consumer's state used to end both with a ValueError, after entries were handled twice.
    client = redis_server.client()
    publish_many(client, STREAM, make_events(20))
    consumer = fast_consumer(client, lambda envelope: None)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 20)
        with pytest.raises(RuntimeError, match="already running"):
            consumer.run()
    assert consumer.stats.handled == 20
    assert group_pending(client) == 0

    async def twice() -> None:
        async_client = redis_server.async_client()
        async_consumer = AsyncStreamConsumer(async_client, STREAM, "other", lambda envelope: None, block_ms=50)
        task = asyncio.ensure_future(async_consumer.run())
        await asyncio.sleep(0.05)
        with pytest.raises(RuntimeError, match="already running"):
            await async_consumer.run()
        async_consumer.stop()
        await task
        await async_client.aclose()

    asyncio.run(twice())


class _Unprintable(Exception):
    """An exception whose ``str()`` itself fails, as a broken ``__str__`` of some library's error does."""

    def __str__(self) -> str:
        raise ValueError("__str__ failed")


class _UnprintableKey:
    def __str__(self) -> str:
        raise ValueError("__str__ failed")


class _UnreadableMapping(dict[str, Exception]):
    def items(self) -> Any:
        raise RuntimeError("items() failed")


@pytest.mark.parametrize("mode", ["raises", "batch value", "batch key", "batch mapping"])
def test_a_failure_that_cannot_be_printed_never_stops_the_consumer(redis_server: RedisServer, mode: str) -> None:
    # It used to end run() with the ValueError of the exception's own __str__, leaving the entry pending.
    client = redis_server.client()
    entry_id = publish(client, STREAM, make_event(1))

    def handler(deliveries: Any) -> Any:
        if mode == "raises":
            raise _Unprintable
        if mode == "batch value":
            return {deliveries[0].entry_id: _Unprintable()}
        if mode == "batch key":
            return {_UnprintableKey(): ValueError("x")}
        return _UnreadableMapping(x=ValueError("x"))

    consumer = fast_consumer(client, handler, consumer="c1", max_deliveries=1, batch=mode != "raises")
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered + consumer.stats.handled == 1)
    assert group_pending(client) == 0
    if mode == "batch key":  # a key that is no entry of the batch is logged and left out, as any unknown id
        assert consumer.stats.handled == 1
        return
    (letter,) = dead_letters(client)
    assert (letter.original_id, letter.reason) == (entry_id, "max_deliveries")
    assert letter.error["last_error"].startswith(("_Unprintable: <str() failed", "TypeError: "))


@pytest.mark.parametrize("mode", ["raises", "batch value"])
@pytest.mark.parametrize("reason", ["max_deliveries", "not_retryable"])
def test_a_failure_whose_text_is_not_utf8_is_dead_lettered_not_a_crash(redis_server: RedisServer, mode: str,
                                                                       reason: str) -> None:
    # A message holding a lone surrogate (bytes decoded with errors="surrogateescape") could not be written to
    # Redis: run() ended with UnicodeEncodeError, and did again on the same entry after every restart.
    client = redis_server.client()
    entry_id = publish(client, STREAM, make_event(1))
    failure = LookupError("no file b'\udcff.csv'")

    def handler(deliveries: Any) -> Any:
        if mode == "raises":
            raise failure
        return {deliveries[0].entry_id: failure}

    retry = RetryPolicy(give_up_on=(LookupError,) if reason == "not_retryable" else ())
    consumer = fast_consumer(client, handler, consumer="c1", max_deliveries=1, batch=mode != "raises", retry=retry)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 1)
    assert group_pending(client) == 0
    (letter,) = dead_letters(client)
    assert (letter.original_id, letter.reason) == (entry_id, reason)
    assert letter.error["last_error"] == "LookupError: no file b'\\udcff.csv'"


def test_default_consumer_names_are_distinct(redis_server: RedisServer) -> None:
    client = redis_server.client()
    names = {fast_consumer(client, lambda e: None).consumer for _ in range(3)}
    assert len(names) == 3


def test_wrongtype_is_raised_not_swallowed(redis_server: RedisServer) -> None:
    client = redis_server.client()
    client.set(STREAM, "not a stream")
    consumer = fast_consumer(client, lambda e: None)
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        consumer.run()


def test_money_survives_the_stream_exactly(redis_server: RedisServer) -> None:
    client = redis_server.client()
    amounts = ["0.10", "1E-18", "12345678901234567890.123456789012345678", "0"]
    events = [make_event(3).model_copy(update={"payload": make_event(3).payload.model_copy(
        update={"amount": Decimal(a)})}) for a in amounts]
    publish_many(client, STREAM, events)
    seen: list[Envelope] = []
    lock = threading.Lock()

    def handler(envelope: Envelope) -> None:
        with lock:
            seen.append(envelope)

    consumer = fast_consumer(client, handler, consumer="A")
    with ConsumerThread(consumer):
        wait_until(lambda: len(seen) == 4)
    assert [str(e.payload.amount) for e in seen] == [str(Decimal(a)) for a in amounts]  # type: ignore[union-attr]


def test_entries_whose_read_reply_was_lost_are_delivered_again(redis_server: RedisServer) -> None:
    """A reply to XREADGROUP lost on the way (the client retried after a dropped connection) leaves entries
    pending for the consumer that it never received; the idle consumer finds and handles them, without
    waiting for claim_idle_ms, and leaves handler failures waiting for their retry."""
    client = redis_server.client()
    handled: list[str] = []
    failures: list[str] = []

    def handler(envelope: Envelope) -> None:
        if envelope.player_id.startswith("p-fail"):
            failures.append(envelope.player_id)
            raise RuntimeError("not now")
        handled.append(envelope.player_id)

    consumer = fast_consumer(client, handler, consumer="c1", claim_idle_ms=600_000)
    with ConsumerThread(consumer):
        failing = make_event(1).model_copy(update={"player_id": "p-fail-1"})
        publish(client, STREAM, failing)
        wait_until(lambda: failures == ["p-fail-1"])
        lost = make_events(5, tag="lost", start=10)
        # Add them and read them as "c1" in one transaction, on another connection: the entries are now
        # pending for c1, which never saw them (as if the reply to its own read had been lost).
        pipe = client.pipeline(transaction=True)
        for envelope in lost:
            pipe.xadd(STREAM, codec.encode(envelope))  # type: ignore[arg-type]
        pipe.xreadgroup(GROUP, "c1", {STREAM: ">"}, count=100)
        read = pipe.execute()[-1]
        assert len(read[0][1]) == len(lost)
        wait_until(lambda: sorted(handled) == sorted(e.player_id for e in lost))
        assert consumer.stats.reclaimed == 0  # found by the consumer itself, not by XAUTOCLAIM
    assert failures == ["p-fail-1"]  # the failed entry still waits for its retry after claim_idle_ms
    assert group_pending(client) == 1


@pytest.mark.parametrize("protocol", [2, 3])
def test_both_protocols_and_decoded_replies(redis_server: RedisServer, protocol: int) -> None:
    """The consumer reads raw replies in RESP2 (lists) and RESP3 (maps) alike, whatever decode_responses says."""
    client = redis_server.client(protocol=protocol, decode_responses=True)
    events = make_events(30)
    publish_many(client, STREAM, events)
    client.xadd(STREAM, {"event_type": "Deposit"})
    tries: Counter[str] = Counter()

    def handler(envelope: Envelope) -> None:
        tries[envelope.player_id] += 1
        if envelope.player_id == events[4].player_id and tries[envelope.player_id] == 1:
            raise RuntimeError("once")

    consumer = fast_consumer(client, handler, consumer="c1", claim_idle_ms=10_000,
                             retry=RetryPolicy(first_delay_ms=20))
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.handled == 30 and consumer.stats.dead_lettered == 1)
    stats = consumer.stats
    assert (stats.retried, stats.reclaimed) == (1, 1)
    assert tries[events[4].player_id] == 2
    assert group_pending(client) == 0
    assert [letter.reason for letter in dead_letters(client)] == ["invalid"]
