"""Shared test configuration: Hypothesis profiles, and the heavy suites run once per CI run.

Tests marked ``heavy`` (a Redis Cluster, a headless browser, long fuzzing, load over real sockets)
run by default. CI runs the suite on several Pythons and sets ``THRILLDROPS_SKIP_HEAVY=1`` for all
but the newest: there the heavy tests are deselected (not skipped), so they run exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the heavy tests when ``THRILLDROPS_SKIP_HEAVY=1`` (CI's older Pythons)."""
    if os.environ.get("THRILLDROPS_SKIP_HEAVY") != "1":
        return
    heavy = [item for item in items if item.get_closest_marker("heavy") is not None]
    if heavy:
        config.hook.pytest_deselected(items=heavy)
        items[:] = [item for item in items if item.get_closest_marker("heavy") is None]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport() -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Escape lone surrogates in a report's captured output and logs (``\\udcff``).

    Tests feed the library text decoded with ``errors="surrogateescape"``, and its log lines may
    show it; a worker of pytest-xdist sends each report to the main process as UTF-8, which cannot
    hold a lone surrogate, and would stop the whole run.
    """
    report = yield
    report.sections = [(title, content.encode("utf-8", "backslashreplace").decode("utf-8"))
                       for title, content in report.sections]
    return report
