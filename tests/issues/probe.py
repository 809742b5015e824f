"""Timing ``/healthz`` while an attack runs (the figure each issue-11 test reports)."""

from __future__ import annotations

import threading
import time

from tests.ops.raw_http import exchange


class HealthProbe:
    """Times ``/healthz`` every 0.2 s on a thread while an attack runs; the worst latency."""

    def __init__(self, base: str) -> None:
        self.base, self.worst, self.stop = base, 0.0, threading.Event()
        self.statuses: list[int] = []
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            self.statuses.append(exchange(self.base, "GET", "/healthz", timeout=60).status)
            self.worst = max(self.worst, time.monotonic() - started)
            self.stop.wait(0.2)

    def __enter__(self) -> HealthProbe:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        assert self.statuses and set(self.statuses) == {200}, self.statuses
