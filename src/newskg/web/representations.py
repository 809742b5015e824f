"""Which representation of a document to send (HTML or an RDF format), and sending it.

Used by the linked-data IRIs (:mod:`newskg.web.linkeddata`) and the dump pages
(:mod:`newskg.web.dumps`): the representation is chosen by ``?format=``, by a suffix
(``.html``, or a registered extension from :mod:`newskg.formats`: ``.ttl``, ``.jsonld``, ``.nt``,
``.rdf``, ``.nq``, ``.trig``), else by ``Accept`` (W3C "Cool URIs for the Semantic Web"). The
answer carries ``Vary: Accept`` and a ``Link: <…>; rel="alternate"; type="…"`` for each
representation; a negotiated one names the document it sent in ``Content-Location``
(``/id/actor/x.ttl``). RDF is written to a spooled file first, then streamed in chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import pyoxigraph
from flask import Response, request

from newskg import formats
from newskg.web.http.errors import APIError
from newskg.web.views.describe import PREFIXES

#: What an IRI can be served as besides HTML: every RDF format of the registry.
RDF_FORMATS = tuple(f for f in formats.FORMATS if f.kind in ("graph", "dataset"))
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_SUFFIX = "html"
CHUNK = 64 * 1024
SPOOL_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class Choice:
    """The representation to send: ``fmt`` None means HTML."""

    fmt: formats.Format | None
    negotiated: bool  # chosen by Accept (then Content-Location names the document)

    @property
    def extension(self) -> str:
        return self.fmt.extension if self.fmt else HTML_SUFFIX


def _lookup(name: str) -> formats.Format | None:
    """A registered RDF format by name, alias, extension or media type; None for HTML."""
    if name.strip().lower() in (HTML_SUFFIX, *HTML_TYPES):
        return None
    for find in (formats.by_name, formats.by_extension, formats.by_media_type):
        try:
            fmt = find(name)
        except formats.UnknownFormat:
            continue
        if fmt in RDF_FORMATS:
            return fmt
    offered = ", ".join([HTML_SUFFIX, *(f.extension for f in RDF_FORMATS)])
    raise APIError(400, f"unknown format {name!r}", f"Use one of: {offered}.")


def _offered() -> list[str]:
    types = [*HTML_TYPES, *(f.media_type for f in RDF_FORMATS)]
    return types + [a for f in RDF_FORMATS for a in f.aliases if "/" in a]


def choose(suffix: str | None = None) -> Choice:
    """The representation a request asks for: ``?format=``, then the suffix, then Accept
    (HTML when there is no Accept header; 406 when nothing offered is acceptable)."""
    explicit = request.args.get("format") or suffix
    if explicit:
        return Choice(_lookup(explicit), False)
    if not request.headers.get("Accept", "").strip():
        return Choice(None, True)
    best = request.accept_mimetypes.best_match(_offered())
    if best is None:
        offered = ", ".join(dict.fromkeys([HTML_TYPES[0], *(f.media_type for f in RDF_FORMATS)]))
        raise APIError(
            406, f"cannot answer in {request.headers['Accept']!r}", f"Accept one of: {offered}."
        )
    if best in HTML_TYPES:
        return Choice(None, True)
    return Choice(next(f for f in RDF_FORMATS if best == f.media_type or best in f.aliases), True)


def suffixes() -> tuple[str, ...]:
    return (HTML_SUFFIX, *(f.extension for f in RDF_FORMATS))


def split_suffix(local: str) -> tuple[str, str | None]:
    """``id/actor/x.ttl`` -> (``id/actor/x``, ``ttl``); no registered suffix -> (local, None)."""
    head, dot, ext = local.rpartition(".")
    if dot and "/" not in ext and ext in suffixes() and head:
        return head, ext
    return local, None


def negotiated(
    path: str, choice: Choice, html: Callable[[], str], data: Callable[[formats.Format], IO[bytes]]
) -> Response:
    """Answer in the chosen representation with Vary, Link and Content-Location headers."""
    if choice.fmt is None:
        response = Response(html(), mimetype="text/html")
    else:
        spool = data(choice.fmt)
        size = spool.seek(0, 2)
        spool.seek(0)
        response = Response(_chunks(spool), mimetype=choice.fmt.media_type, direct_passthrough=True)
        response.content_length = size
    response.vary.add("Accept")
    links = [f'<{path}.{HTML_SUFFIX}>; rel="alternate"; type="text/html"']
    links += [
        f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS
    ]
    response.headers["Link"] = ", ".join(links)
    if choice.negotiated:
        response.headers["Content-Location"] = f"{path}.{choice.extension}"
    return response


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def spool() -> IO[bytes]:
    """A file to write a document to before it is sent (in memory up to ``SPOOL_MAX``)."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - streamed, closed


def serialize(
    items: Iterator[pyoxigraph.Triple] | Iterator[pyoxigraph.Quad], fmt: formats.Format
) -> IO[bytes]:
    out = spool()
    prefixes = PREFIXES if fmt.name in ("turtle", "trig", "rdfxml") else None
    pyoxigraph.serialize(items, out, fmt.rdf_format, prefixes=prefixes)
    return out


def alternates(path: str) -> list[tuple[str, str]]:
    """(label, href) of every RDF representation, for the pages' download links."""
    return [(f.name, f"{request.script_root}{path}.{f.extension}") for f in RDF_FORMATS]
