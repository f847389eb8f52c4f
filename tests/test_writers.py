"""The writers: one exact writer for every codec; what no reader accepts is refused with a path, never written.

Only a model built without validation (``model_construct``) can hold such values; the readers and the
constructors refuse them first (tests/test_unknown_fields.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from thrilldrops_events import Deposit, Envelope, EventValidationError, PlayerLogin, PlayerLogout, parse_event, to_json
from thrilldrops_events.codecs import cloudevents
from thrilldrops_events.codecs import redis as stream_codec
from thrilldrops_events.codecs._exact import JsonNumber


def smuggled(**extra: Any) -> Envelope:
    payload = PlayerLogout(channel_type="MobileWeb")
    return Envelope.model_construct(operator_id="o", brand_id="b", player_id="p", timestamp=1, payload=payload,
                                    **extra)


@pytest.mark.parametrize(
    ("extra", "path", "kind"),
    [
        ({"n": 10**5000}, "n", "not_serializable"),
        ({"n": JsonNumber("NaN")}, "n", "not_serializable"),
        ({"n": [Decimal("Infinity")]}, "n.0", "not_serializable"),
        ({"n": {"a": float("nan")}}, "n.a", "not_serializable"),
        ({"n": {"k\ud800": 1}}, "n.k\\ud800", "not_serializable"),
        ({"n": ["\udfff"]}, "n.0", "not_serializable"),
        ({"n": {1: 2}}, "n.1", "not_serializable"),
        ({"n": {1, 2}}, "n", "not_serializable"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isascii() else type(value).__name__,
)
def test_every_writer_refuses_what_no_reader_accepts(extra: dict[str, Any], path: str, kind: str) -> None:
    envelope = smuggled(**extra)
    writers = [lambda: to_json(envelope), lambda: to_json(envelope, money="number"),
               lambda: stream_codec.encode(envelope)]
    for write in writers:
        with pytest.raises(EventValidationError) as info:
            write()
        (problem,) = info.value.problems
        assert problem.path.endswith(path) and problem.kind == kind
        str(info.value).encode("utf-8")
    if extra == {"n": [Decimal("Infinity")]}:  # the CloudEvents form goes through to_dict: a plain Decimal
        assert cloudevents.decode(cloudevents.encode(envelope)).model_extra == {"n": ["Infinity"]}  # is a string
    else:
        with pytest.raises(EventValidationError) as info:
            cloudevents.encode(envelope)
        assert info.value.problems[0].path.endswith(path)


def test_nesting_beyond_the_limit_is_refused_not_a_recursion_error() -> None:
    deep: Any = 1
    for _ in range(5_000):
        deep = [deep]
    with pytest.raises(EventValidationError) as info:
        to_json(smuggled(n=deep))
    assert [p.kind for p in info.value.problems] == ["too_deep"]


def test_a_known_field_holding_what_its_type_refuses_is_refused() -> None:
    login = PlayerLogin.model_construct(channel_type="MobileWeb", currency="E\ud800")
    with pytest.raises(EventValidationError) as info:
        to_json(login)
    assert [p.kind for p in info.value.problems] == ["not_serializable"]
    deposit = Deposit.model_construct(method_id="m", currency="EUR", amount=Decimal("NaN"), balance_after=None)
    with pytest.raises(EventValidationError):
        to_json(Envelope.model_construct(operator_id="o", brand_id="b", player_id="p", timestamp=1,
                                         payload=deposit, note=1), money="number")


@pytest.mark.parametrize("value", [1.5, -0.0, 1e308, 5e-324, 0.1, 123456789.0])
def test_a_float_is_written_as_the_number_it_reads_back_as(value: float) -> None:
    envelope = parse_event({**json.loads(to_json(smuggled())), "n": value})
    written = to_json(envelope)
    again = parse_event(written)
    assert to_json(again) == written
    assert again.model_extra["n"] == Decimal(repr(value))  # type: ignore[index]
    assert stream_codec.decode(stream_codec.encode(envelope)) == again


def test_the_stream_codec_and_the_json_codec_write_unknown_fields_alike() -> None:
    text = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"PlayerLogout":'
            '{"channel_type":"MobileWeb"}},"n":[1.50,{"a":"\u00e9\\n\\u0001"},null,true,-0.0,12345678901234567890]}')
    envelope = parse_event(text)
    assert to_json(envelope).decode() == text  # non-ASCII text as UTF-8, control characters escaped
    assert stream_codec.encode(envelope)["extra"] == "{" + text[text.index('"n":') :]


def test_a_copy_changed_without_validation_is_checked_by_reading_its_dict() -> None:
    from decimal import Decimal

    from thrilldrops_events import Deposit, EventValidationError, parse_payload, to_dict

    changed = Deposit(method_id="visa", currency="EUR", amount="25.00").model_copy(update={"amount": Decimal("NaN")})
    with pytest.raises(EventValidationError) as caught:
        parse_payload("Deposit", to_dict(changed))
    assert caught.value.problems[0].path == "amount"


@pytest.mark.parametrize("money", ["numbers", "float", "decimal", None, 1])
def test_a_money_format_that_is_not_one_of_the_two_is_refused(money: Any) -> None:
    # it was written as strings, silently: a producer asking for "numbers" got strings
    from thrilldrops_events import to_ndjson

    envelope = smuggled()
    for write in (lambda: to_json(envelope, money=money), lambda: stream_codec.encode(envelope, money=money),
                  lambda: to_ndjson([], money=money)):
        with pytest.raises(ValueError, match=f"money must be 'string' or 'number', not {money!r}"):
            write()


@pytest.mark.parametrize("money", ["strings", "number", None])
def test_to_dict_refuses_a_money_format_that_is_not_one_of_its_two(money: Any) -> None:
    from thrilldrops_events import to_dict

    with pytest.raises(ValueError, match=f"money must be 'string' or 'decimal', not {money!r}"):
        to_dict(smuggled(), money=money)


@pytest.mark.parametrize("junk", [None, "x", {"operator_id": "o"}, 3])
def test_writing_something_that_is_not_a_model_is_an_event_validation_error(junk: Any) -> None:
    from thrilldrops_events import dedup_key, to_dict, to_ndjson

    for write in (lambda: to_json(junk), lambda: to_dict(junk), lambda: to_ndjson([smuggled(), junk]),
                  lambda: dedup_key(junk)):
        with pytest.raises(EventValidationError, match=f"expected an Envelope.*, not {type(junk).__name__}") as error:
            write()
        assert [problem.kind for problem in error.value.problems] == ["not_an_envelope"]


@pytest.mark.parametrize("char", ["é", "€", "😀", "\u2028", "\x7f"])
def test_an_event_read_within_the_size_limit_is_written_within_it(char: str) -> None:
    # Non-ASCII text written as \uXXXX escapes took up to six times its bytes: an event of 1 MiB of such
    # text was refused as too_large when read back from to_json or from its stream entry.
    from thrilldrops_events.codecs._exact import MAX_EVENT_BYTES

    head = ('{"operator_id":"o","brand_id":"b","player_id":"p","timestamp":1,"event_type":{"PlayerLogout":'
            '{"channel_type":"MobileWeb","memo":"%s"}},"note":"%s"}')
    room = (MAX_EVENT_BYTES - len(head.encode()) - 8) // len(char.encode()) // 2
    raw = (head % (char * room, char * room)).encode()
    assert MAX_EVENT_BYTES - 64 < len(raw) <= MAX_EVENT_BYTES
    envelope = parse_event(raw)
    written = to_json(envelope)
    assert written == raw
    assert parse_event(written) == envelope
    assert stream_codec.decode(stream_codec.encode(envelope)) == envelope
