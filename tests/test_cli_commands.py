"""The command line's declarations: every command registered once, with its arguments as declared."""

from __future__ import annotations

import pytest

from thrilldrops_events.cli import COMMANDS, build_parser, main


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    names = [command.name for command in COMMANDS]
    assert names == ["validate", "schema", "condition", "streams", "serve", "send"]
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("    ") and line.split()[0] in names]
    assert listed == names
    for command in COMMANDS:
        assert command.help in " ".join(out.split())


@pytest.mark.parametrize("argv", [["schema"], ["condition"], ["streams"], ["streams", "info"]])
def test_a_group_needs_an_action_and_an_action_its_arguments(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2


@pytest.mark.parametrize("extra", [[], ["--maxlen", "5", "--minid", "0-1"]])
def test_trim_takes_exactly_one_of_maxlen_and_minid(extra: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["streams", "trim", "events", *extra])
    assert stopped.value.code == 2


def test_arguments_arrive_as_declared() -> None:
    args = build_parser().parse_args(["streams", "trim", "events", "--minid", "0-1", "--cluster"])
    assert (args.stream, args.minid, args.maxlen, args.cluster, args.url) == ("events", "0-1", None, True, None)
    args = build_parser().parse_args(["condition", "eval", "amount > 1", "-", "--event", "Deposit", "--ctx", "a=1"])
    assert (args.text, args.file, args.event, args.ctx, args.context) == ("amount > 1", "-", "Deposit", ["a=1"], [])
    args = build_parser().parse_args(["send", "x.ndjson", "--url", "http://127.0.0.1:1"])
    assert (args.concurrency, args.retries, args.timeout, args.header) == (8, 3, 10.0, [])
