"""``thrilldrops-events serve`` and ``send``: a real server process, replaying the example files."""

from __future__ import annotations

import json
import os
import pty
import re
import selectors
import signal
import socket
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from http_support import EXAMPLES
from streams_support import RedisServer

from tests.failing_file import failing_input, long_line_input
from thrilldrops_events import parse_events
from thrilldrops_events.cli import main
from thrilldrops_events.codecs.redis import decode as decode_entry


class Serve:
    """``thrilldrops-events serve`` in a subprocess, stopped by PID."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "thrilldrops_events", "serve", "--port", "0",
                                         "--log-level", "warning", *args],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert self.process.stderr is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stderr, selectors.EVENT_READ)
            assert selector.select(timeout=30), "serve printed nothing"
        self.first_line = self.process.stderr.readline().decode()
        found = re.search(r"serving (http://\S+?)(;|$)", self.first_line.strip())
        assert found is not None, self.first_line
        self.url = found.group(1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        assert self.process.stderr is not None
        self.process.stderr.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Serve]]:
    started: list[Serve] = []

    def start(*args: str) -> Serve:
        started.append(Serve(*args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_send_replays_a_file_and_sums_up(serve: Callable[..., Serve], capsys: pytest.CaptureFixture[str]) -> None:
    server = serve()
    code = main(["send", str(EXAMPLES / "events.ndjson"), "--url", server.url, "--concurrency", "4"])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "320 events: 320 accepted, 0 rejected (0 invalid, not sent), 0 failed\n")
    assert err == ""  # no progress display when standard error is not a terminal


def test_send_reports_every_event_not_accepted(serve: Callable[..., Serve], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    server = serve("--strict")
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[:5]
    lenient_only = good[0].replace('"operator_id"', '"trace_id":"t-1","operator_id"')
    bad = (EXAMPLES / "invalid-events.ndjson").read_text().splitlines()[:2]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join([*good, lenient_only, *bad]) + "\n")
    code = main(["send", str(path), "--url", server.url])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == "8 events: 5 accepted, 3 rejected (2 invalid, not sent), 0 failed"
    assert out[0].startswith("line 7: not sent: timestamp: timestamp looks like milliseconds")
    assert "line 6: rejected (400 Bad Request)" in out
    assert "line 6:   trace_id: unknown field (refused in strict mode)" in out


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd, as a shell's <(...) gives")
def test_send_reads_a_pipe_given_by_path_once(serve: Callable[..., Serve], capsys: pytest.CaptureFixture[str]) -> None:
    server = serve()
    lines = (EXAMPLES / "events.ndjson").read_bytes().splitlines(keepends=True)[:3]
    read_end, write_end = os.pipe()  # what `send <(cat events.ndjson)` is given: /dev/fd/N, a pipe
    try:
        os.write(write_end, b"".join(lines))
        os.close(write_end)
        code = main(["send", f"/dev/fd/{read_end}", "--url", server.url])
    finally:
        os.close(read_end)
    assert (code, capsys.readouterr().out) == (0, "3 events: 3 accepted, 0 rejected (0 invalid, not sent), 0 failed\n")


def test_send_to_nowhere_fails_after_its_retries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "three.ndjson"
    path.write_text("\n".join((EXAMPLES / "events.ndjson").read_text().splitlines()[:3]) + "\n")
    with socket.socket() as unused:  # bound but not listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}"
        code = main(["send", str(path), "--url", url, "--retries", "1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == "3 events: 0 accepted, 0 rejected (0 invalid, not sent), 3 failed"
    assert out[0].startswith(f"line 1: failed: could not deliver the event to {url}/event after 2 attempts")


def test_send_shows_what_a_receiver_answers_on_lines_of_its_own(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A title or a problem holding a line break cannot forge a line of the report."""
    import http.server
    import json
    import threading

    class Forging(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"title": "Bad\nline 9: forged", "status": 400,
                               "problems": [{"path": "a", "message": "m\nline 8: forged", "kind": "k"}]}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/problem+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    path = tmp_path / "one.ndjson"
    path.write_text((EXAMPLES / "events.ndjson").read_text().splitlines()[0] + "\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forging)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code = main(["send", str(path), "--url", f"http://127.0.0.1:{server.server_port}", "--retries", "0"])
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "line 1: rejected (400 Bad\\nline 9: forged)",
        "line 1:   a: m\\nline 8: forged",
        "1 events: 0 accepted, 1 rejected (0 invalid, not sent), 0 failed",
    ]


