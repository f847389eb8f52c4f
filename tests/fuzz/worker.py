"""The fuzz worker: a long-lived child process that checks the inputs it is told to, one line per input.

Standard input: ``KIND SEED START STOP`` lines (``KIND`` is ``event`` or ``condition``). Standard
output: one ``INDEX<TAB>MILLISECONDS<TAB>PROBLEM`` line per input, ``PROBLEM`` empty when every property
held. The parent (harness.py) kills and restarts it when an input takes too long.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[2]))

from tests.fuzz.cases import check_condition, check_event, condition_case, event_case


def main() -> None:
    out = sys.stdout
    for line in sys.stdin:
        kind, seed, start, stop = line.split()
        for index in range(int(start), int(stop)):
            case: Any = event_case(int(seed), index) if kind == "event" else condition_case(int(seed), index)
            check: Any = check_event if kind == "event" else check_condition
            problem, seconds = check(*case)
            for _ in range(2):  # a slow answer is measured again: a defect is slow every time, a busy machine not
                if problem or seconds <= 0.1:
                    break
                seconds = min(seconds, check(*case)[1])
            text = (problem or "").replace("\t", " ").replace("\n", " ")
            out.write(f"{index}\t{seconds * 1000:.3f}\t{text}\n")
            out.flush()
        out.write("done\n")
        out.flush()


if __name__ == "__main__":
    main()
