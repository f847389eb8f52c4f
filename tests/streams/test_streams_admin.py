"""Operating streams: a trim that never deletes what a group needs, dead letters replayed, the figures, the CLI."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest
from streams_support import ConsumerThread, RedisServer, make_events, wait_until

from thrilldrops_events import Envelope, EventValidationError
from thrilldrops_events.cli import main
from thrilldrops_events.streams import (
    RetryPolicy,
    StreamConfigError,
    StreamConsumer,
    TrimResult,
    dead_letter_key,
    parse_dead_letter,
    publish_many,
    replay_dead_letters,
    stream_info,
    trim,
)

pytestmark = pytest.mark.redis

STREAM = "events"
DEAD = "{events}:dead-letter"


def read_and_ack(client: Any, group: str, read: int, acked: int) -> list[str]:
    """Let a consumer of ``group`` read ``read`` entries and acknowledge the first ``acked``; return their ids."""
    client.xgroup_create(STREAM, group, id="0")
    reply = client.xreadgroup(group, f"{group}-1", {STREAM: ">"}, count=read)
    ids = [entry_id.decode() for entry_id, _ in reply[0][1]]
    if acked:
        client.xack(STREAM, group, *ids[:acked])
    return ids


def test_trim_stops_below_what_a_group_still_needs(redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(100))
    read_and_ack(client, "A", read=30, acked=20)  # pending: ids[20:30]
    read_and_ack(client, "B", read=60, acked=60)  # nothing pending; ids[60:] not read yet
    result = trim(client, STREAM, maxlen=10)  # asks to keep ids[90:]
    assert (result.deleted, result.boundary, result.held_by) == (20, ids[20], "A")
    assert [entry_id.decode() for entry_id, _ in client.xrange(STREAM)] == ids[20:]
    pending = [row["message_id"].decode() for row in client.xpending_range(STREAM, "A", "-", "+", 100)]
    assert all(client.xrange(STREAM, entry_id, entry_id) for entry_id in pending)  # every pending entry kept

    client.xack(STREAM, "A", *ids[20:30])
    result = trim(client, STREAM, maxlen=10)
    assert (result.deleted, result.boundary, result.held_by) == (10, ids[30], "A")  # A has not read ids[30:] yet
    client.xgroup_destroy(STREAM, "A")
    result = trim(client, STREAM, minid=ids[95])
    assert (result.deleted, result.boundary, result.held_by) == (30, ids[60], "B")  # B has not read ids[60:]
    assert client.xlen(STREAM) == 40


def test_a_group_with_nothing_pending_holds_the_trim_at_the_first_entry_it_has_not_read(
        redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = ["5-0", "5-1", "7-0", "7-3", "8-0"]  # the ids a stream gets when the millisecond changes between adds
    for entry_id in ids:
        client.xadd(STREAM, {"event": "{}"}, id=entry_id)
    read_and_ack(client, "B", read=2, acked=2)  # read up to 5-1; the next entry is 7-0, not 5-2
    assert trim(client, STREAM, maxlen=0) == TrimResult(2, "7-0", "B")
    assert [entry_id.decode() for entry_id, _ in client.xrange(STREAM)] == ids[2:]
    client.xreadgroup("B", "B-1", {STREAM: ">"}, count=3)
    client.xack(STREAM, "B", "7-0", "7-3", "8-0")
    assert trim(client, STREAM, maxlen=0) == TrimResult(3, "8-1", None)  # all read: the least id above the last
    assert client.xlen(STREAM) == 0


def test_trim_without_groups_does_what_it_is_asked(redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(50))
    assert trim(client, STREAM, maxlen=60).deleted == 0
    assert trim(client, STREAM, maxlen=40) == type(trim(client, "missing", maxlen=0))(10, ids[10], None)
    assert trim(client, STREAM, minid=ids[45]).deleted == 35
    assert trim(client, "missing", maxlen=0).deleted == 0
    publish_many(client, "other", make_events(30))
    assert (trim(client, "other", maxlen=0).deleted, client.xlen("other")) == (30, 0)  # all of it, if nobody needs it
    for options in ({}, {"maxlen": 1, "minid": "1-0"}, {"maxlen": -1}, {"minid": "yesterday"}, {"maxlen": True}):
        with pytest.raises(StreamConfigError):
            trim(client, STREAM, **options)


def test_trimming_never_costs_a_consumer_an_entry(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(200)
    publish_many(client, STREAM, events)
    # The group exists before the first trim, as in production: a trim protects the groups it finds, and a
    # group the consumer thread created only after a trim had begun would find its entries gone.
    client.xgroup_create(STREAM, "campaigns", id="0")
    seen: list[str] = []
    consumer = StreamConsumer(client, STREAM, "campaigns", lambda e: seen.append(e.player_id), consumer="c1",
                              block_ms=20, batch_size=7)
    deadline = time.monotonic() + 60  # a guard against a hang, not a speed check
    with ConsumerThread(consumer):
        while consumer.stats.handled < 200:
            trim(client, STREAM, maxlen=0)  # as eager as can be
            if time.monotonic() > deadline:
                pytest.fail(f"the consumer handled {consumer.stats.handled} of 200 entries within 60 s")
    assert seen == [e.player_id for e in events]
    assert consumer.stats.trimmed == 0


def dead_lettering_consumer(client: Any) -> StreamConsumer:
    def handler(envelope: Envelope) -> None:
        if envelope.player_id.endswith(("3", "7")):
            raise LookupError("unknown campaign")

    return StreamConsumer(client, STREAM, "campaigns", handler, consumer="c1", block_ms=20,
                          retry=RetryPolicy(give_up_on=(LookupError,)))


def test_dead_letters_replayed_once_their_cause_is_fixed(redis_server: RedisServer) -> None:
    client = redis_server.client()
    events = make_events(20)
    publish_many(client, STREAM, events)
    poison = client.xadd(STREAM, {"event_type": "Deposit"}).decode()
    consumer = dead_lettering_consumer(client)
    with ConsumerThread(consumer):
        wait_until(lambda: (consumer.stats.handled, consumer.stats.dead_lettered) == (16, 5))  # all 21 settled
    assert client.xlen(DEAD) == 5

    planned = replay_dead_letters(client, STREAM, reason="not_retryable", dry_run=True)
    assert [item.entry_id for item in planned] == [None] * 4 and client.xlen(DEAD) == 5
    first = replay_dead_letters(client, STREAM, reason="not_retryable", count=3)
    rest = replay_dead_letters(client, STREAM, reason="not_retryable")
    replayed = first + rest
    assert [len(first), len(rest)] == [3, 1]
    wanted = [e.player_id for e in events if e.player_id.endswith(("3", "7"))]
    assert [item.dead_letter.fields[b"player_id"].decode() for item in replayed] == wanted
    assert [parse_dead_letter(i, f).original_id for i, f in client.xrange(DEAD)] == [poison]  # the rest stays
    for item in replayed:  # the same fields, byte for byte, under a new id
        (entry,) = client.xrange(STREAM, item.entry_id, item.entry_id)
        assert entry[1] == item.dead_letter.fields

    handled: list[str] = []
    fixed = StreamConsumer(client, STREAM, "campaigns", lambda e: handled.append(e.player_id), consumer="c1",
                           block_ms=20)
    with ConsumerThread(fixed):
        wait_until(lambda: fixed.stats.handled == 4)
    assert handled == wanted


@pytest.mark.parametrize("names", [
    ("original:dead_letter_id",),
    ("dead_letter_reason", "original:dead_letter_reason"),
    ("original:original:dead_letter_error", "original:dead_letter_error", "dead_letter_error"),
    ("original:", "original:x"),  # not escaped: nothing a dead letter adds is named so
])
def test_fields_named_like_a_dead_letter_s_own_come_back_exactly(redis_server: RedisServer,
                                                                 names: tuple[str, ...]) -> None:
    client = redis_server.client()
    fields = {b"event_type": b"Deposit", **{name.encode(): f"value of {name}".encode() for name in names}}
    entry_id = client.xadd(STREAM, fields).decode()  # no payload: dead-lettered as invalid
    consumer = dead_lettering_consumer(client)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 1)
    [(dead_id, dead_fields)] = client.xrange(DEAD)
    letter = parse_dead_letter(dead_id, dead_fields)
    assert (letter.original_id, letter.reason, letter.fields) == (entry_id, "invalid", fields)
    [replayed] = replay_dead_letters(client, STREAM)
    [(_, back)] = client.xrange(STREAM, replayed.entry_id, replayed.entry_id)
    assert back == fields


def test_a_client_that_decodes_responses_operates_a_stream_holding_bytes_that_are_not_text(
        redis_server: RedisServer) -> None:
    raw = redis_server.client()
    client = redis_server.client(decode_responses=True)
    garbage = {b"event_type": b"Deposit", b"payload": b"\xff\xfe not UTF-8"}
    garbage_id = raw.xadd(STREAM, garbage).decode()
    text_id = raw.xadd(STREAM, {"event_type": "Deposit"}).decode()  # invalid too, but text
    consumer = dead_lettering_consumer(client)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 2)
    raw.xadd(STREAM, garbage)  # the newest entry, not read by any group yet
    info = stream_info(client, STREAM)
    assert (info.length, info.first_id, info.dead_letters) == (3, garbage_id, 2)
    planned = replay_dead_letters(client, STREAM, dry_run=True)
    assert [item.dead_letter.original_id for item in planned] == [garbage_id, text_id]
    assert [item.dead_letter.fields for item in planned] == [garbage, {"event_type": "Deposit"}]  # str when text
    assert trim(client, STREAM, maxlen=0).deleted == 2  # the entry the group has not read is kept
    replayed = replay_dead_letters(client, STREAM)
    assert [fields for _, fields in raw.xrange(STREAM)][1:] == [garbage, {b"event_type": b"Deposit"}]
    assert len(replayed) == 2 and raw.xlen(DEAD) == 0


_META = {"dead_letter_id": "1-0", "dead_letter_stream": STREAM, "dead_letter_group": "g", "dead_letter_consumer": "c",
         "dead_letter_deliveries": "1", "dead_letter_reason": "invalid", "dead_letter_error": "{}"}


@pytest.mark.parametrize(("fields", "path"), [
    ({**_META, "dead_letter_deliveries": "\u00b2"}, "dead_letter_deliveries"),  # str.isdigit says yes, int() no
    ({**_META, "dead_letter_deliveries": "\u0661"}, "dead_letter_deliveries"),
    ({**_META, "dead_letter_error": "[" * 100_000 + "]" * 100_000}, "dead_letter_error"),
    (None, ""),
    ([("dead_letter_id", "1-0")], ""),
])
def test_a_malformed_dead_letter_is_an_event_validation_error(fields: Any, path: str) -> None:
    with pytest.raises(EventValidationError) as caught:
        parse_dead_letter("5-0", fields)
    assert caught.value.paths == (path,)


def test_replay_leaves_a_malformed_dead_letter_where_it_is(redis_server: RedisServer,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    client = redis_server.client()
    forged = client.xadd(DEAD, {**_META, "dead_letter_deliveries": "\u00b2", "x": "1"}).decode()
    client.xadd(DEAD, {**_META, "dead_letter_error": "[" * 100_000 + "]" * 100_000, "x": "2"})
    client.xadd(DEAD, {**_META, "x": "3"})
    with caplog.at_level(logging.WARNING, logger="thrilldrops_events.streams"):
        replayed = replay_dead_letters(client, STREAM)
    assert [item.dead_letter.fields for item in replayed] == [{b"x": b"3"}]
    assert [fields for _, fields in client.xrange(STREAM)] == [{b"x": b"3"}]
    assert client.xlen(DEAD) == 2
    assert f"entry {forged} is not a dead letter" in caplog.text


def test_the_dead_letter_stream_is_bounded(redis_server: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    client = redis_server.client()
    for number in range(400):
        client.xadd(STREAM, {"event_type": "Deposit", "n": str(number)})
    consumer = StreamConsumer(client, STREAM, "campaigns", print, consumer="c1", block_ms=20, dead_letter_maxlen=50)
    with ConsumerThread(consumer):
        wait_until(lambda: consumer.stats.dead_lettered == 400)
    assert 50 <= client.xlen(DEAD) < 50 + 200  # trimmed with ~: whole nodes of about 100 entries at a time
    assert parse_dead_letter(*client.xrevrange(DEAD, count=1)[0]).fields[b"n"] == b"399"  # the newest kept
    assert caplog.text.count("the oldest dead letters are being trimmed away") == 1  # said once, not 350 times


def test_stream_info_reports_groups_consumers_lag_and_dead_letters(redis_server: RedisServer) -> None:
    client = redis_server.client()
    ids = publish_many(client, STREAM, make_events(40))
    read_and_ack(client, "A", read=30, acked=20)
    client.xadd(DEAD, {"x": "1"})
    info = stream_info(client, STREAM)
    assert (info.length, info.first_id, info.last_id, info.dead_letters, info.dead_letter_stream) == (
        40, ids[0], ids[-1], 1, DEAD)
    (group,) = info.groups
    assert (group.name, group.consumers, group.pending, group.lag, group.last_delivered_id) == ("A", 1, 10, 10,
                                                                                                  ids[29])
    (consumer,) = info.consumers["A"]
    assert (consumer.name, consumer.pending) == ("A-1", 10)
    empty = stream_info(client, "nothing-here")
    assert (empty.length, empty.groups, empty.dead_letters) == (0, (), 0)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_line(redis_server: RedisServer, capsys: pytest.CaptureFixture[str]) -> None:
    client = redis_server.client()
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    ids = publish_many(client, STREAM, make_events(20))
    client.xadd(STREAM, {"event_type": "Deposit"})
    consumer = dead_lettering_consumer(client)
    with ConsumerThread(consumer):
        wait_until(lambda: (consumer.stats.handled, consumer.stats.dead_lettered) == (16, 5))  # all 21 settled

    code, out, _ = cli(capsys, "streams", "info", STREAM, "--url", url)
    assert code == 0
    assert out.splitlines()[:3] == [f"stream {STREAM}: 21 entries ({ids[0]} to {out.split(' to ')[1].split(')')[0]})",
                                    f"dead letters: 5 in {DEAD}",
                                    f"group campaigns: 1 consumers, 0 pending, lag 0, "
                                    f"last delivered {out.split('last delivered ')[1].split()[0]}"]
    assert out.splitlines()[3].startswith("  consumer c1: 0 pending, idle ")
    code, out, _ = cli(capsys, "streams", "info", STREAM, "--url", url, "--format", "json")
    figures = json.loads(out)
    assert (code, figures["length"], figures["dead_letters"], figures["groups"][0]["pending"]) == (0, 21, 5, 0)

    code, out, _ = cli(capsys, "streams", "replay-dead-letters", STREAM, "--url", url, "--reason", "not_retryable",
                       "--dry-run")
    assert (code, out.splitlines()[-1]) == (0, f"would replay 4 dead letters onto {STREAM}")
    code, out, _ = cli(capsys, "streams", "replay-dead-letters", STREAM, "--url", url, "--count", "2")
    assert (code, out.splitlines()[-1], client.xlen(DEAD)) == (0, f"replayed 2 dead letters onto {STREAM}", 3)

    code, out, _ = cli(capsys, "streams", "trim", STREAM, "--url", url, "--maxlen", "0")
    assert code == 0
    assert out.splitlines() == [f"deleted 21 entries from {STREAM} (below {out.split('(below ')[1].split(')')[0]})",
                                out.splitlines()[1]]
    assert out.splitlines()[1].startswith("stopped short of what was asked: group campaigns still needs")
    assert client.xlen(STREAM) == 2  # the two replayed entries, not read yet

    code, _, err = cli(capsys, "streams", "trim", STREAM, "--url", url, "--minid", "soon")
    assert code == 2 and "is not a stream entry id" in err
    code, _, err = cli(capsys, "streams", "info", STREAM, "--url", "http://nowhere")
    assert code == 2 and "thrilldrops-events streams:" in err


def test_command_line_without_a_server_says_so(capsys: pytest.CaptureFixture[str], unused_port: int) -> None:
    code, _, err = cli(capsys, "streams", "info", STREAM, "--url", f"redis://127.0.0.1:{unused_port}/0")
    assert code == 1
    assert f"Redis error at redis://127.0.0.1:{unused_port}/0" in err


def test_command_line_without_redis_py_names_the_extra() -> None:
    code = textwrap.dedent("""
        import sys
        sys.modules["redis"] = None  # as if redis-py were not installed
        from thrilldrops_events.cli import main
        sys.exit(main(["streams", "info", "events"]))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "pip install 'thrilldrops-events[redis]'" in result.stderr


