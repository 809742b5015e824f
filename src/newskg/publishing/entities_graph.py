"""The shared entities graph: one description per entity (its types, one ``rdfs:label``,
its other labels as ``skos:altLabel``, its Wikidata links), made from what every article
naming it contributes (:class:`~newskg.publishing.entity_index.Contribution`).

The label is the one most articles give (:func:`newskg.extraction.graph.choose_label`), so it
does not depend on the order articles come in; the description is the union of the
contributions, as if each article's own description had been merged with every other's.
Only the descriptions of entities a change touches are rewritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pyoxigraph
from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from newskg.extraction.graph import DESCRIPTION_PREDICATES, choose_label
from newskg.publishing.entity_index import Contribution, EntityIndex

_TYPE = pyoxigraph.NamedNode(str(RDF.type))
_LABEL = pyoxigraph.NamedNode(str(RDFS.label))
_ALT = pyoxigraph.NamedNode(str(SKOS.altLabel))
_MATCH = pyoxigraph.NamedNode(str(SKOS.exactMatch))


def contributions(described: Graph) -> dict[str, Contribution]:
    """Entity IRI -> what an article's description part (``article_graphs``) says of it,
    made without canonical labels (so ``rdfs:label`` is the article's own)."""
    found: dict[str, Contribution] = {}
    for entity in set(described.subjects()):
        if not isinstance(entity, URIRef):
            continue
        label = described.value(entity, RDFS.label)
        alts = {str(o) for o in described.objects(entity, SKOS.altLabel)}
        found[str(entity)] = Contribution(
            str(label) if label is not None else "",
            frozenset(alts | ({str(label)} if label is not None else set())),
            frozenset(str(o) for o in described.objects(entity, RDF.type)),
            frozenset(str(o) for o in described.objects(entity, SKOS.exactMatch)),
        )
    unknown = {str(p) for p in described.predicates() if p not in DESCRIPTION_PREDICATES}
    if unknown:  # a new description predicate would be lost from the entities graph
        raise ValueError(f"entity descriptions with predicates not kept: {sorted(unknown)}")
    return found


def description(entity: str, given: Iterable[Contribution]) -> list[pyoxigraph.Triple]:
    """The triples describing ``entity`` from every article's contribution (none: [])."""
    given = list(given)
    if not given:
        return []
    node = pyoxigraph.NamedNode(entity)
    label = choose_label(Counter(c.label for c in given if c.label))
    triples = [pyoxigraph.Triple(node, _LABEL, pyoxigraph.Literal(label))]
    for cls in sorted(set().union(*(c.types for c in given))):
        triples.append(pyoxigraph.Triple(node, _TYPE, pyoxigraph.NamedNode(cls)))
    for alt in sorted(set().union(*(c.labels for c in given)) - {label}):
        triples.append(pyoxigraph.Triple(node, _ALT, pyoxigraph.Literal(alt)))
    for match in sorted(set().union(*(c.matches for c in given))):
        triples.append(pyoxigraph.Triple(node, _MATCH, pyoxigraph.NamedNode(match)))
    return triples


def rewrite(
    store: pyoxigraph.Store,
    graph: pyoxigraph.NamedNode,
    index: EntityIndex,
    entities: Iterable[str],
) -> None:
    """Make ``graph`` describe each of ``entities`` as ``index`` now says (removing those no
    article names any more)."""
    for entity in sorted(set(entities)):
        node = pyoxigraph.NamedNode(entity)
        for quad in list(store.quads_for_pattern(node, None, None, graph)):
            store.remove(quad)
        triples = description(entity, index.contributions(entity).values())
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
