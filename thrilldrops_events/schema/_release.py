"""Schema sets on disk, and the release gate: no breaking change without a major version and a changelog entry."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from thrilldrops_events.errors import SchemaSetError
from thrilldrops_events.schema._compare import compare_schema_sets

__all__ = ["MAX_FILE_BYTES", "load_schema_set", "release_gate"]

#: The largest schema file read: this project's largest is about 64 KiB. A larger one is refused unparsed,
#: rather than read whole into memory (and then refused as more than 100,000 JSON values, most likely).
MAX_FILE_BYTES = 16 * 1024 * 1024


def load_schema_set(directory: str | Path) -> dict[str, Any]:
    """Read the top-level JSON Schema files of a directory (files with a ``$schema``), by file name.

    Raises:
        SchemaSetError: If the directory does not exist, holds malformed JSON (``NaN`` and ``Infinity``
            included), a ``*.json`` that is not a regular file (a directory, a named pipe, a device) or
            that is larger than 16 MiB, or holds no schema.
        TypeError: If ``directory`` is not a path.
    """
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a path, not {type(directory).__name__}")
    root = Path(directory)
    if not root.is_dir():
        raise SchemaSetError(f"{root} is not a directory")
    schemas: dict[str, Any] = {}
    for path in sorted(root.glob("*.json")):
        try:  # a named pipe would wait for a writer forever, and a device may never end
            regular = stat.S_ISREG(path.stat().st_mode)
        except OSError as error:
            raise SchemaSetError(f"{path}: cannot read it as JSON: {error}") from None
        if not regular:
            raise SchemaSetError(f"{path}: cannot read it as JSON: not a regular file")
        try:
            with path.open("rb") as file:  # read at most one byte past the limit, however large the file
                data = file.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise SchemaSetError(f"{path}: cannot read it as JSON: larger than {MAX_FILE_BYTES >> 20} MiB")
            document = json.loads(data.decode("utf-8"), parse_constant=_not_json)
        except SchemaSetError:
            raise
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise SchemaSetError(f"{path}: cannot read it as JSON: {error}") from None
        except RecursionError:
            raise SchemaSetError(f"{path}: cannot read it as JSON: nested too deeply") from None
        if isinstance(document, dict) and "$schema" in document:
            schemas[path.name] = document
    if not schemas:
        raise SchemaSetError(f"{root} holds no JSON Schema files (*.json with a $schema)")
    return schemas


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


# -- the release gate ---------------------------------------------------------------------------------------

# ASCII digits only (``\d`` takes any script's, which ``int`` reads), and no line break before the end.
_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")
# A changelog list item or heading that starts with "Breaking" (such as "- Breaking: ..." or "### Breaking").
_BREAKING_ENTRY = re.compile(r"(?im)^[ \t]*(?:[-*+][ \t]+|#+[ \t]+)(?:\*\*)?breaking\b")


def _versions(released: Path) -> Iterator[tuple[tuple[int, int, int], Path]]:
    for path in released.iterdir() if released.is_dir() else ():
        match = _VERSION.fullmatch(path.name)
        if match and path.is_dir():
            yield (int(match[1]), int(match[2]), int(match[3])), path


def _changelog_section(changelog: str, version: str) -> str:
    """The text of the ``## [Unreleased]`` section, or of ``## [version]`` if there is one."""
    sections = re.split(r"(?m)^## ", changelog)
    for title in (f"[{version}]", "[Unreleased]"):
        for section in sections:
            if section.startswith(title):
                return section
    return ""


def _top_level(current: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level schemas (``strict/...`` left out); a name that is not a string is kept, to be refused."""
    return {k: v for k, v in current.items() if not (isinstance(k, str) and "/" in k)}


def _check_expected(expected: Mapping[tuple[str, str], str]) -> None:
    for key, reason in expected.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, str) for part in key)
                and isinstance(reason, str)):
            raise TypeError(f"expected must be a mapping of (kind, location pattern) to a reason, all strings, "
                            f"not {key!r:.60}: {reason!r:.60}")


def release_gate(released: str | Path, current: Mapping[str, Any], *, version: str, changelog: str,
                 expected: Mapping[tuple[str, str], str] | None = None) -> list[str]:
    """Check the current schemas against the newest released ones; the list of problems, empty if none.

    A change that breaks FULL compatibility needs a new major version and a CHANGELOG entry starting
    with "Breaking" (``- Breaking: ...``, or a ``### Breaking`` heading), under ``## [Unreleased]`` or
    under the version's own section, unless it is expected.

    Args:
        released: The directory of released schema sets, one sub-directory per version (``0.1.0/``).
        current: The current schemas, by file name (only top-level names are compared).
        version: The version being developed or released (``thrilldrops_events.__version__``).
        changelog: The text of CHANGELOG.md.
        expected: Changes the checker counts as breaking that are known to change no producer's or
            consumer's outcome, each ``(kind, location pattern)`` (an ``fnmatch`` pattern, such as
            ``("format_added", "*")``) with the reason. They pass; an expectation that no change matches
            any more is a problem, so the list cannot go stale.

    Raises:
        SchemaSetError: If there is no released version, or a schema set cannot be read.
        TypeError: If an argument is of the wrong type (``released`` a path, ``current`` and
            ``expected`` mappings, ``version`` and ``changelog`` strings, each key of ``expected`` a pair of
            strings and each reason a string), or a file name of ``current`` is not a string.
    """
    for name, value, kind, wanted in (("released", released, (str, os.PathLike), "a path"),
                                      ("current", current, Mapping, "a mapping of file names to schemas"),
                                      ("version", version, str, "a str"), ("changelog", changelog, str, "a str"),
                                      ("expected", {} if expected is None else expected, Mapping,
                                       "a mapping of (kind, location pattern) to a reason")):
        if not isinstance(value, kind):
            raise TypeError(f"{name} must be {wanted}, not {type(value).__name__}")
    _check_expected(expected or {})
    versions = sorted(_versions(Path(released)))
    if not versions:
        raise SchemaSetError(f"{released} holds no released schema set (a directory named like 0.1.0)")
    (major, minor, patch), path = versions[-1]
    parsed = _VERSION.fullmatch(version)
    if parsed is None:
        raise SchemaSetError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    report = compare_schema_sets(load_schema_set(path), _top_level(current))
    released_version = f"{major}.{minor}.{patch}"
    expectations = dict(expected or {})
    met: set[tuple[str, str]] = set()
    breaking = []
    for change in report.breaking("FULL"):
        keys = [key for key in expectations if key[0] == change.kind and fnmatch.fnmatchcase(change.location, key[1])]
        met.update(keys)
        if not keys:
            breaking.append(change)
    problems = [f"the expected change {kind} at {pattern!r} no longer occurs since {released_version}: remove it "
                "from the expectations" for kind, pattern in expectations if (kind, pattern) not in met]
    if breaking and int(parsed[1]) <= major:
        problems.append(f"{len(breaking)} breaking change(s) since {released_version}, but version {version} keeps "
                        f"major version {major}: release them as {major + 1}.0.0")
    if breaking and not _BREAKING_ENTRY.search(_changelog_section(changelog, version)):
        problems.append(f"CHANGELOG.md does not announce the breaking change(s) since {released_version}: add a "
                        "line starting with '- Breaking: ' under ## [Unreleased]")
    if problems:
        problems.append(report.render("FULL"))
    return problems