@pytest.mark.parametrize("argv", [("info", b"ev\xff"), ("info", "events", "--dead-letter-stream", b"dl\xff"),
                                  ("trim", b"ev\xff", "--maxlen", "1"), ("replay-dead-letters", b"ev\xff")],
                         ids=lambda argv: " ".join(map(str, argv)))
def test_command_line_refuses_a_key_that_is_not_utf8_in_one_line(argv: tuple[str | bytes, ...]) -> None:
    """A key is UTF-8 text (as redis-py writes it): one that is not is said so before connecting, not a traceback."""
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", "streams", *argv, "--url", "redis://127.0.0.1:9/0"],
                          capture_output=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (2, b"")
    what = "--dead-letter-stream" if "--dead-letter-stream" in argv else "STREAM"
    assert done.stderr == f"thrilldrops-events: {what} is not UTF-8 text (byte 0xff at offset 2)\n".encode()


def test_command_line_reads_a_key_as_utf8_in_the_c_locale(redis_server: RedisServer) -> None:
    """In the C locale (without Python's UTF-8 mode) an argument's bytes reach Python undecoded: read as UTF-8."""
    client = redis_server.client()
    client.xadd("évents", {"data": "x"})
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", "streams", "info", "évents", "--url",
                           f"redis://127.0.0.1:{redis_server.port}/0"], capture_output=True, timeout=120, check=False,
                          env={**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"stream \\u00e9vents: 1 entries (")


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_logging_names_the_group_that_held_a_trim_back(redis_server: RedisServer,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="thrilldrops_events.streams")
    client = redis_server.client()
    publish_many(client, STREAM, make_events(10))
    read_and_ack(client, "late", read=2, acked=0)
    assert trim(client, STREAM, maxlen=0).held_by == "late"
    assert "group 'late' still needs" in caplog.text


