"""The newskg web app: a Flask app factory in the style of Flask's tutorial (flaskr).

One blueprint per surface (:mod:`newskg.web.pages`, :mod:`newskg.web.endpoint`), one error shape
(:mod:`newskg.web.http.errors`) and one shared resource, the published store
(:mod:`newskg.backends.published`, of whichever backend the ``STORE`` setting names).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from newskg import settings

if TYPE_CHECKING:  # Flask is imported when an app is made: query processes never need it
    from flask import Flask

MAX_BODY = 1024 * 1024  # bytes of request body accepted unless MAX_CONTENT_LENGTH says otherwise


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings by upper-case name (``STORE``, ``TESTING``,
    …); environment variables are read here, once, never inside a request."""
    # Imported here, as flaskr does, so importing `server` stays cheap and the submodules
    # (which import each other) never see a half-initialised package.
    from flask import Flask

    from newskg.backends import backend_for, published
    from newskg.web import endpoint as sparql
    from newskg.web import pages
    from newskg.web.http import body, cors, errors, metrics, throttle
    from newskg.web.sparql_request import asks_query

    app = Flask(__name__)
    app.config.update(settings.resolve(config))
    # Fault injection for one test (tests/issues/test_query_process_has_no_network.py): skip
    # the endpoint's SERVICE/LOAD/update check, so the test shows that the query processes'
    # sandbox alone keeps a SERVICE off the network. Environment only; never for a real server.
    app.config["TESTING_SKIP_SERVICE_CHECK"] = os.environ.get("TESTING_SKIP_SERVICE_CHECK") == "1"
    if app.config["TESTING_SKIP_SERVICE_CHECK"]:
        app.logger.warning(
            "TESTING_SKIP_SERVICE_CHECK=1: SERVICE and LOAD are not refused up "
            "front (a test's fault injection); unset it for a real server"
        )
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # A query is text; anything this large is a mistake or abuse, answered with 413.
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    errors.register(app)
    metrics.init_app(app)  # first, so its timer starts before a CORS preflight answers
    cors.init_app(app)
    published.init_app(app, backend_for(app.config["STORE"]))
    errors.register_store_errors(app)
    throttle.init_app(app, asks_query)  # after CORS: preflights are never throttled
    app.register_blueprint(pages.bp)
    app.register_blueprint(sparql.bp)
    from newskg.web import api, browse, dumps, linkeddata

    app.register_blueprint(linkeddata.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(api.bp)  # /api/…: off (404) unless INGEST_TOKEN is set
    # Outermost: request bodies are received under bounds before any layer reads them.
    body.install(app)
    return app
