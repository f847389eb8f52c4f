"""Operating a stream: what it holds, a trim that never loses pending work, and replaying dead letters."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
from redis.client import NEVER_DECODE
from redis.cluster import RedisCluster

from thrilldrops_events._text import shown
from thrilldrops_events.errors import EventValidationError, StreamConfigError
from thrilldrops_events.streams._checks import nonempty, whole
from thrilldrops_events.streams._front import group_info
from thrilldrops_events.streams._keys import dead_letter_key
from thrilldrops_events.streams._link import check_client
from thrilldrops_events.streams._records import DeadLetter, GroupInfo, parse_dead_letter
from thrilldrops_events.streams._replies import stream_missing, text

__all__ = ["ConsumerInfo", "RedisError", "Replayed", "StreamInfo", "TrimResult", "connect", "replay_dead_letters",
           "stream_info", "trim"]

#: What redis-py raises (for the command line, which does not import redis itself).
RedisError = redis.RedisError

logger = logging.getLogger("thrilldrops_events.streams")

_PAGE = 1000
EntryId = tuple[int, int]


def _names(client: object, stream: object, dead_letter_stream: object) -> None:
    """Check a stream function's client and names."""
    check_client(client, (redis.Redis, RedisCluster), "a redis.Redis or a redis.cluster.RedisCluster",
                 "a blocking client (stream_info, trim and replay_dead_letters have no asyncio twin)")
    nonempty("stream", stream)
    if dead_letter_stream is not None:
        nonempty("dead_letter_stream", dead_letter_stream)


def _parse_id(value: object) -> EntryId:
    raw = text(value)
    ms, _, seq = raw.partition("-")
    if not ms.isdigit() or (seq and not seq.isdigit()) or len(ms) > 20 or len(seq) > 20:
        raise StreamConfigError(f"{shown(raw)!r} is not a stream entry id such as 1777852800000-0")
    return int(ms), int(seq or 0)


def _format(entry_id: EntryId) -> str:
    return f"{entry_id[0]}-{entry_id[1]}"


def _entries(redis_: Any, key: str, low: str = "-", high: str = "+", count: int | None = None, *,
             reverse: bool = False) -> list[tuple[Any, dict[Any, Any]]]:
    """``XRANGE`` (``XREVRANGE`` if ``reverse``), read as bytes whatever the client decodes.

    Entries are written by anyone, so their fields may be bytes that are not text: a client that decodes
    responses would raise on them. For such a client, each entry whose names and values are all text is
    given as ``str``, as the client would; one that is not keeps its bytes.
    """
    bounds = (high, low) if reverse else (low, high)
    limit = () if count is None else ("COUNT", count)
    found = redis_.execute_command("XREVRANGE" if reverse else "XRANGE", key, *bounds, *limit, **{NEVER_DECODE: []})
    decoding = getattr(redis_, "get_encoder", None)
    encoder = decoding() if decoding is not None else None
    if encoder is None or not encoder.decode_responses:
        return list(found or ())
    entries: list[tuple[Any, dict[Any, Any]]] = []
    for entry_id, fields in found or ():
        with contextlib.suppress(UnicodeDecodeError):  # not text: kept as bytes, exactly as written
            fields = {encoder.decode(name, force=True): encoder.decode(value, force=True)
                      for name, value in fields.items()}
        entries.append((text(entry_id), fields))
    return entries


def connect(url: str, *, cluster: bool = False) -> redis.Redis | RedisCluster:
    """A client for a ``redis://`` (or ``rediss://``, ``unix://``) URL; a cluster client if ``cluster``."""
    return RedisCluster.from_url(url) if cluster else redis.Redis.from_url(url)


@dataclass(frozen=True)
class ConsumerInfo:
    """One consumer of a group, from ``XINFO CONSUMERS``.

    Attributes:
        name: The consumer's name.
        pending: Entries it has read and not acknowledged.
        idle_ms: Milliseconds since it last read or claimed.
    """

    name: str
    pending: int
    idle_ms: int


