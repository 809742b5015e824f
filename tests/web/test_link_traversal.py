"""Linked data that machines can follow (issue 15): Comunica's link traversal, a client that
only dereferences IRIs (no SPARQL endpoint), started from an actor's IRI finds the quotes,
events and memberships his page lists, and from an article's IRI its facts and its graph.

Before, an entity's RDF held only its outgoing triples and an article's linked to nothing,
so the traversal found none of them. The client is the real one, from npm (``make assets``
installs it with the query page's YASGUI; ``.ci/run`` installs npm so CI always runs this).
The corpus is built with IRIs minted for the server's own address, so every IRI a document
names can be dereferenced.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pyoxigraph
import pytest

from newskg.backends import versions
from tests.conftest import StartServer, free_port
from tests.ops.publishing import newskg

ROOT = Path(__file__).resolve().parents[2]
COMUNICA = ROOT / "node_modules" / ".bin" / "comunica-sparql-link-traversal"
NKG = "https://w3id.org/newskg/ontology#"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not COMUNICA.exists(),
        reason="Comunica's link traversal is not installed: `make assets` installs it with npm "
        "(install Node.js and npm; .ci/run does)",
    ),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The bundled corpus, its IRIs minted for a port a server will listen on."""
    port = free_port()
    store = tmp_path_factory.mktemp("traversal") / "store"
    base = f"http://127.0.0.1:{port}/"
    result = newskg("build", "--articles", ROOT / "articles", "--store", store, "--base-iri", base)
    assert result.returncode == 0, result.stderr
    return store, port


def traverse(seed: str, query: str) -> set[tuple[str, ...]]:
    """The rows Comunica's link traversal answers, from ``seed`` alone."""
    done = subprocess.run(
        # --lenient: IRIs outside this dataset (the ontology, FOAF) cannot be fetched offline
        [str(COMUNICA), seed, query, "-t", "text/csv", "--lenient"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    return {tuple(cell.strip("<>") for cell in row) for row in rows[1:]}


def answer(store: Path, query: str) -> set[tuple[str, ...]]:
    """The rows the store itself answers (what the pages list)."""
    rows = versions.open_published(store)[1].query(query, use_default_graph_as_union=True)
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    return {tuple(term.value for term in row) for row in rows}


def most_quoted(store: Path) -> str:
    rows = answer(
        store,
        f"SELECT ?a WHERE {{ ?s <{NKG}speaker> ?a }} GROUP BY ?a ORDER BY DESC(COUNT(?s)) ?a "
        "LIMIT 1",
    )
    (actor,) = next(iter(rows))
    return actor


def test_from_an_actor_traversal_finds_his_quotes_events_and_memberships(
    served: tuple[Path, int], start_server: StartServer
) -> None:
    store, port = served
    start_server("newskg.serve", "--store", store, "--workers", "2", port=port)
    actor = most_quoted(store)
    queries = {
        "quotes": f"SELECT ?s ?q WHERE {{ ?s <{NKG}speaker> <{actor}> ; <{NKG}quote> ?q }}",
        "events": f"SELECT ?e ?label WHERE {{ ?e ?role <{actor}> ; a <{NKG}Event> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        "memberships": f"SELECT ?m ?org WHERE {{ ?m <{NKG}member> <{actor}> ; "
        f"<{NKG}organization> ?org }}",
    }
    found = {name: answer(store, query) for name, query in queries.items()}
    assert found["quotes"], "the most quoted actor has quotes"
    assert found["events"] or found["memberships"], f"{actor}: nothing else to look for"
    for name, query in queries.items():
        assert traverse(actor, query) == found[name], name


def test_from_an_article_traversal_finds_its_facts_and_its_graph(
    served: tuple[Path, int], start_server: StartServer
) -> None:
    store, port = served
    start_server("newskg.serve", "--store", store, "--workers", "2", port=port)
    most = (
        f"SELECT ?a WHERE {{ ?f <{NKG}article> ?a }} GROUP BY ?a ORDER BY DESC(COUNT(?f)) LIMIT 1"
    )
    (article,) = next(iter(answer(store, most)))
    facts = f"SELECT ?f ?c WHERE {{ ?f <{NKG}article> <{article}> ; a ?c }}"
    expected = answer(store, facts)
    assert {c for _, c in expected} == {f"{NKG}{c}" for c in ("Statement", "Event", "Membership")}
    assert traverse(article, facts) == expected
    graph = f"SELECT ?g WHERE {{ <{article}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?g }}"
    graphs = answer(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{article}> a <{NKG}Article> }} }}")
    assert len(graphs) == 1 and traverse(article, graph) == graphs
