"""The clients facing answers no receiver of this library gives: they end in the library's own errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from thrilldrops_events import Deposit, Envelope
from thrilldrops_events.errors import EventDeliveryError, EventRejectedError
from thrilldrops_events.http import AsyncEventClient, EventClient
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
