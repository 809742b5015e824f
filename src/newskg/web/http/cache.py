"""A disk cache of SPARQL answers, shared by every thread and every server worker.

A directory of files: ``ROOT/<store digest>/<version>/<key>``, one per (dataset version,
query text, dataset parameters, negotiated formats, row cap). Each file is a one-line JSON
header (format, kind, rows) followed by the answer's bytes, written to a temporary name and
renamed into place, so a reader sees a whole entry or none. A hit touches the file's mtime
(unless it did within the last ``TOUCH_AFTER`` seconds), which is what least-recently-used
eviction orders by.

The cache sits on every request's path, so it costs a few system calls, not a directory
scan: a hit opens one file (a small one is read whole and closed at once), a miss fails to
open one, a put writes one. Eviction sweeps the entries only after a worker has added a
32nd of ``max_bytes`` since its last sweep, and then brings the total down to
``max_bytes`` less that share; so one process stays within ``max_bytes``, and each further
worker can add at most a 32nd more between its sweeps.

A published version never changes, so entries need no expiry: the version is in the path,
and the first put for a new version drops the directories of the older ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from newskg import formats
from newskg.formats import Format
from newskg.sparql.answers import QueryRequest
from newskg.sparql.engine import Answer

log = logging.getLogger(__name__)
MAGIC = b"NKG-ANSWER-1 "
COPY_CHUNK = 1024 * 1024
# An answer larger than this share of the cache is not kept: it would evict everything else.
LARGEST_SHARE = 4
SWEEP_SHARE = 32  # a worker sweeps after adding this share of max_bytes
SMALL = 256 * 1024  # entries up to this size are read whole on a hit (one read, no open file)
TOUCH_AFTER = 10.0  # seconds: a hit on an entry touched more recently leaves its mtime alone


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


def request_key(version: str, request: QueryRequest) -> str:
    """The identity of an answer: everything that decides its bytes (also used for ETags).

    Each part is written with its length first, so no two requests share a key (a part
    cannot run into the next one); cheaper than encoding the parts as JSON, which took a
    tenth of a point lookup's own handling.

    The time limit is not part of it: an answer made in time is the same whatever the limit.

    >>> request_key("v1", QueryRequest("ASK {}", max_rows=10, timeout=5)) == request_key(
    ...     "v1", QueryRequest("ASK {}", max_rows=11, timeout=5))
    False
    """
    digest = hashlib.sha256()
    dataset = request.dataset
    for part in (
        version,
        request.query,
        str(len(dataset.default_graphs)),
        *dataset.default_graphs,
        str(len(dataset.named_graphs)),
        *dataset.named_graphs,
        request.results_format.name if request.results_format else "-",
        request.graph_format.name if request.graph_format else "-",
        str(request.max_rows),
        request.base_iri or "-",  # the answer to a query with a relative IRI depends on it
    ):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


class AnswerCache:
    """The answers of one store directory, bounded by ``max_bytes`` on disk."""

    def __init__(
        self, root: str | os.PathLike[str] | None, store_dir: str | os.PathLike[str], max_bytes: int
    ) -> None:
        base = Path(root) if root else default_root()
        store_digest = hashlib.sha256(str(Path(store_dir).resolve()).encode("utf-8")).hexdigest()[
            :16
        ]
        self.base = base
        self.root = base / store_digest
        self.max_bytes = max_bytes
        self.slack = max_bytes // SWEEP_SHARE
        self.enabled = max_bytes > 0 and self._prepare()
        self._prefix = str(self.root) + os.sep
        self._lock = threading.Lock()
        self._added = 0  # bytes this process put since its last sweep
        self._version: str | None = None  # the version of this process's last put
        self._names = itertools.count()

    def _prepare(self) -> bool:
        """Create the directories (owner-only) and refuse ones that someone else owns."""
        try:
            self.base.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.lstat(self.base)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                log.warning("answer cache disabled: %s is not a directory of this user", self.base)
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
        path = f"{self._prefix}{version}{os.sep}{key}"
        try:
            body: IO[bytes] = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
        except OSError:
            return None
        try:
            info = os.fstat(body.fileno())
            size = info.st_size
            if size <= SMALL:
                with body:  # read whole: the response then holds no file
                    data = body.read()
                body = io.BytesIO(data)
            header = body.readline(4096)
            if not header.startswith(MAGIC):
                raise ValueError("not a cache entry")
            meta = json.loads(header[len(MAGIC) :])
            entry = CachedAnswer(
                formats.by_name(meta["format"]),
                meta["kind"],
                int(meta["rows"]),
                body,
                size - len(header),
            )
        except (OSError, ValueError, KeyError) as exc:
            body.close()
            log.warning("dropping unreadable answer cache entry %s: %s", path, exc)
            with contextlib.suppress(OSError):
                os.unlink(path)
            return None
        if time.time() - info.st_mtime > TOUCH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(path)  # most recently used: evicted last
        return entry

    def put(self, version: str, key: str, answer: Answer) -> CachedAnswer | None:
        """Copy ``answer`` into the cache; the answer is left as it was, at position 0, for
        the caller to send. Returns it as an entry, or None when it is not cached."""
        if not self.enabled or answer.size > self.max_bytes // LARGEST_SHARE:
            return None
        if version != self._version:
            self._new_version(version)
        directory = f"{self._prefix}{version}"
        header = (
            MAGIC
            + json.dumps(
                {"format": answer.format.name, "kind": answer.kind, "rows": answer.rows}
            ).encode("utf-8")
            + b"\n"
        )
        tmp_name = f"{directory}{os.sep}.tmp-{os.getpid()}-{next(self._names)}"
        try:
            try:
                self._write(tmp_name, header, answer.body)
            except FileNotFoundError:  # the directory was removed under us: make it again
                os.makedirs(directory, mode=0o700, exist_ok=True)
                self._write(tmp_name, header, answer.body)
            os.replace(tmp_name, f"{directory}{os.sep}{key}")
        except OSError as exc:
            log.warning("answer not cached: %s", exc)
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            return None
        finally:
            answer.body.seek(0)
        with self._lock:
            self._added += len(header) + answer.size
            sweep = self._added > self.slack
            if sweep:
                self._added = 0
        if sweep:
            self._evict(self.max_bytes - self.slack)
        return CachedAnswer(answer.format, answer.kind, answer.rows, answer.body, answer.size)

    @staticmethod
    def _write(path: str, header: bytes, body: IO[bytes]) -> None:
        with open(path, "xb") as out:  # in an owner-only directory
            if isinstance(body, io.BytesIO):
                out.write(header + body.getbuffer())
            else:
                out.write(header)
                body.seek(0)
                shutil.copyfileobj(body, out, COPY_CHUNK)

    def _new_version(self, version: str) -> None:
        """This process's first put for ``version``: make its directory and remove the
        other versions' (a new one is published; another worker may have done it)."""
        with contextlib.suppress(OSError):
            (self.root / version).mkdir(mode=0o700, exist_ok=True)
        try:
            others = [p for p in self.root.iterdir() if p.name != version]
        except OSError:
            others = []
        for other in others:
            shutil.rmtree(other, ignore_errors=True)
        self._version = version

    def _entries(self) -> Iterator[tuple[float, int, str]]:
        for directory in list(self.root.iterdir()):
            with contextlib.suppress(OSError):
                for entry in os.scandir(directory):
                    if entry.name.startswith(".tmp-"):
                        continue  # being written by some worker right now
                    with contextlib.suppress(OSError):
                        info = entry.stat(follow_symlinks=False)
                        yield info.st_mtime, info.st_size, entry.path

    def _evict(self, target: int) -> None:
        """Delete least recently used entries until the total fits ``target``."""
        try:
            entries = sorted(self._entries())
        except OSError:
            return
        total = sum(size for _mtime, size, _path in entries)
        for _mtime, size, path in entries:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size
