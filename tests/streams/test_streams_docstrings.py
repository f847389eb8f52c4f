"""The examples in the docstrings of the streams package run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import thrilldrops_events.streams

MODULES = sorted(f"thrilldrops_events.streams.{info.name}" for info in pkgutil.iter_modules(
    thrilldrops_events.streams.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
