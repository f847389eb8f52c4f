"""The fast decoder's builders: one generated Python function per event type, from the field view.

A builder takes the payload's decoded struct, checks what msgspec could not (``_checks``), and makes the
payload model directly, the way pydantic's ``model_construct`` does minus its overhead. It is written
out field by field, from the fields of the model and the constraints of their kinds, so that no loop,
lookup or call is spent on a field that needs nothing. The source only ever names the model's own
fields (written with ``repr``) and the helpers below: nothing from a document reaches it.

The generated function of a ``Deposit`` reads, for instance::

    def build(struct, extra, ids):
        v_method_id, v_currency, v_amount, v_balance_after, = astuple(struct)
        absent = ()
        if v_balance_after is UNSET:
            v_balance_after = None
            absent += ('balance_after',)
        texts = (*ids, v_method_id, )
        if tuple(map(strip, texts)) != texts:
            raise ValueError(LEFT)
        if currency_ok(v_currency) is None:
            raise ValueError(LEFT)
        v_currency = share(v_currency, v_currency)
        (v_amount, ) = amounts((v_amount, ))
        if v_balance_after is not None:
            v_balance_after = money(v_balance_after, True)
        fields_set = FIELDS_SETS.get(absent)
        if fields_set is None:
            fields_set = fields_set_of(absent)
        if extra:  # pydantic counts unknown fields as set too
            fields_set = fields_set.union(extra)
        payload = new(MODEL)
        set_dict(payload, {
            'method_id': v_method_id,
            'currency': v_currency,
            'amount': v_amount,
            'balance_after': v_balance_after,
        })
        set_fields_set(payload, fields_set)
        set_extra(payload, extra)
        set_private(payload, None)
        return payload
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from msgspec import UNSET
from pydantic import BaseModel, SecretStr

from thrilldrops_events._fields import FieldSpec, payload_fields
from thrilldrops_events.codecs._checks import LEFT_TO_THE_EXACT_READER, TEXTS, amounts, currency_ok, money
from thrilldrops_events.enums import EventType
from thrilldrops_events.events import EventPayload

__all__ = ["Builder", "builder", "new_model"]

#: ``build(struct, extra, ids)``: the payload model of a decoded struct, its unknown fields (``None`` in strict
#: mode, as pydantic leaves them when it refuses them) and the envelope's identifiers (checked with the
#: payload's); raises ``ValueError`` if the exact reader must decide.
Builder = Callable[[msgspec.Struct, "dict[str, Any] | None", tuple[str, ...]], EventPayload]

_new = object.__new__
# pydantic's slots, set through their descriptors: cheaper than a setattr by name.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def new_model(model: type[Any], values: dict[str, Any], fields_set: frozenset[str],
              extra: dict[str, Any] | None) -> Any:
    """A model of already checked values, made as ``model_construct`` makes it, with a shared fields-set.

    The models are frozen, so one ``frozenset`` serves every instance with the same fields set.
    """
    instance = _new(model)
    _set_dict(instance, values)
    _set_fields_set(instance, fields_set)
    _set_extra(instance, extra)
    _set_private(instance, None)
    return instance


def _lines(specs: tuple[FieldSpec, ...]) -> list[str]:
    """The body of a builder: the checks and conversions of each field, in the order of the model.

    Each field's value is a local variable, ``v_`` and its name.
    """
    local = {spec.name: f"v_{spec.name}" for spec in specs}
    lines = [f"    {''.join(f'{local[s.name]}, ' for s in specs)}= astuple(struct)", "    absent = ()"]
    for spec in (s for s in specs if s.nullable):
        lines += [f"    if {local[spec.name]} is UNSET:", f"        {local[spec.name]} = None",
                  f"        absent += ({spec.name!r},)"]
    required = "".join(f"{local[s.name]}, " for s in specs if s.kind == "identifier" and not s.nullable)
    lines.append(f"    texts = (*ids, {required})")
    for spec in (s for s in specs if s.kind == "identifier" and s.nullable):
        lines += [f"    if {local[spec.name]} is not None:", f"        texts += ({local[spec.name]},)"]
    lines += ["    if tuple(map(strip, texts)) != texts:", "        raise ValueError(LEFT)"]
    for spec in (s for s in specs if s.kind == "currency"):
        value = local[spec.name]
        present = f"{value} is not None and " if spec.nullable else ""
        lines += [f"    if {present}currency_ok({value}) is None:", "        raise ValueError(LEFT)",
                  f"    {value} = share({value}, {value})"]
    money_specs = [s for s in specs if s.constraints.integer_digits is not None]
    together = [s for s in money_specs if not (s.nullable or s.constraints.signed)]
    if together:
        targets = "".join(f"{local[s.name]}, " for s in together)
        lines.append(f"    ({targets}) = amounts(({targets}))")
    for spec in (s for s in money_specs if s not in together):
        value = local[spec.name]
        lines += [f"    if {value} is not None:", f"        {value} = money({value}, {spec.constraints.signed!r})"]
    for spec in (s for s in specs if s.kind == "secret"):
        value = local[spec.name]
        lines += [f"    if {value} is not None:", f"        {value} = SecretStr({value})"]
    values = [f"        {spec.name!r}: {local[spec.name]}," for spec in specs]
    return [*lines, "    fields_set = FIELDS_SETS.get(absent)", "    if fields_set is None:",
            "        fields_set = fields_set_of(absent)", "    if extra:  # pydantic counts unknown fields as set too",
            "        fields_set = fields_set.union(extra)", "    payload = new(MODEL)",
            "    set_dict(payload, {", *values, "    })", "    set_fields_set(payload, fields_set)",
            "    set_extra(payload, extra)", "    set_private(payload, None)", "    return payload"]


def builder(event_type: EventType) -> tuple[Builder, str]:
    """Generate the builder of an event type's payload; returns it and its source (for inspection)."""
    specs = payload_fields(event_type)
    names = frozenset(spec.name for spec in specs)
    fields_sets: dict[tuple[str, ...], frozenset[str]] = {(): names}

    def fields_set_of(absent: tuple[str, ...]) -> frozenset[str]:
        """The fields set when ``absent`` are absent: one frozenset shared by every such payload (models are frozen)."""
        return fields_sets.setdefault(absent, names.difference(absent))

    source = "\n".join(["def build(struct, extra, ids):", *_lines(specs)]) + "\n"
    namespace: dict[str, Any] = {
        "__builtins__": {"tuple": tuple, "map": map, "ValueError": ValueError}, "astuple": msgspec.structs.astuple,
        "UNSET": UNSET, "strip": str.strip, "LEFT": LEFT_TO_THE_EXACT_READER, "currency_ok": currency_ok,
        "share": TEXTS.setdefault, "amounts": amounts, "money": money, "SecretStr": SecretStr,
        "MODEL": event_type.model, "new": _new,
        "FIELDS_SETS": fields_sets, "fields_set_of": fields_set_of, "set_dict": _set_dict,
        "set_fields_set": _set_fields_set, "set_extra": _set_extra, "set_private": _set_private,
    }
    exec(compile(source, f"<builder of {event_type.value}>", "exec", dont_inherit=True), namespace)
    build: Builder = namespace["build"]
    return build, source
