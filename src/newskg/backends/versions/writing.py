"""Writing versions: the build lock, a version being built (:func:`writing`) and
:func:`publish`, the one place where a version becomes published (builds, ``newskg
add``/``remove`` and ``newskg rollback`` all end there).

A version's summary is written before its directory gets its final name, so a version
directory always has its summary. Publishing renames a fresh symlink over ``current``: a
rename is atomic, so readers see the old version or the new one, never a mix, and a build
killed at any point leaves ``current`` as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph

from newskg.backends.versions.integrity import (
    DamagedVersion,
    file_manifest,
    file_problems,
    open_version,
)
from newskg.backends.versions.layout import (
    CURRENT,
    DUMPS,
    INDEX_SUFFIX,
    TMP_PREFIX,
    VERSIONS,
    StoreError,
    Version,
    is_version_id,
    new_version_id,
    published,
    require_store,
    versions,
)


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
        #: Where the new version's entity index is written (moved beside it by finish).
        self.index_path = self.tmp_path.with_name(self.tmp_path.name + INDEX_SUFFIX)
        self._open()

    def _open(self) -> None:
        base = self.base
        try:
            if base is not None:
                # A RocksDB checkpoint: hard links to the base's immutable files, so copying a
                # version of any size is instant and the base is never written. Its files are
                # checked first (sizes: a missing or truncated file would be linked into the
                # new version too). Checksums are not read here, which would cost the whole
                # store per change: RocksDB checks each block it reads, the new version
                # inherits the base's recorded digests, and `newskg verify` reads them all.
                try:
                    opened = open_version(base)
                except DamagedVersion as exc:
                    raise DamagedVersion(
                        base,
                        (
                            f"{exc.problem}; nothing can be added to or removed from it. "
                            f"`newskg verify --store {self.store_dir}` lists the intact versions "
                            "to roll back to; `newskg build --articles DIR` writes a new version "
                            "from DIR and the kept sources of the published articles"
                        ),
                    ) from exc
                opened.backup(str(self.tmp_path))
            else:  # (the directory is the version's from the start; RocksDB fills it later)
                self.tmp_path.mkdir()
        except BaseException:
            self.discard()
            raise

    @cached_property
    def store(self) -> pyoxigraph.Store:
        """The new version's store, opened when first used. A build extracts every article
        before it writes one: RocksDB starts threads when it opens, and from the first thread
        on glibc's malloc takes its locks on every call, which made spaCy's parse of a
        200-article build about 1.5 s slower (bench/pipeline.py)."""
        return pyoxigraph.Store(str(self.tmp_path))

    def restart(self) -> None:
        """Start the version over from its base (or empty): what was written is dropped."""
        self.__dict__.pop("store", None)  # closes RocksDB
        self.discard()
        self._open()

    def discard(self) -> None:
        shutil.rmtree(self.tmp_path, ignore_errors=True)
        self.index_path.unlink(missing_ok=True)

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
        _close(self.__dict__.pop("store"))
        version_id = new_version_id(content_digest)
        final_path = self.store_dir / VERSIONS / version_id
        version = Version(version_id, final_path)
        summary = {
            **summary,
            "version": version_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": file_manifest(self.tmp_path, self.base),
        }
        # One line: json's C encoder (indent= takes its pure-Python one, 5x slower on a
        # summary listing thousands of articles); `newskg versions --json` prints it readably.
        write_atomically(version.summary_path, json.dumps(summary, sort_keys=True))
        if self.index_path.exists():
            os.replace(self.index_path, version.index_path)
        os.rename(self.tmp_path, final_path)
        self.finished = version
        return version


def _close(target: pyoxigraph.Store) -> None:
    """Close ``target`` (RocksDB closes when the last reference goes), or refuse to go on:
    a store still open elsewhere keeps writing its files after the version's manifest is
    taken, and the version would be published damaged."""
    if sys.getrefcount(target) > _OWN_REFERENCES:
        gc.collect()  # e.g. a frame kept alive by a reference cycle
    if sys.getrefcount(target) > _OWN_REFERENCES:
        raise StoreError(
            "the new version's store is still open elsewhere in this process, so it cannot be "
            "closed before it is named; nothing was published (please report this)"
        )


#: References to the store inside :func:`_close` when no one else holds it: its parameter
#: and getrefcount's own argument (the caller passes it on without keeping one).
_OWN_REFERENCES = 2


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
                    writer.discard()


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
        old.index_path.unlink(missing_ok=True)
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
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        for sidecar in [*root.glob("*.json*"), *root.glob("*" + INDEX_SUFFIX)]:
            stem = sidecar.name.split(".")[0]
            if is_version_id(stem) and not (root / stem).is_dir():
                sidecar.unlink(missing_ok=True)
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
