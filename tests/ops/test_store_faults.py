"""Store problems: a missing store directory, a read-only file system, a store locked by
another process, a disk that fills up while a version is written, a damaged version
(``newskg verify``). Each is a clear error (exit 2) and the served version is unaffected: a
running server keeps answering it.

Read-only and disk-full need mounts (a read-only bind mount, a small tmpfs), so root; they
are skipped, saying so, elsewhere. Running as root, ``chmod`` would not stop newskg."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from newskg.backends import versions as store
from tests.ops import synthetic
from tests.ops.publishing import build_synthetic, check_published, newskg, report

pytestmark = pytest.mark.slow
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic(tmp_path_factory.mktemp("store-faults"))


StoreCopy = tuple[Path, store.Version]  # a store directory and its published version


@pytest.fixture
def store_copy(built: Path, tmp_path: Path) -> StoreCopy:
    """A copy of the built store this test may change, and its published version."""
    store_dir = tmp_path / "store"
    shutil.copytree(built, store_dir, symlinks=True)
    version = store.published(store_dir)
    assert version is not None
    return store_dir, version


def mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a read-only bind mount or a small tmpfs")
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {done.stderr.strip()}")


def unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def answers(url: str) -> tuple[str, str]:
    """(served version, triple count) — both from the server."""
    version = requests.get(f"{url}/healthz", timeout=10).json()["version"]
    rows = requests.get(
        f"{url}/sparql",
        params={"query": COUNT},
        timeout=30,
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    return version, rows["results"]["bindings"][0]["n"]["value"]


def new_article(tmp_path: Path, n: int = 7) -> Path:
    return synthetic.write(tmp_path / "new", n)


def test_missing_store_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    article = new_article(tmp_path)
    for args in (("add", article), ("remove", "story-000"), ("rollback", "x"), ("versions",)):
        result = newskg(*args, "--store", missing)
        assert result.returncode == 2, (args, result.stderr)
        assert f"no store directory {missing}" in result.stderr, result.stderr
        assert "newskg build --store" in result.stderr
    assert not missing.exists(), "add/remove/rollback must not create a store"


@pytest.mark.parametrize(
    "args",
    [
        ("add", "ARTICLE"),
        ("remove", "story-000"),
        ("rollback", "VERSION"),
        ("build", "--articles", "ARTICLES"),
    ],
)
def test_locked_by_another_process(
    store_copy: StoreCopy, tmp_path: Path, args: tuple[str, ...]
) -> None:
    store_dir, before = store_copy
    values = {
        "ARTICLE": str(new_article(tmp_path)),
        "VERSION": before.id,
        "ARTICLES": str(new_article(tmp_path).parent),
    }
    with store.build_lock(store_dir):
        result = newskg(*[values.get(a, a) for a in args], "--store", store_dir)
    assert result.returncode == 2
    assert "another newskg process is building" in result.stderr
    assert "the served version is unchanged" in result.stderr
    assert store.published(store_dir) == before
    if args[0] == "add":
        with store.build_lock(store_dir):
            answer = report(
                newskg(*[values.get(a, a) for a in args], "--store", store_dir, "--json")
            )
        assert answer["error"]["kind"] == "locked"


@pytest.fixture
def read_only_store(built: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the built store seen through a read-only bind mount."""
    source, target = tmp_path / "source", tmp_path / "read-only"
    shutil.copytree(built, source, symlinks=True)
    target.mkdir()
    mount("--bind", str(source), str(target))
    try:
        mount("-o", "remount,bind,ro", str(target))
        yield target
    finally:
        unmount(target)


def test_read_only_store(
    read_only_store: Path, tmp_path: Path, start_server: Callable[..., str]
) -> None:
    url = start_server("newskg.cli", "serve", "--store", read_only_store, "--workers", "1")
    before = answers(url)
    version = store.published(read_only_store)
    assert version is not None
    for args in (
        ("add", new_article(tmp_path)),
        ("remove", "story-000"),
        ("rollback", version.id),
        ("build", "--articles", new_article(tmp_path).parent),
    ):
        result = newskg(*args, "--store", read_only_store)
        assert result.returncode == 2, (args, result.stderr)
        assert "Read-only file system" in result.stderr, result.stderr
        assert "must be able to create and write files there" in result.stderr
    assert answers(url) == before


