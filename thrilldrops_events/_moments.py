"""Moments in time as the events hold them: whole Unix seconds, and aware ``datetime`` values read exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["fixed_moment", "unix_seconds", "utc_datetime"]


def utc_datetime(timestamp: int) -> datetime:
    """Return the aware UTC ``datetime`` of a Unix timestamp in seconds."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)


def fixed_moment(moment: datetime) -> datetime | None:
    """An aware ``datetime`` as a plain one at its fixed offset, read by the base class; ``None`` if it is naive.

    Of a subclass, neither arithmetic nor any other method is called (each may say anything); of its time
    zone, only ``utcoffset``, once.

    Raises:
        ValueError: If its time zone fails to give an offset: it raises, or gives one no ``datetime`` accepts
            (not a ``timedelta``, a day or more).
    """
    try:
        offset = datetime.utcoffset(moment)
    except Exception as error:  # a tzinfo of the caller's, however it fails
        raise ValueError(f"its time zone fails to give an offset ({type(error).__name__})") from None
    if offset is None:
        return None
    return datetime.combine(datetime.date(moment), datetime.time(moment), timezone(offset))


def unix_seconds(moment: datetime) -> int:
    """The whole seconds from the epoch to an aware ``datetime``, its fraction dropped (toward the past).

    Counted exactly: ``moment.timestamp()`` is a float, which rounds some moments up a second.
    """
    return (moment - _EPOCH) // _SECOND
