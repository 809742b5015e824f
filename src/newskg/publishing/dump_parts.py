"""The full dumps, assembled from cached parts, so that dumping the version an ``add`` made
costs about what the add changed.

Each full dump (N-Quads, TriG, Turtle, N-Triples) is the concatenation, part by part in name
order, of one gzip member per part: a valid gzip file whose content is each part's document
one after the other (prefixes declared again before each, as Turtle and TriG allow; the
union formats list each part's triples, as the whole-store dumps did). A part is an
article's graph, a bucket of the shared entities graph (:mod:`newskg.publishing.entity_buckets`)
or any other graph (the ontology). Its members depend only on its name and content, named
by a digest: the version's summary records each article graph's (``ArticleRecord.graph``),
a bucket's is worked out from what the change rewrote, another graph's is made from its
content (small). So a part is serialised once, kept in ``STORE/dump-parts/`` (by a digest
of format, name and content) with its VoID figures (:class:`~newskg.publishing.void_counts.
PartStats`), and read in one pass for the four dumps. Parts that the newest dump did not use
are deleted after it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph

from newskg import formats
from newskg.backends import versions as store
from newskg.publishing import entity_buckets
from newskg.publishing.dump_layout import Appender
from newskg.publishing.void_counts import LATEST, MissingStats, PartStats, Prior
from newskg.publishing.void_counts import LAYOUT as STATS_LAYOUT
from newskg.vocab import Iris, prefixes

log = logging.getLogger(__name__)

PARTS = "dump-parts"
#: Changes when what a part holds changes (a new prefix, another serialisation), so that
#: parts written by an older newskg are not reused.
PARTS_FORMAT = "2"
#: gzip's level: 6 (zlib's own default) compresses RDF about as well as 9, the level
#: GzipFile defaults to (3% larger), in under half the time.
GZIP_LEVEL = 6
#: The prefixes of the Turtle and TriG dumps.
PREFIXES = prefixes("rdf", "rdfs", "xsd", "skos", "owl", "nkg", "schema", "nif", "itsrdf")


@dataclass
class Part:
    """One part of the full dumps: a graph, or a bucket of the entities graph."""

    name: str  # the graph's IRI, or a bucket's name (entity_buckets.part_name)
    graph: pyoxigraph.NamedNode
    digest: str | None  # of its content; None: made from the content when written
    bucket: int | None = None
    quads: list[pyoxigraph.Quad] | None = None  # its content, when already read


def parts(opened: Any, version: store.Version, cache: Path, prior: Prior | None) -> list[Part]:
    """The version's parts, in the order of the dumps (graphs by name, the buckets of the
    entities graph by number). newskg writes nothing in the default graph (a triple store's
    default graph is the union, or holds the store's own data)."""
    summary = version.summary()
    base = summary.get("base_iri")
    iris = Iris(base) if base else None
    digests = (
        {str(iris.graph(i)): r.graph for i, r in store.records(version).items()} if iris else {}
    )
    entities = str(iris.entities_graph()) if iris else None
    named = sorted(
        (g for g in opened.named_graphs() if isinstance(g, pyoxigraph.NamedNode)),
        key=lambda g: g.value,
    )
    found = []
    for graph in named:
        if graph.value != entities:
            found.append(Part(graph.value, graph, digests.get(graph.value)))
            continue
        split = entity_buckets.buckets(
            opened, graph, summary, prior, lambda name, digest: cached_stats(cache, name, digest)
        )
        found += [
            Part(entity_buckets.part_name(graph.value, n), graph, digest, n, quads)
            for n, (digest, quads) in sorted(split.items())
        ]
    return found


class Contents:
    """Reads parts' content from the version's store (a bucket's: the entities graph read
    whole, once, the first time a bucket's cached members are missing)."""

    def __init__(self, opened: Any) -> None:
        self.opened = opened
        self._buckets: dict[str, entity_buckets.Buckets] = {}

    def quads(self, part: Part) -> list[pyoxigraph.Quad]:
        if part.quads is not None:
            return part.quads
        if part.bucket is None:
            return list(self.opened.quads_for_pattern(None, None, None, part.graph))
        if part.graph.value not in self._buckets:
            self._buckets[part.graph.value] = entity_buckets.read_all(self.opened, part.graph)
        return self._buckets[part.graph.value][part.bucket][1] or []


def write_dumps(
    contents: Contents, parts: list[Part], cache: Path, outs: Mapping[formats.Format, Appender]
) -> None:
    """Write the full dumps, one per format of ``outs``, part by part; each part's digest is
    set (made from its content when it had none). A member is copied from the previous
    version's dump when it lies there, else read from ``cache`` (made when missing)."""
    folder = os.fspath(cache)  # (os.path, not pathlib: this loop runs parts x formats times)
    for part in parts:
        quads = part.quads
        if part.digest is None:
            quads = contents.quads(part)
            part.digest = entity_buckets.digest(quads)
        for fmt, out in outs.items():
            if out.copied(part.name, part.digest):
                continue
            path = os.path.join(folder, _part_name(fmt, part.name, part.digest))
            try:
                with open(path, "rb") as member:
                    data = member.read()
            except FileNotFoundError:
                quads = quads if quads is not None else contents.quads(part)
                data = _member(_document(quads, fmt))
                _write_atomically(Path(path), data)
            out.append(data)
        figures = os.path.join(folder, _stats_name(part.name, part.digest))
        if quads is not None and not os.path.isfile(figures):
            _write_atomically(Path(figures), PartStats.of(quads).to_bytes())
    for out in outs.values():
        out.flush()


def cached_stats(cache: Path, name: str, digest: str) -> PartStats | None:
    """The cached VoID figures of a part (None: not cached)."""
    path = cache / _stats_name(name, digest)
    try:
        return PartStats.from_bytes(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:  # damaged: made again where it can be
        log.warning("ignoring the unreadable cached VoID figures %s: %s", path, exc)
        return None


def stats_of(contents: Contents, parts: list[Part], cache: Path) -> Callable[[str, str], PartStats]:
    """A part's VoID figures by name and digest: cached, or made from the content of the
    version's part of that name and digest; :class:`MissingStats` for any other."""
    current = {p.name: p for p in parts}

    def figures(name: str, digest: str) -> PartStats:
        found = cached_stats(cache, name, digest)
        if found is not None:
            return found
        part = current.get(name)
        if part is None or part.digest != digest:
            raise MissingStats(f"the figures of {name} ({digest[:12]}) are no longer cached")
        found = PartStats.of(contents.quads(part))
        _write_atomically(cache / _stats_name(name, digest), found.to_bytes())
        return found

    return figures


def prune(
    cache: Path, parts: list[Part], fmts: Iterable[formats.Format], prior: Prior | None
) -> None:
    """Delete the cached files no part of the version uses: those of the parts ``prior``
    (the state the dumps started from, when it is the version's own or the one it was made
    from) had and the version has not; else every file not used (the cache listed whole)."""
    fmts = list(fmts)
    current = {(p.name, p.digest) for p in parts}
    if prior is not None:
        for name, digest in prior.parts.items():
            if (name, digest) not in current:
                for fmt in fmts:
                    (cache / _part_name(fmt, name, digest)).unlink(missing_ok=True)
                (cache / _stats_name(name, digest)).unlink(missing_ok=True)
        return
    keep: set[str] = {LATEST}
    for part in parts:
        if part.digest is not None:
            keep.update(_part_name(fmt, part.name, part.digest) for fmt in fmts)
            keep.add(_stats_name(part.name, part.digest))
    if cache.is_dir():
        for path in cache.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _part_name(fmt: formats.Format, name: str, digest: str) -> str:
    key = f"{PARTS_FORMAT}\0{fmt.name}\0{name}\0{digest}".encode()
    return hashlib.sha256(key).hexdigest() + f".{fmt.extension}.gz"


def _stats_name(name: str, digest: str) -> str:
    key = f"{STATS_LAYOUT}\0stats\0{name}\0{digest}".encode()
    return hashlib.sha256(key).hexdigest() + ".stats.json.gz"


def _document(quads: list[pyoxigraph.Quad], fmt: formats.Format) -> bytes:
    """One part in ``fmt``: its quads (dataset formats) or its triples."""
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
    with gzip.GzipFile(
        filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=GZIP_LEVEL
    ) as zipped:
        cast(IO[bytes], zipped).write(data)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
