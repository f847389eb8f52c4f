"""Every fenced Python example of the docs and the README runs, and shows what it prints.

The blocks of one page run in order in one shared namespace, with the repository root as the
current directory. Printed output is written pytest-examples style: the lines printed by a
``print(...)`` call appear as ``#> text`` comments right after the call, and are compared here.

A ``bash`` block holding a single ``thrilldrops-events ...`` command, followed directly by a ``text``
block, shows that command's output: the command is run (in process) and its output compared too.

Pages fit code in 88 columns: a longer line, of output or of a command, is wrapped with a ``\\`` at
the end of each part but the last (as a shell continues a command); the comparison joins the parts
again, dropping the indentation of the part that follows.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import io
import itertools
import os
import re
import shlex
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

import thrilldrops_events
from thrilldrops_events.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([*DOCS.rglob("*.md"), ROOT / "README.md"])

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<info>[^\n]*)$")
_PRINT_ID = "__docs_print__"


@dataclass
class Block:
    """One fenced code block: where it starts (1-based line of its first code line) and its text."""

    page: Path
    line: int
    language: str
    source: str
    end: int = 0  # the 1-based line of the closing fence

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}, block at line {self.line}"


def blocks(page: Path) -> Iterator[Block]:
    """The fenced code blocks of a Markdown page, in order (indented fences, as in admonitions, too)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        indent, fence = match["indent"], match["fence"]
        language = match["info"].split()[0].lstrip("{.").rstrip("}") if match["info"].strip() else ""
        start = index + 1
        end = start
        while end < len(lines) and not (
            lines[end].strip().startswith(fence) and lines[end].strip().strip(fence[0]) == ""
        ):
            end += 1
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[start:end]]
        yield Block(page, start + 1, language, "\n".join(body) + "\n", end + 1)
        index = end + 1


def unwrap(lines: list[str]) -> list[str]:
    """Join the lines a page wraps to fit its column: a line ending in ``\\`` goes on with the next one.

    Examples:
        >>> unwrap(["must be one of 'DesktopWeb', \\", "    'MobileWeb' (case-sensitive)", "done"])
        ["must be one of 'DesktopWeb', 'MobileWeb' (case-sensitive)", 'done']
    """
    joined: list[str] = []
    carry: str | None = None
    for line in lines:
        text = line if carry is None else carry + line.lstrip()
        carry = text[:-1] if text.endswith("\\") else None
        if carry is None:
            joined.append(text)
    return joined if carry is None else [*joined, carry + "\\"]


def python_blocks(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.language in ("python", "py")]


@dataclass
class Expected:
    """The ``#>`` lines following one print call."""

    after_line: int  # the block-relative line of the print call's last line
    lines: list[str]
    printed: list[str] = field(default_factory=list)
    called: bool = False


def _expected_output(source: str) -> dict[int, Expected]:
    """Map the block-relative end line of a print call to the ``#>`` lines that follow it."""
    found: dict[int, Expected] = {}
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip().startswith("#>"):
            start = index
            while index < len(lines) and lines[index].strip().startswith("#>"):
                index += 1
            text = [re.sub(r"^#> ?", "", line.strip()) for line in lines[start:index]]
            found[start] = Expected(start, text)  # keyed by the 1-based line just before the group
            continue
        index += 1
    return found


class _TagPrints(ast.NodeTransformer):
    """Rewrite ``print(...)`` into ``__docs_print__(<end line>, ...)`` so output is tied to its call."""

    def __init__(self) -> None:
        self.ends: set[int] = set()

    def visit_Call(self, node: ast.Call) -> Any:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "print" and node.end_lineno is not None:
            self.ends.add(node.end_lineno)
            node.func = ast.copy_location(ast.Name(id=_PRINT_ID, ctx=ast.Load()), node.func)
            node.args.insert(0, ast.copy_location(ast.Constant(value=node.end_lineno), node))
        return node


