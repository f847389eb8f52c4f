"""The fast exact reader: msgspec decodes and checks, then the models are built directly, without re-validation.

msgspec reads the whole document in one decode with typed structs generated from the contract table
(``_structs``): JSON numbers for money arrive as their text through the float hook, never as floats, and
lengths, bounds, allowed values, JSON types and unknown fields are checked in C. The few rules msgspec
cannot state are checked after decoding (``_checks``), by a reader generated per event type
(``_builders``), which then makes the payload model and the envelope the way pydantic's
``model_construct`` makes them, minus its overhead: every value has been checked already.

Unknown fields: in strict mode a document holding any goes to the exact reader, which refuses it with
its paths. In lenient mode the document is decoded a second time, untyped (fractional numbers become
``JsonNumber`` values, exactly), to collect them; they are checked as the exact reader checks them
(bounded numbers, nesting, the number of values), and the keys of that tree are counted against the
document's colons (see below).

Whatever this reader cannot accept exactly, it leaves to the exact reader (``None``), which is the only
one that reports errors: a message never depends on the route. The test suite proves that whenever this
reader accepts a document, the exact reader accepts it too and gives the same event.
"""

from __future__ import annotations

from typing import Any

import msgspec

from thrilldrops_events._fields import payload_fields
from thrilldrops_events._numbers import EVENT_DECIMAL_CONTEXT, MAX_NUMBER_DIGITS
from thrilldrops_events._unknown import MAX_DEPTH, MAX_UNKNOWN_VALUES, PAYLOAD_DEPTH
from thrilldrops_events.codecs._builders import builder, envelope_reader, set_extra, set_fields_set
from thrilldrops_events.codecs._checks import LEFT_TO_THE_EXACT_READER
from thrilldrops_events.codecs._exact import JsonNumber
from thrilldrops_events.codecs._structs import ENVELOPE_NAMES, envelope_struct, payload_struct
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import EventPayload

__all__ = ["FastReader"]

# What makes the fast reader give way to the exact one; every other exception is a bug and propagates.
_GIVE_WAY = (msgspec.MsgspecError, ArithmeticError, ValueError, RecursionError)

_INTEGER_LIMIT = 10**MAX_NUMBER_DIGITS
# ``ArithmeticError`` for a number of more than 100 digits or an exponent no ``Decimal`` holds, as ``read_float``.
_within_bounds = EVENT_DECIMAL_CONTEXT.create_decimal
_ENVELOPE_KEYS = frozenset(ENVELOPE_NAMES)

# msgspec keeps only the last value of a duplicated key, and reads numbers it keeps as their text; the exact
# reader parses and bounds every number, duplicated or not. A document holds one colon per key, unless a key
# is duplicated, a string holds a colon or an unknown field is skipped: the colons of a document are counted
# against the keys read (in lenient mode, where unknown fields are skipped, against every key of the untyped
# tree when they differ), and only when they still differ is a value the exact reader refuses looked for. Such a
# value (a number of more than 100 digits, an exponent of 18 digits or more) holds a run of 18 digits, so a
# document with such a run anywhere (even in a string) goes to the exact reader, which gives the verdict. A
# long document is looked at first: msgspec would convert integers of thousands of digits (in time that grows
# with the square of their length) before any check.
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 18
_LONG_DOCUMENT = 4096
# The keys of an envelope besides its payload's: operator_id, brand_id, player_id, timestamp, event_type, the variant.
_ENVELOPE_KEY_COUNT = len(ENVELOPE_NAMES) + 1


astuple = msgspec.structs.astuple


def _bytes(raw: bytes | bytearray | str) -> bytes | bytearray:
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw


def _long_run(data: bytes | bytearray) -> bool:
    """Whether the document holds a run of 18 digits, where a number the exact reader refuses could be."""
    return data.translate(_DIGITS_AS_ZEROS).find(_LONG_RUN) >= 0  # find: cheaper than in


def _unknown(tree: object, known: frozenset[str], depth: int) -> tuple[dict[str, Any], int]:
    """The unknown fields of an object of the untyped tree, checked as the exact reader checks them; and its keys.

    The keys counted are the object's own and those of every object nested in its unknown fields, for the count
    of the document's keys against its colons (see ``FastReader``). One bounded walk, without recursion: nesting at
    most ``MAX_DEPTH`` deep, at most ``MAX_UNKNOWN_VALUES`` values, integers of at most 100 digits; a fractional
    number (its text as ``bytes``, from the tree's float hook) becomes a ``JsonNumber``, exactly, within the exact
    reader's bounds. It refuses any other, so the document is then left to the exact reader. msgspec has refused
    lone surrogates and text that is not UTF-8 already.
    """
    if not isinstance(tree, dict):
        raise ValueError(LEFT_TO_THE_EXACT_READER)
    keys = len(tree)
    if known.issuperset(tree):  # the usual case, in C: no unknown field in this object
        return {}, keys
    extra = {key: value for key, value in tree.items() if key not in known}
    stack: list[tuple[Any, int]] = [(extra, depth)]
    budget = MAX_UNKNOWN_VALUES
    while stack:
        container, level = stack.pop()
        budget -= len(container)
        if level >= MAX_DEPTH or budget < 0:
            raise ValueError(LEFT_TO_THE_EXACT_READER)
        for at, item in container.items() if type(container) is dict else enumerate(container):
            kind = type(item)
            if kind is dict:
                keys += len(item)
                stack.append((item, level + 1))
            elif kind is list:
                stack.append((item, level + 1))
            elif kind is bytes:
                container[at] = _json_number(item)
            elif kind is int and not -_INTEGER_LIMIT < item < _INTEGER_LIMIT:
                raise ValueError(LEFT_TO_THE_EXACT_READER)
    return extra, keys


