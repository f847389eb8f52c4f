"""The host of a client's ``base_url``: one no socket can resolve is refused when the client is made.

A label (the text between two dots) of more than 63 characters, or an empty one, made the socket's
``idna`` codec raise ``UnicodeEncodeError`` at the first send: ``send`` raised it, and ``send_many``
stopped with it (``thrilldrops-events send`` printed a traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events.cli import main
from thrilldrops_events.http import AsyncEventClient, EventClient

_LABEL = st.text(st.sampled_from("abcxyz019-"), min_size=1, max_size=63).filter(
    lambda label: label[0].isalpha() and not label.endswith("-"))


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@given(st.lists(_LABEL, min_size=1, max_size=3), st.text(st.sampled_from("abc"), min_size=64, max_size=300),
       st.integers(0, 3))
def test_a_host_with_a_label_over_63_characters_is_refused(client: type, labels: list[str], long: str,
                                                            where: int) -> None:
    labels.insert(min(where, len(labels)), long)
    host = ".".join(labels)
    with pytest.raises(ValueError, match="the host of base_url is not a valid host name") as raised:
        client(f"http://{host}:8000/api")
    assert host[:80] in str(raised.value)


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize("host", ["a..b", "receiver..", "a" * 64, ".receiver"])
def test_a_host_with_an_empty_or_long_label_is_refused(client: type, host: str) -> None:
    with pytest.raises(ValueError, match="not a valid host name"):
        client(f"http://{host}/")


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@given(st.lists(_LABEL, min_size=1, max_size=4), st.booleans())
def test_a_host_of_labels_of_1_to_63_characters_is_taken(client: type, labels: list[str], dot: bool) -> None:
    made = client("http://" + ".".join(labels) + ("." if dot else "") + ":8000")
    assert made.url.endswith(":8000/event")


@pytest.mark.parametrize("client", [EventClient, AsyncEventClient])
@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "é.com", "xn--9ca.com", "ß.de", "a" * 63 + ".com"])
def test_addresses_and_international_names_are_taken(client: type, host: str) -> None:
    assert client(f"http://{host}:8000").url.endswith(":8000/event")


@pytest.mark.parametrize("host", ["a" * 64 + ".com", "a..b", "receiver.."])
def test_send_refuses_such_a_host_as_a_usage_error(host: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.ndjson"
    path.write_text("{}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:  # a usage error, as argparse reports it
        main(["send", str(path), "--url", f"http://{host}:8000", "--retries", "0"])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "--url has a host name with a label (between dots) that is empty or longer than 63 characters" \
        in captured.err
    assert "Traceback" not in captured.err + captured.out
