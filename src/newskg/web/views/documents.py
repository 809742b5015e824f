"""What a resource's RDF document holds: what its page shows, for machines that follow links.

A page lists the facts that name an entity and the links to it; a client that only follows
links (Comunica's link traversal, a crawler) sees only the RDF, so the document of ``iri``
holds, as Pubby and LodView serve them:

- every triple with ``iri`` as subject;
- the facts that name it (statements, events, memberships: every triple of each, and the
  labels of what they name), one page of :data:`~newskg.web.views.describe.PAGE_SIZE` at a
  time, as the page lists them;
- the other triples linking to it (mentions, articles), one page at a time, with the type
  and label of each subject;
- for an article, ``rdfs:seeAlso`` its named graph (every fact of it; the facts link back
  with ``nkg:article``);
- about the document itself: ``foaf:primaryTopic`` the resource, ``hydra:totalItems`` (the
  facts and links to it) and, when there is more, ``hydra:next`` the next page's document.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph

from newskg.vocab import NKG
from newskg.web.views import describe as d

FOAF = "http://xmlns.com/foaf/0.1/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
SEE_ALSO = d.RDFS + "seeAlso"
LABEL = d.RDFS + "label"


def triples(ctx: d.Context, iri: str, page: int, url: str) -> Iterator[pyoxigraph.Triple]:
    """The document of ``iri`` (page ``page``), published at ``url`` (without its query)."""
    seen: set[pyoxigraph.Triple] = set()

    def emit(found: Iterator[pyoxigraph.Triple]) -> Iterator[pyoxigraph.Triple]:
        for triple in found:
            if triple not in seen:
                seen.add(triple)
                yield triple

    subject = d.node(iri)
    yield from emit(_outgoing(ctx, subject))
    classes = " ".join(f"<{c}>" for c in d.FACT_CLASSES)
    facts, fact_total = d.paged(
        ctx, "?f", f"?f ?p <{iri}> ; a ?c . VALUES ?c {{ {classes} }}", "?f", page, d.PAGE_SIZE
    )
    for row in facts:
        fact = row["f"]
        yield from emit(_outgoing(ctx, fact))
        for quad in ctx.store.quads_for_pattern(fact, None, None, None):
            if isinstance(quad.object, pyoxigraph.NamedNode) and quad.object != subject:
                yield from emit(_labels(ctx, quad.object))
    others, other_total = d.paged(
        ctx,
        "?s ?p",
        f"?s ?p <{iri}> FILTER NOT EXISTS {{ ?s a ?c . VALUES ?c {{ {classes} }} }}",
        "?p ?s",
        page,
        d.PAGE_SIZE,
    )
    for row in others:
        yield from emit(iter([pyoxigraph.Triple(row["s"], row["p"], subject)]))
        if isinstance(row["s"], pyoxigraph.NamedNode):
            yield from emit(_labels(ctx, row["s"], with_types=True))
    if str(NKG.Article) in ctx.types(iri):
        graphs = ctx.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> a <{NKG.Article}> }} }}"
        )
        for row in graphs:
            yield from emit(iter([pyoxigraph.Triple(subject, d.node(SEE_ALSO), row["g"])]))
    yield from emit(_about(url, subject, page, fact_total + other_total, fact_total, other_total))


def _outgoing(ctx: d.Context, subject: pyoxigraph.NamedNode) -> Iterator[pyoxigraph.Triple]:
    for quad in ctx.store.quads_for_pattern(subject, None, None, None):
        yield quad.triple


def _labels(
    ctx: d.Context, iri: pyoxigraph.NamedNode, with_types: bool = False
) -> Iterator[pyoxigraph.Triple]:
    """The labels (and types) of a resource the document names, so a client can show it."""
    predicates = [LABEL, d.SKOS + "prefLabel", *([d.RDF_TYPE] if with_types else [])]
    for predicate in predicates:
        for quad in ctx.store.quads_for_pattern(iri, d.node(predicate), None, None):
            yield quad.triple


def _about(
    url: str, topic: pyoxigraph.NamedNode, page: int, total: int, facts: int, others: int
) -> Iterator[pyoxigraph.Triple]:
    """The document's own description: its topic, how many items it pages, the next page."""
    document = d.node(url if page <= 1 else f"{url}?page={page}")
    yield pyoxigraph.Triple(document, d.node(FOAF + "primaryTopic"), topic)
    count = pyoxigraph.Literal(str(total), datatype=d.node(d.XSD + "integer"))
    yield pyoxigraph.Triple(document, d.node(HYDRA + "totalItems"), count)
    if max(facts, others) > page * d.PAGE_SIZE:
        yield pyoxigraph.Triple(document, d.node(HYDRA + "next"), d.node(f"{url}?page={page + 1}"))
