"""``python -m thrilldrops_events``: the command line."""

from thrilldrops_events.cli import run

run()
