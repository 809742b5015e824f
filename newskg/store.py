"""The versioned store: immutable pyoxigraph stores, one of which is published.

Layout of a store directory::

    STORE/
      versions/<version>/        a complete pyoxigraph store, never written after publishing
      versions/<version>.json    its summary (articles, triples, counts per class, seconds)
      versions/.tmp-<version>/   a version being built (removed on failure, swept later)
      current -> versions/<version>   the published version (a symlink)
      dumps/<version>/           downloadable dumps of that version, pruned with it
      .lock                      held by the one process that builds

Publishing renames a fresh symlink over ``current``: a rename is atomic, so readers see the
old version or the new one, never a mix, and a build killed at any point leaves ``current``
as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph

CURRENT = "current"
VERSIONS = "versions"
TMP_PREFIX = ".tmp-"
DUMPS = "dumps"  # STORE/dumps/<version>/: that version's dumps (newskg/dump.py)
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
        try:
            return json.loads(self.summary_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": self.id}


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
            f"{link} is not a symlink to a version ({exc}); rebuild the store") from exc
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


def open_published(store_dir: str | os.PathLike[str]) -> tuple[Version, pyoxigraph.Store]:
    """Open the published version read-only (any number of processes may do so at once)."""
    version = published(store_dir)
    if version is None:
        raise StoreError(
            f"no published dataset in {store_dir}: run `newskg build --store {store_dir}` first"
        )
    try:
        return version, pyoxigraph.Store.read_only(str(version.path))
    except OSError as exc:
        raise StoreError(f"cannot open version {version.id} in {store_dir}: {exc}") from exc


@contextlib.contextmanager
def build_lock(store_dir: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the store's build lock; fail at once if another build holds it."""
    root = Path(store_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / ".lock", "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise StoreError(f"cannot use store directory {root}: {exc}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreError(
                f"another newskg process is building in {root}; wait for it to finish"
            ) from exc
        yield
    finally:
        handle.close()


class VersionWriter:
    """A version being built. Use :func:`writing`; never publish a half-written store."""

    def __init__(self, store_dir: Path) -> None:
        self.store_dir = store_dir
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.tmp_path = store_dir / VERSIONS / f"{TMP_PREFIX}{stamp}-{os.getpid()}"
        self.store = pyoxigraph.Store(str(self.tmp_path))

    def finish(self, content_digest: str, summary: dict[str, Any]) -> Version:
        """Flush, move into place under its version name and write the summary (with the
        version name added); the version is complete but not yet published."""
        self.store.flush()
        self.store.optimize()
        del self.store  # closes RocksDB before the rename
        version_id = new_version_id(content_digest)
        final_path = self.store_dir / VERSIONS / version_id
        os.rename(self.tmp_path, final_path)
        version = Version(version_id, final_path)
        summary = {**summary, "version": version_id}
        _write_atomically(version.summary_path, json.dumps(summary, indent=2, sort_keys=True))
        return version


@contextlib.contextmanager
def writing(store_dir: str | os.PathLike[str]) -> Iterator[VersionWriter]:
    """Build a new version under the build lock; on any error (or Ctrl-C) it is deleted.

    >>> # with writing("var/store") as w:
    >>> #     w.store.load(...); version = w.finish(digest, summary)
    >>> # publish("var/store", version)
    """
    root = Path(store_dir)
    with build_lock(root):
        sweep_unfinished(root)
        try:
            (root / VERSIONS).mkdir(exist_ok=True)
            writer = VersionWriter(root)
        except OSError as exc:
            raise StoreError(f"cannot create a new version in {root}: {exc}") from exc
        try:
            yield writer
        except BaseException:
            writer.__dict__.pop("store", None)
            shutil.rmtree(writer.tmp_path, ignore_errors=True)
            raise


def publish(store_dir: str | os.PathLike[str], version: Version, keep: int = 3) -> None:
    """Point ``current`` at ``version`` atomically, then drop the oldest versions beyond
    ``keep`` (never the published one)."""
    root = Path(store_dir)
    link = root / CURRENT
    tmp_link = root / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(os.path.relpath(version.path, root), tmp_link)
    os.replace(tmp_link, link)
    _fsync_dir(root)
    for old in versions(root)[:-keep] if keep > 0 else []:
        if old.id != version.id:
            shutil.rmtree(old.path, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                old.summary_path.unlink()
            # Its dumps (newskg/dump.py writes them to STORE/dumps/<version>/) go with it.
            shutil.rmtree(root / DUMPS / old.id, ignore_errors=True)


def sweep_unfinished(store_dir: Path) -> None:
    """Remove what killed builds left behind (only ever called under the build lock)."""
    root = store_dir / VERSIONS
    if root.is_dir():
        for leftover in root.glob(TMP_PREFIX + "*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
