"""The read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

Query operations, as the SPARQL 1.1 Protocol defines them, read by one parser
(:mod:`newskg.web.sparql_request`, which also says what is refused before anything is
evaluated): GET ``?query=…``, POST as a form or as the query itself. ``default-graph-uri``
and ``named-graph-uri`` (repeatable) give the whole dataset when either is given, in place of
FROM / FROM NAMED in the query, as the Protocol says (§2.1.4): one left out is empty (no
named graphs, or an empty default graph). Without either, the default graph is the union of
all named graphs. Relative IRIs resolve against the endpoint's URL (:func:`base_iri`), as
Oxigraph's server does.

- Results by content negotiation (Accept, see :mod:`newskg.web.http.negotiation`) or ``format=``
  (repeatable when the values agree, as SPARQLWrapper sends them):
  SELECT/ASK as SPARQL JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples,
  N-Quads, TriG, JSON-LD, RDF/XML. 406 lists what is offered when nothing fits.
- GET without a query answers the Service Description (RDF by Accept), or the query page
  when a browser prefers HTML.

Every query takes one path (:func:`evaluate`): the app's published store
(:mod:`newskg.backends.published`) answers a point lookup in this process when it can
(:mod:`newskg.sparql.lookup`, a tenth of a millisecond: not cached, counted as
``newskg_fast_lane_total``); any other query is answered from the answer cache on disk
(:mod:`newskg.web.http.cache`) or run by the published store (query processes, or the triple
store) and then cached. Answers are streamed in chunks with Content-Length, with an ETag and
Last-Modified so a client can revalidate (304) without the query being run again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from flask import Blueprint, Response, current_app, render_template, request
from pyoxigraph import NamedNode
from werkzeug.http import http_date

from newskg.backends.published import get_version, published_store
from newskg.backends.versions import Version
from newskg.formats import Format
from newskg.sparql.answers import Answer, NotAcceptable, QueryRequest
from newskg.sparql.engine import QueryMemoryExceeded, QueryProcessesBusy
from newskg.web.http import metrics, throttle
from newskg.web.http.cache import AnswerCache, CachedAnswer, request_key
from newskg.web.http.errors import APIError
from newskg.web.http.negotiation import (
    GRAPH_FORMATS,
    best_match,
    media_types,
    parse_accept,
)
from newskg.web.sparql_request import (
    ProtocolRequest,
    check_query,
    format_meaning,
    negotiate,
    not_acceptable,
    read_request,
    the_query,
)
from newskg.web.views.service_description import dataset_stats, description, serialize

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_AGE = 60  # seconds a client or proxy may reuse an answer without revalidating
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
CACHE_EXTENSION = "newskg.answer_cache"
HTML_TYPES = ("text/html", "application/xhtml+xml")


# --- HTTP caching --------------------------------------------------------------------------

# Last-Modified of each version served, by (id, path): a published version never changes, so
# when it was written is looked up once per process, not once per request.
_MODIFIED: dict[tuple[str, str], datetime] = {}


def last_modified(version: Version) -> datetime:
    """When the version was published (:meth:`newskg.backends.versions.Version.modified_time`)."""
    key = (version.id, str(version.path))
    if (known := _MODIFIED.get(key)) is not None:
        return known
    modified = version.modified_time()
    if modified is None:
        return datetime.now(UTC).replace(microsecond=0)  # not remembered: it may appear later
    if len(_MODIFIED) > 64:  # versions come one after another: keep only recent ones
        _MODIFIED.clear()
    _MODIFIED[key] = modified
    return modified


def validators(etag: str, modified: datetime) -> list[tuple[str, str]]:
    """The caching headers of an answer (as text: werkzeug's typed header properties cost
    more than the rest of a point lookup's handling)."""
    return [
        ("ETag", f'"{etag}"'),
        ("Last-Modified", _http_date(modified)),
        ("Cache-Control", CACHE_CONTROL),
        ("Vary", "Accept"),
    ]


def _validators(response: Response, etag: str, modified: datetime) -> Response:
    headers = response.headers
    for name, value in validators(etag, modified):
        if name == "Vary" and "Vary" in headers:
            response.vary.add(value)
        else:
            headers[name] = value
    return response


@functools.lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


def not_modified(etag: str, modified: datetime) -> Response | None:
    """A 304 when a GET/HEAD's validators match (If-None-Match first, as RFC 9110 says)."""
    environ = request.environ
    if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return None  # nothing to revalidate (most requests): no header parsing
    if request.method not in ("GET", "HEAD"):
        return None
    if request.if_none_match:
        matched = request.if_none_match.contains_weak(etag)
    elif request.if_modified_since is not None:
        matched = modified <= request.if_modified_since
    else:
        return None
    return _validators(Response(status=304), etag, modified) if matched else None


# --- answering -----------------------------------------------------------------------------


def answer_cache() -> AnswerCache:
    """This app's answer cache (created on first use)."""
    cache = current_app.extensions.get(CACHE_EXTENSION)
    if cache is None:
        config = current_app.config
        cache = current_app.extensions[CACHE_EXTENSION] = AnswerCache(
            config.get("CACHE_DIR") or None, config["STORE"], int(config["CACHE_BYTES"])
        )
    return cache


def _chunks(body: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := body.read(CHUNK):
            yield chunk
    finally:  # also when the client disconnects and the server closes the generator
        body.close()


def stream(
    body: IO[bytes], size: int, fmt: Format, headers: list[tuple[str, str]] | None = None
) -> Response:
    """Send an answer file in chunks: a large answer never sits in memory. One already in
    memory (a small answer, a point lookup's) goes as it is, in one write. ``headers`` are
    added as they are (built once: werkzeug's typed header setters cost more than a point
    lookup's own handling)."""
    if isinstance(body, io.BytesIO):
        data = body.getvalue()[body.tell() :]
        chunks: Iterable[bytes] = [data]
        size = len(data)
    else:
        chunks = _chunks(body)
    return Response(
        chunks,
        mimetype=fmt.media_type,
        headers=[("Content-Length", str(size)), *(headers or ())],
        direct_passthrough=True,
    )


def evaluate(
    version: Version, asked: QueryRequest, key: str | None = None
) -> Answer | CachedAnswer:
    """The answer to a point lookup made in this process, else from the cache or the
    published store's engine (then cached). ``key`` is :func:`request_key` of ``asked``
    when the caller has it already."""
    published = published_store()
    try:
        made = published.lookup(version, asked)
        if made is not None:
            metrics.FAST_LANE.inc()
            return made
        cache = answer_cache()
        if key is None:
            key = request_key(version.id, asked)
        if cache.enabled:
            cached = cache.get(version.id, key)
            if cached is not None:
                metrics.CACHE_HITS.inc()
                return cached
            metrics.CACHE_MISSES.inc()
        with throttle.query_slot(), metrics.IN_FLIGHT.track_inprogress():
            answer = published.execute(version, asked)
    except NotAcceptable as exc:
        raise not_acceptable(exc.kind) from None
    except APIError as exc:
        if exc.status == 503 and not isinstance(exc, (QueryProcessesBusy, QueryMemoryExceeded)):
            metrics.QUERY_TIMEOUTS.inc()
        raise
    return cache.put(version.id, key, answer) or answer


def base_iri() -> str | None:
    """The base IRI of this request's query: the endpoint's URL as the client reached it,
    as Oxigraph's server gives (``<x>`` in a query to ``http://host/sparql`` is
    ``http://host/x``). None when the Host header makes no IRI: relative IRIs are then a
    syntax error, as before."""
    return _iri_or_none(request.base_url)


@functools.lru_cache(maxsize=64)  # the few URLs a server is reached by, checked once each
def _iri_or_none(url: str) -> str | None:
    try:
        return NamedNode(url).value
    except ValueError:
        return None


def run_query(parsed: ProtocolRequest) -> Response:
    query = the_query(parsed)
    if not current_app.config.get("TESTING_SKIP_SERVICE_CHECK"):  # see create_app: tests only
        check_query(query)
    results_format, graph_format = negotiate(parsed.formats)
    if results_format is None and graph_format is None:
        raise not_acceptable(None)  # whatever the query's kind, nothing would fit
    config = current_app.config
    asked = QueryRequest(
        query,
        parsed.dataset,
        results_format,
        graph_format,
        max_rows=int(config["MAX_ROWS"]),
        timeout=float(config["QUERY_TIMEOUT"]),
        base_iri=base_iri(),
    )
    version = get_version()
    # The ETag names the answer's bytes: the dataset version and everything that decides
    # them, so a client (or proxy) revalidates with a 304 without the query being run.
    identity = request_key(version.id, asked)
    etag, modified = identity[:40], last_modified(version)
    unchanged = not_modified(etag, modified)
    if unchanged is not None:
        return unchanged
    answer = evaluate(version, asked, identity)
    return stream(answer.body, answer.size, answer.format, validators(etag, modified))


# --- the Service Description and the query page -------------------------------------------


def query_page() -> Response:
    """The query page; its context comes from :mod:`newskg.web.query_page` when that exists."""
    context: dict[str, Any] = {}
    if importlib.util.find_spec("newskg.web.query_page") is not None:
        from newskg.web.query_page import query_page_context

        context = query_page_context()
    response = Response(render_template("sparql.html", **context), mimetype="text/html")
    response.vary.add("Accept")
    return response


def service_description(format_values: list[str]) -> Response:
    """The Service Description in the RDF format asked for; the query page for browsers."""
    asked = format_meaning(format_values)
    if asked is not None:
        values, (_, graph_format) = asked
        if graph_format is None:
            raise APIError(
                406,
                f"the service description is RDF, not {values[0]!r}",
                "Use format=" + "|".join(f.name for f in GRAPH_FORMATS) + ".",
            )
        fmt = graph_format
    else:
        offers = [t for f in GRAPH_FORMATS for t in media_types(f)] + list(HTML_TYPES)
        chosen = best_match(parse_accept(request.headers.get("Accept")), offers)
        if chosen in HTML_TYPES:
            return query_page()
        if chosen is None:
            raise APIError(
                406,
                "GET /sparql without a query answers the service description in RDF "
                "or the query page in HTML; none of those is acceptable",
                "Accept one of: "
                + ", ".join(f.media_type for f in GRAPH_FORMATS)
                + ", text/html; or send a query.",
            )
        fmt = next(f for f in GRAPH_FORMATS if chosen in media_types(f))
    version = get_version()
    endpoint = request.url_root + "sparql"
    digest = hashlib.sha256(f"{version.id}\n{endpoint}\n{fmt.name}".encode()).hexdigest()
    etag, modified = digest[:40], last_modified(version)
    unchanged = not_modified(etag, modified)
    if unchanged is not None:
        return unchanged
    stats = published_store().cached("service_description_stats", dataset_stats)
    body = serialize(description(endpoint, stats), fmt)
    return _validators(Response(body, mimetype=fmt.media_type), etag, modified)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a SPARQL query; without one, describe the service (or show the query page)."""
    parsed = read_request()
    if (
        not parsed.queries
        and request.method in ("GET", "HEAD")
        and not parsed.default_graphs
        and not parsed.named_graphs
    ):
        return service_description(parsed.formats)
    return run_query(parsed)
