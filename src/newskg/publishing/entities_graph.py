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
from rdflib import RDF, RDFS, SKOS, URIRef

from newskg.extraction.graph import DESCRIPTION_PREDICATES, Triple, choose_label
from newskg.publishing.entity_index import Contribution, EntityIndex
from newskg.publishing.graphs import Delta

_TYPE = pyoxigraph.NamedNode(str(RDF.type))
_LABEL = pyoxigraph.NamedNode(str(RDFS.label))
_ALT = pyoxigraph.NamedNode(str(SKOS.altLabel))
_MATCH = pyoxigraph.NamedNode(str(SKOS.exactMatch))


def contributions(described: Iterable[Triple]) -> dict[str, Contribution]:
    """Entity IRI -> what an article's description triples (``article_triples``) say of it,
    made without canonical labels (so ``rdfs:label`` is the article's own)."""
    labels: dict[str, str] = {}
    found: dict[str, dict[URIRef, set[str]]] = {}
    for s, p, o in described:
        if p not in DESCRIPTION_PREDICATES:  # it would be lost from the entities graph
            raise ValueError(f"an entity description with predicate {p} is not kept")
        found.setdefault(str(s), {}).setdefault(p, set()).add(str(o))
        if p == RDFS.label:
            labels[str(s)] = str(o)
    return {
        entity: Contribution(
            labels.get(entity, ""),
            frozenset(said.get(SKOS.altLabel, set()) | set(said.get(RDFS.label, set()))),
            frozenset(said.get(RDF.type, set())),
            frozenset(said.get(SKOS.exactMatch, set())),
        )
        for entity, said in found.items()
    }


def description(entity: str, given: Iterable[Contribution]) -> list[pyoxigraph.Triple]:
    """The triples describing ``entity`` from every article's contribution (none: [])."""
    given = list(given)
    if not given:
        return []
    node = pyoxigraph.NamedNode(entity)
    counts = Counter(c.label for c in given if c.label)
    # No label at all is left for the shapes to report (an entity needs exactly one).
    label = choose_label(counts) if counts else None
    triples = [pyoxigraph.Triple(node, _LABEL, pyoxigraph.Literal(label))] if label else []
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
) -> Delta:
    """Make ``graph`` describe each of ``entities`` as ``index`` now says (removing those no
    article names any more); returns what that changed."""
    delta = Delta()
    for entity in sorted(set(entities)):
        node = pyoxigraph.NamedNode(entity)
        old = list(store.quads_for_pattern(node, None, None, graph))
        for quad in old:
            store.remove(quad)
        delta.count(old, -1)
        triples = description(entity, index.contributions(entity).values())
        store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        delta.count(triples, 1)
    return delta
