"""The public surface: `__all__` is sorted and is exactly what the package exports."""

from __future__ import annotations

import sys
from pathlib import Path

import thrilldrops_events

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None


def test_all_is_sorted() -> None:
    assert list(thrilldrops_events.__all__) == sorted(thrilldrops_events.__all__)


def test_all_matches_namespace() -> None:
    for name in thrilldrops_events.__all__:  # the names imported when first used are imported now
        assert hasattr(thrilldrops_events, name), name
    assert sorted(set(dir(thrilldrops_events)) & set(thrilldrops_events.__all__)) == sorted(thrilldrops_events.__all__)
    public = {name for name in vars(thrilldrops_events) if not name.startswith("_")}
    # submodules appear in the namespace once imported; they are reached by their module path
    modules = {name for name in public if type(getattr(thrilldrops_events, name)).__name__ == "module"}
    exported = set(thrilldrops_events.__all__) - {"__version__"}
    assert exported == public - (modules - exported)
    for name in thrilldrops_events.__all__:
        assert hasattr(thrilldrops_events, name), name


def test_version_is_a_string() -> None:
    assert isinstance(thrilldrops_events.__version__, str)
    assert thrilldrops_events.__version__.count(".") == 2


def test_optional_extras_are_declared() -> None:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    if tomllib is None:
        for extra in ("redis", "testing", "cloudevents", "metrics", "all"):
            assert f"\n{extra} = [" in text
        return
    extras = tomllib.loads(text)["project"]["optional-dependencies"]
    assert {"redis", "testing", "cloudevents", "metrics", "all"} <= set(extras)
    assert any(dep.startswith("hypothesis") for dep in extras["testing"])
    assert any(dep.startswith("redis") for dep in extras["redis"])
    assert any(dep.startswith("cloudevents") for dep in extras["cloudevents"])
    assert any(dep.startswith("prometheus-client") for dep in extras["metrics"])
    assert any("metrics" in dep for dep in extras["all"])  # and so in dev, which takes all


def test_runtime_dependencies_are_pydantic_typing_extensions_and_msgspec_only() -> None:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    if tomllib is None:
        return
    deps = tomllib.loads(text)["project"]["dependencies"]
    names = sorted(dep.split(">")[0].split("=")[0].split("<")[0].strip() for dep in deps)
    assert names == ["msgspec", "pydantic", "typing-extensions"]


def test_core_import_does_not_import_optional_extras() -> None:
    import subprocess

    code = (
        "import sys, thrilldrops_events, thrilldrops_events.codecs.json;"
        "bad = [m for m in ('redis', 'hypothesis', 'cloudevents', 'prometheus_client') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_package_loads_almost_nothing_and_every_path_still_works() -> None:
    import subprocess

    code = (
        "import sys, thrilldrops_events as t;"
        "loaded = sorted(m for m in sys.modules if m.startswith('thrilldrops_events'));"
        "assert loaded == ['thrilldrops_events', 'thrilldrops_events._readers'], loaded;"
        "assert 'pydantic' not in sys.modules;"
        "from thrilldrops_events.events import Deposit;"
        "assert Deposit.model_validate_json(b'{\"method_id\":\"v\",\"currency\":\"EUR\",\"amount\":1.50}').amount"
        "    == __import__('decimal').Decimal('1.50');"
        "assert t.codecs.json.decode is t.parse_event and t.types.Money is t.Money and t.events.Deposit is Deposit;"
        "assert 'thrilldrops_events.campaigns' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