def _json_number(text: bytes) -> JsonNumber:
    """A fractional number of an unknown field, as the exact reader reads it (``ArithmeticError`` where it refuses)."""
    number = JsonNumber(text.decode())
    _within_bounds(number)
    return number


class FastReader:
    """The fast reader of envelopes and payloads (one per process, built when the JSON codec is first used).

    Strict mode decodes with structs that refuse unknown fields; lenient mode with structs that skip them,
    and when the document holds more colons than the keys read, decodes it again, untyped, to keep them.
    """

    def __init__(self) -> None:
        self.builders = {member.value: builder(member)[0] for member in EventType}
        self.names = {member.value: frozenset(spec.name for spec in payload_fields(member)) for member in EventType}
        self.variants = {member.model: (member.value, self.names[member.value]) for member in EventType}
        # Money's JSON numbers arrive as their text (see _checks); unknown fields' as bytes, then JsonNumbers.
        # ``str.strip`` hands a number's text over unchanged (it holds no whitespace), cheaper to call than ``str``.
        options: dict[str, Any] = {"strict": True, "float_hook": str.strip}
        self.envelopes = {strict: msgspec.json.Decoder(envelope_struct(forbid=strict), **options).decode
                          for strict in (False, True)}
        readers = {member: envelope_reader(member)[0] for member in EventType}
        self.readers = {payload_struct(member, forbid=strict): read for member, read in readers.items()
                        for strict in (False, True)}
        self.payloads = {strict: {m.value: msgspec.json.Decoder(payload_struct(m, forbid=strict), **options)
                                  for m in EventType} for strict in (False, True)}
        self.tree = msgspec.json.Decoder(float_hook=str.encode)  # see _unknown

    def envelope(self, raw: bytes | bytearray | str, strict: bool) -> Envelope | None:
        """The envelope, or ``None`` if the exact reader must decide."""
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        if len(data) > _LONG_DOCUMENT and _long_run(data):
            return None
        try:
            wire = self.envelopes[strict](data)
            (struct,) = filter(None, astuple(wire.event_type))  # exactly one variant: UNSET is false, a struct true
            envelope, keys = self.readers[type(struct)](wire, struct, None if strict else {})
            colons = data.count(b":")
            if colons == keys:
                return envelope
            # Unknown fields, a duplicated key or a colon in a string. Lenient: every key is looked at.
            if not strict and self._adopt_unknown(envelope, data) == colons:
                return envelope
        except _GIVE_WAY:
            return None
        return None if _long_run(data) else envelope

    def _adopt_unknown(self, envelope: Envelope, data: bytes | bytearray) -> int:
        """Give an envelope read in lenient mode the unknown fields of its document; returns the document's keys.

        The document is decoded a second time, untyped. Its keys, counted in that tree, are its colons exactly
        when no key is duplicated and no string holds a colon: then no value was passed over.
        """
        tree, payload = self.tree.decode(data), envelope.payload
        name, names = self.variants[type(payload)]
        extra, keys = _unknown(tree, _ENVELOPE_KEYS, 0)
        if "payload" in extra:  # a reserved name: the exact reader refuses it
            raise ValueError(LEFT_TO_THE_EXACT_READER)
        variants = tree["event_type"]
        payload_extra, payload_keys = _unknown(variants[name], names, PAYLOAD_DEPTH)
        _adopt(payload, payload_extra)
        if extra:  # the envelope's fields set stays its five fields, as the exact reader makes it
            set_extra(envelope, extra)
        return keys + len(variants) + payload_keys

    def payload(self, event_type: EventType, raw: bytes | bytearray | str, strict: bool) -> EventPayload | None:
        """One payload of the given type, or ``None`` if the exact reader must decide."""
        data = _bytes(raw)
        if len(data) > _LONG_DOCUMENT and _long_run(data):
            return None
        name = event_type.value
        try:
            payload = self.builders[name](self.payloads[strict][name].decode(data), None if strict else {})
            colons = data.count(b":")
            if colons == len(payload.__pydantic_fields_set__):
                return payload
            if not strict:
                extra, keys = _unknown(self.tree.decode(data), self.names[name], PAYLOAD_DEPTH)
                _adopt(payload, extra)
                if keys == colons:
                    return payload
        except _GIVE_WAY:
            return None
        return None if _long_run(data) else payload


def _adopt(model: EventPayload, extra: dict[str, Any]) -> None:
    """Give a payload read without its unknown fields those fields (pydantic counts them as set too)."""
    if extra:
        set_extra(model, extra)
        set_fields_set(model, model.__pydantic_fields_set__.union(extra))
