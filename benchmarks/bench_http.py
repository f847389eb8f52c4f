"""POST /event over HTTP: event_app beside a bare Starlette endpoint that only runs orjson.loads, in one run.

Run: python benchmarks/bench_http.py [--quick] [--seconds S] [--rounds R] [--connections C]

Each contender is served by uvicorn in its own process on a free 127.0.0.1 port, with the same
settings (one worker, the same HTTP implementation, no access log, log level warning), started with
``nice -n 10``; both answer ``202`` with the same small JSON body:

  bare starlette    a Starlette route: orjson.loads(await request.body()); nothing validated
  event_app         thrilldrops_events.http.event_app(): media type, size limit, exact reading and full
                    validation of the envelope into typed models (lenient mode), no handler

The load is the population you would receive: the 320 events of examples/events.ndjson (all eight
types, money as strings and numbers, session tokens, nullable fields), cycled request after request.
The load generator is wrk (Debian's package), in its own process, with ``nice -n 10``; without wrk, an
httpx client in another process (threads) stands in, and the table says so. Rounds alternate between
the contenders so that both see the same machine. Every request must be answered ``202``: a contender
that answers anything else fails the run.

Two figures per contender: requests per second (wall clock, the median of the rounds), and requests
per second of the server process's own CPU time (user + system, read from /proc before and after each
round). On a shared machine the first moves with everyone else's load; the second counts only the
server's own work, so its ratio is the one to trust there. The ratio column of each is the median of
the per-round ratios (each round runs both contenders back to back).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVENTS = ROOT / "examples" / "events.ndjson"
CONTENDERS = ("bare starlette", "event_app")

_LUA = """
local bodies = {}
for line in io.lines("%s") do
  if #line > 0 then bodies[#bodies + 1] = line end
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n %% #bodies + 1
  return wrk.format(nil, "/event", nil, bodies[n])
end
"""


def build_app(name: str) -> object:
    """The ASGI app of one contender."""
    if name == "event_app":
        from thrilldrops_events.http import event_app

        return event_app()
    import orjson
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def event(request: Request) -> Response:
        orjson.loads(await request.body())
        return Response(b'{"status":"accepted"}', 202, media_type="application/json")

    return Starlette(routes=[Route("/event", event, methods=["POST"])])


def serve_one(name: str) -> None:
    """The server process: print the URL, then serve until SIGTERM."""
    from thrilldrops_events.http.server import base_url, bind, serve

    app = build_app(name)
    sock = bind("127.0.0.1", 0)
    print(base_url(sock), flush=True)
    serve(app, sock, log_level="warning", access_log=False)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, name: str) -> None:
        self.name = name
        command = ["nice", "-n", "10", sys.executable, __file__, "--serve", name]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().decode().strip()
        if not self.url.startswith("http://"):
            raise RuntimeError(f"{name}: the server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def run_wrk(url: str, seconds: float, connections: int, script: Path) -> tuple[float, int]:
    """Requests per second, and the number of answers that were not 2xx."""
    command = ["nice", "-n", "10", "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(script), url + "/event"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    if errors is not None:
        print(f"  note: wrk {errors.group(0)}", file=sys.stderr)
    return float(rate.group(1)), int(bad.group(1)) if bad else 0


def load_with_httpx(url: str, seconds: float, connections: int) -> None:
    """The fallback load generator (in its own process): httpx clients in threads, for ``seconds``."""
    import threading

    import httpx

    bodies = [line for line in EVENTS.read_bytes().splitlines() if line.strip()]
    counts = [0, 0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def work(offset: int) -> None:
        done = bad = 0
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < deadline:
                body = bodies[(offset + done) % len(bodies)]
                status = client.post(url + "/event", content=body, headers={"content-type": "application/json"})
                done += 1
                bad += status.status_code != 202
        with lock:
            counts[0] += done
            counts[1] += bad

    threads = [threading.Thread(target=work, args=(n * 37,)) for n in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"rate": counts[0] / (time.monotonic() - start), "bad": counts[1]}))


def run_httpx(url: str, seconds: float, connections: int) -> tuple[float, int]:
    command = ["nice", "-n", "10", sys.executable, __file__, "--httpx-load", url, str(seconds), str(connections)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return float(result["rate"]), int(result["bad"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 rounds of 3 s")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    seconds, rounds = (3.0, 2) if args.quick else (args.seconds, args.rounds)
    wrk = shutil.which("wrk")
    generator = "wrk (1 thread)" if wrk else "httpx threads in another process (wrk not found)"
    connections = args.connections if wrk else min(args.connections, 16)
    servers = {name: Server(name) for name in CONTENDERS}
    wall: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    cpu: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "post.lua"
        script.write_text(_LUA % EVENTS)
        try:
            for server in servers.values():  # warm up
                run_wrk(server.url, 1, 4, script) if wrk else run_httpx(server.url, 1, 2)
            for number in range(rounds):
                order = CONTENDERS if number % 2 == 0 else tuple(reversed(CONTENDERS))
                for name in order:
                    server = servers[name]
                    before = cpu_seconds(server.process.pid)
                    started = time.monotonic()
                    rate, bad = (run_wrk(server.url, seconds, connections, script) if wrk
                                 else run_httpx(server.url, seconds, connections))
                    elapsed = time.monotonic() - started
                    used = cpu_seconds(server.process.pid) - before
                    if bad:
                        raise SystemExit(f"{name}: {bad} answers were not 202")
                    wall[name].append(rate)
                    cpu[name].append(rate * elapsed / used if used > 0 else float("nan"))
        finally:
            for server in servers.values():
                server.stop()
    print(f"POST /event, {EVENTS.name} cycled, {connections} connections, {rounds} rounds of {seconds:g} s; "
          f"load: {generator}; uvicorn, one worker each")
    print(f"{'contender':<18} {'req/s':>8} {'ratio':>7} {'req per server CPU s':>22} {'ratio':>7}")
    for name in CONTENDERS:
        wall_ratio = statistics.median(a / b for a, b in zip(wall[name], wall[CONTENDERS[0]], strict=True))
        cpu_ratio = statistics.median(a / b for a, b in zip(cpu[name], cpu[CONTENDERS[0]], strict=True))
        print(f"{name:<18} {statistics.median(wall[name]):>8.0f} {wall_ratio:>6.2f}x "
              f"{statistics.median(cpu[name]):>22.0f} {cpu_ratio:>6.2f}x")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve_one(sys.argv[2])
    elif len(sys.argv) > 4 and sys.argv[1] == "--httpx-load":
        load_with_httpx(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
