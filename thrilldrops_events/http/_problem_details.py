"""RFC 9457 problem details: the error bodies of the HTTP edge, written by the app and read by the clients.

A document is a JSON object with ``type``, ``title``, ``status`` and ``detail``, and a ``problems``
member holding every [Problem][thrilldrops_events.Problem] as ``{"path", "kind", "message"}``, the
same problems, paths and kinds as the Python error. Messages come from the library's errors, which
never contain a session token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from thrilldrops_events.errors import ConditionError, EventValidationError, Problem

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "condition_problem",
    "dumps",
    "problem_document",
    "problem_headers",
    "problems_from_document",
    "status_of",
    "validation_document",
]

#: The media type of a problem details document.
PROBLEM_MEDIA_TYPE = "application/problem+json"

#: The problem kinds that are not answered with ``400 Bad Request``.
_STATUS_OF_KIND = {"body_timeout": 408, "too_large": 413, "unsupported_media_type": 415}


def dumps(document: object) -> bytes:
    """Compact UTF-8 JSON (``Decimal`` values are written as strings)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode()


#: Status phrases of RFC 9110 that older Pythons spell the old way.
_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


def _phrase(status: int) -> str:
    try:
        return _PHRASES.get(status) or HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_document(
    status: int, detail: str = "", problems: Iterable[Mapping[str, Any]] = (), **members: Any
) -> dict[str, Any]:
    """A problem details document (``type`` is ``about:blank``: the status says what kind of problem it is).

    Args:
        status: The HTTP status code.
        detail: What went wrong with this request, for a person.
        problems: The problems, as ``{"path", "kind", "message"}`` mappings (more members allowed).
        **members: Further extension members.
    """
    document: dict[str, Any] = {"type": "about:blank", "title": _phrase(status), "status": status}
    if detail:
        document["detail"] = detail
    listed = [dict(problem) for problem in problems]
    if listed:
        document["problems"] = listed
    document.update(members)
    return document


def _as_member(problem: Problem) -> dict[str, str]:
    return {"path": problem.path, "kind": problem.kind, "message": problem.message}


def status_of(error: EventValidationError) -> int:
    """The status for an invalid event: ``408`` body too slow, ``413`` too large, ``415`` not JSON, ``400`` else."""
    for problem in error.problems:
        status = _STATUS_OF_KIND.get(problem.kind)
        if status is not None:
            return status
    return 400


def validation_document(error: EventValidationError, subject: str = "event") -> dict[str, Any]:
    """The document of an [EventValidationError][thrilldrops_events.EventValidationError], its problems listed.

    With ``omitted`` (how many more it counted) if it did not list them all. ``subject`` is what the
    problems are in, for the ``detail`` ("2 problems in the request").
    """
    head = str(error).split("\n", 1)[0]
    if subject != "event":
        head = f"{head.removesuffix(' in event')} in {subject}"
    more = {"omitted": error.omitted} if error.omitted else {}
    return problem_document(status_of(error), head, [_as_member(p) for p in error.problems], **more)


def problem_headers(document: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """The headers of a problem's answer: ``headers``, and ``Connection: close`` after a ``408``.

    A ``408`` is answered before the body has all arrived: the connection is closed rather than kept for
    a next request behind the rest of a body that may never come (RFC 9110, section 15.5.9).
    """
    found = dict(headers or {})
    if document.get("status") == 408:
        found["Connection"] = "close"
    return found


def _condition_kind(error: ConditionError) -> str:
    """``condition_syntax``, ``condition_type``, ``condition_limit`` or ``condition_evaluation``, from the class."""
    name = type(error).__name__.removeprefix("Condition").removesuffix("Error")
    return f"condition_{name.lower()}" if name else "condition"


def condition_problem(error: ConditionError, path: str) -> dict[str, Any]:
    """One problem member for a condition error: path, kind and message, then line, column and caret.

    Args:
        error: The error.
        path: Where the condition is in the request (``condition``); a JSON form's own path is appended.
    """
    where = f"{path}.{error.path}" if error.path else path
    member: dict[str, Any] = {"path": where, "kind": _condition_kind(error), "message": error.message}
    if error.line is not None:
        member.update(line=error.line, column=error.column, caret=error.caret)
    suggestion = getattr(error, "suggestion", None)
    if suggestion is not None:
        member["suggestion"] = suggestion
    return member


def problems_from_document(document: object) -> tuple[tuple[Problem, ...], int]:
    """The problems of a document received from a server (members that are not problems are skipped).

    And how many more it says it left out: its ``omitted``, a whole number, else ``0``.
    """
    if not isinstance(document, Mapping):
        return (), 0
    omitted = document.get("omitted")
    omitted = omitted if type(omitted) is int and omitted > 0 else 0
    listed = document.get("problems")
    if not isinstance(listed, list):
        return (), omitted
    found = []
    for item in listed:
        if isinstance(item, Mapping):
            found.append(Problem(str(item.get("path", "")), str(item.get("message", "")), str(item.get("kind", ""))))
    return tuple(found), omitted
