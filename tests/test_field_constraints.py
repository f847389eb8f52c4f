"""Every engine agrees with the contract table: the types, the JSON Schemas, the strategies, the checker, the docs."""

from __future__ import annotations

import re
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

from thrilldrops_events._countries import COUNTRY_CODES
from thrilldrops_events._fields import _KINDS, ENVELOPE_FIELDS, KIND_CONSTRAINTS, KIND_RULES, FieldSpec, payload_fields
from thrilldrops_events.conditions.valuetypes import KIND_TYPES
from thrilldrops_events.enums import ChannelType, EventType
from thrilldrops_events.schema import all_json_schemas
from thrilldrops_events.testing import field_values

TYPES: dict[str, Any] = {kind: annotation for annotation, kind in _KINDS}


def _accepts(kind: str, value: Any) -> bool:
    try:
        TypeAdapter(TYPES[kind]).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("kind", ["identifier", "text", "currency", "secret"])
def test_string_lengths_are_the_types_bounds(kind: Any) -> None:
    constraints = KIND_CONSTRAINTS[kind]
    assert constraints.max_length is not None
    assert _accepts(kind, "a" * constraints.max_length)
    assert not _accepts(kind, "a" * (constraints.max_length + 1))
    if constraints.min_length:
        assert _accepts(kind, "a" * constraints.min_length)
        assert not _accepts(kind, "a" * (constraints.min_length - 1))
    assert str(constraints.max_length) in KIND_RULES[kind]


def test_timestamp_bounds_are_the_types() -> None:
    constraints = KIND_CONSTRAINTS["timestamp"]
    assert constraints.minimum == 0 and constraints.maximum is not None
    assert _accepts("timestamp", constraints.maximum) and not _accepts("timestamp", constraints.maximum + 1)
    assert _accepts("timestamp", constraints.minimum) and not _accepts("timestamp", constraints.minimum - 1)


def test_money_bounds_are_the_types() -> None:
    constraints = KIND_CONSTRAINTS["money"]
    assert constraints.integer_digits is not None and constraints.scale is not None and constraints.max_text
    largest = "9" * constraints.integer_digits + "." + "9" * constraints.scale
    assert _accepts("money", largest)
    assert not _accepts("money", "1" + "0" * constraints.integer_digits)
    assert not _accepts("money", "0." + "0" * constraints.scale + "1")
    assert _accepts("money", "0" * (constraints.max_text - 1) + "1")
    assert not _accepts("money", "0" * constraints.max_text + "1")
    signed = KIND_CONSTRAINTS["signed_money"]
    assert (signed.integer_digits, signed.scale, signed.max_text) == (constraints.integer_digits, constraints.scale,
                                                                      constraints.max_text)
    assert signed.signed and not constraints.signed


def test_allowed_values_are_the_types() -> None:
    assert KIND_CONSTRAINTS["channel"].values == tuple(c.value for c in ChannelType)
    assert set(KIND_CONSTRAINTS["country"].values or ()) == set(COUNTRY_CODES)
    assert all(_accepts("country", code) for code in COUNTRY_CODES)
    assert all(_accepts("channel", value) for value in KIND_CONSTRAINTS["channel"].values or ())


# -- the pydantic types ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["identifier", "currency", "country"])
def test_the_types_patterns_are_the_tables(kind: Any) -> None:
    metadata = typing.get_args(TYPES[kind])[1:]
    patterns = [str(item.pattern) for item in metadata if isinstance(item, StringConstraints) and item.pattern]
    assert patterns == [KIND_CONSTRAINTS[kind].pattern]


# -- the JSON Schemas --------------------------------------------------------------------------------------------


def _field_schemas() -> list[tuple[str, FieldSpec, dict[str, Any]]]:
    found = []
    for file_name, schema in all_json_schemas().items():
        bodies = [schema, *schema.get("$defs", {}).values()]
        for body in bodies:
            fields = ENVELOPE_FIELDS if body["title"] == "Envelope" else payload_fields(body["title"])
            specs = {spec.name: spec for spec in fields}
            for name, field in body.get("properties", {}).items():
                if name in specs and "oneOf" not in field:
                    found.append((file_name, specs[name], field))
    return found


def test_every_schema_keyword_is_the_tables() -> None:
    checked = 0
    for file_name, spec, field in _field_schemas():
        limits = spec.constraints
        if "pattern" in field:
            assert field["pattern"] == limits.pattern, (file_name, spec.name)
            checked += 1
        for keyword, value in (("minLength", limits.min_length), ("maxLength", limits.max_length or limits.max_text),
                               ("minimum", limits.minimum), ("maximum", limits.maximum)):
            if keyword in field:
                assert field[keyword] == value, (file_name, spec.name, keyword)
        if "enum" in field:
            assert [v for v in field["enum"] if v is not None] == list(limits.values or ()), (file_name, spec.name)
        types = field["type"] if isinstance(field["type"], list) else [field["type"]]
        assert {t for t in types if t != "null"} <= set(limits.json_types), (file_name, spec.name)
        assert ("null" in types) == spec.nullable
    assert checked > 100


