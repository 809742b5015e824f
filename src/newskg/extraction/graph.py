"""From an :class:`~newskg.extraction.model.Extraction` to RDF under the newskg ontology.

One article's facts become one rdflib graph (published as that article's named graph).
An entity's description here is the article's own (its label as the article gives it); the
shared entities graph makes one description per entity from every article's, with one
label (:func:`choose_label`, :mod:`newskg.publishing.entities_graph`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from newskg.extraction.model import Extraction, Span
from newskg.vocab import ITSRDF, NIF, NKG, SCHEMA, WD, Iris, event_type_iri, prefixes

ENTITY_CLASS = {"actor": NKG.Actor, "organization": NKG.Organization, "place": NKG.Place}

Triple = tuple[URIRef, URIRef, URIRef | Literal]

# The terms written for every span and block, made once (an rdflib namespace makes a new
# URIRef on every attribute access, and a Literal parses its value when it is made).
_TYPE, _CONTEXT, _SPAN = RDF.type, NIF.referenceContext, NIF.OffsetBasedString
_BEGIN, _END, _ANCHOR = NIF.beginIndex, NIF.endIndex, NIF.anchorOf
_REFERS, _EVIDENCE = ITSRDF.taIdentRef, NKG.evidence


@lru_cache(maxsize=1 << 16)
def _offset(n: int) -> Literal:
    """A character offset as written (xsd:nonNegativeInteger)."""
    return Literal(n, datatype=XSD.nonNegativeInteger)


def date_literal(value: str) -> Literal:
    """``YYYY-MM-DD`` -> xsd:date, ``YYYY-MM`` -> xsd:gYearMonth, ``YYYY`` -> xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(value))
    if datatype is None:
        raise ValueError(f"date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    return Literal(value, datatype=datatype)


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in prefixes("nkg", "schema", "nif", "itsrdf", "wd", "skos").items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def choose_label(counts: Mapping[str, int]) -> str:
    """The label most articles give, then the longest, then the first in sort order."""
    return sorted(counts, key=lambda label: (-counts[label], -len(label), label))[0]


class _Writer:
    def __init__(self, extraction: Extraction, iris: Iris) -> None:
        self.x = extraction
        self.iris = iris
        self.article_id = extraction.article.id
        self.article = iris.article(self.article_id)
        # Plain sets of rdflib triples: an rdflib Graph costs ten times as much per triple,
        # and a build writes hundreds of thousands (the callers make Graphs when they want).
        self.g: set[Triple] = set()
        # What describes an entity itself (DESCRIPTION_PREDICATES) goes apart: it is stored
        # once, in the shared entities graph.
        self.d: set[Triple] = set()
        self.kinds = {e.key: e.kind for e in extraction.entities}
        # A fact found twice (by two rules, or twice by one) is one node: its evidence is
        # merged and its first confidence and extractor kept, so it never carries two.
        self.written: set[URIRef] = set()
        self.spans: dict[Span, URIRef] = {}  # span nodes written (evidence is often shared)

    def entity_iri(self, key: str) -> URIRef:
        return self.iris.entity(self.kinds[key], key)

    def span(self, span: Span) -> URIRef:
        node = self.spans.get(span)
        if node is not None:
            return node
        node = self.spans[span] = self.iris.span(self.article_id, span.begin, span.end)
        g = self.g
        g.add((node, _TYPE, _SPAN))
        g.add((node, _BEGIN, _offset(span.begin)))
        g.add((node, _END, _offset(span.end)))
        g.add((node, _ANCHOR, Literal(span.of(self.x.article.text))))
        g.add((node, _CONTEXT, self.article))
        return node

    def provenance(self, node: URIRef, evidence: list[Span], confidence: float, rule: str) -> bool:
        """Add the fact's provenance; False when the node was already written."""
        g = self.g
        for span in evidence:
            g.add((node, _EVIDENCE, self.span(span)))
        if node in self.written:
            return False
        self.written.add(node)
        g.add((node, NKG.article, self.article))
        g.add((node, NKG.confidence, Literal(Decimal(f"{confidence:.2f}"))))
        g.add((node, NKG.extractor, Literal(rule)))
        return True

    def write(self) -> tuple[set[Triple], set[Triple]]:
        self.write_article()
        self.write_blocks()
        self.write_entities()
        self.write_statements()
        self.write_events()
        self.write_memberships()
        return self.d, self.g

    def write_article(self) -> None:
        a, g, art = self.article, self.g, self.x.article
        g.add((a, RDF.type, NKG.Article))
        g.add((a, RDF.type, NIF.Context))
        g.add((a, NIF.isString, Literal(art.text)))
        g.add((a, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
        g.add((a, NIF.endIndex, Literal(len(art.text), datatype=XSD.nonNegativeInteger)))
        g.add((a, SCHEMA.headline, Literal(art.headline or art.id)))
        if art.date_published:
            g.add((a, SCHEMA.datePublished, date_literal(art.date_published)))
        for author in art.authors:
            g.add((a, SCHEMA.author, Literal(author)))
        if art.publisher:
            g.add((a, SCHEMA.publisher, Literal(art.publisher)))
        if art.url:
            g.add((a, SCHEMA.url, URIRef(art.url)))

    def write_blocks(self) -> None:
        """The article's text blocks as the reader split them, so a reader of the graph sees
        what extraction read: ``body`` blocks, and ``furniture`` (headline, captions, share
        rows, ...) with the reader's reason. Offsets only: the words are in nif:isString."""
        a, g, art = self.article, self.g, self.x.article
        kinds = [(s, "body", None) for s in art.body] + [
            (s, "furniture", r) for s, r in art.excluded
        ]
        for span, kind, reason in sorted(kinds, key=lambda k: k[0]):
            node = self.iris.block(self.article_id, span.begin, span.end)
            g.add((a, NKG.block, node))
            g.add((node, _TYPE, NKG.Block))
            g.add((node, _CONTEXT, a))
            g.add((node, _BEGIN, _offset(span.begin)))
            g.add((node, _END, _offset(span.end)))
            g.add((node, NKG.blockKind, Literal(kind)))
            if kind == "furniture":
                g.add((node, NKG.blockReason, Literal(reason or "unspecified")))

    def write_entities(self) -> None:
        g, d = self.g, self.d
        for entity in self.x.entities:
            node = self.entity_iri(entity.key)
            label = entity.label
            d.add((node, RDF.type, ENTITY_CLASS[entity.kind]))
            d.add((node, RDFS.label, Literal(label)))
            for alt in sorted(entity.alt_labels | {entity.label}):
                if alt != label:
                    d.add((node, SKOS.altLabel, Literal(alt)))
            if entity.wikidata:
                d.add((node, SKOS.exactMatch, WD[entity.wikidata]))
            g.add((node, NKG.mentionedIn, self.article))
            for mention in entity.mentions:
                g.add((self.span(mention), _REFERS, node))

    def write_statements(self) -> None:
        g = self.g
        for st in self.x.statements:
            node = self.iris.statement(self.article_id, st.quote_span.begin, st.quote_span.end)
            if not self.provenance(node, st.evidence, st.confidence, st.rule):
                continue
            g.add((node, RDF.type, NKG.Statement))
            g.add((node, NKG.quote, Literal(st.quote)))
            if st.speaker:
                g.add((node, NKG.speaker, self.entity_iri(st.speaker)))

    def write_events(self) -> None:
        g = self.g
        # An event is named by its type and first evidence sentence; several events of one
        # type in one sentence ("worked to topple ..., seized the capital") add their label.
        keys = [(ev.type, min(ev.evidence).begin, min(ev.evidence).end) for ev in self.x.events]
        shared = {k for k in keys if keys.count(k) > 1}
        seen: list[tuple[object, ...]] = []
        for ev, key in zip(self.x.events, keys, strict=True):
            identity: tuple[object, ...] = key
            if key in shared:
                identity = (*key, ev.label)
                if identity in seen:  # same label too: the order within the article decides
                    identity = (*identity, seen.count(identity))
                seen.append((*key, ev.label))
            node = self.iris.event(self.article_id, *identity)
            for arg in ev.arguments:
                g.add((node, NKG[arg.role], self.entity_iri(arg.entity)))
            if not self.provenance(node, ev.evidence, ev.confidence, ev.rule):
                continue
            g.add((node, RDF.type, NKG.Event))
            g.add((node, RDFS.label, Literal(ev.label)))
            g.add((node, NKG.eventType, event_type_iri(ev.type)))
            if ev.date:
                g.add((node, NKG.date, date_literal(ev.date)))
            if ev.place:
                g.add((node, NKG.place, self.entity_iri(ev.place)))

    def write_memberships(self) -> None:
        g = self.g
        for m in self.x.memberships:
            node = self.iris.membership(self.article_id, m.member, m.organization, m.role)
            if not self.provenance(node, m.evidence, m.confidence, m.rule):
                continue
            g.add((node, RDF.type, NKG.Membership))
            g.add((node, NKG.member, self.entity_iri(m.member)))
            g.add((node, NKG.organization, self.entity_iri(m.organization)))
            g.add((node, NKG.role, Literal(m.role)))
            if self.x.entity(m.organization).kind == "place":
                # A government post's organization is the country (FORMAT.md): the country
                # acts as a state there, so it is also an nkg:Organization.
                self.d.add((self.entity_iri(m.organization), RDF.type, NKG.Organization))


#: What describes an entity itself rather than an article's view of it: stored once, in the
#: shared entities graph, so that a query over the union does not see it once per article.
DESCRIPTION_PREDICATES = frozenset({RDF.type, RDFS.label, SKOS.altLabel, SKOS.exactMatch})


def article_triples(extraction: Extraction, iris: Iris) -> tuple[set[Triple], set[Triple]]:
    """(entity descriptions, everything else) of one article's extraction: the first goes
    to the shared entities graph, the second is the article's named graph."""
    return _Writer(extraction, iris).write()


def article_graphs(extraction: Extraction, iris: Iris) -> tuple[Graph, Graph]:
    """:func:`article_triples` as rdflib graphs."""
    described, facts = article_triples(extraction, iris)
    return _graph(described), _graph(facts)


def _graph(triples: set[Triple]) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return graph


def to_graph(extraction: Extraction, iris: Iris) -> Graph:
    """The RDF graph of one article's extraction.

    >>> from newskg.extraction.model import ArticleText
    >>> art = ArticleText(id="a1", source="a1.txt", text="Hello", headline="Hello")
    >>> g = to_graph(Extraction(article=art), Iris("http://example.org/"))
    >>> len(g)
    6
    """
    described, facts = article_graphs(extraction, iris)
    facts += described
    return facts
