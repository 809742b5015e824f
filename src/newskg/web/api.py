"""The ingest API: ``POST /api/articles`` publishes an article, ``GET /api/articles`` lists
the published ones (paged), ``DELETE /api/articles/ID`` withdraws one, ``GET /api/versions``
lists the kept versions.

Off unless the ``ingest_token`` setting is set (404 saying how to turn it on); every request
carries ``Authorization: Bearer <token>`` (compared in constant time; 401 otherwise).

An article is published by the same path as ``newskg add``: the command itself, run in a
subprocess (``newskg add --json``), so web workers never load spaCy and a crash during
extraction cannot take a worker down. It extracts the article first, without the store's
build lock (extraction is the slow part: holding the lock through it refused every other
ingest), then waits up to ``LOCK_WAIT`` seconds for the lock (409 when another build or add
still holds it) and publishes atomically; this server, like every other on the store, picks
the new version up within a second. Answers: 201 (a new article) or 200 (one replaced, or
sent again unchanged) with the validation report; 422 with the report when the article was
rejected. A withdrawal goes the same way (``newskg remove --json``): 200 with the report,
404 for an article the published version does not hold.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from newskg.backends import backend_for
from newskg.backends.versions import StoreError, list_versions, records
from newskg.extraction.reader import ARTICLE_SUFFIXES, META_SUFFIX
from newskg.vocab import NKG, SCHEMA
from newskg.web.http.errors import APIError, error_body
from newskg.web.http.numbers import page_arg
from newskg.web.views import describe as d

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api")

#: Seconds ``newskg add`` may take (spaCy's start, extraction, SHACL, the store) before it is
#: stopped and the request answered 504.
ADD_SECONDS = 600
#: Seconds ``newskg add`` waits for the store's lock once extracted: another ingest holds it
#: only while it writes its version (seconds), a `newskg build` for its whole run.
LOCK_WAIT = 10
#: Articles per page of ``GET /api/articles``.
PAGE_SIZE = 100
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_OFF_HINT = (
    "Set the ingest_token setting to a secret (environment variable "
    "NEWSKG_INGEST_TOKEN, or `newskg serve --ingest-token`) and restart the server; "
    "then send it as `Authorization: Bearer <token>`."
)
_STATUS = {"locked": 409, "store": 503, "rejected": 422, "unknown": 404, "error": 422}


@bp.before_request
def _authenticate() -> None:
    token = str(current_app.config.get("INGEST_TOKEN") or "")
    if not token:
        raise APIError(404, "the ingest API is off on this server", _OFF_HINT)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise APIError(
            401,
            "this API needs `Authorization: Bearer <token>`",
            "Send the token configured as ingest_token on the server.",
            headers={"WWW-Authenticate": 'Bearer realm="newskg"'},
        )
    if not hmac.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8", "surrogateescape")
    ):
        raise APIError(
            401,
            "wrong bearer token",
            "Send the token configured as ingest_token on the server.",
            headers={"WWW-Authenticate": 'Bearer realm="newskg", error="invalid_token"'},
        )
    # Articles are larger than queries: this blueprint's own body limit.
    request.max_content_length = int(current_app.config["INGEST_MAX_BYTES"])


@bp.get("/versions")
def versions() -> Response:
    """The kept versions, oldest first (as ``newskg versions --json``)."""
    try:
        # A triple store's versions are those of its staging directory.
        rows = list_versions(backend_for(current_app.config["STORE"]).store_dir())
    except StoreError as exc:
        raise APIError(503, str(exc)) from exc
    return jsonify({"versions": rows})


@bp.get("/articles")
def list_articles() -> Response:
    """The published articles, by id, :data:`PAGE_SIZE` a page (``?page=N``; ``Link:
    rel="next"`` while there are more): id, IRI, file name, headline, date, source digest."""
    ctx = d.context()
    listed = records(ctx.version)
    described: dict[str, dict[str, str]] = {}
    for row in ctx.query(f"""
            SELECT ?a (SAMPLE(?h) AS ?headline) (SAMPLE(?dt) AS ?date) WHERE {{
              ?a a <{NKG.Article}> OPTIONAL {{ ?a <{SCHEMA.headline}> ?h }}
              OPTIONAL {{ ?a <{SCHEMA.datePublished}> ?dt }} }} GROUP BY ?a"""):
        described[row["a"].value] = {
            name: row[name].value if row[name] is not None else "" for name in ("headline", "date")
        }
    page, pages = page_arg(), d.pages(len(listed), PAGE_SIZE)
    ids = sorted(listed)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    articles = []
    for article_id in ids:
        iri = ctx.iri_for_path(f"id/article/{article_id}")
        about = described.get(iri, {"headline": "", "date": ""})
        articles.append(
            {
                "id": article_id,
                "iri": iri,
                "file": listed[article_id].file,
                "headline": about["headline"],
                "date_published": about["date"],
                "source_sha256": listed[article_id].source,
            }
        )
    body = {
        "version": ctx.version.id,
        "total": len(listed),
        "page": page,
        "pages": pages,
        "articles": articles,
    }
    response = jsonify(body)
    if page < pages:
        response.headers["Link"] = f'<{request.base_url}?page={page + 1}>; rel="next"'
    return response


@bp.delete("/articles/<article_id>")
def withdraw_article(article_id: str) -> Response:
    """Withdraw a published article: the published version without it, through the same
    validated path as ``newskg remove``."""
    unknown = APIError(
        404,
        f"no article {article_id!r} is published",
        "GET /api/articles lists the published articles by id.",
    )
    if article_id not in records(d.context().version):
        raise unknown
    with tempfile.TemporaryDirectory(prefix="newskg-withdraw-") as tmp:
        status, report = _run_cli(Path(tmp), "remove", article_id)
    if status == 404:  # withdrawn since this worker last looked at the published version
        raise unknown
    return _answer(status, report, 200)


@bp.post("/articles")
def add_article() -> Response:
    """Publish the article in the body (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="newskg-ingest-") as tmp:
        name = _receive(Path(tmp))
        status, report = _run_cli(Path(tmp), "add", name)
    response = _answer(status, report, 201 if report.get("added") else 200)
    if report.get("added") and status < 400:
        response.headers["Location"] = request.script_root + "/id/article/" + report["added"][0]
    return response


