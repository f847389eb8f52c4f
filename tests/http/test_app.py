"""The receiver over a real socket (uvicorn in a thread): status codes, problem details, NDJSON, handlers."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from http_support import EXAMPLES, invalid_examples, problems_of

from thrilldrops_events import Envelope, EventValidationError, parse_event, to_json
from thrilldrops_events.errors import EventRejectedError
from thrilldrops_events.http import EventClient, event_app, serve_in_thread
from thrilldrops_events.http import app as app_module

DEPOSIT = (b'{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-000042","timestamp":1777852800,'
           b'"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":25.10,"balance_after":null}}}')
JSON = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}
TOKEN = "sess-top-secret-7f3a"


class Recorder:
    """A sync handler that records envelopes; ``fail`` makes it raise instead."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []
        self.fail: BaseException | None = None
        self.threads: set[str] = set()

    def __call__(self, envelope: Envelope) -> None:
        self.threads.add(threading.current_thread().name)
        if self.fail is not None:
            raise self.fail
        self.events.append(envelope)


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def url(recorder: Recorder) -> Iterator[str]:
    with serve_in_thread(event_app(recorder, retry_after=7)) as base:
        yield base


@pytest.fixture
def http(url: str, recorder: Recorder) -> Iterator[httpx.Client]:
    recorder.events.clear()
    recorder.fail = None
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_an_event_is_accepted_exactly(http: httpx.Client, recorder: Recorder) -> None:
    answer = http.post("/event", content=DEPOSIT, headers=JSON)
    assert (answer.status_code, answer.json()) == (202, {"status": "accepted"})
    assert recorder.events == [parse_event(DEPOSIT)]
    assert str(recorder.events[0].payload.amount) == "25.10"
    assert recorder.threads and threading.main_thread().name not in recorder.threads  # sync: in a worker thread


@pytest.mark.parametrize("line", range(len(invalid_examples())))
def test_every_invalid_example_gets_parse_events_problems(http: httpx.Client, recorder: Recorder, line: int) -> None:
    body = invalid_examples()[line]
    with pytest.raises(EventValidationError) as expected:
        parse_event(body)
    answer = http.post("/event", content=body, headers=JSON)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    document = answer.json()
    assert document["type"] == "about:blank"
    assert document["status"] == 400
    assert problems_of(document) == [(p.path, p.kind, p.message) for p in expected.value.problems]
    assert recorder.events == []


def test_strict_mode_is_the_apps_choice() -> None:
    body = DEPOSIT.replace(b'"balance_after"', b'"ballance_after"')
    with serve_in_thread(event_app(strict=True)) as base:
        answer = httpx.post(base + "/event", content=body, headers=JSON, timeout=30)
    assert answer.status_code == 400
    assert problems_of(answer.json())[0][:2] == ("event_type.Deposit.ballance_after", "unknown_field")


def test_the_session_token_is_never_shown(http: httpx.Client) -> None:
    login = {"operator_id": "op-1", "brand_id": "", "player_id": "p-1", "timestamp": 1777852800,
             "event_type": {"PlayerLogin": {"channel_type": "mobileweb", "currency": "EUR", "session_token": TOKEN,
                                            "country": TOKEN}}}
    answer = http.post("/event", content=json.dumps(login), headers=JSON)
    assert answer.status_code == 400
    assert {kind for _, kind, _ in problems_of(answer.json())} >= {"enum", "string_too_short"}
    too_long = dict(login, brand_id="b")
    too_long["event_type"] = {"PlayerLogin": {"channel_type": "MobileWeb", "currency": "EUR",
                                              "session_token": TOKEN * 300}}
    second = http.post("/event", content=json.dumps(too_long), headers=JSON)
    assert second.status_code == 400
    assert problems_of(second.json())[0][0] == "event_type.PlayerLogin.session_token"
    assert TOKEN not in answer.text + second.text


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_415(http: httpx.Client, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    answer = http.post("/event", content=DEPOSIT, headers=headers)
    assert answer.status_code == 415
    assert [kind for _, kind, _ in problems_of(answer.json())] == ["unsupported_media_type"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/vnd.thrilldrops+json"])
def test_json_media_types_with_parameters_or_suffix_are_json(http: httpx.Client, content_type: str) -> None:
    assert http.post("/event", content=DEPOSIT, headers={"content-type": content_type}).status_code == 202


@pytest.mark.parametrize("path", ["/event", "/events", "/conditions/check"])
@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "gzip, identity"])
def test_a_compressed_body_is_415_not_read_as_json(http: httpx.Client, recorder: Recorder, path: str,
                                                   coding: str) -> None:
    body = gzip.compress(DEPOSIT) if coding.startswith("gzip") else zlib.compress(DEPOSIT)
    answer = http.post(path, content=body, headers={**JSON, "content-encoding": coding})
    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"
    [(where, kind, message)] = problems_of(answer.json())
    assert (where, kind) == ("", "unsupported_media_type")
    assert message == f"the body must be sent without a Content-Encoding, not {coding!r}"
    assert recorder.events == []


