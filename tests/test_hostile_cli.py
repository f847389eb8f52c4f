"""The command line on hostile files: a clean message and a non-zero exit, never a traceback or a hang."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.failing_file import failing_input, long_line_input
from thrilldrops_events import EventValidationError, parse_event
from thrilldrops_events.cli import main
from thrilldrops_events.cli._command import ESCAPING

EXAMPLES = Path(__file__).parents[1] / "examples"
GOOD = (EXAMPLES / "events.ndjson").read_text().splitlines()[0]
ENVELOPE = '{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":%s,"event_type":{"Deposit":{"method_id":"v","currency":"EUR","amount":%s}}}'  # noqa: E501
HOSTILE = [
    ENVELOPE % ("1e999999999", "1"),
    ENVELOPE % ("-1e999999999", "1"),
    ENVELOPE % ("1", "1E-999999999"),
    ENVELOPE % ("1", "1e1000000000000000000"),
    ENVELOPE % ("1", '"1e1000000000000000000"'),
    ENVELOPE % ("1e1000000000000000000", "1"),
    ENVELOPE % ("1E-400", "1"),
    ENVELOPE % ("1", "1" * 5000),
    (ENVELOPE % ("1", "1"))[:-1] + ',"note":1e1000000000000000000}',
    (ENVELOPE % ("1", "1"))[:-1] + ',"note":"\\ud800"}',
    "1e1000000000000000000",
]


def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "thrilldrops_events", *args], input=stdin, capture_output=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("strict", [[], ["--strict"]])
def test_validate_reports_every_hostile_line_and_goes_on(strict: list[str]) -> None:
    done = _run("validate", *strict, "-", stdin="\n".join([*HOSTILE, GOOD]).encode())
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and not done.stderr
    out = done.stdout.decode()
    assert f"{len(HOSTILE) + 1} events: 1 valid, {len(HOSTILE)} invalid" in out
    for number in range(1, len(HOSTILE) + 1):
        assert f"line {number}: " in out
    assert "set_int_max_str_digits" not in out


def test_validate_reads_the_same_events_as_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text("[\n" + ",\n".join([*HOSTILE[:-1], GOOD]) + "\n]\n")
    done = _run("validate", "--format", "json", str(path))
    assert done.returncode == 1, done.stderr
    assert not done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[-1]["summary"] == {"valid": 1, "invalid": len(HOSTILE) - 1,
                                      "by_event_type": {json.loads(GOOD)["event_type"].popitem()[0]: 1}}


# Events whose only fault is a JSON constant (not JSON): each is one invalid event, in an array as on a line.
CONSTANTS = [ENVELOPE % ("1", "NaN"), ENVELOPE % ("Infinity", "1"),
             (ENVELOPE % ("1", "1"))[:-1] + ',"note":[-Infinity]}']


@pytest.mark.parametrize("array", [False, True])
def test_validate_reports_an_event_holding_nan_as_parse_event_does_and_goes_on(
        tmp_path: Path, array: bool, capsys: pytest.CaptureFixture[str]) -> None:
    events = [*CONSTANTS, GOOD]
    path = tmp_path / "events.json"
    path.write_text("[\n" + ",\n".join(events) + "\n]\n" if array else "\n".join(events) + "\n")
    assert main(["validate", "--format", "json", str(path)]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[-1]["summary"]["valid"] == 1
    assert records[-1]["summary"]["invalid"] == len(CONSTANTS)
    for record, event in zip(records, CONSTANTS, strict=False):
        with pytest.raises(EventValidationError) as error:
            parse_event(event)
        assert record["problems"] == [{"path": p.path, "message": p.message, "kind": p.kind}
                                      for p in error.value.problems]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{} {}]", "malformed JSON: expected ',' or ']' after an item at line 1 column 5"),
        ("[,,{},,]", "malformed JSON: expected a value at line 1 column 2"),
        ("[{},,{}]", "malformed JSON: expected a value after ',' at line 1 column 5"),
        ("[{},\n  ]", "malformed JSON: expected a value after ',' at line 2 column 3"),
        ("[\n{}\n{}]", "malformed JSON: expected ',' or ']' after an item at line 3 column 1"),
        ("[{}]\n[]", "malformed JSON: unexpected text after the array at line 2 column 1"),
        ("[{}, {\"a\": }]", "malformed JSON: Expecting value at line 1 column 12"),
        ("[\n\n{}, 1e1000000000000000000, []]", "line 3: <document>: a JSON number has an exponent out of range"),
    ],
)
def test_malformed_arrays_are_reported_with_their_position(tmp_path: Path, text: str, message: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    assert message in capsys.readouterr().out


def test_condition_eval_counts_hostile_lines_as_invalid(tmp_path: Path) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join([*HOSTILE, GOOD]) + "\n")
    done = _run("condition", "eval", "amount > 1", str(path), "--event", "Deposit")
    assert done.returncode == 0, done.stderr
    assert f"{len(HOSTILE)} invalid lines skipped" in done.stdout.decode()


@pytest.mark.parametrize("value", ["1e1000000000000000000", "1" * 5000, "1e999999999"])
def test_condition_eval_with_a_hostile_context_value(tmp_path: Path, value: str) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text(ENVELOPE % ("1777852800", '"5"') + "\n")
    done = _run("condition", "eval", "ctx.vip > 1", str(path), "--event", "Deposit", "--context", "vip=number",
                "--ctx", f"vip={value}")
    assert done.returncode == 1
    assert done.stderr.startswith(b"thrilldrops-events: line 1: ctx.vip must be a number")  # refused, cleanly


@pytest.mark.parametrize("number", ["1e1000000000000000000", "1" * 5000])
def test_condition_check_with_a_hostile_number_in_the_json_form(number: str) -> None:
    document = '{"version": NUMBER, "condition": {"op": "==", "args": [{"field": "currency"}, {"value": "EUR"}]}}'
    document = document.replace("NUMBER", number)
    done = _run("condition", "check", document, "--event", "Deposit")
    assert done.returncode == 1
    assert done.stderr.startswith(b"thrilldrops-events: the JSON form is not valid JSON: a JSON number has")
    assert b"Traceback" not in done.stderr


_EVENTS = str(EXAMPLES / "events.ndjson")
_SEND = ("send", _EVENTS, "--retries", "0")
MISUSES = [
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "-1"),
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "0"),
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "nan"),
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "inf"),
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "1e400"),
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "1e10"),  # finite, but past what a socket can wait
    (*_SEND, "--url", "http://127.0.0.1:9", "--timeout", "86401"),
    (*_SEND, "--url", "http://[::1"),
    (*_SEND, "--url", "http://127.0.0.1:99999"),
    (*_SEND, "--url", "http://[::1]x"),
    (*_SEND, "--url", "http://a/\x7f"),
    (*_SEND, "--url", "127.0.0.1:9"),
    ("serve", "--port", "70000"),
    ("serve", "--port", "-1"),
]


@pytest.mark.parametrize("argv", MISUSES, ids=" ".join)
def test_a_misused_option_is_a_usage_error_in_one_line(argv: tuple[str, ...]) -> None:
    done = _run(*argv)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err and not done.stdout
    assert err.count("\n") <= 2 and err.splitlines()[-1].startswith("thrilldrops-events"), err


@pytest.mark.parametrize("argv", [("condition", "eval", "--event", "Deposit", "--ctx", "x", "amount > 1", _EVENTS),
                                  ("condition", "eval", "--event", "Deposit", "--ctx", "=1", "amount > 1", _EVENTS),
                                  ("condition", "eval", "--event", "Deposit", "--context", "x", "amount > 1", _EVENTS),
                                  ("condition", "check", "--event", "Deposit", "--context", "x", "amount > 1")],
                         ids=" ".join)
def test_a_context_that_is_not_name_value_is_reported_in_one_line(argv: tuple[str, ...]) -> None:
    """A bad ``--ctx`` is reported as a bad ``--context`` is: one line, exit 1 (the condition cannot run)."""
    done = _run(*argv)
    assert done.returncode == 1 and not done.stdout
    assert done.stderr.decode() in ("thrilldrops-events: --ctx must be NAME=VALUE, not 'x'\n",
                                    "thrilldrops-events: --ctx must be NAME=VALUE, not '=1'\n",
                                    "thrilldrops-events: --context must be NAME=VALUE, not 'x'\n")


@pytest.mark.parametrize(("argv", "name"), [
    (("condition", "check", "--event", "Deposit", "--context", "vip=number", "--context", "vip=string",
      "ctx.vip == 'gold'"), "--context"),
    (("condition", "eval", "--event", "Deposit", "--context", "vip=number", "--ctx", "vip=1", "--ctx", "vip=2",
      "ctx.vip > 1", _EVENTS), "--ctx"),
], ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_a_context_named_twice_is_reported_in_one_line(argv: tuple[str, ...], name: str) -> None:
    """The second value would silently win over the first: which one was meant is not known."""
    done = _run(*argv)
    assert done.returncode == 1 and not done.stdout
    assert done.stderr.decode() == f"thrilldrops-events: {name} names 'vip' twice\n"


@pytest.mark.parametrize("argv", [("validate", "-"), ("condition", "check", "--event", "Deposit", "-"),
                                  ("condition", "eval", "--event", "Deposit", "amount > 1", "-"),
                                  ("send", "-", "--url", "http://127.0.0.1:9")], ids=" ".join)
def test_closed_standard_input_is_a_usage_error(argv: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=120, check=False, preexec_fn=lambda: os.close(0))
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err == "thrilldrops-events: cannot read -: standard input is closed\n"


def test_an_empty_out_directory_is_a_usage_error_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """``--out "$DIR"`` with ``DIR`` unset must not scatter the schemas over the current directory."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["schema", "export", "--out", ""])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == "thrilldrops-events: --out must name a directory, not ''\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("condition", [b"amount>=20\r\n",
                                       b'{"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, '
                                       b'{"number": "20"}]}}'], ids=["text", "json"])
