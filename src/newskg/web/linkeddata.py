"""Dereferenceable IRIs: ``/id/…``, ``/graph/…`` and ``/ontology`` answer people and machines.

Strategy (W3C "Cool URIs for the Semantic Web"): the IRI itself answers 200 with HTML for
browsers or RDF for clients, chosen by ``Accept``, by an explicit suffix (``/id/actor/x.ttl``)
or by ``?format=`` (:mod:`newskg.web.representations` chooses and sends the representation).

A request path is mapped to the stored IRI by replacing the request's root with the
version's base IRI, so the site works on any host and port whatever base it was built with.
"""

from __future__ import annotations

import urllib.parse
from typing import IO

import pyoxigraph
from flask import Blueprint, Response, render_template, request

from newskg import formats
from newskg.sparql.solutions import select
from newskg.vocab import ITSRDF, NIF, NKG, NKG_ONTOLOGY, SCHEMA
from newskg.web import ontology_doc
from newskg.web.http.errors import APIError
from newskg.web.http.numbers import page_arg
from newskg.web.representations import (
    alternates,
    choose,
    negotiated,
    serialize,
    split_suffix,
    spool,
    suffixes,
)
from newskg.web.views import describe as d
from newskg.web.views import documents, network, timeline
from newskg.web.views.textmark import Block, Mark, Note, highlight_blocks

bp = Blueprint("linked", __name__)

# -- routes ----------------------------------------------------------------------------------


@bp.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    """Any IRI minted under ``{base}id/``."""
    return dereference("id/" + rest)


@bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph ``{base}graph/…`` (an article's, or ``graph/entities``)."""
    return dereference("graph/" + rest)


def dereference(local: str) -> Response:
    ctx = d.context()
    iri = ctx.iri_for_path(local)
    suffix = None
    if not _known(ctx, iri):
        stem, suffix = split_suffix(local)
        iri = ctx.iri_for_path(stem)
        if suffix is None or not _known(ctx, iri):
            raise APIError(
                404,
                f"this dataset knows nothing about <{ctx.iri_for_path(local)}>",
                "Browse from / or search for an entity by name at /search.",
            )
        local = stem
    choice = choose(suffix)
    path = request.script_root + "/" + local
    if ctx.is_graph(iri):
        return negotiated(
            path, choice, lambda: graph_page(ctx, iri), lambda fmt: graph_data(ctx, iri, fmt)
        )
    return negotiated(
        path,
        choice,
        lambda: resource_page(ctx, iri),
        lambda fmt: serialize(
            documents.triples(ctx, iri, page_arg(), f"{request.url_root}{local}.{fmt.extension}"),
            fmt,
        ),
    )


def _known(ctx: d.Context, iri: str) -> bool:
    try:
        return ctx.is_graph(iri) or ctx.exists(iri)
    except ValueError:  # not an IRI at all (a path with a code point IRIs forbid): unknown
        return False


@bp.route("/ontology")
def ontology() -> Response:
    """The ontology: documentation (HTML) or the ontology graph (RDF)."""
    return ontology_document(None)


@bp.route("/ontology.<ext>")
def ontology_suffixed(ext: str) -> Response:
    if ext not in suffixes():
        raise APIError(
            404,
            f"no ontology document with the suffix .{ext}",
            f"Use one of: {', '.join('.' + s for s in suffixes())}.",
        )
    return ontology_document(ext)


def ontology_document(suffix: str | None) -> Response:
    ctx = d.context()

    def data(fmt: formats.Format) -> IO[bytes]:
        return serialize(iter(ontology_doc.triples(ctx.store)), fmt)

    def html() -> str:
        doc = ontology_doc.cached_document(ctx.store)
        return render_template(
            "ontology.html",
            doc=doc,
            iri=str(NKG_ONTOLOGY),
            namespace=str(NKG),
            alternates=alternates("/ontology"),
        )

    return negotiated(request.script_root + "/ontology", choose(suffix), html, data)


def _local_path(ctx: d.Context, iri: str) -> str:
    return iri[len(ctx.base) :] if iri.startswith(ctx.base) else iri


# -- documents -------------------------------------------------------------------------------


def graph_data(ctx: d.Context, iri: str, fmt: formats.Format) -> IO[bytes]:
    name = d.node(iri)
    if fmt.holds_quads:
        return serialize(ctx.store.quads_for_pattern(None, None, None, name), fmt)
    out = spool()
    ctx.store.dump(
        out,
        fmt.rdf_format,
        from_graph=name,
        prefixes=d.PREFIXES if fmt.name != "ntriples" else None,
    )
    return out


def _number(ctx: d.Context, query: str) -> int:
    """The ``?n`` of a SELECT of one row (a count)."""
    return int(next(iter(select(ctx.store, query)))["n"].value)


def graph_page(ctx: d.Context, iri: str) -> str:
    page = page_arg()
    where = f"WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    total = _number(ctx, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {where}")
    triples = _number(ctx, f"SELECT (COUNT(*) AS ?n) {where}")
    rows = select(
        ctx.store,
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} ORDER BY ?s "
        f"LIMIT {d.PAGE_SIZE} OFFSET {(page - 1) * d.PAGE_SIZE}",
    )
    subjects = [d.term_value(ctx, row["s"]) for row in rows]
    articles = [
        row["a"].value
        for row in select(
            ctx.store, f"SELECT ?a WHERE {{ GRAPH <{iri}> {{ ?a a <{NKG.Article}> }} }}"
        )
    ]
    return render_template(
        "graph.html",
        iri=iri,
        label=d.compact(iri) if not articles else ctx.label(articles[0]),
        articles=[d.Value(ctx.label(a), ctx.href(a), a) for a in articles],
        subjects=subjects,
        total=total,
        triples=triples,
        page=page,
        pages=d.pages(total),
        alternates=alternates("/" + _local_path(ctx, iri)),
    )


