"""Fixtures for newskg on an existing triple store: each real store of
:mod:`tests.backends.stores` in turn, per module.

``remote``          a running store (:class:`tests.backends.stores.Remote`): Oxigraph server,
                    then Virtuoso (skipped where it is not installed)
``newskg``          run the real ``newskg`` command line (``python -m newskg.cli``) with the
                    remote's credentials
"""

from __future__ import annotations

import functools
import gzip
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.backends.stores import RUNNERS, Remote, graph_names
from tests.backends.stores import running_oxigraph as running_oxigraph  # tests/issues/ use it
from tests.conftest import ROOT

Newskg = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module", params=sorted(RUNNERS))
def remote(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Remote]:
    """Each triple store in turn (``oxigraph``, ``virtuoso``), one per module and store."""
    with RUNNERS[request.param](tmp_path_factory.mktemp(request.param)) as running:
        yield running


def run_newskg(
    *args: str | Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m newskg.cli ARGS`` with settings from the arguments (and ``env``) only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "newskg.cli", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def newskg(remote: Remote) -> Newskg:
    """``newskg ARGS`` with the remote's credentials in its environment."""
    return functools.partial(run_newskg, env=remote.env)


def store_url(remote: Remote, staging: Path, **params: str) -> str:
    """The ``--store`` value for ``remote`` with its staging directory."""
    merged = {**remote.params, **params, "staging": str(staging)}
    return "sparql+" + remote.url + "?" + "&".join(f"{k}={v}" for k, v in merged.items())


def remote_graph(remote: Remote, iri: str) -> Graph | None:
    """A graph of the remote, read with the Graph Store Protocol (None: none of its triples;
    Virtuoso answers an empty graph for one it lacks)."""
    response = requests.get(
        remote.gsp_url,
        params={"graph": iri},
        headers={"Accept": "application/n-triples"},
        auth=remote.auth,
        timeout=30,
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    graph = Graph().parse(data=response.text, format="nt")
    return graph if len(graph) else None


def remote_graph_names(remote: Remote) -> set[str]:
    """The graphs of the remote that newskg may have written (not the store's own)."""
    return graph_names(remote.query_url) - remote.own_graphs


def local_graphs(version_path: Path) -> dict[str, Graph]:
    """Every named graph of a local version, as rdflib graphs."""
    opened = pyoxigraph.Store.read_only(str(version_path))
    graphs = {}
    for name in opened.named_graphs():
        data = opened.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name) or b""
        graphs[name.value] = Graph().parse(data=data.decode("utf-8"), format="nt")
    return graphs


def assert_same_graphs(expected: dict[str, Graph], actual: dict[str, Graph | None]) -> None:
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        held = actual[name]
        assert held is not None, f"{name} is missing"
        assert isomorphic(graph, held), f"{name} differs"


def nquads_graphs(dump: bytes) -> dict[str, Graph]:
    """The named graphs of a gzipped N-Quads dump."""
    lines: dict[str, list[str]] = {}
    for quad in pyoxigraph.parse(gzip.decompress(dump), pyoxigraph.RdfFormat.N_QUADS):
        lines.setdefault(quad.graph_name.value, []).append(f"{quad.triple} .\n")
    return {name: Graph().parse(data="".join(text), format="nt") for name, text in lines.items()}