def test_send_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "no-such-file.ndjson", "--url", "http://127.0.0.1:9"]) == 2
    assert main(["send", str(EXAMPLES / "events.ndjson"), "--url", "http://x", "--header", "nocolon"]) == 2
    err = capsys.readouterr().err
    assert "cannot read no-such-file.ndjson" in err and "--header must be 'NAME: VALUE'" in err
    for count in ("0", "-3", "1001", "1000000"):  # not taken as 1; not a thread per event
        with pytest.raises(SystemExit) as exit_:
            main(["send", str(EXAMPLES / "events.ndjson"), "--url", "http://127.0.0.1:9", "--concurrency", count])
        assert exit_.value.code == 2
        assert capsys.readouterr().err == f"thrilldrops-events: --concurrency must be from 1 to 1000, not {count}\n"


def test_send_shows_progress_on_a_terminal(serve: Callable[..., Serve]) -> None:
    server = serve()
    leader, follower = pty.openpty()
    try:
        process = subprocess.run([sys.executable, "-m", "thrilldrops_events", "send", str(EXAMPLES / "events.ndjson"),
                                  "--url", server.url], stderr=follower, stdout=subprocess.PIPE, timeout=120)
        os.close(follower)
        shown = b""
        with selectors.DefaultSelector() as selector:
            selector.register(leader, selectors.EVENT_READ)
            while selector.select(timeout=1):
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                shown += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0
    assert b"\r320/320 sent: 320 accepted, 0 rejected, 0 failed" in shown


