"""Issue 11, memory: a query process had no memory bound. ``ORDER BY`` over a cross join grew
at 0.5-0.8 GB/s, so four such queries exhausted the machine's 24 GiB in about 10 s, far
inside the 30 s time limit.

Now the engine reads each busy query process's private memory while it waits for the reply
and kills it past ``--query-memory`` (503 with Retry-After, counted in /metrics), and
RLIMIT_DATA is the backstop should the watchdog be late. These tests replay the runaway
query against a real server with a small bound, and the backstop alone through the engine.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newskg import formats
from newskg.sparql import query_process
from newskg.sparql.engine import Engine, Limits, QueryMemoryExceeded, QueryRequest
from tests.conftest import publish_mini

JSON = formats.by_name("json")

ROWS = 3000  # 9 million solutions in the cross join: well over 200 MB to sort
RUNAWAY = "SELECT ?a ?b WHERE { ?x <http://e/p> ?a . ?y <http://e/p> ?b } ORDER BY ?a ?b"
BOUND = 200_000_000


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    rows = "\n".join(
        f'<http://e/s{i}> <http://e/p> "value {i} with some padding words" .' for i in range(ROWS)
    )
    path = tmp_path / "big-store"
    publish_mini(path, extra="<http://e/g> {\n" + rows + "\n}\n")
    return path


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body; any status is returned, not raised."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    return status, {name.lower(): value for name, value in headers.items()}, body


def _query(base: str, query: str) -> tuple[int, dict[str, str], bytes]:
    return _get(base + "/sparql?" + urllib.parse.urlencode({"query": query}))


def _metric(base: str, name: str) -> float:
    text = _get(base + "/metrics")[2].decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


@pytest.mark.slow
def test_runaway_query_is_stopped_at_the_bound(start_server, big_store: Path) -> None:
    base = start_server(
        "newskg.serve", "--store", big_store, "--workers", "2", "--query-memory", str(BOUND)
    )
    status, headers, body = _query(base, RUNAWAY)
    assert status == 503, body
    error = json.loads(body)["error"]
    assert "memory bound of 191 MiB" in error["message"]
    assert "LIMIT" in error["hint"] and "dump" in error["hint"]
    assert headers["retry-after"] == "1"
    assert _metric(base, "newskg_query_memory_exceeded_total") == 1
    assert _metric(base, "newskg_query_timeouts_total") == 0
    # The server goes on answering, the next query included.
    assert _get(base + "/healthz")[0] == 200
    status, _, body = _query(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://e/p> ?o }")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(ROWS)


def test_backstop_when_the_watchdog_is_late(
    big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the watchdog asleep, RLIMIT_DATA makes the allocation fail (the process aborts):
    still the memory bound's 503, not a 500."""
    monkeypatch.setattr(query_process, "WATCH_SECONDS", 3600.0)
    engine = Engine(1, limits=Limits(memory=50_000_000))
    request = Engine.message(
        big_store / "current",
        QueryRequest(RUNAWAY, results_format=JSON, max_rows=10**9, timeout=30),
        f"{engine.spool}/0",
    )
    with pytest.raises(QueryMemoryExceeded):
        engine.run(request, 60)
    small = {**request, "query": "ASK { ?s ?p ?o }"}
    assert engine.run(small, 30)[0]["ok"]  # a fresh process answers the next query
