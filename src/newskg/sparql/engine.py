"""Query evaluation on a local store, with a real time limit: the pool of query processes.

pyoxigraph 0.5 cannot cancel a query. So each web worker keeps a small pool of query
processes (:mod:`newskg.sparql.query_process`); a query runs in one of them, and when the time limit
passes the engine kills that process (the CPU is free at once), starts a fresh one for the
next query and answers 503. The web worker's threads keep serving other clients meanwhile.
With the short lane on (the ``query_lane`` setting; off by default), a query
that finds every query process held by a long query (one that has run ``LONG_SECONDS``)
takes one of that many more query processes instead of waiting, with the same limits; so a
cheap query is not queued behind analytical ones. Query processes run at a lower CPU
priority than the web worker (:data:`newskg.sparql.query_worker.NICENESS`).

    execute(store_path, request: QueryRequest) -> Answer

- ``request.results_format`` is used for SELECT/ASK, ``request.graph_format`` for
  CONSTRUCT/DESCRIBE; None for a kind the client does not accept: a query of that kind
  raises :class:`NotAcceptable`.
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

A point lookup is answered without a query process (:mod:`newskg.sparql.lookup`), and a store
on a remote triple store answers its queries itself (:mod:`newskg.backends.remote.engine`):
the app's published store (:mod:`newskg.backends.published`) says which runs a query.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from newskg import formats
from newskg.errors import APIError
from newskg.settings import WEB_THREADS
from newskg.sparql import sandbox
from newskg.sparql.answers import (
    NO_DATASET,
    Answer,
    DatasetSpec,
    NotAcceptable,
    QueryRequest,
    spent,
    too_many_rows,
)
from newskg.sparql.lexer import keywords, query_form
from newskg.sparql.query_process import QueryMemoryExceeded, QueryProcess
from newskg.sparql.sandbox import Limits

__all__ = [
    "NO_DATASET",
    "Answer",
    "DatasetSpec",
    "Engine",
    "Limits",
    "NotAcceptable",
    "QueryMemoryExceeded",
    "QueryProcessesBusy",
    "QueryTimeout",
    "StorageFailure",
    "engine_for",
]
log = logging.getLogger(__name__)
# Query processes per web worker (QUERY_PROCESSES overrides). Queries are CPU-bound: with the
# default 2 workers, 4 of them keep 2 cores busy; 8 (4 each) made concurrent analytical
# queries contend and did 10-15% less work per CPU second at a million triples.
QUERY_PROCESSES = 2
# The short lane: query processes a worker may add, beyond QUERY_PROCESSES, for a new query
# while every regular one runs a query that has run LONG_SECONDS or more, so that a cheap
# query is not queued behind analytical ones; a lane query has the same time limit, memory
# bound and sandbox as any other. Off by default (the query_lane setting): on bench/run.py's
# mix, where at a million triples every example query runs 0.3 s or more, one lane process
# per worker only added concurrency, for 12% less throughput and a higher median latency.
LANE_PROCESSES = 0
LONG_SECONDS = 0.05
# A query in the lane that has itself run LONG_SECONDS is no cheap one: its process drops to
# the lowest CPU priority (query_worker.DEMOTED_NICENESS), so it only takes CPU that the
# regular queries and the web worker leave, and is retired once the query ends.

# Web threads a worker keeps for everything but queries waiting for a query process
# (pages, /healthz, point lookups): the threads not running or keeping these may wait.
KEPT_FREE = 2


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


class Engine:
    """A pool of query processes for one web worker (created lazily, killed with it)."""

    def __init__(
        self,
        size: int,
        spool_dir: str | None = None,
        wait: float = 1.0,
        limits: Limits = Limits(),  # noqa: B008 - frozen: shared
        lane: int = LANE_PROCESSES,
    ) -> None:
        self.size = size
        self.slots = threading.BoundedSemaphore(size)
        self.lane = threading.BoundedSemaphore(lane) if lane > 0 else None
        # When each query holding a regular place started (by a token per call): whether
        # all of them are long decides if a new query may take the lane.
        self.running: dict[object, float] = {}
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

    def _lane_open(self) -> bool:
        """Take a place in the short lane if every regular query process is held by a
        query that has run for ``LONG_SECONDS`` or more (a new query would wait behind
        long ones); False when some regular query is young (it likely ends soon) or the
        lane is full."""
        if self.lane is None:
            return False
        with self.lock:
            now = time.monotonic()
            if len(self.running) < self.size or any(
                now - started < LONG_SECONDS for started in self.running.values()
            ):
                return False  # a regular place is free or being taken, or a query is young
        return self.lane.acquire(blocking=False)

    def _until_long(self) -> float:
        """Seconds until the youngest regular query has run ``LONG_SECONDS``."""
        with self.lock:
            youngest = max(self.running.values(), default=0.0)
        return max(0.001, youngest + LONG_SECONDS - time.monotonic())

    def _acquire(self, waited: float) -> threading.BoundedSemaphore:
        """A regular query process's place, or the short lane's; raises
        :class:`QueryProcessesBusy` after ``waited`` seconds without either."""
        if self.slots.acquire(blocking=False):
            return self.slots
        if self._lane_open():
            return cast(threading.BoundedSemaphore, self.lane)
        if self.queue.acquire(blocking=False):
            try:
                end = time.monotonic() + waited
                while (left := end - time.monotonic()) > 0:
                    # Woken when the youngest regular query turns long, to look at the
                    # lane again, if no regular place came free before.
                    if self.slots.acquire(timeout=min(left, self._until_long())):
                        return self.slots
                    if self._lane_open():
                        return cast(threading.BoundedSemaphore, self.lane)
            finally:
                self.queue.release()
        from newskg.sparql import counters  # after the server set up metrics

        counters.BUSY.inc()
        raise QueryProcessesBusy(waited)

    def run(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes | None]:
        # One deadline from arrival: waiting for a process is part of the time limit, so
        # the answer (or 503) never comes later than `timeout` after the query arrived.
        deadline = time.monotonic() + timeout
        place = self._acquire(min(self.wait, timeout))
        started = time.monotonic()
        token = object()
        if place is self.slots:
            with self.lock:
                self.running[token] = started
        if place is self.lane:
            request = {**request, "demote_after": LONG_SECONDS}
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
            if reply[0].get("demoted"):
                process.kill()  # its priority cannot be raised again: a fresh one next time
            else:
                self._give_back(process)
            return reply
        finally:
            with self.lock:
                self.running.pop(token, None)
            place.release()
            spent(time.monotonic() - started)

    @staticmethod
    def message(store_path: Path, request: QueryRequest, out: str) -> dict[str, Any]:
        """What a query process is sent for ``request`` (its answer goes to ``out`` when it
        is too large for the pipe)."""
        query, dataset = request.query, request.dataset
        return {
            "store": str(store_path),
            "query": query,
            "default_graphs": list(dataset.default_graphs),
            "named_graphs": list(dataset.named_graphs),
            "formats": {
                "results": request.results_format and request.results_format.name,
                "graph": request.graph_format and request.graph_format.name,
            },
            "max_rows": request.max_rows,
            "base_iri": request.base_iri,
            "out": out,
            # Read from the words the web worker lexed already (kept for the last few
            # texts), so the query process spends no time on them: the union is the default
            # dataset unless the request or the query's FROM / FROM NAMED gives one
            # (pyoxigraph would let the union flag override a FROM).
            "union": not dataset.default_graphs
            and not dataset.named_graphs
            and "FROM" not in keywords(query),
            "describe": query_form(query) == "DESCRIBE",
        }

    def execute(self, store_path: Path, request: QueryRequest) -> Answer:
        # Named here, created only by a query process whose answer is too large for the pipe.
        out = f"{self.spool}/{next(self.names)}"
        message = self.message(store_path, request, out)
        try:
            reply, inline = self.run(message, request.timeout)
        except BaseException:
            with contextlib.suppress(OSError):  # stopped while it may have been writing it
                os.unlink(out)
            raise
        try:
            return _answer(reply, inline, out, request.max_rows)
        finally:
            if reply.get("spilled"):
                os.unlink(out)  # an open answer file lives on until the response closes it


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
    if is_storage_failure(str(reply.get("message", ""))):
        # newskg.backends.local_published answers it: another, intact version is served
        raise StorageFailure(reply["message"])
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


def engine_for(config: Mapping[str, Any]) -> Engine:
    """An engine as a server's settings ask (``QUERY_PROCESSES``, ``QUERY_LANE``,
    ``QUERY_MEMORY``, ``ALLOW_UNSANDBOXED_QUERIES``, ``QUERY_WAIT``); its query processes
    start lazily."""
    return Engine(
        size=int(config.get("QUERY_PROCESSES", QUERY_PROCESSES)),
        lane=int(config.get("QUERY_LANE", LANE_PROCESSES)),
        limits=Limits(
            int(config.get("QUERY_MEMORY", 0)),
            bool(config.get("ALLOW_UNSANDBOXED_QUERIES", False)),
        ),
        wait=float(config.get("QUERY_WAIT", 1.0)),
    )


class StorageFailure(RuntimeError):
    """A query process met a storage error: the version it read may be damaged."""


def is_storage_failure(message: str) -> bool:
    """Whether an error message is RocksDB's for damaged or unreadable files."""
    return message.removeprefix("RuntimeError: ").startswith(("Corruption", "IO error"))
