"""Query evaluation: the one place a SPARQL query meets the store, with a real time limit.

pyoxigraph 0.5 cannot cancel a query. So each web worker keeps a small pool of query
processes (:mod:`newskg.sparql.query_worker`); a query runs in one of them, and when the time limit
passes the engine kills that process (the CPU is free at once), starts a fresh one for the
next query and answers 503. The web worker's threads keep serving other clients meanwhile.

    execute(store_path, query, dataset, results_format=…, graph_format=…,
            timeout=…, max_rows=…) -> Answer

- ``results_format`` is used for SELECT/ASK, ``graph_format`` for CONSTRUCT/DESCRIBE; None
  for a kind the client does not accept: a query of that kind raises :class:`NotAcceptable`.
- Raises ``APIError`` 400 (syntax error, with line and column), 503 (time limit), 422 (more
  than ``max_rows`` rows: signalled, never truncated), 500 (evaluation failed).
- The answer is complete before ``execute`` returns, so an error can still get its status;
  ``Answer.body`` is positioned at 0, and the caller streams and closes it. An answer of up
  to ``INLINE_MAX`` bytes comes back through the query process's pipe and stays in memory
  (no file is touched: most answers are small, and files cost more than the query); a
  larger one is written by the query process to a file in the engine's private spool
  directory, which the engine opens and unlinks, so memory stays flat for any size.
- Each query process runs without network access and under a memory bound (:class:`Limits`,
  :mod:`newskg.sparql.sandbox`): while the engine waits for a reply it reads the process's private
  memory every ``WATCH_SECONDS`` and kills it past the bound (503, counted in /metrics); a
  SERVICE the sandbox refused is 400.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import logging
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from flask import current_app, g, has_request_context

from newskg import formats
from newskg.formats import Format
from newskg.settings import WEB_THREADS
from newskg.sparql import sandbox
from newskg.sparql.sandbox import Limits, private_memory
from newskg.web.http.errors import APIError

Kind = Literal["solutions", "boolean", "graph"]
log = logging.getLogger(__name__)
EXTENSION = "newskg.engine"
INLINE_MAX = 1024 * 1024  # larger answers go through a spool file, not the pipe
# Query processes per web worker (QUERY_PROCESSES overrides). Queries are CPU-bound: with the
# default 2 workers, 4 of them keep 2 cores busy; 8 (4 each) made concurrent analytical
# queries contend and did 10-15% less work per CPU second at a million triples.
QUERY_PROCESSES = 2
READ_CHUNK = 1024 * 1024
# Web threads a worker keeps for everything but queries waiting for a query process
# (pages, /healthz, point lookups): the threads not running or keeping these may wait.
KEPT_FREE = 2
# How often a busy query process's memory is read. A runaway ORDER BY grows at up to
# 0.8 GB/s, so it overshoots the bound by at most ~20 MB before it is stopped.
WATCH_SECONDS = 0.025


@dataclass(frozen=True)
class DatasetSpec:
    """The query's dataset: empty tuples mean the protocol's defaults (the default graph is
    the union of all graphs; every named graph is available to GRAPH)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass
class Answer:
    kind: Kind
    format: Format
    body: IO[bytes]
    size: int
    rows: int  # solutions or triples (1 for a boolean)


