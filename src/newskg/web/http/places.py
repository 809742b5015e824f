"""Every client's places in flight (queries running, request bodies being received), shared by
all server workers through one small memory-mapped file (see :mod:`newskg.web.http.throttle`
for the policy: at most ``CLIENT_QUERIES`` places per client at once).

Every POST to ``/sparql`` takes a place while its body is received, so this sits on the path of
every query. It was a table of the throttle's SQLite file: two write transactions a request
(take, give back), which cost more than answering a point lookup and, touching SQLite's
pages, left the engine's own data colder in the processor's caches. Here taking a place is
a lock, a read of one bucket of 8 slots and a write of one slot.

The file: a header (a magic number and a random secret), then ``BUCKETS`` buckets of
``SLOTS`` slots. A slot is a place: the worker's pid (0: free), when it began, and the
client's key, a hash keyed by the file's secret (so nobody can aim other addresses at one
bucket). A client's places are all in its bucket. The file is allocated in full when it is
made, so a full disk cannot fault a write through the map later. A ``flock`` on the file
orders the workers, a thread lock the threads of one worker. A place whose worker died (its
pid is gone) is freed when its client or bucket next needs the room.

>>> import tempfile, pathlib
>>> places = Places(pathlib.Path(tempfile.mkdtemp()) / "places")
>>> first = places.begin("192.0.2.7", limit=1, now=100.0)
>>> places.begin("192.0.2.7", limit=1) is None  # its one place is taken
True
>>> places.running("192.0.2.7", now=102.5)  # seconds its places have run so far
2.5
>>> places.end(first)
>>> places.in_flight("192.0.2.7")
0
>>> places.close()
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
import time
from pathlib import Path

MAGIC = b"newskg-places-1\n"
SECRET = 32  # bytes of the hash key, after the magic
HEADER = 64
BUCKETS = 1024
SLOTS = 8  # places per bucket: more than one client ever holds (``CLIENT_QUERIES``)
_SLOT = struct.Struct("<qd16s")  # pid, began (wall-clock time), client key
_BUCKET = struct.Struct("<" + "qd16s" * SLOTS)
SIZE = HEADER + BUCKETS * _BUCKET.size


class Places:
    """The places in flight of every client, in the file at ``path`` (made when missing).
    Raises ``OSError`` when the file cannot be made or mapped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._thread_lock = threading.Lock()
        try:
            with self._locked():
                if os.fstat(self._fd).st_size < SIZE:  # new (or cut short): made afresh
                    os.posix_fallocate(self._fd, 0, SIZE)
                    os.pwrite(self._fd, bytes(SIZE), 0)
                    os.pwrite(self._fd, MAGIC + os.urandom(SECRET), 0)
            self._map = mmap.mmap(self._fd, SIZE)
        except BaseException:
            os.close(self._fd)
            raise
        if self._map[: len(MAGIC)] != MAGIC:
            self.close()
            raise OSError(f"{path} is not a file of newskg's places in flight; remove it")
        self._secret = bytes(self._map[len(MAGIC) : len(MAGIC) + SECRET])

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)

    def _locked(self) -> _Lock:
        return _Lock(self._thread_lock, self._fd)

    def _key(self, client: str) -> tuple[bytes, int]:
        key = hashlib.blake2b(client.encode(), key=self._secret, digest_size=16).digest()
        return key, HEADER + (int.from_bytes(key[:4], "little") % BUCKETS) * _BUCKET.size

    def _slots(self, at: int) -> list[tuple[int, float, bytes]]:
        cells = _BUCKET.unpack_from(self._map, at)
        return [(cells[i], cells[i + 1], cells[i + 2]) for i in range(0, 3 * SLOTS, 3)]

    def _free_dead(self, at: int, slots: list[tuple[int, float, bytes]], key: bytes | None) -> None:
        """Free the slots of ``at`` (those of ``key`` only, if given) whose worker died."""
        for index, (pid, _, owner) in enumerate(slots):
            if pid and (key is None or owner == key) and not process_alive(pid):
                _SLOT.pack_into(self._map, at + index * _SLOT.size, 0, 0.0, bytes(16))
                slots[index] = (0, 0.0, bytes(16))

    def begin(self, client: str, limit: int, now: float | None = None) -> int | None:
        """Take one of ``client``'s ``limit`` places; its id, or None when all are taken
        (or, vanishingly rarely, when its bucket is full of other clients' places)."""
        now = time.time() if now is None else now
        key, at = self._key(client)
        with self._locked():
            slots = self._slots(at)
            if sum(1 for pid, _, owner in slots if pid and owner == key) >= limit:
                self._free_dead(at, slots, key)
                if sum(1 for pid, _, owner in slots if pid and owner == key) >= limit:
                    return None
            free = [index for index, (pid, _, _) in enumerate(slots) if not pid]
            if not free:
                self._free_dead(at, slots, None)
                free = [index for index, (pid, _, _) in enumerate(slots) if not pid]
                if not free:
                    return None
            where = at + free[0] * _SLOT.size
            _SLOT.pack_into(self._map, where, os.getpid(), now, key)
        return where

    def end(self, place: int) -> None:
        """Give back the place ``begin`` returned."""
        with self._locked():
            _SLOT.pack_into(self._map, place, 0, 0.0, bytes(16))

    def running(self, client: str, now: float) -> float:
        """Seconds ``client``'s places have been held so far, all added up."""
        key, at = self._key(client)
        # Read without the lock first: a slot half written by another worker is one that
        # has run no time yet, and most clients hold no place when they ask.
        if not any(pid and owner == key for pid, _, owner in self._slots(at)):
            return 0.0
        with self._locked():
            slots = self._slots(at)
            self._free_dead(at, slots, key)
        return sum(max(0.0, now - began) for pid, began, owner in slots if pid and owner == key)

    def in_flight(self, client: str) -> int:
        """How many places ``client`` holds now (of live workers)."""
        key, at = self._key(client)
        with self._locked():
            slots = self._slots(at)
            self._free_dead(at, slots, key)
        return sum(1 for pid, _, owner in slots if pid and owner == key)


class _Lock:
    """The thread lock, then the file lock: ``flock`` alone does not order the threads of
    one process (they share the open file)."""

    def __init__(self, thread_lock: threading.Lock, fd: int) -> None:
        self.thread_lock, self.fd = thread_lock, fd

    def __enter__(self) -> None:
        self.thread_lock.acquire()
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.thread_lock.release()
            raise

    def __exit__(self, *_: object) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a worker that died leaves places, and metrics files)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's (the pid was reused): keep the place
    return True
