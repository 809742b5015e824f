"""Human-facing pages: the home page with the dataset's size, and ``/healthz`` for probes."""

from __future__ import annotations

from typing import Any

import pyoxigraph
from flask import Blueprint, Response, jsonify, render_template

from newskg.backends.published import get_published, published_store
from newskg.backends.versions import count_classes

bp = Blueprint("pages", __name__)


def class_counts(store: pyoxigraph.Store) -> list[tuple[str, int]]:
    return list(count_classes(store).items())


@bp.route("/")
def home() -> str:
    version, store = get_published()
    cache = published_store()
    return render_template(
        "home.html",
        version=version.id,
        triples=cache.cached("triples", len),  # quads in all graphs; a full scan, so cached
        counts=cache.cached("class_counts", class_counts),
        **browse_context(),
    )


#: The list page of each counted class (src/newskg/web/browse.py).
LIST_OF = {
    "Actor": "actors",
    "Organization": "organizations",
    "Place": "places",
    "Event": "events",
    "Statement": "statements",
    "Membership": "memberships",
    "Article": "articles",
}
LATEST = 5


def browse_context() -> dict[str, object]:
    """The home page's links into the browsing pages: list per class, latest articles."""
    from newskg.web import browse
    from newskg.web.views.describe import context

    ctx = context()
    latest = browse.sort_rows(browse.rows(browse.LISTINGS["articles"]), "date", True)[:LATEST]
    return {"lists": LIST_OF, "latest": [(row, ctx.href(row.iri)) for row in latest]}


@bp.route("/healthz")
def healthz() -> Response:
    """200 with the served version once the published store opens; 503 in the error shape
    otherwise, so a load balancer keeps traffic away from a server with nothing to serve.
    When the published version is damaged and an older intact one is served instead, still
    200 (it answers, and every server of the store would say the same) but with status
    ``degraded``, the damaged version and why (:mod:`newskg.backends.local_published`)."""
    version, _store = get_published()
    health: dict[str, Any] = published_store().health()
    return jsonify({"status": "ok", "version": version.id, **health})
