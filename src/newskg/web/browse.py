"""Lists per class (paged, sortable) and the label search, built once per dataset version.

Both read small in-memory tables computed from the published store at the first request
after a publish (:meth:`newskg.backends.published.PublishedStore.cached`): one row per
resource with its label, date and counts for the lists; every ``rdfs:label`` and
``skos:altLabel`` folded (case and accents) for the search.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph
from flask import Blueprint, Response, render_template, request

from newskg.backends.published import published_store
from newskg.sparql.solutions import select
from newskg.text import SEARCH, fold
from newskg.vocab import NKG, SCHEMA
from newskg.web import list_export, list_filters
from newskg.web.http.errors import APIError
from newskg.web.http.numbers import page_arg
from newskg.web.list_export import EXPORTS
from newskg.web.views import describe as d

bp = Blueprint("browse", __name__)

SEARCH_LIMIT = 50
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class Listing:
    """One list page: which class, which columns, which sorts (the first is the default)."""

    slug: str
    cls: str
    title: str
    sorts: tuple[str, ...]
    query: str
    #: The property path from a row to the IRIs its filters match (list_filters).
    links: str
    filters: tuple[str, ...]


_ENTITY = (
    """SELECT ?s (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?count) WHERE {{
  ?s a <{cls}> OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
  OPTIONAL {{ ?s <"""
    + str(NKG.mentionedIn)
    + """> ?a }} }} GROUP BY ?s"""
)


def _path(*properties: object) -> str:
    return "|".join(f"<{p}>" for p in properties)


#: An entity list's links and filters: the articles that mention each.
_MENTIONED = (f"<{NKG.mentionedIn}>", ("article",))

LISTINGS = {
    item.slug: item
    for item in (
        Listing("actors", str(NKG.Actor), "Actors", ("label", "count"), _ENTITY, *_MENTIONED),
        Listing(
            "organizations",
            str(NKG.Organization),
            "Organizations",
            ("label", "count"),
            _ENTITY,
            *_MENTIONED,
        ),
        Listing("places", str(NKG.Place), "Places", ("label", "count"), _ENTITY, *_MENTIONED),
        Listing(
            "events",
            str(NKG.Event),
            "Events",
            ("date", "label"),
            """
