"""The throttle's bookkeeping: every client's debt of query time and its queries in flight,
in one SQLite file shared by all server workers (see :mod:`newskg.web.http.throttle` for the
policy that uses it).

The file is in WAL mode, next to the answer cache; a lookup or a charge costs tens of
microseconds. A debt drains at ``budget / window`` per second (a leaky bucket), counted in
wall-clock time, so it is shared by processes and survives restarts. An in-flight row names its
worker's pid: rows of a worker that died are dropped when that client is next admitted.
Nothing here imports Flask: ``newskg serve`` opens the file before it starts the workers.
"""

from __future__ import annotations

import math
import os
import random
import sqlite3
import stat
import threading
import time
from pathlib import Path

from newskg.errors import NewskgError
from newskg.web.http.cache import default_root

FILENAME = "throttle.sqlite3"
PRUNE_ONE_IN = 256  # charges between sweeps of fully drained debts
BUSY_MS = 200  # how long a worker waits for another one's write before giving up on it

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

_DEBT = """
SELECT (SELECT total(max(0.0, :now - started)) FROM inflight WHERE client = :client),
       debt.seconds, debt.at
FROM (SELECT 1) LEFT JOIN debt ON debt.client = :client
"""


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
        # One statement, one read transaction: every query of every client asks this.
        running, seconds, at = self._db().execute(_DEBT, {"client": client, "now": now}).fetchone()
        if seconds is None:
            return float(running)
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


class ThrottleUnavailable(NewskgError):
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
