"""The web app through Flask's test client: SPARQL endpoint, error shape, pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from newskg.backends.versions import published
from newskg.web import create_app

NKG = "https://w3id.org/newskg/ontology#"
ID = "http://localhost:8000/id/"
PREFIXES = f"PREFIX nkg: <{NKG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SRJ = "application/sparql-results+json"

ACTORS_QUERY = (
    PREFIXES
    + """
SELECT ?actor ?label WHERE { ?actor a nkg:Actor ; rdfs:label ?label } ORDER BY ?label
"""
)
EXPECTED_ACTORS = [
    (ID + "actor/esmail-qaani", "Esmail Qaani"),
    (ID + "actor/hassan-nasrallah", "Hassan Nasrallah"),
]


def bindings(response) -> list[tuple[str, ...]]:
    data = json.loads(response.data)
    names = data["head"]["vars"]
    return [tuple(row[n]["value"] for n in names) for row in data["results"]["bindings"]]


def error(response) -> dict:
    assert response.mimetype == "application/json"
    return json.loads(response.data)["error"]


# --- SPARQL ---------------------------------------------------------------------------------


def test_select_spans_the_union_of_named_graphs(client: FlaskClient) -> None:
    # Qaani is only in graph a2, Nasrallah in both: the default graph is their union, and
    # DISTINCT-free results still show Nasrallah's label twice (once per graph) ...
    response = client.get("/sparql", query_string={"query": ACTORS_QUERY})
    assert response.status_code == 200
    assert response.mimetype == SRJ
    assert sorted(set(bindings(response))) == EXPECTED_ACTORS
    # ... and the data is really in two named graphs, not the default graph.
    graphs = client.get(
        "/sparql",
        query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"},
    )
    assert bindings(graphs) == [
        ("http://localhost:8000/graph/a1",),
        ("http://localhost:8000/graph/a2",),
    ]


@pytest.mark.parametrize("how", ["form", "body"])
def test_select_by_post(client: FlaskClient, how: str) -> None:
    query = (
        PREFIXES + "SELECT DISTINCT ?actor ?label WHERE { ?actor a nkg:Actor ; "
        "rdfs:label ?label } ORDER BY ?label"
    )
    if how == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post(
            "/sparql", data=query.encode(), content_type="application/sparql-query; charset=utf-8"
        )
    assert response.status_code == 200, response.data
    assert bindings(response) == EXPECTED_ACTORS


def test_ask(client: FlaskClient) -> None:
    yes = client.get(
        "/sparql",
        query_string={"query": PREFIXES + f"ASK {{ <{ID}actor/esmail-qaani> a nkg:Actor }}"},
    )
    no = client.get(
        "/sparql",
        query_string={"query": PREFIXES + f"ASK {{ <{ID}actor/esmail-qaani> a nkg:Place }}"},
    )
    assert yes.mimetype == no.mimetype == SRJ
    assert json.loads(yes.data)["boolean"] is True
    assert json.loads(no.data)["boolean"] is False


def test_construct_answers_turtle(client: FlaskClient) -> None:
    query = (
        PREFIXES
        + """
    CONSTRUCT { ?m nkg:member ?who ; nkg:organization ?org ; nkg:role ?role }
    WHERE { ?m a nkg:Membership ; nkg:member ?who ; nkg:organization ?org ; nkg:role ?role }
    """
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    got = rdflib.Graph().parse(data=response.data, format="turtle")
    expected = rdflib.Graph().parse(
        format="turtle",
        data=f"""
        @prefix nkg: <{NKG}> .
        <{ID}membership/a1-5b1e07c4a9d2> nkg:member <{ID}actor/hassan-nasrallah> ;
            nkg:organization <{ID}organization/hezbollah> ; nkg:role "secretary-general" .
    """,
    )
    assert isomorphic(got, expected)


def test_describe_answers_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{ID}place/beirut>"})
    assert response.mimetype == "text/turtle"
    got = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef(ID + "place/beirut"), rdflib.RDFS.label, rdflib.Literal("Beirut")) in got


def test_syntax_error_is_400_with_the_parsers_message(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": SRJ}
    )
    assert response.status_code == 400
    body = error(response)
    assert body["status"] == 400 and body["title"] == "Bad Request"
    assert "syntax error" in body["message"] and "1:" in body["message"]
    assert body["hint"]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "PREFIX ex: <http://e/>\nDELETE WHERE { ?s ex:p ?o }",
        "# a comment\nDROP ALL",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR GRAPH <http://localhost:8000/graph/a1>",
    ],
)
def test_update_is_403(client: FlaskClient, update: str) -> None:
    response = client.post("/sparql", data={"query": update}, headers={"Accept": SRJ})
    assert response.status_code == 403
    assert "read-only" in error(response)["message"]
    # and the data is untouched
    count = client.get(
        "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
    )
    assert bindings(count) == [("45",)]


def test_update_parameter_is_403(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"update": "DROP ALL"}, headers={"Accept": SRJ})
    assert response.status_code == 403
    response = client.get("/sparql?update=DROP+ALL", headers={"Accept": SRJ})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE ?ep { ?s ?p ?o } }",
    ],
)
def test_service_is_400_and_never_fetched(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": SRJ})
    assert response.status_code == 400
    assert "SERVICE" in error(response)["message"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE { ?service ?p "SERVICE" } LIMIT 1',
        "PREFIX service: <http://e/>\nSELECT * WHERE { ?s service:p ?o } LIMIT 1",
        "SELECT * WHERE { <http://e/SERVICE> ?p ?o } # SERVICE in a comment",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o = 'a SERVICE b'@en) } LIMIT 1",
    ],
)
def test_service_lookalikes_are_allowed(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.data


def test_missing_query_on_post_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "no query" in error(response)["message"]


def test_unsupported_body_type_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data="SELECT * {}",
        content_type="text/plain",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 415


def test_browser_get_without_query_gets_a_form(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"<textarea" in response.data and b'name="query"' in response.data


# --- error shape ----------------------------------------------------------------------------


def test_404_as_json(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = error(response)
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["message"] and body["hint"]


def test_404_as_html(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"404 Not Found" in response.data


def test_error_as_plain_text(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "text/csv"})
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.data.startswith(b"404 Not Found\n")


def test_405_names_allowed_methods(client: FlaskClient) -> None:
    response = client.delete("/sparql", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "GET" in error(response)["hint"]


def test_413_for_huge_body(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data=b"#" * (2 * 1024 * 1024),
        content_type="application/sparql-query",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert error(response)["status"] == 413


def test_unexpected_error_is_500_without_details(store_dir: Path, caplog) -> None:
    app = create_app({"STORE": str(store_dir), "TESTING": True})

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret /internal/path")

    response = app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert b"secret" not in response.data
    assert error(response)["title"] == "Internal Server Error"
    assert "secret /internal/path" in caplog.text  # but the operator sees it


def test_503_when_nothing_is_published(tmp_path: Path) -> None:
    client = create_app({"STORE": str(tmp_path / "empty"), "TESTING": True}).test_client()
    for path in ("/sparql?query=ASK+%7B%7D", "/", "/healthz"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 503, path
        assert "no published dataset: run newskg build" in error(response)["message"]
    html = client.get("/", headers={"Accept": "text/html"})
    assert html.status_code == 503 and b"newskg build" in html.data


# --- pages ----------------------------------------------------------------------------------


def test_home_page_counts(client: FlaskClient, store_dir: Path) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert published(store_dir).id in page
    assert '<td class="num" id="triples">45</td>' in page
    expected = {
        "Actor": 2,
        "Organization": 2,
        "Place": 1,
        "Event": 1,
        "Statement": 2,
        "Membership": 1,
        "Article": 2,
    }
    for name, count in expected.items():
        assert f'id="count-{name}">{count}</td>' in page, name
    assert 'href="/sparql"' in page


def test_healthz(client: FlaskClient, store_dir: Path) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": published(store_dir).id}


def test_new_version_is_picked_up(store_dir: Path, publish_version) -> None:
    app = create_app({"STORE": str(store_dir), "TESTING": True, "STORE_CHECK_INTERVAL": 0})
    client = app.test_client()
    first = client.get("/healthz").json["version"]
    version = publish_version(
        store_dir, extra=(f"<http://localhost:8000/graph/a3> {{ <{ID}actor/x> a <{NKG}Actor> }}\n")
    )
    assert client.get("/healthz").json["version"] == version.id != first
    assert 'id="count-Actor">3</td>' in client.get("/").get_data(as_text=True)
