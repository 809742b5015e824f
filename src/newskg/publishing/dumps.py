"""Dumps of a published version: the whole dataset as files anyone can download and load.

``newskg dump`` (and every build, after it publishes) writes into ``STORE/dumps/<version>/``::

    newskg-<version>.nq.gz        every graph, N-Quads     (named graphs kept)
    newskg-<version>.trig.gz      every graph, TriG        (named graphs kept)
    newskg-<version>.ttl.gz       the union, Turtle
    newskg-<version>.nt.gz        the union, N-Triples
    newskg-<version>-ontology.ttl the ontology graph
    newskg-<version>-shapes.ttl   the SHACL shapes the data was validated against
    newskg-<version>-void.ttl     VoID + DCAT description (URLs under the base IRI)
    SHA256SUMS                    ``sha256sum -c`` checks every file above

The full dumps are assembled part by part (an article's graph, a bucket of the entities
graph), the members of unchanged parts taken from ``STORE/dump-parts/``
(:mod:`newskg.publishing.dump_parts`), and the VoID figures are those of the version the
change started from with the changed parts applied (:mod:`newskg.publishing.void_counts`,
kept in ``STORE/dumps/<version>/.void-counts.sqlite``), so the dumps of a version an ``add``
made cost about what it changed; one part at a time is in memory. Each file is
written under a ``.part`` name and renamed when complete; ``SHA256SUMS`` is written last, so
a directory with it is complete. Dumps live beside the versions and are pruned with them
(:func:`newskg.backends.versions.publish`).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph

from newskg import formats
from newskg.backends import backend_for
from newskg.backends import versions as store
from newskg.errors import NewskgError
from newskg.publishing import dump_layout, dump_parts, validation, void_counts
from newskg.publishing import void as voidlib
from newskg.vocab import DEFAULT_BASE, NKG_ONTOLOGY

DUMPS = store.DUMPS
SUMS = "SHA256SUMS"
CHUNK = 1024 * 1024
#: Formats of the full dumps: the two dataset formats keep the named graphs.
FULL_DUMPS = ("nquads", "trig", "turtle", "ntriples")
PREFIXES = dump_parts.PREFIXES
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class DumpError(NewskgError):
    """The dumps could not be written; the message says why."""


@dataclass(frozen=True)
class DumpFile:
    name: str
    path: Path
    size: int
    sha256: str
    format: formats.Format
    compressed: bool
    title: str

    def distribution(self, url_prefix: str) -> voidlib.Distribution:
        return voidlib.Distribution(
            url_prefix + self.name,
            self.format.media_type,
            self.size,
            self.sha256,
            self.compressed,
            self.title,
            data_dump=self.compressed,
        )

    @property
    def plain_name(self) -> str | None:
        """The name a compressed dump is also served under, decompressed with its RDF media
        type (``newskg-V.nq`` for ``newskg-V.nq.gz``), so an RDF client reads the URL."""
        return self.name.removesuffix(".gz") if self.compressed else None

    def distributions(self, url_prefix: str) -> list[voidlib.Distribution]:
        """This file, and for a compressed dump its plain sibling (size and checksum are
        those of the compressed file only)."""
        found = [self.distribution(url_prefix)]
        if self.plain_name is not None:
            found.append(
                voidlib.Distribution(
                    url_prefix + self.plain_name,
                    self.format.media_type,
                    None,
                    None,
                    title=f"{self.title} (decompressed as it is sent)",
                )
            )
        return found


def dumps_dir(store_dir: str | os.PathLike[str], version_id: str) -> Path:
    """Where the dumps of ``version_id`` go by default."""
    return Path(store_dir) / DUMPS / version_id


def describe_file(name: str) -> tuple[formats.Format, bool, str]:
    """(format, gzip-compressed, title) of a dump file, from its name and the registry."""
    stem, compressed = (name[:-3], True) if name.endswith(".gz") else (name, False)
    fmt = formats.by_extension(stem.rsplit(".", 1)[-1])
    for suffix, title in (
        ("-ontology", "the newskg ontology"),
        ("-shapes", "the SHACL shapes"),
        ("-void", "VoID and DCAT description"),
    ):
        if stem.rsplit(".", 1)[0].endswith(suffix):
            return fmt, compressed, title
    what = "every named graph" if fmt.holds_quads else "the union of all graphs"
    return fmt, compressed, f"{what}, {fmt.name}"


def listing(directory: Path) -> list[DumpFile]:
    """The complete dumps in ``directory`` (those its ``SHA256SUMS`` lists), in its order."""
    try:
        lines = (directory / SUMS).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return []
    files = []
    for line in lines:
        sha, _, name = line.partition("  ")
        path = directory / name
        if not _NAME_RE.match(name) or not path.is_file():
            continue
        try:
            fmt, compressed, title = describe_file(name)
        except formats.UnknownFormat:
            continue
        files.append(DumpFile(name, path, path.stat().st_size, sha, fmt, compressed, title))
    return files


def _write(path: Path, compressed: bool, writer: Callable[[IO[bytes]], object]) -> None:
    with _writing(path) as raw:
        if compressed:
            # mtime=0 and no file name inside: the same data gives the same bytes.
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=dump_parts.GZIP_LEVEL
            ) as zipped:
                writer(cast(IO[bytes], zipped))  # a GzipFile is a binary file
        else:
            writer(raw)


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[IO[bytes]]:
    """A file written under a ``.part`` name, renamed to ``path`` once complete (and left
    as it was on any error)."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _prior(local: Path, version: store.Version) -> void_counts.Prior | None:
    """The VoID state a version's dumps start from: its own (dumped again), the one of the
    version it was made from, else of the newest kept version that has one, else the newest
    the cache keeps."""
    change = version.summary().get("changed_from") or {}
    candidates = [version.id, change.get("version")]
    candidates += [v.id for v in reversed(store.versions(local))]
    for candidate in dict.fromkeys(c for c in candidates if isinstance(c, str)):
        found = void_counts.read_prior(dumps_dir(local, candidate))
        if found is not None:
            return found
    cache = local / dump_parts.PARTS
    return void_counts.read_prior(cache, cache / void_counts.LATEST)


