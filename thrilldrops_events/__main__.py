"""``python -m thrilldrops_events``: the command line."""

import sys

from thrilldrops_events.cli import main

sys.exit(main())
