"""``newskg serve --store sparql+http://…``: the endpoint, pages and dumps proxied to each
real store of :mod:`tests.backends.stores` (Oxigraph server, Virtuoso), with the same answers
and the same refusals as the local store.

Answers are checked against the local engine on the staging directory the remote was pushed
from (``create_app`` on it, in-process): the same query must give the same rows (SELECT,
ASK) or isomorphic graphs (CONSTRUCT, DESCRIBE, pages). The time-limit test runs last: the
remote keeps working on the abandoned query until its own limit."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from newskg import formats
from newskg.backends.remote.engine import query_kind
from newskg.backends.versions import published
from newskg.web import create_app
from newskg.web.http.errors import APIError
from tests.backends.conftest import (
    Newskg,
    assert_same_graphs,
    local_graphs,
    nquads_graphs,
    store_url,
)
from tests.backends.stores import REMOTE_TIMEOUT_S, RUNNERS, Remote
from tests.conftest import CorpusBuild, running_server

pytestmark = pytest.mark.slow

MAX_ROWS = 500  # the corpus has about 2,000 triples: `?s ?p ?o` goes over it
PREFIXES = """PREFIX nkg: <https://w3id.org/newskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
"""
ENTITIES = "http://localhost:8000/graph/entities"


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    remote: Remote,
    newskg: Newskg,
    corpus_build: CorpusBuild,
) -> Iterator[tuple[str, str, Path]]:
    """(server URL, store setting, staging directory): the session's corpus build, taken as
    a staging directory and pushed to the remote (test_publish.py builds into one itself),
    served from the remote by Granian."""
    workdir = tmp_path_factory.mktemp(f"serve-{remote.kind}")
    staging = workdir / "staging"
    shutil.copytree(corpus_build.store, staging, symlinks=True)
    store = store_url(remote, staging)
    result = newskg("push", "--store", store)
    assert result.returncode == 0, result.stdout + result.stderr
    with running_server(
        "newskg.cli",
        "serve",
        "--store",
        store,
        "--workers",
        "1",
        "--max-rows",
        str(MAX_ROWS),
        workdir=workdir,
    ) as url:
        yield url, store, staging


@pytest.fixture(scope="module")
def server(served: tuple[str, str, Path]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def local(served: tuple[str, str, Path]) -> FlaskClient:
    """The same version served from the local staging directory, the reference."""
    app = create_app(
        {"STORE": str(served[2]), "TESTING": True, "CACHE_BYTES": 0, "MAX_ROWS": MAX_ROWS}
    )
    return app.test_client()


def ask_both(
    server: str, local: FlaskClient, query: str, fmt: str, **params: str
) -> tuple[requests.Response, bytes]:
    remote = requests.post(
        server + "/sparql", data={"query": query, "format": fmt, **params}, timeout=30
    )
    reference = local.post("/sparql", data={"query": query, "format": fmt, **params})
    assert reference.status_code == 200, reference.get_data(as_text=True)
    assert remote.status_code == 200, remote.text
    assert remote.headers["Content-Type"].split(";")[0] == formats.by_name(fmt).media_type
    return remote, reference.get_data()


def rows(body: bytes, fmt: str) -> Counter[tuple[str, ...]]:
    """A results table as a multiset of rows (terms in N-Triples form)."""
    if fmt == "csv":  # lossy (no term types), so compared as lines
        lines = body.decode("utf-8").splitlines()
        return Counter((line,) for line in lines[1:]) + Counter({("header", lines[0]): 1})
    results = pyoxigraph.parse_query_results(body, formats.by_name(fmt).results_format)
    if isinstance(results, pyoxigraph.QueryBoolean):
        return Counter({(str(bool(results)),): 1})
    names = [v.value for v in results.variables]
    return Counter(tuple(str(s[n]) for n in names) for s in results)


def graph(body: bytes, fmt: str) -> Graph:
    """Any RDF answer as an rdflib graph of its triples (quads' graph names dropped)."""
    triples = pyoxigraph.parse(body, formats.by_name(fmt).rdf_format)
    text = "".join(f"{quad.triple} .\n" for quad in triples)
    return Graph().parse(data=text, format="nt")


SELECTS = [
    "SELECT ?actor ?label WHERE { ?actor a nkg:Actor ; rdfs:label ?label }",
    "SELECT ?quote ?who WHERE { ?s a nkg:Statement ; nkg:quote ?quote ; "
    "nkg:speaker/rdfs:label ?who }",
    "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a nkg:Event ; nkg:eventType ?type } GROUP BY ?type",
    "SELECT ?article ?date ?author WHERE { ?article a nkg:Article . "
    "OPTIONAL { ?article schema:datePublished ?date } "
    "OPTIONAL { ?article schema:author ?author } }",
    f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ENTITIES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} "
    "GROUP BY ?g",
]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
@pytest.mark.parametrize("query", SELECTS)
def test_select_answers_as_locally(server: str, local: FlaskClient, query: str, fmt: str) -> None:
    remote, reference = ask_both(server, local, PREFIXES + query, fmt)
    assert rows(remote.content, fmt) == rows(reference, fmt)
    assert sum(rows(reference, fmt).values()) > 0