def test_a_condition_file_with_a_byte_order_mark_is_read_as_without(condition: bytes) -> None:
    """Windows editors save a condition file with a UTF-8 byte order mark: it is not part of the condition."""
    done = _run("condition", "check", "--event", "Deposit", "-", stdin=b"\xef\xbb\xbf" + condition)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"amount >= 20\n", b"")


def test_condition_eval_cannot_read_both_the_condition_and_the_events_from_standard_input() -> None:
    """The condition would take all of standard input, leaving no events: a usage error, not "0 of 0"."""
    done = _run("condition", "eval", "--event", "Deposit", "-", "-", stdin=b"amount > 1\n" + GOOD.encode() + b"\n")
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"thrilldrops-events: the condition and the events cannot both be read from standard input\n"



@pytest.mark.parametrize(("argv", "out"), [
    (["validate", "events.ndjson"], ""),
    (["condition", "eval", "amount > 1", "events.ndjson", "--event", "Deposit"], ""),
])
def test_a_file_that_fails_while_read_is_reported_without_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], out: str) -> None:
    monkeypatch.setattr("thrilldrops_events.cli._command._source", failing_input([GOOD] * 3))
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == "thrilldrops-events: cannot read events.ndjson: Input/output error\n"
    assert captured.out == out


#: Commands that write to standard output: each of them on input that makes it write a lot, or a little.
_WRITERS = [
    ["validate", "bad.ndjson"],
    ["validate", "--format", "json", "bad.ndjson"],
    ["validate", "good.ndjson"],
    ["condition", "check", "--event", "Deposit", "amount >= 20"],
    ["condition", "eval", "--event", "Deposit", "amount >= 20", "good.ndjson"],
    ["schema", "check", "schemas", "schemas"],
]


