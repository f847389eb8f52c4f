"""``thrilldrops-events serve --host`` given bytes that are not UTF-8: a usage error, never a traceback.

Such bytes reach Python as lone surrogates (``surrogateescape``), which no socket address can hold:
``socket.bind`` raised ``TypeError: encoding of hostname failed``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from thrilldrops_events.cli import main


@pytest.mark.parametrize("host", ["\udcff", "127.0.0.\udcb1", "\udcc3x", "local\udce9host"])
def test_a_host_that_is_not_utf8_is_a_usage_error(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--host", host, "--port", "0"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--host is not UTF-8 text" in err and "Traceback" not in err


def test_the_same_from_the_command_line() -> None:
    argv = [os.fsencode(sys.executable), b"-m", b"thrilldrops_events", b"serve", b"--host", b"\xff", b"--port", b"0"]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert done.returncode == 2
    assert b"--host is not UTF-8 text (byte 0xff at offset 0)" in done.stderr
    assert b"Traceback" not in done.stderr
