"""What the browsing pages show, read from the published store: labels, links, properties,
evidence sentences, incoming links. No Flask routes here (see :mod:`newskg.web.linkeddata`).

Data IRIs are stored under the version's base IRI (``base_iri`` in the version summary); a
page links to them under the request's own root, so the site works on any host and port.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph
from flask import current_app, request, url_for

from newskg.backends.published import get_published
from newskg.backends.versions import Version
from newskg.sparql.solutions import RdfTerm, select
from newskg.vocab import DEFAULT_BASE, NIF, NKG, NKG_ONTOLOGY, SCHEMA, normalize_base, prefixes
from newskg.vocab import PREFIXES as VOCABULARY

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = VOCABULARY["rdfs"]
SKOS = VOCABULARY["skos"]
XSD = VOCABULARY["xsd"]
WIKIDATA = VOCABULARY["wd"]
FACT_CLASSES = (str(NKG.Statement), str(NKG.Event), str(NKG.Membership))
# The prefixes of a linked-data page and its RDF downloads (order: first match compacts).
PREFIXES = prefixes(
    "rdf", "rdfs", "skos", "xsd", "owl", "nkg", "schema", "nif", "itsrdf", "wd", "dct", "prov"
)
PAGE_SIZE = 50
SENTENCE_REACH = 300  # characters searched either side of a span for the sentence's ends


#: A term with a value (an IRI, a blank node or a literal).
Node = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def node(iri: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(iri)


@dataclass
class Context:
    """One request's view of the published version: store, base IRI and memoised labels."""

    version: Version
    store: pyoxigraph.Store
    base: str
    labels: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    # -- reading -------------------------------------------------------------------------
    def objects(self, subject: str, predicate: str) -> list[Node]:
        """Distinct objects over the union of graphs, in store order; triple terms (RDF
        1.2, which newskg never writes) are left out: they have no value to show."""
        seen: dict[Node, None] = {}
        for quad in self.store.quads_for_pattern(node(subject), node(predicate), None, None):
            if not isinstance(quad.object, pyoxigraph.Triple):
                seen.setdefault(quad.object, None)
        return list(seen)

    def value(self, subject: str, predicate: str) -> str | None:
        found = self.objects(subject, predicate)
        return found[0].value if found else None

    def types(self, iri: str) -> list[str]:
        return [t.value for t in self.objects(iri, RDF_TYPE) if isinstance(t, pyoxigraph.NamedNode)]

    def exists(self, iri: str) -> bool:
        n = node(iri)
        return (
            next(self.store.quads_for_pattern(n, None, None, None), None) is not None
            or next(self.store.quads_for_pattern(None, None, n, None), None) is not None
        )

    def is_graph(self, iri: str) -> bool:
        return self.store.contains_named_graph(node(iri))

    def text(self, article: str) -> str:
        if article not in self.texts:
            self.texts[article] = self.value(article, str(NIF.isString)) or ""
        return self.texts[article]

    def query(self, sparql: str) -> pyoxigraph.QuerySolutions:
        return select(self.store, sparql, use_default_graph_as_union=True)

    # -- naming --------------------------------------------------------------------------
    def label(self, iri: str) -> str:
        """A human label for any IRI: its rdfs:label, headline, quote… else a short name."""
        if iri not in self.labels:
            self.labels[iri] = self._label(iri)
        return self.labels[iri]

    def _label(self, iri: str) -> str:
        for predicate in (RDFS + "label", SKOS + "prefLabel", str(SCHEMA.headline)):
            found = self.objects(iri, predicate)
            if found:
                english = [o for o in found if getattr(o, "language", None) in (None, "en")]
                return (english or found)[0].value
        if quote := self.value(iri, str(NKG.quote)):
            return "“" + shorten(quote, 80) + "”"
        if anchor := self.value(iri, str(NIF.anchorOf)):
            return "“" + shorten(anchor, 80) + "”"
        member, org = self.value(iri, str(NKG.member)), self.value(iri, str(NKG.organization))
        if member and org:
            role = self.value(iri, str(NKG.role)) or "member"
            return f"{self.label(member)}, {role} of {self.label(org)}"
        return compact(iri)

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: local pages for our data and ontology, else itself."""
        root = request.script_root + "/"
        if iri.startswith(self.base):
            return root + iri[len(self.base) :]
        if iri == str(NKG_ONTOLOGY):
            return url_for("linked.ontology")
        if iri.startswith(str(NKG)):
            return url_for("linked.ontology") + "#" + iri[len(str(NKG)) :]
        return iri

    def local(self, iri: str) -> bool:
        return iri.startswith(self.base) or iri.startswith(str(NKG_ONTOLOGY))

    def iri_for_path(self, path: str) -> str:
        """The stored IRI a request path names: the request's root replaced by the base."""
        return self.base + path.lstrip("/")


