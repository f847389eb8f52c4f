"""The clients against real servers: retries on 503, 429, 408 and refused connections, no retry on other 4xx."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest
from http_support import ServerProcess, invalid_examples
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from thrilldrops_events import Deposit, Envelope, parse_event
from thrilldrops_events.errors import (
    ClientClosedError,
    EventDeliveryError,
    EventRejectedError,
    SendInterruptedError,
    ThrillDropsError,
)
from thrilldrops_events.http import AsyncEventClient, EventClient, SendResult, serve_in_thread
from thrilldrops_events.http._delivery import RetryPolicy, retry_after_seconds

EVENT = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-1", timestamp=1777852800,
                 payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.10")))


def _refused_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        return f"http://127.0.0.1:{port}"


# --- the policy, without I/O -------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5])
def test_backoff_doubles_with_jitter_and_is_capped(attempt: int) -> None:
    policy = RetryPolicy(retries=5, backoff=0.5, max_backoff=3.0)
    ceiling = min(3.0, 0.5 * 2 ** (attempt - 1))
    delays = [policy.delay(attempt, None, random.Random(seed)) for seed in range(200)]
    assert all(delay is not None and ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 100  # jittered


def test_a_retry_far_down_a_long_series_waits_max_backoff_not_an_overflow() -> None:
    for backoff, ceiling in ((0.0, 0.0), (0.5, 2.0), (1e300, 2.0)):
        delay = RetryPolicy(retries=5000, backoff=backoff, max_backoff=2.0).delay(1100, None, random.Random(1))
        assert delay is not None and ceiling / 2 <= delay <= ceiling


def test_retry_after_is_a_minimum_and_too_long_a_wait_gives_up() -> None:
    policy = RetryPolicy(retries=3, backoff=0.01, max_backoff=10.0)
    assert policy.delay(1, 4.0, random.Random(1)) == 4.0
    assert policy.delay(1, 11.0, random.Random(1)) is None
    assert policy.delay(4, None, random.Random(1)) is None  # retries used up


def test_retry_after_header_forms() -> None:
    now = datetime(2026, 5, 4, tzinfo=timezone.utc)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Mon, 04 May 2026 00:00:30 GMT", now) == 30.0
    assert retry_after_seconds((now - timedelta(seconds=5)).strftime("%a, %d %b %Y %H:%M:%S GMT"), now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize("bad", [{"retries": -1}, {"retries": 1.5}, {"backoff": -1.0}, {"max_backoff": float("nan")}])
def test_bad_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is the setting's
        EventClient("http://127.0.0.1:1", **bad)  # type: ignore[arg-type]


# --- against real servers --------------------------------------------------------------------------------


def test_503_twice_then_202_is_retried_and_arrives_once(server_process: Callable[..., ServerProcess]) -> None:
    server = server_process(mode="flaky", failures=2, retry_after=0)
    with EventClient(server.url, retries=3, backoff=0.01) as client:
        result = client.send(EVENT)
    assert (result.status, result.attempts, result.accepted) == (202, 3, True)
    report = server.report()
    assert (report["calls"], report["received"]) == (3, ["p-1"])


def test_503_beyond_the_retries_is_a_delivery_error(server_process: Callable[..., ServerProcess]) -> None:
    server = server_process(mode="flaky", failures=5, retry_after=0)
    with EventClient(server.url, retries=2, backoff=0.01) as client, pytest.raises(EventDeliveryError) as caught:
        client.send(EVENT)
    assert (caught.value.attempts, caught.value.status) == (3, 503)
    assert "the test store is down" in str(caught.value)
    assert server.report()["calls"] == 3


def test_connection_refused_ends_in_a_clear_error_after_the_retries() -> None:
    url = _refused_url()
    with EventClient(url, retries=3, backoff=0.01) as client, pytest.raises(EventDeliveryError) as caught:
        client.send(EVENT)
    error = caught.value
    assert isinstance(error, ThrillDropsError) and isinstance(error, ConnectionError)
    assert (error.attempts, error.status) == (4, None)
    assert str(error).startswith(f"could not deliver the event to {url}/event after 4 attempts: ConnectError")
    assert error.__cause__ is not None


def test_other_4xx_are_not_retried_and_carry_the_servers_problems(
    server_process: Callable[..., ServerProcess],
) -> None:
    server = server_process(mode="plain")
    body = invalid_examples()[2]  # a lower-case channel type
    bad = parse_event(body.replace(b"desktopweb", b"DesktopWeb")).model_copy(update={"player_id": " p"})
    with EventClient(server.url, retries=5, backoff=0.01) as client, pytest.raises(EventRejectedError) as caught:
        client.send(bad)
    error = caught.value
    assert (error.status, error.title, error.paths) == (400, "Bad Request", ("player_id",))
    assert error.problems[0].kind == "string_pattern_mismatch"
    assert isinstance(error, ValueError)
    assert server.report()["calls"] == 0


def _throttling_app(answers: list[tuple[int, dict[str, str]]], seen: list[float]) -> Starlette:
    async def event(request: Request) -> Response:
        await request.body()
        seen.append(asyncio.get_running_loop().time())
        status, headers = answers.pop(0) if answers else (202, {})
        return Response(b'{"status":"accepted"}', status, headers, "application/json")

    return Starlette(routes=[Route("/event", event, methods=["POST"])])


def test_429_is_retried_after_the_servers_retry_after() -> None:
    seen: list[float] = []
    app = _throttling_app([(429, {"Retry-After": "1"}), (500, {})], seen)
    with serve_in_thread(app) as url, EventClient(url, retries=2, backoff=0.01) as client:
        result = client.send(EVENT)
    assert (result.status, result.attempts) == (202, 3)
    assert seen[1] - seen[0] >= 0.9  # Retry-After: 1 was honoured (a lower bound, which cannot be flaky)


@pytest.mark.parametrize(("status", "retried"), [(408, True), (429, True), (503, True), (400, False),
                                                 (409, False), (413, False)])
def test_408_is_retried_like_429_and_other_4xx_are_not(status: int, retried: bool) -> None:
    seen: list[float] = []
    app = _throttling_app([(status, {})], seen)  # that answer once, then 202
    with serve_in_thread(app) as url, EventClient(url, retries=1, backoff=0.01) as client:
        if retried:
            result = client.send(EVENT)
            assert (result.status, result.attempts) == (202, 2)
        else:
            with pytest.raises(EventRejectedError) as refused:
                client.send(EVENT)
            assert refused.value.status == status
    assert len(seen) == (2 if retried else 1)


def test_send_many_reports_each_event_in_order(server_process: Callable[..., ServerProcess]) -> None:
    server = server_process(mode="plain")
    good = [EVENT.model_copy(update={"player_id": f"p-{n}"}) for n in range(60)]
    events = [e if n % 10 else e.model_copy(update={"brand_id": ""}) for n, e in enumerate(good)]
    seen: list[SendResult] = []
    with EventClient(server.url, backoff=0.01) as client:
        results = client.send_many(events, concurrency=6, on_result=seen.append)
    assert [r.index for r in results] == list(range(60))
    assert sorted(seen, key=lambda r: r.index) == results
    assert [r.accepted for r in results] == [bool(n % 10) for n in range(60)]
    assert all(isinstance(r.error, EventRejectedError) for r in results if not r.accepted)
    assert sorted(server.report()["received"]) == sorted(f"p-{n}" for n in range(60) if n % 10)


def test_send_refuses_what_is_not_an_envelope() -> None:
    with EventClient("http://127.0.0.1:1") as client, pytest.raises(TypeError):
        client.send({"operator_id": "op-1"})  # type: ignore[arg-type]


def test_async_client_retries_and_sends_many(server_process: Callable[..., ServerProcess]) -> None:
    server = server_process(mode="flaky", failures=2, retry_after=0)

    async def main() -> tuple[SendResult, list[SendResult]]:
        async with AsyncEventClient(server.url, retries=3, backoff=0.01) as client:
            first = await client.send(EVENT)
            many = await client.send_many([EVENT.model_copy(update={"player_id": f"a-{n}"}) for n in range(40)],
                                          concurrency=8)
            return first, many

    first, many = asyncio.run(main())
    assert (first.status, first.attempts) == (202, 3)
    assert [r.index for r in many] == list(range(40)) and all(r.accepted for r in many)
    assert sorted(server.report()["received"]) == sorted(["p-1"] + [f"a-{n}" for n in range(40)])


def test_async_send_many_reports_results_in_the_order_of_the_events() -> None:
    answered: list[str] = []

    async def receive(request: httpx.Request) -> httpx.Response:
        player = json.loads(request.content)["player_id"]
        if player == "p-0":  # the first event is answered last, well after the others
            while len(answered) < 4:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
        answered.append(player)
        return httpx.Response(202, json={"status": "accepted"})

    async def main() -> tuple[list[SendResult], list[int]]:
        seen: list[int] = []
        async with AsyncEventClient("http://receiver", transport=httpx.MockTransport(receive)) as client:
            events = [EVENT.model_copy(update={"player_id": f"p-{n}"}) for n in range(5)]
            results = await client.send_many(events, concurrency=5, on_result=lambda r: seen.append(r.index))
        return results, seen

    results, seen = asyncio.run(main())
    assert answered[-1] == "p-0"
    assert seen == [r.index for r in results] == [0, 1, 2, 3, 4]


def test_async_client_connection_refused() -> None:
    async def main() -> None:
        async with AsyncEventClient(_refused_url(), retries=1, backoff=0.01) as client:
            await client.send(EVENT)

    with pytest.raises(EventDeliveryError, match="after 2 attempts"):
        asyncio.run(main())


def test_errors_pickle() -> None:
    import pickle

    rejected = EventRejectedError(400, [], title="Bad Request", detail="1 problem in event")
    delivery = EventDeliveryError("http://x/event", 3, "ConnectError", status=None)
    for error in (rejected, delivery):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), again.__dict__) == (type(error), str(error), error.__dict__)


# --- a closed client, and a send_many stopped part-way -----------------------------------------------------------


def _counting(received: list[str], answer: Callable[[str], None] | None = None) -> httpx.MockTransport:
    def receive(request: httpx.Request) -> httpx.Response:
        player = json.loads(request.content)["player_id"]
        received.append(player)
        if answer is not None:
            answer(player)
        return httpx.Response(202, json={"status": "accepted"})

    return httpx.MockTransport(receive)


def _events(count: int, then: Exception | None = None) -> Iterator[Envelope]:
    for n in range(count):
        yield EVENT.model_copy(update={"player_id": f"p-{n}"})
    if then is not None:
        raise then


def test_sending_with_a_closed_client_is_the_library_s_error_and_sends_nothing() -> None:
    received: list[str] = []
    client = EventClient("http://receiver", transport=_counting(received))
    with client:
        client.send(EVENT)
    for send in (lambda: client.send(EVENT), lambda: client.send_many([EVENT])):
        with pytest.raises(ClientClosedError) as caught:
            send()
        assert isinstance(caught.value, RuntimeError) and caught.value.client == "EventClient"
        assert str(caught.value) == "this EventClient is closed: it sends nothing more (make a new EventClient to send)"
    assert received == ["p-1"]


def test_sending_with_a_closed_async_client_is_the_library_s_error() -> None:
    received: list[str] = []

    async def main() -> None:
        client = AsyncEventClient("http://receiver", transport=_counting(received))
        async with client:
            await client.send(EVENT)
        with pytest.raises(ClientClosedError, match="this AsyncEventClient is closed"):
            await client.send(EVENT)
        with pytest.raises(ClientClosedError, match="this AsyncEventClient is closed"):
            await client.send_many([EVENT])

    asyncio.run(main())
    assert received == ["p-1"]


@pytest.mark.parametrize("concurrency", [1, 3])
def test_events_that_raise_part_way_give_the_results_of_those_sent(concurrency: int) -> None:
    received: list[str] = []
    boom = ValueError("line 6 is not JSON")
    with EventClient("http://receiver", transport=_counting(received)) as client, \
            pytest.raises(SendInterruptedError) as caught:
        client.send_many(_events(5, then=boom), concurrency=concurrency)
    error = caught.value
    assert error.__cause__ is boom
    assert (error.sent, [r.index for r in error.results]) == (5, [0, 1, 2, 3, 4])
    assert all(r.accepted for r in error.results)
    assert sorted(received) == [f"p-{n}" for n in range(5)]
    assert str(error) == "send_many stopped after sending 5 events: ValueError: line 6 is not JSON"


@pytest.mark.parametrize("concurrency", [1, 3])
def test_the_async_client_gives_the_results_of_those_sent_too(concurrency: int) -> None:
    received: list[str] = []
    boom = OSError("the disk went away")

    async def main() -> None:
        async with AsyncEventClient("http://receiver", transport=_counting(received)) as client:
            await client.send_many(_events(5, then=boom), concurrency=concurrency)

    with pytest.raises(SendInterruptedError) as caught:
        asyncio.run(main())
    assert caught.value.__cause__ is boom
    assert (caught.value.sent, [r.index for r in caught.value.results]) == (5, [0, 1, 2, 3, 4])
    assert sorted(received) == [f"p-{n}" for n in range(5)]


def test_an_item_that_is_not_an_envelope_stops_send_many_after_those_before_it() -> None:
    received: list[str] = []
    events = [EVENT, EVENT, {"player_id": "p-2"}, EVENT]
    with EventClient("http://receiver", transport=_counting(received)) as client, \
            pytest.raises(SendInterruptedError) as caught:
        client.send_many(events)  # type: ignore[arg-type]
    assert isinstance(caught.value.__cause__, TypeError)
    assert (caught.value.sent, received) == (2, ["p-1", "p-1"])
    assert caught.value.reason == "TypeError: send an Envelope, not dict"


def test_on_result_raising_stops_send_many_and_the_events_started_are_finished() -> None:
    seen: list[int] = []

    def on_result(result: SendResult) -> None:
        seen.append(result.index)
        if result.index == 1:
            raise KeyError("progress bar")

    received: list[str] = []
    with EventClient("http://receiver", transport=_counting(received)) as client, \
            pytest.raises(SendInterruptedError) as caught:
        client.send_many(_events(100), concurrency=2, on_result=on_result)
    sent = caught.value.sent
    assert seen == [0, 1] and isinstance(caught.value.__cause__, KeyError)
    assert [r.index for r in caught.value.results] == list(range(sent)) and len(received) == sent < 100


def test_a_client_closed_while_it_sends_many_stops_and_tells_what_was_sent() -> None:
    received: list[str] = []
    client = EventClient("http://receiver", transport=_counting(received, lambda player: player == "p-3" and
                                                                client.close()), retries=0)
    with pytest.raises(SendInterruptedError) as caught:
        client.send_many(_events(10), concurrency=1)
    assert isinstance(caught.value.__cause__, ClientClosedError)
    assert (caught.value.sent, received) == (4, ["p-0", "p-1", "p-2", "p-3"])


def test_async_on_result_raising_stops_the_other_workers_after_their_events() -> None:
    async def receive(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        return httpx.Response(202)

    def on_result(result: SendResult) -> None:
        raise RuntimeError("display gone")

    async def main() -> None:
        async with AsyncEventClient("http://receiver", transport=httpx.MockTransport(receive)) as client:
            await client.send_many(_events(100), concurrency=4, on_result=on_result)

    with pytest.raises(SendInterruptedError) as caught:
        asyncio.run(main())
    results = caught.value.results
    assert 1 <= caught.value.sent <= 4 and all(r.accepted for r in results)  # the 4 in flight at most, finished
    assert [r.index for r in results] == sorted(r.index for r in results)


def test_a_client_closed_between_the_attempts_of_a_send_stops_retrying_with_the_library_s_error() -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        client.close()
        return httpx.Response(503)

    client = EventClient("http://receiver", transport=httpx.MockTransport(answer), retries=3, backoff=0)
    with pytest.raises(ClientClosedError):
        client.send(EVENT)
    assert calls == [1]

    async def main() -> None:
        async def answer(request: httpx.Request) -> httpx.Response:
            calls.append(2)
            await awaited.aclose()
            return httpx.Response(503)

        awaited = AsyncEventClient("http://receiver", transport=httpx.MockTransport(answer), retries=3, backoff=0)
        await awaited.send(EVENT)

    with pytest.raises(ClientClosedError):
        asyncio.run(main())
    assert calls == [1, 2]


def test_async_send_many_starts_no_more_workers_than_there_are_events() -> None:
    tasks: list[int] = []

    async def receive(request: httpx.Request) -> httpx.Response:
        tasks.append(len(asyncio.all_tasks()))
        return httpx.Response(202)

    async def main() -> list[SendResult]:
        async with AsyncEventClient("http://receiver", transport=httpx.MockTransport(receive)) as client:
            return await client.send_many(_events(3), concurrency=1000)

    results = asyncio.run(main())
    assert [r.index for r in results] == [0, 1, 2] and all(r.accepted for r in results)
    # The main task, a worker per event and one more, and (before Python 3.12) the task asyncio.wait_for runs
    # each attempt in: not 1000.
    assert max(tasks) <= 5 + (3 if sys.version_info < (3, 12) else 0)


def test_ctrl_c_in_send_many_is_not_held_up_by_the_requests_in_flight() -> None:
    """``Ctrl-C`` (here in ``on_result``) ends ``send_many`` at once: it neither starts another event nor waits for
    a request that hangs (which would keep a command line from stopping until that request timed out)."""
    hanging, release, answered = threading.Event(), threading.Event(), threading.Event()

    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["player_id"] == "p-hangs":
            hanging.set()
            release.wait(20)  # held until the test has seen send_many return
            answered.set()
        return httpx.Response(202)

    def interrupt(result: SendResult) -> None:
        hanging.wait(60)
        raise KeyboardInterrupt

    events = [EVENT, EVENT.model_copy(update={"player_id": "p-hangs"}), *[EVENT] * 20]
    with EventClient("http://receiver", transport=httpx.MockTransport(answer), retries=0) as client:
        try:
            with pytest.raises(KeyboardInterrupt):
                client.send_many(events, concurrency=2, on_result=interrupt)
            assert not answered.is_set()  # the hanging request was not waited for
        finally:
            release.set()
