"""The fast exact reader: msgspec decodes and checks, then the models are built directly, without re-validation.

msgspec reads the JSON with typed structs generated from the contract table (``_structs``): JSON numbers
for money become exact ``Decimal`` values through the float hook, never floats, and lengths, bounds,
allowed values, JSON types and unknown fields are checked in C. The few rules msgspec cannot state are
checked after decoding (``_checks``). Then the payload model and the envelope are made the way pydantic's
``model_construct`` makes them, minus its overhead: every value has been checked already.

Unknown fields: in strict mode a document holding any goes to the exact reader, which refuses it with
its paths. In lenient mode the document is decoded a second time, untyped (with the same exact number
hook), to collect them; they are checked as the exact reader checks them (bounded integers, nesting,
the number of values) and their fractional numbers become ``JsonNumber`` values.

Whatever this reader cannot accept exactly, it leaves to the exact reader (``None``), which is the only
one that reports errors: a message never depends on the route. The test suite proves that whenever this
reader accepts a document, the exact reader accepts it too and gives the same event.
"""

from __future__ import annotations

from typing import Any

import msgspec

from thrilldrops_events._fields import payload_fields
from thrilldrops_events._numbers import read_float
from thrilldrops_events._unknown import PAYLOAD_DEPTH
from thrilldrops_events.codecs._builders import builder, new_model
from thrilldrops_events.codecs._checks import LEFT_TO_THE_EXACT_READER, TEXTS, TEXTS_KEPT, NumberText
from thrilldrops_events.codecs._exact import adopt_unknown_fields, needs_exact_route
from thrilldrops_events.codecs._structs import ENVELOPE_NAMES, envelope_struct, payload_struct
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import EventPayload

__all__ = ["FastReader"]

# What makes the fast reader give way to the exact one; every other exception is a bug and propagates.
_GIVE_WAY = (msgspec.MsgspecError, ArithmeticError, ValueError, RecursionError)

_ENVELOPE_FIELDS_SET = frozenset(Envelope.model_fields)
_ENVELOPE_KEYS = frozenset(ENVELOPE_NAMES)

# msgspec keeps only the last value of a duplicated key, and reads numbers it keeps as their text: the exact
# reader parses and bounds every number, duplicated or not. A document without unknown fields holds exactly
# one colon per key of the event (msgspec refused any other key), unless a key is duplicated or a string holds
# a colon; only then is a value the exact reader refuses looked for. Such a value (a number of more than 100
# digits, an exponent of 18 digits or more) holds a run of 18 digits, so a document with such a run anywhere
# (even in a string) goes to the exact reader, which gives the verdict. The same look is taken at every
# document with unknown fields, and it spares msgspec integers of thousands of digits, which it would convert
# (in time that grows with the square of their length) before any check.
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 18
# The keys of an envelope besides its payload's: operator_id, brand_id, player_id, timestamp, event_type, the variant.
_ENVELOPE_KEY_COUNT = len(ENVELOPE_NAMES) + 1


