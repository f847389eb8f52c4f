"""Redis stream entries built in Python to mislead the reader: keys and values of ``str`` and ``bytes`` subclasses.

A field is named by the characters (or the bytes) of its key, never by what a subclass says of it: its hash,
its ``__eq__``, its ``decode``. Two keys of the same text are refused (``duplicate_key``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrilldrops_events import Envelope, EventValidationError, PlayerLogout
from thrilldrops_events.codecs import redis as codec
from thrilldrops_events.testing import envelopes

LOGOUT = Envelope(operator_id="o", brand_id="b", player_id="p", timestamp=1777852800,
                  payload=PlayerLogout(channel_type="MobileWeb"))
REQUIRED = ("event_type", "operator_id", "brand_id", "player_id", "timestamp", "payload")


class Key(str):
    """A ``str`` subclass of no behaviour of its own."""

    __slots__ = ()


class KeyBytes(bytes):
    """A ``bytes`` subclass of no behaviour of its own."""


def impostor(kind: type[Any], text: str, poses_as: str) -> Any:
    """A key of class ``kind`` (``str`` or ``bytes``) holding ``text`` that hashes and compares as ``poses_as``."""
    target = poses_as if kind is str else poses_as.encode()

    class Impostor(kind):  # type: ignore[misc, valid-type]
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return hash(target)

        def decode(self, *args: Any) -> str:  # bytes only: what str.decode would say, were there one
            return poses_as

    return Impostor(text if kind is str else text.encode())


def twin(kind: type[Any], text: str) -> Any:
    """A key holding ``text`` equal only to itself: two of them are two keys of one dict."""

    class Twin(kind):  # type: ignore[misc, valid-type]
        def __eq__(self, other: object) -> bool:
            return self is other

        def __hash__(self) -> int:
            return id(self)

    return Twin(text if kind is str else text.encode())


def entry(kind: type[Any]) -> dict[Any, Any]:
    fields = codec.encode(LOGOUT)
    return dict(fields) if kind is str else {key.encode(): value.encode() for key, value in fields.items()}


def problems(fields: Any, *, strict: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as info:
        codec.decode(fields, strict=strict)
    return [(problem.path, problem.kind) for problem in info.value.problems]


@pytest.mark.parametrize("kind", [str, bytes])
@pytest.mark.parametrize("name", REQUIRED)
def test_a_key_that_poses_as_a_field_name_does_not_stand_in_for_it(kind: type[Any], name: str) -> None:
    fields = entry(kind)
    value = fields.pop(name if kind is str else name.encode())
    fields[impostor(kind, "note", name)] = value
    assert (name, "missing") in problems(fields)


@pytest.mark.parametrize("kind", [str, bytes])
def test_a_key_that_poses_as_a_field_name_is_an_unknown_field_of_its_own_text(kind: type[Any]) -> None:
    fields = entry(kind)
    fields[impostor(kind, "note", "extra")] = "x" if kind is str else b"x"  # as "extra", "x" is not JSON
    envelope = codec.decode(fields)
    assert envelope.model_extra == {"note": "x"}
    assert [type(key) for key in envelope.model_extra] == [str]


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), st.sampled_from([str, bytes]),
       st.booleans())
def test_two_keys_of_the_same_text_are_refused(text: str, kind: type[Any], strict: bool) -> None:
    fields = entry(kind)
    value = "x" if kind is str else b"x"
    fields[twin(kind, text)] = value
    fields[twin(kind, text)] = value
    assert (text, "duplicate_key") in problems(fields, strict=strict)


@given(envelopes(), st.sampled_from([(Key, str), (KeyBytes, bytes)]))
def test_keys_and_values_of_subclasses_are_read_as_their_text(envelope: Envelope, kinds: tuple[type[Any], type[Any]],
                                                              ) -> None:
    sub, base = kinds
    fields = {sub(key if base is str else key.encode()): sub(value if base is str else value.encode())
              for key, value in codec.encode(envelope).items()}
    again = codec.decode(fields)
    assert again == envelope
    assert all(type(key) is str for key in again.model_extra or {})
    assert all(type(value) is str for value in (again.operator_id, again.brand_id, again.player_id))


class Shouting:
    """A hashable key whose ``str`` is large and whose ``repr`` fails."""

    def __str__(self) -> str:
        return "x" * 1_000_000

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def _nested_tuple(depth: int) -> tuple[Any, ...]:
    value: tuple[Any, ...] = ()
    for _ in range(depth):
        value = (value,)
    return value


@given(st.one_of(st.integers(), st.none(), st.floats(allow_nan=False), st.tuples(st.integers()),
                 st.frozensets(st.integers(), max_size=3), st.just(_nested_tuple(100_000)), st.builds(Shouting)),
       st.sampled_from([str, bytes]))
def test_a_key_that_is_not_text_is_named_by_its_type_never_by_its_str(key: Any, kind: type[Any]) -> None:
    fields = entry(kind)
    fields[key] = "x"
    with pytest.raises(EventValidationError) as info:
        codec.decode(fields)
    (problem,) = info.value.problems
    assert (problem.path, problem.kind) == ("", "field_type")
    assert problem.message.endswith(f"not {type(key).__name__}")


#: The largest entry read: 1 MiB, and the room the writer may add to an event read within 1 MiB.
LIMIT = (1 << 20) + 4096


def _filled(kind: type[Any], total: int, char: str = "x") -> dict[Any, Any]:
    """The logout entry with an unknown field ``note`` whose value brings the entry to ``total`` bytes (UTF-8)."""
    fields = entry(kind)
    base = sum(len(key) + len(value) for key, value in entry(bytes).items()) + len("note")
    value = char * ((total - base) // len(char.encode()))
    assert base + len(value.encode()) == total
    fields["note" if kind is str else b"note"] = value if kind is str else value.encode()
    return fields


@pytest.mark.parametrize("kind", [str, bytes])
def test_an_entry_of_at_most_the_limit_is_read(kind: type[Any]) -> None:
    # JSON whitespace takes room in an entry and none in to_json: this one is read, its event being small.
    spaced = entry(str)
    room = LIMIT - sum(len(key) + len(value) for key, value in spaced.items()) - len("extra") - len('{"note":"x"}')
    spaced["payload"] = spaced["payload"][:-1] + " " * (room // 2) + "}"
    spaced["extra"] = '{"note":"x"' + " " * (room - room // 2) + "}"
    assert sum(len(key) + len(value) for key, value in spaced.items()) == LIMIT
    fields = spaced if kind is str else {key.encode(): value.encode() for key, value in spaced.items()}
    assert codec.decode(fields).model_extra == {"note": "x"}
    # Its room taken by a note instead, the entry is read, and its event written in more than 1 MiB: refused.
    with pytest.raises(EventValidationError) as caught:
        codec.decode(_filled(kind, LIMIT))
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [("", "too_large")]
    assert "as to_json writes it" in caught.value.problems[0].message


@pytest.mark.parametrize(("kind", "char", "over"), [(str, "x", 1), (bytes, "x", 1), (str, "é", 2), (bytes, "é", 2),
                                                    (str, "x", 10 * LIMIT), (bytes, "x", 10 * LIMIT)])
def test_an_entry_over_the_limit_is_too_large(kind: type[Any], char: str, over: int) -> None:
    fields = _filled(kind, LIMIT + over, char)
    assert problems(fields) == [("", "too_large")]
    assert problems({key: memoryview(value) for key, value in fields.items()} if kind is bytes else fields,
                    strict=True) == [("", "too_large")]


@pytest.mark.parametrize("kind", [str, bytes])
@pytest.mark.parametrize("name", [*REQUIRED, "format", "extra", "x" * (LIMIT + 1)])
def test_a_field_of_10_mb_is_too_large_whatever_its_name_or_bytes(kind: type[Any], name: str) -> None:
    fields = entry(kind)
    fields[name if kind is str else name.encode()] = "\udcff" * (10 * LIMIT) if kind is str else b"\xff" * (10 * LIMIT)
    assert problems(fields) == [("", "too_large")]


def test_an_event_parse_event_reads_is_read_back_from_its_entry() -> None:
    # The writer adds the null of each optional field left out and quotes money read as a number: a document of
    # exactly 1 MiB is written in a few dozen bytes more, and parse_event refuses it; one that to_json writes in
    # exactly 1 MiB is read, and read back from its entry.
    import json
    from decimal import Decimal

    from thrilldrops_events import parse_event, to_json

    payload = {"provider_id": "a", "game_id": "g", "gameround_id": "r", "currency": "USD", "game_bet": 7,
               "bonus_bet": 7, "real_bet": 7, "jackpot_bet": 7, "game_win": 7, "jackpot_win": 7,
               "is_free_spin": True, "round_finished": True}
    document = {"operator_id": "o", "brand_id": "b", "player_id": "p", "timestamp": 1,
                "event_type": {"Transaction": payload}, "note": ""}
    base = len(json.dumps(document, separators=(",", ":")).replace('":7,', '":7e2,'))
    document["note"] = "x" * ((1 << 20) - base)
    raw = json.dumps(document, separators=(",", ":")).replace('":7,', '":7e2,').encode()
    assert len(raw) == 1 << 20
    with pytest.raises(EventValidationError) as caught:
        parse_event(raw)
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [("", "too_large")]
    grown = len(to_json(parse_event(json.loads(raw, parse_float=Decimal)))) - len(raw)
    assert grown > 0
    envelope = parse_event(raw.replace(b"x" * grown, b"", 1))
    assert len(to_json(envelope)) == 1 << 20
    assert codec.decode(codec.encode(envelope)) == envelope


@pytest.mark.parametrize("char", ["x", "é", "\U0001f600"])
def test_an_envelope_too_large_for_any_consumer_is_refused_by_encode(char: str) -> None:
    # Built in Python, an envelope has no size limit; every consumer would dead-letter its entry as too_large,
    # so encode (and publish with it) refuses it instead, by the reader's own measure (to_json's UTF-8 bytes).
    from thrilldrops_events import to_json

    document = LOGOUT.model_dump()
    # The room for the largest note a consumer reads:
    room = (1 << 20) - len(to_json(Envelope.model_validate({**document, "note": ""})))
    fits = Envelope.model_validate({**document, "note": char * (room // len(char.encode()))})
    assert codec.decode(codec.encode(fits)) == fits
    with pytest.raises(EventValidationError) as caught:
        codec.encode(Envelope.model_validate({**document, "note": char * (room // len(char.encode()) + 1)}))
    assert [(problem.path, problem.kind) for problem in caught.value.problems] == [("", "too_large")]