def write_dumps(
    store_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
) -> list[DumpFile]:
    """Dump the published version of ``store_dir`` into ``out`` (default
    :func:`dumps_dir`); returns the files written, ``SHA256SUMS`` excluded."""
    backend = backend_for(store_dir)  # a store directory, or a triple store (sparql+http://…)
    try:
        version, opened = backend.open_published()
        local = backend.store_dir()
    except store.StoreError as exc:
        raise DumpError(str(exc)) from exc
    base = version.summary().get("base_iri") or DEFAULT_BASE
    target = Path(out) if out is not None else dumps_dir(local, version.id)
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / SUMS).unlink(missing_ok=True)
        written = _dump_all(opened, version, base, target, Path(local))
        (target / SUMS).write_text(
            "".join(f"{f.sha256}  {f.name}\n" for f in written), encoding="utf-8"
        )
    except OSError as exc:
        raise DumpError(f"cannot write the dumps into {target}: {exc}") from exc
    except sqlite3.Error as exc:  # the VoID state (e.g. the disk is full)
        raise DumpError(
            f"cannot write the VoID figures of {version.id} into {dumps_dir(local, version.id)}: "
            f"{exc}; free space there and run `newskg dump` again"
        ) from exc
    except store.StoreError as exc:  # the triple store failed while it was read
        raise DumpError(f"reading version {version.id} from {backend.where} failed: {exc}") from exc
    return written


