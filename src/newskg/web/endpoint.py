"""The read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

Query operations, as the SPARQL 1.1 Protocol defines them:

- GET ``?query=…``; POST ``application/x-www-form-urlencoded`` with ``query=…``; POST
  ``application/sparql-query`` with the query as the UTF-8 body (dataset parameters in the
  URL). ``default-graph-uri`` and ``named-graph-uri`` (repeatable) set the dataset; when they
  are given they override FROM / FROM NAMED in the query, as the Protocol says (§2.1.4).
  Without either, the default graph is the union of all named graphs.
- Results by content negotiation (Accept, see :mod:`newskg.web.http.negotiation`) or ``format=``:
  SELECT/ASK as SPARQL JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples,
  N-Quads, TriG, JSON-LD, RDF/XML. 406 lists what is offered when nothing fits.
- Refused before anything is evaluated: updates (403: the public endpoint is read-only),
  ``LOAD`` (403) and ``SERVICE`` (400): the server never fetches anything from elsewhere.
  Malformed requests get the Protocol's 4xx: no or two queries (400), a body of another
  media type or none (415), text that is not UTF-8 (400/415), a syntax error (400 with line
  and column), a query larger than ``MAX_QUERY_BYTES`` (413).
- GET without a query answers the Service Description (RDF by Accept), or the query page
  when a browser prefers HTML.

Evaluation goes through :func:`newskg.sparql.engine.execute`, or for a point lookup through
:mod:`newskg.web.http.fast_lane`; the engine's answers are cached on disk by
:mod:`newskg.web.http.cache`,
and answers are streamed in chunks with Content-Length, with an ETag and
Last-Modified so a client can revalidate (304) without the query being run again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import parse_qsl

import pyoxigraph
from flask import Blueprint, Response, current_app, g, render_template, request
from werkzeug.http import http_date

from newskg import formats
from newskg.backends.local import get_published, get_version, published_store
from newskg.backends.remote import engine as remote_engine
from newskg.backends.versions import Version
from newskg.formats import Format
from newskg.sparql.engine import (
    Answer,
    DatasetSpec,
    NotAcceptable,
    QueryMemoryExceeded,
    QueryProcessesBusy,
    execute,
    spent,
)
from newskg.sparql.lexer import keywords, query_form
from newskg.web.http import fast_lane, metrics, throttle
from newskg.web.http.cache import AnswerCache, CachedAnswer, request_key
from newskg.web.http.errors import APIError
from newskg.web.http.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    best_match,
    by_format_param,
    choose,
    known_format,
    media_types,
    parse_accept,
)
from newskg.web.views.service_description import dataset_stats, description, serialize

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
CHUNK = 64 * 1024
MAX_AGE = 60  # seconds a client or proxy may reuse an answer without revalidating
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
CACHE_EXTENSION = "newskg.answer_cache"
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_FIELDS = 1000  # parameters in one request: more is abuse, not SPARQL
# Set in the WSGI environ by newskg.web.http.lane when it handed a point lookup on to the engine.
LANE_TRIED = "newskg.lane_tried"

# The first keyword of a SPARQL Update operation (after the PREFIX/BASE prologue).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
READ_ONLY_HINT = (
    "Send a SELECT, ASK, CONSTRUCT or DESCRIBE query; the dataset changes only "
    "when its operator runs `newskg build`."
)


# --- what the server refuses to run: one place for every check ------------------------------


def check_query(query: str) -> None:
    """Refuse, before anything reaches the engine, what this public read-only endpoint never
    does: fetch from elsewhere (SERVICE: 400; LOAD: 403) or write (any update: 403)."""
    words = set(keywords(query))
    if "SERVICE" in words:
        raise APIError(
            400,
            "SERVICE clauses are not allowed: this endpoint answers from its own dataset only "
            "and never queries other endpoints.",
            "Remove the SERVICE clause and query the other endpoint directly.",
        )
    if "LOAD" in words:
        raise APIError(
            403,
            "LOAD is not allowed: this endpoint is read-only and never fetches data from "
            "elsewhere; writes happen only through `newskg build`.",
            READ_ONLY_HINT,
        )
    if is_update(query):
        raise update_refused()


def is_update(query: str) -> bool:
    """True if the first keyword after the prologue starts a SPARQL Update operation."""
    return query_form(query) in UPDATE_KEYWORDS


def update_refused() -> APIError:
    return APIError(
        403,
        "this endpoint is read-only: SPARQL Update is not allowed; writes happen only "
        "through `newskg build`",
        READ_ONLY_HINT,
    )


# --- reading the request -------------------------------------------------------------------


@dataclass
class ProtocolRequest:
    """The Protocol's parameters of one request, from the URL and the body together."""

    queries: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    @property
    def dataset(self) -> DatasetSpec:
        return DatasetSpec(tuple(self.default_graphs), tuple(self.named_graphs))


