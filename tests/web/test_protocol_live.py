"""The SPARQL 1.1 Protocol against a real ``python -m newskg.serve`` (Granian, 2 workers),
spoken to over HTTP by urllib, SPARQLWrapper and rdflib's SPARQLStore.

One server serves the whole module (it is read-only, so tests cannot disturb each other);
each answer is parsed back and compared with the expected result: SELECT answers as sets
of bindings, graphs with rdflib.compare.isomorphic."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import xml.dom.minidom
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest
import rdflib
from prometheus_client.parser import text_string_to_metric_families
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.conftest import assert_no_connection
from tests.web import protocol_client
from tests.web.mini import (
    A1_LABELS,
    A2_LABELS,
    ALL_LABELS,
    G1,
    G2,
    GRAPHS,
    ID,
    LABELS,
    MEMBERSHIP,
    MEMBERSHIP_TTL,
    SD,
    SRJ,
)
from tests.web.protocol_client import mini_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini.trig"
MEMBERSHIP_GRAPH = rdflib.Graph().parse(format="turtle", data=MEMBERSHIP_TTL)


# --- one real server for the module ------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server (Granian, 2 workers) on the mini dataset, shared by this module."""
    with mini_server(tmp_path_factory.mktemp("protocol"), workers=2) as base:
        yield base


class Reply(protocol_client.Reply):
    """A reply whose rows are compared as a set (no test here asks for an order)."""

    def rows(self, fmt: str = "json") -> set[tuple[str, ...]]:  # type: ignore[override]
        return set(super().rows(fmt))


