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

Debts are shared by every server worker (separate processes) through one small SQLite file
in WAL mode next to the answer cache; a lookup or a charge costs tens of microseconds. If
the file cannot be used the server serves without throttling and logs why, rather than fail
queries over bookkeeping.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import random
import sqlite3
import stat
import threading
import time
from pathlib import Path

from flask import Flask, current_app, g, request

from server import metrics
from server.cache import default_root
from server.errors import APIError

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
) WITHOUT ROWID
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
            raise ValueError(f"trusted_proxies: {item!r} is not an IP address or network "
                             f"(give addresses like 10.0.0.5 or networks like 10.0.0.0/8)"
                             ) from exc
    return tuple(networks)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(remote: str | None, forwarded: str | None,
                   proxies: tuple[Network, ...]) -> str:
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
    """The debts of all clients, in one SQLite file shared by every worker process."""

    def __init__(self, path: Path, budget: float, window: float) -> None:
        self.path = path
        self.budget = budget
        self.rate = budget / window  # seconds of debt forgiven per second
        self._local = threading.local()  # one connection per thread (sqlite3's rule)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # losing the last debts in a crash is fine
            db.execute(_SCHEMA)
            self._local.db = db
        return db

    def debt(self, client: str, now: float | None = None) -> float:
        """The client's debt now, in query seconds."""
        now = time.time() if now is None else now
        row = self._db().execute("SELECT seconds, at FROM debt WHERE client = ?",
                                 (client,)).fetchone()
        if row is None:
            return 0.0
        seconds, at = row
        return max(0.0, seconds - max(0.0, now - at) * self.rate)

    def retry_after(self, client: str, now: float | None = None) -> int | None:
        """Whole seconds until the client may query again, or None if it may now."""
        over = self.debt(client, now) - self.budget
        if over < 0:
            return None
        return max(1, math.ceil(over / self.rate))

    def charge(self, client: str, seconds: float, now: float | None = None) -> None:
        """Add ``seconds`` of query time to the client's debt."""
        now = time.time() if now is None else now
        db = self._db()
        db.execute(_CHARGE, {"client": client, "seconds": seconds, "now": now,
                             "rate": self.rate})
        if random.randrange(PRUNE_ONE_IN) == 0:
            db.execute("DELETE FROM debt WHERE seconds <= (? - at) * ?", (now, self.rate))


def open_budgets(cache_dir: str | None, budget: float, window: float) -> Budgets | None:
    """The shared budgets file beside the answer cache's directory (``<cache dir>-throttle/``:
    not inside it, since the cache owns and prunes everything there), or None when throttling
    is off or the directory cannot be used (logged)."""
    if budget <= 0:
        return None
    if window <= 0:
        raise ValueError(f"throttle_window must be positive, got {window:g} seconds")
    cache = Path(cache_dir) if cache_dir else default_root()
    base = cache.with_name(cache.name + "-throttle")
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(base)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            log.warning("throttling off: %s is not a directory of this user", base)
            return None
        budgets = Budgets(base / FILENAME, budget, window)
        budgets.debt("")  # creates the file and table now, so a problem shows at start-up
    except (OSError, sqlite3.Error) as exc:
        log.warning("throttling off: cannot use %s: %s", base / FILENAME, exc)
        return None
    return budgets


# --- the Flask side ----------------------------------------------------------------------------

THROTTLED_ENDPOINTS = frozenset({"sparql.endpoint"})


def _is_query() -> bool:
    """Whether this request asks the endpoint to run a query (not its description page)."""
    return (request.endpoint in THROTTLED_ENDPOINTS
            and (request.method == "POST" or b"query=" in request.query_string))


def over_budget(budgets: Budgets, client: str) -> int | None:
    """Seconds until ``client`` may query again, or None if it may now (also when the
    budgets cannot be read: bookkeeping never fails a query)."""
    try:
        return budgets.retry_after(client)
    except sqlite3.Error as exc:
        log.warning("throttle lookup failed, query allowed: %s", exc)
        return None


def charge(budgets: Budgets, client: str, seconds: float) -> None:
    """Add ``seconds`` of query time to ``client``'s debt (logged, not raised, on failure)."""
    try:
        budgets.charge(client, seconds)
    except sqlite3.Error as exc:
        log.warning("throttle charge failed (%.3f s for %s not counted): %s",
                    seconds, client, exc)


def _check() -> None:
    budgets: Budgets | None = current_app.extensions.get(EXTENSION)
    if budgets is None or not _is_query():
        return
    client = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                            current_app.config["TRUSTED_PROXY_NETWORKS"])
    wait = over_budget(budgets, client)
    g.throttle_client = client  # charged when the request ends (see _charge)
    if wait is not None:
        metrics.THROTTLED.inc()
        window = current_app.config["THROTTLE_WINDOW"]
        raise APIError(
            429,
            f"this client used its share of query time ({budgets.budget:g} s of query "
            f"time per {window:g} s); try again in {wait} s",
            "Wait for Retry-After seconds; make queries cheaper (bind a subject or a type, "
            "add LIMIT) or download a dump from /dumps/ for heavy analysis.",
            headers={"Retry-After": str(wait)})


def _charge(_exc: BaseException | None) -> None:
    client = g.pop("throttle_client", None)
    seconds = g.pop("query_seconds", 0.0)  # added by server.engine as queries end
    budgets: Budgets | None = current_app.extensions.get(EXTENSION)
    if budgets is None or client is None or seconds <= 0:
        return
    charge(budgets, client, seconds)


def init_app(app: Flask) -> None:
    """Throttle ``app``'s SPARQL queries per client as its settings say (read once, here)."""
    config = app.config
    config["TRUSTED_PROXY_NETWORKS"] = parse_networks(str(config.get("TRUSTED_PROXIES", "")))
    budgets = open_budgets(config.get("CACHE_DIR") or None,
                           float(config.get("THROTTLE_QUERY_SECONDS", 0)),
                           float(config.get("THROTTLE_WINDOW", 60)))
    if budgets is not None:
        app.extensions[EXTENSION] = budgets
    app.before_request(_check)
    app.teardown_request(_charge)
