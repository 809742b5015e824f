"""Cheap queries wait behind heavy ones (issue 15, "Latency under a mixed load").

The attack: every query process of a worker runs a long analytical query; a cheap query then
waits for one (and is answered 503 "busy" after ``--query-wait``). With ``--query-lane 1``
the cheap query gets a process of its own and is answered; without it, it is not. Against a
live ``newskg serve`` (one worker, so its two query processes are the ones held), with the
long queries' time limit far away so that they are still running when the cheap one comes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import publish_mini, running_server

pytestmark = pytest.mark.slow
# A cross product of the store with itself seven times over: hours on any store.
LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(7)) + " }"
)
CHEAP = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def hold_both_processes(base: str) -> list[threading.Thread]:
    """Two long queries in flight (each in one of the worker's two query processes)."""
    threads = [
        threading.Thread(
            target=lambda: requests.post(base + "/sparql", data={"query": LONG}, timeout=120),
            daemon=True,
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)  # both running for far longer than the lane's 50 ms
    return threads


@pytest.fixture
def store(tmp_path: Path) -> Path:
    publish_mini(tmp_path / "store")
    return tmp_path / "store"


def serve(store: Path, workdir: Path, lane: str) -> Iterator[str]:
    return running_server(
        "newskg.serve",
        "--store",
        store,
        "--workers",
        "1",
        "--query-timeout",
        "60",
        "--query-lane",
        lane,
        "--client-queries",
        "8",
        workdir=workdir,
    )


@pytest.mark.parametrize(("lane", "status"), [("1", 200), ("0", 503)])
def test_a_cheap_query_is_answered_while_long_ones_hold_every_process(
    store: Path, tmp_path: Path, lane: str, status: int
) -> None:
    with serve(store, tmp_path, lane) as base:
        hold_both_processes(base)
        answer = requests.post(
            base + "/sparql",
            data={"query": CHEAP},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.status_code == status, answer.text
        if status == 200:
            assert len(answer.json()["results"]["bindings"]) == 1
        else:
            assert "all query processes are busy" in answer.json()["error"]["message"]