@pytest.mark.parametrize("bad", ["", b"events", None])
def test_a_stream_name_that_is_not_a_non_empty_string_is_refused(redis_server: RedisServer, bad: Any) -> None:
    client = redis_server.client()
    calls = [lambda: stream_info(client, bad), lambda: trim(client, bad, maxlen=1),
             lambda: replay_dead_letters(client, bad)]
    if bad is not None:  # None is the default dead-letter stream
        calls += [lambda: stream_info(client, "s", dead_letter_stream=bad),
                  lambda: replay_dead_letters(client, "s", dead_letter_stream=bad)]
    for call in calls:
        with pytest.raises(StreamConfigError, match="must be a non-empty string"):
            call()
    assert client.keys() == []


@pytest.mark.parametrize("client", [None, "redis://localhost", object()])
def test_a_client_that_is_not_a_blocking_redis_client_is_refused(client: Any) -> None:
    for call in (lambda: stream_info(client, "s"), lambda: trim(client, "s", maxlen=1),
                 lambda: replay_dead_letters(client, "s")):
        with pytest.raises(StreamConfigError, match=r"client must be a redis\.Redis or a redis\.cluster\.RedisCluster"):
            call()


def test_an_asyncio_client_is_pointed_at_a_blocking_one() -> None:
    import redis.asyncio

    with pytest.raises(StreamConfigError, match="use a blocking client"):
        stream_info(redis.asyncio.Redis(), "s")