def _dump_all(
    opened: pyoxigraph.Store, version: store.Version, base: str, target: Path, local: Path
) -> list[DumpFile]:
    version_id = version.id
    prefix = f"newskg-{version_id}"
    names: list[str] = []

    def add(name: str, compressed: bool, writer: Callable[[IO[bytes]], object]) -> None:
        _write(target / name, compressed, writer)
        names.append(name)

    fulls, stats = _full_dumps(opened, version, base, target, local)
    names += fulls
    turtle = formats.by_name("turtle")
    add(
        f"{prefix}-ontology.{turtle.extension}",
        False,
        lambda out: opened.dump(
            out,
            pyoxigraph.RdfFormat.TURTLE,
            from_graph=pyoxigraph.NamedNode(str(NKG_ONTOLOGY)),
            prefixes=PREFIXES,
        ),
    )
    add(
        f"{prefix}-shapes.{turtle.extension}",
        False,
        lambda out: out.write(validation.SHAPES_PATH.read_bytes()),
    )
    files = _files(target, names)
    graph = voidlib.describe(
        stats,
        base=base,
        root=base,
        version=version_id,
        dumps=[d for f in files for d in f.distributions(base + "dumps/")],
    )
    void_name = f"{prefix}-void.{turtle.extension}"
    _write(
        target / void_name,
        False,
        lambda out: out.write(graph.serialize(format="turtle", encoding="utf-8")),
    )
    return [*files, _file(target, void_name)]


def _full_dumps(
    opened: pyoxigraph.Store, version: store.Version, base: str, target: Path, local: Path
) -> tuple[list[str], voidlib.Statistics]:
    """The four full dumps, one gzip member per part (unchanged runs copied from the dumps
    the state starts from, other members from the cache), and the version's VoID figures."""
    version_id = version.id
    cache = local / dump_parts.PARTS
    # A triple store is read whole (what it holds may not be what the staging directory's
    # state says): parts made from its content, figures counted anew from them.
    prior = _prior(local, version) if isinstance(opened, pyoxigraph.Store) else None
    parts = dump_parts.parts(opened, version, cache, prior)
    contents = dump_parts.Contents(opened)
    fulls = {
        fmt: f"newskg-{version_id}.{fmt.extension}.gz" for fmt in map(formats.by_name, FULL_DUMPS)
    }
    before = dump_layout.read(dumps_dir(local, prior.version)) if prior is not None else None
    with contextlib.ExitStack() as stack:
        outs = {
            fmt: dump_layout.Appender(
                stack.enter_context(_writing(target / name)),
                before.place(fmt.name) if before else dump_layout.Place(),
            )
            for fmt, name in fulls.items()
        }
        dump_parts.write_dumps(contents, parts, cache, outs)
    if target == dumps_dir(local, version_id):  # (the next version's dumps copy from these)
        dump_layout.write(
            target,
            {fmt.name: name for fmt, name in fulls.items()},
            [(p.name, p.digest or "") for p in parts],
            {fmt.name: out.sizes for fmt, out in outs.items()},
        )
    change = version.summary().get("changed_from") or {}
    # The state of the version this one replaces is moved into it (not the cache's or another
    # kept version's: those stay as they are).
    moved = (
        prior is not None
        and prior.version == change.get("version")
        and prior.path == void_counts.state_path(dumps_dir(local, prior.version))
    )
    stats = void_counts.write_state(
        dumps_dir(local, version_id),
        base,
        {p.name: p.digest for p in parts if p.digest is not None},
        prior,
        dump_parts.stats_of(contents, parts, cache),
        latest=cache / void_counts.LATEST if moved else None,
    )
    void_counts.remember(dumps_dir(local, version_id), cache)
    regular = prior is not None and prior.version in (version_id, change.get("version"))
    dump_parts.prune(cache, parts, fulls, prior if regular else None)
    return list(fulls.values()), stats


def _files(target: Path, names: list[str]) -> list[DumpFile]:
    """The dump files ``names`` of ``target`` with their SHA-256, hashed on every core: the
    four full dumps of the 2,213 BBC articles are 30 MB, read again for their checksums
    after every change (hashlib lets go of the GIL while it hashes)."""
    with ThreadPoolExecutor(max_workers=min(len(names), os.cpu_count() or 1) or 1) as pool:
        return list(pool.map(lambda name: _file(target, name), names))


def _file(target: Path, name: str) -> DumpFile:
    path = target / name
    fmt, compressed, title = describe_file(name)
    return DumpFile(
        name, path, path.stat().st_size, store.file_digest(path), fmt, compressed, title
    )


def prune(store_dir: str | os.PathLike[str], keep: set[str]) -> None:
    """Remove the default dump directories of versions not in ``keep``."""
    root = Path(store_dir) / DUMPS
    if root.is_dir():
        for child in root.iterdir():
            if child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
