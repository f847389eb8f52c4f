"""The clients facing answers no receiver of this library gives: they end in the library's own errors."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal

import httpx
import pytest
from http_support import TricklingServer

from thrilldrops_events import Deposit, Envelope
from thrilldrops_events.errors import EventDeliveryError, EventRejectedError
from thrilldrops_events.http import AsyncEventClient, EventClient, SendResult
from thrilldrops_events.http._attempt import MAX_ANSWER_BYTES
from thrilldrops_events.http._delivery import retry_after_seconds

EVENT = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-1", timestamp=1777852800,
                 payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.10")))
DEEP = b"[" * 100_000 + b"]" * 100_000


def _answering(status: int, body: bytes = b"", headers: dict[str, bytes] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, content=body))


def test_a_deeply_nested_refusal_is_still_a_rejection() -> None:
    with EventClient("http://receiver", transport=_answering(400, DEEP)) as client, \
            pytest.raises(EventRejectedError) as caught:
        client.send(EVENT)
    assert (caught.value.status, caught.value.problems) == (400, ())


def test_a_deeply_nested_5xx_is_retried_then_a_delivery_error() -> None:
    with EventClient("http://receiver", transport=_answering(503, DEEP), retries=1, backoff=0) as client:
        [result] = client.send_many([EVENT])
    assert isinstance(result.error, EventDeliveryError)
    assert (result.status, result.attempts) == (503, 2)


def test_the_async_client_reads_a_deeply_nested_refusal_too() -> None:
    async def send() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(422, content=DEEP))
        async with AsyncEventClient("http://receiver", transport=transport) as client:
            await client.send(EVENT)

    with pytest.raises(EventRejectedError):
        asyncio.run(send())


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "\uff11\uff12", "1\u00b2"])
def test_retry_after_is_ascii_digits_only(value: str) -> None:
    assert retry_after_seconds(value) is None


def test_a_retry_after_of_superscript_digits_is_ignored_not_raised() -> None:
    transport = _answering(503, headers={"Retry-After": b"\xb2"})  # a superscript two, in Latin-1
    with EventClient("http://receiver", transport=transport, retries=1, backoff=0) as client:
        [result] = client.send_many([EVENT])
    assert isinstance(result.error, EventDeliveryError)
    assert result.attempts == 2


class _Garbled(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that says it is gzip and is not."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"not gzip at all"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"not gzip at all"


def _garbled(status: int, calls: list[int]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(status)
        return httpx.Response(status, headers={"Content-Encoding": "gzip"}, stream=_Garbled())

    return answer


def test_an_accepting_answer_with_an_undecodable_body_is_accepted_once() -> None:
    calls: list[int] = []
    with EventClient("http://receiver", transport=httpx.MockTransport(_garbled(202, calls))) as client:
        result = client.send(EVENT)
    assert (result.status, result.attempts, result.accepted, calls) == (202, 1, True, [202])


@pytest.mark.parametrize(("status", "error", "attempts"), [(400, EventRejectedError, 1), (503, EventDeliveryError, 2)])
def test_an_undecodable_refusal_is_the_library_s_error(status: int, error: type[Exception], attempts: int) -> None:
    calls: list[int] = []
    transport = httpx.MockTransport(_garbled(status, calls))
    with EventClient("http://receiver", transport=transport, retries=1, backoff=0) as client:
        with pytest.raises(error):
            client.send(EVENT)
        [result] = client.send_many([EVENT])
    assert (result.status, result.attempts, type(result.error)) == (status, attempts, error)


def test_the_async_client_takes_an_undecodable_answer_as_its_status() -> None:
    calls: list[int] = []

    async def send() -> list[SendResult]:
        async with AsyncEventClient("http://receiver", transport=httpx.MockTransport(_garbled(503, calls)),
                                    retries=1, backoff=0) as client:
            return await client.send_many([EVENT])

    [result] = asyncio.run(send())
    assert isinstance(result.error, EventDeliveryError)
    assert (result.status, result.attempts, calls) == (503, 2, [503, 503])


# --- an answer that never ends, or is too large ----------------------------------------------------------------


@pytest.mark.parametrize("part", ["head", "body"])
def test_an_answer_trickled_a_byte_at_a_time_is_given_up_at_the_attempt_timeout(part: str) -> None:
    with TricklingServer(part) as server, \
            EventClient(server.url, timeout=2, attempt_timeout=0.5, retries=1, backoff=0) as client:
        [result] = client.send_many([EVENT])
    assert isinstance(result.error, EventDeliveryError)
    assert (result.status, result.attempts, server.requests) == (None, 2, 2)
    assert result.error.reason == "TimeoutException: no complete answer within attempt_timeout (0.5 s)"


@pytest.mark.parametrize("part", ["head", "body"])
def test_the_async_client_gives_up_a_trickled_answer_at_the_attempt_timeout(part: str) -> None:
    async def send() -> SendResult:
        async with AsyncEventClient(server.url, timeout=2, attempt_timeout=0.5, retries=1, backoff=0) as client:
            [result] = await client.send_many([EVENT])
            return result

    with TricklingServer(part) as server:
        result = asyncio.run(send())
    assert isinstance(result.error, EventDeliveryError)
    assert (result.status, result.attempts, server.requests) == (None, 2, 2)
    assert result.error.reason == "TimeoutException: no complete answer within attempt_timeout (0.5 s)"


def test_a_trickled_body_of_a_transport_of_ones_own_is_given_up_between_its_chunks() -> None:
    class Trickle(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for _ in range(100):
                time.sleep(0.05)
                yield b" "

    transport = httpx.MockTransport(lambda request: httpx.Response(202, stream=Trickle()))
    with EventClient("http://receiver", transport=transport, attempt_timeout=0.3, retries=0) as client, \
            pytest.raises(EventDeliveryError, match="within attempt_timeout"):
        client.send(EVENT)


class _Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body of 64 KiB chunks, far more than any answer should hold; counts the chunks read."""

    def __init__(self, chunks: list[int]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(1024):  # 64 MiB
            self.chunks.append(1)
            yield b"[" * 65536

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


@pytest.mark.parametrize(("status", "error"), [(202, None), (400, EventRejectedError), (503, EventDeliveryError)])
def test_a_huge_answer_is_read_up_to_the_limit_and_taken_as_its_status(status: int, error: type | None) -> None:
    read: list[int] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(status, stream=_Endless(read)))
    with EventClient("http://receiver", transport=transport, retries=0) as client:
        [result] = client.send_many([EVENT])
    assert (result.status, type(result.error) if error else None) == (status, error)
    assert len(read) <= MAX_ANSWER_BYTES // 65536 + 1


