"""``POST /conditions/check`` and ``POST /conditions/eval`` over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from thrilldrops_events import CampaignSet, compile_condition, parse_event
from thrilldrops_events.errors import ConditionError
from thrilldrops_events.http import serve_in_thread
from thrilldrops_events.http.app import event_app

DEPOSIT = {"operator_id": "op-1", "brand_id": "brand-7", "player_id": "p-1", "timestamp": 1777852800,
           "event_type": {"Deposit": {"method_id": "visa", "currency": "EUR", "amount": "25.10"}}}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with serve_in_thread(event_app()) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _post(http: httpx.Client, path: str, document: Any) -> httpx.Response:
    return http.post(path, content=json.dumps(document), headers={"content-type": "application/json"})


@pytest.mark.parametrize("condition", ['amount >= 20 and currency == "EUR"', "amount>=20", "event.timestamp > 0",
                                       {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"},
                                                                                          {"number": "20"}]}}])
def test_check_answers_the_canonical_text_json_form_and_fields(http: httpx.Client, condition: Any) -> None:
    compiled = compile_condition(condition, "Deposit")
    answer = _post(http, "/conditions/check", {"condition": condition, "event_type": "Deposit"})
    assert answer.status_code == 200
    assert answer.json() == {"event_type": "Deposit", "text": compiled.text, "json": compiled.to_json(),
                             "fields": list(compiled.fields), "needs_envelope": compiled.needs_envelope,
                             "context": {}}


def test_check_with_context_declarations(http: httpx.Client) -> None:
    answer = _post(http, "/conditions/check", {"condition": "amount >= ctx.min", "event_type": "Deposit",
                                               "context": {"min": "number?"}})
    assert (answer.status_code, answer.json()["context"]) == (200, {"min": "number?"})


@pytest.mark.parametrize("text", ["amout >= 20", "amount >= ", "amount >= 20 and\n  currency == EUR", "(" * 200 + "1"])
def test_a_bad_condition_is_a_400_with_line_column_and_caret(http: httpx.Client, text: str) -> None:
    with pytest.raises(ConditionError) as expected:
        compile_condition(text, "Deposit")
    answer = _post(http, "/conditions/check", {"condition": text, "event_type": "Deposit"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    (problem,) = answer.json()["problems"]
    error = expected.value
    assert problem["message"] == error.message
    assert problem["path"] == "condition"
    assert problem["kind"] == "condition_" + type(error).__name__[len("Condition"):-len("Error")].lower()
    assert (problem.get("line"), problem.get("column"), problem.get("caret")) == (error.line, error.column,
                                                                                   error.caret or None)
    assert problem.get("suggestion") == getattr(error, "suggestion", None)


def test_a_bad_json_form_names_its_path_in_the_request(http: httpx.Client) -> None:
    form = {"version": 1, "condition": {"op": ">=", "args": [{"field": "amount"}, {"nmber": "20"}]}}
    answer = _post(http, "/conditions/check", {"condition": form, "event_type": "Deposit"})
    assert answer.status_code == 400
    assert answer.json()["problems"][0]["path"].startswith("condition.condition.args.1")


@pytest.mark.parametrize(("document", "paths"), [
    ({}, ["condition", "event_type"]),
    ({"condition": 5, "event_type": "Deposits"}, ["condition", "event_type"]),
    ({"condition": "amount > 1", "event_type": "Deposit", "context": ["x"]}, ["context"]),
    ([1, 2], [""]),
])
def test_a_malformed_request_is_a_400_with_every_problem(http: httpx.Client, document: Any, paths: list[str]) -> None:
    answer = _post(http, "/conditions/check", document)
    assert answer.status_code == 400
    assert [p["path"] for p in answer.json()["problems"]] == paths
    count = len(paths)
    assert answer.json()["detail"] == f"{count} problem{'s' if count != 1 else ''} in the request"


def test_unknown_event_type_suggests_the_closest(http: httpx.Client) -> None:
    answer = _post(http, "/conditions/check", {"condition": "amount > 1", "event_type": "Depositt"})
    assert "did you mean 'Deposit'?" in answer.json()["problems"][0]["message"]


def test_malformed_json_and_media_type(http: httpx.Client) -> None:
    broken = http.post("/conditions/check", content=b'{"condition": ', headers={"content-type": "application/json"})
    assert (broken.status_code, broken.json()["problems"][0]["kind"]) == (400, "json_invalid")
    assert http.post("/conditions/eval", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415


def test_eval_answers_each_result_and_its_explanation(http: httpx.Client) -> None:
    condition = 'amount >= 20 and currency == "EUR"'
    small = json.loads(json.dumps(DEPOSIT))
    small["event_type"]["Deposit"]["amount"] = 5.5  # a JSON number, read exactly
    other = dict(DEPOSIT, event_type={"PlayerLogout": {"channel_type": "MobileWeb"}})
    events = [DEPOSIT, small, other, {"operator_id": "op-1"}]
    answer = _post(http, "/conditions/eval", {"condition": condition, "event_type": "Deposit", "events": events})
    assert answer.status_code == 200
    document = answer.json()
    assert document["text"] == condition
    results = document["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    campaigns = CampaignSet()
    campaigns.add("condition", "Deposit", condition)
    for result, raw in zip(results[:3], events[:3], strict=True):
        explanation = campaigns.explain("condition", parse_event(json.dumps(raw)))
        assert result["matched"] is explanation.matched
        assert _render(result["explanation"]) == explanation.render()
    assert [r.get("matched") for r in results] == [True, False, False, None]
    assert results[3]["problems"][0]["path"] == "events.3.brand_id"


def _render(node: dict[str, Any], depth: int = 0) -> str:
    shown = "true" if node["value"] else "false"
    detail = ", ".join(f"{o['expression']} = {o['value']}" for o in node["operands"])
    lines = [f"{'  ' * depth}{node['text']}: {shown}" + (f"  ({detail})" if detail else "")]
    lines += [_render(child, depth + 1) for child in node["children"]]
    return "\n".join(lines)


def test_eval_with_context_values_and_a_missing_one(http: httpx.Client) -> None:
    request = {"condition": "amount >= ctx.min", "event_type": "Deposit", "context": {"min": "number"},
               "event": DEPOSIT, "ctx": {"min": 25.1}}
    answer = _post(http, "/conditions/eval", request)
    assert [r["matched"] for r in answer.json()["results"]] == [True]
    missing = _post(http, "/conditions/eval", dict(request, ctx={}))
    (problem,) = missing.json()["results"][0]["problems"]
    assert (problem["path"], problem["kind"]) == ("events.0", "condition_evaluation")


def test_eval_needs_events_and_bounds_them(http: httpx.Client) -> None:
    base = {"condition": "amount > 1", "event_type": "Deposit"}
    assert _post(http, "/conditions/eval", base).json()["problems"][0]["path"] == "events"
    many = _post(http, "/conditions/eval", dict(base, events=[DEPOSIT] * 1001))
    assert (many.status_code, many.json()["problems"][0]["kind"]) == (400, "too_many_events")
