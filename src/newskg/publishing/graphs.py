"""What every version's store holds besides the articles' graphs, what names a version,
and what a change writes: the ontology graph, the digest of a version's content (its
articles and their graphs), and the :class:`Delta` of a change."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph

from newskg.backends import versions as store
from newskg.publishing import validation
from newskg.publishing.incremental import ArticleRecord
from newskg.vocab import NKG_ONTOLOGY


def content_digest(records: Mapping[str, ArticleRecord]) -> str:
    """A digest of a version's articles and their graphs (it names the version)."""
    h = hashlib.sha256()
    for article_id in sorted(records):
        h.update(f"{article_id}\0{records[article_id].graph}\n".encode())
    return h.hexdigest()


_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class Delta:
    """What a change wrote into a version's store: the triples added less those removed, and
    per class (IRI) the instances added less those removed. Counted graph by graph, which
    sums to the union's distinct counts because newskg types a resource in one graph only
    (an entity in the entities graph, a fact or an article in its article's graph;
    ``tests/ops`` compares both with the store after every change): a version's figures are
    the published ones plus the delta, where counting them reads the whole store."""

    triples: int = 0
    classes: Counter[str] = field(default_factory=Counter)

    def count(self, triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad], sign: int) -> None:
        """Count the triples of one graph (distinct) as written (+1) or removed (-1).

        >>> from pyoxigraph import NamedNode, Triple
        >>> typed = Triple(NamedNode("http://x/a"), _TYPE, NamedNode("http://x/C"))
        >>> delta = Delta()
        >>> delta.count([typed, typed], 1)
        >>> delta.count([Triple(NamedNode("http://x/b"), _TYPE, NamedNode("http://x/C"))], -1)
        >>> delta.triples, dict(delta.classes)
        (0, {'http://x/C': 0})
        """
        distinct = {(t.subject, t.predicate, t.object) for t in triples}
        self.triples += sign * len(distinct)
        for _, p, o in distinct:
            if p == _TYPE and isinstance(o, pyoxigraph.NamedNode):
                self.classes[o.value] += sign

    def __iadd__(self, other: Delta) -> Delta:
        self.triples += other.triples
        self.classes.update(other.classes)
        return self


def load_ontology(target: pyoxigraph.Store) -> Delta:
    """(Re)write the ontology graph, so every version carries the ontology it was made with;
    returns what that changed."""
    name = pyoxigraph.NamedNode(str(NKG_ONTOLOGY))
    delta = Delta()
    delta.count(target.quads_for_pattern(None, None, None, name), -1)
    target.clear_graph(name)
    target.load(
        path=str(validation.ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE, to_graph=name
    )
    delta.count(target.quads_for_pattern(None, None, None, name), 1)
    return delta


def figures(
    target: pyoxigraph.Store, published: Mapping[str, Any] | None, delta: Delta | None
) -> tuple[int, dict[str, int]]:
    """A new version's triples and instances per counted class: those of the ``published``
    version's summary plus ``delta``, else counted from ``target`` (which reads it all)."""
    triples = published.get("triples") if published else None
    counts = published.get("counts") if published else None
    if (
        delta is not None
        and isinstance(triples, int)
        and isinstance(counts, dict)
        and all(isinstance(counts.get(name), int) for name in store.COUNTED_CLASSES)
    ):
        return triples + delta.triples, {
            name: counts[name] + delta.classes[store.NKG + name] for name in store.COUNTED_CLASSES
        }
    return len(target), store.count_classes(target)