def http(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request; any status is returned, not raised."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers, exc.read())


def raw_post(base: str, body: bytes) -> Reply:
    """A POST with a body and no Content-Type at all (urllib would add a form type)."""
    parsed = urllib.parse.urlsplit(base)
    connection = HTTPConnection(parsed.hostname, parsed.port, timeout=20)
    try:
        connection.putrequest("POST", "/sparql")
        connection.putheader("Accept", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def query_url(base: str, pairs: list[tuple[str, str]] | dict[str, str]) -> str:
    return base + "/sparql?" + urllib.parse.urlencode(pairs)


def form(pairs: list[tuple[str, str]] | dict[str, str]) -> bytes:
    return urllib.parse.urlencode(pairs).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
AS_JSON = {"Accept": "application/json"}


# --- query operations ----------------------------------------------------------------------------


def test_query_get(server: str) -> None:
    reply = http(query_url(server, {"query": LABELS}), headers={"Accept": SRJ})
    assert reply.media_type == SRJ
    assert reply.rows() == ALL_LABELS
    assert reply.headers["Content-Length"] == str(len(reply.body))


def test_query_post_form(server: str) -> None:
    assert (
        http(server + "/sparql", method="POST", data=form({"query": LABELS}), headers=FORM).rows()
        == ALL_LABELS
    )


def test_query_post_direct(server: str) -> None:
    assert (
        http(server + "/sparql", method="POST", data=LABELS.encode(), headers=DIRECT).rows()
        == ALL_LABELS
    )


def test_query_dataset_default_graphs(server: str) -> None:
    get = http(query_url(server, [("query", LABELS), ("default-graph-uri", G1)]))
    assert get.rows() == A1_LABELS
    direct = http(
        query_url(server, {"default-graph-uri": G2}),
        method="POST",
        data=LABELS.encode(),
        headers=DIRECT,
    )
    assert direct.rows() == A2_LABELS
    posted = http(
        server + "/sparql",
        method="POST",
        headers=FORM,
        data=form([("query", LABELS), ("default-graph-uri", G1), ("default-graph-uri", G2)]),
    )
    assert posted.rows() == ALL_LABELS


def test_query_dataset_named_graphs(server: str) -> None:
    get = http(query_url(server, [("query", GRAPHS), ("named-graph-uri", G2)]))
    assert get.rows() == {(G2,)}
    direct = http(
        query_url(server, {"named-graph-uri": G1}),
        method="POST",
        data=GRAPHS.encode(),
        headers=DIRECT,
    )
    assert direct.rows() == {(G1,)}


def test_query_dataset_full_and_multiple_dataset(server: str) -> None:
    # query_dataset_full: both parameters; query_multiple_dataset: they override FROM.
    query = (
        f"SELECT ?s ?label FROM <{G2}> FROM NAMED <{G2}> WHERE "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    reply = http(
        query_url(server, [("query", query), ("default-graph-uri", G1), ("named-graph-uri", G1)])
    )
    assert reply.rows() == A1_LABELS
    named = f"SELECT DISTINCT ?g FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    reply = http(
        query_url(server, [("query", named), ("default-graph-uri", G2), ("named-graph-uri", G1)])
    )
    assert reply.rows() == {(G1,)}


# --- every malformed request's 4xx -------------------------------------------------------------


def test_bad_requests(server: str) -> None:
    ask = "ASK {}"
    cases: list[tuple[str, int, Reply]] = [
        (
            "bad_query_method",
            405,
            http(query_url(server, {"query": ask}), method="PUT", headers=AS_JSON),
        ),
        (
            "bad_multiple_queries",
            400,
            http(query_url(server, [("query", ask), ("query", "SELECT * {}")]), headers=AS_JSON),
        ),
        (
            "bad_query_wrong_media_type",
            415,
            http(
                server + "/sparql",
                method="POST",
                data=ask.encode(),
                headers={**AS_JSON, "Content-Type": "text/plain"},
            ),
        ),
        ("bad_query_missing_form_type", 415, raw_post(server, b"query=ASK%20%7B%7D")),
        ("bad_query_missing_direct_type", 415, raw_post(server, ask.encode())),
        (
            "bad_query_non_utf8",
            415,
            http(
                server + "/sparql",
                method="POST",
                data=ask.encode("utf-16"),
                headers={**AS_JSON, "Content-Type": "application/sparql-query; charset=UTF-16"},
            ),
        ),
        (
            "bad_query_non_utf8 (bytes)",
            400,
            http(
                server + "/sparql",
                method="POST",
                data='ASK { ?s ?p "\xe9" }'.encode("latin-1"),
                headers={**AS_JSON, **DIRECT},
            ),
        ),
        ("bad_query_syntax", 400, http(query_url(server, {"query": "ASK {"}), headers=AS_JSON)),
        ("bad_update_get", 403, http(query_url(server, {"update": "CLEAR ALL"}), headers=AS_JSON)),
        (
            "update sent as a query",
            403,
            http(
                query_url(server, {"query": "INSERT DATA { <http://e/a> <http://e/b> 1 }"}),
                headers=AS_JSON,
            ),
        ),
        (
            "update by POST",
            403,
            http(
                server + "/sparql",
                method="POST",
                data=b"CLEAR ALL",
                headers={**AS_JSON, "Content-Type": "application/sparql-update"},
            ),
        ),
        ("no query", 400, http(server + "/sparql", method="POST", data=b"", headers=AS_JSON)),
        (
            "too large",
            413,
            http(
                server + "/sparql",
                method="POST",
                headers={**AS_JSON, **FORM},
                data=form({"query": "ASK {}" + " " * 200_000}),
            ),
        ),
    ]
    for name, status, reply in cases:
        assert reply.status == status, (name, reply.body)
        body = reply.error()
        assert body["status"] == status and body["message"], name
    syntax = next(reply for name, _, reply in cases if name == "bad_query_syntax")
    assert "1:" in syntax.error()["message"]  # line and column
    for name, _, reply in cases:
        if reply.status == 403:
            assert "newskg build" in reply.error()["message"], name


# --- result formats parsed back ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media_type", "fmt"),
    [
        (SRJ, "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_formats(server: str, media_type: str, fmt: str) -> None:
    by_accept = http(query_url(server, {"query": LABELS}), headers={"Accept": media_type})
    assert by_accept.media_type == media_type
    assert "Accept" in by_accept.headers["Vary"]
    assert by_accept.rows(fmt) == ALL_LABELS
    by_parameter = http(query_url(server, {"query": LABELS, "format": fmt}))
    assert by_parameter.media_type == media_type and by_parameter.rows(fmt) == ALL_LABELS


@pytest.mark.parametrize(
    ("media_type", "fmt", "rdflib_format"),
    [
        ("text/turtle", "turtle", "turtle"),
        ("application/n-triples", "ntriples", "nt"),
        ("application/n-quads", "nquads", "nquads"),
        ("application/trig", "trig", "trig"),
        ("application/ld+json", "jsonld", "json-ld"),
        ("application/rdf+xml", "rdfxml", "xml"),
    ],
)
def test_construct_formats(server: str, media_type: str, fmt: str, rdflib_format: str) -> None:
    for reply in (
        http(query_url(server, {"query": MEMBERSHIP}), headers={"Accept": media_type}),
        http(query_url(server, {"query": MEMBERSHIP, "format": fmt})),
    ):
        assert reply.status == 200 and reply.media_type == media_type
        if rdflib_format in ("nquads", "trig"):
            dataset = rdflib.Dataset()
            dataset.parse(data=reply.body, format=rdflib_format)
            got = rdflib.Graph() + dataset.default_graph
        else:
            got = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
        assert isomorphic(got, MEMBERSHIP_GRAPH)


def test_406(server: str) -> None:
    reply = http(query_url(server, {"query": LABELS}), headers={"Accept": "image/png"})
    assert reply.status == 406 and reply.media_type == "text/plain"
    text = reply.body.decode()
    for media_type in (SRJ, "application/sparql-results+xml", "text/csv"):
        assert media_type in text
    graph = http(
        query_url(server, {"query": MEMBERSHIP}),
        headers={"Accept": "application/sparql-results+json, text/csv"},
    )
    assert graph.status == 406 and "text/turtle" in graph.error()["message"]


# --- Service Description -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_service_description(server: str, accept: str, fmt: str) -> None:
    url = server + "/sparql"
    reply = http(url, headers={"Accept": accept})
    assert reply.status == 200 and reply.media_type == accept
    graph = rdflib.Graph().parse(data=reply.body, format=fmt)
    service = rdflib.URIRef(url)
    assert (service, SD.endpoint, rdflib.URIRef(url)) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (None, SD.feature, SD.BasicFederatedQuery) not in graph
    assert set(graph.objects(None, SD.name)) == {rdflib.URIRef(G1), rdflib.URIRef(G2)}
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in set(
        graph.objects(service, SD.resultFormat)
    )


def test_browser_gets_the_query_page(server: str) -> None:
    reply = http(
        server + "/sparql",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert reply.status == 200 and reply.media_type == "text/html"


# --- CORS, HTTP caching, the answer cache and /metrics -------------------------------------------


def test_cors_preflight_and_headers(server: str) -> None:
    preflight = http(
        server + "/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,accept",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert int(preflight.headers["Access-Control-Max-Age"]) > 0
    reply = http(query_url(server, {"query": LABELS}), headers={"Origin": "https://yasgui.example"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def metric(server: str, name: str) -> float:
    text = http(server + "/metrics").body.decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


def test_304_on_if_none_match(server: str) -> None:
    url = query_url(server, {"query": LABELS + " # etag"})
    first = http(url)
    etag = first.headers["ETag"]
    assert etag and first.headers["Last-Modified"] and "max-age" in first.headers["Cache-Control"]
    # whichever worker answers, the same request has the same ETag and revalidates
    for _ in range(4):
        again = http(url, headers={"If-None-Match": etag})
        assert again.status == 304 and again.body == b""
    modified = http(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert modified.status == 304


def test_cache_hits_across_workers_in_metrics(server: str) -> None:
    url = query_url(server, {"query": LABELS + " # shared cache", "format": "xml"})
    hits = metric(server, "newskg_cache_hits_total")
    misses = metric(server, "newskg_cache_misses_total")
    bodies = {http(url).body for _ in range(6)}
    assert len(bodies) == 1
    # one evaluation; the other five come from the cache, whichever of the 2 workers took
    # them, and /metrics (answered by either worker) counts all of them
    assert metric(server, "newskg_cache_misses_total") == misses + 1
    assert metric(server, "newskg_cache_hits_total") == hits + 5


def test_metrics_sum_all_workers(server: str) -> None:
    before = metric(server, "newskg_http_requests_total")
    for _ in range(10):
        http(server + "/healthz")
    # 10 healthz + the first /metrics scrape, whichever worker served each
    assert metric(server, "newskg_http_requests_total") == before + 11
    text = http(server + "/metrics").body.decode()
    assert "newskg_http_request_duration_seconds_bucket" in text
    assert "newskg_queries_in_flight" in text and "newskg_query_timeouts_total" in text


# --- real SPARQL clients -------------------------------------------------------------------------


def test_sparqlwrapper_json_xml_csv(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(LABELS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert {
        (b["s"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]
    } == ALL_LABELS
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert isinstance(document, xml.dom.minidom.Document)
    labels = {n.firstChild.data for n in document.getElementsByTagName("literal")}
    assert labels == {label for _, label in ALL_LABELS}
    client.setReturnFormat(CSV)
    csv_rows = client.query().convert().decode().splitlines()
    # 6 rows: Nasrallah's label is in both graphs of the union
    assert csv_rows[0] == "s,label" and len(csv_rows) == 7
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    assert len(client.query().convert()["results"]["bindings"]) == 6


def test_sparqlwrapper_reads_the_error(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT * WHERE {")
    client.setReturnFormat(XML)
    with pytest.raises(QueryBadFormed) as caught:
        client.query()
    assert "syntax error" in str(caught.value)


def test_rdflib_sparqlstore(server: str) -> None:
    for method in ("GET", "POST_FORM"):
        graph = rdflib.Graph(store=SPARQLStore(server + "/sparql", method=method))
        assert {(str(r.s), str(r.label)) for r in graph.query(LABELS)} == ALL_LABELS
        assert graph.query(f"ASK {{ <{ID}place/beirut> ?p ?o }}").askAnswer is True
        constructed = rdflib.Graph() + graph.query(MEMBERSHIP).graph
        assert isomorphic(constructed, MEMBERSHIP_GRAPH)


# --- nothing ever leaves the server --------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        # An escaped "#" in a prefixed name is part of the name, not a comment hiding the rest
        # of the line from the server's checks (the parser would run this SERVICE).
        "PREFIX e: <http://e/>\nSELECT * WHERE {{ ?s ?p e:x\\# . "
        "SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}\n}}",
        # After an operand in an expression "<" is less-than, and an IRI may hold \u escapes:
        # neither starts an IRI or a comment that would hide the SERVICE (issue 11).
        "SELECT * WHERE {{ BIND(2<'>#' AS ?z) "
        "SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?i) "
        "SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_never_fetched(server: str, listener, template: str) -> None:
    sock, port = listener
    query = template.format(port=port)
    for reply in (
        http(query_url(server, {"query": query}), headers=AS_JSON),
        http(server + "/sparql", method="POST", data=query.encode(), headers={**AS_JSON, **DIRECT}),
    ):
        assert reply.status == 400
        assert "SERVICE" in reply.error()["message"]
    assert_no_connection(sock)


@pytest.mark.parametrize(
    "template",
    [
        "LOAD <http://127.0.0.1:{port}/data.ttl>",
        "load silent <http://127.0.0.1:{port}/data.ttl> into graph <http://e/g>",
    ],
)
def test_load_is_refused_and_never_fetched(server: str, listener, template: str) -> None:
    sock, port = listener
    query = template.format(port=port)
    for reply in (
        http(query_url(server, {"query": query}), headers=AS_JSON),
        http(
            server + "/sparql",
            method="POST",
            data=form({"update": query}),
            headers={**AS_JSON, **FORM},
        ),
        http(
            server + "/sparql",
            method="POST",
            data=query.encode(),
            headers={**AS_JSON, "Content-Type": "application/sparql-update"},
        ),
    ):
        assert reply.status == 403
        assert "newskg build" in reply.error()["message"]
    assert_no_connection(sock)


def test_time_limit_over_http(start_server, store_dir: Path) -> None:
    """The engine's time limit through a real server: 503 in the error shape, counted in
    /metrics, and the server answers the next query at once."""
    base = start_server(
        "newskg.serve", "--store", store_dir, "--workers", "2", "--query-timeout", "1"
    )
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
        "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
    )
    started = time.monotonic()
    reply = http(query_url(base, {"query": runaway}), headers=AS_JSON)
    assert reply.status == 503 and "time limit" in reply.error()["message"]
    assert time.monotonic() - started < 5
    assert metric(base, "newskg_query_timeouts_total") == 1
    assert http(query_url(base, {"query": "ASK { ?s ?p ?o }"})).status == 200
