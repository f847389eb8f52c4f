"""The library's exceptions: one root; every leaf is also a built-in exception, ``ValueError`` for most.

```text
ThrillDropsError
├── EventValidationError (ValueError)   an event, payload or stream entry is not valid
├── ConditionError (ValueError)         a campaign condition cannot be compiled or evaluated
│   ├── ConditionSyntaxError            the text (or JSON form) is not a condition: line, column, caret
│   ├── ConditionTypeError              it does not fit the event schema: unknown field, type mismatch
│   ├── ConditionLimitError             it is too long, too large or nested too deeply
│   └── ConditionEvaluationError        the event or context passed at evaluation time does not fit
├── CampaignError (ValueError)          a campaign set cannot do it: duplicate or unknown id, bad scope
│   └── CampaignConfigError             campaigns loaded from JSON: every bad entry, with its id
├── SchemaSetError (ValueError)         a directory of schemas is missing, empty or holds malformed JSON
├── StreamConfigError (ValueError)      a stream consumer was given an impossible setting
├── StreamDurabilityError (TimeoutError) a durable publish was not confirmed by enough replicas in time
├── StreamBackpressureError (TimeoutError) a publish waited too long for a consumer group to catch up
├── EventRejectedError (ValueError)     an HTTP receiver refused an event (4xx): the server's problems
├── EventDeliveryError (ConnectionError) an event could not be delivered over HTTP, even after retries
├── ClientClosedError (RuntimeError)    an HTTP client was asked to send after it was closed
└── SendInterruptedError (RuntimeError) send_many stopped part-way: the results of the events sent so far
```

Every exception class of the library is defined here and drawn above (a test keeps the drawing
true); other modules import them from here. Catch ``ThrillDropsError`` for anything this library raises, or
``ValueError`` if you do not want to import from us. The exceptions to ``ValueError`` are failures of a
network or a server, not bad values: the two stream timeouts (``TimeoutError``) and ``EventDeliveryError``
(``ConnectionError``); and two states of an HTTP client's sending (``RuntimeError``): it is closed
(``ClientClosedError``), or a ``send_many`` stopped part-way (``SendInterruptedError``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from typing_extensions import Unpack

from thrilldrops_events._text import SHOWN_NAME, shown

__all__ = [
    "CampaignConfigError", "CampaignError", "ClientClosedError", "ConditionError", "ConditionEvaluationError",
    "ConditionLimitError", "ConditionSyntaxError", "ConditionTypeError", "EventDeliveryError", "EventRejectedError",
    "EventValidationError", "Problem", "SchemaSetError", "SendInterruptedError", "StreamBackpressureError",
    "StreamConfigError", "StreamDurabilityError", "ThrillDropsError",
]


class ThrillDropsError(Exception):
    """The root of every exception raised on purpose by thrilldrops-events."""

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled as its message and attributes, so that it unpickles whatever its constructor takes.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[ThrillDropsError], args: tuple[object, ...], state: dict[str, object]) -> ThrillDropsError:
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


# Characters that would end or garble a line of an error's text, each shown as its JSON escape (``\n``,
# ``\u2028``) where a path holds one: a key of the input (an unknown field's name) can never forge a line.
_LINE_BREAKERS = {code: f"\\u{code:04x}" for code in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}
_LINE_BREAKERS.update({ord("\b"): "\\b", ord("\t"): "\\t", ord("\n"): "\\n", ord("\f"): "\\f", ord("\r"): "\\r"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        path: Where the problem is, as a dotted JSON path (``event_type.Deposit.amount``);
            ``""`` for the document as a whole. List indexes appear as numbers (``tags.2``).
        message: What is wrong, for a person. Never contains a secret such as a session token.
        kind: A stable machine-readable name for the problem (``missing``, ``unknown_field``,
            ``money_float``, ``json_invalid``, ...).
    """

    path: str
    message: str
    kind: str

    def __str__(self) -> str:
        """``path: message``, each part of the path longer than 64 characters cut (``...``), ``.path`` kept whole."""
        path = self.path if isinstance(self.path, str) else "" if self.path is None else repr(self.path)
        if len(path) > SHOWN_NAME:
            path = ".".join(map(shown, path.split(".")))
        return f"{path.translate(_LINE_BREAKERS) or '<document>'}: {self.message}"


