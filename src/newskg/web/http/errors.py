"""The one error shape, answered as JSON, plain text or HTML as the client asks.

Every failure a client can see — an :class:`APIError` raised by a view, a werkzeug
``HTTPException`` (404, 405, 413 …) or an unexpected exception (500) — becomes::

    {"error": {"status": 400, "title": "Bad Request",
               "message": "what went wrong", "hint": "how to fix it"}}

rendered by :func:`error_response`, so the shape is defined here and nowhere else.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from newskg.backends import published
from newskg.backends.published import published_store
from newskg.errors import APIError
from newskg.web.http.negotiation import best_match, parse_accept

__all__ = ["APIError", "error_body", "error_response", "register"]

log = logging.getLogger(__name__)

# Media types a client may ask for, mapped to how the error is rendered. Plain text comes
# first, so ``*/*``, a missing Accept and clients that accept none of these (a SPARQL client
# asking only for application/sparql-results+xml) get readable text; HTML only when the
# client prefers it explicitly (a browser's text/html).
_RENDERINGS: dict[str, str] = {
    "text/plain": "text",
    "text/csv": "text",
    "text/tab-separated-values": "text",
    "application/json": "json",
    "application/sparql-results+json": "json",
    "application/problem+json": "json",
    "text/html": "html",
    "application/xhtml+xml": "html",
}


def error_body(status: int, message: str, hint: str | None = None) -> dict[str, Any]:
    """The error shape as a dict (the JSON rendering, also handed to the HTML template)."""
    body: dict[str, Any] = {"status": status, "title": _title(status), "message": message}
    if hint:
        body["hint"] = hint
    return {"error": body}


def error_response(
    status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """Render the error shape in the representation the request prefers."""
    body = error_body(status, message, hint)
    chosen = best_match(parse_accept(request.headers.get("Accept")), list(_RENDERINGS))
    rendering = _RENDERINGS[chosen or "text/plain"]
    if rendering == "json":
        response = jsonify(body)
    elif rendering == "text":
        lines = [f"{status} {body['error']['title']}", message]
        if hint:
            lines.append(f"Hint: {hint}")
        response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    else:
        response = Response(render_template("error.html", **body["error"]), mimetype="text/html")
    response.status_code = status
    response.headers.update(headers or {})
    response.vary.add("Accept")  # the same URL answers differently per Accept
    return response


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _handle_api_error(exc: APIError) -> Response:
    return error_response(exc.status, exc.message, exc.hint, exc.headers)


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    # werkzeug's descriptions contain HTML-ish wording for browsers; they are still the best
    # one-line explanation of a 404/405/413, and Jinja escapes them in the HTML page.
    message = exc.description or _title(status)
    headers = dict(exc.get_headers()) if status == 405 else {}
    headers.pop("Content-Type", None)
    hint = None
    if status == 404:
        hint = "See / for what this server offers; SPARQL queries go to /sparql."
    elif status == 405:
        hint = f"Allowed methods: {headers.get('Allow', 'see the documentation')}."
    return error_response(status, message, hint, headers)


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):  # Flask routes these here too when registered on Exception
        return _handle_http_exception(exc)
    # Log the traceback for the operator but never show exception text to the client: it can
    # reveal paths, queries of other users or internals.
    log.exception("unhandled error serving %s %s", request.method, request.path)
    return error_response(
        500,
        "The server failed to answer this request.",
        "This is a bug or an operational problem; the server log has the details.",
    )


def _handle_store_error(exc: Exception) -> Response:
    """An error of the kinds the published store explains (its ``error_types``): its answer,
    or the unexpected error's when it has none."""
    answer = published_store().answer_error(exc)
    return _handle_unexpected(exc) if answer is None else _handle_api_error(answer)


def register(app: Flask) -> None:
    """Install the handlers so every error leaves the app in the one shape."""
    app.register_error_handler(APIError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)


def register_store_errors(app: Flask) -> None:
    """Answer the errors the app's published store explains (after ``published.init_app``)."""
    for kind in app.extensions[published.EXTENSION].error_types:
        app.register_error_handler(kind, _handle_store_error)
