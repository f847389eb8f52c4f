"""The published files: every JSON Schema, the AsyncAPI document and the TypeScript declarations, and their writer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from thrilldrops_events.schema._asyncapi import asyncapi_document
from thrilldrops_events.schema._typescript import TYPESCRIPT_FILE, typescript_declarations
from thrilldrops_events.schema.json_schema import all_json_schemas

__all__ = ["schema_files", "write_schemas"]


def _dump(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def schema_files() -> dict[str, bytes]:
    """Every published file, keyed by its path under ``schemas/``, as the bytes written to disk.

    The JSON Schemas of the three sets, ``asyncapi.json``, and the TypeScript declarations
    ``typescript/events.d.ts``.
    """
    files = {name: _dump(schema) for name, schema in all_json_schemas().items()}
    files["asyncapi.json"] = _dump(asyncapi_document())
    files[TYPESCRIPT_FILE] = typescript_declarations().encode("utf-8")
    return files


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write every published file under ``out_dir``, creating it if needed.

    The files are those of [schema_files][thrilldrops_events.schema.schema_files].

    Returns:
        The paths written, in a stable order.

    Raises:
        TypeError: If ``out_dir`` is not a path (a ``str`` or an ``os.PathLike``).
        OSError: If a file cannot be written.
    """
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a path, not {type(out_dir).__name__}")
    root = Path(out_dir)
    written = []
    for name, content in schema_files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
