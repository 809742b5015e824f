"""A real ``python -m newskg.serve`` (Granian, 2 workers) spoken to by real SPARQL clients."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

pytestmark = pytest.mark.slow

NKG = "https://w3id.org/newskg/ontology#"
ID = "http://localhost:8000/id/"
ACTORS = f"""
PREFIX nkg: <{NKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?actor ?label WHERE {{ ?actor a nkg:Actor ; rdfs:label ?label }} ORDER BY ?label
"""
EXPECTED = [
    (ID + "actor/esmail-qaani", "Esmail Qaani"),
    (ID + "actor/hassan-nasrallah", "Hassan Nasrallah"),
]
COUNT_ACTORS = f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{NKG}Actor> }}"


def post_form(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get_content_type() == "application/sparql-results+json"
        return json.load(response)


def test_sparqlwrapper_select(live_server: str) -> None:
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(ACTORS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert [
        (b["actor"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]
    ] == EXPECTED


def test_rdflib_sparqlstore(live_server: str) -> None:
    graph = Graph(store=SPARQLStore(live_server + "/sparql", returnFormat="json"))
    rows = [(str(r.actor), str(r.label)) for r in graph.query(ACTORS)]
    assert rows == EXPECTED
    assert (URIRef(ID + "place/beirut"), None, Literal("Beirut")) in graph


def test_post_form_with_urllib(live_server: str) -> None:
    result = post_form(live_server + "/sparql", ACTORS)
    assert [
        (b["actor"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]
    ] == EXPECTED


def test_errors_over_http(live_server: str) -> None:
    request = urllib.request.Request(
        live_server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE {"}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert json.load(caught.value)["error"]["status"] == 400


def test_new_version_is_served_without_restart(
    live_server: str, store_dir: Path, publish_version
) -> None:
    def actors() -> int:
        result = post_form(live_server + "/sparql", COUNT_ACTORS)
        return int(result["results"]["bindings"][0]["n"]["value"])

    assert actors() == 2
    publish_version(
        store_dir,
        extra=(f"<http://localhost:8000/graph/a3> {{ <{ID}actor/new> a <{NKG}Actor> }}\n"),
    )
    # Each worker re-reads `current` at most once a second, so a request may see the old
    # version for up to a second after the publish; after that every worker, whichever takes
    # the request, serves the new one.
    published_at = time.monotonic()
    time.sleep(1.2)
    seen = [actors() for _ in range(20)]
    assert seen == [3] * 20
    assert time.monotonic() - published_at < 3
