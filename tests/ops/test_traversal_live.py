"""Path traversal refused on dumps, static files and pages, through a real server: every
``..`` spelling (raw, %-encoded, double-encoded, overlong UTF-8, backslashes, NULs) is a
4xx, and planted symlinks do not serve files from elsewhere, while a dumps directory that is
itself a symlink (an operator's choice) still works."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newskg.backends.versions import published
from newskg.publishing import dumps as dumplib
from tests.conftest import CorpusBuild, running_server
from tests.ops.raw_http import Reply, exchange

pytestmark = pytest.mark.slow

SENTINEL = b"TRAVERSAL-SENTINEL-7d1e: this file must never be served"
# What leaking a file would look like: the planted secrets, /etc/passwd, the server's source.
LEAKS = (SENTINEL, b"root:x:0:0", b"def create_app(")

ATTEMPTS = [
    # dumps: the directory of files the server does read
    "/dumps/../../etc/passwd",
    "/dumps/../../../../../../../../../../etc/passwd",
    "/dumps/..%2f..%2fetc%2fpasswd",
    "/dumps/%2e%2e/%2e%2e/etc/passwd",
    "/dumps/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/dumps/..%2fsecret.txt",
    "/dumps/..%252f..%252fsecret.txt",
    "/dumps/....//....//secret.txt",
    "/dumps/..\\..\\secret.txt",
    "/dumps/%5c..%5c..%5csecret.txt",
    "/dumps/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
    "/dumps/..%c0%afsecret.txt",
    "/dumps/%00../secret.txt",
    "/dumps/secret.txt%00.nt.gz",
    "/dumps/SHA256SUMS/../../secret.txt",
    "/dumps/SHA256SUMS%2f..%2f..%2fsecret.txt",
    "/dumps//etc/passwd",
    "/dumps/%2fetc%2fpasswd",
    "/dumps/%2e%2e",
    "/dumps/..",
    "/dumps/.",
    # static files (Flask's send_from_directory)
    "/static/../../server/__init__.py",
    "/static/..%2f..%2fserver%2f__init__.py",
    "/static/%2e%2e/%2e%2e/server/__init__.py",
    "/static/%2e%2e%2f__init__.py",
    "/static/..%5c__init__.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/vendor/../../__init__.py",
    # pages: IRIs, never files, but they must not pretend otherwise
    "/id/../../etc/passwd",
    "/id/..%2f..%2fetc%2fpasswd",
    "/id/actor/..%2f..%2f..%2fsecret.txt",
    "/graph/..%2f..%2fsecret.txt",
    "/ontology.%2e%2e%2f%2e%2e%2fsecret.txt",
    "/.well-known/void.%2e%2e%2fsecret",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
]


@dataclass(frozen=True)
class Served:
    base: str
    store: Path
    dumps: Path  # the published version's dumps directory
    outside: Path  # a secret outside the store


@pytest.fixture(scope="module")
def served(corpus_build: CorpusBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("traversal")
    store = tmp / "data" / "store"
    shutil.copytree(corpus_build.store, store, symlinks=True)
    version = published(store)
    assert version is not None
    dumps = dumplib.dumps_dir(store, version.id)
    # A secret at each level a "../" could climb to from the dumps directory.
    outside = tmp / "secret.txt"
    for place in (
        outside,
        tmp / "data" / "secret.txt",
        store / "secret.txt",
        store / "dumps" / "secret.txt",
    ):
        place.write_bytes(SENTINEL)
    with running_server("newskg.serve", "--store", store, "--workers", "1", workdir=tmp) as base:
        yield Served(base, store, dumps, outside)


def refused(reply: Reply, base: str = "", method: str = "GET") -> None:
    """A 400 or 404 (after redirects within this server: werkzeug merges ``//`` with a
    308) that leaks nothing."""
    for _ in range(5):
        location = reply.header("Location") or ""
        if reply.status not in (301, 302, 307, 308) or not location.startswith(base + "/"):
            break
        for leak in LEAKS:
            assert leak not in reply.body
        reply = exchange(base, method, location.removeprefix(base))
    assert reply.status in (400, 404), (reply.status, reply.body[:300])
    for leak in LEAKS:
        assert leak not in reply.body


@pytest.mark.parametrize("target", ATTEMPTS)
def test_traversal_is_refused(served: Served, target: str) -> None:
    for method in ("GET", "HEAD"):
        refused(exchange(served.base, method, target), served.base, method)


def _list(dumps: Path, name: str, content: bytes) -> None:
    """Add ``name`` to SHA256SUMS as a build would have."""
    with (dumps / dumplib.SUMS).open("a", encoding="utf-8") as sums:
        sums.write(f"{hashlib.sha256(content).hexdigest()}  {name}\n")


def test_planted_symlinks_serve_nothing_from_elsewhere(served: Served) -> None:
    real = dumplib.listing(served.dumps)[0]
    assert exchange(served.base, "GET", f"/dumps/{real.name}").status == 200
    # A link to a secret, not listed: not a dump.
    (served.dumps / "unlisted.nt.gz").symlink_to(served.outside)
    refused(exchange(served.base, "GET", "/dumps/unlisted.nt.gz"))
    # Even listed in SHA256SUMS (as if someone could write there), a link out is refused.
    (served.dumps / "evil.nt.gz").symlink_to(served.outside)
    _list(served.dumps, "evil.nt.gz", SENTINEL)
    refused(exchange(served.base, "GET", "/dumps/evil.nt.gz"))
    (served.dumps / "relative.ttl.gz").symlink_to(Path("..") / ".." / ".." / "secret.txt")
    _list(served.dumps, "relative.ttl.gz", SENTINEL)
    refused(exchange(served.base, "GET", "/dumps/relative.ttl.gz"))
    assert SENTINEL not in exchange(served.base, "GET", "/dumps/").body
    # A name with a path in SHA256SUMS is never a dump.
    _list(served.dumps, "../../secret.txt", SENTINEL)
    refused(exchange(served.base, "GET", "/dumps/..%2f..%2fsecret.txt"))
    # The real dumps are still served.
    reply = exchange(served.base, "GET", f"/dumps/{real.name}")
    assert reply.status == 200 and hashlib.sha256(reply.body).hexdigest() == real.sha256


def test_a_symlinked_dumps_directory_still_serves(served: Served, tmp_path: Path) -> None:
    """Operators may keep dumps on another disk: the directory itself may be a link."""
    real = dumplib.listing(served.dumps)[0]
    elsewhere = tmp_path / "big-disk" / served.dumps.name
    shutil.copytree(served.dumps, elsewhere, symlinks=True)
    moved = served.dumps.with_name(served.dumps.name + ".moved")
    os.rename(served.dumps, moved)
    try:
        served.dumps.symlink_to(elsewhere)
        reply = exchange(served.base, "GET", f"/dumps/{real.name}", {"Range": "bytes=0-9"})
        assert reply.status == 206 and reply.body == real.path.read_bytes()[:10]
    finally:
        served.dumps.unlink()
        os.rename(moved, served.dumps)


def test_sums_file_linked_elsewhere_is_refused(served: Served) -> None:
    """Runs last in this module: it replaces SHA256SUMS by a link to a secret."""
    sums = served.dumps / dumplib.SUMS
    saved = sums.read_bytes()
    try:
        sums.unlink()
        sums.symlink_to(served.outside)
        refused(exchange(served.base, "GET", f"/dumps/{dumplib.SUMS}"))
        assert SENTINEL not in exchange(served.base, "GET", "/dumps/").body
    finally:
        sums.unlink()
        sums.write_bytes(saved)