def _max_query_bytes() -> int:
    return int(current_app.config["MAX_QUERY_BYTES"])


def _too_large(what: str) -> APIError:
    limit = _max_query_bytes()
    return APIError(
        413,
        f"the {what} is larger than this endpoint accepts ({limit} bytes)",
        "Shorten the query (VALUES with fewer rows, fewer UNION branches); "
        "large extracts come from the dumps rather than from one query.",
    )


def parameters(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a URL query string or form body, strictly UTF-8: werkzeug
    would replace bad bytes silently, and the Protocol wants them refused."""
    try:
        return parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise APIError(
            400, f"the {where} is not valid UTF-8", "Percent-encode the query's UTF-8 bytes."
        ) from exc
    except ValueError as exc:
        raise APIError(400, f"the {where} has too many parameters") from exc


def asks_query(method: str, query_string: bytes) -> bool:
    """Whether a request to the endpoint asks it to run a query, decided from the parsed
    parameters (``%71uery=`` is ``query=``), as :func:`read_request` reads them: every
    POST (a form or a direct query), a GET or HEAD with a ``query`` parameter. The throttle
    asks here; the point lookups' path (:mod:`newskg.web.http.lane`) reads the same parsed
    parameters (:func:`parameters`)."""
    if method == "POST":
        return True
    try:
        return any(name == "query" for name, _ in parameters(query_string, "query string"))
    except APIError:
        return False  # the endpoint answers 400 without running anything


def _form_limit() -> int:
    # Percent-encoding at most triples the bytes of a query; the rest is parameter names
    # and dataset IRIs.
    return 3 * _max_query_bytes() + 16 * 1024


def read_request() -> ProtocolRequest:
    """The Protocol parameters of this request, after the 4xx checks of its shape."""
    if len(request.query_string) > _form_limit():
        raise _too_large("URL's query string")
    pairs = parameters(request.query_string, "URL's query string")
    direct: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        length = request.content_length
        if mimetype == UPDATE_TYPE:
            raise update_refused()
        if mimetype == QUERY_TYPE:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise APIError(
                    415,
                    f"the query must be sent as UTF-8, not {charset}",
                    f"Send Content-Type: {QUERY_TYPE}; charset=utf-8.",
                )
            if length is not None and length > _max_query_bytes():
                raise _too_large("query")
            raw = request.get_data(cache=True)
            try:
                direct = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise APIError(
                    400, "the query is not valid UTF-8", "Send the query text encoded as UTF-8."
                ) from exc
        elif mimetype == FORM_TYPE:
            if length is not None and length > _form_limit():
                raise _too_large("form body")
            pairs += parameters(request.get_data(cache=True), "form body")
        elif mimetype or length:
            raise APIError(
                415,
                f"unsupported request body type {mimetype!r}"
                if mimetype
                else "the request has a body but no Content-Type",
                f"POST the query as {FORM_TYPE} with a query= field, or as the body with "
                f"Content-Type: {QUERY_TYPE}.",
            )
    parsed = ProtocolRequest()
    for name, value in pairs:
        if name == "update":
            raise update_refused()
        if name == "query":
            parsed.queries.append(value)
        elif name == "default-graph-uri":
            parsed.default_graphs.append(_iri(name, value))
        elif name == "named-graph-uri":
            parsed.named_graphs.append(_iri(name, value))
        elif name == "format":
            parsed.formats.append(value)
    if direct is not None:
        parsed.queries.append(direct)
    return parsed


def _iri(name: str, value: str) -> str:
    try:
        return pyoxigraph.NamedNode(value.strip()).value
    except ValueError as exc:
        raise APIError(
            400,
            f"{name} {value!r} is not an absolute IRI",
            "Give each graph's full IRI, e.g. http://…/graph/….",
        ) from exc


def the_query(parsed: ProtocolRequest) -> str:
    """The one query of the request (400 for none or several, 413 when too large)."""
    how = (
        f"Send the SPARQL query as ?query=… (GET), as a query= form field, or as an "
        f"{QUERY_TYPE} body (POST)."
    )
    if not parsed.queries:
        raise APIError(400, "no query given", how)
    if len(parsed.queries) > 1:
        raise APIError(400, f"exactly one query is allowed, {len(parsed.queries)} were given", how)
    query = parsed.queries[0]
    if len(query.encode("utf-8")) > _max_query_bytes():
        raise _too_large("query")
    if not query.strip():
        raise APIError(400, "the query is empty", how)
    return query


# --- content negotiation -------------------------------------------------------------------


def negotiate(format_values: list[str]) -> tuple[Format | None, Format | None]:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE): ``format=`` when given (a
    registry name or alias, for whichever kind it names), else the Accept header."""
    if format_values:
        if len(format_values) > 1:
            raise APIError(400, "give at most one format= parameter")
        value = format_values[0]
        g.asked_format = f"format={value}"
        if not known_format(value):
            raise APIError(
                400, f"unknown format {value!r}", "Use one of: " + ", ".join(formats.names()) + "."
            )
        return by_format_param(value, RESULT_FORMATS), by_format_param(value, GRAPH_FORMATS)
    return by_accept(request.headers.get("Accept"))


@functools.lru_cache(maxsize=256)
def by_accept(accept: str | None) -> tuple[Format | None, Format | None]:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE) for an Accept header value:
    clients send the same few values again and again, so each is worked out once."""
    ranges = parse_accept(accept)
    return choose(ranges, RESULT_FORMATS), choose(ranges, GRAPH_FORMATS)


def not_acceptable(kind: str | None) -> APIError:
    """406 naming what the endpoint offers (for the query's kind when it is known)."""
    groups = {"SELECT/ASK": RESULT_FORMATS, "CONSTRUCT/DESCRIBE": GRAPH_FORMATS}
    if kind is not None:
        label = "CONSTRUCT/DESCRIBE" if kind == "graph" else "SELECT/ASK"
        groups = {label: groups[label]}
    offered = "; ".join(
        f"{label}: " + ", ".join(f.media_type for f in group) for label, group in groups.items()
    )
    asked = g.get("asked_format") or f"Accept: {request.headers.get('Accept', '*/*')}"
    return APIError(
        406,
        f"no offered result format matches {asked}; offered: {offered}",
        "Send an Accept header with one of the offered media types, or "
        "format=" + "|".join(f.name for g in groups.values() for f in g) + ".",
    )


# --- HTTP caching --------------------------------------------------------------------------

# Last-Modified of each local version served, by (id, path): a published version never
# changes, so its files are looked at once per process, not once per request.
_MODIFIED: dict[tuple[str, str], datetime] = {}


def last_modified(version: Version) -> datetime:
    """When the version was published: its summary's (or directory's) modification time;
    a version on a remote store (newskg.backends.remote) says it itself."""
    if (stated := getattr(version, "modified", None)) is not None:
        return stated.replace(microsecond=0)
    key = (version.id, str(version.path))
    if (known := _MODIFIED.get(key)) is not None:
        return known
    for path in (version.summary_path, version.path):
        try:
            modified = datetime.fromtimestamp(int(os.stat(path).st_mtime), UTC)
        except OSError:
            continue
        if len(_MODIFIED) > 64:  # versions come one after another: keep only recent ones
            _MODIFIED.clear()
        _MODIFIED[key] = modified
        return modified
    return datetime.now(UTC).replace(microsecond=0)  # not remembered: it may appear later


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


def stream(body: IO[bytes], size: int, fmt: Format) -> Response:
    """Send an answer file in chunks: a large answer never sits in memory. One already in
    memory (a small answer) goes as it is, in one write."""
    if isinstance(body, io.BytesIO):
        data = body.getvalue()[body.tell() :]
        response = Response([data], mimetype=fmt.media_type, direct_passthrough=True)
        response.content_length = len(data)
        return response
    response = Response(_chunks(body), mimetype=fmt.media_type, direct_passthrough=True)
    response.content_length = size
    return response


def evaluate(
    version: Version,
    query: str,
    dataset: DatasetSpec,
    results_format: Format | None,
    graph_format: Format | None,
    key: str | None = None,
) -> Answer | CachedAnswer:
    """The answer from the fast lane (a point lookup), the cache, or the engine (then
    cached). ``key`` is the request's :func:`request_key` when the caller has it already."""
    config = current_app.config
    max_rows = int(config["MAX_ROWS"])
    try:
        if (
            not request.environ.get(LANE_TRIED)
            and remote_engine.serving_remote() is None
            and fast_lane.eligible(query, dataset)
        ):
            made = _lane(version, query, results_format, max_rows)
            if made is not None:
                return made
        cache = answer_cache()
        if key is None:
            key = request_key(version.id, query, dataset, results_format, graph_format, max_rows)
        if cache.enabled:
            cached = cache.get(version.id, key)
            if cached is not None:
                metrics.CACHE_HITS.inc()
                return cached
            metrics.CACHE_MISSES.inc()
        with throttle.query_slot(), metrics.IN_FLIGHT.track_inprogress():
            answer = execute(
                version.path,
                query,
                dataset,
                results_format=results_format,
                graph_format=graph_format,
                timeout=float(config["QUERY_TIMEOUT"]),
                max_rows=max_rows,
            )
    except NotAcceptable as exc:
        raise not_acceptable(exc.kind) from None
    except APIError as exc:
        if exc.status == 503 and not isinstance(exc, (QueryProcessesBusy, QueryMemoryExceeded)):
            metrics.QUERY_TIMEOUTS.inc()
        raise
    return cache.put(version.id, key, answer) or answer


def _lane(
    version: Version, query: str, results_format: Format | None, max_rows: int
) -> Answer | None:
    published, store = get_published()
    if published.id != version.id:
        return None  # a new version was published since the request began
    started = time.monotonic()
    try:
        return fast_lane.execute(store, query, results_format=results_format, max_rows=max_rows)
    finally:
        spent(time.monotonic() - started)


def run_query(parsed: ProtocolRequest) -> Response:
    query = the_query(parsed)
    if not current_app.config.get("TESTING_SKIP_SERVICE_CHECK"):  # see create_app: tests only
        check_query(query)
    results_format, graph_format = negotiate(parsed.formats)
    if results_format is None and graph_format is None:
        raise not_acceptable(None)  # whatever the query's kind, nothing would fit
    dataset = parsed.dataset
    version = get_version()
    # The ETag names the answer's bytes: the dataset version and everything that decides
    # them, so a client (or proxy) revalidates with a 304 without the query being run.
    identity = request_key(
        version.id,
        query,
        dataset,
        results_format,
        graph_format,
        int(current_app.config["MAX_ROWS"]),
    )
    etag, modified = identity[:40], last_modified(version)
    unchanged = not_modified(etag, modified)
    if unchanged is not None:
        return unchanged
    answer = evaluate(version, query, dataset, results_format, graph_format, identity)
    return _validators(stream(answer.body, answer.size, answer.format), etag, modified)


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
    if format_values:
        if len(format_values) > 1:
            raise APIError(400, "give at most one format= parameter")
        fmt = by_format_param(format_values[0], GRAPH_FORMATS)
        if fmt is None:
            raise APIError(
                406,
                f"the service description is RDF, not {format_values[0]!r}",
                "Use format=" + "|".join(f.name for f in GRAPH_FORMATS) + ".",
            )
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
