"""Conditions over HTTP, for campaign editors: ``POST /conditions/check`` and ``POST /conditions/eval``.

Both take a JSON object naming the ``condition`` (its text, or its JSON form) and the ``event_type``,
with optional ``context`` declarations (``{"vip_level": "number"}``). ``check`` answers the canonical
text, the JSON form and the fields read; ``eval`` also takes ``events`` (envelopes) and ``ctx`` values
and answers, for each event, whether it matches and why (the explanation tree). A condition that does
not compile is a ``400`` whose problem carries the line, column and caret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from thrilldrops_events._suggest import closest
from thrilldrops_events.campaigns import CampaignSet, Explanation
from thrilldrops_events.codecs.json import decode as parse_event
from thrilldrops_events.conditions import CompiledCondition, compile_condition
from thrilldrops_events.enums import EventType
from thrilldrops_events.errors import ConditionError, EventValidationError, Problem
from thrilldrops_events.http._body import BODY_TIMEOUT, JSON_TYPES, check_media_type, read_limited
from thrilldrops_events.http._problem_details import (
    PROBLEM_MEDIA_TYPE,
    condition_problem,
    dumps,
    problem_document,
    problem_headers,
    validation_document,
)

__all__ = ["MAX_EVAL_EVENTS", "condition_routes"]

#: The most events one ``POST /conditions/eval`` request may hold.
MAX_EVAL_EVENTS = 1000
_CAMPAIGN_ID = "condition"
_EVENT_TYPES = tuple(member.value for member in EventType)


def _invalid(path: str, message: str, kind: str) -> EventValidationError:
    return EventValidationError([Problem(path, message, kind)])


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not valid JSON")


def _read_request(body: bytes) -> dict[str, Any]:
    """The request document, read exactly (numbers with a fraction become ``Decimal``)."""
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=_refuse)
    except RecursionError:
        raise _invalid("", "JSON is nested too deeply", "too_deep") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _invalid("", f"malformed JSON: {error}", "json_invalid") from None
    if not isinstance(document, dict):
        raise _invalid("", "must be a JSON object", "not_an_object")
    problems = []
    condition = document.get("condition")
    if not isinstance(condition, (str, dict)):
        problems.append(Problem("condition", "required: the condition text, or its JSON form (an object)",
                                "missing" if condition is None else "condition_type"))
    event_type = document.get("event_type")
    if not isinstance(event_type, str):
        problems.append(Problem("event_type", "required: an event type name such as \"Deposit\"", "missing"))
    elif event_type not in _EVENT_TYPES:
        close = closest(event_type, _EVENT_TYPES)
        hint = f"; did you mean {close!r}?" if close else f"; expected one of {', '.join(_EVENT_TYPES)}"
        problems.append(Problem("event_type", f"unknown event type {event_type!r}{hint}", "unknown_variant"))
    context = document.get("context")
    if context is not None and not (isinstance(context, dict) and all(isinstance(v, str) for v in context.values())):
        problems.append(Problem("context", "must map each context name to its type, such as \"number\"",
                                "context_type"))
    if problems:
        raise EventValidationError(problems)
    return document


def _compile(document: Mapping[str, Any]) -> CompiledCondition:
    return compile_condition(document["condition"], document["event_type"], context=document.get("context") or None)


def _described(condition: CompiledCondition) -> dict[str, Any]:
    return {
        "event_type": condition.event_type.value,
        "text": condition.text,
        "json": condition.to_json(),
        "fields": list(condition.fields),
        "needs_envelope": condition.needs_envelope,
        "context": {name: str(value_type) for name, value_type in condition.context.items()},
    }


def explanation_tree(explanation: Explanation) -> dict[str, Any]:
    """An explanation as nested JSON objects: ``text``, ``value``, ``operands`` and ``children`` (no recursion)."""
    built: dict[int, dict[str, Any]] = {}
    stack: list[tuple[Explanation, bool]] = [(explanation, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
            continue
        built[id(node)] = {
            "text": node.text,
            "value": node.value,
            "operands": [{"expression": text, "value": value} for text, value in node.operands],
            "children": [built.pop(id(child)) for child in node.children],
        }
    return built[id(explanation)]


def _evaluate(document: Mapping[str, Any], strict: bool) -> dict[str, Any]:
    events = document.get("events")
    if events is None and "event" in document:
        events = [document["event"]]
    if not isinstance(events, list) or not events:
        raise _invalid("events", "required: a list of one or more envelopes (or one under \"event\")", "missing")
    if len(events) > MAX_EVAL_EVENTS:
        raise _invalid("events", f"at most {MAX_EVAL_EVENTS} events per request", "too_many_events")
    ctx = document.get("ctx")
    if ctx is not None and not isinstance(ctx, dict):
        raise _invalid("ctx", "must be an object of context values", "not_an_object")
    campaigns = CampaignSet(context=document.get("context") or None)
    condition = campaigns.add(_CAMPAIGN_ID, document["event_type"], document["condition"]).condition
    results = []
    for index, raw in enumerate(events):
        result: dict[str, Any] = {"index": index}
        try:
            envelope = parse_event(raw, strict=strict)
            explanation = campaigns.explain(_CAMPAIGN_ID, envelope, ctx=ctx)
        except EventValidationError as error:
            result["problems"] = [dict(p, path=f"events.{index}.{p['path']}".rstrip("."))
                                  for p in validation_document(error)["problems"]]
        except ConditionError as error:
            result["problems"] = [condition_problem(error, f"events.{index}")]
        else:
            result.update(matched=explanation.matched, explanation=explanation_tree(explanation))
        results.append(result)
    return {**_described(condition), "results": results}


def _answer(document: dict[str, Any]) -> Response:
    return Response(dumps(document), 200, media_type="application/json")


def _problem(document: dict[str, Any]) -> Response:
    return Response(dumps(document), document["status"], problem_headers(document), PROBLEM_MEDIA_TYPE)


def condition_routes(*, strict: bool, max_bytes: int, body_timeout: float = BODY_TIMEOUT) -> list[BaseRoute]:
    """The two routes: bodies read by ``read_limited`` (``max_bytes``, ``body_timeout``), events as ``strict`` says."""

    async def answer(request: Request, work: Any) -> Response:
        try:
            check_media_type(request, JSON_TYPES)
            document = _read_request(await read_limited(request, max_bytes, body_timeout))
            return _answer(await run_in_threadpool(work, document))
        except EventValidationError as error:  # the request document's problems (an event's are in its result)
            return _problem(validation_document(error, "the request"))
        except ConditionError as error:
            problem = condition_problem(error, "condition")
            return _problem(problem_document(400, "the condition does not compile", [problem]))
        except ClientDisconnect:
            return Response(status_code=400)

    async def check(request: Request) -> Response:
        return await answer(request, lambda document: _described(_compile(document)))

    async def evaluate(request: Request) -> Response:
        return await answer(request, lambda document: _evaluate(document, strict))

    return [
        Route("/conditions/check", check, methods=["POST"]),
        Route("/conditions/eval", evaluate, methods=["POST"]),
    ]
