"""A full cache disk turned throttling off silently (issue 11): when the throttle's file could
not be used, the server logged once and served every query unthrottled. Now the bookkeeping
fails closed: queries are 503 (pages are served), ``newskg_throttle_failures_total`` counts
it, and ``newskg serve`` refuses to start (exit 2) on an unusable file. Also: a query in
flight in a worker that died stops counting against its client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from newskg.web import create_app
from newskg.web.http.budgets import Budgets
from tests.conftest import ROOT


def unusable_cache(tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    (tmp_path / "cache-throttle").write_text("not a directory")  # where the file must go
    return cache


def failures(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "newskg_throttle_failures_total"
    )


def test_queries_are_refused_when_the_bookkeeping_fails(store_dir: Path, tmp_path: Path) -> None:
    client = create_app(
        {"STORE": str(store_dir), "TESTING": True, "CACHE_DIR": str(unusable_cache(tmp_path))}
    ).test_client()
    before = failures(client.get("/metrics").get_data(as_text=True))
    reply = client.get(
        "/sparql",
        query_string={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/json"},
    )
    assert reply.status_code == 503
    assert "bookkeeping" in json.loads(reply.data)["error"]["message"]
    assert reply.headers["Retry-After"] == "10"
    assert client.get("/healthz").status_code == 200  # pages are served
    assert failures(client.get("/metrics").get_data(as_text=True)) > before


def test_serve_refuses_to_start_on_an_unusable_throttle_file(
    store_dir: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newskg.cli",
            "serve",
            "--store",
            str(store_dir),
            "--port",
            "0",
            "--cache-dir",
            str(unusable_cache(tmp_path)),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "throttle" in result.stderr and "--cache-dir" in result.stderr


DIES_IN_FLIGHT = """
import os, sys
from pathlib import Path
from newskg.web.http.budgets import Budgets
Budgets(Path(sys.argv[1]), budget=10, window=60).begin("c", limit=1)
os._exit(0)  # a worker killed mid-query: its place is never given back
"""


def test_a_dead_workers_queries_stop_counting(tmp_path: Path) -> None:
    path = tmp_path / "throttle.sqlite3"
    subprocess.run([sys.executable, "-c", DIES_IN_FLIGHT, str(path)], cwd=ROOT, check=True)
    budgets = Budgets(path, budget=10, window=60)
    assert budgets.debt("c") == 0  # the dead worker's place runs up no debt
    first = budgets.begin("c", limit=1)  # nor does it take the place
    assert first is not None
    assert budgets.begin("c", limit=1) is None  # but a live one does
    budgets.end(first)
    assert budgets.in_flight("c") == 0