@pytest.mark.redis
def test_serve_hands_events_to_a_redis_stream(serve: Callable[..., Serve], redis_server: RedisServer,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://:hunter2@127.0.0.1:{redis_server.port}/0"
    redis_server.client().config_set("requirepass", "hunter2")
    server = serve("--redis", url, "--stream", "events")
    assert "hunter2" not in server.first_line and "'events'" in server.first_line
    assert main(["send", str(EXAMPLES / "events.ndjson"), "--url", server.url]) == 0
    capsys.readouterr()
    client = redis_server.client(password="hunter2")
    stored = [decode_entry(fields) for _, fields in client.xrange("events")]
    with (EXAMPLES / "events.ndjson").open("rb") as lines:
        expected = [parsed.event for parsed in parse_events(lines)]
    assert sorted(stored, key=repr) == sorted(expected, key=repr)


def test_serve_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--redis", "redis://127.0.0.1:6379/0"]) == 2
    assert "--redis needs --stream NAME" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # an unset shell variable, not a wish to listen everywhere
        main(["serve", "--host", "", "--port", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == ("thrilldrops-events: --host must name an address (0.0.0.0 for every "
                                       "interface), not ''\n")


@pytest.mark.parametrize(("command", "blocked"), [("serve", "starlette"), ("send", "httpx")])
def test_without_the_extra_the_commands_say_what_to_install(command: str, blocked: str) -> None:
    argv = [command, "x.ndjson", "--url", "http://x"] if command == "send" else [command]
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            f"from thrilldrops_events.cli import main\nsys.exit(main({argv!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pip install 'thrilldrops-events[http]'" in result.stderr


def test_serve_says_when_the_address_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("password", ["hunter2@x9", "hunter2:x9", "hunter2%23x9", "hunter2%2Fx9"])
def test_serve_never_shows_the_redis_password(serve: Callable[..., Serve], password: str) -> None:
    server = serve("--redis", f"redis://app:{password}@127.0.0.1:1/0", "--stream", "events")
    assert "'events'" in server.first_line
    assert "hunter2" not in server.first_line and "x9" not in server.first_line
    assert "//***@127.0.0.1:1/0" in server.first_line


@pytest.mark.parametrize("password", ["hunter2#x9", "hunter2/x9"])
def test_serve_refuses_a_redis_url_redis_py_cannot_read_without_showing_its_password(
        capsys: pytest.CaptureFixture[str], password: str) -> None:
    assert main(["serve", "--port", "0", "--redis", f"redis://app:{password}@127.0.0.1:1/0", "--stream", "events"]) == 2
    out, err = capsys.readouterr()
    assert "redis-py can read" in err
    assert "hunter2" not in out + err and "x9" not in out + err


@pytest.mark.parametrize("query", ["foo=bar", "socket_timeout=1e10", "encoding=nope"])
def test_serve_refuses_a_redis_url_whose_query_redis_py_cannot_use(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    from thrilldrops_events.http import server

    monkeypatch.setattr(server, "serve", lambda *args, **options: None)  # served, it answered 500 to every event
    url = f"redis://app:hunter2@127.0.0.1:1/0?{query}"
    assert main(["serve", "--port", "0", "--redis", url, "--stream", "events"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("thrilldrops-events: redis=: redis-py cannot use an option of the query of the "
                          "Redis URL: "), err
    assert query.partition("=")[0] in err
    assert err.count("\n") == 1 and "hunter2" not in out + err


@pytest.mark.parametrize(("args", "message"), [(["--stream", ""], "stream name"),
                                               (["--stream", "s", "--redis", "http://127.0.0.1:1"], "redis://")])
def test_serve_refuses_a_stream_setting_it_cannot_use(capsys: pytest.CaptureFixture[str], args: list[str],
                                                      message: str) -> None:
    assert main(["serve", "--port", "0", *args]) == 2
    assert message in capsys.readouterr().err


def test_send_refuses_a_header_http_cannot_carry_without_showing_it(capsys: pytest.CaptureFixture[str]) -> None:
    header = "Authorization: Bearer t0k3n\r\nX-Injected: 1"
    assert main(["send", str(EXAMPLES / "events.ndjson"), "--url", "http://127.0.0.1:1", "--header", header]) == 2
    out, err = capsys.readouterr()
    assert "header 'Authorization' must be printable ASCII text" in err
    assert "t0k3n" not in out + err


def test_send_reports_what_it_sent_when_the_file_fails_part_way(serve: Callable[..., Serve],
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    server = serve()
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[:3]

    monkeypatch.setattr("thrilldrops_events.cli._command._source", failing_input(good))
    code = main(["send", "-", "--url", server.url])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == "3 events: 3 accepted, 0 rejected (0 invalid, not sent), 0 failed\n"
    assert err == "thrilldrops-events: cannot read -: Input/output error; the events before were sent\n"


def test_send_says_how_many_problems_it_did_not_list(serve: Callable[..., Serve], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """An event with 25 unknown fields, refused by a strict receiver, which lists 20 and counts the others."""
    server = serve("--strict")
    document = json.loads((EXAMPLES / "events.ndjson").read_text().splitlines()[0])
    path = tmp_path / "many.ndjson"
    path.write_text(json.dumps({**document, **{f"x{number}": 1 for number in range(25)}}) + "\n")
    assert main(["send", str(path), "--url", server.url]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("line 1:   x") for line in out) == 20
    assert out[-2:] == ["line 1:   ... and 5 more problems",
                        "1 events: 0 accepted, 1 rejected (0 invalid, not sent), 0 failed"]


def test_send_reads_an_endless_line_in_constant_memory(serve: Callable[..., Serve], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A line far over the size of an event is not sent, and not held whole; the lines after it are sent."""
    server = serve()
    good = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
    monkeypatch.setattr("thrilldrops_events.cli._command._source", long_line_input(64 << 20, [good]))
    tracemalloc.start()
    try:
        code = main(["send", "-", "--url", server.url])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, capsys.readouterr().out) == (1, "line 1: not sent: <document>: event is larger than 1048576 bytes\n"
                                                  "2 events: 1 accepted, 1 rejected (1 invalid, not sent), 0 failed\n")
    assert peak < 16 << 20


def _interruptible() -> None:
    """In a child process, before it runs: ``Ctrl-C`` (SIGINT) at its default, as a terminal gives it.

    A shell that starts the tests in the background (``&``, without job control) has them ignore SIGINT, and
    their children would inherit that: Python then installs no ``KeyboardInterrupt`` for it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interruptible_without_output() -> None:
    _interruptible()
    os.close(1)


def test_ctrl_c_stops_send_at_once_with_a_request_in_flight(tmp_path: Path) -> None:
    """``Ctrl-C`` while a receiver takes its time: exit code 130 at once, not once the request times out."""
    path = tmp_path / "events.ndjson"
    path.write_text((EXAMPLES / "events.ndjson").read_text())
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        process = subprocess.Popen([sys.executable, "-m", "thrilldrops_events", "send", str(path), "--url", url,
                                    "--timeout", "600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   preexec_fn=_interruptible)
        try:
            listener.settimeout(60)
            connection, _ = listener.accept()
            with connection:
                connection.recv(1)  # a request is in flight, and never answered
                process.send_signal(signal.SIGINT)
                err = process.communicate(timeout=60)[1]  # not the 600 seconds of --timeout
        finally:
            process.kill()  # stopped already, unless the test failed
            process.communicate()
    assert (process.returncode, err) == (130, b"")


def test_serve_serves_with_its_standard_output_closed() -> None:
    """``serve >&-``: what it logs on standard output (the access log) goes nowhere; it serves all the same."""
    process = subprocess.Popen([sys.executable, "-m", "thrilldrops_events", "serve", "--port", "0"],
                               stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=_interruptible_without_output)
    try:
        assert process.stderr is not None
        found = re.search(r"serving (http://\S+)", process.stderr.readline().decode())
        assert found is not None
        with httpx.Client(timeout=30, transport=httpx.HTTPTransport(retries=5)) as client:
            assert client.get(found.group(1) + "/health").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1]
    assert process.returncode == 130
    assert b"Traceback" not in err


def test_serve_on_a_terminal_shows_no_colours_when_no_color_is_set() -> None:
    """``NO_COLOR`` (https://no-color.org): uvicorn colours its log on a terminal unless told not to."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "thrilldrops_events", "serve", "--port", "0"],
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_interruptible)
    os.close(follower)
    shown = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(leader, selectors.EVENT_READ)
            while b"startup complete" not in shown and selector.select(timeout=30):
                shown += os.read(leader, 65536)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        os.close(leader)
    assert b"INFO:     Application startup complete." in shown
    assert b"\x1b[" not in shown


@pytest.mark.parametrize("argv", [("send", str(EXAMPLES / "events.ndjson"), "--url", b"http://b\xff.test"),
                                  ("serve", "--port", "0", "--stream", b"events\xff"),
                                  ("serve", "--port", "0", "--stream", "events", "--redis", b"redis://\xff")],
                         ids=["send --url", "serve --stream", "serve --redis"])
def test_a_setting_that_is_not_utf8_is_a_usage_error(argv: tuple[str | bytes, ...]) -> None:
    """A URL or a stream's name is text: one that is not UTF-8 is refused at once, not on every event."""
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], capture_output=True, timeout=120,
                          check=False, stdin=subprocess.DEVNULL)
    name = next(str(argv[index - 1]) for index, value in enumerate(argv) if isinstance(value, bytes))
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.startswith(f"thrilldrops-events: {name} is not UTF-8 text (byte 0xff at offset ".encode())


def test_send_reads_its_url_as_utf8_in_the_c_locale(tmp_path: Path) -> None:
    """In the C locale (without Python's UTF-8 mode) an argument's bytes reach Python undecoded: a host that is
    not ASCII (an IDN) is read as the UTF-8 it is written in, not refused as no URL."""
    path = tmp_path / "one.ndjson"
    path.write_text((EXAMPLES / "events.ndjson").read_text().splitlines()[0] + "\n")
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", "send", str(path), "--url",
                           "http://bücher.invalid", "--retries", "0"], capture_output=True, timeout=120, check=False,
                          env={**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout.endswith(b"1 events: 0 accepted, 0 rejected (0 invalid, not sent), 1 failed\n")
