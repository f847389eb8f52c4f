"""Seeded fuzzing of the event readers and the condition language, each input under a time limit.

Properties, for every input: nothing but the library's own errors escapes; every input is answered in
under 100 ms of CPU time (measured per call in the worker: a slow input is a defect; CPU time, so that a
busy machine does not make a fast input look slow); an accepted event round-trips
byte for byte (``to_json`` both money styles, and the stream codec); str, bytes, bytearray and
memoryview give the same answer, and a ``dict`` of the same document the same verdict. A condition that
compiles prints back, as text and JSON form, to the same condition.

The ordinary suite runs a short sample; the heavy run (CI runs it once) checks 200,000 event inputs
(bytes, str, bytearray, memoryview and dict routes on each; a quarter of them in strict mode) and 20,000
condition inputs. Replay one input with ``tests.fuzz.cases.event_case(SEED, INDEX)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fuzz_target import _hypothesis, one_input
from .harness import run

SEED = 20261130


def _assert_clean(kind: str, count: int) -> None:
    failures = run(kind, SEED, count)
    assert failures == [], "\n".join(f"#{f.index}: {f.problem}\n    input: {f.input}" for f in failures[:10])


def test_event_inputs_sample() -> None:
    _assert_clean("event", 1_500)


def test_condition_inputs_sample() -> None:
    _assert_clean("condition", 300)


@pytest.mark.heavy
def test_200000_event_inputs() -> None:
    _assert_clean("event", 200_000)


@pytest.mark.heavy
def test_20000_condition_inputs() -> None:
    _assert_clean("condition", 20_000)


def test_a_hang_is_reported_with_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watchdog: a worker that never answers is killed, and the input is named."""
    from . import harness

    monkeypatch.setattr(harness, "WORKER", harness.WORKER.with_name("sleeper.py"))
    failures = run("event", SEED, 2, hang_seconds=0.5)
    assert [f.index for f in failures] == [0, 1]
    assert "no answer within 0.5 s" in failures[0].problem and failures[0].input.startswith("(b")


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "corpus").glob("*.json")), ids=lambda p: p.stem)
def test_the_corpus_replays_cleanly(path: Path) -> None:
    one_input(path.read_bytes())


def test_the_fuzz_target_runs_under_hypothesis() -> None:
    _hypothesis(200)
