"""Fixtures for newskg on an existing triple store: a real ``oxigraph serve`` per module.

``oxigraph``        ``running_oxigraph`` for the module: the server's base URL
``newskg``          run the real ``newskg`` command line (``python -m newskg.cli``)
"""

from __future__ import annotations

import contextlib
import gzip
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import ROOT, free_port

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
#: The remote's own time limit: it stops a query the web server gave up on (see docs/backends.md).
REMOTE_TIMEOUT_S = 5
Newskg = Callable[..., subprocess.CompletedProcess[str]]


@contextlib.contextmanager
def running_oxigraph(workdir: Path) -> Iterator[str]:
    """``oxigraph serve`` on a fresh directory and a free loopback port until the block
    ends; yields ``http://127.0.0.1:PORT/`` once it answers."""
    port = free_port()
    location = workdir / f"oxigraph-{port}"
    log_path = workdir / f"oxigraph-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                OXIGRAPH,
                "serve",
                "--location",
                location,
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(REMOTE_TIMEOUT_S),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph exited with {process.returncode}:\n{log_path.read_text()}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(url + "query?query=ASK%7B%7D", timeout=2).ok:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph did not start:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield url
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def run_newskg(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m newskg.cli ARGS`` with settings from the arguments only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    return subprocess.run(
        [sys.executable, "-m", "newskg.cli", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def newskg() -> Newskg:
    return run_newskg


def store_url(remote: str, staging: Path, **params: str) -> str:
    """The ``--store`` value for ``remote`` (an http:// URL) with its staging directory."""
    query = "&".join(f"{k}={v}" for k, v in {**params, "staging": str(staging)}.items())
    return "sparql+" + remote + "?" + query


def remote_graph(remote: str, iri: str) -> Graph | None:
    """A graph of the remote, read with the Graph Store Protocol (None: 404)."""
    response = requests.get(
        remote + "store",
        params={"graph": iri},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return Graph().parse(data=response.text, format="nt")


def remote_graph_names(remote: str) -> set[str]:
    response = requests.post(
        remote + "query",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def local_graphs(version_path: Path) -> dict[str, Graph]:
    """Every named graph of a local version, as rdflib graphs."""
    opened = pyoxigraph.Store.read_only(str(version_path))
    graphs = {}
    for name in opened.named_graphs():
        data = opened.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name)
        graphs[name.value] = Graph().parse(data=data.decode("utf-8"), format="nt")
    return graphs


def assert_same_graphs(expected: dict[str, Graph], actual: dict[str, Graph | None]) -> None:
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        assert actual[name] is not None, f"{name} is missing"
        assert isomorphic(graph, actual[name]), f"{name} differs"


def nquads_graphs(dump: bytes) -> dict[str, Graph]:
    """The named graphs of a gzipped N-Quads dump."""
    lines: dict[str, list[str]] = {}
    for quad in pyoxigraph.parse(gzip.decompress(dump), pyoxigraph.RdfFormat.N_QUADS):
        lines.setdefault(quad.graph_name.value, []).append(f"{quad.triple} .\n")
    return {name: Graph().parse(data="".join(text), format="nt") for name, text in lines.items()}
