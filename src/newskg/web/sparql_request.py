"""A SPARQL 1.1 Protocol request to ``/sparql``, read once: its parameters, what the endpoint
refuses to run, and the formats it may answer in.

One parser for every query request (:func:`read_request`): GET ``?query=…``; POST
``application/x-www-form-urlencoded`` with ``query=…``; POST ``application/sparql-query``
with the query as the UTF-8 body (dataset parameters in the URL). Parameters are decoded
strictly (:func:`parameters`: werkzeug would replace bad bytes silently, and the Protocol
wants them refused), so ``%71uery=`` is ``query=`` everywhere, the throttle's reading
(:func:`asks_query`) included. Malformed requests get the Protocol's 4xx: no or two queries
(400), a body of another media type or none (415), text that is not UTF-8 (400/415), a query
larger than ``MAX_QUERY_BYTES`` (413); updates (403), ``LOAD`` (403) and ``SERVICE`` (400)
are refused before anything is evaluated (:func:`check_query`). The answer's format comes
from ``format=`` or the Accept header (:func:`negotiate`, 406 listing what is offered).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph
from flask import current_app, g, request

from newskg import formats
from newskg.formats import Format
from newskg.sparql.answers import DatasetSpec
from newskg.sparql.lexer import keywords, query_form
from newskg.web.http.errors import APIError
from newskg.web.http.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    by_format_param,
    choose,
    parse_accept,
)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
MAX_FIELDS = 1000  # parameters in one request: more is abuse, not SPARQL

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


CACHED_PARAMETERS = 8192  # bytes: longer texts are parsed each time, never kept


def parameters(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a URL query string or form body, strictly UTF-8: werkzeug
    would replace bad bytes silently, and the Protocol wants them refused."""
    try:
        # The throttle and the endpoint both read a request's parameters; a point lookup is
        # cheap enough for a second parse to show, so short texts are parsed once.
        return list(_parse_short(raw) if len(raw) <= CACHED_PARAMETERS else _parse(raw))
    except UnicodeDecodeError as exc:
        raise APIError(
            400, f"the {where} is not valid UTF-8", "Percent-encode the query's UTF-8 bytes."
        ) from exc
    except ValueError as exc:
        raise APIError(400, f"the {where} has too many parameters") from exc


def _parse(raw: bytes) -> tuple[tuple[str, str], ...]:
    pairs = parse_qsl(
        raw.decode("utf-8"),
        keep_blank_values=True,
        encoding="utf-8",
        errors="strict",
        max_num_fields=MAX_FIELDS,
    )
    return tuple(pairs)


_parse_short = functools.lru_cache(maxsize=16)(_parse)


def asks_query(method: str, query_string: bytes) -> bool:
    """Whether a request to the endpoint asks it to run a query, decided from the parsed
    parameters (``%71uery=`` is ``query=``), as :func:`read_request` reads them: every
    POST (a form or a direct query), a GET or HEAD with a ``query`` parameter. The throttle
    asks here (:func:`newskg.web.http.throttle.init_app` is given this function)."""
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
    query_string = request.query_string
    if len(query_string) > _form_limit():
        raise _too_large("URL's query string")
    pairs = parameters(query_string, "URL's query string") if query_string else []
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


Meaning = tuple[Format | None, Format | None]  # (for SELECT/ASK, for CONSTRUCT/DESCRIBE)


def format_meaning(format_values: list[str]) -> tuple[list[str], Meaning] | None:
    """What the request's ``format=`` values ask for: the values given (blank ones left out)
    and the format each kind of query is answered in (None for a kind or a value the registry
    has no format of); None when no value is given. Several values are fine when they name
    the same formats: SPARQLWrapper sends a short name and its Accept
    header's list (``format=json-ld&format=application/ld+json,application/x-json+ld``), read
    as an Accept header is; values that name different formats are a 400."""
    values = [value for value in format_values if value.strip()]
    if not values:
        return None
    meanings = {value: _format_value(value) for value in values}
    if len(set(meanings.values())) > 1:
        said = "; ".join(
            f"{value!r} names "
            + (" or ".join(f.media_type for f in meaning if f is not None) or "no format")
            for value, meaning in meanings.items()
        )
        raise APIError(
            400,
            f"the format= values name different formats: {said}",
            "Give one format= value, or several that name the same format "
            "(a short name and its media type).",
        )
    return values, meanings[values[0]]


def _format_value(value: str) -> Meaning:
    if "," in value:  # a list of media types, as in an Accept header
        return by_accept(value)
    return by_format_param(value, RESULT_FORMATS), by_format_param(value, GRAPH_FORMATS)


def negotiate(format_values: list[str]) -> Meaning:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE): ``format=`` when given (a
    registry name, alias or media type, for whichever kind it names; see
    :func:`format_meaning`), else the Accept header."""
    asked = format_meaning(format_values)
    if asked is None:
        return by_accept(request.headers.get("Accept"))
    values, meaning = asked
    g.asked_format = "&".join(f"format={value}" for value in values)
    if meaning == (None, None):
        raise APIError(
            400,
            f"unknown format {values[0]!r}",
            "Use one of: " + ", ".join(formats.names()) + ".",
        )
    return meaning


@functools.lru_cache(maxsize=256)
def by_accept(accept: str | None) -> Meaning:
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