def _answer(status: int, report: dict[str, Any], success: int) -> Response:
    """A run's report as the answer: ``success`` when it published, else the error shape
    with the report."""
    if status >= 400:
        error = report.pop("error", {})
        body = {
            **error_body(
                status,
                error.get("message", "the article was not published"),
                _hint(error.get("kind", "")),
            ),
            "report": report,
        }
        response = jsonify(body)
        response.status_code = status
        if status in (409, 503):
            response.headers["Retry-After"] = "5"
        return response
    response = jsonify(report)
    response.status_code = success
    return response


def _receive(folder: Path) -> str:
    """Write the request's article (and sidecar) into ``folder``; returns its file name."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise APIError(
                400,
                "no `file` part in the multipart body",
                "Send the article as the part `file` (and optionally its sidecar as `meta`).",
            )
        # Some clients send the client's whole path as the file name: its last part is meant.
        sent = re.split(r"[\\/]", upload.filename or "")[-1]
        name = _file_name(request.args.get("name") or sent)
        upload.save(folder / name)
        meta = request.files.get("meta")
        text = meta.read() if meta is not None else request.form.get("meta", "").encode()
        if text:
            (folder / (Path(name).stem + META_SUFFIX)).write_bytes(text)
        return name
    if mimetype in ("text/plain", "text/html"):
        raw = request.args.get("name", "")
        if not raw:
            raise APIError(
                400,
                "the article needs a name: `?name=<file name>`",
                "The name (without .txt) becomes the article's id and IRI; sending "
                "the same name again replaces the article.",
            )
        name = _file_name(raw, ".html" if mimetype == "text/html" else ".txt")
        (folder / name).write_bytes(request.get_data(cache=False))
        return name
    raise APIError(
        415,
        f"cannot take an article as {mimetype or 'a body without a type'}",
        "Send text/plain (with ?name=) or multipart/form-data with a `file` part.",
    )


def _file_name(raw: str, suffix: str = ".txt") -> str:
    name = raw if raw.lower().endswith(ARTICLE_SUFFIXES) else raw + suffix
    if not _NAME.match(name):
        raise APIError(
            400,
            f"{raw[:200]!r} is not a usable article name",
            "Use letters, digits, '.', '_' and '-' only (at most 200), starting "
            "with a letter or digit, optionally ending in .txt, .html or .htm.",
        )
    return name


def _run_cli(folder: Path, command_name: str, argument: str) -> tuple[int, dict[str, Any]]:
    """Run ``newskg add|remove ARGUMENT --json`` in ``folder``; (HTTP status, report)."""
    config = current_app.config
    command = [
        sys.executable,
        "-m",
        "newskg.cli",
        command_name,
        argument,
        "--json",
        "--quiet",
        "--store",
        backend_for(config["STORE"]).portable_setting(),
        "--keep-versions",
        str(config["KEEP_VERSIONS"]),
        "--lock-wait",
        str(LOCK_WAIT),
    ]
    try:
        # cwd is the upload folder, so the report names the file as the client sent it.
        # The server's environment goes along: the command runs as the operator set it up.
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=ADD_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise APIError(
            504,
            f"publishing took longer than {ADD_SECONDS} s and was stopped; nothing was published",
            "Try again later; if it persists, the server log has details.",
        ) from exc
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        log.error(
            "newskg %s exited %s without a report:\n%s", command_name, done.returncode, done.stderr
        )
        raise APIError(
            500,
            "publishing failed unexpectedly; nothing was published",
            "The server log has the details.",
        ) from None
    if done.returncode == 2 or report.get("error"):
        kind = report.get("error", {}).get("kind", "error")
        return _STATUS.get(kind, 500), report
    return 200, report


def _hint(kind: str) -> str:
    return {
        "locked": "Another build or add is publishing into this store; retry in a few seconds.",
        "store": "The store cannot be written (see the message); the served version is unchanged.",
    }.get(kind, "See report.rejected for each file and reason; fix the article and send it again.")