def _files(where: Path) -> None:
    (where / "good.ndjson").write_text((GOOD + "\n") * 2000)
    (where / "bad.ndjson").write_text('{"oops": 1}\n' * 5000)
    assert main(["schema", "export", "--out", str(where / "schemas")]) == 0


@pytest.mark.parametrize("argv", _WRITERS)
def test_output_a_full_disk_refuses_is_one_line_not_a_traceback(tmp_path: Path, argv: list[str]) -> None:
    """A full disk (``/dev/full``) fails every write: the command says so, with exit code 2, and never that
    its input cannot be read."""
    _files(tmp_path)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], stdout=full,
                              stderr=subprocess.PIPE, cwd=tmp_path, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (2, b"thrilldrops-events: cannot write the output: No space left on "
                                                 b"device\n")


@pytest.mark.parametrize("argv", _WRITERS)
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path, argv: list[str]) -> None:
    """``thrilldrops-events validate big.ndjson | head -1``: once the reader is gone, the command ends without a
    word, with the exit code of a process a broken pipe ended (141, 128 + SIGPIPE)."""
    _files(tmp_path)
    read, write = os.pipe()
    os.close(read)  # the reader went away before the first line
    try:
        done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], stdout=write,
                              stderr=subprocess.PIPE, cwd=tmp_path, timeout=120, check=False)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


class _Refusing(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.EIO, "Input/output error")


def test_output_that_fails_while_a_file_is_read_is_not_taken_for_the_file_failing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.ndjson").write_text('{"oops": 1}\n' * 3)
    monkeypatch.setattr(sys, "stdout", _Refusing())
    assert main(["validate", str(tmp_path / "bad.ndjson")]) == 2
    assert capsys.readouterr().err == "thrilldrops-events: cannot write the output: Input/output error\n"


