"""Relative IRIs and the dataset of a query, against a real ``python -m newskg.serve``
(issue 15, "SPARQL Protocol"): a query's base IRI is the endpoint's URL, as Oxigraph's server
gives, and a relative IRI is no way around the refusal of SERVICE; ``default-graph-uri`` /
``named-graph-uri`` give the whole dataset (Protocol §2.1.4). Rows are compared exactly,
graphs with rdflib.compare.isomorphic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.web.mini import A1_LABELS, A2_LABELS, ALL_LABELS, G1, G2, GRAPHS, ID, LABELS
from tests.web.protocol_client import RDFS_LABEL, UNION_ROWS, http, mini_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with mini_server(tmp_path_factory.mktemp("base-and-dataset")) as base:
        yield base


# --- relative IRIs: the endpoint's URL is the base ---------------------------------------------


def test_relative_iris_resolve_against_the_endpoint(server: str) -> None:
    select = http(server, [("query", "SELECT (<x> AS ?a) (<?q=1> AS ?b) (<#f> AS ?c) {}")])
    assert select.rows() == [(f"{server}/x", f"{server}/sparql?q=1", f"{server}/sparql#f")]
    in_list = "SELECT ?o { VALUES ?o { 1 2 <x> <y> } FILTER(?o IN (1, <x>)) }"
    for post in (False, True):
        reply = http(server, [("query", in_list)], post=post)
        assert reply.rows() == sorted([("1",), (f"{server}/x",)])
    # a point lookup (answered in the web worker) and a CONSTRUCT resolve them too
    assert http(server, [("query", "SELECT ?p ?o { <x> ?p ?o }")]).rows() == []
    construct = http(
        server, [("query", "CONSTRUCT { <a> <b> <c> } {}")], accept="application/n-triples"
    )
    assert construct.body.decode().split() == [f"<{server}/{n}>" for n in "abc"] + ["."]
    # a query's own BASE wins, relative to the endpoint's URL
    based = http(server, [("query", "BASE <other/> SELECT (<x> AS ?a) {}")])
    assert based.rows() == [(f"{server}/other/x",)]


def test_relative_from_names_no_graph_here(server: str) -> None:
    """FROM <graph/a1> resolves against the endpoint, not the data's base: no such graph,
    an empty default graph; nothing is fetched."""
    query = f"SELECT ?s ?label FROM <graph/a1> {{ ?s {RDFS_LABEL} ?label }}"
    assert http(server, [("query", query)]).rows() == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <x> { ?s ?p ?o } }",
        "SELECT * { SERVICE <sparql> { ?s ?p ?o } }",  # would be this very endpoint
        "SELECT * { SERVICE SILENT <?query=ASK{}> { ?s ?p ?o } }",
        "SELECT ?o { VALUES ?o { 1 } FILTER(?o IN (1, <x>)) SERVICE <x> { ?s ?p ?o } }",
    ],
)
def test_relative_service_is_still_refused(server: str, query: str) -> None:
    for post in (False, True):
        reply = http(server, [("query", query)], post=post, accept="application/json")
        assert reply.status == 400
        assert reply.message().startswith("SERVICE clauses are not allowed")


# --- the dataset from the Protocol's parameters (§2.1.4) ---------------------------------------


LABELS_FROM_G2 = (
    f"SELECT ?s ?label FROM <{G2}> FROM NAMED <{G2}> WHERE {{ ?s {RDFS_LABEL} ?label }}"
)
GRAPHS_FROM_NAMED_G1 = f"SELECT DISTINCT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize("post", [False, True], ids=["GET", "POST"])
@pytest.mark.parametrize(
    ("dataset", "labels", "graphs"),
    [
        # neither: the union default graph, every named graph
        ([], UNION_ROWS, [(G1,), (G2,)]),
        # only default-graph-uri: no named graph at all
        ([("default-graph-uri", G1)], sorted(A1_LABELS), []),
        ([("default-graph-uri", G1), ("default-graph-uri", G2)], UNION_ROWS, []),
        # only named-graph-uri: an empty default graph, not the union
        ([("named-graph-uri", G2)], [], [(G2,)]),
        # both: exactly what they say
        ([("default-graph-uri", G1), ("named-graph-uri", G2)], sorted(A1_LABELS), [(G2,)]),
    ],
    ids=["neither", "default", "two-defaults", "named", "both"],
)
def test_protocol_dataset(
    server: str,
    post: bool,
    dataset: list[tuple[str, str]],
    labels: list[tuple[str, str]],
    graphs: list[tuple[str]],
) -> None:
    assert http(server, [("query", LABELS), *dataset], post=post).rows() == labels
    assert http(server, [("query", GRAPHS), *dataset], post=post).rows() == graphs


def test_protocol_dataset_replaces_from(server: str) -> None:
    """The parameters give the whole dataset: a FROM NAMED of the query is dropped with its
    FROM when only default-graph-uri is given, and the reverse."""
    only_default = [("default-graph-uri", G1)]
    assert http(server, [("query", GRAPHS_FROM_NAMED_G1), *only_default]).rows() == []
    only_named = [("named-graph-uri", G1)]
    assert http(server, [("query", LABELS_FROM_G2), *only_named]).rows() == []
    # without parameters the query's FROM / FROM NAMED stay (as before)
    assert http(server, [("query", LABELS_FROM_G2)]).rows() == sorted(A2_LABELS)
    assert http(server, [("query", GRAPHS_FROM_NAMED_G1)]).rows() == [(G1,)]


def test_union_rows_are_what_the_mini_dataset_holds() -> None:
    """The expected rows above, checked against the fixture's own description."""
    assert set(UNION_ROWS) == ALL_LABELS and len(UNION_ROWS) == len(ALL_LABELS) + 1


def test_describe_stays_in_the_dataset(server: str) -> None:
    """A DESCRIBE adds the labels and types of what it links to: from the dataset the
    parameters give, not from the whole store (Beirut's label is in graph a1 only)."""
    event = f"{ID}event/a2-9c4d21e8f0ab"
    beirut = (rdflib.URIRef(f"{ID}place/beirut"), rdflib.RDFS.label, rdflib.Literal("Beirut"))
    context = (
        f"CONSTRUCT {{ <{event}> ?p ?o . ?o {RDFS_LABEL} ?l . ?o a ?t }} "
        f"WHERE {{ <{event}> ?p ?o OPTIONAL {{ ?o {RDFS_LABEL} ?l }} OPTIONAL {{ ?o a ?t }} }}"
    )
    for dataset, has_beirut in (([], True), ([("default-graph-uri", G2)], False)):
        pairs = [("query", f"DESCRIBE <{event}>"), *dataset]
        described = rdflib.Graph().parse(
            data=http(server, pairs, accept="application/n-triples").body, format="nt"
        )
        expected = rdflib.Graph().parse(
            data=http(server, [("query", context), *dataset], accept="text/turtle").body,
            format="turtle",
        )
        assert isomorphic(described, expected), dataset
        assert (beirut in described) is has_beirut
