"""``/dumps/``: the published version's dump files, and ``/.well-known/void``: its VoID.

Files are the ones ``SHA256SUMS`` lists in ``STORE/dumps/<version>/`` (written by
``newskg dump`` and every build); a name not listed there, or a symlink leading out of the
directory, is a 404, so no other file can be reached. The files of older versions that are
still kept stay downloadable by name, so a download begun before a publish finishes.
Downloads are conditional and resumable (``ETag`` = the SHA-256, ``Last-Modified``,
``Range`` -> 206, unsatisfiable -> 416) through werkzeug's ``send_file``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_file

from newskg import formats
from newskg.backends.published import published_store
from newskg.publishing import dumps as dumplib
from newskg.publishing import void as voidlib
from newskg.publishing import void_counts
from newskg.web.http.errors import APIError
from newskg.web.representations import choose, negotiated, serialize
from newskg.web.views import describe as d

bp = Blueprint("dumps", __name__)
CHUNK = 256 * 1024  # bytes of a decompressed dump per chunk sent


def directory(ctx: d.Context) -> Path:
    return dumplib.dumps_dir(published_store().store_dir, ctx.version.id)


def root_url() -> str:
    return request.host_url.rstrip("/") + request.script_root + "/"


@bp.route("/dumps/")
def listing() -> str:
    ctx = d.context()
    files = dumplib.listing(directory(ctx))
    rows = [(f, datetime.fromtimestamp(f.path.stat().st_mtime, UTC)) for f in files]
    return render_template("dumps.html", rows=rows, version=ctx.version.id, sums=bool(files))


@bp.route("/dumps")
def listing_redirect() -> Response:
    return Response(status=308, headers={"Location": request.script_root + "/dumps/"})


@bp.route("/dumps/<name>")
def download(name: str) -> Response:
    ctx = d.context()
    folder = directory(ctx)
    if name == dumplib.SUMS and _inside(folder, folder / name):
        return send_file(folder / name, mimetype="text/plain", conditional=True)
    item = _lookup(folder, name)
    if item is None and (packed := _lookup(folder, name + ".gz")) is not None:
        return _plain(packed)
    if item is None:
        raise APIError(
            404,
            f"no dump named {name!r} for version {ctx.version.id}",
            "See /dumps/ for the files of the published version.",
        )
    mimetype = "application/gzip" if item.compressed else item.format.media_type
    response = send_file(
        item.path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        conditional=True,
        etag=item.sha256,
        max_age=3600,
    )
    response.headers["Digest"] = "sha-256=" + _b64(item.sha256)
    return response


def _plain(item: dumplib.DumpFile) -> Response:
    """A compressed dump under its plain name, with its RDF media type, so that an RDF
    client (rdflib, Jena's riot, a browser extension) reads the URL: to a client that takes
    gzip, the file's bytes as ``Content-Encoding: gzip`` (it decodes them, nothing is spent
    here); to any other, decompressed as it is sent."""
    etag = f"{item.sha256}-plain"
    if "gzip" in request.accept_encodings:
        response = send_file(
            item.path, mimetype=item.format.media_type, conditional=True, etag=etag, max_age=3600
        )
        response.headers["Content-Encoding"] = "gzip"
    else:
        path = item.path

        def chunks() -> Iterator[bytes]:
            with gzip.open(path, "rb") as unpacked:
                while chunk := unpacked.read(CHUNK):
                    yield chunk

        response = Response(chunks(), mimetype=item.format.media_type)
        response.set_etag(etag)
        response.cache_control.max_age = 3600
    response.vary.add("Accept-Encoding")
    return response


def _lookup(folder: Path, name: str) -> dumplib.DumpFile | None:
    """The dump ``name`` of the published version; else of an older version still kept
    (dump names carry their version), so a download begun before a publish can finish or
    resume after it."""
    try:
        older = [p for p in folder.parent.iterdir() if p != folder and p.name in name]
    except OSError:
        older = []
    for candidate in (folder, *older):
        item = next((f for f in dumplib.listing(candidate) if f.name == name), None)
        if item is not None and _inside(candidate, item.path):
            return item
    return None


def _inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` is a file right in ``folder`` once symlinks are resolved: a link
    planted among the dumps must not serve a file from elsewhere on the machine."""
    try:
        return path.resolve(strict=True).parent == folder.resolve(strict=True) and path.is_file()
    except (OSError, RuntimeError):  # gone, or a symlink loop
        return False


def _b64(hexdigest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hexdigest)).decode("ascii")


def statistics() -> voidlib.Statistics:
    """The version's VoID figures as its dumps recorded them (kept at the cost of each
    change, :mod:`newskg.publishing.void_counts`); full scans where they did not."""
    ctx = d.context()
    return published_store().cached(
        "void_stats",
        lambda store: (
            void_counts.recorded(directory(ctx), ctx.base) or voidlib.statistics(store, ctx.base)
        ),
    )


@bp.route("/.well-known/void")
@bp.route("/.well-known/void.<ext>")
def void(ext: str | None = None) -> Response:
    """The VoID + DCAT description, URLs under this request's root: a readable page for
    browsers, RDF by Accept, suffix or ``?format=``."""
    ctx = d.context()
    root = root_url()
    files = dumplib.listing(directory(ctx))
    graph = voidlib.describe(
        statistics(),
        base=ctx.base,
        root=root,
        version=ctx.version.id,
        dumps=[d for f in files for d in f.distributions(root + "dumps/")],
    )
    turtle = graph.serialize(format="turtle")

    def data(fmt: formats.Format):
        from pyoxigraph import parse

        triples = parse(turtle.encode("utf-8"), format=formats.by_name("turtle").rdf_format)
        return serialize(iter(triples), fmt)

    def html() -> str:
        stats = statistics()
        return render_template("void.html", turtle=turtle, stats=stats, files=files, root=root)

    return negotiated(request.script_root + "/.well-known/void", choose(ext), html, data)
