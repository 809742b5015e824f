"""A disk cache of SPARQL answers, shared by every thread and every gunicorn worker.

Answers are files already (the engine writes them to disk), so the cache is a directory of
files: ``ROOT/<store digest>/<version>/<key>``, one per (dataset version, query text, dataset
parameters, negotiated formats, row cap). Each file is a one-line JSON header (format,
kind, rows) followed by the answer's bytes, written to a temporary name and renamed into
place, so a reader sees a whole entry or none. A hit touches the file's mtime, which is what
least-recently-used eviction orders by once the entries pass ``max_bytes``.

A published version never changes, so entries need no expiry: the version is in the path,
and putting an entry for a new version drops the directories of the older ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from newskg import formats
from newskg.formats import Format
from server.engine import Answer, DatasetSpec

log = logging.getLogger(__name__)
MAGIC = b"NKG-ANSWER-1 "
COPY_CHUNK = 1024 * 1024
# An answer larger than this share of the cache is not kept: it would evict everything else.
LARGEST_SHARE = 4


@dataclass
class CachedAnswer:
    """An open cache entry: ``body`` is positioned at the answer's first byte."""

    format: Format
    kind: str
    rows: int
    body: IO[bytes]
    size: int


def default_root() -> Path:
    """``newskg-cache-<uid>`` under the system temporary directory: per user, so no other
    account can plant answers in it."""
    return Path(tempfile.gettempdir()) / f"newskg-cache-{os.getuid()}"


def request_key(version: str, query: str, dataset: DatasetSpec, results_format: Format | None,
                graph_format: Format | None, max_rows: int) -> str:
    """The identity of an answer: everything that decides its bytes (also used for ETags)."""
    identity = json.dumps([
        version, query, list(dataset.default_graphs), list(dataset.named_graphs),
        results_format and results_format.name, graph_format and graph_format.name, max_rows,
    ], ensure_ascii=False)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class AnswerCache:
    """The answers of one store directory, bounded by ``max_bytes`` on disk."""

    def __init__(self, root: str | os.PathLike[str] | None, store_dir: str | os.PathLike[str],
                 max_bytes: int) -> None:
        base = Path(root) if root else default_root()
        store_digest = hashlib.sha256(
            str(Path(store_dir).resolve()).encode("utf-8")).hexdigest()[:16]
        self.base = base
        self.root = base / store_digest
        self.max_bytes = max_bytes
        self.enabled = max_bytes > 0 and self._prepare()

    def _prepare(self) -> bool:
        """Create the directories (owner-only) and refuse ones that someone else owns."""
        try:
            self.base.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.lstat(self.base)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                log.warning("answer cache disabled: %s is not a directory of this user",
                            self.base)
                return False
            self.root.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            log.warning("answer cache disabled: %s", exc)
            return False
        return True

    def get(self, version: str, key: str) -> CachedAnswer | None:
        """The entry, opened, or None on a miss (or any problem reading it)."""
        if not self.enabled:
            return None
        path = self.root / version / key
        try:
            body = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
        except OSError:
            return None
        try:
            header = body.readline(4096)
            if not header.startswith(MAGIC):
                raise ValueError("not a cache entry")
            meta = json.loads(header[len(MAGIC):])
            size = os.fstat(body.fileno()).st_size - len(header)
            entry = CachedAnswer(formats.by_name(meta["format"]), meta["kind"],
                                 int(meta["rows"]), body, size)
        except (OSError, ValueError, KeyError) as exc:
            body.close()
            log.warning("dropping unreadable answer cache entry %s: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used: evicted last
        return entry

    def put(self, version: str, key: str, answer: Answer) -> CachedAnswer | None:
        """Copy ``answer`` into the cache and return the entry, opened; None (and the answer
        left as it was, at position 0) when it is not cached."""
        if not self.enabled or answer.size > self.max_bytes // LARGEST_SHARE:
            return None
        directory = self.root / version
        tmp_name = None
        try:
            directory.mkdir(mode=0o700, exist_ok=True)
            meta = {"format": answer.format.name, "kind": answer.kind, "rows": answer.rows}
            fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            with os.fdopen(fd, "wb") as out:
                out.write(MAGIC + json.dumps(meta).encode("utf-8") + b"\n")
                shutil.copyfileobj(answer.body, out, COPY_CHUNK)
            os.replace(tmp_name, directory / key)
            tmp_name = None
        except OSError as exc:
            log.warning("answer not cached: %s", exc)
            if tmp_name:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
            answer.body.seek(0)
            return None
        self._drop_other_versions(version)
        self._evict()
        entry = self.get(version, key)
        if entry is None:  # evicted at once, or dropped by another worker: serve the original
            answer.body.seek(0)
            return None
        answer.body.close()
        return entry

    def _drop_other_versions(self, version: str) -> None:
        """Remove entries of versions other than ``version``: a new one is published."""
        try:
            others = [p for p in self.root.iterdir() if p.name != version]
        except OSError:
            return
        for other in others:
            shutil.rmtree(other, ignore_errors=True)

    def _entries(self) -> Iterator[tuple[float, int, Path]]:
        for directory in list(self.root.iterdir()):
            with contextlib.suppress(OSError):
                for entry in os.scandir(directory):
                    if entry.name.startswith(".tmp-"):
                        continue  # being written by some worker right now
                    with contextlib.suppress(OSError):
                        info = entry.stat(follow_symlinks=False)
                        yield info.st_mtime, info.st_size, Path(entry.path)

    def _evict(self) -> None:
        """Delete least recently used entries until the total fits ``max_bytes``."""
        try:
            entries = sorted(self._entries())
        except OSError:
            return
        total = sum(size for _mtime, size, _path in entries)
        for _mtime, size, path in entries:
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size
