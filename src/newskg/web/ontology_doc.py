"""Human documentation of the ontology, generated from its graph in the published store.

Every class, property and event type gets an entry with the anchor ``#<local name>``, so
``https://w3id.org/newskg/ontology#Actor`` (redirected by w3id to ``/ontology``) lands on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from newskg.backends.published import published_store
from newskg.publishing import validation
from newskg.vocab import NKG, NKG_ONTOLOGY
from newskg.web.views import describe as d


@dataclass
class Link:
    text: str
    href: str


@dataclass
class Term:
    anchor: str
    iri: str
    label: str
    comment: str
    kinds: list[str] = field(default_factory=list)
    relations: list[tuple[str, list[Link]]] = field(default_factory=list)


@dataclass
class Document:
    title: str
    description: str
    version: str
    license: str
    sections: list[tuple[str, list[Term]]]


RELATIONS = (
    ("subclass of", RDFS.subClassOf),
    ("subproperty of", RDFS.subPropertyOf),
    ("domain", RDFS.domain),
    ("range", RDFS.range),
    ("inverse of", OWL.inverseOf),
    ("close match", SKOS.closeMatch),
    ("in scheme", SKOS.inScheme),
)


def _text(graph: Graph, subject: Node, *predicates: URIRef) -> str:
    for predicate in predicates:
        values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        english = [v for v in values if v.language in (None, "en")]
        if values:
            return str((english or values)[0])
    return ""


def _links(graph: Graph, value: Node) -> list[Link]:
    if isinstance(value, BNode):
        members = graph.value(value, OWL.unionOf)
        if members is not None:
            return [link for item in Collection(graph, members) for link in _links(graph, item)]
        return []
    iri = str(value)
    if iri.startswith(str(NKG)):
        local = iri[len(str(NKG)) :]
        return [Link(_text(graph, value, RDFS.label) or local, "#" + local)]
    return [Link(d.compact(iri), iri)]


def _term(graph: Graph, subject: URIRef) -> Term:
    local = str(subject)[len(str(NKG)) :]
    kinds = sorted(d.compact(str(t)) for t in graph.objects(subject, RDF.type))
    relations = []
    for name, predicate in RELATIONS:
        links = [
            link for value in graph.objects(subject, predicate) for link in _links(graph, value)
        ]
        if links:
            relations.append((name, sorted(links, key=lambda link: link.text.casefold())))
    return Term(
        local,
        str(subject),
        _text(graph, subject, RDFS.label, SKOS.prefLabel) or local,
        _text(graph, subject, SKOS.definition, RDFS.comment),
        kinds,
        relations,
    )


def document(graph: Graph) -> Document:
    """Classes, properties and event types of the ontology graph, each sorted by label."""
    ours = sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(NKG))},
        key=str,
    )
    sections: dict[str, list[Term]] = {
        "Classes": [],
        "Object properties": [],
        "Datatype properties": [],
        "Event types": [],
        "Other terms": [],
    }
    for subject in ours:
        types = set(graph.objects(subject, RDF.type))
        section = (
            "Classes"
            if OWL.Class in types
            else "Object properties"
            if OWL.ObjectProperty in types
            else "Datatype properties"
            if OWL.DatatypeProperty in types
            else "Event types"
            if SKOS.Concept in types
            else "Other terms"
        )
        sections[section].append(_term(graph, subject))
    for terms in sections.values():
        terms.sort(key=lambda t: t.label.casefold())
    head = URIRef(str(NKG_ONTOLOGY))
    return Document(
        title=_text(graph, head, RDFS.label, URIRef("http://purl.org/dc/terms/title"))
        or "newskg ontology",
        description=_text(graph, head, URIRef("http://purl.org/dc/terms/description")),
        version=_text(graph, head, OWL.versionInfo),
        license=str(graph.value(head, URIRef("http://purl.org/dc/terms/license")) or ""),
        sections=[(name, terms) for name, terms in sections.items() if terms],
    )


def triples(store: pyoxigraph.Store) -> list[pyoxigraph.Triple]:
    """The ontology graph of ``store``; a store built without one (a test fixture) gets the
    ontology file of this checkout."""
    name = pyoxigraph.NamedNode(str(NKG_ONTOLOGY))
    if store.contains_named_graph(name):
        return [quad.triple for quad in store.quads_for_pattern(None, None, None, name)]
    return [
        quad.triple
        for quad in pyoxigraph.parse(
            path=str(validation.ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE
        )
    ]


def load(store: pyoxigraph.Store) -> Graph:
    data = pyoxigraph.serialize(triples(store), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def cached_document(store: pyoxigraph.Store) -> Document:
    """The documentation of the published version's ontology, built once per version."""
    return published_store().cached("ontology_doc", lambda s: document(load(s)))
