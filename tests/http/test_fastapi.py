"""FastAPI routes with ``Annotated[Envelope, EventBody()]``: exact money and problem details, not a 422."""

from __future__ import annotations

import asyncio
import gzip
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI
from http_support import invalid_examples, problems_of

from thrilldrops_events import Envelope, EventValidationError, parse_event
from thrilldrops_events.http import event_app
from thrilldrops_events.http.fastapi_body import EventBody, add_problem_handlers

BODY = (b'{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-000042","timestamp":1777852800,'
        b'"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":25.10,"balance_after":null}}}')
JSON = {"content-type": "application/json"}


def _app(received: list[Envelope]) -> FastAPI:
    app = FastAPI()
    add_problem_handlers(app)

    @app.post("/event", status_code=202)
    async def receive(event: Annotated[Envelope, EventBody()]) -> dict[str, str]:
        received.append(event)
        return {"status": "accepted"}

    @app.post("/strict", status_code=202)
    async def strict(event: Annotated[Envelope, EventBody(strict=True, max_bytes=300)]) -> dict[str, str]:
        return {"status": "accepted"}

    @app.post("/plain-model")
    async def plain(event: Envelope) -> dict[str, str]:
        return {"status": "accepted"}

    app.mount("/ingest", event_app())
    return app


def _post(app: FastAPI, path: str, body: bytes, headers: dict[str, str] = JSON) -> httpx.Response:
    async def main() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client:
            return await client.post(path, content=body, headers=headers)

    return asyncio.run(main())


def test_money_is_exact_where_fastapis_own_body_reading_refuses_it() -> None:
    received: list[Envelope] = []
    app = _app(received)
    assert _post(app, "/event", BODY).status_code == 202
    assert received == [parse_event(BODY)]
    assert str(received[0].payload.amount) == "25.10"
    assert _post(app, "/plain-model", BODY).status_code == 422  # what EventBody is for


@pytest.mark.parametrize("line", range(len(invalid_examples())))
def test_invalid_events_get_the_same_problem_details_as_event_app(line: int) -> None:
    app = _app([])
    body = invalid_examples()[line]
    with pytest.raises(EventValidationError) as expected:
        parse_event(body)
    answer = _post(app, "/event", body)
    mounted = _post(app, "/ingest/event", body)
    assert (answer.status_code, answer.headers["content-type"]) == (400, "application/problem+json")
    assert answer.json() == mounted.json()
    assert problems_of(answer.json()) == [(p.path, p.kind, p.message) for p in expected.value.problems]


def test_size_media_type_and_strict_mode() -> None:
    app = _app([])
    assert _post(app, "/event", BODY, {"content-type": "text/plain"}).status_code == 415
    assert _post(app, "/strict", BODY + b" " * 200).status_code == 413
    typo = BODY.replace(b'"balance_after":null', b'"x":1')
    answer = _post(app, "/strict", typo)
    assert (answer.status_code, problems_of(answer.json())[0][1]) == (400, "unknown_field")


def test_a_compressed_body_is_415() -> None:
    received: list[Envelope] = []
    answer = _post(_app(received), "/event", gzip.compress(BODY), {**JSON, "content-encoding": "gzip"})
    assert (answer.status_code, problems_of(answer.json())[0][1]) == (415, "unsupported_media_type")
    assert received == []


@pytest.mark.parametrize(("declared", "status", "kind"), [("0" * 4400 + str(len(BODY)), 202, None),
                                                         ("9" * 5000, 413, "too_large"),
                                                         ("\u0661\u0662", 400, "invalid_content_length")])
def test_event_body_reads_any_content_length_as_event_app_does(declared: str, status: int, kind: str | None) -> None:
    answer = _post(_app([]), "/event", BODY, {**JSON, "content-length": declared.encode()})  # type: ignore[dict-item]
    assert answer.status_code == status
    if kind is not None:
        assert (answer.headers["content-type"], problems_of(answer.json())[0][1]) == ("application/problem+json", kind)


@pytest.mark.parametrize("parts", [0, 1, 3])
def test_a_client_gone_before_its_whole_body_is_answered_400_as_event_app_does(parts: int) -> None:
    """A disconnect after ``parts`` parts of the body: ``400`` without a body, never an error of the application."""
    received: list[Envelope] = []
    app = _app(received)
    messages: list[dict[str, object]] = []
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    for path in ("/event", "/ingest/event"):
        sent.clear()
        messages[:] = [{"type": "http.request", "body": BODY[:10], "more_body": True}] * parts
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"content-type", b"application/json")], "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80)}
        asyncio.run(app(scope, receive, send))  # raised ClientDisconnect for /event
        assert [(message.get("status"), message.get("body", b"")) for message in sent] == [(400, b""), (None, b"")]
    assert received == []


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"max_bytes": "1024"}, TypeError, "max_bytes must be an integer, not str"),
    ({"max_bytes": 1.5}, TypeError, "max_bytes must be an integer, not float"),
    ({"max_bytes": True}, TypeError, "max_bytes must be an integer, not bool"),
    ({"max_bytes": 0}, ValueError, "max_bytes must be an integer >= 1, not 0"),
    ({"strict": 1}, TypeError, "strict must be True or False, not int"),
])
def test_event_body_settings_are_checked_when_the_route_is_declared(options: dict[str, object], error: type,
                                                                      message: str) -> None:
    """Unchecked, a ``max_bytes`` of the wrong type made every request a ``500``."""
    with pytest.raises(error) as raised:
        EventBody(**options)  # type: ignore[arg-type]
    assert str(raised.value) == message
