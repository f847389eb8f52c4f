"""A griffe extension: the API reference shows what a reader can use, never a private name.

Signatures and bases are read from the source, where private helpers stand in for public meanings.
This extension rewrites them, in the package's documentation only:

* a constant or type alias documented by ``#:`` comments right above it (the package's habit) gets
  them as its docstring, which griffe does not read by itself;

* a private type alias in an annotation is shown as the public type it stands for when its static
  value has no private name (``_TaggedPayload = Payload`` under ``TYPE_CHECKING`` shows ``Payload``);
  an annotation that would still hold a private name (``**where: Unpack[_Where]``) is left out;
* a private default value is shown as its value (``max_scale: int = _SCALE`` shows ``= 18``), or as
  ``...`` when that is long;
* a private base class is replaced by its own bases (``EventType(_WireEnum)`` shows ``str, Enum``).

``docs/hooks/checks.py`` fails the build if a private name still shows on a page.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import griffe

#: The longest private default shown by its value; a longer one shows as ``...``.
MAX_DEFAULT_CHARACTERS = 60


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _names(expr: Any) -> Iterator[str]:
    if isinstance(expr, griffe.Expr):
        for part in expr.iterate(flat=True):
            if isinstance(part, griffe.ExprName):
                yield part.name


def _has_private(expr: Any) -> bool:
    return any(_private(name) for name in _names(expr))


def _runtime(obj: griffe.Object, name: str) -> Any:
    return getattr(importlib.import_module(obj.module.path), name)


def _public_annotation(expr: Any, obj: griffe.Object) -> Any:
    if not _has_private(expr):
        return expr
    if isinstance(expr, griffe.ExprName):
        target = obj.module.members.get(expr.name)
        if isinstance(target, griffe.Attribute) and target.value is not None and not _has_private(target.value):
            return target.value
    return None


def _public_default(default: Any, obj: griffe.Object) -> Any:
    if not _has_private(default):
        return default
    if isinstance(default, griffe.ExprName):
        shown = repr(_runtime(obj, default.name))
        return shown if len(shown) <= MAX_DEFAULT_CHARACTERS else "..."
    return "..."


def _public_bases(cls: griffe.Class) -> list[Any]:
    bases: list[Any] = []
    for base in cls.bases:
        if isinstance(base, griffe.ExprName) and _private(base.name):
            bases += [griffe.ExprName(b.__name__, parent=cls) for b in _runtime(cls, base.name).__bases__]
        else:
            bases.append(base)
    return bases


def _comment_docstring(attr: griffe.Attribute) -> griffe.Docstring | None:
    """The ``#:`` comment lines right above an attribute, as its docstring."""
    if attr.lineno is None:
        return None
    lines = attr.lines_collection[attr.filepath] if isinstance(attr.filepath, Path) else []
    above = []
    index = attr.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        above.insert(0, lines[index].strip()[2:].strip())
        index -= 1
    if not above:
        return None
    return griffe.Docstring("\n".join(above), lineno=index + 2, parent=attr)


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _objects(member)


class PublicView(griffe.Extension):
    """Rewrite private annotations, defaults and bases of the package into what they stand for."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite every object of the package, once it is loaded."""
        for obj in _objects(pkg):
            if isinstance(obj, griffe.Class):
                obj.bases = _public_bases(obj)
            elif isinstance(obj, griffe.Attribute):
                if obj.docstring is None:
                    obj.docstring = _comment_docstring(obj)
                obj.annotation = _public_annotation(obj.annotation, obj)
            elif isinstance(obj, griffe.Function):
                obj.returns = _public_annotation(obj.returns, obj)
                for parameter in obj.parameters:
                    parameter.annotation = _public_annotation(parameter.annotation, obj)
                    parameter.default = _public_default(parameter.default, obj)
