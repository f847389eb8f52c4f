"""``EventClient`` and ``AsyncEventClient``: send envelopes to a ``POST /event`` receiver, with retries.

A retried event may arrive twice: if an answer is lost (a timeout after the server stored the
event), the client cannot tell and sends it again. The envelope carries no event id, so receivers
that must not count an event twice de-duplicate on [dedup_key][thrilldrops_events.dedup_key].

The two clients share everything but their I/O: the settings and their defaults (``_Settings``, built from
the same keywords), and every decision (``_delivery.Delivery`` decides each retry and its wait without doing
any I/O). Each only posts and waits in its own way, blocking or awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypedDict

import httpx
from typing_extensions import Unpack

from thrilldrops_events import __version__
from thrilldrops_events._settings import MAX_CONCURRENCY, concurrency_problem
from thrilldrops_events._suggest import closest
from thrilldrops_events.codecs.json import MoneyFormat
from thrilldrops_events.codecs.json import encode as to_json
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import SendInterruptedError
from thrilldrops_events.http._arguments import check_timeout, check_transport, checked_headers, event_url, shown_url
from thrilldrops_events.http._attempt import apost, check_open, deadline_transport, post
from thrilldrops_events.http._delivery import Delivery, RetryPolicy, SendResult

__all__ = ["AsyncEventClient", "EventClient", "SendResult"]

#: Called with each event's result as ``send_many`` finishes it, in the order of the events.
OnResult = Callable[[SendResult], object]


def _numbered(events: Iterable[Envelope], concurrency: int,
              on_result: OnResult | None) -> Iterator[tuple[int, Envelope]]:
    """The events of ``send_many``, numbered, once its arguments are checked."""
    if not isinstance(concurrency, int) or isinstance(concurrency, bool):
        raise ValueError(f"concurrency must be an integer from 1 to {MAX_CONCURRENCY}, not {concurrency!r}")
    problem = concurrency_problem(concurrency)
    if problem is not None:  # a thread per request in flight: a million would start until none can be
        raise ValueError(f"concurrency {problem}")
    if on_result is not None and not callable(on_result):
        raise TypeError(f"on_result must be a callable taking a SendResult, not {type(on_result).__name__}")
    if isinstance(events, Envelope):  # a model iterates over its fields
        raise TypeError("send_many takes an iterable of Envelopes, not one Envelope: send it with send")
    try:
        return enumerate(events)
    except TypeError:
        raise TypeError(f"events must be an iterable of Envelopes, not {type(events).__name__}") from None


def _interrupted(results: Iterable[SendResult], failure: Exception) -> SendInterruptedError:
    """The error of a ``send_many`` stopped by ``failure``, holding the results of the events sent."""
    text = str(failure)
    error = SendInterruptedError(results, f"{type(failure).__name__}: {text}" if text else type(failure).__name__)
    error.__cause__ = failure
    return error


class _Options(TypedDict, total=False):
    """The keywords both clients take (their defaults are ``_Settings``'s)."""

    headers: Mapping[str, str] | None
    timeout: float
    attempt_timeout: float | None
    retries: int
    backoff: float
    max_backoff: float
    money: MoneyFormat


def _settings(client: str, base_url: str, options: _Options) -> _Settings:
    """The settings of ``client`` (its name, for the message of an unknown keyword, with a did-you-mean)."""
    for name in options:
        if name not in _Options.__annotations__:
            hint = closest(name, _Options.__annotations__)
            raise TypeError(f"{client}() got an unexpected keyword argument {name!r}"
                            + (f"; did you mean {hint!r}?" if hint else ""))
    return _Settings(client, base_url, **options)


class _Settings:
    """What both clients share: the URL, headers, retry policy, deadlines and money format."""

    def __init__(self, client: str, base_url: str, *, headers: Mapping[str, str] | None = None,
                 timeout: float = 10.0, attempt_timeout: float | None = None, retries: int = 3,
                 backoff: float = 0.5, max_backoff: float = 30.0, money: MoneyFormat = "string") -> None:
        self.name = client
        self.policy = RetryPolicy(retries, backoff, max_backoff)
        self.url = event_url(base_url)
        self.shown_url = shown_url(self.url)
        check_timeout(timeout)
        check_timeout(attempt_timeout, "attempt_timeout")
        #: The longest one attempt may take; by default three times ``timeout`` (none without a timeout).
        self.attempt_timeout = attempt_timeout if attempt_timeout is not None or timeout is None else 3 * timeout
        if money not in ("string", "number"):
            shown = repr(money) if isinstance(money, str) else type(money).__name__
            error = ValueError if isinstance(money, str) else TypeError
            raise error(f"money must be 'string' or 'number', not {shown}")
        self.headers = httpx.Headers({"content-type": "application/json",
                                      "user-agent": f"thrilldrops-events/{__version__}"})
        self.headers.update(checked_headers(headers))  # a header given replaces the default of its name, any case
        self.options: dict[str, Any] = {"timeout": timeout}
        # Without TCP_NODELAY, a POST written as two packets (head, then body) waits for a delayed ACK:
        # about 40 ms per request on Linux.
        self.transport_options: dict[str, Any] = {
            "limits": httpx.Limits(max_connections=None, max_keepalive_connections=64),
            "socket_options": [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        }
        self.money = money
        self.rng = random.Random()

    def body(self, envelope: Envelope) -> bytes:
        if not isinstance(envelope, Envelope):
            raise TypeError(f"send an Envelope, not {type(envelope).__name__}")
        return to_json(envelope, money=self.money)

    def delivery(self, index: int) -> Delivery:
        return Delivery(self.shown_url, index, self.policy, self.rng)

    def client(self, transport: httpx.BaseTransport | None) -> httpx.Client:
        """A blocking httpx client with these settings (through ``transport`` if given)."""
        check_transport(transport, httpx.BaseTransport, self.name)
        return httpx.Client(transport=transport or deadline_transport(**self.transport_options), **self.options)

    def async_client(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        """``client`` for asyncio."""
        check_transport(transport, httpx.AsyncBaseTransport, self.name)
        return httpx.AsyncClient(transport=transport or httpx.AsyncHTTPTransport(**self.transport_options),
                                 **self.options)

    def post(self, http: httpx.Client, body: bytes) -> httpx.Response | httpx.TransportError:
        """Post ``body`` once: the answer, or the error that stood in for one (see ``_attempt``)."""
        request = http.build_request("POST", self.url, content=body, headers=self.headers)
        return post(http, request, self.attempt_timeout, self.name)

    async def apost(self, http: httpx.AsyncClient, body: bytes) -> httpx.Response | httpx.TransportError:
        """``post``, awaited."""
        request = http.build_request("POST", self.url, content=body, headers=self.headers)
        return await apost(http, request, self.attempt_timeout, self.name)


def _raise_failure(result: SendResult) -> SendResult:
    if result.error is not None:
        raise result.error
    return result


class EventClient:
    """Send events to a ``POST /event`` receiver (httpx, blocking; safe to share between threads).

    Args:
        base_url: The receiver's root, an ``http://`` or ``https://`` URL such as ``https://thrilldrops.example``;
            events go to ``/event`` under its path, its query (``?code=...``) kept.
        transport: An ``httpx.BaseTransport``, to reach an app without a network (tests) or tune connections.

    Keyword Args:
        headers (Mapping[str, str] | None): Extra request headers (an ``Authorization`` header, for example); one
            named like a default (``Content-Type``, ``User-Agent``), in any case, replaces it. ``Content-Length``
            and ``Transfer-Encoding`` are refused: the client writes them from each body.
        timeout (float): Seconds to wait for connecting, for sending and for each read of the answer (default 10).
        attempt_timeout (float | None): Seconds one attempt may take as a whole, from connecting to the last byte
            of the answer (default ``None``: three times ``timeout``). A server that trickles its answer never
            trips ``timeout``, as each read gets a byte in time; an attempt that overruns this is given up, and
            retried as a timeout. Each connect, write and read of the client's own transport is given at most
            the time left (a blocking socket call cannot be interrupted); through a ``transport`` of yours,
            only the reading of the answer's body is bounded by it.
        retries (int): How many times an event is sent again after a connection error, a timeout, ``408``,
            ``429`` or ``5xx`` (default 3; ``0``: never).
        backoff (float): The first wait, in seconds (default 0.5); it doubles with each retry (with jitter).
        max_backoff (float): The longest wait (default 30); a ``Retry-After`` longer than this ends the retries.
        money (MoneyFormat): Write money as JSON strings (``"string"``, the default) or numbers.

    An answer's body is read up to 1 MiB (decompressed); a longer one is dropped, and the answer taken as its
    status alone.

    Raises:
        TypeError: An argument of the wrong type (named in the message), such as an async ``transport``.
        ValueError: A ``base_url`` that is not an http(s) URL, holds a control character or has a port out of
            1-65535, ``money`` other than ``"string"`` or ``"number"``, a ``timeout`` or ``attempt_timeout`` that
            is not a number of seconds above 0 and at most 86400 (a day, as ``send --timeout``; a longer one is
            past what a socket can wait), negative ``retries``, a backoff that is not a finite number >= 0, a
            header name that is not a token or that frames the body, or a header value that is not printable
            ASCII (the value is never shown).

    Examples:
        >>> with EventClient("http://127.0.0.1:8000") as client:  # doctest: +SKIP
        ...     client.send(envelope).status
        202
    """

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 **options: Unpack[_Options]) -> None:
        self._settings = _settings("EventClient", base_url, options)
        self._http = self._settings.client(transport)

    def send(self, envelope: Envelope) -> SendResult:
        """Send one event, retrying as configured.

        Returns:
            The result, accepted (``status`` 202 or another 2xx).

        Raises:
            EventRejectedError: The receiver refused it (a ``4xx`` other than ``408`` and ``429``), with its problems.
            EventDeliveryError: It could not be delivered, even after the retries.
            ClientClosedError: The client is closed.
        """
        check_open(self._http, self._settings.name)
        return _raise_failure(self._deliver(self._settings.body(envelope), 0))

    def _deliver(self, body: bytes, index: int) -> SendResult:
        delivery = self._settings.delivery(index)
        while not isinstance(step := delivery.step(self._settings.post(self._http, body)), SendResult):
            time.sleep(step)
        return step

    def send_many(self, events: Iterable[Envelope], *, concurrency: int = 8,
                  on_result: OnResult | None = None) -> list[SendResult]:
        """Send many events, ``concurrency`` at a time, each retried on its own; never raises for one event.

        Args:
            events: The events (any iterable; read as sending goes).
            concurrency: How many requests may be in flight at once, 1 to 1000 (``MAX_CONCURRENCY``).
            on_result: Called with each result as it is known (for progress displays).

        Returns:
            One result per event, in the order of the events.

        Raises:
            ValueError: A ``concurrency`` that is not an integer from 1 to 1000 (nothing is sent).
            SendInterruptedError: Something raised before the end: reading ``events`` (or an item that is not an
                ``Envelope``), ``on_result``, or the client, closed meanwhile (its ``__cause__``). The events
                already started are finished first (``on_result`` is no longer called); its ``results`` are
                theirs, and ``sent`` their number.
            ClientClosedError: The client is closed (nothing is sent).
            KeyboardInterrupt: ``Ctrl-C``, raised at once: no event is started after it, and the requests in
                flight are not waited for (they end in their threads).
        """
        numbered = _numbered(events, concurrency, on_result)
        check_open(self._http, self._settings.name)
        results: list[SendResult] = []
        window: deque[Future[SendResult]] = deque()

        def finish_one(report: bool = True) -> None:
            result = window.popleft().result()
            results.append(result)
            if on_result is not None and report:
                on_result(result)

        pool = ThreadPoolExecutor(concurrency, thread_name_prefix="thrilldrops-send")
        try:
            for index, envelope in numbered:
                window.append(pool.submit(self._deliver, self._settings.body(envelope), index))
                if len(window) >= 4 * concurrency:
                    finish_one()
            while window:
                finish_one()
        except Exception as failure:  # no event is started after it; those started are finished
            while window:
                with contextlib.suppress(Exception):  # a client closed meanwhile: not sent
                    finish_one(report=False)
            pool.shutdown()
            raise _interrupted(results, failure) from failure
        except BaseException:  # Ctrl-C: nothing is started after it, nor waited for
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results

    @property
    def url(self) -> str:
        """Where events are sent."""
        return self._settings.url

    def close(self) -> None:
        """Close the connections.

        Sending afterwards raises [ClientClosedError][thrilldrops_events.errors.ClientClosedError].
        """
        self._http.close()

    def __enter__(self) -> EventClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncEventClient:
    """Send events to a ``POST /event`` receiver from asyncio code (httpx); the same settings as ``EventClient``.

    Its ``transport`` is an ``httpx.AsyncBaseTransport``; ``attempt_timeout`` bounds each attempt whole through
    any transport (the attempt is cancelled at its deadline). Like the ``httpx.AsyncClient`` it holds, it
    belongs to the event loop it is first used in: make one per loop.

    Examples:
        >>> async with AsyncEventClient("http://127.0.0.1:8000") as client:  # doctest: +SKIP
        ...     results = await client.send_many(envelopes, concurrency=32)
    """

    def __init__(self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None,
                 **options: Unpack[_Options]) -> None:
        self._settings = _settings("AsyncEventClient", base_url, options)
        self._http = self._settings.async_client(transport)

    async def send(self, envelope: Envelope) -> SendResult:
        """Send one event, retrying as configured.

        Raises:
            EventRejectedError: The receiver refused it (a ``4xx`` other than ``408`` and ``429``), with its problems.
            EventDeliveryError: It could not be delivered, even after the retries.
            ClientClosedError: The client is closed.
        """
        check_open(self._http, self._settings.name)
        return _raise_failure(await self._deliver(self._settings.body(envelope), 0))

    async def _deliver(self, body: bytes, index: int) -> SendResult:
        delivery = self._settings.delivery(index)
        while not isinstance(step := delivery.step(await self._settings.apost(self._http, body)), SendResult):
            await asyncio.sleep(step)
        return step

    async def send_many(self, events: Iterable[Envelope], *, concurrency: int = 8,
                        on_result: OnResult | None = None) -> list[SendResult]:
        """Send many events, ``concurrency`` requests at a time, each retried on its own; never raises for one event.

        The arguments, the results and the errors are those of
        [EventClient.send_many][thrilldrops_events.http.EventClient.send_many].
        """
        numbered = _numbered(events, concurrency, on_result)
        check_open(self._http, self._settings.name)
        settings = self._settings
        results: dict[int, SendResult] = {}
        failures: list[Exception] = []  # the first stops every worker: no event is started after it
        reported = 0  # results before this index have been given to on_result

        workers: list[asyncio.Future[None]] = []

        async def worker() -> None:
            nonlocal reported
            while not failures and (item := next(numbered, None)) is not None:
                if len(workers) < concurrency:  # a worker more only once an event is there for it
                    workers.append(asyncio.ensure_future(guarded()))
                index, envelope = item
                results[index] = await self._deliver(settings.body(envelope), index)
                while reported in results and not failures:  # on_result sees them in the order of the events
                    if on_result is not None:
                        on_result(results[reported])
                    reported += 1

        async def guarded() -> None:
            try:
                await worker()
            except Exception as failure:  # the others finish the events they started
                failures.append(failure)

        workers.append(asyncio.ensure_future(guarded()))
        try:
            for task in workers:  # the list grows as it is read (by index): every worker is awaited
                await task
        except BaseException:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        if failures:
            raise _interrupted([results[index] for index in sorted(results)], failures[0]) from failures[0]
        return [results[index] for index in range(len(results))]

    @property
    def url(self) -> str:
        """Where events are sent."""
        return self._settings.url

    async def aclose(self) -> None:
        """Close the connections.

        Sending afterwards raises [ClientClosedError][thrilldrops_events.errors.ClientClosedError].
        """
        await self._http.aclose()

    async def __aenter__(self) -> AsyncEventClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