@dataclass(frozen=True)
class StreamInfo:
    """What [stream_info][thrilldrops_events.streams.stream_info] found.

    Attributes:
        stream: The stream's key.
        length: Its entries.
        first_id: The oldest entry's id (``None`` when empty).
        last_id: The newest entry's id (``None`` when empty).
        groups: Each consumer group's figures (pending, lag...).
        consumers: Each group's consumers, by group name.
        dead_letter_stream: The dead-letter stream's key.
        dead_letters: The entries in the dead-letter stream.
    """

    stream: str
    length: int
    first_id: str | None
    last_id: str | None
    groups: tuple[GroupInfo, ...]
    consumers: Mapping[str, tuple[ConsumerInfo, ...]]
    dead_letter_stream: str
    dead_letters: int


def stream_info(client: redis.Redis | RedisCluster, stream: str, *,
                dead_letter_stream: str | None = None) -> StreamInfo:
    """A stream's length, its groups and their consumers, pending entries and lag, and its dead letters.

    Args:
        client: A redis-py client (``redis.Redis`` or ``redis.cluster.RedisCluster``).
        stream: The stream's key.
        dead_letter_stream: Its dead-letter stream; default the consumers' default.

    Returns:
        The figures; a stream that does not exist has length ``0`` and no groups.

    Raises:
        StreamConfigError: If a stream's name is not a non-empty string, or ``client`` not a blocking redis-py client.
    """
    _names(client, stream, dead_letter_stream)
    redis_: Any = client  # redis-py's replies are typed loosely
    dead_letters_key = dead_letter_stream or dead_letter_key(stream)
    dead_letters = int(redis_.xlen(dead_letters_key))
    try:
        rows = redis_.xinfo_groups(stream)
    except redis.ResponseError as error:
        if not stream_missing(error):
            raise
        return StreamInfo(stream, 0, None, None, (), {}, dead_letters_key, dead_letters)
    names = [text({text(key): value for key, value in row.items()}["name"]) for row in rows]
    groups = tuple(info for name in names if (info := group_info(rows, name)) is not None)
    consumers = {}
    for name in names:
        found = [{text(key): value for key, value in row.items()} for row in redis_.xinfo_consumers(stream, name)]
        consumers[name] = tuple(ConsumerInfo(text(row["name"]), int(row["pending"]), int(row["idle"]))
                                for row in found)
    first, last = _entries(redis_, stream, count=1), _entries(redis_, stream, count=1, reverse=True)
    return StreamInfo(stream, int(redis_.xlen(stream)), text(first[0][0]) if first else None,
                      text(last[0][0]) if last else None, groups, consumers, dead_letters_key, dead_letters)


@dataclass(frozen=True)
class TrimResult:
    """What [trim][thrilldrops_events.streams.trim] did.

    Attributes:
        deleted: Entries deleted.
        boundary: The id trimmed below (``XTRIM MINID``), or ``None`` if there was nothing to trim.
            Where a group held the trim back, the id of the first entry it still needs.
        held_by: The consumer group whose pending or undelivered entries stopped the trim short of
            what was asked, or ``None`` if it went as far as asked.
    """

    deleted: int
    boundary: str | None
    held_by: str | None


def _safe_boundary(redis_: Any, stream: str) -> tuple[EntryId | None, str | None]:
    """The lowest id any group still needs (its oldest pending entry, or the one after its last delivered one)."""
    safe: EntryId | None = None
    holder: str | None = None
    for row in redis_.xinfo_groups(stream):
        info = {text(key): value for key, value in row.items()}
        name = text(info["name"])
        delivered = _parse_id(info["last-delivered-id"])
        oldest = redis_.xpending(stream, name)["min"] if int(info["pending"]) else None
        # the oldest pending entry; or, when none is left (perhaps acknowledged meanwhile), the first not delivered
        needed = _after(redis_, stream, delivered) if oldest is None else _parse_id(oldest)
        if safe is None or needed < safe:
            safe, holder = needed, name
    return safe, holder


