"""Redis streams end to end: thrilldrops-events publish + StreamConsumer beside raw redis-py, in one run.

Run: python benchmarks/bench_streams.py [--quick] [--events N] [--repeat R]

Starts its own redis-server on a free 127.0.0.1 port in a temporary directory (no persistence) and
stops it at the end. The same N mixed events (all eight types) go through four paths, each on a
fresh stream, publishing in pipelines of 1000 and reading in batches of 100:

  raw redis-py      XADD the ready-made field maps (the same bytes), XREADGROUP + one XACK per batch;
                    nothing decoded, nothing counted: the floor
  hand-rolled       raw redis-py, plus json.loads of each payload: what a team writes without validation
  thrilldrops       publish_many (encode + XADD), StreamConsumer with a one-entry handler: decode and full
                    validation into typed models, a handler call per entry, each entry's acknowledgement
                    (and its attempt stamp) written before the next handler call, dead-letter checks
  thrilldrops batch the same with a batch handler (batch=True): one handler call and one XACK per batch

The paths take turns, R rounds. Rates are each path's best round; ratios against raw redis-py are the
median of the per-round ratios: end to end and consuming alone in wall-clock time, and end to end in
CPU time (this process and redis-server). End to end = N / (publish + consume time). The ratios of
each round, and the worst, follow for the two library paths. The header says
which reply parser redis-py uses (hiredis if installed, else its own Python one, which every path
shares) and the machine's load average before and after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from thrilldrops_events import (
    Deposit,
    Envelope,
    EventPayload,
    PlayerLogin,
    PlayerLogout,
    ThrillPotsOptInEvent,
    ThrillPotsRaffleWinEvent,
    ThrillPotsWinEvent,
    Transaction,
    Withdrawal,
)
from thrilldrops_events.codecs import redis as stream_codec
from thrilldrops_events.streams import Delivery, StreamConsumer, publish_many

CHUNK = 1000
BATCH = 100
GROUP = "bench"
MAX_SECONDS_PER_RUN = 120.0  # a guard: a run that takes longer is abandoned


def payload_for(number: int) -> EventPayload:
    kind = number % 8
    money = Decimal(number % 5000) / Decimal(100)
    if kind == 0:
        return PlayerLogin(channel_type="MobileWeb", currency="EUR", country="DE",
                           session_token=f"token-{number}")
    if kind == 1:
        return PlayerLogout(channel_type="DesktopWeb")
    if kind in (2, 3, 4):  # transactions dominate real traffic
        return Transaction(provider_id="pragmatic", game_id="gates-of-olympus", gameround_id=f"r-{number}",
                           bet_transaction_id=f"bet-{number}", currency="EUR", game_bet=money, bonus_bet=Decimal(0),
                           real_bet=money, jackpot_bet=Decimal("0.01"), game_win=Decimal("0.00"),
                           jackpot_win=Decimal(0), is_free_spin=False, round_finished=True)
    if kind == 5:
        return Deposit(method_id="visa", currency="EUR", amount=money, balance_after=Decimal("120.50"))
    if kind == 6:
        return (Withdrawal(method_id="skrill", currency="EUR", amount=money) if number % 16 < 8 else
                ThrillPotsOptInEvent(player_brand_id="brand-7", player_id=f"p-{number}", jackpot_id="jp-1",
                                     currency="EUR", contribution=Decimal("0.10")))
    return (ThrillPotsWinEvent(jackpot_id="jp-1", instance_id=f"i-{number}", pot_id="mini", player_brand_id="brand-7",
                               player_id=f"p-{number}", currency="EUR", amount=Decimal("12.34"))
            if number % 16 < 8 else
            ThrillPotsRaffleWinEvent(raffle_id="raffle-1", instance_id=f"i-{number}", prize_id="car",
                                     player_brand_id="brand-7", player_id=f"p-{number}", currency="EUR",
                                     amount=Decimal(1000)))


def make_events(count: int) -> list[Envelope]:
    return [Envelope(operator_id="op-1", brand_id="brand-7", player_id=f"p-{n:07d}", timestamp=1777852800 + n,
                     payload=payload_for(n)) for n in range(count)]


# --- the server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(directory: str) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found: install it (apt-get install redis-server, or brew install redis)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "",
                                "--appendonly", "no", "--logfile", os.path.join(directory, "redis.log")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            probe.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                sys.exit("redis-server did not start")
            time.sleep(0.02)
    probe.close()
    return process, port


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


# --- the three paths -----------------------------------------------------------------------------------------------


def raw_publish(client: redis.Redis, stream: str, fields: list[dict[str, str]]) -> None:
    for start in range(0, len(fields), CHUNK):
        with client.pipeline(transaction=False) as pipe:
            for entry in fields[start:start + CHUNK]:
                pipe.xadd(stream, entry)  # type: ignore[arg-type]
            pipe.execute()


def raw_consume(client: redis.Redis, stream: str, count: int, parse: bool) -> int:
    client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    read = 0
    checksum = 0
    deadline = time.monotonic() + MAX_SECONDS_PER_RUN
    while read < count and time.monotonic() < deadline:
        reply: Any = client.xreadgroup(GROUP, "raw", {stream: ">"}, count=BATCH, block=100)
        for _, entries in reply or []:
            ids = []
            for entry_id, entry in entries:
                ids.append(entry_id)
                if parse:
                    checksum += len(json.loads(entry[b"payload"]))
            read += len(ids)
            client.xack(stream, GROUP, *ids)
    return read


def ours_consume(client: redis.Redis, stream: str, count: int, batch: bool) -> int:
    handled = 0
    consumer: StreamConsumer

    def handler(envelope: Envelope) -> None:
        nonlocal handled
        handled += 1
        if handled == count:
            consumer.stop()

    def batch_handler(deliveries: list[Delivery]) -> None:
        nonlocal handled
        handled += len(deliveries)
        if handled == count:
            consumer.stop()

    consumer = StreamConsumer(client, stream, GROUP, batch_handler if batch else handler, consumer="ours",
                              batch_size=BATCH, block_ms=100, claim_idle_ms=600_000, batch=batch)
    consumer.run()
    if consumer.stats.dead_lettered:
        sys.exit(f"unexpected dead letters: {consumer.stats}")
    return handled


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


PATHS = ("raw redis-py", "hand-rolled", "thrilldrops", "thrilldrops batch")


def server_cpu(client: redis.Redis) -> float:
    info: Any = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def measure_once(client: redis.Redis, name: str, run: int, events: list[Envelope],
                 fields: list[dict[str, str]]) -> tuple[float, float, float]:
    """Publish and consume once: wall time of each, and the CPU seconds both processes spent (client + server)."""
    stream = f"bench:{name.replace(' ', '-')}:{run}"
    client.delete(stream, f"{{{stream}}}:dead-letter")
    cpu_before = time.process_time() + server_cpu(client)
    if name.startswith("thrilldrops"):
        publish = timed(lambda: publish_many(client, stream, events, chunk_size=CHUNK, return_ids=False))
        consume = timed(lambda: ours_consume(client, stream, len(events), batch=name.endswith("batch")))
    else:
        publish = timed(lambda: raw_publish(client, stream, fields))
        consume = timed(lambda: raw_consume(client, stream, len(events), parse=name == "hand-rolled"))
    cpu = time.process_time() + server_cpu(client) - cpu_before
    info = {row["name"]: row for row in client.xinfo_groups(stream)}[GROUP.encode()]
    if info["pending"] != 0 or info["entries-read"] != len(events):
        sys.exit(f"{name}: not every event was consumed and acknowledged: {info}")
    client.delete(stream, f"{{{stream}}}:dead-letter")
    return publish, consume, cpu


Figures = tuple[float, float, float]  # publish seconds, consume seconds, CPU seconds (client + server)


def measure(client: redis.Redis, events: list[Envelope], fields: list[dict[str, str]],
            repeat: int) -> list[dict[str, Figures]]:
    """Each round's figures of every path; the paths take turns, so a busy moment hits them all alike."""
    rounds: list[dict[str, Figures]] = []
    for run in range(repeat):
        rounds.append({name: measure_once(client, name, run, events, fields) for name in PATHS})
    return rounds


