"""``thrilldrops-events serve``: run the ``POST /event`` receiver with uvicorn (extra ``http``)."""

from __future__ import annotations

import argparse
import os

from thrilldrops_events.cli._command import STRICT, Command, arg, checked, fail, host, port, say
from thrilldrops_events.cli._urls import redacted

_DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the exit code (2: the extra missing, a setting unusable, the address taken)."""
    if args.redis is not None and args.stream is None:
        return fail("--redis needs --stream NAME")
    try:
        from thrilldrops_events.http import event_app  # the optional extra, only when asked for
        from thrilldrops_events.http.server import base_url, bind, serve

        redis_url = args.redis or _DEFAULT_REDIS
        app = event_app(stream=args.stream,
                        redis=redis_url if args.stream is not None else None, strict=args.strict)
    except (ImportError, ValueError) as error:  # ValueError: a --redis URL or --stream name it cannot use
        return fail(str(error))
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        return fail(f"cannot listen on {args.host}:{args.port}: {error.strerror}")
    where = f"; accepted events go to Redis stream {args.stream!r} at {redacted(redis_url)}" if args.stream else ""
    say(f"thrilldrops-events: serving {base_url(sock)}{where}")
    colours = {"use_colors": False} if os.environ.get("NO_COLOR") else {}  # https://no-color.org
    serve(app, sock, log_level=args.log_level, access_log=args.log_level in ("info", "debug"), **colours)
    return 0


COMMAND = Command(
    "serve", "receive events over HTTP (POST /event) and hand them to a Redis stream",
    """Serve the event receiver with uvicorn: POST /event, POST /events (NDJSON), GET /health, POST
    /conditions/check and POST /conditions/eval. With --stream, accepted events are published to a Redis stream
    and 202 means the entry is stored. Needs the http extra (and redis for --stream).""",
    run=run, prints=False,  # uvicorn's log goes to standard output, or (closed) to standard error
    arguments=(
        arg("--host", **checked(host, utf8=True), default="127.0.0.1",
            help="the address to listen on (default: 127.0.0.1)"),
        arg("--port", type=int, **checked(port), default=8000, help="the port (default: 8000; 0 picks a free one)"),
        STRICT,
        arg("--redis", metavar="URL", **checked(utf8=True),
            help=f"the Redis server of --stream (default: {_DEFAULT_REDIS})"),
        arg("--stream", metavar="NAME", **checked(utf8=True), help="publish accepted events to this Redis stream"),
        arg("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
            help="uvicorn's log level (default: info)"),
    ),
)