def test_an_identity_content_encoding_is_no_encoding(http: httpx.Client, recorder: Recorder) -> None:
    assert http.post("/event", content=DEPOSIT, headers={**JSON, "content-encoding": "Identity"}).status_code == 202
    assert len(recorder.events) == 1


def test_a_body_over_the_limit_is_413_from_its_declared_length(http: httpx.Client, recorder: Recorder) -> None:
    answer = http.post("/event", content=b" " * ((1 << 20) + 1), headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert [kind for _, kind, _ in problems_of(answer.json())] == ["too_large"]
    assert http.post("/event", content=DEPOSIT, headers=JSON).status_code == 202  # the connection still works


def test_a_chunked_body_over_the_limit_is_413_while_it_is_read(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536  # 2.5 MiB in all, with no Content-Length

    answer = http.post("/event", content=chunks(), headers=JSON)
    assert answer.status_code == 413


def _in_process(path: str, body: bytes, headers: dict[str, Any]) -> httpx.Response:
    """POST to a new ``event_app`` in this process, its headers sent as given (no server checks them first)."""
    async def main() -> httpx.Response:
        transport = httpx.ASGITransport(event_app(Recorder()))
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.post(path, content=body, headers=headers)

    return asyncio.run(main())


_ROUTES = [("/event", DEPOSIT, 202), ("/events", DEPOSIT, 200),
           ("/conditions/check", b'{"condition": "amount >= 1", "event_type": "Deposit"}', 200),
           ("/conditions/eval", b'{"condition": "amount >= 1", "event_type": "Deposit", "events": ['
            + DEPOSIT + b"]}", 200)]


@pytest.mark.parametrize(("path", "body", "status"), _ROUTES)
def test_a_content_length_of_thousands_of_digits_is_read_as_its_value(path: str, body: bytes, status: int) -> None:
    """``Content-Length`` is 1*DIGIT: leading zeros are allowed, and no length is too long to be compared."""
    padded = _in_process(path, body, {**JSON, "content-length": "0" * 4400 + str(len(body))})
    assert padded.status_code == status
    huge = _in_process(path, body, {**JSON, "content-length": "9" * 5000})
    assert (huge.status_code, huge.headers["content-type"]) == (413, "application/problem+json")
    assert [kind for _, kind, _ in problems_of(huge.json())] == ["too_large"]


@pytest.mark.parametrize("declared", ["\u00b2".encode(), "\u0661\u0662".encode(), b"1e3", b"-1", b"+5", b"0x10",
                                      b"", b"5, 5", b"1_000"])
@pytest.mark.parametrize(("path", "body", "status"), _ROUTES)
def test_a_content_length_that_is_not_ascii_digits_is_400(path: str, body: bytes, status: int, declared: bytes) -> None:
    answer = _in_process(path, body, {**JSON, "content-length": declared})
    assert (answer.status_code, answer.headers["content-type"]) == (400, "application/problem+json")
    assert [kind for _, kind, _ in problems_of(answer.json())] == ["invalid_content_length"]


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/event", 405), ("PUT", "/events", 405),
                                                        ("POST", "/health", 405), ("GET", "/nowhere", 404),
                                                        ("POST", "/event/", 404), ("POST", "/events/", 404),
                                                        ("OPTIONS", "/event", 405), ("HEAD", "/events", 405)])
def test_wrong_method_or_path_are_problem_details(http: httpx.Client, method: str, path: str, status: int) -> None:
    answer = http.request(method, path, content=DEPOSIT, headers=JSON)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    if method != "HEAD":
        assert answer.json()["status"] == status
    if status == 405:
        assert answer.headers["allow"]