def run_block(block: Block, namespace: dict[str, Any]) -> None:
    """Execute one block in the page's namespace and compare its printed output with its ``#>`` lines."""
    try:
        tree = ast.parse(block.source, filename=str(block.page))
    except SyntaxError as error:
        pytest.fail(f"{block.where}: syntax error on line {block.line + (error.lineno or 1) - 1}: {error.msg}")
    tagger = _TagPrints()
    tree = ast.fix_missing_locations(tagger.visit(tree))
    expected = _expected_output(block.source)
    for after in expected:
        if after not in tagger.ends:
            pytest.fail(f"{block.where}: the '#>' output on line {block.line + after} does not follow a print(...)")
    # Line numbers of the markdown file, so tracebacks point at the page.
    ast.increment_lineno(tree, block.line - 1)

    def docs_print(end_line: int, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("file") is not None:
            print(*args, **kwargs)
            return
        buffer = io.StringIO()
        print(*args, **{**kwargs, "file": buffer})
        item = expected.get(end_line)
        if item is None:
            sys.stdout.write(buffer.getvalue())
            return
        item.called = True
        item.printed.append(buffer.getvalue())

    namespace[_PRINT_ID] = docs_print
    # dont_inherit: run the example as a user would, without this module's `from __future__` imports.
    exec(compile(tree, str(block.page), "exec", dont_inherit=True), namespace)
    for after, item in sorted(expected.items()):
        shown_at = block.line + after
        if not item.called:
            pytest.fail(f"{block.where}: the print(...) before line {shown_at} never ran, but '#>' output is shown")
        actual = [line.rstrip() for line in "".join(item.printed).rstrip("\n").split("\n")]
        wanted = unwrap([line.rstrip() for line in item.lines])
        if actual != wanted:
            got = "\n".join(f"#> {line}".rstrip() for line in actual)
            want = "\n".join(f"#> {line}".rstrip() for line in wanted)
            pytest.fail(f"{block.where}: the output shown at line {shown_at} differs from what was printed.\n"
                        f"--- shown in the page:\n{want}\n--- printed:\n{got}")


def cli_examples(page: Path) -> list[tuple[Block, Block]]:
    """The (command, output) pairs of a page: a one-line ``thrilldrops-events`` bash block, then a text block."""
    found = list(blocks(page))
    lines = page.read_text(encoding="utf-8").splitlines()
    pairs = []
    for command, output in itertools.pairwise(found):
        between = lines[command.end : output.line - 2]
        words = command.source.split()
        if (
            command.language in ("bash", "console", "shell")
            and output.language == "text"
            and len(unwrap(command.source.strip().splitlines())) == 1
            and words[:1] == ["thrilldrops-events"]
            and not any(line.strip() for line in between)
        ):
            pairs.append((command, output))
    return pairs


def run_cli_example(command: Block, output: Block) -> None:
    """Run the command in process and compare what it writes with the text block."""
    (command_line,) = unwrap(command.source.strip().splitlines())
    argv = shlex.split(command_line)[1:]
    stdout, stderr = io.StringIO(), io.StringIO()
    # COLUMNS: argparse wraps help text to the terminal width; the pages show it at 80 columns.
    # SystemExit: argparse's --help and usage errors.
    with (
        mock.patch.dict(os.environ, {"COLUMNS": "80"}),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        contextlib.suppress(SystemExit),
    ):
        main(argv)
    actual = [line.rstrip() for line in (stdout.getvalue() + stderr.getvalue()).rstrip("\n").split("\n")]
    wanted = unwrap([line.rstrip() for line in output.source.rstrip("\n").split("\n")])
    if "--help" in argv or "-h" in argv:
        # argparse lays out help differently across Python versions (3.13 aligns subcommands anew):
        # help is compared word for word, all other output line for line.
        actual, wanted = [" ".join(" ".join(actual).split())], [" ".join(" ".join(wanted).split())]
    if actual != wanted:
        pytest.fail(f"{output.where}: the output shown for `{command_line}` differs from what it prints.\n"
                    "--- shown in the page:\n" + "\n".join(wanted) + "\n--- printed:\n" + "\n".join(actual))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = types.ModuleType("docs_example")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for block in python_blocks(page):
        run_block(block, module.__dict__)
    for command, output in cli_examples(page):
        run_cli_example(command, output)


# --- the runner itself ---------------------------------------------------------------------------------


def _page(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def _run_page(page: Path) -> None:
    namespace: dict[str, Any] = {}
    for block in python_blocks(page):
        run_block(block, namespace)


def test_runner_shares_one_namespace_and_checks_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = _page(
        tmp_path,
        "# t\n\n```python\nx = 2\n```\n\ntext\n\n```python\nprint(x + 1)\n#> 3\nfor i in range(2):\n"
        "    print('a', i)\n#> a 0\n#> a 1\n```\n\n```bash\nexit 1\n```\n",
    )
    _run_page(page)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("print(1)\n#> 2\n", "differs from what was printed"),
        ("x = 1\n#> 1\n", "does not follow a print"),
        ("if False:\n    print(1)\n#> 1\n", "never ran"),
        ("raise ValueError('boom')\n", "boom"),
        # Annotations are evaluated as in a user's script: no `from __future__` leaks in from this module.
        ("def f(x: Undefined) -> None:\n    pass\n", "Undefined"),
    ],
)
def test_runner_reports_wrong_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    page = _page(tmp_path, f"# t\n\n```python\n{body}```\n")
    with pytest.raises((pytest.fail.Exception, ValueError, NameError), match=message) as info:
        _run_page(page)
    if isinstance(info.value, (ValueError, NameError)):
        # The traceback points at the page's own line (the block's first code line is line 4).
        frames = [f for f in info.traceback if str(f.path) == str(page)]
        assert frames
        assert frames[-1].lineno + 1 == 4


