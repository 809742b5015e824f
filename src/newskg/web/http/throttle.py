"""Per-client budgets of SPARQL query time, in the manner of Wikidata's query service.

Each client may spend ``THROTTLE_QUERY_SECONDS`` of query-engine time per
``THROTTLE_WINDOW`` seconds. What a client spends is a debt that drains at
``budget / window`` per second (a leaky bucket); while its debt is at or over the budget,
every query it sends is answered 429 with ``Retry-After`` (the seconds until the debt is
back under the budget) in the one error shape. Only time the engine spent counts: answers
from the cache and 304s cost nothing. ``THROTTLE_QUERY_SECONDS = 0`` turns throttling off.

The client is the connection's address; when that address is one of ``TRUSTED_PROXIES``,
the right-most ``X-Forwarded-For`` address that is not itself a trusted proxy (the one the
proxy saw), so a client cannot pick its own identity by sending the header itself.

Time already spent counts too: while a client's queries run, their elapsed time is added to
its debt when its next query is admitted, so a client cannot start many slow queries at
once on an empty debt. And each client may have at most ``CLIENT_QUERIES`` queries (and
request bodies being received, see :mod:`newskg.web.http.body`) in flight at once across all
workers; one more is 429 with ``Retry-After`` at once, before it holds a thread.

Debts and in-flight queries are shared by every server worker (separate processes) through
one small SQLite file in WAL mode next to the answer cache; a lookup or a charge costs tens
of microseconds. An in-flight row names its worker's pid: rows of a worker that died are
dropped when that client is next admitted. The bookkeeping fails closed: when the file
cannot be read or written (a full disk), queries are answered 503 rather than served
unthrottled, and ``newskg_throttle_failures_total`` counts it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
import os
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request

from newskg.web.http.cache import default_root
from newskg.web.http.errors import APIError

log = logging.getLogger(__name__)
EXTENSION = "newskg.throttle"
FILENAME = "throttle.sqlite3"
PRUNE_ONE_IN = 256  # charges between sweeps of fully drained debts
BUSY_MS = 200  # how long a worker waits for another one's write before giving up on it

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_SCHEMA = """
CREATE TABLE IF NOT EXISTS debt (
    client TEXT PRIMARY KEY,
    seconds REAL NOT NULL,  -- query seconds owed at time `at`
    at REAL NOT NULL        -- wall-clock time: shared by processes, survives restarts
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inflight (
    id INTEGER PRIMARY KEY,
    client TEXT NOT NULL,
    pid INTEGER NOT NULL,   -- the worker process running it: dead workers' rows are dropped
    started REAL NOT NULL   -- wall-clock time the query (or body) began
);
CREATE INDEX IF NOT EXISTS inflight_client ON inflight (client);
"""
# One statement, so concurrent charges from several workers never lose one another's time.
_CHARGE = """
INSERT INTO debt (client, seconds, at) VALUES (:client, :seconds, :now)
ON CONFLICT (client) DO UPDATE SET
    seconds = max(0.0, seconds - max(0.0, excluded.at - at) * :rate) + excluded.seconds,
    at = max(at, excluded.at)
"""


def parse_networks(value: str) -> tuple[Network, ...]:
    """The networks of a space- or comma-separated list of addresses and CIDR networks.

    >>> [str(n) for n in parse_networks("127.0.0.1, 10.0.0.0/8 ::1")]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    """
    networks = []
    for item in value.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"trusted_proxies: {item!r} is not an IP address or network "
                f"(give addresses like 10.0.0.5 or networks like 10.0.0.0/8)"
            ) from exc
    return tuple(networks)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(remote: str | None, forwarded: str | None, proxies: tuple[Network, ...]) -> str:
    """Who is asking: ``remote`` (the connection's address) unless it is a trusted proxy;
    then the right-most ``X-Forwarded-For`` entry that is not a trusted proxy.

    >>> proxies = parse_networks("10.0.0.0/8")
    >>> client_address("10.0.0.2", "6.6.6.6, 192.0.2.7, 10.0.0.3", proxies)
    '192.0.2.7'
    >>> client_address("192.0.2.9", "6.6.6.6", proxies)  # not from a proxy: header ignored
    '192.0.2.9'
    >>> client_address("10.0.0.2", "not-an-address", proxies)  # garbage: the proxy is it
    '10.0.0.2'
    """
    remote = remote or "unknown"
    if not forwarded or not _trusted(remote, proxies):
        return remote
    for hop in reversed(forwarded.split(",")):
        hop = hop.strip()
        if _trusted(hop, proxies):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # the proxy would not write this: do not let it name a client
    return remote


class Budgets:
    """The debts and in-flight queries of all clients, in one SQLite file shared by every
    worker process. ``budget`` 0: no time budget (only in-flight queries are bounded)."""

    def __init__(self, path: Path, budget: float, window: float) -> None:
        self.path = path
        self.budget = budget
        self.window = window
        self.rate = budget / window  # seconds of debt forgiven per second
        self._local = threading.local()  # one connection per thread (sqlite3's rule)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # losing the last debts in a crash is fine
            db.executescript(_SCHEMA)
            self._local.db = db
        return db

    def debt(self, client: str, now: float | None = None) -> float:
        """The client's debt now, in query seconds: what it spent, drained since, plus the
        time its queries in flight have run so far."""
        now = time.time() if now is None else now
        db = self._db()
        running = db.execute(
            "SELECT total(max(0.0, ? - started)) FROM inflight WHERE client = ?", (now, client)
        ).fetchone()[0]
        row = db.execute("SELECT seconds, at FROM debt WHERE client = ?", (client,)).fetchone()
        if row is None:
            return running
        seconds, at = row
        return max(0.0, seconds - max(0.0, now - at) * self.rate) + running

    def retry_after(self, client: str, now: float | None = None) -> int | None:
        """Whole seconds until the client may query again, or None if it may now."""
        if self.budget <= 0:
            return None
        over = self.debt(client, now) - self.budget
        if over < 0:
            return None
        return max(1, math.ceil(over / self.rate))

    def charge(self, client: str, seconds: float, now: float | None = None) -> None:
        """Add ``seconds`` of query time to the client's debt."""
        if self.budget <= 0:
            return
        now = time.time() if now is None else now
        db = self._db()
        db.execute(_CHARGE, {"client": client, "seconds": seconds, "now": now, "rate": self.rate})
        if random.randrange(PRUNE_ONE_IN) == 0:
            db.execute("DELETE FROM debt WHERE seconds <= (? - at) * ?", (now, self.rate))

    def begin(self, client: str, limit: int, now: float | None = None) -> int | None:
        """Record one more query of ``client`` in flight; its id, or None when the client
        has ``limit`` in flight already (across all workers). One transaction, so two
        workers never both admit the last one."""
        now = time.time() if now is None else now
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            rows = db.execute("SELECT id, pid FROM inflight WHERE client = ?", (client,)).fetchall()
            dead = [(row_id,) for row_id, pid in rows if not _alive(pid)]
            if dead:  # a worker died mid-query (killed, crashed): its rows count no more
                db.executemany("DELETE FROM inflight WHERE id = ?", dead)
            if len(rows) - len(dead) >= limit:
                db.execute("COMMIT")
                return None
            row_id = db.execute(
                "INSERT INTO inflight (client, pid, started) VALUES (?, ?, ?)",
                (client, os.getpid(), now),
            ).lastrowid
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return row_id

    def end(self, row_id: int) -> None:
        """The query ``begin`` recorded has ended."""
        self._db().execute("DELETE FROM inflight WHERE id = ?", (row_id,))

    def in_flight(self, client: str) -> int:
        return (
            self._db()
            .execute("SELECT count(*) FROM inflight WHERE client = ?", (client,))
            .fetchone()[0]
        )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's (the pid was reused): keep the row
    return True


class ThrottleUnavailable(Exception):
    """The throttle's bookkeeping file cannot be used (start-up check of ``newskg serve``)."""


def budgets_path(cache_dir: str | None) -> Path:
    """The shared budgets file: beside the answer cache's directory (``<cache dir>-throttle/``:
    not inside it, since the cache owns and prunes everything there)."""
    cache = Path(cache_dir) if cache_dir else default_root()
    return cache.with_name(cache.name + "-throttle") / FILENAME


def open_budgets(
    cache_dir: str | None, budget: float, window: float, client_queries: int = 0
) -> Budgets | None:
    """The shared budgets file, or None when throttling is off (no budget and no bound on
    queries in flight). Raises :class:`ThrottleUnavailable` when the file cannot be used."""
    if budget <= 0 and client_queries <= 0:
        return None
    if window <= 0:
        raise ValueError(f"throttle_window must be positive, got {window:g} seconds")
    path = budgets_path(cache_dir)
    base = path.parent
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(base)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise ThrottleUnavailable(
                f"{base} is not a directory of this user; remove it or choose another --cache-dir"
            )
        budgets = Budgets(path, max(0.0, budget), window)
        budgets.debt("")  # creates the file and tables now, so a problem shows at start-up
    except (OSError, sqlite3.Error) as exc:
        raise ThrottleUnavailable(
            f"cannot use the throttle's file {path}: {exc}; free space there or choose "
            f"another --cache-dir (or turn throttling off: --throttle-query-seconds 0 "
            f"--client-queries 0)"
        ) from exc
    return budgets


def _metrics() -> Any:
    """:mod:`newskg.web.http.metrics`, imported when first counted: ``newskg serve`` checks the
    budgets
    file before it forks its workers, and prometheus_client must first be imported in the
    workers, after ``PROMETHEUS_MULTIPROC_DIR`` is set (see newskg.serve)."""
    from newskg.web.http import metrics

    return metrics


# --- the Flask side ----------------------------------------------------------------------------

THROTTLED_ENDPOINTS = frozenset({"sparql.endpoint"})
HINT = (
    "Wait for Retry-After seconds; make queries cheaper (bind a subject or a type, add "
    "LIMIT) or download a dump from /dumps/ for heavy analysis."
)


def _is_query() -> bool:
    """Whether this request asks the endpoint to run a query: the endpoint's own reading of
    its parameters (:func:`newskg.web.endpoint.asks_query`), so no spelling of a parameter name
    (``%71uery``) runs a query unthrottled."""
    from newskg.web.endpoint import asks_query

    return request.endpoint in THROTTLED_ENDPOINTS and asks_query(
        request.method, request.query_string
    )


def unavailable(exc: Exception) -> APIError:
    """503 when the bookkeeping fails: fail closed (logged loudly and counted)."""
    _metrics().THROTTLE_FAILURES.inc()
    log.error("throttle bookkeeping failed, query refused: %s", exc)
    return APIError(
        503,
        "the server cannot do its per-client bookkeeping of query time "
        "right now, so it runs no queries (pages and dumps are served)",
        "Try again later; the operator is told (server log, newskg_throttle_failures_total).",
        headers={"Retry-After": "10"},
    )


def over_budget(budgets: Budgets, client: str) -> int | None:
    """Seconds until ``client`` may query again, or None if it may now. Raises APIError 503
    when the budgets cannot be read (fail closed)."""
    try:
        return budgets.retry_after(client)
    except sqlite3.Error as exc:
        raise unavailable(exc) from exc


def charge(budgets: Budgets, client: str, seconds: float) -> None:
    """Add ``seconds`` of query time to ``client``'s debt (logged loudly and counted, not
    raised, on failure: the answer is made already)."""
    try:
        budgets.charge(client, seconds)
    except sqlite3.Error as exc:
        _metrics().THROTTLE_FAILURES.inc()
        log.error("throttle charge failed (%.3f s for %s not counted): %s", seconds, client, exc)


def too_many_in_flight(limit: int) -> APIError:
    _metrics().THROTTLED.inc()
    return APIError(
        429,
        f"this client has {limit} queries (or request bodies) in flight already, the "
        f"most one client may have at once",
        "Wait for an answer before sending the next query; Retry-After says when to try again.",
        headers={"Retry-After": "1"},
    )


@contextlib.contextmanager
def in_flight(budgets: Budgets | None, client: str | None, limit: int) -> Iterator[None]:
    """Hold one of ``client``'s ``limit`` places in flight for the block (429 when none is
    free; 503 when the bookkeeping fails). No limit without budgets, client or ``limit``."""
    if budgets is None or client is None or limit <= 0:
        yield
        return
    try:
        row_id = budgets.begin(client, limit)
    except sqlite3.Error as exc:
        raise unavailable(exc) from exc
    if row_id is None:
        raise too_many_in_flight(limit)
    try:
        yield
    finally:
        try:
            budgets.end(row_id)
        except sqlite3.Error as exc:  # its pid is alive: counted until this worker exits
            _metrics().THROTTLE_FAILURES.inc()
            log.error("throttle: could not end in-flight query of %s: %s", client, exc)


def query_slot() -> contextlib.AbstractContextManager[None]:
    """The current request's place in flight while its query runs in the engine (see
    :func:`in_flight`); the client was identified by :func:`_check`."""
    return in_flight(
        current_app.extensions.get(EXTENSION),
        g.get("throttle_client"),
        int(current_app.config.get("CLIENT_QUERIES", 0)),
    )


def requester(environ: dict[str, Any], proxies: tuple[Network, ...]) -> str:
    """The client of a WSGI request (see :func:`client_address`)."""
    return client_address(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), proxies)


def _check() -> None:
    budgets: Budgets | None = current_app.extensions.get(EXTENSION)
    if budgets is None or not _is_query():
        return
    client = requester(request.environ, current_app.config["TRUSTED_PROXY_NETWORKS"])
    g.throttle_client = client  # charged when the request ends (see _charge)
    wait = over_budget(budgets, client)
    if wait is not None:
        _metrics().THROTTLED.inc()
        raise APIError(
            429,
            f"this client used its share of query time ({budgets.budget:g} s of query "
            f"time per {budgets.window:g} s); try again in {wait} s",
            HINT,
            headers={"Retry-After": str(wait)},
        )


def _charge(_exc: BaseException | None) -> None:
    client = g.pop("throttle_client", None)
    seconds = g.pop("query_seconds", 0.0)  # added by newskg.sparql.engine as queries end
    budgets: Budgets | None = current_app.extensions.get(EXTENSION)
    if budgets is None or client is None or seconds <= 0:
        return
    charge(budgets, client, seconds)


def init_app(app: Flask) -> None:
    """Throttle ``app``'s SPARQL queries per client as its settings say (read once, here).
    A budgets file that cannot be used makes queries 503 (fail closed), logged here."""
    config = app.config
    config["TRUSTED_PROXY_NETWORKS"] = parse_networks(str(config.get("TRUSTED_PROXIES", "")))
    budget = float(config.get("THROTTLE_QUERY_SECONDS", 0))
    window = float(config.get("THROTTLE_WINDOW", 60))
    limit = int(config.get("CLIENT_QUERIES", 0))
    try:
        budgets = open_budgets(config.get("CACHE_DIR") or None, budget, window, limit)
    except ThrottleUnavailable as exc:
        _metrics().THROTTLE_FAILURES.inc()
        log.error("throttle: %s; queries are refused until it is fixed", exc)
        budgets = Budgets(
            budgets_path(config.get("CACHE_DIR") or None), max(0.0, budget), window
        )  # each use fails again: 503, until the file works
    if budgets is not None:
        app.extensions[EXTENSION] = budgets
    app.before_request(_check)
    app.teardown_request(_charge)
