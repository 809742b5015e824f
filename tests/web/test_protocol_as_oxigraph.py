"""newskg's endpoint and Oxigraph's server (the reference, ``oxigraph serve`` from the venv),
both run for real on the mini dataset and asked the same things over HTTP (issue 15, "SPARQL
Protocol"): relative IRIs (each server's base is its own endpoint URL, so answers are compared
with each server's origin taken out), the dataset of ``default-graph-uri`` /
``named-graph-uri`` (§2.1.4), and the Accept headers Oxigraph takes. Rows are compared
exactly, graphs as graphs (isomorphism).

Oxigraph's default graph is its own (empty here), not the union: the dataset cases all give
a parameter, and the Accept cases query inside GRAPH."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import Message

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.query import Result

from tests.backends.stores import OXIGRAPH, running_oxigraph
from tests.conftest import MINI
from tests.web.mini import G1, G2, GRAPHS, LABELS, NKG
from tests.web.protocol_client import RDFS_LABEL, Reply, mini_server

pytestmark = pytest.mark.slow

Servers = tuple[str, str]  # (newskg's endpoint, Oxigraph's query endpoint)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not OXIGRAPH.exists():
        pytest.skip(f"no `oxigraph` next to the interpreter ({OXIGRAPH}): pip install oxigraph")
    tmp = tmp_path_factory.mktemp("as-oxigraph")
    with mini_server(tmp) as ours, running_oxigraph(tmp) as reference:
        loaded = requests.post(
            reference.gsp_url,
            data=MINI.read_bytes(),
            headers={"Content-Type": "application/trig"},
            timeout=20,
        )
        assert loaded.ok, loaded.text
        yield ours + "/sparql", reference.query_url


def ask(endpoint: str, pairs: list[tuple[str, str]], accept: str) -> Reply:
    """GET ``endpoint?pairs`` of either server, as one client asks both; any status is
    returned, not raised."""
    response = requests.get(endpoint, params=pairs, headers={"Accept": accept}, timeout=20)
    headers = Message()
    for name, value in response.headers.items():
        headers[name] = value
    return Reply(response.status_code, headers, response.content)


def rows(
    endpoint: str, query: str, dataset: list[tuple[str, str]] | None = None
) -> list[tuple[str, ...]]:
    """The solutions, each server's origin replaced by ``ORIGIN``."""
    reply = ask(endpoint, [("query", query), *(dataset or [])], "application/sparql-results+json")
    origin = endpoint.rsplit("/", 1)[0]
    return [tuple(v.replace(origin, "ORIGIN") for v in row) for row in reply.rows()]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (<x> AS ?a) (<../up> AS ?b) (<x/y> AS ?c) (</abs> AS ?d) "
        "(<//other.example/z> AS ?e) {}",
        "SELECT ?o { VALUES ?o { 1 2 <x> <y> } FILTER(?o IN (1, <x>)) }",
        "BASE <dir/> SELECT (<x> AS ?a) {}",
        f"SELECT ?s {{ GRAPH ?g {{ ?s {RDFS_LABEL} ?l }} FILTER(?s != <x>) }} ORDER BY ?s",
    ],
)
def test_relative_iris_as_oxigraph(servers: Servers, query: str) -> None:
    ours, reference = servers
    expected = rows(reference, query)
    assert expected and rows(ours, query) == expected


@pytest.mark.parametrize(
    "dataset",
    [
        [("default-graph-uri", G1)],
        [("default-graph-uri", G1), ("default-graph-uri", G2)],
        [("named-graph-uri", G2)],
        [("default-graph-uri", G1), ("named-graph-uri", G2)],
    ],
    ids=["default", "two-defaults", "named", "both"],
)
@pytest.mark.parametrize(
    "query",
    [
        LABELS,
        GRAPHS,
        f"SELECT ?s ?label FROM <{G2}> FROM NAMED <{G2}> WHERE {{ ?s {RDFS_LABEL} ?label }}",
        f"SELECT DISTINCT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
    ids=["labels", "graphs", "from", "from-named"],
)
def test_dataset_as_oxigraph(servers: Servers, dataset: list[tuple[str, str]], query: str) -> None:
    ours, reference = servers
    assert rows(ours, query, dataset) == rows(reference, query, dataset)


TABLE = f"SELECT ?s ?label WHERE {{ GRAPH ?g {{ ?s {RDFS_LABEL} ?label }} }}"
GRAPH_QUERY = (
    f"PREFIX nkg: <{NKG}> CONSTRUCT {{ ?m nkg:member ?who }} "
    "WHERE { GRAPH ?g { ?m a nkg:Membership ; nkg:member ?who } }"
)
RDFLIB = {
    "application/sparql-results+xml": "xml",
    "application/sparql-results+json": "json",
    "text/csv": "csv",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (TABLE, "application/xml"),
        (TABLE, "text/xml"),
        (TABLE, "application/json"),
        (TABLE, "text/plain"),
        (GRAPH_QUERY, "application/json"),
        (GRAPH_QUERY, "text/plain"),
        (GRAPH_QUERY, "application/xml"),
        (GRAPH_QUERY, "text/xml"),
    ],
)
def test_accept_as_oxigraph(servers: Servers, query: str, accept: str) -> None:
    ours, reference = servers
    mine, theirs = (ask(e, [("query", query)], accept) for e in (ours, reference))
    assert mine.status == theirs.status == 200, mine.body
    assert mine.media_type == theirs.media_type
    fmt = RDFLIB[mine.media_type]
    if query == TABLE:
        assert table(mine.body, fmt) == table(theirs.body, fmt) and table(mine.body, fmt)
    else:
        graphs = [rdflib.Graph().parse(data=r.body, format=fmt) for r in (mine, theirs)]
        assert len(graphs[0]) == 1 and isomorphic(*graphs)


def table(body: bytes, fmt: str) -> list[tuple[str, ...]]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    return sorted(tuple(str(row[v]) for v in result.vars) for row in result)
