"""Helpers of the Redis stream tests: a real redis-server process, mixed sample events, waiting without hanging."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from thrilldrops_events import (
    Deposit,
    Envelope,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
)
from thrilldrops_events.events import EventPayload

INSTALL_HINT = (
    "redis-server not found on PATH; install it to run the Redis stream tests: "
    "`sudo apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)"
)
_START_DEADLINE = 20.0  # seconds to wait for PING; a guard against hangs, not a speed check


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RedisServer:
    """One redis-server process owned by the test."""

    binary: str
    directory: Path
    appendonly: bool
    port: int = 0
    extra: tuple[str, ...] = ()  # more redis-server options, such as ("--replicaof", "127.0.0.1", "6379")
    process: subprocess.Popen[bytes] | None = None
    clients: list[redis.Redis] = field(default_factory=list)

    def start(self) -> None:
        if not self.port:
            self.port = _free_port()
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                   "--save", "", *persistence, "--daemonize", "no", "--logfile", str(self.directory / "redis.log"),
                   *self.extra]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + _START_DEADLINE
        probe = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            while True:
                if self.process.poll() is not None:
                    log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"redis-server exited with {self.process.returncode}:\n{log}")
                try:
                    if probe.ping():
                        return
                except redis.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not answer PING")
                time.sleep(0.02)
        finally:
            probe.close()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def restart(self, sig: int = signal.SIGKILL) -> None:
        """Kill the server (SIGKILL by default: no chance to save anything) and start it again, same port and dir."""
        self.stop(sig)
        self.start()

    def client(self, **options: object) -> Any:
        """A redis-py client (typed ``Any``: the tests read replies whose shape depends on the options)."""
        made = redis.Redis(host="127.0.0.1", port=self.port, **options)  # type: ignore[arg-type]
        self.clients.append(made)
        return made

    def async_client(self, **options: object) -> Any:
        """An asyncio redis-py client; close it with ``await client.aclose()``."""
        return redis.asyncio.Redis(host="127.0.0.1", port=self.port, **options)  # type: ignore[arg-type]


def redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("THRILLDROPS_REQUIRE_REDIS") == "1":
            pytest.fail(f"THRILLDROPS_REQUIRE_REDIS=1 but {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    return binary


def payload_for(number: int) -> EventPayload:
    """One of the eight payload types, chosen by ``number``, with exact money and some unicode."""
    kind = number % 8
    money = Decimal(number) / Decimal(100)
    if kind == 0:
        return PlayerLogin(channel_type="MobileWeb", currency="EUR", country="DE",
                           session_token=f"secret-token-{number}")
    if kind == 1:
        return PlayerLogout(channel_type="DesktopWeb")
    if kind == 2:
        return Transaction(provider_id="pragmatic", game_id="gates-of-olympus", gameround_id=f"r-{number}",
                           bet_transaction_id=f"bet-{number}", currency="EUR", game_bet=money, bonus_bet=Decimal(0),
                           real_bet=money, jackpot_bet=Decimal("0.000001"), game_win=Decimal("0.00"),
                           jackpot_win=Decimal(0), is_free_spin=False, round_finished=True)
    if kind == 3:
        return Deposit(method_id="visa", currency="EUR", amount=money, balance_after=Decimal("-1.50"))
    if kind == 4:
        return Withdrawal(method_id="skrill", currency="USDT", amount=money)
    if kind == 5:
        return ThrillPotsWinEvent(jackpot_id="jp-mega", instance_id=f"i-{number}", pot_id="pot-1",
                                  player_brand_id="brand-7", player_id=f"p-{number}", currency="mBTC",
                                  amount=Decimal("12.345678901234567890"))
    if kind == 6:
        return ThrillPotsRaffleWinEvent(raffle_id="raffle-ü", instance_id=f"i-{number}", prize_id="car",
                                        player_brand_id="brand-7", player_id=f"p-{number}", currency="EUR",
                                        amount=Decimal(1000))
    return ThrillPotsOptInEvent(player_brand_id="brand-7", player_id=f"p-{number}", jackpot_id="jp-mega",
                                currency="EUR", contribution=None)


def make_event(number: int, tag: str = "e") -> Envelope:
    """An event whose ``player_id`` (``<tag>-<number>``) identifies it."""
    return Envelope(operator_id="op-1", brand_id="brand-7", player_id=f"{tag}-{number:05d}",
                    timestamp=1777852800 + number, payload=payload_for(number))


def make_events(count: int, tag: str = "e", start: int = 0) -> list[Envelope]:
    """``count`` mixed events of all eight types."""
    return [make_event(number, tag) for number in range(start, start + count)]


def wait_until(condition: Callable[[], bool], *, timeout: float = 60.0, interval: float = 0.02) -> None:
    """Wait until ``condition()`` holds; fail (rather than hang) if it does not within a generous ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not reached within {timeout}s")
        time.sleep(interval)


class ConsumerThread:
    """Run a consumer's blocking ``run()`` in a thread; ``finish()`` stops it and re-raises what it raised."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"consumer-{consumer.consumer}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.consumer.run()
        except BaseException as error:  # reported by finish()
            self.error = error

    def finish(self) -> None:
        self.consumer.stop()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "consumer did not stop"
        if self.error is not None:
            raise self.error

    def __enter__(self) -> ConsumerThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()
