"""thrilldrops-events: the typed, exact, validated ThrillDrops player events."""

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
