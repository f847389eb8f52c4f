"""A coverage-guided fuzz target for parse_event, for long runs outside the test suite.

With atheris (``pip install atheris``; a wheel exists for CPython 3.11 on Linux x86-64)::

    python tests/fuzz/fuzz_target.py tests/fuzz/corpus -max_total_time=3600

Without it, the same target runs under Hypothesis, which needs no compiler::

    python tests/fuzz/fuzz_target.py --hypothesis 100000

Every input must end in the library's own error or an event that round-trips byte for byte, and the
text routes must agree (see ``tests/fuzz/cases.py``). A failing input is saved by atheris as a
``crash-*`` file; add it to ``tests/fuzz/corpus/``, where the test suite replays every file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from tests.fuzz.cases import check_event


def one_input(data: bytes) -> None:
    """The target: check one input in lenient and strict mode; raise on a broken property."""
    for strict in (False, True):
        problem, _ = check_event(data, strict)
        if problem is not None:
            raise AssertionError(problem)


def _hypothesis(examples: int) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.fuzz.cases import SEEDS

    @settings(max_examples=examples, deadline=None, database=None)
    @given(st.one_of(st.binary(max_size=400), st.sampled_from(SEEDS).flatmap(
        lambda seed: st.tuples(st.integers(0, len(seed)), st.binary(max_size=20)).map(
            lambda cut: seed[: cut[0]] + cut[1] + seed[cut[0]:]))))
    def target(data: bytes) -> None:
        one_input(data)

    target()


def main() -> None:
    if "--hypothesis" in sys.argv:
        _hypothesis(int(sys.argv[-1]) if sys.argv[-1].isdigit() else 10_000)
        return
    import atheris

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