def context() -> Context:
    """The published version with its base IRI (the summary's, else the BASE_IRI setting,
    else the default every build used before summaries recorded it)."""
    version, store = get_published()
    cache = current_app.extensions.setdefault("newskg.bases", {})
    if version.id not in cache:
        configured = (
            version.summary().get("base_iri") or current_app.config["BASE_IRI"] or DEFAULT_BASE
        )
        cache[version.id] = normalize_base(configured)
    return Context(version, store, cache[version.id])


def compact(iri: str) -> str:
    """``nkg:Actor`` for known namespaces, else the last path segment (or the IRI)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    tail = re.split(r"[/#]", iri.rstrip("/"))[-1]
    return tail or iri


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- evidence ------------------------------------------------------------------------------


@dataclass
class Snippet:
    """A span in its sentence: ``before`` + ``marked`` + ``after``, and where it points."""

    article: str
    article_label: str
    href: str  # the article page at the span's anchor
    begin: int
    end: int
    before: str
    marked: str
    after: str


def sentence_bounds(
    text: str, begin: int, end: int, reach: int = SENTENCE_REACH
) -> tuple[int, int]:
    """The start and end of the sentence(s) around ``text[begin:end]``.

    >>> text = "First one. Then he said: hello there. Last."
    >>> s, e = sentence_bounds(text, 25, 36)
    >>> text[s:e]
    'Then he said: hello there.'
    """
    low = max(0, begin - reach)
    start = low
    for match in re.finditer(r"[.!?][\"”’')]?\s+|\n", text[low:begin]):
        start = low + match.end()
    closing = re.search(r"[.!?][\"”’')]?(?=\s|$)|\n", text[end : end + reach])
    stop = end + closing.end() if closing else min(len(text), end + reach)
    if closing and text[end:stop] == "\n":
        stop = end
    return start, max(stop, end)


def snippet(ctx: Context, span: str) -> Snippet | None:
    """The sentence of an evidence or mention span, or None if the span has no offsets."""
    article = ctx.value(span, str(NIF.referenceContext))
    begin, end = ctx.value(span, str(NIF.beginIndex)), ctx.value(span, str(NIF.endIndex))
    if article is None or begin is None or end is None:
        return None
    text, b, e = ctx.text(article), int(begin), int(end)
    s, t = sentence_bounds(text, b, e)
    return Snippet(
        article,
        ctx.label(article),
        f"{ctx.href(article)}#o-{b}",
        b,
        e,
        text[s:b].lstrip(),
        text[b:e],
        text[e:t].rstrip(),
    )


def evidence(ctx: Context, fact: str) -> list[Snippet]:
    """The source sentences of a Statement, Event or Membership, in text order."""
    spans = [o.value for o in ctx.objects(fact, str(NKG.evidence))]
    found = [s for s in (snippet(ctx, span) for span in spans) if s is not None]
    return sorted(found, key=lambda s: (s.article, s.begin))


# -- properties and links ------------------------------------------------------------------


@dataclass
class Value:
    text: str
    href: str | None = None
    iri: str | None = None
    note: str = ""  # datatype or language of a literal


@dataclass
class Property:
    iri: str
    label: str
    href: str
    values: list[Value]


def term_value(ctx: Context, term: RdfTerm) -> Value:
    if isinstance(term, pyoxigraph.NamedNode):
        return Value(ctx.label(term.value), ctx.href(term.value), term.value)
    if isinstance(term, pyoxigraph.Literal):
        note = term.language or (
            "" if term.datatype.value == XSD + "string" else compact(term.datatype.value)
        )
        return Value(term.value, note=note)
    return Value(str(term))


def properties(ctx: Context, iri: str, skip: Iterable[str] = ()) -> list[Property]:
    """Every outgoing property of ``iri`` with its values (labels, not raw IRIs)."""
    skipped = set(skip)
    grouped: dict[str, dict[RdfTerm, None]] = {}
    for quad in ctx.store.quads_for_pattern(node(iri), None, None, None):
        if quad.predicate.value not in skipped:
            grouped.setdefault(quad.predicate.value, {}).setdefault(quad.object, None)
    result = [
        Property(
            p,
            predicate_label(ctx, p),
            ctx.href(p),
            sorted((term_value(ctx, o) for o in objects), key=lambda v: v.text.casefold()),
        )
        for p, objects in grouped.items()
    ]
    return sorted(result, key=lambda p: (p.iri != RDF_TYPE, p.label.casefold()))


def predicate_label(ctx: Context, iri: str) -> str:
    return ctx.label(iri) if iri.startswith(str(NKG)) else compact(iri)


@dataclass
class Incoming:
    subject: Value
    predicate: Property
    snippets: list[Snippet] = field(default_factory=list)


def paged(
    ctx: Context, variables: str, where: str, order: str, page: int, size: int
) -> tuple[Any, int]:
    """One page of ``SELECT DISTINCT variables WHERE { where }`` in ``order``, and how many
    distinct rows there are in all."""
    total = int(
        next(
            iter(
                ctx.query(
                    "SELECT (COUNT(*) AS ?n) WHERE { "
                    f"SELECT DISTINCT {variables} WHERE {{ {where} }} }}"
                )
            )
        )["n"].value
    )
    rows = ctx.query(
        f"SELECT DISTINCT {variables} WHERE {{ {where} }} ORDER BY {order} "
        f"LIMIT {size} OFFSET {max(page - 1, 0) * size}"
    )
    return rows, total


def incoming(
    ctx: Context, iri: str, page: int, size: int = PAGE_SIZE
) -> tuple[list[Incoming], int]:
    """One page of the (subject, predicate) pairs linking to ``iri``, and how many in all."""
    rows, total = paged(ctx, "?s ?p", f"?s ?p <{iri}>", "?p ?s", page, size)
    links = []
    for row in rows:
        subject, predicate = row["s"], row["p"].value
        value = term_value(ctx, subject)
        links.append(
            Incoming(
                value, Property(predicate, predicate_label(ctx, predicate), ctx.href(predicate), [])
            )
        )
    return links, total


def facts_about(
    ctx: Context, iri: str, page: int, size: int = PAGE_SIZE
) -> tuple[list[Incoming], int]:
    """Statements, events and memberships that link to ``iri``, each with its sentences."""
    where = f"?f ?p <{iri}> . ?f a ?c . VALUES ?c {{ {' '.join(f'<{c}>' for c in FACT_CLASSES)} }}"
    rows, total = paged(ctx, "?f ?p", where, "?f ?p", page, size)
    facts = []
    for row in rows:
        fact, predicate = row["f"].value, row["p"].value
        facts.append(
            Incoming(
                term_value(ctx, row["f"]),
                Property(predicate, predicate_label(ctx, predicate), ctx.href(predicate), []),
                evidence(ctx, fact),
            )
        )
    return facts, total


def pages(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def wikidata_links(ctx: Context, iri: str) -> list[str]:
    return [o.value for o in ctx.objects(iri, SKOS + "exactMatch") if o.value.startswith(WIKIDATA)]
