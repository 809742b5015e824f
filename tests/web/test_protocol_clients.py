"""What common SPARQL clients send with their defaults, against a real ``python -m newskg.serve``
(issue 15, "SPARQL Protocol"): every SPARQLWrapper return format (GET and POST, as the client
makes them), the Accept headers Oxigraph's and Fuseki's users send, and repeated ``format=``
values (relative IRIs and the dataset: ``test_protocol_base_and_dataset.py``).

One server serves the module (it is read-only). Answers are parsed back and compared exactly:
rows as sorted lists (the union default graph repeats Nasrallah's label), graphs with
rdflib.compare.isomorphic."""

from __future__ import annotations

import io
import xml.dom.minidom
from collections.abc import Iterator

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from tests.web.mini import G1, G2, GRAPHS, ID, LABELS, MEMBERSHIP, MEMBERSHIP_TTL
from tests.web.protocol_client import UNION_ROWS, http, mini_server

pytestmark = pytest.mark.slow

MEMBERSHIP_GRAPH = rdflib.Graph().parse(format="turtle", data=MEMBERSHIP_TTL)
DESCRIBE_BEIRUT = f"DESCRIBE <{ID}place/beirut>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with mini_server(tmp_path_factory.mktemp("clients")) as base:
        yield base


def wrapper(server: str, query: str, return_format: str, method: str) -> SPARQLWrapper:
    """SPARQLWrapper with its defaults but for the return format and method."""
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


def table_rows(data: bytes, fmt: str) -> list[tuple[str, ...]]:
    result = Result.parse(io.BytesIO(data), format=fmt)
    return sorted(tuple(str(row[v]) for v in result.vars) for row in result)


# --- SPARQLWrapper with its defaults: every return format -------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_and_ask(server: str, return_format: str, method: str) -> None:
    select = wrapper(server, LABELS, return_format, method).query()
    converted = select.convert()
    if return_format == JSON:
        rows = sorted(
            (b["s"]["value"], b["label"]["value"]) for b in converted["results"]["bindings"]
        )
    elif return_format == XML:
        assert isinstance(converted, xml.dom.minidom.Document)
        rows = table_rows(converted.toxml().encode(), "xml")
    else:
        rows = table_rows(converted, return_format)
    assert rows == UNION_ROWS

    ask = wrapper(server, f"ASK {{ <{ID}place/beirut> ?p ?o }}", return_format, method).query()
    answer = ask.convert()
    if return_format == JSON:
        assert answer == {"head": {}, "boolean": True}
    elif return_format == XML:
        assert [n.firstChild.data for n in answer.getElementsByTagName("boolean")] == ["true"]
    else:  # one line, as Oxigraph writes a boolean in CSV and TSV
        assert answer.decode().split() == ["true"]


# SPARQLWrapper 2.0 reads RDF/XML and JSON-LD into rdflib's deprecated ConjunctiveGraph: the
# client's warning, not this server's.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("return_format", "media_type"),
    [
        (XML, "application/rdf+xml"),
        # SPARQLWrapper warns that it sends Accept: */* for RDF (and format=rdf): its own
        pytest.param(
            RDF,
            "application/rdf+xml",
            marks=pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning"),
        ),
        (RDFXML, "application/rdf+xml"),
        (TURTLE, "text/turtle"),
        (N3, "text/turtle"),  # N3 is answered as Turtle, a subset of N3
        (JSONLD, "application/ld+json"),
    ],
)
def test_sparqlwrapper_construct_and_describe(
    server: str, return_format: str, media_type: str, method: str
) -> None:
    described = rdflib.Graph().parse(
        data=http(server, [("query", DESCRIBE_BEIRUT)], accept="application/n-triples").body,
        format="nt",
    )
    assert (rdflib.URIRef(f"{ID}place/beirut"), rdflib.RDFS.label, rdflib.Literal("Beirut")) in (
        described
    )
    for query, expected in ((MEMBERSHIP, MEMBERSHIP_GRAPH), (DESCRIBE_BEIRUT, described)):
        result = wrapper(server, query, return_format, method).query()
        assert result.info()["content-type"].split(";")[0] == media_type
        converted = result.convert()
        if isinstance(converted, bytes):  # Turtle and N3: the client hands back the text
            got = rdflib.Graph().parse(data=converted, format="n3")
        else:
            got = rdflib.Graph() + converted
        assert isomorphic(got, expected), (query, return_format)


