"""An entry read for a consumer: its envelope, or the error its dead letter carries (reason ``invalid``).

The reader refuses a bad entry with ``EventValidationError``. Any other exception it raises is a defect
of the library, not of the entry alone; the entry is dead-lettered all the same (problem kind
``unreadable``), so that it can be replayed once the defect is fixed, rather than stopping the consumer
on it at every start.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from thrilldrops_events.codecs.redis import decode
from thrilldrops_events.envelope import Envelope
from thrilldrops_events.errors import EventValidationError

__all__ = ["invalid", "read_entry"]

logger = logging.getLogger("thrilldrops_events.streams")


def invalid(error: EventValidationError) -> dict[str, Any]:
    """The dead letter's error for an entry that failed validation.

    Its ``problems`` are those the error lists (at most ``EventValidationError.max_problems``), and its
    ``omitted`` how many more the error found and left out, so the total is there without reading ``message``.
    """
    problems = [{"path": p.path, "message": p.message, "kind": p.kind} for p in error.problems]
    return {"reason": "invalid", "message": str(error), "problems": problems, "omitted": error.omitted}


def read_entry(fields: Any, strict: bool) -> Envelope | dict[str, Any]:
    """The entry's envelope, or the error of its dead letter if it cannot be read.

    Only the exception's class and where it was raised are logged, never its message, which could
    repeat a field's value. ``MemoryError`` is not the entry's doing alone: it is raised as it is.
    """
    try:
        return decode(fields, strict=strict)
    except EventValidationError as error:
        return invalid(error)
    except MemoryError:
        raise
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        name = type(error).__name__
        logger.error("the entry reader raised %s (at %s:%s), a defect of thrilldrops_events: please report it; "
                     "the entry goes to the dead-letter stream", name, frame.filename, frame.lineno)
        message = f"the entry could not be read: the reader raised {name}"
        return {"reason": "invalid", "message": message,
                "problems": [{"path": "", "message": message, "kind": "unreadable"}], "omitted": 0}
