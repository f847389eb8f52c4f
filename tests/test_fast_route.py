"""One truth, two readers: whatever the fast reader accepts, the exact reader accepts and reads the same.

The fast reader (msgspec structs from the contract table, the models built directly) and the exact reader
(``json.loads(parse_float=Decimal)``, then pydantic) are given the same bytes: valid events with money as
strings, as JSON numbers and mixed per value, with and without unknown fields; invalid events; and
byte-level mutations of valid ones; in both modes. Whenever the fast reader accepts, the exact reader
accepts too and gives an equal event, written to the same bytes (so a ``Decimal``'s scale counts); whenever
the exact reader refuses, the fast reader has refused (``None``: it leaves the verdict to the exact reader).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from thrilldrops_events import Deposit, Envelope, EventPayload, EventValidationError, parse_event, to_json
from thrilldrops_events.codecs import json as codec
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.codecs.json import to_dict
from thrilldrops_events.enums import EventType
from thrilldrops_events.testing import envelopes, invalid_envelopes

FAST = codec.fast_reader()


def _exact(raw: bytes, strict: bool) -> Envelope | None:
    try:
        return codec._decode_exact(raw, strict)
    except EventValidationError:
        return None


def _same(fast: Envelope | EventPayload, exact: Envelope | EventPayload) -> None:
    assert fast == exact
    assert to_json(fast) == to_json(exact)
    assert to_json(fast, money="number") == to_json(exact, money="number")
    assert fast.model_fields_set == exact.model_fields_set
    for mine, theirs in ((fast, exact), (getattr(fast, "payload", fast), getattr(exact, "payload", exact))):
        assert type(mine) is type(theirs)
        assert mine.__dict__ == theirs.__dict__ and list(mine.__dict__) == list(theirs.__dict__)
        assert [type(v) for v in mine.__dict__.values()] == [type(v) for v in theirs.__dict__.values()]
        assert mine.model_extra == theirs.model_extra and list(mine.model_extra or ()) == list(theirs.model_extra or ())
        assert mine.model_fields_set == theirs.model_fields_set


def check_one_truth(raw: bytes) -> None:
    for strict in (False, True):
        exact = _exact(raw, strict)
        fast = FAST.envelope(raw, strict)
        if fast is None:
            continue
        assert exact is not None, f"the fast reader accepted what the exact reader refuses (strict={strict}): {raw!r}"
        _same(fast, exact)
        assert parse_event(raw, strict=strict) == exact


def _write(value: Any, numbers: st.DataObject, out: list[str]) -> None:
    """JSON text of a wire form, each money value as a string or a JSON number as drawn."""
    if isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append(("," if index else "") + json.dumps(key) + ":")
            _write(item, numbers, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            out.append("," if index else "")
            _write(item, numbers, out)
        out.append("]")
    elif isinstance(value, JsonNumber):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(str(value) if numbers.draw(st.booleans(), label="as number") else f'"{value}"')
    else:
        out.append(json.dumps(value))


def written(envelope: Envelope, data: st.DataObject | None) -> bytes:
    """The envelope as JSON, money as strings, as numbers or mixed per value (as strings without ``data``)."""
    if data is None:
        return to_json(envelope)
    form = data.draw(st.sampled_from(["string", "number", "mixed"]), label="money")
    if form != "mixed":
        return to_json(envelope, money=form)
    out: list[str] = []
    _write(to_dict(envelope, money="decimal"), data, out)
    return "".join(out).encode()


def _keys(raw: bytes) -> int:
    """How many keys a document holds, at any depth, a duplicated key each time it stands."""
    counted = [0]

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        counted[0] += len(items)
        return dict(items)

    json.loads(raw, object_pairs_hook=pairs)
    return counted[0]


def left_to_the_exact_reader(raw: bytes) -> bool:
    """Whether the fast reader leaves a valid event to the exact reader, which then reads it.

    msgspec keeps a duplicated key's last value only, and a number the exact reader refuses holds a run of
    18 digits. So a valid event holding such a run (anywhere, even in a string) is left to the exact reader
    when the fast one cannot rule out a duplicated key: when the document is longer than 4096 bytes (looked
    at before decoding), or when it holds more colons than keys (a colon within a string). Every other valid
    event of usual size is read by the fast reader.
    """
    if re.search(rb"[0-9]{18}", raw) is None:
        return False
    return len(raw) > 4096 or raw.count(b":") != _keys(raw)


def _deposit(player_id: str, amount: str, method_id: str = "visa") -> Envelope:
    return Envelope(operator_id="op-1", brand_id="brand-7", player_id=player_id, timestamp=1777852800,
                    payload=Deposit(method_id=method_id, currency="EUR", amount=Decimal(amount)))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(envelopes(unknown_fields=True), st.data())
@example(envelope=_deposit(":", "123456789012345678"), data=None)  # a colon in a string and a run of 18 digits
@example(envelope=_deposit("p-42", "123456789012345678"), data=None)  # the run alone: read fast
@example(envelope=_deposit(":", "1.00"), data=None)  # the colon alone: read fast
@example(envelope=_deposit("a:b", "1.00", method_id="123456789012345678"), data=None)  # the run in a string
def test_valid_events_are_read_the_same_by_both(envelope: Envelope, data: st.DataObject | None) -> None:
    raw = written(envelope, data)
    check_one_truth(raw)
    known_only = not envelope.model_extra and not envelope.payload.model_extra
    for strict in (False, True) if known_only else (False,):
        assert (FAST.envelope(raw, strict) is None) == left_to_the_exact_reader(raw), raw


@given(invalid_envelopes())
def test_invalid_events_are_refused_by_both(invalid: Any) -> None:
    raw = json.dumps(invalid.data).encode()
    check_one_truth(raw)
    assert FAST.envelope(raw, False) is None and FAST.envelope(raw, True) is None


_NOISE = [b" ", b"-", b"+", b".", b"0", b"1", b"9", b"e", b"E", b'"', b"\\", b"{", b"}", b"[", b"]", b",", b":",
          b"null", b"true", b"\\u0000", b"\\ud83d", b"\\u00a0", b"\xc3\xa9", b"\xff", b"\xed\xa0\x80", b"\x1c", b"\t",
          b"1e999999999", b"00", b"-0", b"_", b"NaN", b'"x":1,', b"\\n"]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(envelopes(unknown_fields=True), st.data())
def test_mutated_events_get_one_verdict(envelope: Envelope, data: st.DataObject) -> None:
    raw = bytearray(written(envelope, data))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        op = data.draw(st.sampled_from(["insert", "replace", "delete"]), label="op")
        noise = data.draw(st.sampled_from(_NOISE), label="noise")
        if op == "insert":
            raw[at:at] = noise
        elif op == "replace":
            raw[at : at + len(noise)] = noise
        else:
            del raw[at : at + data.draw(st.integers(1, 4), label="length")]
    check_one_truth(bytes(raw))


_BASE = ('{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-42","timestamp":1777852800,'
         '"event_type":{"Deposit":{"method_id":"visa","currency":"EUR","amount":AMOUNT,"balance_after":BALANCE}}}')


@pytest.mark.parametrize("amount", ['"25.00"', "25.00", "25", "0", "-0", '"-0"', "-0.00", '"-0.00"', '"007.50"', "1E-8",
                                    '"1E-8"', "1e3", '"1E+3"', '" 1"', '"1_000"', '"+1"', '".5"', '"5."', '"NaN"',
                                    "99999999999999999999.999999999999999999", "100000000000000000000",
                                    '"0.0000000000000000001"', "0.1000000000000000055511151231257827", "true",
                                    "1e999999999", "1" * 150, '"' + "0" * 70 + "1" + '"', "-1", '"-1"', "[]",
                                    "0e99999999999999999999", '"0e99999999999999999999"', "1E-7", '"0.5e1"', "5E+0",
                                    "0." + "0" * 60 + "1e60", '"0.' + "0" * 60 + '1e60"', "{}", "null", "1E-19",
                                    '"1e-18"', "0E-19", '"0.000000000000000000"'])
@pytest.mark.parametrize("balance", ["null", '"-12.50"', "-12.50", "-0", '"-0.00"', "-0.0", "-100000000000000000000",
                                     '"-1E-8"', '"--1"'])
def test_money_edges(amount: str, balance: str) -> None:
    check_one_truth(_BASE.replace("AMOUNT", amount).replace("BALANCE", balance).encode())


@pytest.mark.parametrize(("amount", "balance", "read"), [
    ("1E-7", "-0.00", ("1E-7", "0.00")), ('"1E-7"', '"-12.5E-1"', ("1E-7", "-1.25")),
    ('"007.50"', "5E+0", ("7.50", "5")), ("0", '"-0"', ("0", "0")), ("25", "-3", ("25", "-3")),
])
def test_money_in_other_forms_is_read_by_the_fast_reader(amount: str, balance: str, read: tuple[str, str]) -> None:
    document = _BASE.replace("AMOUNT", amount).replace("BALANCE", balance).encode()
    check_one_truth(document)
    for strict in (False, True):
        envelope = FAST.envelope(document, strict)
        assert envelope is not None
        assert (str(envelope.payload.amount), str(envelope.payload.balance_after)) == read


_SPACES = [" ", "\\u0020", "\\t", "\\u00a0", "\u00a0", "\u3000", "\u2028", "\\u0085", "\\u001c"]


@pytest.mark.parametrize("space", _SPACES)
@pytest.mark.parametrize("where", ['"op-1"', '"brand-7"', '"p-42"', '"visa"'])
@pytest.mark.parametrize("edge", ["start", "end"])
def test_an_identifier_edged_with_whitespace_gets_one_verdict(space: str, where: str, edge: str) -> None:
    """Whitespace at either edge of an identifier, raw or escaped, in the envelope or in the payload, is seen by
    the fast reader, which leaves the document to the exact reader (U+001C, not White_Space, is allowed by the
    contract, and left to the exact reader by the fast one)."""
    spaced = f'"{space}{where[1:]}' if edge == "start" else f'{where[:-1]}{space}"'
    document = _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace(where, spaced, 1).encode()
    check_one_truth(document)
    assert FAST.envelope(document, False) is None and FAST.envelope(document, True) is None
    if space != "\\u001c":
        with pytest.raises(EventValidationError):
            parse_event(document)


_ROUND = ('{"operator_id":"op-1","brand_id":"brand-7","player_id":"p-42","timestamp":1777852800,"event_type":'
          '{"Transaction":{"provider_id":"netent","game_id":"starburst","gameround_id":"r-1",'
          '"bet_transaction_id":BET,"currency":"EUR","game_bet":"1.00","bonus_bet":"0.00","real_bet":"1.00",'
          '"jackpot_bet":"0.00","win_transaction_id":WIN,"game_win":"0.00","jackpot_win":"0.00",'
          '"is_free_spin":false,"round_finished":true}}}')


@pytest.mark.parametrize("space", _SPACES)
@pytest.mark.parametrize("edge", ["start", "end"])
@pytest.mark.parametrize("field", ["BET", "WIN"])
def test_a_nullable_identifier_edged_with_whitespace_gets_one_verdict(space: str, edge: str, field: str) -> None:
    """A nullable identifier is looked at when given, beside another that is null or absent."""
    spaced = f'"{space}tx-1"' if edge == "start" else f'"tx-1{space}"'
    other = "WIN" if field == "BET" else "BET"
    for absent in ('"tx-2"', "null", None):
        document = _ROUND.replace(field, spaced)
        if absent is None:
            key = "bet_transaction_id" if other == "BET" else "win_transaction_id"
            document = document.replace(f',"{key}":{other}', "")
        else:
            document = document.replace(other, absent)
        check_one_truth(document.encode())
        assert FAST.envelope(document.encode(), False) is None and FAST.envelope(document.encode(), True) is None
        fine = document.replace(spaced, '"tx-1"')
        check_one_truth(fine.encode())
        assert FAST.envelope(fine.encode(), False) is not None and FAST.envelope(fine.encode(), True) is not None


_DIGITS = st.text("0123456789", min_size=1, max_size=24)


@st.composite
def money_texts(draw: st.DrawFn) -> str:
    """A money value as written in a document: a JSON number or a string, plain or in another form (leading zeros,
    exponents small and huge, signs, whitespace, underscores), so that every route of the fast reader is taken."""
    text = draw(st.sampled_from(["", "-", "+", " "])) + draw(_DIGITS)
    if draw(st.booleans()):
        text += "." + draw(_DIGITS)
    if draw(st.booleans()):
        exponent = draw(st.integers(-40, 40) | st.sampled_from([10**18, -(10**18), 10**20, 999999999]))
        text += draw(st.sampled_from(["e", "E"])) + draw(st.sampled_from(["", "+"])) * (exponent >= 0) + str(exponent)
    text += draw(st.sampled_from(["", "", "_0", " "]))
    return json.dumps(text) if draw(st.booleans()) else text


@settings(max_examples=300)
@given(money_texts(), money_texts())
def test_money_in_any_form_gets_one_verdict(amount: str, balance: str) -> None:
    """Plain amounts, amounts read before (as a string or as a number) and every other form: one truth."""
    check_one_truth(_BASE.replace("AMOUNT", amount).replace("BALANCE", balance).encode())
    check_one_truth(_BASE.replace("AMOUNT", amount).replace("BALANCE", amount).encode())


@pytest.mark.parametrize("document", [
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"p-42"', '"p-\\ud83d"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"p-42"', '"p-\\ud83d\\ude00"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"p-42"', '"p-42\\u2028"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"p-42"', '"\\u001cp"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"p-42"', '"p\\u0000"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"EUR"', '"E\\u0055R"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"visa"', '"' + "v" * 256 + '"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace("1777852800", "1777852800000"),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace("1777852800", '"1777852800"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace("1777852800", "1777852800.0"),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace("1777852800", "-0"),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"amount"', '"x":1e999999999,"amount"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"amount"', '"x":' + "9" * 101 + ',"amount"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"amount"', '"x":' + "[" * 70 + "]" * 70
                                                                      + ',"amount"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"brand_id"', '"payload":1,"brand_id"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"brand_id"', '"x":0.10,"brand_id"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"amount"', '"amount":"2","amount"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('{"Deposit"', '{"Deposit":null,"Deposit"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"method_id"', '"method\\u005fid"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace('"Deposit"', '"Withdrawal"'),
    _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null").replace(',"balance_after":null', ""),
    "\ufeff" + _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null"),
    " \n" + _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null") + "\r\n ",
])
def test_structure_edges(document: str) -> None:
    check_one_truth(document.encode("utf-8"))
    check_one_truth(document.encode("utf-16"))


_PLAIN = _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null")


@pytest.mark.parametrize(("unknown", "fast"), [
    ('"x":{"n":1.5,"m":{"k":123456789012345678}}', True),  # a run of 18 digits, every key counted: read fast
    ('"x":{"at":"10:00:00","m":{"k":123456789012345678}}', False),  # and a colon in a string: left
    ('"x":{"at":"10:00:00","n":1.5}', True),  # a colon in a string, no run of 18 digits: read fast
    ('"x":0.' + "1" * 120, False),  # refused by the exact reader: more than 100 digits
    ('"x":[15e999999999999999999]', False),  # refused: an exponent no Decimal holds
    ('"x":[1e999999999999999999]', True),
    ('"x":{"y":1e-1000000000000000098}', True),
    ('"x":{"y":1e-1000000000000000099}', False),
])
def test_unknown_fields_are_counted_key_by_key(unknown: str, fast: bool) -> None:
    """In lenient mode the keys of the untyped tree are counted against the colons: a run of 18 digits matters only
    where they differ (a duplicated key, a colon in a string), and unknown numbers are bounded as the exact reader
    bounds them."""
    for document in (_PLAIN.replace('"brand_id"', unknown + ',"brand_id"'),
                     _PLAIN.replace('"amount"', unknown + ',"amount"')):
        check_one_truth(document.encode())
        assert (FAST.envelope(document.encode(), False) is not None) == fast
    payload = '{"method_id":"visa",' + unknown + ',"currency":"EUR","amount":"1","balance_after":null}'
    assert (FAST.payload(EventType.DEPOSIT, payload, False) is not None) == fast


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(EventType)).flatmap(lambda e: envelopes(e, unknown_fields=True)), st.data())
@example(envelope=parse_event(_BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null")), data=None)
def test_payloads_are_read_the_same_by_both(envelope: Envelope, data: st.DataObject | None) -> None:
    payload = envelope.payload
    raw = to_json(payload) if data is None else to_json(payload, money=data.draw(st.sampled_from(["string", "number"])))
    for strict in (False, True):
        fast = FAST.payload(payload.event_type, raw, strict)
        try:
            exact = codec._decode_payload_exact(type(payload), raw, strict)
        except EventValidationError:
            assert fast is None
            continue
        if fast is not None:
            _same(fast, exact)


def test_the_builders_source_is_documented_as_generated() -> None:
    from thrilldrops_events.codecs import _builders

    source = _builders.builder(EventType.DEPOSIT)[1]
    documented = "\n".join(line[4:] for line in (_builders.__doc__ or "").split("::\n\n", 1)[1].splitlines())
    assert source.strip() == documented.strip()


def test_copies_get_a_fields_set_of_their_own() -> None:
    import copy

    envelope = parse_event(_BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null"))
    assert isinstance(envelope.model_fields_set, frozenset)
    copies = (envelope.model_copy(update={"player_id": "p-43"}), copy.deepcopy(envelope).model_copy(update={"x": 1}))
    for copied in copies:
        assert "player_id" in copied.model_fields_set and copied.player_id in ("p-43", "p-42")
    assert envelope.model_fields_set == frozenset({"operator_id", "brand_id", "player_id", "timestamp", "payload"})
    payload = envelope.payload.model_copy(update={"balance_after": Decimal(1)})
    assert "balance_after" in payload.model_fields_set


def test_models_read_fast_are_the_models_themselves() -> None:
    import copy
    import pickle

    from pydantic import ValidationError

    raw = _BASE.replace("AMOUNT", '"25.00"').replace("BALANCE", "null")
    envelope, exact = FAST.envelope(raw, False), _exact(raw.encode(), False)
    assert envelope is not None and exact is not None
    for mine, theirs in ((envelope, exact), (envelope.payload, exact.payload)):
        assert type(mine).__mro__ == type(theirs).__mro__
        for frozen in (mine, theirs):  # refused alike: pydantic's own __setattr__ and __delattr__ still hold
            with pytest.raises(ValidationError, match="frozen"):
                frozen.currency = "SEK"  # type: ignore[misc,union-attr]
            with pytest.raises(ValidationError, match="frozen"):
                del frozen.currency  # type: ignore[misc,union-attr]
    for again in (pickle.loads(pickle.dumps(envelope)), copy.copy(envelope), copy.deepcopy(envelope)):
        _same(again, exact)
    assert envelope.model_dump() == exact.model_dump() and repr(envelope) == repr(exact)


@pytest.mark.parametrize("hidden", ["1e999999999999999999999", "9" * 101, "0." + "1" * 120, "1E-9999999999999999999"])
@pytest.mark.parametrize("where", ["amount", "method_id", "timestamp", "x"])
def test_a_value_hidden_under_a_duplicated_key_gets_the_exact_readers_verdict(hidden: str, where: str) -> None:
    """msgspec keeps a duplicated key's last value only; the exact reader parses every number, so it decides."""
    document = _BASE.replace("AMOUNT", '"1"').replace("BALANCE", "null")
    key = f'"{where}":'
    document = document.replace(key, f"{key}{hidden},{key}", 1) if key in document else document.replace(
        '"brand_id":', f'"x":{hidden},"x":1,"brand_id":')
    check_one_truth(document.encode())
    with pytest.raises(EventValidationError):
        parse_event(document)
