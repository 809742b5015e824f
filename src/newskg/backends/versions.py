"""The versioned store: immutable pyoxigraph stores, one of which is published.

Layout of a store directory::

    STORE/
      versions/<version>/        a complete pyoxigraph store, never written after publishing
      versions/<version>.json    its summary (articles, triples, counts per class, seconds)
      versions/.tmp-<version>/   a version being built (removed on failure, swept later)
      current -> versions/<version>   the published version (a symlink)
      dumps/<version>/           downloadable dumps of that version, pruned with it
      sources/, extractions/     kept article sources and cached extractions
                                 (src/newskg/publishing/incremental.py)
      .lock                      held by the one process that builds

A version's summary is written before its directory gets its final name, so a version
directory always has its summary, and it records the size and SHA-256 of each of the version's
files (``files``), so damage found later (a truncated or altered file) is named precisely:
:func:`open_version` checks the sizes before opening, ``newskg verify``
(src/newskg/publishing/verify.py)
the checksums. Versions made by ``add``/``remove`` share their unchanged files with the
version they started from by hard link: damage to one such file damages every version that
links it. Publishing renames a fresh symlink over ``current``: a
rename is atomic, so readers see the old version or the new one, never a mix, and a build
killed at any point leaves ``current`` as it was. :func:`publish` is the one place where a
version becomes published (builds, ``newskg add``/``remove`` and ``newskg rollback`` all end
there).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph

CURRENT = "current"
VERSIONS = "versions"
TMP_PREFIX = ".tmp-"
DUMPS = "dumps"  # STORE/dumps/<version>/: that version's dumps (src/newskg/publishing/dumps.py)
_VERSION_RE = re.compile(r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{8}$")


NKG = "https://w3id.org/newskg/ontology#"
#: The classes a version's summary and the home page count, in the order they are shown.
COUNTED_CLASSES = ("Actor", "Organization", "Place", "Event", "Statement", "Membership", "Article")
_COUNT_QUERY = f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE {{ VALUES ?class {{ {" ".join(f"<{NKG}{name}>" for name in COUNTED_CLASSES)} }}
         ?s a ?class }}
GROUP BY ?class
"""


def count_classes(store: pyoxigraph.Store) -> dict[str, int]:
    """How many distinct resources of each counted class the union of all graphs holds (an
    actor named in three articles counts once), in ``COUNTED_CLASSES`` order."""
    found = {
        solution["class"].value.removeprefix(NKG): int(solution["n"].value)
        for solution in store.query(_COUNT_QUERY, use_default_graph_as_union=True)
    }
    return {name: found.get(name, 0) for name in COUNTED_CLASSES}


class StoreError(Exception):
    """The store directory cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Version:
    id: str
    path: Path

    @property
    def summary_path(self) -> Path:
        return self.path.with_name(self.id + ".json")

    def summary(self) -> dict[str, Any]:
        """The summary; ``{"version": id}`` when there is none, plus ``"unreadable"`` (why)
        when it cannot be read, so one damaged summary never stops listing the others."""
        try:
            return json.loads(self.summary_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": self.id}
        except (OSError, ValueError) as exc:
            return {"version": self.id, "unreadable": f"summary {self.summary_path}: {exc}"}


def new_version_id(content_digest: str) -> str:
    """A sortable, unique version name: UTC time to the microsecond, then a content digest."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{content_digest[:8]}"


def published(store_dir: str | os.PathLike[str]) -> Version | None:
    """The published version, or None when nothing was ever built there."""
    link = Path(store_dir) / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"{link} is not a symlink to a version ({exc}); rebuild the store"
        ) from exc
    path = (link.parent / target).resolve()
    return Version(path.name, path)


def versions(store_dir: str | os.PathLike[str]) -> list[Version]:
    """Every complete version, oldest first."""
    root = Path(store_dir) / VERSIONS
    if not root.is_dir():
        return []
    return [
        Version(p.name, p)
        for p in sorted(root.iterdir())
        if p.is_dir() and _VERSION_RE.match(p.name)
    ]


