"""Only ``thrilldrops_events.streams`` needs redis-py; without it, importing it says how to install it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
