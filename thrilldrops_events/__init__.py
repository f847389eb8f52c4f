"""thrilldrops-events: the typed, exact, validated ThrillDrops player events.

Every public name is importable from here, with its type, and is loaded when first used: importing the
package itself loads almost nothing, and ``from thrilldrops_events import Envelope, parse_event`` loads the
models and the JSON codec, not the condition language or campaign sets.
"""

from importlib import import_module as _import_module
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from thrilldrops_events._readers import install_json_readers as _install_json_readers

if _TYPE_CHECKING:
    from thrilldrops_events.campaigns import Campaign, CampaignChange, CampaignSet, ConfigDiff, Explanation, SetStats
    from thrilldrops_events.codecs.json import MoneyFormat, ParsedLine, to_dict
    from thrilldrops_events.codecs.json import decode as parse_event
    from thrilldrops_events.codecs.json import decode_lines as parse_events
    from thrilldrops_events.codecs.json import decode_payload as parse_payload
    from thrilldrops_events.codecs.json import encode as to_json
    from thrilldrops_events.codecs.json import encode_lines as to_ndjson
    from thrilldrops_events.conditions import (
        CompiledCondition,
        FunctionRegistry,
        compile_condition,
        condition_from_json,
        condition_to_json,
        parse_condition,
    )
    from thrilldrops_events.dedup import dedup_key
    from thrilldrops_events.enums import ChannelType, EventType
    from thrilldrops_events.envelope import Envelope
    from thrilldrops_events.errors import (
        CampaignConfigError,
        CampaignError,
        ConditionError,
        ConditionEvaluationError,
        ConditionLimitError,
        ConditionSyntaxError,
        ConditionTypeError,
        EventValidationError,
        Problem,
        ThrillDropsError,
    )
    from thrilldrops_events.events import (
        Deposit,
        EventPayload,
        Payload,
        PlayerLogin,
        PlayerLogout,
        ThrillPotsOptInEvent,
        ThrillPotsRaffleWinEvent,
        ThrillPotsWinEvent,
        Transaction,
        Withdrawal,
    )
    from thrilldrops_events.types import CountryCode, CurrencyCode, Identifier, Money, SignedMoney, Timestamp

__version__ = "0.1.0"

# The JSON codec's names, under the codec's own names.
_CODEC = {"MoneyFormat": "MoneyFormat", "ParsedLine": "ParsedLine", "to_dict": "to_dict", "parse_event": "decode",
          "parse_events": "decode_lines", "parse_payload": "decode_payload", "to_json": "encode",
          "to_ndjson": "encode_lines"}
# The other names, by the module that defines them.
_MODULES = {
    "campaigns": ("Campaign", "CampaignChange", "CampaignSet", "ConfigDiff", "Explanation", "SetStats"),
    "conditions": ("CompiledCondition", "FunctionRegistry", "compile_condition", "condition_from_json",
                   "condition_to_json", "parse_condition"),
    "dedup": ("dedup_key",),
    "enums": ("ChannelType", "EventType"),
    "envelope": ("Envelope",),
    "errors": ("CampaignConfigError", "CampaignError", "ConditionError", "ConditionEvaluationError",
               "ConditionLimitError", "ConditionSyntaxError", "ConditionTypeError", "EventValidationError", "Problem",
               "ThrillDropsError"),
    "events": ("Deposit", "EventPayload", "Payload", "PlayerLogin", "PlayerLogout", "ThrillPotsOptInEvent",
               "ThrillPotsRaffleWinEvent", "ThrillPotsWinEvent", "Transaction", "Withdrawal"),
    "types": ("CountryCode", "CurrencyCode", "Identifier", "Money", "SignedMoney", "Timestamp"),
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}


# The models and their registry load together.
_MODELS = ("enums", "envelope", "events")


def _module_of(name: str) -> _ModuleType:
    """The module defining a public name."""
    module = "codecs.json" if name in _CODEC else _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'thrilldrops_events' has no attribute {name!r}")
    if module in _MODELS:
        for other in _MODELS:
            _import_module(f"thrilldrops_events.{other}")
    return _import_module(f"thrilldrops_events.{module}")


def __getattr__(name: str) -> _Any:
    """Load a public name, or a subpackage the package used to load with itself, when first used."""
    if name in _MODULES:  # ``thrilldrops_events.events`` without importing it first
        return _import_module(f"thrilldrops_events.{name}")
    if name == "codecs":  # and ``thrilldrops_events.codecs.json``, which the package used to load with itself
        _import_module("thrilldrops_events.codecs.json")
        return _import_module("thrilldrops_events.codecs")
    value = getattr(_module_of(name), _CODEC.get(name, name))
    globals()[name] = value
    return value


def _read_envelope(model: type, data: _Any, *, strict: bool) -> _Any:
    from thrilldrops_events.codecs import json

    return json.decode(data, strict=strict)


def _read_payload(model: _Any, data: _Any, *, strict: bool) -> _Any:
    from thrilldrops_events.codecs import json

    return json.decode_payload(model.event_type, data, strict=strict)


# The models' model_validate_json reads through the JSON codec (models never import a codec), loaded then.
_install_json_readers(envelope=_read_envelope, payload=_read_payload)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Campaign",
    "CampaignChange",
    "CampaignConfigError",
    "CampaignError",
    "CampaignSet",
    "ChannelType",
    "CompiledCondition",
    "ConditionError",
    "ConditionEvaluationError",
    "ConditionLimitError",
    "ConditionSyntaxError",
    "ConditionTypeError",
    "ConfigDiff",
    "CountryCode",
    "CurrencyCode",
    "Deposit",
    "Envelope",
    "EventPayload",
    "EventType",
    "EventValidationError",
    "Explanation",
    "FunctionRegistry",
    "Identifier",
    "Money",
    "MoneyFormat",
    "ParsedLine",
    "Payload",
    "PlayerLogin",
    "PlayerLogout",
    "Problem",
    "SetStats",
    "SignedMoney",
    "ThrillDropsError",
    "ThrillPotsOptInEvent",
    "ThrillPotsRaffleWinEvent",
    "ThrillPotsWinEvent",
    "Timestamp",
    "Transaction",
    "Withdrawal",
    "__version__",
    "compile_condition",
    "condition_from_json",
    "condition_to_json",
    "dedup_key",
    "parse_condition",
    "parse_event",
    "parse_events",
    "parse_payload",
    "to_dict",
    "to_json",
    "to_ndjson",
]