def resource_page(ctx: d.Context, iri: str) -> str:
    types = ctx.types(iri)
    if str(NKG.Article) in types:
        return article_page(ctx, iri)
    page, fact_page = page_arg(), page_arg("facts")
    links, total = d.incoming(ctx, iri, page)
    facts, fact_total = d.facts_about(ctx, iri, fact_page)
    own_evidence = d.evidence(ctx, iri)
    if str(NIF.OffsetBasedString) in types and (itself := d.snippet(ctx, iri)):
        own_evidence = [itself]
    skip = {d.RDFS + "label", d.SKOS + "altLabel", d.RDF_TYPE}
    kind = next((k for k in ("actor", "organization", "place") if f"/id/{k}/" in iri), None)
    return render_template(
        "resource.html",
        timeline=timeline.of_entity(ctx, iri),
        events_href=(
            f"{request.script_root}/events?{kind}={urllib.parse.quote(iri, safe='')}"
            if kind
            else ""
        ),
        network=network.around(ctx, iri),
        iri=iri,
        label=ctx.label(iri),
        types=[d.Value(ctx.label(t), ctx.href(t), t) for t in types],
        aliases=sorted({o.value for o in ctx.objects(iri, d.SKOS + "altLabel")}),
        wikidata=d.wikidata_links(ctx, iri),
        properties=d.properties(ctx, iri, skip),
        evidence=own_evidence,
        facts=facts,
        fact_total=fact_total,
        fact_page=fact_page,
        fact_pages=d.pages(fact_total),
        incoming=links,
        incoming_total=total,
        page=page,
        pages=d.pages(total),
        alternates=alternates("/" + _local_path(ctx, iri)),
    )


def _int(term: pyoxigraph.Literal) -> int:
    return int(term.value)


