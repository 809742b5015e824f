"""The SPARQL 1.1 Protocol at /sparql through Flask's test client: every request form, the
dataset parameters, each malformed request's 4xx, result formats, the Service Description,
CORS, HTTP caching, the answer cache and /metrics.

The cases follow the W3C protocol test manifest
(http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl); each test
names the case it covers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from rdflib.compare import isomorphic
from rdflib.query import Result

from newskg.web import create_app
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
    NKG,
    SD,
    SRJ,
)

JSON = {"Accept": "application/json"}


@pytest.fixture
def app(store_dir: Path, tmp_path: Path) -> Flask:
    """The app with an answer cache of its own (not the per-user default)."""
    return create_app(
        {"STORE": str(store_dir), "TESTING": True, "CACHE_DIR": str(tmp_path / "cache")}
    )


def rows(response, fmt: str = "json") -> set[tuple[str, ...]]:
    """A SELECT answer as a set of rows of strings (parsed by rdflib's result parsers)."""
    assert response.status_code == 200, response.data
    result = Result.parse(io.BytesIO(response.data), format=fmt)
    return {tuple(str(row[v]) for v in result.vars) for row in result}


def error(response) -> dict:
    assert response.mimetype == "application/json", response.data
    return json.loads(response.data)["error"]


def get(client: FlaskClient, headers: dict[str, str] | None = None, **params):
    return client.get("/sparql", query_string=params, headers=headers or {})


# --- the three ways of sending a query --------------------------------------------------------


def test_query_get(client: FlaskClient) -> None:
    response = get(client, query=LABELS)
    assert response.mimetype == SRJ
    assert rows(response) == ALL_LABELS
    assert response.headers["Content-Length"] == str(len(response.data))


def test_query_post_form(client: FlaskClient) -> None:
    assert rows(client.post("/sparql", data={"query": LABELS})) == ALL_LABELS


def test_query_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query")
    assert rows(response) == ALL_LABELS


def test_head_answers_headers_only(client: FlaskClient) -> None:
    response = client.head("/sparql", query_string={"query": LABELS})
    assert response.status_code == 200 and response.data == b""
    assert int(response.headers["Content-Length"]) > 0


# --- dataset parameters -------------------------------------------------------------------------


def test_query_dataset_default_graphs_get(client: FlaskClient) -> None:
    assert rows(get(client, query=LABELS, **{"default-graph-uri": G1})) == A1_LABELS
    both = client.get(
        "/sparql",
        query_string=[("query", LABELS), ("default-graph-uri", G1), ("default-graph-uri", G2)],
    )
    assert rows(both) == ALL_LABELS


def test_query_dataset_default_graphs_post(client: FlaskClient) -> None:
    direct = client.post(
        "/sparql?" + _qs({"default-graph-uri": G2}),
        data=LABELS.encode(),
        content_type="application/sparql-query",
    )
    assert rows(direct) == A2_LABELS
    form = client.post("/sparql", data={"query": LABELS, "default-graph-uri": G2})
    assert rows(form) == A2_LABELS


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_dataset_named_graphs(client: FlaskClient, how: str) -> None:
    params = {"named-graph-uri": G1}
    if how == "get":
        response = get(client, query=GRAPHS, **params)
    elif how == "form":
        response = client.post("/sparql", data={"query": GRAPHS, **params})
    else:
        response = client.post(
            "/sparql?" + _qs(params), data=GRAPHS, content_type="application/sparql-query"
        )
    assert rows(response) == {(G1,)}


def test_query_dataset_full(client: FlaskClient) -> None:
    query = (
        "SELECT ?g ?label WHERE { { ?s <http://www.w3.org/2000/01/rdf-schema#label> "
        "?label } UNION { GRAPH ?g { ?s a <" + NKG + "Place> } } }"
    )
    response = client.get(
        "/sparql",
        query_string=[("query", query), ("default-graph-uri", G2), ("named-graph-uri", G1)],
    )
    got = rows(response)
    assert ("None", "Esmail Qaani") in got and ("None", "Hezbollah") not in got
    assert (G1, "None") in got


def test_query_multiple_dataset_protocol_overrides_from(client: FlaskClient) -> None:
    # FROM names a2, the protocol names a1: the protocol's dataset is the one used.
    query = (
        f"SELECT ?s ?label FROM <{G2}> FROM NAMED <{G2}> WHERE "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert rows(get(client, query=query, **{"default-graph-uri": G1})) == A1_LABELS
    named = f"SELECT DISTINCT ?g FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert rows(get(client, query=named, **{"named-graph-uri": G1})) == {(G1,)}


def test_from_named_without_protocol_dataset(client: FlaskClient) -> None:
    named = f"SELECT DISTINCT ?g FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert rows(get(client, query=named)) == {(G2,)}


def test_from_without_protocol_dataset(client: FlaskClient) -> None:
    query = (
        f"SELECT ?s ?label FROM <{G1}> WHERE "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    assert rows(get(client, query=query)) == A1_LABELS


def test_dataset_parameter_must_be_an_iri(client: FlaskClient) -> None:
    response = get(client, JSON, query=LABELS, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in error(response)["message"]


# --- malformed requests -------------------------------------------------------------------------


def test_bad_query_method(client: FlaskClient) -> None:
    response = client.put("/sparql?query=ASK%20%7B%7D", headers=JSON)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_bad_multiple_queries(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", headers=JSON)
    assert response.status_code == 400
    assert "exactly one query" in error(response)["message"]
    direct = client.post(
        "/sparql?query=ASK%20%7B%7D",
        data="ASK {}",
        headers=JSON,
        content_type="application/sparql-query",
    )
    assert direct.status_code == 400


def test_bad_query_wrong_media_type(client: FlaskClient) -> None:
    response = client.post("/sparql", data="ASK {}", content_type="text/plain", headers=JSON)
    assert response.status_code == 415
    assert "text/plain" in error(response)["message"]


@pytest.mark.parametrize("body", [b"query=ASK%20%7B%7D", b"ASK {}"])
def test_bad_query_missing_type(client: FlaskClient, body: bytes) -> None:
    # bad_query_missing_form_type and bad_query_missing_direct_type
    response = client.open(
        "/sparql", method="POST", data=body, headers={**JSON, "Content-Length": str(len(body))}
    )
    assert response.status_code == 415
    assert "no Content-Type" in error(response)["message"]


def test_bad_query_non_utf8(client: FlaskClient) -> None:
    utf16 = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        headers=JSON,
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert utf16.status_code == 415
    assert "UTF-8" in error(utf16)["message"]
    latin1 = client.post(
        "/sparql",
        data='ASK { ?s ?p "caf\xe9" }'.encode("latin-1"),
        headers=JSON,
        content_type="application/sparql-query",
    )
    assert latin1.status_code == 400
    assert "UTF-8" in error(latin1)["message"]
    form = client.post(
        "/sparql",
        data=b"query=ASK%20%7B%22%E9%22%7D",
        headers=JSON,
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 400
    url = client.get("/sparql?query=ASK%20%7B%22%E9%22%7D", headers=JSON)
    assert url.status_code == 400


def test_utf8_is_fine(client: FlaskClient) -> None:
    response = get(client, query='ASK { ?s ?p "café" }')
    assert response.status_code == 200 and json.loads(response.data)["boolean"] is False


def test_bad_query_syntax(client: FlaskClient) -> None:
    response = get(client, JSON, query="SELECT *\nWHERE { ?s ?p }")
    assert response.status_code == 400
    assert "2:" in error(response)["message"]  # line 2, with its column


def test_no_query(client: FlaskClient) -> None:
    for response in (
        client.post("/sparql", data={}, headers=JSON),
        client.post("/sparql", data={"query": "  "}, headers=JSON),
        get(client, JSON, **{"default-graph-uri": G1}),
    ):
        assert response.status_code == 400, response.data
        assert error(response)["hint"]


@pytest.mark.parametrize(
    "send", ["get_query", "post_update_param", "get_update_param", "post_update_type", "form_query"]
)
def test_updates_are_403(client: FlaskClient, send: str) -> None:
    update = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    response = {
        "get_query": lambda: get(client, JSON, query=update),
        "form_query": lambda: client.post("/sparql", data={"query": update}, headers=JSON),
        "post_update_param": lambda: client.post("/sparql", data={"update": update}, headers=JSON),
        "get_update_param": lambda: get(client, JSON, update=update),
        "post_update_type": lambda: client.post(
            "/sparql", data=update, headers=JSON, content_type="application/sparql-update"
        ),
    }[send]()
    assert response.status_code == 403
    assert "newskg build" in error(response)["message"]


@pytest.mark.parametrize(
    "query",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "load silent <http://127.0.0.1:9/data.ttl> into graph <http://e/g>",
        "SELECT * WHERE { ?s ?p ?o } LOAD <http://127.0.0.1:9/x>",
    ],
)
def test_load_is_refused_naming_it(client: FlaskClient, query: str) -> None:
    response = get(client, JSON, query=query)
    assert response.status_code == 403
    assert "LOAD" in error(response)["message"]


def test_service_is_400_naming_it(client: FlaskClient) -> None:
    response = get(client, JSON, query="SELECT * { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }")
    assert response.status_code == 400
    assert "SERVICE" in error(response)["message"]


def test_query_too_large_is_413(store_dir: Path, tmp_path: Path) -> None:
    client = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "MAX_QUERY_BYTES": 1000,
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    big = "ASK { ?s ?p ?o }" + " " * 1000
    for response in (
        get(client, JSON, query=big),
        client.post("/sparql", data={"query": big}, headers=JSON),
        client.post("/sparql", data=big, headers=JSON, content_type="application/sparql-query"),
    ):
        assert response.status_code == 413
        assert "1000 bytes" in error(response)["message"]
    assert get(client, JSON, query="ASK { ?s ?p ?o }").status_code == 200


# --- result formats -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (SRJ, "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
    ],
)
def test_select_formats_by_accept(client: FlaskClient, accept: str, fmt: str) -> None:
    response = get(client, {"Accept": accept}, query=LABELS)
    assert response.headers["Vary"] == "Accept"
    assert rows(response, fmt) == ALL_LABELS


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_formats_by_parameter(client: FlaskClient, fmt: str) -> None:
    # format= wins over Accept
    assert rows(get(client, {"Accept": "text/turtle"}, query=LABELS, format=fmt), fmt) == ALL_LABELS


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_formats(client: FlaskClient, fmt: str) -> None:
    response = get(client, query=f"ASK {{ <{ID}place/beirut> ?p ?o }}", format=fmt)
    assert response.status_code == 200
    if fmt in ("csv", "tsv"):  # no standard boolean form: pyoxigraph writes the word
        assert response.data.strip() == b"true"
    else:
        assert Result.parse(io.BytesIO(response.data), format=fmt).askAnswer is True


@pytest.mark.parametrize(
    ("fmt", "media_type", "rdflib_format"),
    [
        ("turtle", "text/turtle", "turtle"),
        ("ntriples", "application/n-triples", "nt"),
        ("nquads", "application/n-quads", "nquads"),
        ("trig", "application/trig", "trig"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdfxml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(
    client: FlaskClient, fmt: str, media_type: str, rdflib_format: str
) -> None:
    expected = rdflib.Graph().parse(data=MEMBERSHIP_TTL, format="turtle")
    for response in (
        get(client, {"Accept": media_type}, query=MEMBERSHIP),
        get(client, query=MEMBERSHIP, format=fmt),
    ):
        assert response.status_code == 200 and response.mimetype == media_type
        if rdflib_format in ("nquads", "trig"):
            got = rdflib.Dataset()
            got.parse(data=response.data, format=rdflib_format)
            got = rdflib.Graph() + got.default_graph  # the triples are in the default graph
        else:
            got = rdflib.Graph().parse(data=response.data, format=rdflib_format)
        assert isomorphic(got, expected)


def test_406_lists_the_offered_types(client: FlaskClient) -> None:
    response = get(client, {"Accept": "image/png"}, query=LABELS)
    assert response.status_code == 406
    assert response.mimetype == "text/plain"  # the client accepts none: readable text
    message = response.get_data(as_text=True)
    assert "image/png" not in message.split("; offered:")[1]
    assert SRJ in message and "text/turtle" in message


def test_406_once_the_kind_is_known(client: FlaskClient) -> None:
    response = get(client, {"Accept": "text/turtle"}, query=LABELS)
    assert response.status_code == 406
    assert response.mimetype == "text/plain"  # the one error shape, readable
    assert "SELECT/ASK" in response.get_data(as_text=True) and SRJ in response.get_data(
        as_text=True
    )
    # (application/json alone would be JSON-LD for a graph, as Oxigraph answers)
    construct = get(client, JSON | {"Accept": "text/csv, " + SRJ}, query=MEMBERSHIP)
    assert construct.status_code == 406


def test_format_mismatch_and_unknown(client: FlaskClient) -> None:
    assert get(client, JSON, query=MEMBERSHIP, format="csv").status_code == 406
    unknown = get(client, JSON, query=LABELS, format="yaml")
    assert unknown.status_code == 400 and "turtle" in error(unknown)["hint"]


# --- errors for SPARQL clients ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("application/sparql-results+xml", "text/plain"),  # rdflib's default
        ("*/*", "text/plain"),
        (None, "text/plain"),
        (SRJ, "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_errors_are_readable_for_every_client(
    client: FlaskClient, accept: str | None, mimetype: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = get(client, headers, query="SELECT * {")
    assert response.status_code == 400
    assert response.mimetype == mimetype
    assert b"syntax error" in response.data


# --- Service Description and the query page ---------------------------------------------------


def service_description(response, fmt: str = "turtle") -> rdflib.Graph:
    assert response.status_code == 200, response.data
    return rdflib.Graph().parse(data=response.data, format=fmt)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        (None, "turtle"),
        ("*/*", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_service_description(client: FlaskClient, accept: str | None, fmt: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    graph = service_description(response, fmt)
    service = rdflib.URIRef("http://localhost/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (None, SD.feature, SD.BasicFederatedQuery) not in graph
    assert (None, SD.feature, SD.DereferencesURIs) not in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert len(formats) == 10 and "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    names = set(graph.objects(None, SD.name))
    assert names == {rdflib.URIRef(G1), rdflib.URIRef(G2)}
    void_triples = rdflib.URIRef("http://rdfs.org/ns/void#triples")
    dataset = graph.value(service, SD.defaultDataset)
    default_graph = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default_graph, void_triples).toPython() == 43  # distinct triples


def test_service_description_format_parameter(client: FlaskClient) -> None:
    assert client.get("/sparql?format=trig").mimetype == "application/trig"
    assert client.get("/sparql?format=csv", headers=JSON).status_code == 406


def test_service_description_endpoint_is_the_requested_url(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", base_url="https://data.example.org:8443/", headers={"Accept": "text/turtle"}
    )
    graph = service_description(response)
    endpoint = rdflib.URIRef("https://data.example.org:8443/sparql")
    assert (endpoint, SD.endpoint, endpoint) in graph


def test_browser_gets_the_query_page(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]


def test_no_acceptable_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406


# --- CORS --------------------------------------------------------------------------------------


def test_cors_on_answers_and_errors(client: FlaskClient) -> None:
    ok = get(client, {"Origin": "https://elsewhere.example"}, query=LABELS)
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in ok.headers["Access-Control-Expose-Headers"]
    bad = get(client, {"Origin": "https://elsewhere.example"}, query="SELECT * {")
    assert bad.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed and "accept" in allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_cors_origin_list_and_off(store_dir: Path, tmp_path: Path) -> None:
    listed = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "CORS_ORIGINS": "https://a.example https://b.example",
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    yes = listed.get("/healthz", headers={"Origin": "https://b.example"})
    assert yes.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in yes.headers["Vary"]
    no = listed.get("/healthz", headers={"Origin": "https://c.example"})
    assert "Access-Control-Allow-Origin" not in no.headers
    off = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "CORS_ORIGINS": "",
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    assert "Access-Control-Allow-Origin" not in off.get("/healthz").headers


# --- HTTP caching and the answer cache ----------------------------------------------------------


def test_etag_and_304(client: FlaskClient) -> None:
    first = get(client, query=LABELS)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = get(client, {"If-None-Match": etag}, query=LABELS)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert get(client, {"If-Modified-Since": modified}, query=LABELS).status_code == 304
    assert get(client, {"If-None-Match": '"other"'}, query=LABELS).status_code == 200
    # another format or dataset is another answer
    assert get(client, query=LABELS, format="xml").headers["ETag"] != etag
    assert get(client, query=LABELS, **{"default-graph-uri": G1}).headers["ETag"] != etag


def test_new_version_changes_the_etag(store_dir: Path, tmp_path: Path, publish_version) -> None:
    client = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "STORE_CHECK_INTERVAL": 0,
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <" + NKG + "Actor> }"
    first = get(client, query=count)
    assert rows(first) == {("3",)}  # Nasrallah once per graph, Qaani once
    publish_version(store_dir, extra=f"<{G2}x> {{ <{ID}actor/x> a <{NKG}Actor> }}\n")
    second = get(client, {"If-None-Match": first.headers["ETag"]}, query=count)
    assert second.status_code == 200 and rows(second) == {("4",)}
    cache_root = next((tmp_path / "c").iterdir())
    assert len(list(cache_root.iterdir())) == 1  # the old version's entries are gone


def metric(client: FlaskClient, name: str, **labels: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_answer_cache_hit(client: FlaskClient) -> None:
    query = LABELS + " # cache test"
    hits, misses = (
        metric(client, "newskg_cache_hits_total"),
        metric(client, "newskg_cache_misses_total"),
    )
    first = get(client, query=query, format="tsv")
    second = get(client, query=query, format="tsv")
    assert first.data == second.data and second.headers["Content-Length"] == str(len(second.data))
    assert second.mimetype == "text/tab-separated-values"
    assert metric(client, "newskg_cache_misses_total") == misses + 1
    assert metric(client, "newskg_cache_hits_total") == hits + 1


def test_cache_is_bounded(store_dir: Path, tmp_path: Path) -> None:
    client = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "CACHE_BYTES": 20000,
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    for n in range(30):
        assert get(client, query=f"{LABELS} LIMIT {n + 1}").status_code == 200
    total = sum(f.stat().st_size for f in (tmp_path / "c").rglob("*") if f.is_file())
    assert 0 < total <= 20000


def test_metrics(client: FlaskClient) -> None:
    get(client, query=LABELS)
    get(client, JSON, query="SELECT * {")
    assert metric(client, "newskg_http_requests_total", endpoint="/sparql", status="200") >= 1
    assert metric(client, "newskg_http_requests_total", endpoint="/sparql", status="400") >= 1
    assert metric(client, "newskg_http_request_duration_seconds_count", endpoint="/sparql") >= 2
    text = client.get("/metrics").get_data(as_text=True)
    for name in (
        "newskg_query_timeouts_total",
        "newskg_queries_in_flight",
        "newskg_cache_hits_total",
        "newskg_cache_misses_total",
    ):
        assert name in text


def _qs(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


# --- the engine's limits, through the endpoint --------------------------------------------------

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)


def test_time_limit_is_503_and_counted(store_dir: Path, tmp_path: Path) -> None:
    client = create_app(
        {
            "STORE": str(store_dir),
            "TESTING": True,
            "QUERY_TIMEOUT": 0.5,
            "CACHE_DIR": str(tmp_path / "c"),
        }
    ).test_client()
    before = metric(client, "newskg_query_timeouts_total")
    response = get(client, JSON, query=RUNAWAY)
    assert response.status_code == 503
    assert "time limit" in error(response)["message"] and response.headers["Retry-After"]
    assert metric(client, "newskg_query_timeouts_total") == before + 1
    assert metric(client, "newskg_queries_in_flight") == 0
    # an error is not cached: the same query fails the same way, and a quick one answers
    assert get(client, JSON, query=RUNAWAY).status_code == 503
    assert get(client, query="ASK { ?s ?p ?o }").status_code == 200


def test_row_cap_is_422(store_dir: Path, tmp_path: Path) -> None:
    client = create_app(
        {"STORE": str(store_dir), "TESTING": True, "MAX_ROWS": 3, "CACHE_DIR": str(tmp_path / "c")}
    ).test_client()
    response = get(client, JSON, query=LABELS)
    assert response.status_code == 422
    assert get(client, query=LABELS + " LIMIT 3").status_code == 200