def test_cli_output_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.ndjson").write_text('{"operator_id": "op-1"}\n')
    shown = "```bash\nthrilldrops-events validate one.ndjson\n```\n\n```text\n{}\n```\n"
    wrong = _page(tmp_path, shown.format("1 events: 1 valid, 0 invalid"))
    (pair,) = cli_examples(wrong)
    with pytest.raises(pytest.fail.Exception, match="differs from what it prints"):
        run_cli_example(*pair)
    right = _page(
        tmp_path,
        shown.format(
            "line 1: brand_id: required field is missing\nline 1: player_id: required field is missing\n"
            "line 1: timestamp: required field is missing\nline 1: event_type: required field is missing\n"
            "1 events: 0 valid, 1 invalid"
        ),
    )
    run_cli_example(*cli_examples(right)[0])
    # Prose between the blocks: the text block is not the command's output.
    assert cli_examples(_page(tmp_path, shown.replace("```\n\n```text", "```\n\nSome words.\n\n```text"))) == []


def test_runner_finds_fences_inside_admonitions(tmp_path: Path) -> None:
    page = _page(tmp_path, '!!! note\n\n    ```python\n    y = "in a note"\n    ```\n')
    (block,) = python_blocks(page)
    assert block.source == 'y = "in a note"\n'
    assert block.line == 4


# --- the API reference covers the public API --------------------------------------------------------------

_DIRECTIVE = re.compile(r"^::: (?P<module>[\w.]+)[ \t]*$")


def documented_names(page: Path) -> set[str]:
    """The names a ``::: module`` directive lists under ``members:`` (or the objects it names directly)."""
    names: set[str] = set()
    for module, members in _directives(page):
        if module != "thrilldrops_events":
            if module.startswith("thrilldrops_events.") and module.count(".") == 1:
                names.add(module.split(".", 1)[1])
            continue
        names.update(members or ())
    return names