def test_health(http: httpx.Client) -> None:
    answer = http.get("/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_handler_errors(http: httpx.Client, recorder: Recorder) -> None:
    recorder.fail = EventValidationError([])
    assert http.post("/event", content=DEPOSIT, headers=JSON).status_code == 400
    recorder.fail = ConnectionError("the store is down")
    unavailable = http.post("/event", content=DEPOSIT, headers=JSON)
    assert (unavailable.status_code, unavailable.headers["retry-after"]) == (503, "7")
    assert unavailable.json()["detail"] == "the store is down"
    recorder.fail = TimeoutError()
    assert http.post("/event", content=DEPOSIT, headers=JSON).status_code == 503
    recorder.fail = RuntimeError("a bug with a secret " + TOKEN)
    crashed = http.post("/event", content=DEPOSIT, headers=JSON)
    assert crashed.status_code == 500
    assert crashed.headers["content-type"] == "application/problem+json"
    assert TOKEN not in crashed.text
    assert recorder.events == []


def test_an_async_handler_runs_on_the_event_loop() -> None:
    seen: list[tuple[Envelope, bool]] = []

    async def handler(envelope: Envelope) -> None:
        await asyncio.sleep(0)
        seen.append((envelope, threading.current_thread().name == "uvicorn"))

    with serve_in_thread(event_app(handler)) as base:
        assert httpx.post(base + "/event", content=DEPOSIT, headers=JSON, timeout=30).status_code == 202
    assert seen == [(parse_event(DEPOSIT), True)]


def test_a_plain_function_returning_a_coroutine_has_it_awaited() -> None:
    stored: list[Envelope] = []

    async def save(envelope: Envelope) -> None:
        if envelope.player_id == "p-down":
            raise ConnectionError("the store is down")
        stored.append(envelope)

    with serve_in_thread(event_app(lambda envelope: save(envelope), retry_after=7)) as base:
        one = httpx.post(base + "/event", content=DEPOSIT, headers=JSON)
        batch = httpx.post(base + "/events", content=DEPOSIT + b"\n" + DEPOSIT, headers=NDJSON)
        down = httpx.post(base + "/event", content=DEPOSIT.replace(b"p-000042", b"p-down"), headers=JSON)
    assert (one.status_code, batch.status_code) == (202, 200)
    assert stored == [parse_event(DEPOSIT)] * 3
    assert (down.status_code, down.headers["retry-after"]) == (503, "7")


def test_ndjson_batch_one_result_per_line_and_no_good_line_dropped(http: httpx.Client, recorder: Recorder) -> None:
    good = (EXAMPLES / "events.ndjson").read_bytes().splitlines()[:40]
    bad = invalid_examples()
    # good and bad lines alternating, then good ones with blank lines between
    lines = [line for pair in zip(good, bad + [b""] * 27, strict=True) for line in pair]
    answer = http.post("/events", content=b"\n".join(lines), headers=NDJSON)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-ndjson"
    results = [json.loads(line) for line in answer.text.splitlines()]
    expected: dict[int, Any] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parse_event(line)
        except EventValidationError as error:
            expected[number] = [(p.path, p.kind, p.message) for p in error.problems]
        else:
            expected[number] = "accepted"
    assert [r["line"] for r in results] == list(expected)
    for result in results:
        if expected[result["line"]] == "accepted":
            assert result["status"] == "accepted"
        else:
            assert (result["status"], problems_of(result)) == ("rejected", expected[result["line"]])
    assert [to_json(e) for e in recorder.events] == [to_json(parse_event(line)) for line in good]


def test_ndjson_batch_lines_end_at_newline_only(http: httpx.Client, recorder: Recorder) -> None:
    login = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1777852800,"event_type":{"PlayerLogin":'
             '{"channel_type":"MobileWeb","currency":"EUR","jurisdiction":"MGA\u2028\u2029\u0085x"}}}').encode()
    spaced = DEPOSIT.replace(b',"brand_id"', b',\r"brand_id"')
    answer = http.post("/events", content=login + b"\r\n" + spaced + b"\n", headers=NDJSON)
    results = [json.loads(line) for line in answer.text.split("\n") if line]
    assert [(r["line"], r["status"]) for r in results] == [(1, "accepted"), (2, "accepted")]
    assert [to_json(e) for e in recorder.events] == [to_json(parse_event(login)), to_json(parse_event(DEPOSIT))]


def test_ndjson_batch_handler_failures_are_per_line(http: httpx.Client, recorder: Recorder) -> None:
    recorder.fail = ConnectionError("down")
    answer = http.post("/events", content=DEPOSIT + b"\n" + DEPOSIT, headers=NDJSON)
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "7")
    assert [json.loads(line)["status"] for line in answer.text.splitlines()] == ["unavailable", "unavailable"]