@pytest.mark.parametrize("stream", [None, "", b"s"])
def test_dead_letter_key_of_a_name_that_is_not_a_non_empty_string(stream: Any) -> None:
    with pytest.raises(StreamConfigError, match="stream must be a non-empty string"):
        dead_letter_key(stream)


def test_command_line_never_prints_the_password_of_the_url(capsys: pytest.CaptureFixture[str],
                                                            unused_port: int) -> None:
    code, _, err = cli(capsys, "streams", "info", STREAM, "--url", f"redis://user:s3cr3t@127.0.0.1:{unused_port}/0")
    assert code == 1
    assert "s3cr3t" not in err and "user" not in err
    assert err.startswith(f"thrilldrops-events streams: Redis error at redis://***@127.0.0.1:{unused_port}/0: ")


@pytest.mark.parametrize("reachable", [True, False])
def test_command_line_cluster_that_cannot_be_reached_is_a_redis_error(
        redis_server: RedisServer, capsys: pytest.CaptureFixture[str], unused_port: int, reachable: bool) -> None:
    """A plain server (cluster support off) or no server at all, given with --cluster: one line, exit 1."""
    port = redis_server.port if reachable else unused_port
    code, out, err = cli(capsys, "streams", "info", STREAM, "--cluster", "--url", f"redis://127.0.0.1:{port}/0")
    assert (code, out) == (1, "")
    assert err.startswith(f"thrilldrops-events streams: Redis error at redis://127.0.0.1:{port}/0: ")
    assert err.count("\n") == 1