def test_a_sparql_client_reads_the_proxied_endpoint(server: str, local: FlaskClient) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(PREFIXES + SELECTS[0])
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    reference = local.post("/sparql", data={"query": PREFIXES + SELECTS[0]}).get_json()
    assert sorted(map(str, bindings)) == sorted(map(str, reference["results"]["bindings"]))


def test_the_dataset_parameters_are_passed_on(server: str, local: FlaskClient) -> None:
    query = "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
    remote, reference = ask_both(
        server,
        local,
        PREFIXES + query,
        "json",
        **{"default-graph-uri": "https://w3id.org/newskg/ontology"},
    )
    assert rows(remote.content, "json") == rows(reference, "json")


def test_named_graphs_alone_leave_the_default_graph_empty(server: str, local: FlaskClient) -> None:
    """Protocol 2.1.4: with named-graph-uri alone the default graph is empty, not the
    union (the triple store is asked for exactly that dataset)."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } "
        "GROUP BY ?g"
    )
    remote, reference = ask_both(server, local, query, "json", **{"named-graph-uri": ENTITIES})
    assert rows(remote.content, "json") == rows(reference, "json")
    assert [row[0] for row in rows(reference, "json")] == [f"<{ENTITIES}>"]


def test_relative_iris_resolve_against_the_endpoint(server: str) -> None:
    """As locally (and as Oxigraph's server): the base is the URL the endpoint was asked at,
    unless the query has its own BASE."""
    query = "SELECT ?x WHERE { VALUES ?x { <relative> } }"
    for text, expected in (
        (query, f"<{server}/relative>"),
        ("BASE <http://example.org/a/> " + query, "<http://example.org/a/relative>"),
    ):
        answer = requests.post(
            server + "/sparql", data={"query": text, "format": "json"}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        assert rows(answer.content, "json") == Counter({(expected,): 1})


ASKS = [("ASK { ?a a nkg:Actor }", "True"), ("ASK { ?a a nkg:Unicorn }", "False")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("query", "answer"), ASKS)
def test_ask_answers_as_locally(
    server: str, local: FlaskClient, query: str, answer: str, fmt: str
) -> None:
    remote, reference = ask_both(server, local, PREFIXES + query, fmt)
    assert rows(remote.content, fmt) == rows(reference, fmt) == Counter({(answer,): 1})


GRAPH_QUERIES = [
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a nkg:Organization ; rdfs:label ?l }",
    "CONSTRUCT WHERE { ?s a nkg:Membership ; ?p ?o }",
    "DESCRIBE ?s WHERE { ?s a nkg:Statement } ORDER BY ?s LIMIT 2",  # the same two everywhere
]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"])
@pytest.mark.parametrize("query", GRAPH_QUERIES)
def test_construct_and_describe_answer_as_locally(
    server: str, local: FlaskClient, query: str, fmt: str
) -> None:
    remote, reference = ask_both(server, local, PREFIXES + query, fmt)
    expected = graph(reference, fmt)
    assert len(expected) > 0
    assert isomorphic(graph(remote.content, fmt), expected)


def test_content_negotiation_picks_the_format(server: str) -> None:
    response = requests.get(
        server + "/sparql",
        params={"query": PREFIXES + SELECTS[0]},
        headers={"Accept": "text/tab-separated-values, */*;q=0.1"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert "Accept" in response.headers["Vary"]


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A loopback port that would see any connection a SERVICE or LOAD made."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", sock
    finally:
        sock.close()


REFUSED = [  # (query with {url} for the listener, status)
    ("SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", 400),
    ("SELECT * WHERE {{ ?s ?p ?o . SERVICE SILENT <{url}> {{ ?s ?p ?x }} }}", 400),
    ("LOAD <{url}>", 403),
    ("LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>", 403),
]


@pytest.mark.parametrize(("template", "status"), REFUSED)
def test_service_and_load_are_refused_before_anything_is_sent(
    server: str, listener: tuple[str, socket.socket], template: str, status: int
) -> None:
    url, sock = listener
    response = requests.post(
        server + "/sparql",
        data={"query": template.format(url=url)},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    with pytest.raises(TimeoutError):
        sock.accept()  # nobody, neither newskg nor the triple store, came knocking


UPDATE = (
    "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> "
    '<http://example.org/p> "planted" } }'
)


@pytest.mark.parametrize("how", ["query", "update", "body"])
def test_updates_are_refused(server: str, remote: Remote, how: str) -> None:
    if how == "body":
        response = requests.post(
            server + "/sparql",
            data=UPDATE.encode(),
            timeout=30,
            headers={"Content-Type": "application/sparql-update"},
        )
    else:
        response = requests.post(server + "/sparql", data={how: UPDATE}, timeout=30)
    assert response.status_code == 403
    check = requests.post(  # a SELECT: Virtuoso answers an ASK with a table
        remote.query_url,
        data={"query": 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "planted" } }'},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert check.json()["results"]["bindings"] == []


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_the_row_cap_is_signalled(server: str, query: str) -> None:
    response = requests.post(
        server + "/sparql",
        data={"query": query},
        timeout=30,
        headers={"Accept": "application/sparql-results+json, text/turtle"},
    )
    assert response.status_code == 422
    assert f"more than {MAX_ROWS} rows" in response.json()["error"]["message"]


def test_a_syntax_error_is_400_with_its_position(server: str, local: FlaskClient) -> None:
    query = "SELECT ?s WHERE { ?s ?p }"
    response = requests.post(
        server + "/sparql",
        data={"query": query},
        timeout=30,
        headers={"Accept": "application/json"},
    )
    reference = local.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == reference.status_code == 400
    assert response.json() == reference.get_json()


def test_health_names_the_pushed_version(served: tuple[str, str, Path]) -> None:
    url, _store, staging = served
    version = published(staging)
    assert version is not None
    assert requests.get(url + "/healthz", timeout=10).json() == {
        "status": "ok",
        "version": version.id,
    }


def an_actor(local: FlaskClient) -> tuple[str, str]:
    reference = local.post(
        "/sparql", data={"query": PREFIXES + SELECTS[0] + " ORDER BY ?label LIMIT 1"}
    ).get_json()
    row = reference["results"]["bindings"][0]
    return row["actor"]["value"], row["label"]["value"]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_linked_data_documents_come_from_the_remote(
    server: str, local: FlaskClient, fmt: str
) -> None:
    iri, _label = an_actor(local)
    path = iri.removeprefix("http://localhost:8000")
    media_type = formats.by_name(fmt).media_type
    response = requests.get(server + path, headers={"Accept": media_type}, timeout=30)
    reference = local.get(path, headers={"Accept": media_type})
    assert response.status_code == reference.status_code == 200
    remote, here = graph(response.content, fmt), graph(reference.get_data(), fmt)
    # Each document describes itself at its own URL (the test client's is not the server's):
    # compared apart, as what it says.
    assert about_itself(remote) == about_itself(here)
    assert isomorphic(remote, here)


def about_itself(document: Graph) -> set[tuple[str, str]]:
    """Remove and return what ``document`` says about itself (predicate, object)."""
    own = [
        (s, p, o)
        for s, p, o in document
        if str(p)
        in ("http://xmlns.com/foaf/0.1/primaryTopic", "http://www.w3.org/ns/hydra/core#totalItems")
    ]
    for triple in own:
        document.remove(triple)
    return {(str(p), str(o)) for _, p, o in own}


def test_pages_come_from_the_remote(server: str, local: FlaskClient) -> None:
    iri, label = an_actor(local)
    page = requests.get(
        server + iri.removeprefix("http://localhost:8000"),
        headers={"Accept": "text/html"},
        timeout=30,
    )
    assert page.status_code == 200 and label in page.text
    listing = requests.get(server + "/actors", timeout=30)
    assert listing.status_code == 200 and label in listing.text
    entities = requests.get(server + "/graph/entities.nt", timeout=30)
    reference = local.get("/graph/entities.nt")
    assert isomorphic(graph(entities.content, "ntriples"), graph(reference.get_data(), "ntriples"))


def test_dumps_written_by_the_build_are_served(served: tuple[str, str, Path]) -> None:
    server, _store, staging = served
    version = published(staging)
    assert version is not None
    sums = requests.get(server + "/dumps/SHA256SUMS", timeout=30)
    assert sums.status_code == 200
    checksum, name = sums.text.splitlines()[0].split("  ")
    assert name == f"newskg-{version.id}.nq.gz"
    download = requests.get(server + "/dumps/" + name, timeout=30)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == checksum
    assert_same_graphs(local_graphs(version.path), dict(nquads_graphs(download.content)))


# --- parsing before proxying (no server needed) -----------------------------------------------

VALUES = " ".join(str(i) for i in range(300))
HEAVY = (
    f"VALUES ?a {{ {VALUES} }} VALUES ?b {{ {VALUES} }} VALUES ?c {{ {VALUES} }} "
    "FILTER(?a + ?b + ?c < 0)"
)
KINDS = [  # (query, kind): parsed, never evaluated, in the web worker
    (f"SELECT * WHERE {{ {HEAVY} }}", "solutions"),
    (f"PREFIX a: <http://a/> # ASK\nASK {{ {HEAVY} }}", "boolean"),
    (f"CONSTRUCT {{ <http://a> <http://b> ?a }} WHERE {{ {HEAVY} }}", "graph"),
    ("DESCRIBE <http://a>", "graph"),
]


@pytest.mark.parametrize(("query", "kind"), KINDS)
def test_queries_are_parsed_not_evaluated_before_proxying(query: str, kind: str) -> None:
    started = time.monotonic()
    assert query_kind(query) == kind
    assert time.monotonic() - started < 1  # pyoxigraph would take seconds to evaluate it


SYNTAX_ERRORS = [
    "ASK { ?s ?p }",
    "PREFIX x: <http://x/>\n  ASK { ?s ?p ?o . FILTER( }",
    "SELECT ?s WHERE { ?s ?p }",
    "ASK WHERE { ?s ?p ?o } GROUP BY ?s",
]


@pytest.mark.parametrize("query", SYNTAX_ERRORS)
def test_syntax_errors_name_the_position_the_local_engine_names(query: str) -> None:
    with pytest.raises(SyntaxError) as local:
        pyoxigraph.Store().query(query)
    with pytest.raises(APIError) as proxied:
        query_kind(query)
    assert proxied.value.status == 400
    assert proxied.value.message == f"SPARQL syntax error: {local.value}"


def test_a_store_that_goes_away_is_502(
    corpus_build: CorpusBuild, remote: Remote, newskg: Newskg, tmp_path: Path
) -> None:
    staging = tmp_path / "staging"
    shutil.copytree(corpus_build.store, staging, symlinks=True)
    with contextlib.ExitStack() as servers:
        with RUNNERS[remote.kind](tmp_path) as going:
            store = store_url(going, staging)
            assert newskg("push", "--store", store).returncode == 0
            url = servers.enter_context(
                running_server(
                    "newskg.cli", "serve", "--store", store, "--workers", "1", workdir=tmp_path
                )
            )
        # The store is gone; the server runs on and says so (after its next marker poll).
        deadline = time.monotonic() + 10
        while (health := requests.get(url + "/healthz", timeout=10)).status_code == 200:
            assert time.monotonic() < deadline, "the server still says it is healthy"
            time.sleep(0.2)
        query = requests.post(
            url + "/sparql",
            data={"query": "ASK {}"},
            timeout=10,
            headers={"Accept": "application/json"},
        )
    assert health.status_code == query.status_code == 502
    assert "cannot reach the triple store" in query.json()["error"]["message"]


# Runs last (see the module docstring): a cross product the corpus cannot answer quickly.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_time_limit_answers_503(served: tuple[str, str, Path], tmp_path: Path) -> None:
    _url, store, _staging = served
    with running_server(
        "newskg.cli",
        "serve",
        "--store",
        store,
        "--workers",
        "1",
        "--query-timeout",
        "1",
        workdir=tmp_path,
    ) as url:
        started = time.monotonic()
        response = requests.post(
            url + "/sparql",
            data={"query": SLOW},
            timeout=30,
            headers={"Accept": "application/json"},
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "time limit of 1 s" in response.json()["error"]["message"]
    assert elapsed < REMOTE_TIMEOUT_S  # it did not wait for the remote's own limit
