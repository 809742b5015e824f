"""The throttle's bookkeeping: every client's debt of query time, in one SQLite file shared
by all server workers, and its places in flight, in a memory-mapped file beside it
(:mod:`newskg.web.http.places`); see :mod:`newskg.web.http.throttle` for the policy that uses
them.

The SQLite file is in WAL mode, next to the answer cache. A debt drains at ``budget / window``
per second (a leaky bucket), counted in wall-clock time, so it is shared by processes and
survives restarts. A read costs microseconds; a write, tens of them (several times that
under load), as much as answering a point lookup. So a worker keeps a client's charges until
they add up to ``FLUSH_SECONDS`` of query time (or are ``FLUSH_AFTER`` seconds old) and then
writes them in one statement: its own checks see them at once (:meth:`Budgets.debt` adds
them), and the other workers see a client's debt at most ``FLUSH_SECONDS`` short per worker,
a rounding error against budgets of seconds per minute. Likewise a worker reads a client's
row again only ``REREAD_AFTER`` seconds after its last read (the file's read was a tenth of a
point lookup's handling), so other workers' charges reach its checks that much later. What a
worker still owes the file
when its process exits normally is written then. Nothing here imports Flask: ``newskg
serve`` opens the files before it starts the workers.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import random
import sqlite3
import stat
import threading
import time
import weakref
from pathlib import Path

from newskg.errors import NewskgError
from newskg.web.http.cache import default_root
from newskg.web.http.places import Places

FILENAME = "throttle.sqlite3"
# What failing bookkeeping raises: the SQLite file's errors, and the places file's.
ERRORS = (sqlite3.Error, OSError)
PLACES_FILENAME = "places"  # beside it: see newskg.web.http.places
PRUNE_ONE_IN = 256  # charges between sweeps of fully drained debts
BUSY_MS = 200  # how long a worker waits for another one's write before giving up on it
FLUSH_SECONDS = 0.05  # query time a worker may owe the shared file per client (see above)
FLUSH_AFTER = 1.0  # seconds a client's charges may wait in a worker
REREAD_AFTER = 0.1  # seconds a worker reuses a client's row as it last read it
READ_CLIENTS = 4096  # rows kept in a worker; all are dropped when more clients come

_SCHEMA = """
CREATE TABLE IF NOT EXISTS debt (
    client TEXT PRIMARY KEY,
    seconds REAL NOT NULL,  -- query seconds owed at time `at`
    at REAL NOT NULL        -- wall-clock time: shared by processes, survives restarts
) WITHOUT ROWID;
"""
# One statement, so concurrent charges from several workers never lose one another's time.
_CHARGE = """
INSERT INTO debt (client, seconds, at) VALUES (:client, :seconds, :now)
ON CONFLICT (client) DO UPDATE SET
    seconds = max(0.0, seconds - max(0.0, excluded.at - at) * :rate) + excluded.seconds,
    at = max(at, excluded.at)
"""

_DEBT = "SELECT seconds, at FROM debt WHERE client = ?"


class Budgets:
    """The debts and places in flight of all clients, in files shared by every worker
    process. ``budget`` 0: no time budget (only places in flight are bounded)."""

    def __init__(self, path: Path, budget: float, window: float) -> None:
        self.path = path
        self.budget = budget
        self.window = window
        self.rate = budget / window  # seconds of debt forgiven per second
        self._local = threading.local()  # one connection per thread (sqlite3's rule)
        self._owed: dict[str, list[float]] = {}  # client -> [seconds not yet written, since]
        self._owed_lock = threading.Lock()
        self._read: dict[str, tuple[float, tuple[float, float] | None]] = {}  # client -> read
        self._places_file: Places | None = None
        _OPEN.add(self)

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
        read = self._read.get(client)
        if read is None or not 0 <= now - read[0] < REREAD_AFTER:
            if len(self._read) >= READ_CLIENTS:
                self._read = {}
            read = self._read[client] = (now, self._db().execute(_DEBT, (client,)).fetchone())
        row = read[1]
        running = self._places().running(client, now)
        owed = self._owed.get(client)
        running += owed[0] if owed else 0.0  # charged in this worker, not written yet
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
        """Add ``seconds`` of query time to the client's debt: at once in this worker's
        checks, in the shared file once the client's unwritten charges reach
        ``FLUSH_SECONDS`` or ``FLUSH_AFTER`` (see the module docstring). Raises
        one of :data:`ERRORS` when that write fails; the charges are kept for the next one."""
        if self.budget <= 0:
            return
        now = time.time() if now is None else now
        with self._owed_lock:
            owed = self._owed.setdefault(client, [0.0, now])
            owed[0] += seconds
            if owed[0] < FLUSH_SECONDS and now - owed[1] < FLUSH_AFTER:
                return
            del self._owed[client]
        self._write(client, owed[0], now)

    def flush(self) -> None:
        """Write every client's charges this worker has not written yet."""
        with self._owed_lock:
            owed, self._owed = self._owed, {}
        now = time.time()
        for client, (seconds, _) in owed.items():
            self._write(client, seconds, now)

    def _write(self, client: str, seconds: float, now: float) -> None:
        try:
            db = self._db()
            params = {"client": client, "seconds": seconds, "now": now, "rate": self.rate}
            db.execute(_CHARGE, params)
            self._read.pop(client, None)  # what it wrote counts in this worker's next check
        except ERRORS:
            with self._owed_lock:  # kept, so a passing failure loses nothing
                owed = self._owed.setdefault(client, [0.0, now])
                owed[0] += seconds
            raise
        if random.randrange(PRUNE_ONE_IN) == 0:
            db.execute("DELETE FROM debt WHERE seconds <= (? - at) * ?", (now, self.rate))

    def _places(self) -> Places:
        """The places in flight (opened on first use: a file that cannot be used fails each
        query that needs it, as the SQLite file does)."""
        if self._places_file is None:
            with self._owed_lock:
                if self._places_file is None:
                    self._places_file = Places(self.path.with_name(PLACES_FILENAME))
        return self._places_file

    def begin(self, client: str, limit: int, now: float | None = None) -> int | None:
        """Take one of ``client``'s ``limit`` places in flight (across all workers); its id,
        or None when all are taken. Raises ``OSError`` when the file cannot be used."""
        return self._places().begin(client, limit, now)

    def end(self, place: int) -> None:
        """Give back the place ``begin`` returned."""
        self._places().end(place)

    def in_flight(self, client: str) -> int:
        return self._places().in_flight(client)


_OPEN: weakref.WeakSet[Budgets] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    """At a normal exit, what each worker owes the shared file (best effort: a file that
    cannot be written then costs the clients at most ``FLUSH_SECONDS`` each)."""
    for budgets in list(_OPEN):
        with contextlib.suppress(*ERRORS):
            budgets.flush()


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
    except ERRORS as exc:
        raise ThrottleUnavailable(
            f"cannot use the throttle's file {path}: {exc}; free space there or choose "
            f"another --cache-dir (or turn throttling off: --throttle-query-seconds 0 "
            f"--client-queries 0)"
        ) from exc
    return budgets