# -- the strategies ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KIND_CONSTRAINTS))
def test_values_just_outside_the_tables_bounds_are_refused(kind: Any) -> None:
    from thrilldrops_events.testing import _out_of_bounds

    for value in _out_of_bounds(kind):
        assert not _accepts(kind, value), value


@settings(max_examples=50)
@given(st.data())
def test_the_strategies_values_keep_the_tables_rules(data: st.DataObject) -> None:
    for event_type in EventType:
        for spec in payload_fields(event_type):
            value = data.draw(field_values(spec))
            if value is None:
                assert spec.nullable
                continue
            limits = spec.constraints
            if isinstance(value, str) and spec.kind != "channel":
                if limits.pattern is not None:
                    assert re.fullmatch(limits.pattern[1:-1], value), (spec.name, value)
                assert (limits.min_length or 0) <= len(value) <= (limits.max_length or len(value))
            if limits.values is not None:
                assert str(value) in limits.values
            if spec.kind == "timestamp":
                assert (limits.minimum or 0) <= value <= (limits.maximum or 0)


# -- the condition checker and the docs ------------------------------------------------------------------------


def test_the_checkers_types_are_the_tables() -> None:
    for kind, limits in KIND_CONSTRAINTS.items():
        assert (KIND_TYPES[kind].base if kind in KIND_TYPES else None) == limits.condition_type


def test_the_docs_rule_column_is_the_tables() -> None:
    from thrilldrops_events._docs import render_event_page

    for event_type in EventType:
        page = render_event_page(event_type)
        rules = page.split("\n## Rules\n", 1)[1]
        for spec in payload_fields(event_type):
            # Each field links to its kind's rule, stated once at the end of the page.
            assert f"`{spec.name}`\n:   [{spec.kind.replace('_', ' ')}](#rule-{spec.kind.replace('_', '-')})" in page
            assert f'<span id="rule-{spec.kind.replace("_", "-")}"></span>' in rules
            assert f":   {' '.join(spec.constraints.rule.split())}" in rules


# -- the fast reader ---------------------------------------------------------------------------------------------


def _msgspec_types() -> list[tuple[FieldSpec, Any]]:
    import msgspec

    from thrilldrops_events.codecs._structs import payload_struct

    found = []
    for event_type in EventType:
        info = msgspec.inspect.type_info(payload_struct(event_type, forbid=True))
        assert isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields
        specs = {spec.name: spec for spec in payload_fields(event_type)}
        assert [field.name for field in info.fields] == list(specs)  # the model's fields, in its order
        for field in info.fields:
            kind = field.type
            if isinstance(kind, msgspec.inspect.UnionType):  # nullable: the value's type or null (or absent)
                (kind,) = [t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)]
                assert specs[field.name].nullable
            found.append((specs[field.name], kind))
    return found


def test_the_fast_readers_types_are_the_tables() -> None:
    import msgspec

    for spec, kind in _msgspec_types():
        limits = spec.constraints
        match kind:
            case msgspec.inspect.StrType():
                assert (kind.min_length or 0, kind.max_length) == (limits.min_length or 0, limits.max_length)
            case msgspec.inspect.LiteralType():
                assert kind.values == limits.values
            case msgspec.inspect.EnumType():
                assert tuple(member.value for member in kind.cls) == limits.values
            case msgspec.inspect.IntType():
                assert (kind.ge, kind.le) == (limits.minimum, limits.maximum)
            case msgspec.inspect.BoolType():
                assert limits.json_types == ("boolean",)
            case msgspec.inspect.AnyType():  # money: read from its text after decoding
                assert limits.integer_digits is not None
            case _:  # pragma: no cover - a kind the fast reader does not know
                raise AssertionError((spec, kind))


@pytest.mark.parametrize("kind", ["identifier", "currency"])
def test_the_fast_readers_string_checks_are_the_tables_pattern(kind: str) -> None:
    """Every code point at an identifier's ends, in a currency: the fast reader accepts only what the pattern does."""
    from thrilldrops_events.codecs._checks import currency_ok, identifiers_ok

    pattern = re.compile(KIND_CONSTRAINTS[kind].pattern or "")
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (f"a{chr(code)}", f"{chr(code)}a") if kind == "identifier" else (f"E{chr(code)}R",):
            fast = identifiers_ok((text,)) if kind == "identifier" else currency_ok(text) is not None
            if fast:  # the fast reader may leave more to the exact reader, never accept more
                assert pattern.fullmatch(text), (kind, hex(code))