def list_versions(store_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every kept version, oldest first: id, published?, articles, triples, created, base IRI
    (what ``newskg versions`` and ``GET /api/versions`` show)."""
    root = require_store(store_dir)
    current = published(root)
    rows = []
    for version in versions(root):
        summary = version.summary()
        rows.append(
            {
                "version": version.id,
                "published": current is not None and current.id == version.id,
                "articles": len(summary.get("published", [])),
                "triples": summary.get("triples"),
                "created": summary.get("created") or _created_from_id(version.id),
                "base_iri": summary.get("base_iri"),
            }
        )
    return rows


def _created_from_id(version_id: str) -> str:
    stamp = datetime.strptime(version_id[:22], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return stamp.isoformat(timespec="seconds")


def find_version(store_dir: str | os.PathLike[str], version_id: str) -> Version:
    """The complete version ``version_id`` of the store, or a StoreError listing the kept
    ones."""
    root = Path(store_dir)
    require_store(root)
    kept = versions(root)
    for version in kept:
        if version.id == version_id:
            return version
    names = ", ".join(v.id for v in kept) or "none"
    raise StoreError(
        f"no version {version_id!r} in {root} (kept: {names}); "
        f"`newskg versions --store {root}` lists them"
    )


def require_store(store_dir: str | os.PathLike[str]) -> Path:
    """``store_dir`` as a Path, or a StoreError when there is no such directory."""
    root = Path(store_dir)
    if not root.is_dir():
        raise StoreError(
            f"no store directory {root}: build one with "
            f"`newskg build --store {root}` (or check --store / NEWSKG_STORE)"
        )
    return root


def open_published(store_dir: str | os.PathLike[str]) -> tuple[Version, pyoxigraph.Store]:
    """Open the published version read-only (any number of processes may do so at once)."""
    version = published(store_dir)
    if version is None:
        raise StoreError(
            f"no published dataset in {store_dir}: run `newskg build --store {store_dir}` first"
        )
    return version, open_version(version)


# --- damage: what each version's summary recorded about its files --------------------------

#: RocksDB's lock file and info logs: not data, and not recorded.
_NOT_DATA = re.compile(r"^(LOCK|LOG(\.old\..*)?)$")


class DamagedVersion(StoreError):
    """A version's files are missing, truncated or altered, or its store does not open."""

    def __init__(self, version: Version, problem: str) -> None:
        super().__init__(f"version {version.id} is damaged: {problem}")
        self.version, self.problem = version, problem


def file_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each data file of the store directory ``path``."""
    return {
        item.name: {"size": item.stat().st_size, "sha256": file_digest(item)}
        for item in sorted(path.iterdir())
        if item.is_file() and not _NOT_DATA.match(item.name)
    }


def file_problems(version: Version, digests: bool = False) -> list[str]:
    """What differs from the files the summary recorded at publish time (sizes; with
    ``digests`` also checksums); [] when it records none (older versions)."""
    summary = version.summary()
    if "unreadable" in summary:
        return [summary["unreadable"]]
    recorded: dict[str, dict[str, Any]] = summary.get("files") or {}
    problems = []
    for name, expected in recorded.items():
        path = version.path / name
        try:
            size = path.stat().st_size
            if size != expected["size"]:
                problems.append(f"{name}: {size} bytes, {expected['size']} recorded")
            elif digests and file_digest(path) != expected["sha256"]:
                problems.append(f"{name}: checksum differs from the one recorded")
        except OSError as exc:
            problems.append(f"{name}: {exc.strerror or exc}")
    return problems


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, in hex (store files and dumps alike)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def open_version(version: Version, digests: bool = False) -> pyoxigraph.Store:
    """Open ``version`` read-only after checking its files against its summary (sizes, and
    checksums with ``digests``); :class:`DamagedVersion` when either fails."""
    problems = file_problems(version, digests)
    if problems:
        raise DamagedVersion(version, "; ".join(problems))
    try:
        return pyoxigraph.Store.read_only(str(version.path))
    except (OSError, RuntimeError) as exc:  # RocksDB says "Corruption: …" as a RuntimeError
        raise DamagedVersion(version, f"its store does not open ({exc})") from exc


class StoreLocked(StoreError):
    """Another newskg process holds the store's build lock."""


@contextlib.contextmanager
def build_lock(
    store_dir: str | os.PathLike[str], create: bool = True, wait: float = 0
) -> Iterator[None]:
    """Hold the store's build lock; fail if another build holds it (at once, or after
    ``wait`` seconds of trying). Without ``create`` a missing store directory is an error
    instead of being made."""
    root = Path(store_dir) if create else require_store(store_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / ".lock", "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise StoreError(
            f"cannot use store directory {root}: {exc.strerror or exc}; newskg "
            "must be able to create and write files there"
        ) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise StoreLocked(
                        f"another newskg process is building in {root}; wait for it to finish"
                    ) from exc
                time.sleep(0.05)
        yield
    finally:
        handle.close()


class VersionWriter:
    """A version being built. Use :func:`writing`; never publish a half-written store.

    ``base`` is the version it starts from (a copy of the published one, see :func:`writing`),
    or None for an empty store."""

    def __init__(self, store_dir: Path, base: Version | None = None) -> None:
        self.store_dir = store_dir
        self.base = base
        self.finished: Version | None = None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.tmp_path = store_dir / VERSIONS / f"{TMP_PREFIX}{stamp}-{os.getpid()}"
        try:
            if base is not None:
                # A RocksDB checkpoint: hard links to the base's immutable files, so copying a
                # version of any size is instant and the base is never written. Its files are
                # checked first: a damaged one would be linked into the new version too.
                try:
                    opened = open_version(base, digests=True)
                except DamagedVersion as exc:
                    raise DamagedVersion(
                        base,
                        (
                            f"{exc.problem}; nothing can be added to or removed from it. "
                            f"`newskg verify --store {store_dir}` lists the intact versions to "
                            "roll back to; `newskg build --articles DIR` writes a new version from "
                            "DIR and the kept sources of the published articles"
                        ),
                    ) from exc
                opened.backup(str(self.tmp_path))
            self.store = pyoxigraph.Store(str(self.tmp_path))
        except BaseException:
            shutil.rmtree(self.tmp_path, ignore_errors=True)
            raise

    def finish(
        self, content_digest: str, summary: dict[str, Any], optimize: bool = True
    ) -> Version:
        """Flush, write the summary (with the version name and creation time added), then
        move the store into place under its version name; the version is complete but not
        yet published. ``optimize`` compacts the store (worth it for a full build; an
        incremental version skips it, which would rewrite every file)."""
        self.store.flush()
        if optimize:
            self.store.optimize()
        del self.store  # closes RocksDB before the rename
        version_id = new_version_id(content_digest)
        final_path = self.store_dir / VERSIONS / version_id
        version = Version(version_id, final_path)
        summary = {
            **summary,
            "version": version_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": file_manifest(self.tmp_path),
        }
        write_atomically(version.summary_path, json.dumps(summary, indent=2, sort_keys=True))
        os.rename(self.tmp_path, final_path)
        self.finished = version
        return version


@contextlib.contextmanager
def writing(
    store_dir: str | os.PathLike[str],
    *,
    from_published: bool = False,
    create: bool = True,
    wait: float = 0,
) -> Iterator[VersionWriter]:
    """Build a new version under the build lock; on any error (or Ctrl-C), or when the block
    ends without :meth:`VersionWriter.finish`, it is deleted.

    ``from_published`` starts from a copy of the published version (when there is one)
    instead of an empty store. Without ``create`` a missing store directory is an error;
    ``wait`` is how long to wait for the lock (:func:`build_lock`).
    An ``OSError`` inside the block (disk full, read-only file system) becomes a
    :class:`StoreError` saying so.

    >>> # with writing("var/store") as w:
    >>> #     w.store.load(...); version = w.finish(digest, summary)
    >>> #     publish("var/store", version)
    """
    root = Path(store_dir)
    with build_lock(root, create=create, wait=wait):
        writer = None
        try:
            sweep_unfinished(root)
            (root / VERSIONS).mkdir(exist_ok=True)
            writer = VersionWriter(root, published(root) if from_published else None)
            yield writer
        except OSError as exc:
            raise StoreError(_write_failed(root, exc)) from exc
        finally:
            if writer is not None:
                writer.__dict__.pop("store", None)
                if writer.finished is None:
                    shutil.rmtree(writer.tmp_path, ignore_errors=True)


def _write_failed(root: Path, exc: OSError) -> str:
    reason = str(exc)
    hint = ""
    if exc.errno == errno.ENOSPC or "No space left" in reason:
        hint = "; free space on that file system (or move the store) and run it again"
    elif exc.errno == errno.EROFS or "Read-only file system" in reason:
        hint = "; the store must be on a writable file system"
    return f"cannot write a new version in {root}: {reason}{hint}"


def publish(store_dir: str | os.PathLike[str], version: Version, keep: int = 3) -> None:
    """Point ``current`` at ``version`` atomically, then drop the versions beyond ``keep``
    (never the published one; damaged ones first, then the oldest). Call it under the build
    lock."""
    root = Path(store_dir)
    link = root / CURRENT
    tmp_link = root / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    try:
        os.symlink(os.path.relpath(version.path, root), tmp_link)
        os.replace(tmp_link, link)
        _fsync_dir(root)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp_link.unlink()
        raise StoreError(f"cannot publish version {version.id} in {root}: {exc}") from exc
    kept = versions(root)
    excess = len([v for v in kept[:-keep] if v.id != version.id]) if keep > 0 else 0
    if not excess:
        return
    # The oldest go first, but damaged ones before any intact one: an intact version is what
    # a server falls back to and what `rollback` can restore.
    others = sorted(
        (v for v in kept if v.id != version.id), key=lambda v: (not file_problems(v), v.id)
    )
    for old in others[:excess]:
        # Renamed out of the versions first, so a kill midway never leaves a half-deleted
        # directory that looks like a version (the next build sweeps the rest).
        doomed = old.path.with_name(f"{TMP_PREFIX}pruned-{old.id}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(old.path, doomed)
        with contextlib.suppress(FileNotFoundError):
            old.summary_path.unlink()
        shutil.rmtree(doomed, ignore_errors=True)
        # Its dumps (src/newskg/publishing/dumps.py writes them to STORE/dumps/<version>/) go with
        # it.
        shutil.rmtree(root / DUMPS / old.id, ignore_errors=True)


def sweep_unfinished(store_dir: Path) -> None:
    """Remove what killed builds left behind (only ever called under the build lock): half
    written versions, summaries whose version never got its name, stray ``current`` links."""
    root = store_dir / VERSIONS
    if root.is_dir():
        for leftover in root.glob(TMP_PREFIX + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for summary in root.glob("*.json*"):
            stem = summary.name.split(".json")[0]
            if _VERSION_RE.match(stem) and not (root / stem).is_dir():
                summary.unlink(missing_ok=True)
    for link in store_dir.glob(f".{CURRENT}.*"):
        link.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` whole: a reader sees the old file or the new, never half."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
