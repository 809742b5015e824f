"""``/metrics`` in the Prometheus text exposition format, summed over all the server's workers.

Each worker process counts for itself; under ``newskg serve`` the counters live in
prometheus_client's multiprocess files in ``PROMETHEUS_MULTIPROC_DIR`` (set by
:mod:`newskg.serve` before the workers fork), and ``/metrics`` sums every worker's files,
so whichever worker answers the scrape reports the whole server. Without that variable (the
test client, a single process) the process's own registry is reported.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

# The query engine's counters, registered with the rest so /metrics lists them from the start.
from newskg.sparql.counters import BUSY, QUERY_MEMORY_EXCEEDED

__all__ = ["BUSY", "QUERY_MEMORY_EXCEEDED", "count", "init_app"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "newskg_http_requests_total",
    "HTTP requests answered, by endpoint and status.",
    ["endpoint", "status"],
)
LATENCY = Histogram(
    "newskg_http_request_duration_seconds",
    "Time from request to response headers (streamed bodies not included), by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUERY_TIMEOUTS = Counter("newskg_query_timeouts_total", "SPARQL queries stopped at the time limit.")
CACHE_HITS = Counter("newskg_cache_hits_total", "SPARQL answers served from the answer cache.")
CACHE_MISSES = Counter(
    "newskg_cache_misses_total",
    "SPARQL answers that had to be evaluated (not in the answer cache).",
)
FAST_LANE = Counter(
    "newskg_fast_lane_total",
    "SPARQL point lookups answered in the web worker, without a query process.",
)
THROTTLED = Counter(
    "newskg_throttled_total",
    "SPARQL queries refused with 429: the client used its share of query time.",
)
THROTTLE_FAILURES = Counter(
    "newskg_throttle_failures_total",
    "Failures of the throttle's bookkeeping file (a full or unusable cache disk): queries are "
    "refused (503) while it fails.",
)
IN_FLIGHT = Gauge(
    "newskg_queries_in_flight",
    "SPARQL queries being evaluated right now.",
    multiprocess_mode="livesum",
)

bp = Blueprint("metrics", __name__)


@bp.route("/metrics")
def metrics() -> Response:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(
        generate_latest(registry),
        content_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )


def _start() -> None:
    g.metrics_started = time.perf_counter()


# The labelled series of each (endpoint, status) seen, so a request skips ``labels()`` (its
# lock and label checks were a twentieth of a point lookup's handling). Bounded: endpoints
# are route patterns and statuses a few dozen codes.
_SERIES: dict[tuple[str, int], tuple[Any, Any]] = {}


def count(endpoint: str, status: int, seconds: float | None) -> None:
    """Count one answered request (``seconds`` from its start to its response headers)."""
    series = _SERIES.get((endpoint, status))
    if series is None:
        series = REQUESTS.labels(endpoint, str(status)), LATENCY.labels(endpoint)
        _SERIES[endpoint, status] = series
    series[0].inc()
    if seconds is not None:
        series[1].observe(seconds)


def _finish(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    # The route pattern, not the path, so a scan of random URLs adds no label values.
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    count(
        endpoint, response.status_code, None if started is None else time.perf_counter() - started
    )
    return response


def init_app(app: Flask) -> None:
    """Count every request of ``app`` and serve ``/metrics``."""
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)