def _after(redis_: Any, stream: str, entry_id: EntryId) -> EntryId:
    """The id of the entry after ``entry_id`` on the stream, or the least id above it if there is none yet."""
    found = _entries(redis_, stream, "(" + _format(entry_id), "+", 1)
    return _parse_id(found[0][0]) if found else (entry_id[0], entry_id[1] + 1)


def _maxlen_cut(redis_: Any, stream: str, maxlen: int, safe: EntryId | None) -> EntryId | None:
    """The id ``MINID`` needs for ``MAXLEN maxlen``: the oldest entry kept, or one past the newest if none is.

    Reads the entries to delete, a page at a time, and no further than ``safe``.
    """
    excess = int(redis_.xlen(stream)) - maxlen
    if excess <= 0:
        return None
    seen = 0
    last: EntryId | None = None
    start = "-"
    while True:
        wanted = min(_PAGE, excess - seen + 1)
        page = _entries(redis_, stream, start, "+", wanted)
        for raw_id, _ in page:
            entry_id = _parse_id(raw_id)
            if seen == excess:
                return entry_id
            if safe is not None and entry_id >= safe:  # the cut lies further on, past what may be deleted
                return entry_id[0], entry_id[1] + 1
            seen += 1
            last = entry_id
        if len(page) < wanted:
            return None if last is None else (last[0], last[1] + 1)  # every entry may go
        start = "(" + text(page[-1][0])


def trim(client: redis.Redis | RedisCluster, stream: str, *, maxlen: int | None = None, minid: str | None = None,
         approximate: bool = False) -> TrimResult:
    """Trim a stream, but never delete an entry some consumer group still needs.

    A group needs its pending entries (read, not acknowledged) and those it has not read yet, so the
    trim stops below the oldest of them over all groups, whatever ``maxlen`` or ``minid`` asked.
    ``publish(..., maxlen=...)`` trims blindly; this is the safe way. A group created (or moved back
    with ``XGROUP SETID``) while the trim runs is not protected.

    Args:
        client: A redis-py client (``redis.Redis`` or ``redis.cluster.RedisCluster``).
        stream: The stream's key.
        maxlen: Keep at most this many of the newest entries (finding the boundary reads the entries
            to delete, a page at a time).
        minid: Delete the entries older than this id.
        approximate: Let Redis keep a few more entries (``~``), which is cheaper.

    Returns:
        How many entries were deleted, below which id, and which group held the trim back.

    Raises:
        StreamConfigError: Unless exactly one of ``maxlen`` (an integer >= 0) and ``minid`` (an entry id) is given,
            or if ``stream`` is not a non-empty string, or ``client`` not a blocking redis-py client.
    """
    _names(client, stream, None)
    if (maxlen is None) == (minid is None):
        raise StreamConfigError("give exactly one of maxlen and minid")
    if maxlen is not None:
        whole("maxlen", maxlen, 0)
    wanted_minid = None if minid is None else _parse_id(minid)
    redis_: Any = client
    try:
        safe, holder = _safe_boundary(redis_, stream)
    except redis.ResponseError as error:
        if not stream_missing(error):
            raise
        return TrimResult(0, None, None)
    wanted = wanted_minid if maxlen is None else _maxlen_cut(redis_, stream, maxlen, safe)
    if wanted is None:
        return TrimResult(0, None, None)
    boundary, held_by = (safe, holder) if safe is not None and safe < wanted else (wanted, None)
    deleted = int(redis_.xtrim(stream, minid=_format(boundary), approximate=approximate))
    if held_by is not None:
        logger.info("stream %r: trimmed below %s, not as far as asked: group %r still needs the entries from there",
                    stream, _format(boundary), held_by)
    return TrimResult(deleted, _format(boundary), held_by)