def test_the_async_client_reads_a_huge_answer_up_to_the_limit() -> None:
    read: list[int] = []

    async def send() -> SendResult:
        transport = httpx.MockTransport(lambda request: httpx.Response(400, stream=_Endless(read)))
        async with AsyncEventClient("http://receiver", transport=transport) as client:
            [result] = await client.send_many([EVENT])
            return result

    result = asyncio.run(send())
    assert isinstance(result.error, EventRejectedError) and result.error.problems == ()
    assert len(read) <= MAX_ANSWER_BYTES // 65536 + 1


@pytest.mark.parametrize("status", [301, 308])
def test_a_redirect_is_not_followed_and_its_refusal_says_where_it_points(status: int) -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, headers={"Location": "https://receiver/v2/event?code=s3cr3t"})

    with EventClient("http://receiver", transport=httpx.MockTransport(answer), retries=3) as client, \
            pytest.raises(EventRejectedError) as caught:
        client.send(EVENT)
    assert (caught.value.status, calls) == (status, ["http://receiver/event"])
    assert caught.value.detail == ("the receiver redirects to https://receiver/v2/event?***; redirects are not "
                                   "followed (a POST could become a GET): give base_url the address it redirects to")


def test_a_refusal_listing_thousands_of_problems_keeps_the_first_and_counts_the_rest() -> None:
    """A foreign receiver may list any number of problems (up to the answer's size limit): the error lists 20."""
    problems = [{"path": f"field{number}", "message": "bad", "kind": "invalid"} for number in range(10_000)]
    body = json.dumps({"title": "Bad Request", "status": 400, "problems": problems}).encode()
    assert len(body) < MAX_ANSWER_BYTES
    with EventClient("http://receiver", transport=_answering(400, body)) as client, \
            pytest.raises(EventRejectedError) as caught:
        client.send(EVENT)
    error = caught.value
    assert len(error.problems) == EventRejectedError.max_problems == 20
    assert error.paths == tuple(f"field{number}" for number in range(20))
    assert error.omitted == 9_980
    assert str(error).splitlines()[-1] == "  ... and 9980 more problems"
    assert len(str(error)) < 2_000


@pytest.mark.parametrize(("omitted", "kept"), [(7, 7), (0, 0), (-5, 0), (True, 0), ("7", 0), (7.0, 0), (None, 0)])
def test_the_count_of_problems_a_server_left_out_is_kept_when_it_is_a_whole_number(omitted: object, kept: int) -> None:
    body = json.dumps({"title": "Bad Request", "status": 400, "omitted": omitted,
                       "problems": [{"path": "amount", "message": "bad", "kind": "invalid"}]}).encode()
    with EventClient("http://receiver", transport=_answering(400, body)) as client, \
            pytest.raises(EventRejectedError) as caught:
        client.send(EVENT)
    assert (caught.value.paths, caught.value.omitted) == (("amount",), kept)