def test_a_batch_of_more_lines_than_the_limit_is_413_before_any_is_read() -> None:
    recorder = Recorder()
    with serve_in_thread(event_app(recorder, max_batch_lines=3)) as base:
        at_limit = httpx.post(base + "/events", content=b"\n".join([DEPOSIT, b"", DEPOSIT]) + b"\n", headers=NDJSON)
        over = httpx.post(base + "/events", content=b"\n".join([DEPOSIT, b"x", b"", b"x"]), headers=NDJSON)
    assert at_limit.status_code == 200
    assert len(recorder.events) == 2
    assert (over.status_code, over.headers["content-type"]) == (413, "application/problem+json")
    assert problems_of(over.json()) == [("", "too_large", "the batch holds more than 3 lines")]
    assert len(recorder.events) == 2


def test_a_batch_is_read_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real = app_module.parse_events

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "parse_events", recording)
    with serve_in_thread(event_app()) as base:
        answer = httpx.post(base + "/events", content=DEPOSIT + b"\nx", headers=NDJSON)
    assert [json.loads(line)["status"] for line in answer.text.splitlines()] == ["accepted", "rejected"]
    assert len(threads) == 1
    assert threads[0] != "uvicorn"  # the loop's thread keeps serving other requests meanwhile


def test_a_stream_needs_redis_and_a_name() -> None:
    with pytest.raises(ValueError, match="needs redis="):
        event_app(stream="events")
    with pytest.raises(ValueError, match="non-empty"):
        event_app(stream="", redis="redis://127.0.0.1:6379/0")


def test_conditions_routes_can_be_left_out() -> None:
    with serve_in_thread(event_app(conditions=False)) as base:
        answer = httpx.post(base + "/conditions/check", json={"condition": "amount > 1", "event_type": "Deposit"})
    assert answer.status_code == 404


def _stalling_post(base: str, path: str, head: bytes, parts: list[bytes]) -> bytes:
    """Send a request whose body is declared 10 bytes longer than ``parts``; the answer as raw bytes."""
    host, port = base.removeprefix("http://").split(":")
    size = sum(map(len, parts)) + 10
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: receiver\r\n" + head
                     + b"Content-Length: " + str(size).encode() + b"\r\n\r\n")
        for part in parts:
            sock.sendall(part)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            received = sock.recv(65536)
            if not received:
                break
            answer += received
    return answer


@pytest.mark.parametrize(("path", "head"), [
    ("/event", b"Content-Type: application/json\r\n"),
    ("/events", b"Content-Type: application/x-ndjson\r\n"),
    ("/conditions/check", b"Content-Type: application/json\r\n"),
])
def test_a_body_that_stops_arriving_is_answered_408_not_waited_for_forever(path: str, head: bytes) -> None:
    recorder = Recorder()
    with serve_in_thread(event_app(recorder, body_timeout=0.2)) as base:
        answer = _stalling_post(base, path, head, [DEPOSIT[:40]])
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout"
    assert b"content-type: application/problem+json" in rest.lower()
    assert b"connection: close" in rest.lower()  # the rest of the body is not waited for either
    document = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert (document["status"], problems_of(document)[0][1]) == (408, "body_timeout")
    assert recorder.events == []


def test_a_body_arriving_slowly_but_steadily_is_read_whole() -> None:
    recorder = Recorder()
    body = DEPOSIT
    parts = [body[start:start + 40] for start in range(0, len(body), 40)]
    with serve_in_thread(event_app(recorder, body_timeout=5)) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(b"POST /event HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            for part in parts:
                time.sleep(0.05)
                sock.sendall(part)
            assert sock.recv(65536).startswith(b"HTTP/1.1 202 ")
    assert [to_json(event) for event in recorder.events] == [to_json(parse_event(DEPOSIT))]


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "30", True])
def test_body_timeout_must_be_a_finite_number_of_seconds(bad: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="body_timeout"):
        event_app(body_timeout=bad)