@dataclass(frozen=True)
class Replayed:
    """One dead letter put back on its stream by [replay_dead_letters][thrilldrops_events.streams.replay_dead_letters].

    Attributes:
        dead_letter: The dead letter, as it was.
        entry_id: The id of the new entry on the stream (``None`` in a dry run).
    """

    dead_letter: DeadLetter
    entry_id: str | None


def _letters(redis_: Any, key: str, stream: str, reason: str | None, count: int | None) -> list[DeadLetter]:
    found: list[DeadLetter] = []
    start = "-"
    while count is None or len(found) < count:
        page = _entries(redis_, key, start, "+", _PAGE)
        for entry_id, fields in page:
            try:
                letter = parse_dead_letter(entry_id, fields)
            except EventValidationError as error:
                logger.warning("dead-letter stream %r: entry %s is not a dead letter, left as it is (%s)", key,
                               text(entry_id), "; ".join(error.paths))
                continue
            if letter.stream != stream or reason not in (None, letter.reason):
                continue
            if _repeats_a_field(letter):  # redis-py kept one value per name: the fields read are not the entry's
                logger.warning("dead-letter stream %r: entry %s holds a field twice, left as it is (replay it by "
                               "hand, from XRANGE's reply)", key, text(entry_id))
                continue
            found.append(letter)
        if len(page) < _PAGE:
            break
        start = "(" + text(page[-1][0])
    return found if count is None else found[:count]


def _repeats_a_field(letter: DeadLetter) -> bool:
    """Whether the entry a dead letter holds was refused for giving a field twice."""
    problems = letter.error.get("problems") if isinstance(letter.error, Mapping) else None
    return isinstance(problems, list) and any(
        isinstance(problem, Mapping) and problem.get("kind") == "duplicate_field" for problem in problems)


def replay_dead_letters(client: redis.Redis | RedisCluster, stream: str, *, dead_letter_stream: str | None = None,
                        reason: str | None = None, count: int | None = None,
                        dry_run: bool = False) -> list[Replayed]:
    """Put dead letters back on their stream, oldest first, once their cause is fixed.

    Each dead letter's original fields are added to ``stream`` again (``XADD``, so with a new id)
    and the dead letter is then deleted; consumers handle the new entry as a new one, with fresh
    tries. A failure between the two leaves the dead letter in place, to be replayed again: the
    event may then reach the stream twice, which idempotent handlers absorb.

    Args:
        client: A redis-py client (``redis.Redis`` or ``redis.cluster.RedisCluster``).
        stream: The stream the dead letters came from, and go back to.
        dead_letter_stream: The dead-letter stream; default the consumers' default.
        reason: Replay only dead letters of this reason (``invalid``, ``max_deliveries``, ``not_retryable``).
        count: Replay at most this many.
        dry_run: Only say what would be replayed.

    Returns:
        What was replayed (or would be), in order.

    Raises:
        StreamConfigError: If a stream's name is not a non-empty string, ``count`` not an integer >= 1, or
            ``client`` not a blocking redis-py client.
    """
    _names(client, stream, dead_letter_stream)
    if count is not None:
        whole("count", count, 1)
    redis_: Any = client
    key = dead_letter_stream or dead_letter_key(stream)
    letters = _letters(redis_, key, stream, reason, count)
    if dry_run:
        return [Replayed(letter, None) for letter in letters]
    replayed: list[Replayed] = []
    for start in range(0, len(letters), _PAGE):
        chunk = letters[start:start + _PAGE]
        with redis_.pipeline(transaction=False) as pipe:
            for letter in chunk:
                pipe.xadd(stream, letter.fields)
            added = pipe.execute(raise_on_error=False)
        done = [(letter, text(entry_id)) for letter, entry_id in zip(chunk, added, strict=True)
                if not isinstance(entry_id, Exception)]
        if done:
            redis_.xdel(key, *(letter.id for letter, _ in done))
        replayed.extend(Replayed(letter, entry_id) for letter, entry_id in done)
        failure = next((entry_id for entry_id in added if isinstance(entry_id, Exception)), None)
        if failure is not None:
            raise failure
    return replayed
