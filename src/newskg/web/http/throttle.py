"""Per-client budgets of SPARQL query time, in the manner of Wikidata's query service.

Each client may spend ``THROTTLE_QUERY_SECONDS`` of query-engine time per
``THROTTLE_WINDOW`` seconds. What a client spends is a debt that drains at
``budget / window`` per second (a leaky bucket); while its debt is at or over the budget,
every query it sends is answered 429 with ``Retry-After`` (the seconds until the debt is
back under the budget) in the one error shape. Only time the engine spent counts: answers
from the cache and 304s cost nothing. ``THROTTLE_QUERY_SECONDS = 0`` turns throttling off.

Who the client is (the connection's address, or what a trusted proxy says) is
:mod:`newskg.web.http.clients`; which requests count is the endpoint's own reading of its
parameters, handed to :func:`init_app`.

Time already spent counts too: while a client's queries run, their elapsed time is added to
its debt when its next query is admitted, so a client cannot start many slow queries at
once on an empty debt. And each client may have at most ``CLIENT_QUERIES`` queries (and
request bodies being received, see :mod:`newskg.web.http.body`) in flight at once across all
workers; one more is 429 with ``Retry-After`` at once, before it holds a thread.

Debts and in-flight queries are shared by every server worker (separate processes) through
one small SQLite file (:mod:`newskg.web.http.budgets`). The bookkeeping fails closed: when the
file cannot be read or written (a full disk), queries are answered 503 rather than served
unthrottled, and ``newskg_throttle_failures_total`` counts it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, current_app, g, request

from newskg.sparql.answers import take_spent
from newskg.web.http.budgets import (
    ERRORS,
    Budgets,
    ThrottleUnavailable,
    budgets_path,
    open_budgets,
)
from newskg.web.http.clients import Network, client_address, parse_networks
from newskg.web.http.errors import APIError

log = logging.getLogger(__name__)
EXTENSION = "newskg.throttle"
ASKS_QUERY = "newskg.throttle.asks_query"


def _metrics() -> Any:
    """:mod:`newskg.web.http.metrics`, imported when first counted: ``newskg serve`` checks the
    budgets file before it forks its workers, and prometheus_client must first be imported in the
    workers, after ``PROMETHEUS_MULTIPROC_DIR`` is set (see newskg.serve)."""
    from newskg.web.http import metrics

    return metrics


# --- the Flask side ----------------------------------------------------------------------------

THROTTLED_ENDPOINTS = frozenset({"sparql.endpoint"})
HINT = (
    "Wait for Retry-After seconds; make queries cheaper (bind a subject or a type, add "
    "LIMIT) or download a dump from /dumps/ for heavy analysis."
)


AsksQuery = Callable[[str, bytes], bool]


def _is_query() -> bool:
    """Whether this request asks the endpoint to run a query: the endpoint's own reading of
    its parameters (given to :func:`init_app`), so no spelling of a parameter name
    (``%71uery``) runs a query unthrottled."""
    asks_query: AsksQuery = current_app.extensions[ASKS_QUERY]
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
    except ERRORS as exc:
        raise unavailable(exc) from exc


def charge(budgets: Budgets, client: str, seconds: float) -> None:
    """Add ``seconds`` of query time to ``client``'s debt (logged loudly and counted, not
    raised, on failure: the answer is made already)."""
    try:
        budgets.charge(client, seconds)
    except ERRORS as exc:
        _metrics().THROTTLE_FAILURES.inc()
        log.error("throttle charge not written (%.3f s for %s, kept): %s", seconds, client, exc)


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
    except ERRORS as exc:
        raise unavailable(exc) from exc
    if row_id is None:
        raise too_many_in_flight(limit)
    try:
        yield
    finally:
        try:
            budgets.end(row_id)
        except ERRORS as exc:  # its pid is alive: counted until this worker exits
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
    seconds = take_spent()  # added by the engines as queries end
    budgets: Budgets | None = current_app.extensions.get(EXTENSION)
    if budgets is None or client is None or seconds <= 0:
        return
    charge(budgets, client, seconds)


def init_app(app: Flask, asks_query: AsksQuery) -> None:
    """Throttle ``app``'s SPARQL queries per client as its settings say (read once, here).
    ``asks_query(method, query_string)`` is the endpoint's reading of whether a request runs
    a query (:func:`newskg.web.endpoint.asks_query`: passed in, so this module, which the
    endpoint uses, does not import it back). A budgets file that cannot be used makes
    queries 503 (fail closed), logged here."""
    app.extensions[ASKS_QUERY] = asks_query
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
