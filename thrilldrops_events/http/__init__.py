"""The HTTP edge (extra ``http``): receive ``POST /event`` exactly, and send events reliably.

This is the only part of the library that imports Starlette, uvicorn and httpx
(``pip install 'thrilldrops-events[http]'``); FastAPI only in
``thrilldrops_events.http.fastapi_body``.

* [event_app][thrilldrops_events.http.event_app]: the receiver, a plain ASGI app built with Starlette;
* [EventClient][thrilldrops_events.http.EventClient] and
  [AsyncEventClient][thrilldrops_events.http.AsyncEventClient]: the sender, on httpx, with retries;
* [serve_in_thread][thrilldrops_events.http.serve_in_thread]: run an app with uvicorn in the
  background, for tests and examples.
"""

from __future__ import annotations

try:
    import httpx as _httpx
    import starlette as _starlette
    import uvicorn as _uvicorn
except ImportError as _error:  # pragma: no cover - exercised in a subprocess without the extra
    raise ImportError(
        "thrilldrops_events.http needs Starlette, uvicorn and httpx: pip install 'thrilldrops-events[http]'"
    ) from _error

from thrilldrops_events.errors import ClientClosedError, EventDeliveryError, EventRejectedError, SendInterruptedError
from thrilldrops_events.http.app import MAX_BATCH_BYTES, MAX_BATCH_LINES, MAX_EVENT_BYTES, Handler, event_app
from thrilldrops_events.http.client import AsyncEventClient, EventClient, SendResult
from thrilldrops_events.http.server import serve_in_thread

del _httpx, _starlette, _uvicorn

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_BATCH_LINES",
    "MAX_EVENT_BYTES",
    "AsyncEventClient",
    "ClientClosedError",
    "EventClient",
    "EventDeliveryError",
    "EventRejectedError",
    "Handler",
    "SendInterruptedError",
    "SendResult",
    "event_app",
    "serve_in_thread",
]
