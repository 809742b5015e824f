"""Making a version from a change: the entity index, entity descriptions from every article's
contribution, the check of what changed, and which article a violation is blamed on."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph

from newskg.extraction.graph import DESCRIPTION_PREDICATES, ENTITY_CLASS
from newskg.extraction.model import Entity, Span
from newskg.publishing import entities_graph
from newskg.publishing.assembly import Assembled, focus
from newskg.publishing.checking import blame, check
from newskg.publishing.entity_index import Contribution, EntityIndex, linked_digest
from newskg.vocab import Iris

CASE = Path(__file__).resolve().parent.parent / "shapes" / "cases" / "ok-full-article"
IRIS = Iris("http://example.org/")
ACTOR = "http://example.org/id/actor/hassan-nasrallah"


def put_article(store: pyoxigraph.Store, index: EntityIndex, article_id: str) -> None:
    """The conforming case article, renamed ``article_id``, as assembly writes one: its
    facts in its graph, its descriptions as contributions in the index."""
    text = (CASE / "data.ttl").read_text(encoding="utf-8").replace("a1", article_id)
    graph, described, facts = Graph().parse(data=text, format="turtle"), Graph(), Graph()
    entities = {s for cls in ENTITY_CLASS.values() for s in graph.subjects(RDF.type, cls)}
    for triple in graph:  # as article_graphs splits what it writes
        shared = triple[0] in entities and triple[1] in DESCRIPTION_PREDICATES
        (described if shared else facts).add(triple)
    name = pyoxigraph.NamedNode(str(IRIS.graph(article_id)))
    store.load(
        facts.serialize(format="nt", encoding="utf-8"),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=name,
    )
    index.put(article_id, [], "", entities_graph.contributions(described))


@pytest.fixture
def published(tmp_path: Path) -> tuple[pyoxigraph.Store, EntityIndex]:
    """A store holding two articles naming the same actor, and their index."""
    store, index = pyoxigraph.Store(), EntityIndex.copy(None, tmp_path / "index.sqlite")
    for article_id in ("a1", "b1"):
        put_article(store, index, article_id)
    entities_graph.rewrite(
        store, pyoxigraph.NamedNode(str(IRIS.entities_graph())), index, index.entities()
    )
    return store, index


def test_an_entity_is_described_once_from_every_article(
    published: tuple[pyoxigraph.Store, EntityIndex],
) -> None:
    store, index = published
    assert set(index.contributions(ACTOR)) == {"a1", "b1"}
    assert check(store, None).conforms
    labels = list(
        store.quads_for_pattern(
            pyoxigraph.NamedNode(ACTOR),
            pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            None,
            None,
        )
    )
    assert [q.object.value for q in labels] == ["Hassan Nasrallah"]


def test_a_bad_contribution_is_blamed_on_the_changed_article_only(
    published: tuple[pyoxigraph.Store, EntityIndex],
) -> None:
    """b1 (changed) gives the shared actor a link that is no Wikidata IRI: the check of the
    change covers the actor, and only b1 is blamed, though a1 names the actor too."""
    store, index = published
    before = index.contributions(ACTOR)["b1"]
    index.put(
        "b1",
        [],
        "",
        {
            **{e: index.contributions(e)["b1"] for e in index.named_by("b1")},
            ACTOR: Contribution(
                before.label, before.labels, before.types, frozenset({"http://example.org/Q1"})
            ),
        },
    )
    entities_graph.rewrite(store, pyoxigraph.NamedNode(str(IRIS.entities_graph())), index, {ACTOR})
    done = Assembled(digests={"b1": "changed"}, entities={ACTOR})
    nodes = focus(store, IRIS, done)
    assert ACTOR in nodes and "http://example.org/id/article/b1" in nodes
    assert "http://example.org/id/article/a1" not in nodes
    report = check(store, nodes)
    assert [(r.focus_node, r.path) for r in report.violations] == [(ACTOR, "skos:exactMatch")]
    guilty, unexplained = blame(store, IRIS, report, done, index, {"b1"}.__contains__)
    assert list(guilty) == ["b1"] and unexplained == []
    guilty, unexplained = blame(store, IRIS, report, done, index, lambda article_id: False)
    assert guilty == {} and unexplained == report.violations


def test_the_index_gives_back_the_entities_as_extracted(tmp_path: Path) -> None:
    index = EntityIndex.copy(None, tmp_path / "index.sqlite")
    roe = Entity("roe", "actor", "Roe", {"J. Roe"}, None, [Span(3, 6), Span(40, 43)])
    port = Entity("port-authority", "organization", "Port Authority", set(), "Q1", [Span(9, 23)])
    index.put("x1", [roe, port], linked_digest([roe, port]), {})
    index.close()
    copy = EntityIndex.copy(tmp_path / "index.sqlite", tmp_path / "copy.sqlite")
    stubs = copy.stubs(["x1", "not-listed"])
    assert list(stubs) == ["x1"]
    assert stubs["x1"].entities == [roe, port]
    assert copy.linked() == {"x1": linked_digest([port, roe])}  # order does not matter


def test_an_index_of_another_layout_is_not_read(tmp_path: Path) -> None:
    """An index written by another newskg (another layout) starts the new one empty, so the
    run makes every graph again instead of misreading it."""
    import sqlite3

    older = tmp_path / "older.sqlite"
    with sqlite3.connect(older) as db:
        db.execute("PRAGMA user_version=1")
        db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, linked TEXT NOT NULL)")
        db.execute("INSERT INTO articles VALUES ('x1', 'digest')")
    index = EntityIndex.copy(older, tmp_path / "new.sqlite")
    assert index.fresh and index.linked() == {}
    assert not EntityIndex.copy(tmp_path / "missing.sqlite", tmp_path / "other.sqlite").linked()
