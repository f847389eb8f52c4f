"""A worker that never answers, to test the harness's watchdog."""

import sys
import time

for _ in sys.stdin:
    time.sleep(3600)
