"""Making a new version's graphs from the published one and a change, at the cost of the
change.

A version's store holds one named graph per article (its facts), the shared entities graph
(one description per entity) and the ontology. :func:`assemble` takes a store holding the
published version (a hard-linked copy; empty for a build written anew) and its
:class:`~newskg.publishing.entity_index.EntityIndex`, and applies a change: articles sent
(added or replacing one), articles withdrawn. Entities are linked across *all* the
version's articles, from the tables of what linking decides from kept in the index: only
the articles whose links the change can alter are linked again (from their entity stubs in
the index), only those whose linked entities come out different (and those sent) get their
graph made again, and only the descriptions of the entities those name are rewritten. What the
graphs must satisfy together is then checked on exactly those graphs and entities
(:func:`focus`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph
from rdflib import Literal, URIRef

from newskg.extraction.crossdoc import relink, replay
from newskg.extraction.graph import Triple, article_triples
from newskg.extraction.model import Entity, Extraction
from newskg.publishing import entities_graph
from newskg.publishing.entity_index import EntityIndex, linked_digest, stub
from newskg.publishing.graphs import Delta
from newskg.publishing.progress import NO_PROGRESS, Progress
from newskg.vocab import Iris

#: Graphs written between two flushes of the store: pyoxigraph keeps what it writes in memory
#: until it is flushed, so a whole archive written in one go would grow with the archive
#: (578 MB more for the 2,213 BBC articles, 75 MB flushed every 200 graphs).
FLUSH_EVERY = 200
#: Quads bulk-loaded at a time into an empty store (:class:`GraphLoader`): memory is bounded
#: by the batch, not the archive (200 BBC articles make about 60,000).
BULK_QUADS = 50_000
#: The full extractions (before linking) of the given articles, one at a time: from the cache,
#: or extracted again from their sources.
Fetch = Callable[[list[str]], Iterator[tuple[str, Extraction]]]


class StaleStub(Exception):  # noqa: N818 - a signal to the caller, not an error
    """A published article had to be made again, but its extraction (re-made: the extractor
    changed since) no longer has the entities its stub in the index has. Assemble again with
    these ``entities`` passed as the article's (``sent``), so that every article is linked
    with them."""

    def __init__(self, article_id: str, entities: list[Entity]) -> None:
        super().__init__(article_id)
        self.article_id = article_id
        self.entities = entities


@dataclass
class Assembled:
    """What :func:`assemble` changed: each re-made article's graph digest, the articles it
    could not turn into RDF (id -> reason), and the entities whose description it rewrote."""

    digests: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    entities: set[str] = field(default_factory=set)
    #: What the change wrote: the new version's figures are the published ones plus this.
    delta: Delta = field(default_factory=Delta)

    @property
    def graphs(self) -> set[str]:
        return set(self.digests)


def facts_digest(triples: Iterable[pyoxigraph.Triple]) -> str:
    """A digest of an article's facts graph (the same triples, the same digest: their
    N-Triples lines are sorted; the graphs have no blank nodes)."""
    h = hashlib.sha256()
    for line in sorted(str(t) for t in triples):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def assemble(
    store: pyoxigraph.Store,
    index: EntityIndex,
    iris: Iris,
    sent: dict[str, list[Entity]],
    kept: Collection[str],
    removed: Iterable[str],
    fetch: Fetch,
    progress: Progress = NO_PROGRESS,
) -> Assembled:
    """Apply a change to ``store`` and ``index`` (both the new version's, starting as copies
    of the published one's): the ``sent`` articles (their entities as extracted) are added
    or replace the one of their id, ``removed`` ones are withdrawn, ``kept`` ones stay.

    Linking reads only entities, so every article is linked from its stub; full extractions
    are fetched one at a time for the graphs to make (memory does not grow with the
    version). A kept article the index does not list (a version made before the index) is
    made again like a sent one. An article that cannot be made into RDF is in
    ``failed``; it took part in linking, so the caller makes the version again without it.
    """
    done = Assembled()
    removed = list(removed)
    for article_id in removed:
        done.entities |= index.named_by(article_id)
        index.remove(article_id)
        name = pyoxigraph.NamedNode(str(iris.graph(article_id)))
        done.delta.count(store.quads_for_pattern(None, None, None, name), -1)
        store.remove_graph(name)
    unindexed = sorted(set(kept) - index.listed(kept) - sent.keys())
    stubs = {i: stub(i, entities) for i, entities in sent.items()}
    stubs.update((i, stub(i, x.entities)) for i, x in fetch(unindexed))
    # How many articles linking reads is known once it has run (those a change affects).
    progress.stage("link", None)

    def load(article_ids: set[str]) -> dict[str, Extraction]:
        loaded = index.stubs(article_ids)
        stubs.update(loaded)
        return loaded

    steps = relink(index.links, dict(stubs), removed, load)
    before = index.linked(steps)
    relinked = {i for i in steps if linked_digest(stubs[i].entities) != before.get(i)}
    progress.advance("link", n=len(steps))
    progress.end("link")
    making = sorted(relinked | sent.keys() | set(unindexed))
    progress.stage("store", len(making))
    loader = GraphLoader(store, done.delta)
    for article_id, extraction in fetch(making):
        progress.advance("store", article_id)
        extracted = stub(article_id, extraction.entities).entities
        replay(extraction, steps.get(article_id, []))
        linked = linked_digest(extraction.entities)
        if linked != linked_digest(stubs[article_id].entities):
            raise StaleStub(article_id, extracted)
        done.entities |= index.named_by(article_id)
        described, facts = article_triples(extraction, iris)
        name = pyoxigraph.NamedNode(str(iris.graph(article_id)))
        try:
            triples = [oxigraph_triple(t) for t in facts]
        except ValueError as exc:
            # rdflib accepts IRIs Oxigraph refuses (a relative schema:url of a sidecar)
            done.failed[article_id] = (
                f"is not valid RDF ({exc}); check the IRIs its sidecar gives (url)"
            )
            continue
        loader.replace(name, triples)
        contributed = entities_graph.contributions(described)
        index.put(article_id, extracted, linked, contributed)
        done.entities |= contributed.keys()
        done.digests[article_id] = facts_digest(triples)
    loader.close()
    done.delta += entities_graph.rewrite(store, _node(iris.entities_graph()), index, done.entities)
    progress.end("store")
    return done


class GraphLoader:
    """Writes articles' graphs into a version's store, each replacing the graph of its name.

    Into an empty store (a build written anew) they are bulk-loaded, :data:`BULK_QUADS` at
    a time: pyoxigraph's bulk loader writes RocksDB's files directly, about three times as
    fast as a transaction per graph (0.25 s against 0.72 s for the 59,000 quads of 200 BBC
    articles). It is not atomic, which costs nothing here: a version that fails is deleted
    whole, and nothing reads the store before :meth:`close`. Into a store holding a version
    (a change) each graph is one transaction, flushed every :data:`FLUSH_EVERY` graphs."""

    def __init__(self, store: pyoxigraph.Store, delta: Delta) -> None:
        self.store = store
        self.delta = delta  # what is written and removed is counted there
        self.bulk = next(iter(store), None) is None
        self.pending: list[pyoxigraph.Quad] = []
        self.written = 0

    def replace(self, name: pyoxigraph.NamedNode, triples: list[pyoxigraph.Triple]) -> None:
        """Write ``triples`` as graph ``name``."""
        quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        self.delta.count(triples, 1)
        if self.bulk:  # (an empty store holds no graph to replace; each article comes once)
            self.pending += quads
            if len(self.pending) >= BULK_QUADS:
                self._load()
            return
        self.delta.count(self.store.quads_for_pattern(None, None, None, name), -1)
        self.store.remove_graph(name)
        self.store.extend(quads)
        self.written += 1
        if self.written % FLUSH_EVERY == 0:
            self.store.flush()

    def close(self) -> None:
        """Write what is pending: the store holds every graph given."""
        if self.pending:
            self._load()

    def _load(self) -> None:
        self.store.bulk_extend(self.pending)
        self.pending = []


def oxigraph_triple(triple: Triple) -> pyoxigraph.Triple:
    """An rdflib triple as pyoxigraph's; ValueError when pyoxigraph refuses a term (rdflib
    accepts IRIs Oxigraph does not, such as a relative ``schema:url`` of a sidecar)."""
    s, p, o = triple
    return pyoxigraph.Triple(_iri(s), _iri(p), _iri(o) if isinstance(o, URIRef) else _literal(o))


def _iri(term: object) -> pyoxigraph.NamedNode:
    if not isinstance(term, URIRef):
        raise ValueError(f"{term!r} is not an IRI (an article's graph has no blank nodes)")
    return pyoxigraph.NamedNode(str(term))


def _literal(term: Literal) -> pyoxigraph.Literal:
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def focus(store: pyoxigraph.Store, iris: Iris, done: Assembled) -> set[str]:
    """The nodes a change's check covers: every subject of the graphs it made, and the
    entities whose description it rewrote."""
    nodes = set(done.entities)
    for article_id in done.graphs:
        name = pyoxigraph.NamedNode(str(iris.graph(article_id)))
        nodes.update(
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, name)
            if isinstance(q.subject, pyoxigraph.NamedNode)
        )
    return nodes


def _node(iri: object) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(str(iri))
