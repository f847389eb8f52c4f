"""Without Node.js the Node-based schema tests skip on a developer's machine, and fail in CI.

CI sets `THRILLDROPS_REQUIRE_NODE=1` (in `.ci/run`), which turns the skip into a failure, so those tests
never skip there unnoticed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/schemas/test_typescript.py::test_the_declarations_and_the_passing_files_compile"


def _run_without_node(*, require: bool) -> subprocess.CompletedProcess[str]:
    hidden = {"THRILLDROPS_REQUIRE_NODE", "THRILLDROPS_SKIP_HEAVY"}
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env["PATH"] = str(Path(sys.executable).parent)  # the interpreter's own bin directory: no node there
    if require:
        env["THRILLDROPS_REQUIRE_NODE"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", TEST, "-p", "no:cacheprovider", "-n", "0", "-rs", "-q"],
                          capture_output=True, text=True, timeout=300, check=False, env=env, cwd=ROOT)


@pytest.fixture(autouse=True)
def _node_can_be_hidden() -> None:
    if shutil.which("node", path=str(Path(sys.executable).parent)):
        pytest.skip("node sits beside the interpreter; cannot hide it")


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_without_node_the_tests_skip_with_an_install_hint() -> None:
    result = _run_without_node(require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "npm ci" in result.stdout and "node is not on PATH" in result.stdout


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_without_node_the_tests_fail_when_required() -> None:
    result = _run_without_node(require=True)
    assert result.returncode != 0
    assert "THRILLDROPS_REQUIRE_NODE=1 but node is not on PATH" in result.stdout
    assert "skipped" not in result.stdout