SELECT ?s (SAMPLE(?l) AS ?label) (SAMPLE(?dt) AS ?date) (SAMPLE(?tl) AS ?detail)
       (COUNT(DISTINCT ?x) AS ?count) WHERE {{
  ?s a <{cls}> OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
  OPTIONAL {{ ?s <"""
            + str(NKG.date)
            + """> ?dt }}
  OPTIONAL {{ ?s <"""
            + str(NKG.eventType)
            + """> ?t .
             ?t <http://www.w3.org/2000/01/rdf-schema#label> ?tl }}
  OPTIONAL {{ ?s <"""
            + str(NKG.participant)
            + """>|<"""
            + str(NKG.agent)
            + """>|<"""
            + str(NKG.target)
            + """> ?x }} }} GROUP BY ?s""",
            _path(NKG.agent, NKG.target, NKG.participant, NKG.place, NKG.article, NKG.eventType),
            ("type", "actor", "organization", "place", "article", "from", "to"),
        ),
        Listing(
            "statements",
            str(NKG.Statement),
            "Statements",
            ("label", "detail"),
            """
SELECT ?s (SAMPLE(?q) AS ?label) (SAMPLE(?sl) AS ?detail) (SAMPLE(?ad) AS ?date) WHERE {{
  ?s a <{cls}> OPTIONAL {{ ?s <"""
            + str(NKG.quote)
            + """> ?q }}
  OPTIONAL {{ ?s <"""
            + str(NKG.speaker)
            + """>/<http://www.w3.org/2000/01/rdf-schema#label> ?sl }}
  OPTIONAL {{ ?s <"""
            + str(NKG.article)
            + """>/<"""
            + str(SCHEMA.datePublished)
            + """> ?ad }}
}} GROUP BY ?s""",
            _path(NKG.speaker, NKG.article),
            ("actor", "organization", "article", "from", "to"),
        ),
        Listing(
            "memberships",
            str(NKG.Membership),
            "Memberships",
            ("label", "detail"),
            """
SELECT ?s (SAMPLE(?ml) AS ?label) (SAMPLE(?detail0) AS ?detail) WHERE {{
  ?s a <{cls}> OPTIONAL {{ ?s <"""
            + str(NKG.member)
            + """>/<"""
            + LABEL
            + """> ?ml }}
  OPTIONAL {{ ?s <"""
            + str(NKG.role)
            + """> ?r ;
                 <"""
            + str(NKG.organization)
            + """>/<"""
            + LABEL
            + """> ?ol
             BIND(CONCAT(?r, ", ", ?ol) AS ?detail0) }} }} GROUP BY ?s""",
            _path(NKG.member, NKG.organization, NKG.article),
            ("actor", "organization", "article"),
        ),
        Listing(
            "articles",
            str(NKG.Article),
            "Articles",
            ("date", "label"),
            """
SELECT ?s (SAMPLE(?h) AS ?label) (SAMPLE(?dt) AS ?date) (SAMPLE(?p) AS ?detail)
       (COUNT(DISTINCT ?f) AS ?count) WHERE {{
  ?s a <{cls}> OPTIONAL {{ ?s <"""
            + str(SCHEMA.headline)
            + """> ?h }}
  OPTIONAL {{ ?s <"""
            + str(SCHEMA.datePublished)
            + """> ?dt }}
  OPTIONAL {{ ?s <"""
            + str(SCHEMA.publisher)
            + """> ?p }}
  OPTIONAL {{ ?f <"""
            + str(NKG.article)
            + """> ?s }} }} GROUP BY ?s""",
            f"^<{NKG.mentionedIn}>",
            ("actor", "organization", "place", "from", "to"),
        ),
    )
}


@dataclass(frozen=True)
class Row:
    iri: str
    label: str
    date: str
    detail: str
    count: int
    links: frozenset[str] = frozenset()  # what its filters match (list_filters)


def _rows(store: pyoxigraph.Store, listing: Listing) -> list[Row]:
    links: dict[str, set[str]] = {}
    for solution in select(
        store,
        f"SELECT ?s ?x WHERE {{ ?s a <{listing.cls}> ; {listing.links} ?x FILTER(isIRI(?x)) }}",
        use_default_graph_as_union=True,
    ):
        links.setdefault(solution["s"].value, set()).add(solution["x"].value)
    rows = []
    for solution in select(
        store, listing.query.format(cls=listing.cls), use_default_graph_as_union=True
    ):

        def get(name: str, solution: pyoxigraph.QuerySolution = solution) -> str:
            try:
                term = solution[name]
            except KeyError:
                return ""
            return term.value if term is not None else ""

        rows.append(
            Row(
                get("s"),
                get("label") or d.compact(get("s")),
                get("date"),
                get("detail"),
                int(get("count") or 0),
                frozenset(links.get(get("s"), ())),
            )
        )
    return rows


def rows(listing: Listing) -> list[Row]:
    return published_store().cached("list:" + listing.slug, lambda s: _rows(s, listing))


def sort_rows(items: list[Row], key: str, descending: bool) -> list[Row]:
    """Sorted by ``key`` (label, date, detail or count); empty values always last."""

    def value(row: Row) -> str | int:
        got = getattr(row, key)
        return got.casefold() if isinstance(got, str) else got

    present = [r for r in items if getattr(r, key) not in ("", None)]
    missing = [r for r in items if getattr(r, key) in ("", None)]
    present.sort(key=lambda r: (value(r), r.label.casefold(), r.iri), reverse=descending)
    missing.sort(key=lambda r: (r.label.casefold(), r.iri))
    return present + missing


@bp.route("/<any(" + ", ".join(LISTINGS) + "):slug>")
@bp.route("/<any(" + ", ".join(LISTINGS) + "):slug>.<any(" + ", ".join(EXPORTS) + "):ext>")
def listing(slug: str, ext: str | None = None) -> str | Response:
    """``/actors``, ``/events`` …: ``?sort=label|date|detail|count&order=asc|desc&page=N`` and
    the list's filters (:mod:`newskg.web.list_filters`); ``.csv`` / ``.json`` (or ``Accept``)
    export every row kept (:mod:`newskg.web.list_export`)."""
    spec = LISTINGS[slug]
    ctx = d.context()
    filters = list_filters.parse(request.args, spec.filters, ctx.base, event_types())
    sort = request.args.get("sort", spec.sorts[0])
    if sort not in (*spec.sorts, "label"):
        raise APIError(
            400,
            f"cannot sort {slug} by {sort!r}",
            f"Use sort={' or sort='.join(dict.fromkeys((*spec.sorts, 'label')))}.",
        )
    default_order = (
        "desc" if sort in ("count",) or (slug == "articles" and sort == "date") else "asc"
    )
    order = request.args.get("order", default_order)
    if order not in ("asc", "desc"):
        raise APIError(400, f"unknown order {order!r}", "Use order=asc or order=desc.")
    page = page_arg()
    kept = [row for row in rows(spec) if filters.matches(row.links, row.date)]
    everything = sort_rows(kept, sort, order == "desc")
    if (kind := list_export.chosen(ext)) is not None:
        return list_export.response(kind, slug, everything)
    shown = everything[(page - 1) * d.PAGE_SIZE : page * d.PAGE_SIZE]
    answer = Response(
        render_template(
            "list.html",
            spec=spec,
            rows=[(row, ctx.href(row.iri)) for row in shown],
            total=len(everything),
            page=page,
            pages=d.pages(len(everything)),
            sort=sort,
            order=order,
            filters=filters.given,
            keep=("&" + filters.query_string) if filters.given else "",
            exports=list(EXPORTS),
        ),
        mimetype="text/html",
    )
    answer.vary.add("Accept")
    return answer


def event_types() -> frozenset[str]:
    """The event types the ontology defines (what ``type=`` may name)."""
    query = f"SELECT ?t WHERE {{ ?t <{d.SKOS}inScheme> <{NKG.EventTypeScheme}> }}"
    return published_store().cached(
        "event_types",
        lambda store: frozenset(
            row["t"].value for row in select(store, query, use_default_graph_as_union=True)
        ),
    )


# -- search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    folded: str
    label: str  # the label that matched
    iri: str
    name: str  # the resource's rdfs:label
    cls: str


def build_index(store: pyoxigraph.Store) -> list[Entry]:
    """Every rdfs:label and skos:altLabel of a typed resource outside the ontology."""
    entries: dict[tuple[str, str], Entry] = {}
    for row in select(
        store,
        f"""
            SELECT ?s ?l ?name (SAMPLE(?c) AS ?cls) WHERE {{
              ?s <{d.RDFS}label>|<{d.SKOS}altLabel> ?l ; <{d.RDFS}label> ?name ; a ?c
              FILTER(!STRSTARTS(STR(?s), "{NKG}") && !STRSTARTS(STR(?c), "{d.SKOS}"))
            }} GROUP BY ?s ?l ?name""",
        use_default_graph_as_union=True,
    ):
        label = row["l"].value
        key = (row["s"].value, label)
        folded = fold(label, SEARCH)
        entries.setdefault(
            key, Entry(folded, label, row["s"].value, row["name"].value, row["cls"].value)
        )
    return sorted(entries.values(), key=lambda e: (e.folded, e.iri))


def search(index: list[Entry], query: str, limit: int = SEARCH_LIMIT) -> list[Entry]:
    """Best match per resource: whole label starts with the query, then a word of it does,
    then the query appears anywhere; shorter labels first within each."""
    needle = fold(query, SEARCH)
    if not needle:
        return []
    best: dict[str, tuple[tuple[int, int, str], Entry]] = {}
    for entry in index:
        text = entry.folded
        if text.startswith(needle):
            rank = 0
        elif (" " + needle) in (" " + text) or ("-" + needle) in text:
            rank = 1
        elif needle in text:
            rank = 2
        else:
            continue
        key = (rank, len(text), entry.name.casefold())
        if entry.iri not in best or key < best[entry.iri][0]:
            best[entry.iri] = (key, entry)
    return [entry for _, entry in sorted(best.values(), key=lambda item: item[0])][:limit]


@bp.route("/search")
def search_page() -> str:
    """Entities by any of their labels: ``/search?q=sol`` (case and accents ignored)."""
    query = request.args.get("q", "")
    ctx = d.context()
    found = []
    if query.strip():
        index = published_store().cached("search_index", build_index)
        found = [
            (entry, ctx.href(entry.iri), ctx.label(entry.cls)) for entry in search(index, query)
        ]
    return render_template("search.html", query=query, found=found)