@pytest.mark.parametrize(("settings", "error"), [
    ({"retry_after": -1}, ValueError), ({"retry_after": 1.5}, TypeError), ({"retry_after": "1"}, TypeError),
    ({"retry_after": True}, TypeError), ({"max_event_bytes": 0}, ValueError), ({"max_event_bytes": "5"}, TypeError),
    ({"max_batch_bytes": None}, TypeError), ({"max_batch_lines": 0}, ValueError), ({"max_batch_lines": 2.0}, TypeError),
    ({"strict": "no"}, TypeError), ({"conditions": 1}, TypeError), ({"handler": 5}, TypeError),
])
def test_impossible_settings_are_refused_when_the_app_is_made(settings: dict[str, Any], error: type[Exception]) -> None:
    handler = settings.pop("handler", None)
    name = next(iter(settings), "handler")
    with pytest.raises(error, match=name):
        event_app(handler, **settings)


def test_the_retry_after_it_is_given_is_the_one_it_sends() -> None:
    def down(envelope: Envelope) -> None:
        raise ConnectionError("the store is down")

    with serve_in_thread(event_app(down, retry_after=0)) as base:
        answer = httpx.post(base + "/event", content=DEPOSIT, headers=JSON)
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "0")


def test_stalled_bodies_time_out_each_on_its_own_while_the_server_goes_on_serving() -> None:
    recorder = Recorder()
    answers: dict[str, bytes] = {}
    with serve_in_thread(event_app(recorder, body_timeout=0.3)) as base:
        def stall(name: str) -> None:
            answers[name] = _stalling_post(base, "/event", b"Content-Type: application/json\r\n", [DEPOSIT[:20]])

        stalled = [threading.Thread(target=stall, args=(f"stalled-{n}",)) for n in range(3)]
        for thread in stalled:
            thread.start()
        accepted = [httpx.post(base + "/event", content=DEPOSIT, headers=JSON, timeout=30) for _ in range(5)]
        for thread in stalled:
            thread.join(30)
        after = httpx.post(base + "/event", content=DEPOSIT, headers=JSON, timeout=30)  # the loop is still sound
    assert [answer.status_code for answer in accepted] == [202] * 5 and after.status_code == 202
    assert sorted(answers) == ["stalled-0", "stalled-1", "stalled-2"]
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in answers.values())
    assert len(recorder.events) == 6


def test_an_event_with_more_problems_than_are_listed_says_how_many_more_to_the_client() -> None:
    """The receiver lists 20 problems and sends the count of the others as ``omitted``: the client keeps it."""
    document = json.loads(DEPOSIT)
    document.update({f"extra_{number}": number for number in range(30)})
    body = json.dumps(document).encode()
    event = parse_event(body)  # lenient: the unknown fields are kept, and sent on
    with serve_in_thread(event_app(strict=True)) as base:
        answer = httpx.post(base + "/event", content=body, headers=JSON, timeout=30)
        lines = httpx.post(base + "/events", content=body + b"\n", headers={"Content-Type": "application/x-ndjson"},
                           timeout=30)
        with EventClient(base) as client, pytest.raises(EventRejectedError) as caught:
            client.send(event)
    assert answer.status_code == 400
    assert (len(answer.json()["problems"]), answer.json()["omitted"]) == (20, 10)
    [line] = [json.loads(text) for text in lines.text.splitlines()]
    assert (line["status"], len(line["problems"]), line["omitted"]) == ("rejected", 20, 10)
    assert (len(caught.value.problems), caught.value.omitted) == (20, 10)
    assert str(caught.value).splitlines()[-1] == "  ... and 10 more problems"


def test_a_valid_event_s_answer_and_a_short_list_have_no_omitted_member() -> None:
    with serve_in_thread(event_app(strict=True)) as base:
        answer = httpx.post(base + "/event", content=DEPOSIT.replace(b'"balance_after"', b'"ballance_after"'),
                            headers=JSON, timeout=30)
    assert answer.status_code == 400 and "omitted" not in answer.json()
