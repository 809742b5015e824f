"""One query process (``python -m newskg.sparql.query_worker``) seen from the web worker: its
pipes, its reply protocol and the watchdog that holds it to its memory bound.

pyoxigraph 0.5 cannot cancel a query, so a query runs in a child process that can be killed
(:mod:`newskg.sparql.engine` keeps a pool of them). A request is one JSON line; the reply is one
JSON line, followed by ``size`` bytes of answer when it says ``"inline": true`` (answers of
up to ``INLINE_MAX`` bytes; a larger one is written to a file, see
:mod:`newskg.sparql.query_worker`). While waiting for a reply the web worker reads the process's
private memory every ``WATCH_SECONDS`` and kills it past the bound (503, counted in /metrics).
"""

from __future__ import annotations

import json
import logging
import math
import os
import select
import signal
import subprocess
import sys
import time
from typing import Any

from newskg.errors import APIError
from newskg.sparql.sandbox import Limits, private_memory

log = logging.getLogger(__name__)
INLINE_MAX = 1024 * 1024  # larger answers go through a spool file, not the pipe
READ_CHUNK = 1024 * 1024
# How often a busy query process's memory is read. A runaway ORDER BY grows at up to
# 0.8 GB/s, so it overshoots the bound by at most ~20 MB before it is stopped.
WATCH_SECONDS = 0.025


class QueryMemoryExceeded(APIError):
    def __init__(self, bound: int) -> None:
        super().__init__(
            503,
            f"the query needed more than the memory bound of {bound / 2**20:.0f} MiB per "
            "query and was stopped; nothing was truncated",
            "Make it more selective (bind a subject or a type), add LIMIT (an ORDER BY or "
            "GROUP BY over a large join holds every row in memory), or run it on a dump from "
            "/dumps/ on your own machine.",
            headers={"Retry-After": "1"},
        )


class QueryProcess:
    """One ``python -m newskg.sparql.query_worker`` child and its pipes.

    A request is one JSON line; the reply is one JSON line, followed by ``size`` bytes of
    answer when it says ``"inline": true`` (see :mod:`newskg.sparql.query_worker`)."""

    def __init__(self, limits: Limits = Limits()) -> None:  # noqa: B008 - frozen: shared
        self.limits = limits
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newskg.sparql.query_worker",
                str(INLINE_MAX),
                *limits.arguments(),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.proc.stdout is not None
        self.fd = self.proc.stdout.fileno()
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)
        self.buffer = bytearray()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(
        self, request: dict[str, Any], deadline: float
    ) -> tuple[dict[str, Any], bytes | None] | None:
        """Send ``request``; the reply and its inline answer (None when the answer is not
        inline), or None if the deadline passed first."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        end = self.buffer.find(b"\n")
        while end < 0:
            if not self._read(deadline):
                return None
            end = self.buffer.find(b"\n")
        reply = json.loads(self.buffer[:end])
        del self.buffer[: end + 1]
        if not reply.get("inline"):
            return reply, None
        size = reply["size"]
        while len(self.buffer) < size:
            if not self._read(deadline):
                return None
        body = bytes(self.buffer[:size])
        del self.buffer[:size]
        return reply, body

    def _read(self, deadline: float) -> bool:
        """Append what the process wrote; False when the deadline passed first. Raises
        :class:`QueryMemoryExceeded` (the process killed) when it grows past its bound."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.limits.memory > 0:
                left = min(left, WATCH_SECONDS)
            if self.poller.poll(math.ceil(left * 1000)):
                break
            if self.limits.memory > 0 and private_memory(self.proc.pid) > self.limits.memory:
                self.kill()
                raise self._memory_exceeded()
        chunk = os.read(self.fd, READ_CHUNK)
        if not chunk:
            # Past RLIMIT_DATA (the backstop, when the watchdog was late) an allocation fails
            # and the process aborts: that is the bound too, not a server failure.
            self.kill()
            if self.limits.memory > 0 and self.proc.returncode == -signal.SIGABRT:
                raise self._memory_exceeded()
            raise OSError("query process exited")
        self.buffer += chunk
        return True

    def _memory_exceeded(self) -> QueryMemoryExceeded:
        from newskg.sparql import counters  # after the server set up metrics

        counters.QUERY_MEMORY_EXCEEDED.inc()
        log.warning(
            "query process %d stopped at the memory bound of %d bytes",
            self.proc.pid,
            self.limits.memory,
        )
        return QueryMemoryExceeded(self.limits.memory)

    def kill(self) -> None:
        if self.alive:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
