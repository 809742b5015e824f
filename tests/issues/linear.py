"""What the regressions against super-linear text scanning share (a lexer or a pattern that
backtracks over a long run of one character class): the run, and a bound on its CPU time
that only exponential or quadratic work exceeds (not a benchmark)."""

from __future__ import annotations

import time
from collections.abc import Callable

#: The run's length: 100 KB took 70 s of the quadratic lexer, 27 characters 10 s of the
#: exponential pattern; linear work takes milliseconds.
SIZE = 100_000
#: CPU seconds a linear scan of :data:`SIZE` characters stays far under on any machine.
BOUND = 1.0


def run_of(unit: str, size: int = SIZE) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def assert_linear(work: Callable[[], object], *label: object) -> None:
    """``work`` (a scan of a :func:`run_of`) takes under :data:`BOUND` s of CPU."""
    started = time.process_time()
    work()
    assert time.process_time() - started < BOUND, label
