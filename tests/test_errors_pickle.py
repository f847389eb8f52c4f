"""Every exception of the library survives pickling (multiprocessing, task queues) with its message and data."""

from __future__ import annotations

import copy
import pickle

import pytest

from thrilldrops_events import errors
from thrilldrops_events.errors import Problem
from thrilldrops_events.http import SendResult

PROBLEMS = [Problem("event_type.Deposit.amount", "must be >= 0", "money_negative"), Problem("", "bad", "json_invalid")]

EXAMPLES: list[errors.ThrillDropsError] = [
    errors.ThrillDropsError("plain"),
    errors.EventValidationError(PROBLEMS * 15, line=7),
    errors.ConditionError("cannot compile"),
    errors.ConditionSyntaxError("expected an operator", source="amount >= 20 AND x", offset=13),
    errors.ConditionTypeError("unknown field 'amout'", suggestion="amount", path="condition.args.0"),
    errors.ConditionLimitError("too deep", limit="max_depth", maximum=100, source="((x))", offset=1),
    errors.ConditionEvaluationError("ctx.vip is missing"),
    errors.CampaignError("duplicate campaign id 'a'", campaign_id="a", kind="duplicate_id"),
    errors.CampaignConfigError(PROBLEMS, ["a", None]),
    errors.SchemaSetError("no schemas in x/"),
    errors.StreamConfigError("max_deliveries must be >= 1"),
    errors.StreamDurabilityError(["1-0", "2-0"], replicas=2, acknowledged=1),
    errors.StreamBackpressureError("workers", lag=5000, published=12),
    errors.EventRejectedError(400, PROBLEMS * 15, title="Bad Request", detail="invalid event", omitted=3),
    errors.EventDeliveryError("http://127.0.0.1:1/event", 3, "connection refused", status=503),
    errors.ClientClosedError("EventClient"),
    errors.SendInterruptedError([SendResult(0, 202, 1), SendResult(1, 202, 2, "1-0")], "ValueError: not JSON"),
]


def test_every_class_has_an_example() -> None:
    classes = {getattr(errors, name) for name in errors.__all__} - {Problem}
    assert {type(error) for error in EXAMPLES} == classes


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda error: type(error).__name__)
def test_pickled_and_copied_errors_keep_their_message_and_data(error: errors.ThrillDropsError) -> None:
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.args == error.args
        assert vars(again) == vars(error)