def _run_in(env: dict[str, str], *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run the command line with ``env`` added to the environment (such as a locale that is not UTF-8)."""
    return subprocess.run([sys.executable, "-m", "thrilldrops_events", *args], input=stdin, capture_output=True,
                          timeout=120, check=False, env={**os.environ, **env})


#: Standard output that cannot hold every character: told so, or a locale that is not UTF-8.
_NOT_UTF8 = [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}]


@pytest.mark.parametrize("env", _NOT_UTF8, ids=str)
def test_output_the_encoding_cannot_hold_is_shown_as_escapes(env: dict[str, str], tmp_path: Path) -> None:
    r"""What standard output's encoding cannot hold is written as an escape (``\u20ac``), never a traceback: the
    canonical text stays a condition (its strings read escapes), the JSON form stays the same JSON."""
    done = _run_in(env, "condition", "check", "--event", "Deposit", 'currency == "€😀"')
    assert (done.returncode, done.stdout, done.stderr) == (0, b'currency == "\\u20ac\\U0001f600"\n', b"")
    done = _run_in(env, "condition", "check", "--event", "Deposit", "--json", 'currency == "€"')
    assert (done.returncode, done.stderr) == (0, b"")
    assert json.loads(done.stdout)["condition"]["args"][1] == {"value": "€"}
    path = tmp_path / "events.ndjson"
    path.write_text((GOOD[:-1] + ', "prénom": 1}\n'), encoding="utf-8")
    done = _run_in(env, "validate", "--strict", str(path))
    assert (done.returncode, done.stderr) == (1, b"")
    assert b"line 1: pr\\u00e9nom: unknown field" in done.stdout


@pytest.mark.parametrize("env", _NOT_UTF8, ids=str)
def test_a_condition_is_read_as_utf8_in_any_locale(env: dict[str, str]) -> None:
    """A condition is UTF-8 text, and is read as such: from standard input (whatever its encoding is said to be),
    and from an argument in the C locale (without Python's UTF-8 mode), whose bytes reach Python undecoded."""
    done = _run_in(env, "condition", "check", "--event", "Deposit", "-", stdin='currency == "€"'.encode())
    assert (done.returncode, done.stdout, done.stderr) == (0, b'currency == "\\u20ac"\n', b"")
    done = _run_in(_NOT_UTF8[1], "condition", "check", "--event", "Deposit", 'currency == "€"')
    assert (done.returncode, done.stdout, done.stderr) == (0, b'currency == "\\u20ac"\n', b"")
    done = _run_in(_NOT_UTF8[1], "condition", "eval", "--event", "Deposit", "--context", "tag=string",
                   "--ctx", "tag=€", 'ctx.tag == "€"', _EVENTS)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"22 of 22 Deposit events match")


@pytest.mark.parametrize("env", [{}, *_NOT_UTF8], ids=str)
@pytest.mark.parametrize("where", ["argument", "stdin"])
def test_a_condition_that_is_not_utf8_is_said_so(env: dict[str, str], where: str) -> None:
    text = b'currency == "\xff"'
    argv: tuple[str | bytes, ...] = ("condition", "check", "--event", "Deposit", text if where == "argument" else "-")
    done = _run_in(env, *argv, stdin=text)
    assert (done.returncode, done.stdout) == (1, b"")
    what = "the condition" if where == "argument" else "the condition read from standard input"
    assert done.stderr.decode() == f"thrilldrops-events: {what} is not UTF-8 text (byte 0xff at offset 13)\n"


def test_a_condition_on_endless_standard_input_is_refused_once_too_large() -> None:
    """A condition read from standard input is read up to the size the HTTP routes take (16 MiB), no further."""
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run([sys.executable, "-m", "thrilldrops_events", "condition", "check", "--event",
                               "Deposit", "-"], stdin=zeros, capture_output=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr == b"thrilldrops-events: the condition read from standard input is larger than 16 MiB\n"


_CLOSED_OUTPUT = b"thrilldrops-events: cannot write the output: standard output is closed\n"


@pytest.mark.parametrize("argv", [*_WRITERS, ["schema", "export", "--out", "out"]], ids=" ".join)
def test_a_closed_standard_output_is_a_failure_to_write(tmp_path: Path, argv: list[str]) -> None:
    """Started with its standard output closed (``>&-``), a command says it cannot write, rather than a traceback
    or an exit code that says all is well."""
    _files(tmp_path)
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], stderr=subprocess.PIPE,
                          cwd=tmp_path, timeout=120, check=False, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (2, _CLOSED_OUTPUT)


def test_condition_eval_reads_an_endless_line_in_constant_memory(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A line far over the size of an event (``/dev/zero`` has no end of line) is an invalid line, read past in
    chunks, not held whole; the lines after it are read."""
    monkeypatch.setattr("thrilldrops_events.cli._command._source", long_line_input(64 << 20, [GOOD]))
    tracemalloc.start()
    try:
        assert main(["condition", "eval", "--event", "PlayerLogin", 'country == "NO"', "-"]) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert capsys.readouterr().out == ("1 of 1 PlayerLogin events match\n"
                                       "(0 events of other types, 1 invalid lines skipped)\n")
    assert peak < 16 << 20


class _Interrupting:
    """A finder that raises ``KeyboardInterrupt`` when ``name`` is imported, as ``Ctrl-C`` may while it loads."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == self.name:
            raise KeyboardInterrupt


def test_ctrl_c_while_the_commands_load_is_an_interruption(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The commands load in about a second; ``Ctrl-C`` meanwhile ends the command line as it does later (exit code
    130, no traceback)."""
    monkeypatch.delitem(sys.modules, "thrilldrops_events.cli.validate", raising=False)
    monkeypatch.delattr(sys.modules["thrilldrops_events.cli"], "validate", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_Interrupting("thrilldrops_events.cli.validate"), *sys.meta_path])
    assert main(["validate", "-"]) == 130
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(("argv", "code", "out"), [
    (["validate", "missing.ndjson"], 2, b""),
    (["condition", "check", "--event", "Deposit", "amout > 1"], 1, b""),
    (["send", "good.ndjson", "--url", "http://127.0.0.1:9", "--retries", "0", "--timeout", "5"], 1,
     b"2000 events: 0 accepted, 0 rejected (0 invalid, not sent), 2000 failed\n"),
    (["streams", "info", "events", "--url", "redis://127.0.0.1:9/0"], 1, b""),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_a_closed_standard_error_keeps_the_messages_off_standard_output(tmp_path: Path, argv: list[str], code: int,
                                                                       out: bytes) -> None:
    """Started with its standard error closed (``2>&-``), a command's messages are not written among its results
    (``print`` to a closed standard error prints on standard output), and ``send`` still sends."""
    _files(tmp_path)
    done = subprocess.run([sys.executable, "-m", "thrilldrops_events", *argv], stdout=subprocess.PIPE,
                          cwd=tmp_path, timeout=120, check=False, preexec_fn=lambda: os.close(2))
    assert done.returncode == code
    assert done.stdout.endswith(out) if out else done.stdout == b""


@pytest.mark.parametrize(("argv", "name"), [
    (["validate", "a\0b"], "file"),
    (["condition", "eval", "--event", "Deposit", "amount > 1", "a\0b"], "file"),
    (["send", "a\0b", "--url", "http://127.0.0.1:9"], "file"),
    (["schema", "export", "--out", "a\0b"], "--out"),
    (["schema", "check", "a\0b", "schemas"], "OLD_DIR"),
    (["schema", "check", "schemas", "a\0b"], "NEW_DIR"),
], ids=lambda value: " ".join(value).replace("\0", "NUL") if isinstance(value, list) else value)
def test_a_path_with_a_nul_character_is_a_usage_error(argv: list[str], name: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """No file name holds a NUL character (no process can be given one in an argument, but ``main`` can): a usage
    error in one line, not a ``ValueError`` traceback from ``open``."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == f"thrilldrops-events: {name} must not hold a NUL character: 'a\\x00b'\n"


#: Any character but a backslash (which would start an escape) and a byte kept by ``surrogateescape``.
_CHARACTERS = st.characters(exclude_categories=(), exclude_characters="\\").filter(
    lambda char: not "\udc80" <= char <= "\udcff")


@settings(max_examples=300)
@given(st.text(_CHARACTERS), st.sampled_from(["ascii", "latin-1"]))
def test_what_an_encoding_cannot_hold_is_escaped_and_reads_back(text: str, encoding: str) -> None:
    """Standard output's error handler: every character the encoding cannot hold becomes an escape that reads back
    as that character (as a condition's strings, and Python's, read it); the others are written as they are."""
    written = text.encode(encoding, ESCAPING)
    assert written.decode("unicode_escape") == text
    if all(ord(char) < 0x80 for char in text):
        assert written == text.encode(encoding)


def test_a_byte_kept_as_surrogateescape_keeps_it_is_written_back_as_that_byte() -> None:
    """A file name that was not UTF-8 comes as lone surrogates from ``surrogateescape``: written back as its bytes."""
    assert "caf\udce9 \u20ac".encode("ascii", ESCAPING) == b"caf\xe9 \\u20ac"
