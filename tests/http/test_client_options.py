"""The keywords both HTTP clients take, with their defaults stated once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from thrilldrops_events import Deposit, Envelope
from thrilldrops_events.errors import EventDeliveryError
from thrilldrops_events.http import AsyncEventClient, EventClient

EVENT = Envelope(operator_id="op-1", brand_id="brand-7", player_id="p-1", timestamp=1777852800,
                 payload=Deposit(method_id="visa", currency="EUR", amount=Decimal("25.10")))


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


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
def test_a_header_given_replaces_the_default_whatever_its_case(client: type) -> None:
    sent: list[httpx.Headers] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers)
        return httpx.Response(202)

    given = {"Content-Type": "application/vnd.thrilldrops+json", "USER-AGENT": "wallet/2", "X-Trace": "t-1"}
    if client is EventClient:
        with EventClient("http://receiver", transport=httpx.MockTransport(answer), headers=given) as blocking:
            blocking.send(EVENT)
    else:
        async def send() -> None:
            async with AsyncEventClient("http://receiver", transport=httpx.MockTransport(answer),
                                        headers=given) as awaited:
                await awaited.send(EVENT)

        asyncio.run(send())
    [headers] = sent
    assert headers.get_list("content-type") == ["application/vnd.thrilldrops+json"]
    assert headers.get_list("user-agent") == ["wallet/2"]
    assert headers.get_list("x-trace") == ["t-1"]


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize(("base_url", "url"), [
    ("http://receiver/api?code=k-1", "http://receiver/api/event?code=k-1"),
    ("https://receiver/api/?code=k-1#top", "https://receiver/api/event?code=k-1"),
    ("http://receiver/a%2Fb/", "http://receiver/a%2Fb/event"),
])
def test_a_query_of_the_base_url_is_kept_after_the_path(client: type, base_url: str, url: str) -> None:
    made = client(base_url)
    assert made.url == url
    if client is AsyncEventClient:
        asyncio.run(made.aclose())
    else:
        made.close()


#: How a timeout out of range is refused: a day at most (more is past what a socket can wait).
_DAY = "must be a number of seconds above 0 and at most 86400 (a day), not"


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"base_url": 8000}, TypeError, "base_url must be a string such as 'http://127.0.0.1:8000', not int"),
    ({"base_url": None}, TypeError, "base_url must be a string such as 'http://127.0.0.1:8000', not NoneType"),
    ({"base_url": "127.0.0.1:8000"}, ValueError,
     "base_url must be an http:// or https:// URL with a host, not '127.0.0.1:8000'"),
    ({"base_url": "ftp://receiver"}, ValueError,
     "base_url must be an http:// or https:// URL with a host, not 'ftp://receiver'"),
    ({"money": "float"}, ValueError, "money must be 'string' or 'number', not 'float'"),
    ({"money": 1}, TypeError, "money must be 'string' or 'number', not int"),
    ({"timeout": "5"}, TypeError, "timeout must be a number of seconds, not str"),
    ({"timeout": 0}, ValueError, f"timeout {_DAY} 0"),
    ({"timeout": float("nan")}, ValueError, f"timeout {_DAY} nan"),
    ({"attempt_timeout": "5"}, TypeError, "attempt_timeout must be a number of seconds, not str"),
    ({"attempt_timeout": -1}, ValueError, f"attempt_timeout {_DAY} -1"),
    ({"attempt_timeout": float("inf")}, ValueError, f"attempt_timeout {_DAY} inf"),
    # finite, but past what a socket can wait: the first send failed with an OverflowError
    ({"timeout": 1e10}, ValueError, f"timeout {_DAY} 10000000000.0"),
    ({"timeout": 86401}, ValueError, f"timeout {_DAY} 86401"),
    ({"attempt_timeout": 1e10}, ValueError, f"attempt_timeout {_DAY} 10000000000.0"),
    ({"base_url": "http://receiver:99999"}, ValueError, "the port of base_url must be from 1 to 65535, not 99999"),
    ({"base_url": "http://receiver:0/api"}, ValueError, "the port of base_url must be from 1 to 65535, not 0"),
    ({"base_url": "http://receiver/api\r\nX-Injected: 1"}, ValueError, "base_url must not hold control characters "
     "(a tab, a line break), as 'http://receiver/api\\r\\nX-Injected: 1' does"),
    ({"base_url": "http://receiver\t"}, ValueError, "base_url must not hold control characters (a tab, a line "
     "break), as 'http://receiver\\t' does"),
    ({"base_url": "http://exa mple.com/api"}, ValueError, "the host of base_url must not hold a space, as "
     "'exa mple.com' does"),
    ({"base_url": "http://receiver /"}, ValueError, "the host of base_url must not hold a space, as 'receiver ' does"),
    ({"backoff": float("inf")}, ValueError, "backoff and max_backoff must be finite numbers of seconds >= 0"),
    ({"max_backoff": float("inf")}, ValueError, "backoff and max_backoff must be finite numbers of seconds >= 0"),
    ({"headers": {"Content-Length": "3"}}, ValueError,
     "'Content-Length' cannot be given: the client writes it from the body of each event"),
    ({"headers": {"transfer-encoding": "chunked"}}, ValueError,
     "'transfer-encoding' cannot be given: the client writes it from the body of each event"),
    ({"backoff": "1"}, TypeError, "backoff and max_backoff must be numbers of seconds, not str"),
    ({"max_backoff": None}, TypeError, "backoff and max_backoff must be numbers of seconds, not NoneType"),
])
def test_arguments_of_the_wrong_type_or_value_are_refused_naming_them(
    client: type, arguments: dict[str, object], error: type[Exception], message: str,
) -> None:
    options = dict(arguments)
    base_url = options.pop("base_url", "http://127.0.0.1:1")
    with pytest.raises(error) as raised:
        client(base_url, **options)
    assert str(raised.value) == message


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize("value", ["Bearer t0k3n\r\nX-Injected: 1", "Bearer t0k3n\n", "Bearer t0k3n\x00",
                                   "Bearer t\u00f6k3n"])
def test_a_header_value_that_http_cannot_carry_is_refused_without_showing_it(client: type, value: str) -> None:
    with pytest.raises(ValueError) as raised:  # noqa: PT011 - the message is checked below
        client("http://127.0.0.1:1", headers={"Authorization": value})
    assert str(raised.value) == ("the value of header 'Authorization' must be printable ASCII text "
                                 "(it holds a line break, a control character or a non-ASCII character)")
    assert "k3n" not in str(raised.value)


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
def test_a_header_name_or_value_of_the_wrong_type_is_refused(client: type) -> None:
    with pytest.raises(TypeError) as raised:
        client("http://127.0.0.1:1", headers={"X-Retries": 3})
    assert str(raised.value) == "the value of header 'X-Retries' must be a string, not int"
    with pytest.raises(ValueError) as refused:  # noqa: PT011 - the message is checked below
        client("http://127.0.0.1:1", headers={"X Trace": "t-1"})
    assert str(refused.value) == "'X Trace' is not a valid header name"
    with pytest.raises(TypeError) as raised:
        client("http://127.0.0.1:1", headers=[("X-Trace", "t-1")])
    assert str(raised.value) == "headers must be a mapping of header names to values, not list"
    with pytest.raises(TypeError) as raised:
        client("http://127.0.0.1:1", headers={b"X-Trace": "t-1"})
    assert str(raised.value) == "a header name must be a string, not bytes"


@pytest.mark.parametrize("base_url", ["http://app:s3cr3t@receiver", "http://receiver/api?code=s3cr3t",
                                      "https://s3cr3t@receiver:8443/?code=s3cr3t&x=1"])
def test_a_delivery_error_never_shows_the_credentials_of_the_url(base_url: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with EventClient(base_url, transport=httpx.MockTransport(refuse), retries=0) as client:
        assert "s3cr3t" in client.url  # where events go, in full
        with pytest.raises(EventDeliveryError) as caught:
            client.send(EVENT)
    assert "s3cr3t" not in str(caught.value) + caught.value.url + repr(caught.value)
    assert "receiver" in caught.value.url and "/event" in caught.value.url


@pytest.mark.parametrize("base_url", ["ftp://app:s3cr3t@receiver", "http://app:s3cr3t@", "mailto:s3cr3t@receiver",
                                      "http://app:s3cr3t@receiver\n", "http://receiver/?code=s3cr3t\t"])
def test_a_base_url_refused_is_shown_without_its_credentials(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        EventClient(base_url)
    assert "s3cr3t" not in str(caught.value)


def test_the_attempt_timeout_is_three_timeouts_unless_given() -> None:
    with EventClient("http://127.0.0.1:1") as default, EventClient("http://127.0.0.1:1", timeout=2) as short, \
            EventClient("http://127.0.0.1:1", timeout=2, attempt_timeout=60) as given:
        assert (default._settings.attempt_timeout, short._settings.attempt_timeout) == (30.0, 6.0)
        assert given._settings.attempt_timeout == 60


@pytest.mark.parametrize(("client", "transport", "expected"), [
    (EventClient, httpx.AsyncHTTPTransport(), "BaseTransport"),
    (AsyncEventClient, httpx.HTTPTransport(), "AsyncBaseTransport"),
    (EventClient, "http://proxy", "BaseTransport"),
])
def test_a_transport_of_the_wrong_kind_is_refused_when_the_client_is_made(
    client: type, transport: object, expected: str,
) -> None:
    with pytest.raises(TypeError) as raised:
        client("http://receiver", transport=transport)
    assert str(raised.value) == (f"{client.__name__}'s transport must be an httpx.{expected}, "
                                 f"not {type(transport).__name__}")


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize(("events", "options", "message"), [
    (EVENT, {}, "send_many takes an iterable of Envelopes, not one Envelope: send it with send"),
    (None, {}, "events must be an iterable of Envelopes, not NoneType"),
    ([EVENT], {"on_result": "print"}, "on_result must be a callable taking a SendResult, not str"),
])
def test_send_many_refuses_arguments_of_the_wrong_kind_before_sending(
    client: type, events: object, options: dict[str, object], message: str,
) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(202))
    made = client("http://receiver", transport=transport)
    send_many = made.send_many if client is EventClient else lambda *a, **k: asyncio.run(made.send_many(*a, **k))
    with pytest.raises(TypeError) as raised:
        send_many(events, **options)
    assert (str(raised.value), sent) == (message, [])
    if client is EventClient:
        made.close()
    else:
        asyncio.run(made.aclose())


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
def test_a_timeout_of_a_day_is_the_longest_taken_as_by_send_timeout(client: type) -> None:
    from thrilldrops_events._settings import MAX_SECONDS
    from thrilldrops_events.cli._command import seconds

    assert MAX_SECONDS == 86400
    assert seconds(MAX_SECONDS) is None and seconds(MAX_SECONDS + 1) is not None
    made = client("http://127.0.0.1:1", timeout=MAX_SECONDS, attempt_timeout=MAX_SECONDS)
    assert made._settings.attempt_timeout == MAX_SECONDS
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds above 0 and at most 86400"):
        client("http://127.0.0.1:1", timeout=MAX_SECONDS + 0.5)


def _accepting(sent: list[int]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        return httpx.Response(202, json={"status": "accepted"})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("concurrency", [0, 1001, 10**6, 2.5, True])
def test_send_many_refuses_a_concurrency_out_of_1_to_1000_before_sending(concurrency: object) -> None:
    sent: list[int] = []
    with EventClient("http://receiver", transport=_accepting(sent)) as client, \
            pytest.raises(ValueError, match=r"^concurrency must be (an integer )?from 1 to 1000, not "):
        client.send_many([EVENT] * 3, concurrency=concurrency)  # type: ignore[arg-type]

    async def main() -> None:
        async with AsyncEventClient("http://receiver", transport=_accepting(sent)) as client:
            with pytest.raises(ValueError, match=r"^concurrency must be (an integer )?from 1 to 1000, not "):
                await client.send_many([EVENT] * 3, concurrency=concurrency)  # type: ignore[arg-type]

    asyncio.run(main())
    assert sent == []


def test_send_many_takes_a_concurrency_of_1000() -> None:
    sent: list[int] = []
    with EventClient("http://receiver", transport=_accepting(sent)) as client:
        results = client.send_many([EVENT] * 3, concurrency=1000)
    assert [result.status for result in results] == [202, 202, 202] and len(sent) == 3
