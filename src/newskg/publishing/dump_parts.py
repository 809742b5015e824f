"""The full dumps, assembled from one part per named graph, so that dumping the version an
``add`` made costs about what the add changed.

Each full dump (N-Quads, TriG, Turtle, N-Triples) is the concatenation, graph by graph in
name order, of one gzip member per graph: a valid gzip file whose content is each graph's
document one after the other (prefixes declared again before each, as Turtle and TriG
allow; the union formats list each graph's triples, as the whole-store dumps did). The member
of an article's graph depends only on the graph's name and content, which the version's
summary records (``ArticleRecord.graph``), so it is written once and kept in
``STORE/dump-parts/`` (by a digest of format, name and content) for the next dump; the
graphs without a recorded digest (the shared entities graph, the ontology) are written each
time. Parts that the newest dump did not use are deleted after it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

import pyoxigraph

from newskg import formats
from newskg.backends import versions as store
from newskg.vocab import Iris, prefixes

PARTS = "dump-parts"
#: Changes when what a part holds changes (a new prefix, another serialisation), so that
#: parts written by an older newskg are not reused.
PARTS_FORMAT = "1"
#: The prefixes of the Turtle and TriG dumps.
PREFIXES = prefixes("rdf", "rdfs", "xsd", "skos", "owl", "nkg", "schema", "nif", "itsrdf")


def graphs(
    opened: pyoxigraph.Store, version: store.Version
) -> list[tuple[pyoxigraph.NamedNode, str | None]]:
    """The version's named graphs in name order, each with the digest of its content the
    summary records (None when it records none). newskg writes nothing in the default graph
    (a triple store's default graph is the union, or holds the store's own data)."""
    base = version.summary().get("base_iri")
    digests = (
        {str(Iris(base).graph(i)): r.graph for i, r in store.records(version).items()}
        if base
        else {}
    )
    named = sorted(
        (g for g in opened.named_graphs() if isinstance(g, pyoxigraph.NamedNode)),
        key=lambda g: g.value,
    )
    return [(g, digests.get(g.value)) for g in named]


def write_dump(
    opened: pyoxigraph.Store,
    fmt: formats.Format,
    parts: list[tuple[pyoxigraph.NamedNode, str | None]],
    cache: Path,
    out: IO[bytes],
) -> set[str]:
    """Write the full dump in ``fmt`` to ``out``, graph by graph; return the names of the
    cached parts it used (written now, or found in ``cache``)."""
    used = set()
    for graph, digest in parts:
        if digest is None:
            out.write(_member(_document(opened, graph, fmt)))
            continue
        name = _part_name(fmt, graph, digest)
        path = cache / name
        if not path.is_file():
            _write_atomically(path, _member(_document(opened, graph, fmt)))
        with path.open("rb") as part:
            shutil.copyfileobj(part, out)
        used.add(name)
    return used


def prune(cache: Path, used: Iterable[str]) -> None:
    """Delete the parts of ``cache`` that are not in ``used``."""
    keep = set(used)
    if cache.is_dir():
        for path in cache.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _part_name(fmt: formats.Format, graph: pyoxigraph.NamedNode, digest: str) -> str:
    key = f"{PARTS_FORMAT}\0{fmt.name}\0{graph.value}\0{digest}".encode()
    return hashlib.sha256(key).hexdigest() + f".{fmt.extension}.gz"


def _document(opened: pyoxigraph.Store, graph: pyoxigraph.NamedNode, fmt: formats.Format) -> bytes:
    """One graph in ``fmt``: its quads (dataset formats) or its triples."""
    quads = opened.quads_for_pattern(None, None, None, graph)
    rdf_format = fmt.rdf_format
    items: Iterator[pyoxigraph.Quad] | Iterator[pyoxigraph.Triple] = (
        iter(quads) if fmt.holds_quads else (q.triple for q in quads)
    )
    buffer = io.BytesIO()
    if rdf_format in (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.TRIG):
        pyoxigraph.serialize(items, buffer, rdf_format, prefixes=PREFIXES)
    else:
        pyoxigraph.serialize(items, buffer, rdf_format)
    return buffer.getvalue()


def _member(data: bytes) -> bytes:
    """``data`` as one gzip member (mtime 0, no name: the same data, the same bytes)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as zipped:
        cast(IO[bytes], zipped).write(data)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
