"""What the query engine counts for ``/metrics``: queries refused because every query process
was busy, and queries stopped at the memory bound.

Counters of the SPARQL side, defined here so the engine needs nothing of the web; the server's
``/metrics`` (:mod:`newskg.web.http.metrics`) reports them with the rest. Imported lazily, once
the server has chosen where prometheus_client keeps its counts (``PROMETHEUS_MULTIPROC_DIR``).
"""

from __future__ import annotations

from prometheus_client import Counter

BUSY = Counter(
    "newskg_busy_total",
    "Requests answered 503 at once because every query process (or body reader) "
    "of the worker was busy.",
)
QUERY_MEMORY_EXCEEDED = Counter(
    "newskg_query_memory_exceeded_total",
    "SPARQL queries stopped at the memory bound of a query process (`--query-memory`).",
)