def median_ratio(rounds: list[dict[str, Figures]], name: str, cost: Callable[[Figures], float]) -> float:
    """The median over the rounds of raw redis-py's cost divided by this path's (above 1: faster than raw)."""
    return statistics.median(cost(one["raw redis-py"]) / cost(one[name]) for one in rounds)


def reply_parser() -> str:
    """The parser redis-py reads replies with: hiredis when it is installed, else its own, in Python."""
    from redis.utils import HIREDIS_AVAILABLE

    return "hiredis" if HIREDIS_AVAILABLE else "Python (no hiredis)"


def load() -> str:
    return "/".join(f"{figure:.1f}" for figure in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 events, one run per path (CI smoke test)")
    parser.add_argument("--events", type=int, default=None, help="events per run (default 20,000; max 200,000)")
    parser.add_argument("--repeat", type=int, default=None, help="rounds, each path once per round (default 5)")
    args = parser.parse_args(argv)
    count = min(args.events or (2_000 if args.quick else 20_000), 200_000)
    repeat = max(1, min(args.repeat or (1 if args.quick else 5), 20))

    load_before = load()
    events = make_events(count)
    fields = [stream_codec.encode(event) for event in events]
    size = sum(len(k) + len(v) for entry in fields for k, v in entry.items()) / count
    with tempfile.TemporaryDirectory(prefix="bench-streams-") as directory:
        process, port = start_server(directory)
        try:
            client = redis.Redis(host="127.0.0.1", port=port)
            rounds = measure(client, events, fields, repeat)
            server_version = client.info("server")["redis_version"]
            client.close()
        finally:
            stop_server(process)

    print(f"{count:,} mixed events (8 types, {size:.0f} bytes of fields each), {repeat} rounds; redis-server "
          f"{server_version} on 127.0.0.1, redis-py {redis.__version__} (reply parser: {reply_parser()}), "
          f"Python {sys.version.split()[0]}; load average (1/5/15 min) {load_before} before, {load()} after")
    print()
    print(f"{'path':<19}{'publish ev/s':>14}{'consume ev/s':>14}{'vs raw':>8}{'end to end ev/s':>17}{'vs raw':>8}"
          f"{'ev per CPU s':>14}{'vs raw':>8}")
    wall: Callable[[Figures], float] = lambda figures: figures[0] + figures[1]  # noqa: E731
    cpu: Callable[[Figures], float] = lambda figures: figures[2]  # noqa: E731
    consume: Callable[[Figures], float] = lambda figures: figures[1]  # noqa: E731
    ratios = {}
    for name in PATHS:
        best = [min(one[name][index] for one in rounds) for index in range(3)]
        ratios[name] = (median_ratio(rounds, name, wall), median_ratio(rounds, name, cpu))
        print(f"{name:<19}{count / best[0]:>14,.0f}{count / best[1]:>14,.0f}"
              f"{median_ratio(rounds, name, consume):>7.2f}x{count / (best[0] + best[1]):>17,.0f}"
              f"{ratios[name][0]:>7.2f}x{count / best[2]:>14,.0f}{ratios[name][1]:>7.2f}x")
    print()
    print(f"end to end, with full validation, against raw redis-py: one-entry handler {ratios['thrilldrops'][0]:.2f}x "
          f"(target 0.6x), batch handler {ratios['thrilldrops batch'][0]:.2f}x (target 0.8x)")
    for name in ("thrilldrops", "thrilldrops batch"):
        rows = [(wall(one["raw redis-py"]) / wall(one[name]), cpu(one["raw redis-py"]) / cpu(one[name]))
                for one in rounds]
        print(f"each round, {name} against raw (end to end / CPU): "
              + ", ".join(f"{end:.2f}/{work:.2f}" for end, work in rows)
              + f"; worst {min(end for end, _ in rows):.2f}x / {min(work for _, work in rows):.2f}x")
    print("rates: the best round of each path; ratios: the median of the per-round ratios. ev per CPU s: events per")
    print("second of CPU spent by this process and redis-server together (what the work costs, whatever else the")
    print("machine is doing); wall-clock rates move with the machine's load.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
