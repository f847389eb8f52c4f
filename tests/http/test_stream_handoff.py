"""Accepted events go to a real Redis stream: 202 means stored, Redis down means 503, nothing lost or doubly acked.

The receiver runs in a subprocess (uvicorn), Redis is a real redis-server with ``appendfsync always``
(so a write Redis acknowledged survives a SIGKILL), the client is the library's.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from http_support import ServerProcess
from streams_support import RedisServer, make_events, wait_until

from thrilldrops_events import Envelope, to_json
from thrilldrops_events.codecs.redis import decode as decode_entry
from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.http import AsyncEventClient, EventClient, SendResult, event_app, serve_in_thread

pytestmark = pytest.mark.redis
STREAM = "thrilldrops:events"


def _receiver(server_process: Callable[..., ServerProcess], redis_server: RedisServer) -> ServerProcess:
    return server_process(mode="stream", stream=STREAM, redis=f"redis://127.0.0.1:{redis_server.port}/0",
                          retry_after=0)


def _stored(redis_server: RedisServer) -> list[tuple[str, Envelope]]:
    client = redis_server.client()
    return [(entry_id.decode(), decode_entry(fields)) for entry_id, fields in client.xrange(STREAM)]


def _send_all(url: str, events: list[Envelope], concurrency: int, **options: Any) -> list[SendResult]:
    async def main() -> list[SendResult]:
        async with AsyncEventClient(url, **options) as client:
            return await client.send_many(events, concurrency=concurrency)

    return asyncio.run(main())


def _check_all_arrive_once(url: str, redis_server: RedisServer, count: int, concurrency: int, *,
                           use_async: bool) -> None:
    events = make_events(count, tag="load")
    if use_async:
        results = _send_all(url, events, concurrency, retries=5, backoff=0.05)
    else:
        with EventClient(url, retries=5, backoff=0.05) as client:
            results = client.send_many(events, concurrency=concurrency)
    assert [r.status for r in results] == [202] * count
    stored = _stored(redis_server)
    assert len(stored) == count
    assert sorted(to_json(e) for _, e in stored) == sorted(to_json(e) for e in events)  # each once, exactly
    by_id = dict(stored)
    assert all(by_id[r.entry_id] == events[r.index] for r in results if r.entry_id is not None)  # each ack is its entry
    assert len({r.entry_id for r in results}) == count


def test_202_means_the_entry_is_in_the_stream(server_process: Callable[..., ServerProcess],
                                              redis_server: RedisServer) -> None:
    receiver = _receiver(server_process, redis_server)
    events = make_events(16)
    with EventClient(receiver.url) as client:
        results = [client.send(event) for event in events]
    stored = _stored(redis_server)
    assert [entry_id for entry_id, _ in stored] == [r.entry_id for r in results]
    assert [event for _, event in stored] == events  # session tokens, exact money and all


def test_a_short_concurrent_load_all_arrives_once(server_process: Callable[..., ServerProcess],
                                                  redis_server: RedisServer) -> None:
    url = _receiver(server_process, redis_server).url
    _check_all_arrive_once(url, redis_server, 300, 16, use_async=True)
    redis_server.client().delete(STREAM)
    _check_all_arrive_once(url, redis_server, 300, 16, use_async=False)


@pytest.mark.heavy
def test_10000_events_sent_concurrently_all_arrive_once(server_process: Callable[..., ServerProcess],
                                                        redis_server: RedisServer) -> None:
    _check_all_arrive_once(_receiver(server_process, redis_server).url, redis_server, 10_000, 32, use_async=False)


def test_redis_down_gives_503_and_stores_and_acknowledges_nothing(
    server_process: Callable[..., ServerProcess], redis_factory: Callable[..., RedisServer]
) -> None:
    redis_server = redis_factory(appendonly=True)
    receiver = _receiver(server_process, redis_server)
    first, second = make_events(2)
    with EventClient(receiver.url) as client:
        client.send(first)
    redis_server.stop()
    body = to_json(second)
    answer = httpx.post(receiver.url + "/event", content=body, headers={"content-type": "application/json"}, timeout=60)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "0"
    assert answer.headers["content-type"] == "application/problem+json"
    assert "Redis is unavailable" in answer.json()["detail"]
    assert httpx.get(receiver.url + "/health", timeout=60).status_code == 503
    batch = httpx.post(receiver.url + "/events", content=body + b"\n{}\n", timeout=60,
                       headers={"content-type": "application/x-ndjson"})
    assert batch.status_code == 503
    assert [json.loads(line)["status"] for line in batch.text.splitlines()] == ["unavailable", "rejected"]
    redis_server.start()
    assert [event for _, event in _stored(redis_server)] == [first]
    assert httpx.get(receiver.url + "/health", timeout=60).status_code == 200
    again = httpx.post(receiver.url + "/events", content=body + b"\n{}\n", timeout=60,
                       headers={"content-type": "application/x-ndjson"})
    results = [json.loads(line) for line in again.text.splitlines()]
    assert (again.status_code, [r["status"] for r in results]) == (200, ["accepted", "rejected"])
    assert [(i, e) for i, e in _stored(redis_server)][1] == (results[0]["entry_id"], second)


def test_redis_killed_mid_run_loses_nothing_and_acknowledges_only_what_is_stored(
    server_process: Callable[..., ServerProcess], redis_factory: Callable[..., RedisServer]
) -> None:
    redis_server = redis_factory(appendonly=True)
    receiver = _receiver(server_process, redis_server)
    events = make_events(600, tag="mid")
    done: list[SendResult] = []
    outcome: list[list[SendResult]] = []

    def send() -> None:
        with EventClient(receiver.url, retries=40, backoff=0.05, max_backoff=0.5, timeout=30) as client:
            outcome.append(client.send_many(events, concurrency=8, on_result=done.append))

    sender = threading.Thread(target=send)
    sender.start()
    wait_until(lambda: len(done) >= 150, timeout=120)
    redis_server.restart()  # SIGKILL, then the same port and data directory again
    sender.join(timeout=300)
    assert not sender.is_alive()
    (results,) = outcome
    assert [r.status for r in results] == [202] * len(events)
    assert sum(r.attempts for r in results) > len(events)  # some requests met Redis down and were retried
    stored = _stored(redis_server)
    by_id = dict(stored)
    for result in results:  # every acknowledgement names an entry that holds that very event
        assert by_id[result.entry_id] == events[result.index]
    counts = Counter(to_json(event) for _, event in stored)
    assert set(counts) == {to_json(event) for event in events}  # nothing lost
    for result in results:  # a second copy is possible only where an attempt was answered 503 and sent again
        if result.attempts == 1:
            assert counts[to_json(events[result.index])] == 1


def test_a_maxlen_that_would_delete_each_event_as_it_is_stored_is_refused_at_once() -> None:
    with pytest.raises(StreamConfigError, match="maxlen"):
        event_app(stream=STREAM, redis="redis://127.0.0.1:1/0", maxlen=0)


@pytest.mark.parametrize("client", [5, "http://127.0.0.1:6379/0", "127.0.0.1:6379", "redis://:notaport"])
def test_a_redis_that_is_neither_an_asyncio_client_nor_a_redis_url_is_refused_at_once(client: object) -> None:
    with pytest.raises(ValueError, match="redis"):
        event_app(stream=STREAM, redis=client)


#: Options of a URL's query that redis-py cannot use: each failed every event (500) instead of the app.
UNUSABLE_OPTIONS = ["foo=bar", "timout=5", "socket_timeout=1e10", "socket_connect_timeout=-1", "socket_timeout=nan",
                    "encoding=nope", "socket_keepalive_options=x"]


@pytest.mark.parametrize("query", UNUSABLE_OPTIONS)
def test_a_redis_url_with_an_option_redis_py_cannot_use_is_refused_at_once(query: str) -> None:
    with pytest.raises(ValueError, match=r"^redis=: redis-py cannot use an option of the query of the Redis URL: ") \
            as raised:
        event_app(stream=STREAM, redis=f"redis://app:hunter2@127.0.0.1:1/0?{query}")
    assert query.partition("=")[0] in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_a_redis_url_with_options_redis_py_can_use_is_taken(redis_server: RedisServer) -> None:
    url = f"redis://127.0.0.1:{redis_server.port}/0?socket_timeout=5&socket_connect_timeout=5&client_name=receiver"
    with serve_in_thread(event_app(stream=STREAM, redis=url)) as base_url, EventClient(base_url) as client:
        result = client.send(make_events(1)[0])
    assert result.status == 202 and result.entry_id is not None
    assert redis_server.client().xlen(STREAM) == 1


def test_a_blocking_client_is_refused_at_once_naming_the_asyncio_one(redis_server: RedisServer) -> None:
    with pytest.raises(StreamConfigError, match=r"redis\.asyncio\.Redis"):
        event_app(stream=STREAM, redis=redis_server.client())