class NotAcceptable(Exception):
    """The query's result kind has no format the client accepts."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.kind = kind


class QueryTimeout(APIError):
    def __init__(self, timeout: float) -> None:
        super().__init__(
            503,
            f"the query ran longer than the time limit of {timeout:g} s and was stopped",
            "Make it more selective (bind a subject or a type, add LIMIT), or run it on a "
            "dump on your own machine; nothing was truncated.",
            headers={"Retry-After": "1"},
        )


class QueryProcessesBusy(APIError):
    """503 at once: every query process of this worker is busy (waiting longer would hold a
    web thread that other clients' pages and ``/healthz`` need)."""

    def __init__(self, waited: float) -> None:
        super().__init__(
            503,
            f"all query processes are busy (waited {waited:g} s for one); the query was not run",
            "Try again after Retry-After seconds; cheaper queries (bind a subject "
            "or a type, add LIMIT) free the query processes sooner.",
            headers={"Retry-After": "2"},
        )


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
        from newskg.web.http import metrics

        metrics.QUERY_MEMORY_EXCEEDED.inc()
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


class Engine:
    """A pool of query processes for one web worker (created lazily, killed with it)."""

    def __init__(
        self,
        size: int,
        spool_dir: str | None = None,
        wait: float = 1.0,
        limits: Limits = Limits(),  # noqa: B008 - frozen: shared
    ) -> None:
        self.slots = threading.BoundedSemaphore(size)
        self.limits = limits  # each query process's (no network, memory bound)
        self.wait = wait  # most seconds a query waits for a free query process
        # Queries wait for a process on web threads; past what the worker can spare while
        # keeping KEPT_FREE threads for everyone else, they are told "busy" at once (with 32
        # threads and 2 processes: 2 run, 28 may wait, 2 stay free).
        self.queue = threading.BoundedSemaphore(max(1, WEB_THREADS - size - KEPT_FREE))
        self.idle: list[QueryProcess] = []
        self.lock = threading.Lock()
        # Large answers are written here by the query processes: a directory of this engine
        # alone, so the names can be simple and nobody else can plant or read a file there.
        self.spool = tempfile.mkdtemp(prefix="newskg-spool-", dir=spool_dir)
        self.names = itertools.count()
        self.timeouts = 0
        weakref.finalize(self, Engine._kill_all, self.idle, self.spool)

    @staticmethod
    def _kill_all(idle: list[QueryProcess], spool: str | None = None) -> None:
        for process in idle:
            process.kill()
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)

    def _take(self) -> QueryProcess:
        with self.lock:
            while self.idle:
                process = self.idle.pop()
                if process.alive:
                    return process
                process.kill()
        return QueryProcess(self.limits)

    def _give_back(self, process: QueryProcess) -> None:
        with self.lock:
            self.idle.append(process)

    def run(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes | None]:
        # One deadline from arrival: waiting for a process is part of the time limit, so
        # the answer (or 503) never comes later than `timeout` after the query arrived.
        deadline = time.monotonic() + timeout
        waited = min(self.wait, timeout)
        if not self.slots.acquire(blocking=False):
            got = False
            if self.queue.acquire(blocking=False):
                try:
                    got = self.slots.acquire(timeout=waited)
                finally:
                    self.queue.release()
            if not got:
                from newskg.web.http import metrics

                metrics.BUSY.inc()
                raise QueryProcessesBusy(waited)
        started = time.monotonic()
        try:
            process = self._take()
            try:
                reply = process.call(request, deadline)
            except BrokenPipeError:
                process.kill()  # it died while idle (killed from outside): use a fresh one
                process = QueryProcess(self.limits)
                reply = process.call(request, deadline)
            except (OSError, ValueError) as exc:
                process.kill()
                log.error("query process failed: %s", exc)
                raise APIError(
                    500, "the query process failed", "Try again; the server log has the details."
                ) from exc
            if reply is None:
                process.kill()  # the only way to stop a pyoxigraph query
                self.timeouts += 1
                raise QueryTimeout(timeout)
            self._give_back(process)
            return reply
        finally:
            self.slots.release()
            spent(time.monotonic() - started)

    def execute(
        self,
        store_path: Path,
        query: str,
        dataset: DatasetSpec,
        *,
        results_format: Format | None,
        graph_format: Format | None,
        timeout: float,
        max_rows: int,
    ) -> Answer:
        # Named here, created only by a query process whose answer is too large for the pipe.
        out = f"{self.spool}/{next(self.names)}"
        request = {
            "store": str(store_path),
            "query": query,
            "default_graphs": list(dataset.default_graphs),
            "named_graphs": list(dataset.named_graphs),
            "formats": {
                "results": results_format and results_format.name,
                "graph": graph_format and graph_format.name,
            },
            "max_rows": max_rows,
            "out": out,
        }
        try:
            reply, inline = self.run(request, timeout)
        except BaseException:
            with contextlib.suppress(OSError):  # stopped while it may have been writing it
                os.unlink(out)
            raise
        try:
            return _answer(reply, inline, out, max_rows)
        finally:
            if reply.get("spilled"):
                os.unlink(out)  # an open answer file lives on until the response closes it


def spent(seconds: float) -> None:
    """Add query time to the request's ``g.query_seconds`` (newskg.web.http.throttle charges it to
    the client when the request ends)."""
    if has_request_context():
        g.query_seconds = g.get("query_seconds", 0.0) + seconds