@pytest.fixture
def small_disk(built: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the built store on its own 16 MiB tmpfs."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk))
    try:
        shutil.copytree(built, disk / "store", symlinks=True)
        yield disk
    finally:
        unmount(disk)


def fill(disk: Path, leave_kib: int = 0) -> Path:
    """Fill ``disk`` but ``leave_kib`` KiB with one file (removing it frees the space)."""
    filler = disk / "filler"
    # Another process may be writing meanwhile (the add being tested): what was free a moment
    # ago may not be any more, so fill in steps until nothing (but leave_kib) is left.
    with filler.open("ab") as handle:
        while (free := shutil.disk_usage(disk).free // 1024 - leave_kib) > 0:
            size = os.fstat(handle.fileno()).st_size
            try:
                os.posix_fallocate(handle.fileno(), size, max(free // 2, 4) * 1024)
            except OSError:
                if free <= 4:
                    break
    return filler


@contextlib.contextmanager
def filled_once_writing(disk: Path) -> Iterator[None]:
    """Fill the disk once the new version's store is open (the article is extracted by then:
    ``add`` extracts before it takes the lock; its graphs are not written yet)."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if list((disk / "store" / "versions").glob(".tmp-*/CURRENT")):
                with contextlib.suppress(OSError):
                    fill(disk)
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("when", ["full before", "fills while writing"])
def test_disk_full(
    small_disk: Path, tmp_path: Path, when: str, start_server: Callable[..., str]
) -> None:
    store_dir = small_disk / "store"
    url = start_server("newskg.cli", "serve", "--store", store_dir, "--workers", "1")
    before = answers(url)
    version = store.published(store_dir)
    article = new_article(tmp_path)
    if when == "full before":
        fill(small_disk, leave_kib=96)
        result = newskg("add", article, "--store", store_dir, "--json")
    else:
        with filled_once_writing(small_disk):
            result = newskg("add", article, "--store", store_dir, "--json")
    assert result.returncode == 2, result.stdout + result.stderr
    error = report(result)["error"]
    print(f"\n{when}: {error['message'].splitlines()[0]}")
    assert error["kind"] == "store"
    assert "No space left on device" in error["message"], error
    assert "free space on that file system" in error["message"]
    assert store.published(store_dir) == version
    assert answers(url) == before
    assert not list((store_dir / "versions").glob(".tmp-*")), "the failed version is removed"
    # With space again, the same add publishes (and the server switches to it).
    (small_disk / "filler").unlink()
    result = newskg("add", article, "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    check_published(store_dir)
    published = json.loads(result.stdout)["version"]
    deadline = time.monotonic() + 5
    while answers(url)[0] != published:
        assert time.monotonic() < deadline
        time.sleep(0.05)


# --- damaged versions (newskg verify; tests/issues/test_corrupted_version.py has the live
# server) ----------------------------------------------------------------------------------


def test_verify_an_intact_store_and_record_missing_checksums(
    store_copy: StoreCopy, tmp_path: Path
) -> None:
    store_dir, version = store_copy
    result = newskg("verify", "--store", store_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"* {version.id}  intact, 2 articles"
    # A version published before checksums were recorded gets them (once it checks out).
    summary = json.loads(version.summary_path.read_text())
    recorded = summary.pop("files")
    version.summary_path.write_text(json.dumps(summary))
    result = newskg("verify", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    assert report(result)["recorded_now"] == [version.id]
    assert version.summary()["files"] == recorded


def test_verify_finds_altered_bytes_and_rollback_refuses(
    store_copy: StoreCopy, tmp_path: Path
) -> None:
    store_dir, first = store_copy
    rebuilt = newskg("build", "--articles", new_article(tmp_path).parent, "--store", store_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Same size, other bytes: only the checksum recorded at publish time tells.
    target = max(first.path.glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    result = newskg("verify", "--store", store_dir, "--json")
    assert result.returncode == 1, result.stderr
    (damaged,) = [v for v in report(result)["versions"] if not v["intact"]]
    assert damaged["version"] == first.id and not damaged["published"]
    assert damaged["problems"] == [f"{target.name}: checksum differs from the one recorded"]
    assert report(result)["restore"] == [], "the published version is intact"
    refused = newskg("rollback", first.id, "--store", store_dir)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"version {first.id} is damaged: {target.name}: checksum differs" in refused.stderr
    assert store.published(store_dir) != first


def test_an_unreadable_summary_is_never_taken_for_no_articles(
    store_copy: StoreCopy, tmp_path: Path
) -> None:
    store_dir, version = store_copy
    version.summary_path.write_text('{"articles": {"story-0')  # cut short
    articles = new_article(tmp_path).parent
    refused = newskg("build", "--articles", articles, "--store", store_dir)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "cannot tell which articles the published version" in refused.stderr
    assert "--prune" in refused.stderr
    assert newskg("versions", "--store", store_dir).returncode == 0
    assert newskg("verify", "--store", store_dir).returncode == 1
    pruned = newskg("build", "--articles", articles, "--store", store_dir, "--prune")
    assert pruned.returncode == 0, pruned.stderr


def test_verify_without_a_store(tmp_path: Path) -> None:
    result = newskg("verify", "--store", tmp_path / "nowhere")
    assert result.returncode == 2
    assert f"no store directory {tmp_path / 'nowhere'}" in result.stderr
