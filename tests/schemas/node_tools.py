"""Running the Node tools of `tests/schemas/node/` (Ajv, the AsyncAPI parser, tsc) from the tests.

The tools are pinned in `node/package-lock.json` and installed with `npm ci` in that folder (CI's
`.ci/run` does it). Without Node.js or without the installed tools the tests skip, with the command to
run; when `THRILLDROPS_REQUIRE_NODE=1` is set (CI sets it), they fail instead, so they never skip in CI.

Imported by the tests of this directory (pytest puts it on `sys.path`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
INSTALL_HINT = (
    "the schema tests need Node.js and the pinned Node tools: install Node.js and npm (apt-get install nodejs "
    f"npm), then run `npm ci` in {NODE_DIR}"
)
_PACKAGES = ("ajv", "@asyncapi/parser", "typescript")


def node() -> str:
    """The `node` executable, once the tools are installed; skips (or fails when required) otherwise."""
    binary = shutil.which("node")
    missing = [name for name in _PACKAGES if not (NODE_DIR / "node_modules" / name / "package.json").is_file()]
    if binary is None or missing:
        what = "node is not on PATH" if binary is None else f"not installed: {', '.join(missing)}"
        if os.environ.get("THRILLDROPS_REQUIRE_NODE") == "1":
            pytest.fail(f"THRILLDROPS_REQUIRE_NODE=1 but {what}; {INSTALL_HINT}", pytrace=False)
        pytest.skip(f"{what}; {INSTALL_HINT}")
    return binary


def run(script: str, *args: str, request: Any = None, timeout: float = 300) -> Any:
    """Run one script of the folder with `node` and return the JSON it prints."""
    completed = subprocess.run(
        [node(), str(NODE_DIR / script), *args],
        input=None if request is None else json.dumps(request),
        capture_output=True, text=True, timeout=timeout, check=False, cwd=NODE_DIR,
    )
    assert completed.returncode == 0, f"{script} failed ({completed.returncode}):\n{completed.stderr[-4000:]}"
    return json.loads(completed.stdout)