def test_every_public_name_is_in_the_api_reference() -> None:
    api = DOCS / "reference" / "api.md"
    text = api.read_text(encoding="utf-8")
    documented = documented_names(api)
    unknown = sorted(name for name in documented if not hasattr(thrilldrops_events, name))
    assert not unknown, f"docs/reference/api.md documents names thrilldrops_events does not have: {unknown}"
    mentioned = {name for name in thrilldrops_events.__all__ if f"`thrilldrops_events.{name}`" in text}
    missing = sorted(set(thrilldrops_events.__all__) - documented - mentioned)
    assert not missing, (
        "these names of thrilldrops_events.__all__ are not in docs/reference/api.md; "
        f"add them to the members of a '::: thrilldrops_events' directive: {missing}"
    )


def test_api_reference_check_sees_directive_members(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "# API\n\n::: thrilldrops_events\n    options:\n      heading_level: 3\n      members:\n"
        "        - Envelope\n        - to_json\n      show_source: false\n\nto_dict is not listed\n",
    )
    assert documented_names(page) == {"Envelope", "to_json"}


def _directives(page: Path) -> Iterator[tuple[str, list[str] | None]]:
    """Each ``::: module`` directive of a page: the module, and the names under its ``members:`` (or ``None``)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match is not None:
            yield match["module"], _members(lines, index)


def _members(lines: list[str], index: int) -> list[str] | None:
    """The names under ``members:`` of the directive at ``lines[index]``, or ``None`` when it lists none."""
    members: list[str] | None = None
    members_indent: int | None = None  # the indent of ``members:`` while its list goes on
    for option in lines[index + 1 :]:
        if option.strip() and not option.startswith(" "):
            break
        stripped = option.strip()
        if stripped == "members:":
            members, members_indent = members or [], len(option) - len(option.lstrip())
        elif members is not None and members_indent is not None and stripped.startswith("- "):
            members.append(stripped[2:].strip())
        elif members_indent is not None and stripped and len(option) - len(option.lstrip()) <= members_indent:
            members_indent = None
    return members


def module_documented_names(page: Path, module: types.ModuleType) -> set[str]:
    """The names of ``module`` its page documents: a directive's members, or all of ``__all__`` without a list."""
    names: set[str] = set()
    for target, members in _directives(page):
        if target == module.__name__:
            names.update(module.__all__ if members is None else members)
        elif target.startswith(module.__name__ + ".") and target.count(".") == module.__name__.count(".") + 1:
            name = target.rsplit(".", 1)[1]
            if importlib.util.find_spec(target) is None:  # not a submodule, whose page documents its own names
                names.add(name)
    return names


_SUBPACKAGE_PAGES = {
    "conditions": "api-conditions.md",
    "streams": "api-streams.md",
    "http": "api-http.md",
    "schema": "api-schema.md",
    "testing": "api-testing.md",
}


@pytest.mark.parametrize("subpackage", sorted(_SUBPACKAGE_PAGES))
def test_every_public_name_of_a_subpackage_is_in_its_api_reference(subpackage: str) -> None:
    module = importlib.import_module(f"thrilldrops_events.{subpackage}")
    page = DOCS / "reference" / _SUBPACKAGE_PAGES[subpackage]
    documented = module_documented_names(page, module)
    unknown = sorted(name for name in documented if not hasattr(module, name))
    assert not unknown, f"{page.name} documents names {module.__name__} does not have: {unknown}"
    # A name the package re-exports is documented once, in docs/reference/api.md.
    on_top = documented_names(DOCS / "reference" / "api.md")
    reexported = {name for name in on_top if getattr(module, name, None) is getattr(thrilldrops_events, name)}
    missing = sorted(set(module.__all__) - documented - reexported)
    assert not missing, f"these names of {module.__name__}.__all__ are not in {page.name}: {missing}"


def test_subpackage_reference_check_sees_members_and_whole_modules(tmp_path: Path) -> None:
    import thrilldrops_events.http as http

    listed = _page(tmp_path, "::: thrilldrops_events.http\n    options:\n      members:\n        - event_app\n")
    assert module_documented_names(listed, http) == {"event_app"}
    whole = _page(tmp_path, "::: thrilldrops_events.http\n    options:\n      heading_level: 2\n")
    assert module_documented_names(whole, http) == set(http.__all__)
