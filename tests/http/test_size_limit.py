"""A 10 MB body is refused with 413 without the server holding it: the bytes the app read, and its peak memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from http_support import ServerProcess

TEN_MB = 10 * 1000 * 1000
LIMIT = 1 << 20
JSON = {"content-type": "application/json"}


@pytest.fixture
def receiver(server_process: Callable[..., ServerProcess]) -> ServerProcess:
    server = server_process(mode="plain")
    for _ in range(3):  # warm up: imports and buffers that the first requests allocate
        httpx.post(server.url + "/event", content=b"{}", headers=JSON, timeout=30)
    return server


def test_a_declared_10mb_body_is_refused_before_a_byte_of_it_is_read(receiver: ServerProcess) -> None:
    before = receiver.report()
    answer = httpx.post(receiver.url + "/event", content=b" " * TEN_MB, headers=JSON, timeout=60)
    after = receiver.report()
    assert answer.status_code == 413
    assert answer.json()["problems"][0]["kind"] == "too_large"
    assert after["bytes_read"] == before["bytes_read"]  # the app read none of it
    assert after["peak_rss_kib"] - before["peak_rss_kib"] < 4 * 1024  # and the process never held it
    assert after["calls"] == 0


def test_a_chunked_10mb_body_is_refused_once_it_passes_the_limit(receiver: ServerProcess) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(TEN_MB // 50_000):
            yield b" " * 50_000

    before = receiver.report()
    answer = httpx.post(receiver.url + "/event", content=chunks(), headers=JSON, timeout=60)
    after = receiver.report()
    assert answer.status_code == 413
    read = after["bytes_read"] - before["bytes_read"]
    assert LIMIT < read <= LIMIT + 256 * 1024  # it stopped reading just past the limit, far below 10 MB
    assert after["peak_rss_kib"] - before["peak_rss_kib"] < 4 * 1024
    healthy = httpx.post(receiver.url + "/event", content=b"{}", headers=JSON, timeout=30)
    assert healthy.status_code == 400  # the server goes on serving