def test_sparqlwrapper_dataset(server: str) -> None:
    """SPARQLWrapper's addDefaultGraph / addNamedGraph: the dataset is what they say."""
    client = wrapper(server, GRAPHS, JSON, "GET")
    client.addDefaultGraph(G1)
    assert client.query().convert()["results"]["bindings"] == []
    client = wrapper(server, LABELS, JSON, "POST")
    client.addNamedGraph(G2)
    assert client.query().convert()["results"]["bindings"] == []


# --- Accept headers other servers take ---------------------------------------------------------


@pytest.mark.parametrize("accept", ["application/xml", "text/xml"])
def test_xml_accept_for_select_and_ask(server: str, accept: str) -> None:
    reply = http(server, [("query", LABELS)], accept=accept)
    assert reply.media_type == "application/sparql-results+xml"
    assert reply.rows("xml") == UNION_ROWS
    ask = http(server, [("query", "ASK { ?s ?p ?o }")], accept=accept)
    assert ask.media_type == "application/sparql-results+xml"
    assert Result.parse(io.BytesIO(ask.body), format="xml").askAnswer is True


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("application/json", "application/ld+json", "json-ld"),
        ("text/plain", "application/n-triples", "nt"),
        ("application/xml", "application/rdf+xml", "xml"),
        ("text/xml", "application/rdf+xml", "xml"),
        ("text/n3", "text/turtle", "n3"),
    ],
)
def test_graph_accept_headers(
    server: str, accept: str, media_type: str, rdflib_format: str
) -> None:
    for post in (False, True):
        reply = http(server, [("query", MEMBERSHIP)], accept=accept, post=post)
        assert reply.status == 200 and reply.media_type == media_type, reply.body
        assert isomorphic(
            rdflib.Graph().parse(data=reply.body, format=rdflib_format), MEMBERSHIP_GRAPH
        )


def test_browser_accept_still_gets_json(server: str) -> None:
    """A browser's application/xml;q=0.9 next to */*: the server's default, not XML."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reply = http(server, [("query", LABELS)], accept=browser)
    assert reply.media_type == "application/sparql-results+json"
    assert reply.rows() == UNION_ROWS


# --- format= given more than once --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "values", "media_type"),
    [
        (LABELS, ["tsv", "text/tab-separated-values"], "text/tab-separated-values"),
        # SPARQLWrapper's second value is its Accept header's list
        (
            MEMBERSHIP,
            ["json-ld", "application/ld+json,application/x-json+ld"],
            "application/ld+json",
        ),
        (MEMBERSHIP, ["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
        (LABELS, ["json", "json", ""], "application/sparql-results+json"),
    ],
)
def test_repeated_format_values_that_agree(
    server: str, query: str, values: list[str], media_type: str
) -> None:
    for post in (False, True):
        pairs = [("query", query), *(("format", v) for v in values), ("output", values[0])]
        reply = http(server, pairs, post=post)
        assert reply.status == 200 and reply.media_type == media_type, reply.body
        if query == LABELS:
            fmt = "tsv" if media_type.endswith("values") else "json"
            assert reply.rows(fmt) == UNION_ROWS
        else:
            got = rdflib.Graph().parse(
                data=reply.body, format="json-ld" if "json" in media_type else "xml"
            )
            assert isomorphic(got, MEMBERSHIP_GRAPH)


def test_conflicting_format_values(server: str) -> None:
    reply = http(
        server,
        [("query", LABELS), ("format", "json"), ("format", "csv")],
        accept="application/json",
    )
    assert reply.status == 400
    message = reply.message()
    assert "different formats" in message
    assert "'json' names application/sparql-results+json" in message
    assert "'csv' names text/csv" in message
    graph = http(
        server,
        [("query", MEMBERSHIP), ("format", "turtle"), ("format", "nt")],
        post=True,
        accept="application/json",
    )
    assert graph.status == 400 and "different formats" in graph.message()
    unknown = http(server, [("query", LABELS), ("format", "yaml")], accept="application/json")
    assert unknown.status == 400 and unknown.message() == "unknown format 'yaml'"
