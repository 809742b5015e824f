"""Dereferenceable IRIs: ``/id/…``, ``/graph/…`` and ``/ontology`` answer people and machines.

Strategy (W3C "Cool URIs for the Semantic Web", content negotiation): the IRI itself answers
200 with HTML for browsers or RDF for clients, chosen by ``Accept``, by an explicit suffix
(``.html``, or a registered extension from :mod:`newskg.formats`: ``.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.nq``, ``.trig``) or by ``?format=``. A negotiated answer names the
document it sent in ``Content-Location`` (``/id/actor/x.ttl``); every answer carries
``Vary: Accept`` and ``Link: <…>; rel="alternate"; type="…"`` for each representation.

A request path is mapped to the stored IRI by replacing the request's root with the
version's base IRI, so the site works on any host and port whatever base it was built with.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import pyoxigraph
from flask import Blueprint, Response, render_template, request

from newskg import formats
from newskg.extraction.iris import ITSRDF, NIF, NKG, NKG_ONTOLOGY, SCHEMA
from newskg.web import ontology_doc
from newskg.web.http.errors import APIError
from newskg.web.http.numbers import page_arg
from newskg.web.views import describe as d
from newskg.web.views.textmark import Mark, Note, highlight

bp = Blueprint("linked", __name__)

#: What an IRI can be served as besides HTML: every RDF format of the registry.
RDF_FORMATS = tuple(f for f in formats.FORMATS if f.kind in ("graph", "dataset"))
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_SUFFIX = "html"
CHUNK = 64 * 1024
SPOOL_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class Choice:
    """The representation to send: ``fmt`` None means HTML."""

    fmt: formats.Format | None
    negotiated: bool  # chosen by Accept (then Content-Location names the document)

    @property
    def extension(self) -> str:
        return self.fmt.extension if self.fmt else HTML_SUFFIX


def _lookup(name: str) -> formats.Format | None:
    """A registered RDF format by name, alias, extension or media type; None for HTML."""
    if name.strip().lower() in (HTML_SUFFIX, *HTML_TYPES):
        return None
    for find in (formats.by_name, formats.by_extension, formats.by_media_type):
        try:
            fmt = find(name)
        except formats.UnknownFormat:
            continue
        if fmt in RDF_FORMATS:
            return fmt
    offered = ", ".join([HTML_SUFFIX, *(f.extension for f in RDF_FORMATS)])
    raise APIError(400, f"unknown format {name!r}", f"Use one of: {offered}.")


def _offered() -> list[str]:
    types = [*HTML_TYPES, *(f.media_type for f in RDF_FORMATS)]
    return types + [a for f in RDF_FORMATS for a in f.aliases if "/" in a]


def choose(suffix: str | None = None) -> Choice:
    """The representation a request asks for: ``?format=``, then the suffix, then Accept
    (HTML when there is no Accept header; 406 when nothing offered is acceptable)."""
    explicit = request.args.get("format") or suffix
    if explicit:
        return Choice(_lookup(explicit), False)
    if not request.headers.get("Accept", "").strip():
        return Choice(None, True)
    best = request.accept_mimetypes.best_match(_offered())
    if best is None:
        offered = ", ".join(dict.fromkeys([HTML_TYPES[0], *(f.media_type for f in RDF_FORMATS)]))
        raise APIError(
            406, f"cannot answer in {request.headers['Accept']!r}", f"Accept one of: {offered}."
        )
    if best in HTML_TYPES:
        return Choice(None, True)
    return Choice(next(f for f in RDF_FORMATS if best == f.media_type or best in f.aliases), True)


def suffixes() -> tuple[str, ...]:
    return (HTML_SUFFIX, *(f.extension for f in RDF_FORMATS))


def split_suffix(local: str) -> tuple[str, str | None]:
    """``id/actor/x.ttl`` -> (``id/actor/x``, ``ttl``); no registered suffix -> (local, None)."""
    head, dot, ext = local.rpartition(".")
    if dot and "/" not in ext and ext in suffixes() and head:
        return head, ext
    return local, None


def negotiated(
    path: str, choice: Choice, html: Callable[[], str], data: Callable[[formats.Format], IO[bytes]]
) -> Response:
    """Answer in the chosen representation with Vary, Link and Content-Location headers."""
    if choice.fmt is None:
        response = Response(html(), mimetype="text/html")
    else:
        spool = data(choice.fmt)
        size = spool.seek(0, 2)
        spool.seek(0)
        response = Response(_chunks(spool), mimetype=choice.fmt.media_type, direct_passthrough=True)
        response.content_length = size
    response.vary.add("Accept")
    links = [f'<{path}.{HTML_SUFFIX}>; rel="alternate"; type="text/html"']
    links += [
        f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS
    ]
    response.headers["Link"] = ", ".join(links)
    if choice.negotiated:
        response.headers["Content-Location"] = f"{path}.{choice.extension}"
    return response


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - streamed, closed


def serialize(
    items: Iterator[pyoxigraph.Triple] | Iterator[pyoxigraph.Quad], fmt: formats.Format
) -> IO[bytes]:
    spool = _spool()
    prefixes = d.PREFIXES if fmt.name in ("turtle", "trig", "rdfxml") else None
    pyoxigraph.serialize(items, spool, fmt.oxigraph, prefixes=prefixes)
    return spool


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
        lambda fmt: serialize(d.triples_of(ctx, iri), fmt),
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


def alternates(path: str) -> list[tuple[str, str]]:
    """(label, href) of every RDF representation, for the pages' download links."""
    return [(f.name, f"{request.script_root}{path}.{f.extension}") for f in RDF_FORMATS]


def _local_path(ctx: d.Context, iri: str) -> str:
    return iri[len(ctx.base) :] if iri.startswith(ctx.base) else iri


# -- documents -------------------------------------------------------------------------------


def graph_data(ctx: d.Context, iri: str, fmt: formats.Format) -> IO[bytes]:
    name = d.node(iri)
    if fmt.holds_quads:
        return serialize(ctx.store.quads_for_pattern(None, None, None, name), fmt)
    spool = _spool()
    ctx.store.dump(
        spool,
        fmt.oxigraph,
        from_graph=name,
        prefixes=d.PREFIXES if fmt.name != "ntriples" else None,
    )
    return spool


def graph_page(ctx: d.Context, iri: str) -> str:
    page = page_arg()
    total = int(
        next(
            iter(
                ctx.store.query(
                    f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
                )
            )
        )["n"].value
    )
    triples = int(
        next(
            iter(
                ctx.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
            )
        )["n"].value
    )
    rows = ctx.store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} ORDER BY ?s "
        f"LIMIT {d.PAGE_SIZE} OFFSET {(page - 1) * d.PAGE_SIZE}"
    )
    subjects = [d.term_value(ctx, row["s"]) for row in rows]
    articles = [
        row["a"].value
        for row in ctx.store.query(
            f"SELECT ?a WHERE {{ GRAPH <{iri}> {{ ?a a <{NKG.Article}> }} }}"
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
    return render_template(
        "resource.html",
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


def _int(term: pyoxigraph.Term) -> int:
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
    url = ctx.value(iri, str(SCHEMA.url))
    graphs = [
        row["g"].value
        for row in ctx.store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {article} a <{NKG.Article}> }} }}"
        )
    ]
    return render_template(
        "article.html",
        iri=iri,
        label=ctx.label(iri),
        text=highlight(text, marks, notes.values()),
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
