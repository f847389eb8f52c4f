"""Without redis: only ``thrilldrops_events.streams`` needs redis-py, and the server tests skip or fail as told."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_core_package_does_not_import_redis() -> None:
    result = run_python("""
        import sys
        import thrilldrops_events
        import thrilldrops_events.codecs.redis
        import thrilldrops_events.dedup
        print(sorted(name for name in sys.modules if name == "redis" or name.startswith("redis.")))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_streams_without_redis_names_the_extra() -> None:
    result = run_python("""
        import sys
        sys.modules["redis"] = None  # as if redis-py were not installed
        from thrilldrops_events.codecs.redis import decode, encode
        try:
            import thrilldrops_events.streams
        except ImportError as error:
            print(error)
        else:
            print("imported")
    """)
    assert result.returncode == 0, result.stderr
    assert "pip install 'thrilldrops-events[redis]'" in result.stdout


def test_prometheus_adapter_without_prometheus_client_names_the_extra() -> None:
    result = run_python("""
        import sys
        sys.modules["prometheus_client"] = None  # as if prometheus-client were not installed
        import thrilldrops_events.streams
        try:
            import thrilldrops_events.streams.prometheus
        except ImportError as error:
            print(error)
        else:
            print("imported")
    """)
    assert result.returncode == 0, result.stderr
    assert "pip install 'thrilldrops-events[metrics]'" in result.stdout


def run_stream_test_without_redis_server(require: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "THRILLDROPS_REQUIRE_REDIS"}
    env["PATH"] = str(Path(sys.executable).parent)  # the interpreter's own bin directory: no redis-server there
    if require:
        env["THRILLDROPS_REQUIRE_REDIS"] = "1"
    test = f"{Path(__file__).with_name('test_streams_consumer.py')}::test_stop_before_run_returns_at_once"
    return subprocess.run([sys.executable, "-m", "pytest", test, "-p", "no:cacheprovider", "-n", "0", "-rs", "-q"],
                          capture_output=True, text=True, timeout=120, check=False, env=env,
                          cwd=Path(__file__).parents[2])


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_without_redis_server_the_stream_tests_skip_with_an_install_hint() -> None:
    if shutil.which("redis-server", path=str(Path(sys.executable).parent)):
        pytest.skip("redis-server sits beside the interpreter; cannot hide it")
    result = run_stream_test_without_redis_server(require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "apt-get install redis-server" in result.stdout


@pytest.mark.heavy  # run once in CI, on the newest Python: nothing in it depends on the version
def test_without_redis_server_the_stream_tests_fail_when_required() -> None:
    if shutil.which("redis-server", path=str(Path(sys.executable).parent)):
        pytest.skip("redis-server sits beside the interpreter; cannot hide it")
    result = run_stream_test_without_redis_server(require=True)
    assert result.returncode != 0
    assert "THRILLDROPS_REQUIRE_REDIS=1" in result.stdout
    assert "skipped" not in result.stdout
