"""What the events benchmark measures in fresh processes: the validate command, memory per event, import time."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

__all__ = ["import_times", "memory_per_envelope", "validate_file"]

# Runs a command in this process, then reports its CPU time (its own: other work on a shared machine counts less
# than in wall time) and peak memory on stderr's last line.
_MEASURED = """
import sys, time, runpy
start = time.process_time()
try:
    {body}
except SystemExit:
    pass
# The peak resident memory of this process since it started (VmHWM; ru_maxrss may count the parent's).
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(f"{{time.process_time() - start}} {{peak}}", file=sys.stderr)
"""
_VALIDATE = "sys.argv = ['thrilldrops-events', 'validate', {path!r}]; runpy.run_module('thrilldrops_events', " \
            "run_name='__main__')"
_ORJSON = "import orjson\n    with open({path!r}, 'rb') as f:\n        for line in f:\n            orjson.loads(line)"


def _run(body: str) -> tuple[float, float]:
    """(CPU seconds, peak MiB) of a fresh process running ``body``."""
    done = subprocess.run([sys.executable, "-c", _MEASURED.format(body=body)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    last = (done.stderr.strip().splitlines() or [""])[-1].split()
    if done.returncode or len(last) != 2:
        raise RuntimeError(f"the measured process failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return float(last[0]), float(last[1])


def _file(lines: list[bytes], count: int, directory: str) -> str:
    path = Path(directory) / f"events-{count}.ndjson"
    with path.open("wb") as out:
        for index in range(count):
            out.write(lines[index % len(lines)] + b"\n")
    return str(path)


def validate_file(lines: list[bytes], count: int) -> dict[str, tuple[float, float]]:
    """The validate command and a loop of ``orjson.loads`` on a file of ``count`` lines; the command on a tenth too."""
    with tempfile.TemporaryDirectory() as directory:
        full, tenth = _file(lines, count, directory), _file(lines, max(1, count // 10), directory)
        return {
            "orjson.loads loop": _run(_ORJSON.format(path=full)),
            "thrilldrops-events validate": _run(_VALIDATE.format(path=full)),
            "thrilldrops-events validate, a tenth of the lines": _run(_VALIDATE.format(path=tenth)),
        }


def memory_per_envelope(lines: list[bytes]) -> dict[str, float]:
    """Bytes allocated per envelope kept, by ``parse_event`` and by the exact route, measured with tracemalloc."""
    from thrilldrops_events import parse_event
    from thrilldrops_events.codecs import json as codec

    readers: dict[str, Any] = {"parse_event": parse_event, "exact route": lambda raw: codec._decode_exact(raw, False)}
    found = {}
    for name, read in readers.items():
        for raw in lines[:5]:
            read(raw)  # warm: caches, lazily built validators
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        kept = [read(raw) for raw in lines]
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        found[name] = (grown - sys.getsizeof(kept)) / len(kept)
    return found


def import_times(runs: int = 21) -> dict[str, float]:
    """Median seconds to import, in fresh processes taking turns."""
    statements = {"from pydantic import BaseModel": "from pydantic import BaseModel",
                  "import thrilldrops_events": "import thrilldrops_events",
                  "from thrilldrops_events import parse_event, Envelope":
                      "from thrilldrops_events import parse_event, Envelope"}
    times: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(runs):
        for name, statement in statements.items():
            code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            times[name].append(float(done.stdout))
    return {name: statistics.median(values) for name, values in times.items()}
