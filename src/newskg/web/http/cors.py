"""Cross-origin access (CORS), so query pages on other sites can call the endpoint.

``CORS_ORIGINS`` is ``*`` (any origin; the default: the data is public and the endpoint
read-only, and no credentials are involved), a space- or comma-separated list of origins
(echoed back when the request's Origin is one of them, with ``Vary: Origin``), or empty (no
CORS headers at all). A preflight (OPTIONS with Access-Control-Request-Method) is answered
204 here, before routing, for every path.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request

EXTENSION = "newskg.cors"
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = "Accept, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"
EXPOSE_HEADERS = "ETag, Retry-After, Content-Length, Content-Disposition"
MAX_AGE = 86400  # seconds a browser may reuse a preflight answer


def parse_origins(value: str) -> frozenset[str]:
    """``"*"``, or the listed origins (without trailing slashes)."""
    return frozenset(o.rstrip("/") for o in re.split(r"[\s,]+", value or "") if o)


def allowed_origin(origins: frozenset[str], origin: str | None) -> str | None:
    """The Access-Control-Allow-Origin value for a request from ``origin``, or None for no
    CORS headers."""
    if "*" in origins:
        return "*"
    origin = (origin or "").rstrip("/")
    return origin if origin in origins else None


def response_headers(
    origins: frozenset[str], origin: str | None
) -> tuple[list[tuple[str, str]], bool]:
    """The CORS headers of an answer to ``origin``, and whether it must vary by Origin."""
    allowed = allowed_origin(origins, origin)
    headers = (
        []
        if allowed is None
        else [
            ("Access-Control-Allow-Origin", allowed),
            ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
        ]
    )
    return headers, bool(origins) and "*" not in origins


def _allowed_origin() -> str | None:
    return allowed_origin(current_app.extensions[EXTENSION], request.headers.get("Origin"))


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    response = Response(status=204)
    if _allowed_origin() is not None:
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE)
    return response


def _add_headers(response: Response) -> Response:
    headers, vary = response_headers(
        current_app.extensions[EXTENSION], request.headers.get("Origin")
    )
    if vary:
        response.vary.add("Origin")  # the answer's headers depend on who asks
    for name, value in headers:
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Answer preflights and add CORS headers to every response of ``app``."""
    app.extensions[EXTENSION] = parse_origins(str(app.config.get("CORS_ORIGINS", "*")))
    app.before_request(_preflight)
    app.after_request(_add_headers)