def _answer(reply: dict[str, Any], inline: bytes | None, out: str, max_rows: int) -> Answer:
    if reply["ok"]:
        fmt = formats.by_name(reply["format"])
        if inline is not None:
            return Answer(reply["kind"], fmt, io.BytesIO(inline), len(inline), reply["rows"])
        body = open(out, "rb")  # noqa: SIM115 - handed to the response, which closes it
        size = os.fstat(body.fileno()).st_size
        return Answer(reply["kind"], fmt, body, size, reply["rows"])
    error = reply["error"]
    if error == "not_acceptable":
        raise NotAcceptable(reply["kind"])
    if error == "syntax":
        raise APIError(
            400,
            f"SPARQL syntax error: {reply['message']}",
            "Check the query near the position given (line:column).",
        )
    if error == "too_many_rows":
        raise too_many_rows(max_rows)
    if error == "sandbox":
        log.error("queries refused: %s", reply.get("message"))
        raise APIError(
            503,
            "this server runs no queries: its query processes cannot be cut "
            "off from the network here",
            f"The operator can see why in the server log; to fix: {sandbox.FIX}.",
        )
    from newskg.backends.local import StorageFailure, is_storage_failure

    if is_storage_failure(str(reply.get("message", ""))):
        raise StorageFailure(
            reply["message"]
        )  # src/newskg/backends/local.py: serve an intact version
    if error == "service":  # a SERVICE failed in the sandbox: nothing left the server
        log.info("SERVICE refused in the query process: %s", reply.get("message"))
        raise APIError(
            400,
            "SERVICE is not allowed: this endpoint never fetches anything from elsewhere",
            "Remove the SERVICE clause and query the other endpoint directly.",
        )
    log.error("query evaluation failed: %s", reply.get("message"))
    raise APIError(
        500,
        "the query failed while it was evaluated",
        "Simplify the query; the server log has the details.",
    )


def too_many_rows(max_rows: int) -> APIError:
    """422: the answer has more rows than the cap (signalled, never truncated)."""
    return APIError(
        422,
        f"the answer has more than {max_rows} rows; nothing was sent rather "
        "than a truncated answer",
        f"Page through it with LIMIT {max_rows} and OFFSET, aggregate it, "
        "or download a dump from /dumps/.",
    )


def is_describe(query: str) -> bool:
    """Whether the query form is DESCRIBE (its first keyword after the prologue)."""
    from newskg.sparql.lexer import query_form

    return query_form(query) == "DESCRIBE"


def get_engine() -> Engine:
    """This app's engine (one per web worker process; its query processes start lazily)."""
    engine = current_app.extensions.get(EXTENSION)
    if engine is None:
        # Locked: threads that all found none at once each made an engine of their own,
        # and a burst of first queries ran on twice the query processes (issue 11).
        with _ENGINE_LOCK:
            engine = current_app.extensions.get(EXTENSION)
            if engine is None:
                engine = current_app.extensions[EXTENSION] = Engine(
                    size=int(current_app.config.get("QUERY_PROCESSES", QUERY_PROCESSES)),
                    limits=Limits(
                        int(current_app.config.get("QUERY_MEMORY", 0)),
                        bool(current_app.config.get("ALLOW_UNSANDBOXED_QUERIES", False)),
                    ),
                    wait=float(current_app.config.get("QUERY_WAIT", 1.0)),
                )
    return engine


_ENGINE_LOCK = threading.Lock()


NO_DATASET = DatasetSpec()


def execute(
    store_path: Path,
    query: str,
    dataset: DatasetSpec = NO_DATASET,
    *,
    results_format: Format | None,
    graph_format: Format | None,
    timeout: float,
    max_rows: int,
) -> Answer:
    """Evaluate ``query`` against the store at ``store_path`` (see the module docstring)."""
    from newskg.backends.remote import engine as remote_engine

    if remote_engine.serving_remote() is not None:
        return remote_engine.execute(
            query,
            dataset,
            results_format=results_format,
            graph_format=graph_format,
            timeout=timeout,
            max_rows=max_rows,
        )
    return get_engine().execute(
        store_path,
        query,
        dataset,
        results_format=results_format,
        graph_format=graph_format,
        timeout=timeout,
        max_rows=max_rows,
    )
