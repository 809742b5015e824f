"""The way in for point lookups: WSGI middleware that answers them before Flask does.

A point lookup (see :mod:`newskg.web.http.fast_lane`) costs pyoxigraph about a tenth of a
millisecond; Flask's request machinery and the endpoint's general handling cost several
times that. So a request to ``/sparql`` that is plainly a point lookup (GET or POST, a
``query`` and at most a ``format``, nothing to revalidate) is answered here with the same
pieces the endpoint uses: the same negotiation, answer (:func:`fast_lane.execute`),
validators, CORS headers, throttling and metrics. Anything else, and any lookup this path
cannot answer (no acceptable format, a client over its budget, an engine's case, an error),
goes on to Flask untouched, which then answers it as usual, in the one error shape.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.utils import get_content_type

from newskg.backends.local import EXTENSION as STORE_EXTENSION
from newskg.sparql.engine import NO_DATASET, NotAcceptable
from newskg.web.endpoint import (
    FORM_TYPE,
    LANE_TRIED,
    QUERY_TYPE,
    by_accept,
    last_modified,
    parameters,
    validators,
)
from newskg.web.http import cors, fast_lane, metrics, throttle
from newskg.web.http.body import PROBLEM as BODY_REFUSED
from newskg.web.http.body import install as receive_bodies
from newskg.web.http.cache import request_key
from newskg.web.http.errors import APIError
from newskg.web.http.negotiation import GRAPH_FORMATS, RESULT_FORMATS, by_format_param

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ENDPOINT = "/sparql"  # the route's pattern, as newskg.web.http.metrics labels it


class Lane:
    """``Lane(app.wsgi_app, app)``: point lookups answered here, the rest by ``app``."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        config = app.config
        self.store = app.extensions[STORE_EXTENSION]
        self.origins: frozenset[str] = app.extensions[cors.EXTENSION]
        self.budgets: throttle.Budgets | None = app.extensions.get(throttle.EXTENSION)
        self.proxies = config["TRUSTED_PROXY_NETWORKS"]
        self.max_rows = int(config["MAX_ROWS"])
        self.max_query_bytes = int(config["MAX_QUERY_BYTES"])
        # A larger body is the endpoint's to refuse (413): a form's query is percent-encoded.
        self.max_body = min(3 * self.max_query_bytes, int(config["MAX_CONTENT_LENGTH"]))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == ENDPOINT and environ.get("REQUEST_METHOD") in (
            "GET",
            "POST",
        ):
            started = time.perf_counter()
            try:
                answered = self._answer(environ)
            except Exception:  # a bug here must not cost the client its answer
                log.exception("point lookup path failed; the endpoint answers instead")
                answered = None
            if answered is not None:
                headers, body = answered
                start_response("200 OK", headers)
                metrics.count(ENDPOINT, 200, time.perf_counter() - started)
                return [body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        """The answer's headers and body, or None for Flask to answer."""
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None  # a revalidation: the endpoint answers 304s
        if BODY_REFUSED in environ:
            return None  # its body was refused (429/503): the app says so, never answers it
        try:
            asked = self._query(environ)
        except APIError:
            return None  # malformed parameters: the endpoint says what is wrong
        if asked is None:
            return None
        query, format_value = asked
        if not fast_lane.eligible(query, NO_DATASET):
            return None
        if format_value is None:
            results_format, graph_format = by_accept(environ.get("HTTP_ACCEPT"))
        else:
            results_format = by_format_param(format_value, RESULT_FORMATS)
            graph_format = by_format_param(format_value, GRAPH_FORMATS)
        if results_format is None:
            return None  # 406, or a format= naming a graph format: the endpoint says so
        client = None
        if self.budgets is not None:
            client = throttle.requester(environ, self.proxies)
            try:
                if throttle.over_budget(self.budgets, client) is not None:
                    return None  # the endpoint answers 429 and counts it
            except APIError:
                return None  # the bookkeeping fails: the endpoint answers 503
        try:
            version, store = self.store.get()
        except APIError:
            return None  # nothing published: the endpoint's 503
        started = time.monotonic()
        try:
            answer = fast_lane.execute(
                store, query, results_format=results_format, max_rows=self.max_rows
            )
        except (APIError, NotAcceptable):
            return None  # the row cap: the endpoint raises it again, in the error shape
        finally:
            if client is not None:
                throttle.charge(self.budgets, client, time.monotonic() - started)
        if answer is None:
            environ[LANE_TRIED] = True  # an engine's case: the endpoint need not try again
            return None
        etag = request_key(
            version.id, query, NO_DATASET, results_format, graph_format, self.max_rows
        )[:40]
        headers = [
            ("Content-Type", get_content_type(answer.format.media_type, "utf-8")),
            ("Content-Length", str(answer.size)),
            *validators(etag, last_modified(version)),
        ]
        extra, vary_origin = cors.response_headers(self.origins, environ.get("HTTP_ORIGIN"))
        if vary_origin:
            headers = [(n, "Accept, Origin" if n == "Vary" else v) for n, v in headers]
        return headers + extra, answer.body.getvalue()

    def _query(self, environ: dict[str, Any]) -> tuple[str, str | None] | None:
        """(query, format= value) of a plain query request, or None. A POST's body is read
        and put back, so that Flask can read it again. Raises the endpoint's APIError for
        parameters that are not UTF-8 or too many (then Flask answers, in the error shape)."""
        pairs = parameters(environ.get("QUERY_STRING", "").encode("latin-1"), "query string")
        direct = None
        if environ["REQUEST_METHOD"] == "POST":
            mimetype, _, options = environ.get("CONTENT_TYPE", "").partition(";")
            length = environ.get("CONTENT_LENGTH", "")
            if not length.isdigit() or int(length) > self.max_body:
                return None  # no length (chunked), or large: the endpoint's limits apply
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = io.BytesIO(body)
            mimetype = mimetype.strip().lower()
            if mimetype == FORM_TYPE:
                pairs += parameters(body, "form body")
            elif mimetype == QUERY_TYPE and options.strip().lower() in (
                "",
                "charset=utf-8",
                "charset=utf8",
            ):
                try:
                    direct = body.decode("utf-8")
                except UnicodeDecodeError:
                    return None
            else:
                return None
        if any(name not in ("query", "format") for name, _ in pairs):
            return None  # a dataset, an update, or what the endpoint must judge
        queries = [value for name, value in pairs if name == "query"]
        formats = [value for name, value in pairs if name == "format"]
        if direct is not None:
            queries.append(direct)
        if (
            len(queries) != 1
            or len(formats) > 1
            or len(queries[0].encode("utf-8")) > self.max_query_bytes
        ):
            return None
        return queries[0], formats[0] if formats else None


def install(app: Flask) -> None:
    """Put the point lookups' path in front of ``app`` (a local store only: a remote one
    answers every query itself), and in front of both, the bounds on receiving request
    bodies (:mod:`newskg.web.http.body`), so no layer reads a body on a thread others need."""
    from newskg.backends.remote import is_remote

    if not is_remote(str(app.config["STORE"])):
        app.wsgi_app = Lane(app.wsgi_app, app)  # type: ignore[method-assign]
    receive_bodies(app)
