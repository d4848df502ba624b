"""Timing shared by the benchmarks (run as scripts, so imported as `timing`)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages, as the results record them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