def article_page(ctx: d.Context, iri: str) -> str:
    text = ctx.text(iri)
    article = f"<{iri}>"
    marks: list[Mark] = []
    notes: dict[tuple[int, str], Note] = {}
    for row in ctx.query(f"""
            SELECT DISTINCT ?b ?e ?entity WHERE {{
              ?span <{NIF.referenceContext}> {article} ; <{NIF.beginIndex}> ?b ;
                    <{NIF.endIndex}> ?e ; <{ITSRDF.taIdentRef}> ?entity }}"""):
        entity = row["entity"].value
        marks.append(
            Mark(_int(row["b"]), _int(row["e"]), "mention", ctx.href(entity), ctx.label(entity))
        )
    classes = " ".join(f"<{c}>" for c in d.FACT_CLASSES)
    found: dict[str, list[tuple[int, int]]] = {}
    kinds: dict[str, str] = {}
    for row in ctx.query(f"""
            SELECT DISTINCT ?fact ?class ?b ?e WHERE {{
              VALUES ?class {{ {classes} }}
              ?fact a ?class ; <{NKG.evidence}> ?span .
              ?span <{NIF.referenceContext}> {article} ; <{NIF.beginIndex}> ?b ;
                    <{NIF.endIndex}> ?e }}"""):
        fact = row["fact"].value
        kinds[fact] = row["class"].value
        found.setdefault(fact, []).append((_int(row["b"]), _int(row["e"])))
        begin, end = _int(row["b"]), _int(row["e"])
        if kinds[fact] == str(NKG.Statement):
            speaker = ctx.value(fact, str(NKG.speaker))
            who = ctx.label(speaker) if speaker else "an unnamed speaker"
            marks.append(Mark(begin, end, "quote", ctx.href(fact), f"quote by {who}"))
            if speaker:
                notes[(end, speaker)] = Note(end, "speaker", ctx.href(speaker), f"— {who}")
        else:
            marks.append(Mark(begin, end, "evidence", ctx.href(fact), ctx.label(fact)))
    listed: dict[str, list[dict[str, object]]] = {kind: [] for kind in d.FACT_CLASSES}
    for fact, spans in sorted(found.items(), key=lambda item: min(item[1])):
        begin = min(spans)[0]
        row = {
            "value": d.Value(ctx.label(fact), ctx.href(fact), fact),
            "anchor": f"o-{begin}",
            "date": ctx.value(fact, str(NKG.date)),
            "type": None,
            "speaker": None,
        }
        if event_type := ctx.value(fact, str(NKG.eventType)):
            row["type"] = d.Value(ctx.label(event_type), ctx.href(event_type), event_type)
        if speaker := ctx.value(fact, str(NKG.speaker)):
            row["speaker"] = d.Value(ctx.label(speaker), ctx.href(speaker), speaker)
        listed[kinds[fact]].append(row)
    # The reader's blocks (nkg:block): body shown as is, furniture dimmed with its reason.
    blocks = [
        Block(
            _int(row["b"]),
            _int(row["e"]),
            row["kind"].value,
            row["reason"].value if row["reason"] is not None else None,
        )
        for row in ctx.query(f"""
            SELECT DISTINCT ?b ?e ?kind ?reason WHERE {{
              {article} <{NKG.block}> ?block .
              ?block <{NIF.beginIndex}> ?b ; <{NIF.endIndex}> ?e ; <{NKG.blockKind}> ?kind .
              OPTIONAL {{ ?block <{NKG.blockReason}> ?reason }} }}""")
    ]
    url = ctx.value(iri, str(SCHEMA.url))
    graphs = [
        row["g"].value
        for row in select(
            ctx.store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {article} a <{NKG.Article}> }} }}"
        )
    ]
    return render_template(
        "article.html",
        timeline=timeline.of_article(ctx, iri),
        iri=iri,
        label=ctx.label(iri),
        text=highlight_blocks(text, marks, notes.values(), blocks),
        furniture=sum(b.kind == "furniture" for b in blocks),
        date=ctx.value(iri, str(SCHEMA.datePublished)),
        authors=[o.value for o in ctx.objects(iri, str(SCHEMA.author))],
        publisher=ctx.value(iri, str(SCHEMA.publisher)),
        url=url,
        graphs=[d.Value(d.compact(g), ctx.href(g), g) for g in graphs],
        mentions=sum(m.kind == "mention" for m in marks),
        events=listed[str(NKG.Event)],
        statements=listed[str(NKG.Statement)],
        memberships=listed[str(NKG.Membership)],
        alternates=alternates("/" + _local_path(ctx, iri)),
    )
