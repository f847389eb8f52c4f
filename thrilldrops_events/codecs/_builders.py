"""The fast decoder's builders and envelope readers: Python functions generated per event type from the field view.

A builder takes the payload's decoded struct, checks what msgspec could not (``_checks``), and makes the
payload model directly, the way pydantic's ``model_construct`` does minus its overhead; an envelope reader
does the same with the envelope's fields too, checked with the payload's, then makes the envelope. Each is
written out field by field, from the fields of the model and the constraints of their kinds, so that no loop,
lookup or call is spent on a field that needs nothing. The source only ever names the model's own
fields (written with ``repr``) and the helpers below: nothing from a document reaches it.

The generated function of a ``Deposit`` reads, for instance::

    def build(struct, extra):
        v_method_id, v_currency, v_amount, v_balance_after, = astuple(struct)
        absent = ()
        if v_balance_after is UNSET:
            v_balance_after = None
            absent += ('balance_after',)
        if (strip(v_method_id) != v_method_id):
            raise ValueError(LEFT)
        v_currency = CURRENCY(v_currency) or currency(v_currency)
        try:
            m = AMOUNT(v_amount)
            v_amount = amount(v_amount) if m is None else m
            if v_balance_after is not None:
                m = AMOUNT(v_balance_after)
                v_balance_after = money(v_balance_after, True) if m is None else m
        except TypeError:  # an array or an object: not money
            raise ValueError(LEFT)
        payload = new(BLANK)
        payload.__dict__ = {
            'method_id': v_method_id,
            'currency': v_currency,
            'amount': v_amount,
            'balance_after': v_balance_after,
        }
        payload.__pydantic_fields_set__ = fields_set_of(absent) if absent else ALL
        payload.__pydantic_extra__ = extra
        payload.__pydantic_private__ = None
        payload.__class__ = MODEL
        return payload
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from msgspec import UNSET
from pydantic import BaseModel, SecretStr

from thrilldrops_events._fields import ENVELOPE_FIELDS, FieldSpec, payload_fields
from thrilldrops_events.codecs._checks import (
    AMOUNT,
    CURRENCY,
    LEFT_TO_THE_EXACT_READER,
    amount,
    currency,
    money,
)
from thrilldrops_events.enums import EventType
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import EventPayload
from thrilldrops_events.events._base import ContractModel

__all__ = ["Builder", "EnvelopeReader", "builder", "envelope_reader", "new_model", "set_extra", "set_fields_set"]

#: ``build(struct, extra)``: the payload model of a decoded struct, with ``extra`` as its unknown fields (``None``
#: in strict mode, as pydantic leaves them when it refuses them; an empty ``dict`` in lenient mode, where the
#: fast reader adopts them afterwards); raises ``ValueError`` if the exact reader must decide.
Builder = Callable[[msgspec.Struct, "dict[str, Any] | None"], EventPayload]
#: ``read(wire, struct, extra)``: the envelope of a decoded envelope struct and its payload's struct (``extra`` as
#: for a ``Builder``), and the number of keys the structs read (see ``_fast``); raises ``ValueError`` if the
#: exact reader must decide.
EnvelopeReader = Callable[[msgspec.Struct, msgspec.Struct, "dict[str, Any] | None"], tuple[Envelope, int]]

_ENVELOPE_FIELDS_SET = frozenset(Envelope.model_fields)

_new = object.__new__


class _Blank(ContractModel):
    """What a generated reader makes a model from: a model of no fields with ``object``'s own attribute stores.

    The models' ``__setattr__`` (pydantic's, refusing to change a frozen model) leaves a reader only the slots'
    descriptors to call, one call per slot. A ``_Blank`` takes the same values as plain attribute stores (the
    interpreter's cheapest), then becomes the model by assigning its class: every model has ``_Blank``'s layout
    (``ContractModel``'s: pydantic's slots, a ``__dict__`` and weak references, none added by a subclass). What
    it has become is the model as ``model_construct`` makes it, nothing of ``_Blank`` left.
    """

    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


#: Set a model's fields set, or its unknown fields, through pydantic's own slots (the models are frozen).
set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__


def new_model(model: type[Any], values: dict[str, Any], fields_set: frozenset[str],
              extra: dict[str, Any] | None) -> Any:
    """A model of already checked values, made as ``model_construct`` makes it, with a shared fields-set.

    The models are frozen, so one ``frozenset`` serves every instance with the same fields set. Made
    as the generated readers make theirs: a ``_Blank`` given pydantic's slots, then the model's class.
    """
    instance: Any = _new(_Blank)
    instance.__dict__ = values
    instance.__pydantic_fields_set__ = fields_set
    instance.__pydantic_extra__ = extra
    instance.__pydantic_private__ = None
    instance.__class__ = model
    return instance


def _money_lines(specs: list[FieldSpec]) -> list[str]:
    """The ``Decimal`` of each amount: one C call for an amount (>= 0) read lately, else ``amount`` or ``money``.

    An amount read lately is a plain one (>= 0), which a signed field accepts too, as the same ``Decimal``.
    """
    if not specs:
        return []
    lines = []
    for spec in specs:
        value, indent = f"v_{spec.name}", "            " if spec.nullable else "        "
        other = f"money({value}, True)" if spec.constraints.signed else f"amount({value})"
        lines += [f"        if {value} is not None:"] if spec.nullable else []
        lines += [f"{indent}m = AMOUNT({value})", f"{indent}{value} = {other} if m is None else m"]
    return ["    try:", *lines, "    except TypeError:  # an array or an object: not money",
            "        raise ValueError(LEFT)"]


def _identifier_lines(specs: tuple[FieldSpec, ...], envelope: tuple[str, ...] = ()) -> list[str]:
    """The whitespace check of the identifiers (``envelope``: the envelope's, checked with the payload's).

    One condition over every identifier, each compared with itself stripped: ``str.strip`` returns the very
    string when it has nothing to strip, so a comparison costs one C call and no copy.
    """
    required = [*envelope, *(f"v_{s.name}" for s in specs if s.kind == "identifier" and not s.nullable)]
    tests = [f"strip({value}) != {value}" for value in required]
    tests += [f"v_{s.name} is not None and strip(v_{s.name}) != v_{s.name}"
              for s in specs if s.kind == "identifier" and s.nullable]
    if not tests:
        return []
    lines = [f"    if ({tests[0]}", *(f"            or {test}" for test in tests[1:])]
    return [*lines[:-1], f"{lines[-1]}):", "        raise ValueError(LEFT)"]


def _lines(specs: tuple[FieldSpec, ...], envelope: tuple[str, ...] = ()) -> list[str]:
    """The checks and conversions of each field, in the order of the model, and the payload made of them.

    Each field's value is a local variable, ``v_`` and its name; ``envelope`` as for ``_identifier_lines``.
    """
    local = {spec.name: f"v_{spec.name}" for spec in specs}
    lines = [f"    {''.join(f'{local[s.name]}, ' for s in specs)}= astuple(struct)"]
    nullable = [s for s in specs if s.nullable]
    lines += ["    absent = ()"] if nullable else []
    for spec in nullable:
        lines += [f"    if {local[spec.name]} is UNSET:", f"        {local[spec.name]} = None",
                  f"        absent += ({spec.name!r},)"]
    lines += _identifier_lines(specs, envelope)
    for spec in (s for s in specs if s.kind == "currency"):
        value, indent = local[spec.name], "        " if spec.nullable else "    "
        lines += [f"    if {value} is not None:"] if spec.nullable else []
        lines += [f"{indent}{value} = CURRENCY({value}) or currency({value})"]
    lines += _money_lines([s for s in specs if s.constraints.integer_digits is not None])
    for spec in (s for s in specs if s.kind == "secret"):
        value = local[spec.name]
        lines += [f"    if {value} is not None:", f"        {value} = SecretStr({value})"]
    fields_set = "fields_set_of(absent) if absent else ALL" if nullable else "ALL"
    values = [f"        {spec.name!r}: {local[spec.name]}," for spec in specs]
    return [*lines, *_made("payload", values, fields_set, "extra", "MODEL")]


def _made(name: str, values: list[str], fields_set: str, extra: str, model: str) -> list[str]:
    """The lines making a model of checked values: a ``_Blank`` given pydantic's slots, then the model's class."""
    return [f"    {name} = new(BLANK)", f"    {name}.__dict__ = {{", *values, "    }",
            f"    {name}.__pydantic_fields_set__ = {fields_set}", f"    {name}.__pydantic_extra__ = {extra}",
            f"    {name}.__pydantic_private__ = None", f"    {name}.__class__ = {model}"]


def _envelope_lines(specs: tuple[FieldSpec, ...]) -> list[str]:
    """The body of an envelope reader: the envelope's fields, the payload's (``_lines``), then the envelope.

    The envelope's values are the local variables ``e_`` and their names (a payload may have a field of the
    same name, such as ``player_id``). It returns the envelope and the number of keys read: the envelope's five,
    its variant's and the payload's present fields.
    """
    names = [spec.name for spec in ENVELOPE_FIELDS]
    if any(spec.nullable for spec in ENVELOPE_FIELDS) or [*names, "payload"] != list(Envelope.model_fields):
        raise TypeError("the envelope reader expects the envelope's fields, none nullable, then the payload")
    ids = tuple(f"e_{spec.name}" for spec in ENVELOPE_FIELDS if spec.kind == "identifier")
    values = [f"        {name!r}: e_{name}," for name in names]
    keys = len(names) + 2 + len(specs)  # and event_type, and the variant
    counted = f"{keys} - len(absent)" if any(spec.nullable for spec in specs) else f"{keys}"
    return [f"    {''.join(f'e_{name}, ' for name in names)}_ = astuple(wire)", *_lines(specs, ids),
            *_made("envelope", [*values, "        'payload': payload,"], "ENVELOPE_FIELDS_SET", "{}", "ENVELOPE"),
            f"    return envelope, {counted}"]


def _compile(event_type: EventType, source: str, name: str) -> Any:
    specs = payload_fields(event_type)
    names = frozenset(spec.name for spec in specs)
    fields_sets: dict[tuple[str, ...], frozenset[str]] = {(): names}

    def fields_set_of(absent: tuple[str, ...]) -> frozenset[str]:
        """The fields set when ``absent`` are absent: one frozenset shared by every such payload (models are frozen)."""
        return fields_sets.setdefault(absent, names.difference(absent))

    namespace: dict[str, Any] = {
        "__builtins__": {"len": len, "ValueError": ValueError, "TypeError": TypeError},
        "astuple": msgspec.structs.astuple, "UNSET": UNSET, "strip": str.strip, "LEFT": LEFT_TO_THE_EXACT_READER,
        "CURRENCY": CURRENCY, "currency": currency, "AMOUNT": AMOUNT, "amount": amount, "money": money,
        "SecretStr": SecretStr, "MODEL": event_type.model, "ENVELOPE": Envelope,
        "ALL": names, "fields_set_of": fields_set_of, "ENVELOPE_FIELDS_SET": _ENVELOPE_FIELDS_SET, "new": _new,
        "BLANK": _Blank,
    }
    exec(compile(source, f"<{name} of {event_type.value}>", "exec", dont_inherit=True), namespace)
    return namespace[name]


def builder(event_type: EventType) -> tuple[Builder, str]:
    """Generate the builder of an event type's payload; returns it and its source (for inspection)."""
    lines = _lines(payload_fields(event_type))
    source = "\n".join(["def build(struct, extra):", *lines, "    return payload"]) + "\n"
    build: Builder = _compile(event_type, source, "build")
    return build, source


def envelope_reader(event_type: EventType) -> tuple[EnvelopeReader, str]:
    """Generate the reader of an envelope holding an event type's payload; returns it and its source."""
    lines = _envelope_lines(payload_fields(event_type))
    source = "\n".join(["def read(wire, struct, extra):", *lines]) + "\n"
    read: EnvelopeReader = _compile(event_type, source, "read")
    return read, source
