"""The whole pipeline through the real ``newskg`` command: build, validate, extract, serve."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from newskg.backends import versions as store
from tests.conftest import CorpusBuild

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "articles"
NEWSKG = [sys.executable, "-m", "newskg.cli"]
NKG = "https://w3id.org/newskg/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"

pytestmark = pytest.mark.slow


def newskg(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSKG, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=check,
        timeout=600,
    )


def build(articles: Path, store_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return newskg("build", "--articles", articles, "--store", store_dir, "--quiet", *extra)


def select(store_dir: Path, query: str) -> list[dict[str, str]]:
    _, opened = store.open_published(store_dir)
    solutions = opened.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def dataset(store_dir: Path) -> Dataset:
    _, opened = store.open_published(store_dir)
    data = Dataset()
    data.parse(data=opened.dump(format=pyoxigraph.RdfFormat.N_QUADS).decode(), format="nquads")
    return data


@pytest.fixture
def corpus_store(corpus_build: CorpusBuild) -> Path:
    """The bundled corpus built once per run (the tests only read it)."""
    return corpus_build.store


def test_corpus_build_publishes_both_articles(corpus_build: CorpusBuild) -> None:
    assert "2 articles read, 2 published, 0 rejected" in corpus_build.stdout


def test_corpus_conforms(corpus_store: Path) -> None:
    result = newskg("validate", "--store", corpus_store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_corpus_has_every_class(corpus_store: Path) -> None:
    summary = store.published(corpus_store).summary()  # type: ignore[union-attr]
    counts = summary["counts"]
    assert counts["Article"] == 2
    for name in ("Actor", "Organization", "Place", "Event", "Statement", "Membership"):
        assert counts[name] >= 1, f"no {name} in the corpus build: {counts}"
    assert summary["triples"] == len(store.open_published(corpus_store)[1])


def test_one_named_graph_per_article_and_a_union(corpus_store: Path) -> None:
    graphs = {row["g"] for row in select(corpus_store, "SELECT DISTINCT ?g { GRAPH ?g {} }")}
    assert graphs == {
        "http://localhost:8000/graph/000_15d2d29b220b0ea0",
        "http://localhost:8000/graph/004_aab24eeb803ce905",
        "http://localhost:8000/graph/entities",
        "https://w3id.org/newskg/ontology",
    }
    # No triple is stored in two graphs, so counts over the union are not inflated.
    duplicated = select(
        corpus_store,
        """
        SELECT ?s ?p ?o WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o }
                                FILTER(STR(?g1) < STR(?g2)) } LIMIT 5""",
    )
    assert duplicated == []
    # Without GRAPH, a query sees both articles at once.
    rows = select(corpus_store, f"SELECT ?a {{ ?a a <{NKG}Article> }}")
    assert len(rows) == 2


def test_evidence_invariant(corpus_store: Path) -> None:
    """text[begin:end] == anchorOf for every span node, and every fact has evidence."""
    rows = select(
        corpus_store,
        f"""
        SELECT ?span ?begin ?end ?anchor ?text WHERE {{
          ?span <{NIF}beginIndex> ?begin ; <{NIF}endIndex> ?end ; <{NIF}anchorOf> ?anchor ;
                <{NIF}referenceContext> ?article .
          ?article <{NIF}isString> ?text .
        }}""",
    )
    assert len(rows) > 50
    for row in rows:
        assert row["text"][int(row["begin"]) : int(row["end"])] == row["anchor"], row["span"]
    missing = select(
        corpus_store,
        f"""
        SELECT ?fact WHERE {{
          VALUES ?class {{ <{NKG}Statement> <{NKG}Event> <{NKG}Membership> }}
          ?fact a ?class FILTER NOT EXISTS {{ ?fact <{NKG}evidence> ?e }} }}""",
    )
    assert missing == []


def test_same_entity_in_two_articles_is_one_iri(corpus_store: Path) -> None:
    rows = select(
        corpus_store,
        f"""
        SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?e <{NKG}mentionedIn> ?a }}
        GROUP BY ?e HAVING (COUNT(DISTINCT ?a) > 1)""",
    )
    shared = {row["e"] for row in rows}
    assert "http://localhost:8000/id/place/iran" in shared, shared
    # The man killed in 000 and profiled as a predecessor in 004 is one actor in both.
    soleimani = select(
        corpus_store,
        """
        SELECT DISTINCT ?e WHERE { ?e a <https://w3id.org/newskg/ontology#Actor> ;
          <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel>
          ?name FILTER(CONTAINS(?name, "Soleimani")) }""",
    )
    assert len(soleimani) == 1 and soleimani[0]["e"] in shared, soleimani
    labels = select(
        corpus_store,
        """
        SELECT ?e (COUNT(DISTINCT ?l) AS ?n)
        WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }
        GROUP BY ?e HAVING (COUNT(DISTINCT ?l) > 1)""",
    )
    assert labels == [], "an entity has more than one rdfs:label across articles"


def test_building_twice_gives_identical_graphs(corpus_store: Path, tmp_path: Path) -> None:
    second = tmp_path / "store"
    assert build(ARTICLES, second).returncode == 0
    first_data, second_data = dataset(corpus_store), dataset(second)
    first_graphs = {str(g.identifier) for g in first_data.graphs()}
    assert first_graphs == {str(g.identifier) for g in second_data.graphs()}
    for name in first_graphs:
        assert isomorphic(first_data.graph(name), second_data.graph(name)), name


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(ARTICLES / "000_15d2d29b220b0ea0.txt", articles)
    result = build(articles, tmp_path / "store", "--base-iri", "https://data.example.org/kg/")
    assert result.returncode == 0, result.stderr
    rows = select(tmp_path / "store", f"SELECT ?a {{ ?a a <{NKG}Article> }}")
    assert rows == [{"a": "https://data.example.org/kg/id/article/000_15d2d29b220b0ea0"}]


def test_broken_articles_are_reported_and_the_rest_publish(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(ARTICLES, articles)
    (articles / "empty.txt").write_text("")
    (articles / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (articles / "latin1.txt").write_bytes(b"Headline\n\nJos\xe9 Mar\xeda said so.\n")
    (articles / "meta.txt").write_text("A headline\n\nThe minister spoke.\n")
    (articles / "meta.meta.json").write_text('{"published": ')
    result = build(articles, tmp_path / "store")
    assert result.returncode == 1
    for name, reason in [
        ("empty.txt", "empty article"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("meta.meta.json", "invalid JSON"),
    ]:
        assert any(name in line and reason in line for line in result.stderr.splitlines()), (
            name,
            result.stderr,
        )
    assert "6 articles read, 2 published, 4 rejected" in result.stdout
    summary = store.published(tmp_path / "store").summary()  # type: ignore[union-attr]
    assert sorted(summary["published"]) == ["000_15d2d29b220b0ea0", "004_aab24eeb803ce905"]


def test_failed_build_leaves_the_published_version(corpus_store: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"  # a copy: the shared corpus store stays read-only
    shutil.copytree(corpus_store, store_dir, symlinks=True)
    before = store.published(store_dir)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.txt").write_text("")
    result = build(broken, store_dir)
    assert result.returncode == 2
    assert "nothing was published" in result.stderr
    assert store.published(store_dir) == before


def test_build_killed_midway_leaves_the_published_version(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    assert build(ARTICLES, store_dir).returncode == 0
    before = store.published(store_dir)
    count_before = len(store.open_published(store_dir)[1])
    # Articles changed since, so the build has to extract them again (seconds): the same ones
    # come from the cache and publish in well under the half second this test waits.
    changed = tmp_path / "changed"
    changed.mkdir()
    for article in sorted(ARTICLES.glob("*.txt")):
        text = article.read_text(encoding="utf-8")
        (changed / article.name).write_text(text + "\nA line added later.\n", encoding="utf-8")
    process = subprocess.Popen(
        [*NEWSKG, "build", "--articles", changed, "--store", store_dir, "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    # The new version's directory exists from the start of the build to its very end.
    while not list((store_dir / "versions").glob(".tmp-*")):
        assert process.poll() is None and time.monotonic() < deadline, "build never started"
        time.sleep(0.01)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert store.published(store_dir) == before
    assert len(store.open_published(store_dir)[1]) == count_before
    assert newskg("validate", "--store", store_dir).returncode == 0
    # The next build sweeps the leftovers and publishes.
    assert build(ARTICLES, store_dir).returncode == 0
    assert store.published(store_dir) != before
    assert not list((store_dir / "versions").glob(".tmp-*"))


def test_a_second_concurrent_build_is_refused(tmp_path: Path) -> None:
    with store.build_lock(tmp_path / "store"):
        result = build(ARTICLES, tmp_path / "store")
    assert result.returncode == 2
    assert "another newskg process is building" in result.stderr


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_extract_prints_one_article(fmt: str) -> None:
    result = newskg("extract", ARTICLES / "000_15d2d29b220b0ea0.txt", "--format", fmt)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(
        data=result.stdout, format={"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    )
    articles = list(graph.subjects(predicate=None, object=None, unique=True))
    assert any(str(s).endswith("/id/article/000_15d2d29b220b0ea0") for s in articles)


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(newskg("extract", ARTICLES / "000_15d2d29b220b0ea0.txt", check=True).stdout)
    assert newskg("validate", good).returncode == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text(f"<http://x/a> a <{NKG}Actor> .\n")
    result = newskg("validate", bad)
    assert result.returncode == 1 and "http://x/a" in result.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://x/a> a \n")
    result = newskg("validate", broken)
    assert result.returncode == 2 and "broken.ttl" in result.stderr
    assert newskg("validate", "--store", tmp_path / "nothing").returncode == 2


def test_serve_answers_a_query_over_http(
    corpus_store: Path, start_server: Callable[..., str]
) -> None:
    base = start_server("newskg.cli", "serve", "--store", corpus_store, "--workers", "2")
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{NKG}Actor> }}"
    request = urllib.request.Request(
        base + "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    actors = store.published(corpus_store).summary()["counts"]["Actor"]  # type: ignore[union-attr]
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == actors