def _capped(problems: Iterable[Problem], omitted: int, most: int) -> tuple[tuple[Problem, ...], int]:
    """The first ``most`` problems, and how many are left out (``omitted`` of them were already)."""
    listed = tuple(problems)
    return listed[:most], omitted + max(0, len(listed) - most)


def _listing(problems: tuple[Problem, ...], omitted: int) -> list[str]:
    """The lines of an error's message that list its problems, and say how many more there are."""
    more = [f"  ... and {omitted} more problem{'s' if omitted != 1 else ''}"] if omitted else []
    return [*(f"  {problem}" for problem in problems), *more]


class EventValidationError(ThrillDropsError, ValueError):
    """An event (envelope, payload or stream entry) failed validation.

    Every problem found is reported at once, each with its JSON path, up to
    [max_problems][thrilldrops_events.EventValidationError.max_problems]; the problems beyond are counted in
    ``omitted``, so a hostile document cannot make the error huge.

    Attributes:
        problems: The problems, in document order (at most ``max_problems``).
        line: The 1-based line number when the event came from NDJSON input, else ``None``.
        omitted: How many more problems were found and not listed (``0`` usually).
    """

    #: The most problems one error lists; the message ends with "... and N more problems" beyond.
    max_problems = 20

    def __init__(self, problems: Iterable[Problem], *, line: int | None = None, omitted: int = 0) -> None:
        self.problems, self.omitted = _capped(problems, omitted, self.max_problems)
        self.line = line
        where = f"line {line}: " if line is not None else ""
        count = len(self.problems) + self.omitted
        head = f"{where}{count} problem{'s' if count != 1 else ''} in event"
        super().__init__("\n".join([head, *_listing(self.problems, self.omitted)]))

    def with_line(self, line: int) -> EventValidationError:
        """Return a copy of this error that names the NDJSON line it came from."""
        return EventValidationError(self.problems, line=line, omitted=self.omitted)

    @property
    def paths(self) -> tuple[str, ...]:
        """The JSON paths of the problems listed, in order."""
        return tuple(p.path for p in self.problems)


class _Where(TypedDict, total=False):
    """Where a condition error is: the keywords of ``ConditionError`` after the message."""

    source: str | None
    offset: int | None
    path: str | None


class ConditionError(ThrillDropsError, ValueError):
    """A campaign condition cannot be compiled, or cannot be evaluated on what it was given.

    Attributes:
        message: What is wrong, without the position.
        source: The condition text, when the problem is in text (``None`` for the JSON form).
        line: The 1-based line of the problem in ``source``, or ``None``.
        column: The 1-based column (in characters) of the problem in ``source``, or ``None``.
        path: Where the problem is in the JSON form (dotted: ``condition.args.1``, cut to 200 in the text) or ``None``.
    """

    def __init__(self, message: str, *, source: str | None = None, offset: int | None = None,
                 path: str | None = None) -> None:
        self.message = message
        self.source = source
        self.path = path
        self.line: int | None = None
        self.column: int | None = None
        if source is not None and offset is not None:
            offset = max(0, min(offset, len(source)))
            self.line = source[:offset].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1  # \r\n, \r, \n
            self.column = offset - max(source.rfind("\n", 0, offset), source.rfind("\r", 0, offset))
        super().__init__(self.render())

    @property
    def caret(self) -> str:
        """The line of the condition holding the problem with a ``^`` under it (``""`` without a position)."""
        if self.source is None or self.line is None or self.column is None:
            return ""
        text = self.source.replace("\r\n", "\n").replace("\r", "\n").split("\n")[self.line - 1]
        start = max(0, self.column - 1 - 60)
        shown = text[start : start + 120].translate(dict.fromkeys((*range(32), 127, 133, 8232, 8233), "?") | {9: " "})
        if not shown.isascii():  # a lone surrogate in the source is shown as "?", so the message stays text
            shown = shown.encode("utf-8", "replace").decode("utf-8")
        prefix = "..." if start else ""
        suffix = "..." if start + 120 < len(text) else ""
        pad = " " * (len(prefix) + self.column - 1 - start)
        return f"  {prefix}{shown}{suffix}\n  {pad}^"

    def render(self) -> str:
        """The full message: the position, what is wrong, and the caret rendering."""
        if self.line is not None:
            head = f"line {self.line}, column {self.column}: {self.message}"
        elif self.path:
            head = f"{self.path if len(self.path) <= 200 else self.path[:98] + '...' + self.path[-99:]}: {self.message}"
        else:
            head = self.message
        caret = self.caret
        return f"{head}\n{caret}" if caret else head


