"""The keywords both HTTP clients take, with their defaults stated once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from thrilldrops_events.http import AsyncEventClient, EventClient


def test_both_clients_take_the_same_keywords_and_defaults() -> None:
    with EventClient("http://127.0.0.1:1/") as blocking:
        assert blocking.url == "http://127.0.0.1:1/event"
        assert blocking._http.timeout == httpx.Timeout(10.0)
    awaited = AsyncEventClient("http://127.0.0.1:1", timeout=2.5, retries=0, headers={"authorization": "Bearer t"})
    assert awaited.url == "http://127.0.0.1:1/event"
    assert awaited._http.timeout == httpx.Timeout(2.5)
    assert awaited._settings.headers["authorization"] == "Bearer t"
    assert awaited._settings.policy.retries == 0
    asyncio.run(awaited.aclose())


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
def test_an_unknown_keyword_is_a_type_error(client: type) -> None:
    with pytest.raises(TypeError) as raised:
        client("http://127.0.0.1:1", timout=1)
    assert str(raised.value) == (f"{client.__name__}() got an unexpected keyword argument 'timout'; "
                                 "did you mean 'timeout'?")
    with pytest.raises(TypeError) as raised:
        client("http://127.0.0.1:1", color="blue")
    assert str(raised.value) == f"{client.__name__}() got an unexpected keyword argument 'color'"
