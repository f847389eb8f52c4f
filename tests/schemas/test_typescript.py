"""The TypeScript declarations compile under `tsc --strict`, and refuse what the producer schemas refuse.

`schemas/typescript/events.d.ts` is generated with the other published files (and checked for drift with
them). One `tsc` run compiles it with the files of `node/ts/`: those under `pass/` use the types as a
consumer and a producer would and must compile; each file under `fail/` must fail exactly on the lines
marked `// expect-error` (two variants, no variant, money as a number, a misspelt field...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from node_tools import NODE_DIR, run

from thrilldrops_events.schema import schema_files

pytestmark = pytest.mark.heavy

PROJECTS = NODE_DIR / "ts"
FAILING = sorted(path.relative_to(PROJECTS).as_posix() for path in (PROJECTS / "fail").glob("*.ts"))
PASSING = sorted(path.relative_to(PROJECTS).as_posix() for path in (PROJECTS / "pass").glob("*.ts"))
DECLARATIONS = Path(__file__).resolve().parents[2] / "schemas" / "typescript" / "events.d.ts"


@pytest.fixture(scope="module")
def compiled() -> dict[str, Any]:
    reply: dict[str, Any] = run("tsc_check.mjs", str(PROJECTS / "tsconfig.json"))
    return reply


def _marked(name: str) -> set[int]:
    lines = (PROJECTS / name).read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, start=1) if line.rstrip().endswith("// expect-error")}


def test_the_compiled_declarations_are_the_generated_ones() -> None:
    assert DECLARATIONS.read_bytes() == schema_files()["typescript/events.d.ts"]
    assert FAILING and PASSING


def test_the_declarations_and_the_passing_files_compile(compiled: dict[str, Any]) -> None:
    assert compiled["version"].startswith("Version ")
    unexpected = {name: errors for name, errors in compiled["errors"].items() if name not in FAILING}
    assert unexpected == {}


@pytest.mark.parametrize("name", FAILING)
def test_each_failing_file_fails_where_it_says(compiled: dict[str, Any], name: str) -> None:
    marked = _marked(name)
    assert marked, f"{name} marks no line with // expect-error"
    errors = compiled["errors"].get(name, [])
    assert {error["line"] for error in errors} == marked, errors
    assert compiled["exitCode"] != 0


def test_two_variants_and_money_as_a_number_are_the_errors_expected(compiled: dict[str, Any]) -> None:
    (two,) = compiled["errors"]["fail/two-variants.ts"]
    assert "is not assignable to type 'ProducerTaggedPayload'" in two["message"]
    assert "Types of property 'Withdrawal' are incompatible" in two["message"]
    (number,) = compiled["errors"]["fail/money-number.ts"]
    assert number["message"] == "Type 'number' is not assignable to type 'string'."
