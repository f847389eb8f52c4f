"""`thrilldrops-events condition check|eval`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from thrilldrops_events import compile_condition, parse_events
from thrilldrops_events.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_check_prints_the_canonical_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["condition", "check", 'amount>=20 and(currency=="EUR")', "--event", "Deposit"]) == 0
    assert capsys.readouterr().out == 'amount >= 20 and currency == "EUR"\n'


def test_check_prints_the_error_with_its_caret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["condition", "check", 'amount >= 20 and curency == "EUR"', "--event", "Deposit"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "thrilldrops-events: invalid condition: line 1, column 18: unknown field 'curency' in Deposit; "
        "did you mean currency?",
        '  amount >= 20 and curency == "EUR"',
        "                   ^",
    ]


def test_check_json_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["condition", "check", "amount >= 20", "--event", "Deposit", "--json"]) == 0
    document = capsys.readouterr().out
    assert json.loads(document) == compile_condition("amount >= 20", "Deposit").to_json()
    assert main(["condition", "check", document, "--event", "Deposit"]) == 0
    assert capsys.readouterr().out == "amount >= 20\n"
    assert main(["condition", "check", '{"version": 1, "condition": {"number": 1}}', "--event", "Deposit"]) == 1
    assert "condition.number: number is a decimal string" in capsys.readouterr().err
    assert main(["condition", "check", "{not json", "--event", "Deposit"]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_check_with_context_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ctx.vip >= 3 and amount > 1"))
    assert main(["condition", "check", "-", "--event", "Deposit", "--context", "vip=number?"]) == 0
    assert capsys.readouterr().out == "ctx.vip >= 3 and amount > 1\n"
    assert main(["condition", "check", "ctx.vip >= 3", "--event", "Deposit", "--context", "vip"]) == 1
    assert "--context must be NAME=VALUE" in capsys.readouterr().err
    assert main(["condition", "check", "ctx.vip >= 3", "--event", "Deposit", "--context", "vip=integer"]) == 1
    assert "unknown type 'integer'" in capsys.readouterr().err


def test_unknown_event_type_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["condition", "check", "amount > 1", "--event", "Deposits"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_eval_counts_matching_events(capsys: pytest.CaptureFixture[str]) -> None:
    text = 'amount >= 20 and currency == "EUR"'
    assert main(["condition", "eval", text, str(EXAMPLES / "events.ndjson"), "--event", "Deposit"]) == 0
    condition = compile_condition(text, "Deposit")
    events = [r.event for r in parse_events((EXAMPLES / "events.ndjson").read_bytes()) if r.event is not None]
    deposits = [e for e in events if e.event_type.value == "Deposit"]
    matched = sum(condition(e) for e in deposits)
    assert 0 < matched < len(deposits)
    assert capsys.readouterr().out.splitlines() == [
        f"{matched} of {len(deposits)} Deposit events match",
        f"({len(events) - len(deposits)} events of other types, 0 invalid lines skipped)",
    ]


def test_eval_with_context_and_invalid_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "events.ndjson").read_text().splitlines()
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join([*lines[:50], "{broken", *lines[50:100]]) + "\n")
    args = ["condition", "eval", "ctx.vip >= 3 and ctx.tier == \"gold\"", str(path), "--event", "Transaction",
            "--context", "vip=number", "--context", "tier=string"]
    assert main([*args, "--ctx", "vip=3.5", "--ctx", "tier=gold"]) == 0
    out = capsys.readouterr().out
    assert "1 invalid lines skipped" in out and " Transaction events match" in out
    assert main([*args, "--ctx", "tier=gold"]) == 1
    assert "ctx.vip is missing" in capsys.readouterr().err
    assert main(["condition", "eval", "amount > 1", str(tmp_path / "none.ndjson"), "--event", "Deposit"]) == 2
    assert "cannot read" in capsys.readouterr().err