class ConditionSyntaxError(ConditionError):
    """The condition text, or its JSON form, is not a well-formed condition."""


class ConditionTypeError(ConditionError):
    """The condition does not fit the event schema: an unknown field, a type mismatch, a value not in an enum.

    Attributes:
        suggestion: The closest valid alternative (such as ``amount`` for ``amout``), or ``None``.
    """

    def __init__(self, message: str, *, suggestion: str | None = None, **where: Unpack[_Where]) -> None:
        self.suggestion = suggestion
        super().__init__(message, **where)


class ConditionLimitError(ConditionError):
    """The condition exceeds one of its [Limits][thrilldrops_events.conditions.Limits].

    Attributes:
        limit: The name of the limit exceeded (a field of ``Limits``, such as ``max_depth``).
        maximum: The value of that limit.
    """

    def __init__(self, message: str, *, limit: str, maximum: int, **where: Unpack[_Where]) -> None:
        self.limit = limit
        self.maximum = maximum
        super().__init__(message, **where)


class ConditionEvaluationError(ConditionError):
    """A compiled condition was called with an event or a context it cannot evaluate.

    For example a payload of another event type, a bare payload for a condition that reads
    ``event.*`` (it needs the envelope), or a context value that is missing or of the wrong type.
    """


class CampaignError(ThrillDropsError, ValueError):
    """A campaign set cannot do what was asked: a duplicate campaign id, an id it does not hold, a bad scope.

    Attributes:
        campaign_id: The campaign id concerned, or ``None``.
        kind: ``duplicate_id``, ``unknown_id``, ``invalid_id``, ``invalid_scope``, ``invalid_name``,
            ``invalid_tags``, ``invalid_window``, ``invalid_field`` (an engine field), ``invalid_campaign``
            (a malformed change given to ``apply``: an unknown kind, no event type or condition), or
            ``invalid_config`` (for [CampaignConfigError][thrilldrops_events.CampaignConfigError]).
    """

    def __init__(self, message: str, *, campaign_id: str | None = None, kind: str = "invalid_campaign") -> None:
        self.campaign_id = campaign_id
        self.kind = kind
        super().__init__(message)