def _beyond_fast(raw: bytes | bytearray | str, keys: int | None = None) -> bool:
    """Whether the document may hide a value the exact reader refuses (see above); ``keys``: how many it has."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if keys is not None and data.count(b":") == keys:
        return False
    return _LONG_RUN in data.translate(_DIGITS_AS_ZEROS)


def _unknown(tree: object, known: frozenset[str], depth: int, path: str) -> dict[str, Any]:
    """The unknown fields of an object of the untyped tree, checked as the exact reader checks them."""
    if not isinstance(tree, dict):
        raise ValueError(LEFT_TO_THE_EXACT_READER)
    extra = {key: value for key, value in tree.items() if key not in known}
    if extra:
        if needs_exact_route(extra, depth):  # an integer of more than 100 digits, too deep, too many values
            raise ValueError(LEFT_TO_THE_EXACT_READER)
        adopt_unknown_fields(extra, depth, path, mark=True)  # fractional numbers become JsonNumber
    return extra


class FastReader:
    """The fast reader of envelopes and payloads (one per process, built when the JSON codec is first used)."""

    def __init__(self) -> None:
        self.builders = {member.value: builder(member)[0] for member in EventType}
        self.names = {member.value: frozenset(spec.name for spec in payload_fields(member)) for member in EventType}
        # Money's JSON numbers arrive as their text (see _checks); unknown fields' as exact Decimals.
        options: dict[str, Any] = {"strict": True, "float_hook": NumberText}
        self.envelope_forbid = msgspec.json.Decoder(envelope_struct(forbid=True), **options)
        self.envelope_skip = msgspec.json.Decoder(envelope_struct(forbid=False), **options)
        self.tree = msgspec.json.Decoder(float_hook=read_float)
        self.payload_forbid = {m.value: msgspec.json.Decoder(payload_struct(m, forbid=True), **options)
                               for m in EventType}
        self.payload_skip = {m.value: msgspec.json.Decoder(payload_struct(m, forbid=False), **options)
                             for m in EventType}

    def envelope(self, raw: bytes | bytearray | str, strict: bool) -> Envelope | None:
        """The envelope, or ``None`` if the exact reader must decide."""
        tree: Any = None
        try:
            try:
                wire = self.envelope_forbid.decode(raw)
            except msgspec.ValidationError as error:
                if strict or "unknown field" not in str(error) or _beyond_fast(raw):
                    return None
                wire, tree = self.envelope_skip.decode(raw), self.tree.decode(raw)
            ((name, body),) = wire.event_type.items()
            if len(TEXTS) > TEXTS_KEPT:
                TEXTS.clear()
            operator, brand = wire.operator_id, wire.brand_id
            ids = (TEXTS.setdefault(operator, operator), TEXTS.setdefault(brand, brand), wire.player_id)
            extra: dict[str, Any] = {}
            if tree is None:
                try:
                    payload = self.builders[name](self.payload_forbid[name].decode(body), None if strict else {}, ids)
                except msgspec.ValidationError as error:
                    if strict or "unknown field" not in str(error) or _beyond_fast(raw):
                        return None
                    tree = self.tree.decode(raw)
            else:
                extra = _unknown(tree, _ENVELOPE_KEYS, 0, "")
                if "payload" in extra:  # a reserved name: the exact reader refuses it
                    return None
            if tree is not None:
                payload = self._with_unknown(name, body, tree["event_type"][name], ids)
            values = {"operator_id": ids[0], "brand_id": ids[1], "player_id": ids[2], "timestamp": wire.timestamp,
                      "payload": payload}
            envelope: Envelope = new_model(Envelope, values, _ENVELOPE_FIELDS_SET, extra)
        except _GIVE_WAY:
            return None
        if tree is None and _beyond_fast(raw, _ENVELOPE_KEY_COUNT + len(payload.__pydantic_fields_set__)):
            return None
        return envelope

    def _with_unknown(self, name: str, body: Any, tree: object, ids: tuple[str, ...]) -> EventPayload:
        """A payload of an envelope that has unknown fields (its own, the envelope's or both)."""
        extra = _unknown(tree, self.names[name], PAYLOAD_DEPTH, f"event_type.{name}")
        return self.builders[name](self.payload_skip[name].decode(body), extra, ids)

    def payload(self, event_type: EventType, raw: bytes | bytearray | str, strict: bool) -> EventPayload | None:
        """One payload of the given type, or ``None`` if the exact reader must decide."""
        name = event_type.value
        try:
            try:
                payload = self.builders[name](self.payload_forbid[name].decode(raw), None if strict else {}, ())
            except msgspec.ValidationError as error:
                if strict or "unknown field" not in str(error) or _beyond_fast(raw):
                    return None
                struct = self.payload_skip[name].decode(raw)
                return self.builders[name](struct, _unknown(self.tree.decode(raw), self.names[name], PAYLOAD_DEPTH,
                                                            ""), ())
            return None if _beyond_fast(raw, len(payload.__pydantic_fields_set__)) else payload
        except _GIVE_WAY:
            return None