class CampaignConfigError(CampaignError):
    """Campaigns loaded from JSON hold bad entries; every one is reported at once.

    Attributes:
        problems: One per problem, in entry order; each ``path`` starts with the entry's index in the
            list (``3.condition``, ``5.brand_id``), and its message names the entry's id when it has one.
        campaign_ids: The id of the entry of each problem (``None`` when the entry has no valid id).
    """

    def __init__(self, problems: Iterable[Problem], campaign_ids: Iterable[str | None]) -> None:
        self.problems = tuple(problems)
        self.campaign_ids = tuple(campaign_ids)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the campaign configuration"
        lines = [head, *(f"  {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines), kind="invalid_config")


class SchemaSetError(ThrillDropsError, ValueError):
    """A directory of schemas could not be read (missing, empty, or holding malformed JSON)."""


class StreamConfigError(ThrillDropsError, ValueError):
    """A stream consumer was given an impossible setting (an empty stream name, ``max_deliveries=0``...)."""


class StreamDurabilityError(ThrillDropsError, TimeoutError):
    """A durable publish wrote its entries, but fewer replicas than asked confirmed them in time.

    The entries are on the stream's master; they are lost if the master fails before its replicas
    copy them. Publishing them again is safe for consumers that de-duplicate (``dedup_key``).

    Attributes:
        entry_ids: The ids of the entries written but not confirmed.
        replicas: How many replicas were asked to confirm.
        acknowledged: How many did (``WAIT``'s answer).
    """

    def __init__(self, entry_ids: Iterable[str], replicas: int, acknowledged: int) -> None:
        self.entry_ids, self.replicas, self.acknowledged = tuple(entry_ids), replicas, acknowledged
        count = len(self.entry_ids)
        super().__init__(f"{count} entr{'y' if count == 1 else 'ies'} written, but {acknowledged} of {replicas} "
                         "replicas confirmed them in time")


class StreamBackpressureError(ThrillDropsError, TimeoutError):
    """A publish waited longer than allowed for a consumer group's lag to come down.

    Attributes:
        group: The consumer group whose lag was watched.
        lag: Its last lag.
        published: How many events of the call had been published before it gave up.
    """

    def __init__(self, group: str, lag: int, published: int) -> None:
        self.group, self.lag, self.published = group, lag, published
        super().__init__(f"consumer group {group!r} stayed {lag} entries behind for too long; {published} events "
                         "were published before giving up")


class EventRejectedError(ThrillDropsError, ValueError):
    """An HTTP receiver refused an event: it answered ``4xx`` other than ``408`` and ``429`` (or ``3xx``, not followed).

    Sending it again unchanged would be refused again, so clients do not retry it. The server's RFC 9457
    problem details are kept, its problems up to
    [max_problems][thrilldrops_events.http.EventRejectedError.max_problems] (a server may send any number).

    Attributes:
        status: The HTTP status code (``400`` invalid event, ``413`` too large, ``415`` not JSON, ...).
        problems: The server's problems, each with its JSON path, message and kind (empty if it sent none).
        title: The problem document's ``title`` (or the status phrase).
        detail: The problem document's ``detail``, or ``""``.
        omitted: How many more problems the server sent, not listed (``0`` usually).
    """

    #: The most problems one error lists; the message ends with "... and N more problems" beyond.
    max_problems = 20

    def __init__(self, status: int, problems: Iterable[Problem] = (), *, title: str = "", detail: str = "",
                 omitted: int = 0) -> None:
        self.status = status
        self.problems, self.omitted = _capped(problems, omitted, self.max_problems)
        self.title = title
        self.detail = detail
        head = f"the server refused the event: {status} {title}".rstrip()
        if detail:
            head = f"{head}: {detail}"
        super().__init__("\n".join([head, *_listing(self.problems, self.omitted)]))

    @property
    def paths(self) -> tuple[str, ...]:
        """The JSON paths of the problems listed, in order."""
        return tuple(p.path for p in self.problems)


class EventDeliveryError(ThrillDropsError, ConnectionError):
    """An event could not be delivered over HTTP, on any of the attempts the client was allowed.

    The connection failed or timed out, or the server kept answering ``408``, ``429`` or ``5xx``. The event may
    or may not have arrived (a timeout can hide a success); sending it again is safe for a receiver
    that de-duplicates with ``dedup_key``.

    Attributes:
        url: Where the event was sent, without the URL's user, password and query (they may hold secrets).
        attempts: How many requests were made.
        status: The last HTTP status received, or ``None`` if no answer came at all.
        reason: What went wrong on the last attempt, for a person.
    """

    def __init__(self, url: str, attempts: int, reason: str, *, status: int | None = None) -> None:
        self.url, self.attempts, self.reason, self.status = url, attempts, reason, status
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        super().__init__(f"could not deliver the event to {url} after {tries}: {reason}")


class ClientClosedError(ThrillDropsError, RuntimeError):
    """An HTTP client was asked to send once closed (``close()``, or its ``with`` block ended): nothing was sent.

    Attributes:
        client: The client's class name (``EventClient`` or ``AsyncEventClient``).
    """

    def __init__(self, client: str) -> None:
        self.client = client
        super().__init__(f"this {client} is closed: it sends nothing more (make a new {client} to send)")


class SendInterruptedError(ThrillDropsError, RuntimeError):
    """``send_many`` stopped before the end of its events; what raised is its ``__cause__``.

    That is reading the events (or an item that is not an envelope), ``on_result``, or a client closed
    meanwhile. No event is started after it, and those started are finished first.

    Attributes:
        results: The [SendResult][thrilldrops_events.http.SendResult] of each event started, in the order of
            the events (each has its ``index``); the events after the last of them were not sent.
        sent: How many events were sent (``len(results)``).
        reason: What stopped it, for a person (the ``__cause__``'s type and message).
    """

    def __init__(self, results: Iterable[Any], reason: str) -> None:
        self.results = list(results)
        self.sent = len(self.results)
        self.reason = reason
        super().__init__(f"send_many stopped after sending {self.sent} event{'s' if self.sent != 1 else ''}: {reason}")
