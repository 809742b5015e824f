"""One corrupted file broke two versions (issue 11, medium).

The attack: truncate one data file of the published version. Versions made by ``newskg add``
share their unchanged files with the version they started from by hard link, so the previous
version broke too; every route answered 500, and ``rollback`` and ``add`` failed with raw
tracebacks.

Now a damaged version is detected (at open, and on a storage error while serving), the newest
intact version is served meanwhile, ``/healthz`` says ``degraded`` naming the damaged version
and the one served, ``newskg verify`` lists the damage (and the versions sharing the file)
and what can restore it, ``rollback`` to a damaged version and ``add`` onto one refuse with a
clear message (exit 2), and ``build`` publishes an intact version from the kept sources.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from newskg.backends import versions as store
from tests.ops import synthetic
from tests.ops.publishing import check_published, newskg

pytestmark = pytest.mark.slow
ROUTES = (
    "/",
    "/articles",
    "/id/article/story-000",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
)


def shared_file(version: store.Version) -> Path:
    """The largest data file of ``version`` that another version links too: one the routes
    read (a build bulk-loads its store, which also leaves small files of indexes a page may
    never touch, so a running server would not notice their damage)."""
    shared = [p for p in version.path.glob("*.sst") if p.stat().st_nlink > 1]
    assert shared, f"no file of {version.id} is shared"
    return max(shared, key=lambda p: (p.stat().st_size, p.name))


def answered(url: str, route: str) -> int:
    """The status of ``route`` once the server noticed the damage: a request that met the
    damage first may get one 503 (retry), never a 500."""
    status = requests.get(url + route, timeout=30).status_code
    if status == 503:
        status = requests.get(url + route, timeout=30).status_code
    return status


@pytest.fixture
def three_versions(tmp_path: Path) -> tuple[Path, Path, list[store.Version]]:
    """build, build, add: the third version shares files with the second. (folder, store,
    versions oldest first)"""
    folder, store_dir = tmp_path / "articles", tmp_path / "store"
    for n in (0, 1):
        synthetic.write(folder, n)
    for _ in range(2):
        assert newskg("build", "--articles", folder, "--store", store_dir, "-q").returncode == 0
    added = newskg("add", synthetic.write(tmp_path / "sent", 7), "--store", store_dir, "-q")
    assert added.returncode == 0, added.stderr
    return folder, store_dir, store.versions(store_dir)


def test_a_truncated_shared_file(
    three_versions: tuple[Path, Path, list[store.Version]], start_server: Callable[..., str]
) -> None:
    folder, store_dir, (first, second, third) = three_versions
    url = start_server("newskg.cli", "serve", "--store", store_dir, "--workers", "1")
    assert requests.get(f"{url}/healthz", timeout=10).json() == {
        "status": "ok",
        "version": third.id,
    }
    damaged = shared_file(third)
    assert (second.path / damaged.name).samefile(damaged)
    with damaged.open("r+b") as handle:
        handle.truncate(100)

    # The running server: no 500, the newest intact version served, /healthz says so.
    for route in ROUTES:
        assert answered(url, route) == 200, route
    health = requests.get(f"{url}/healthz", timeout=10).json()
    assert health["status"] == "degraded" and health["version"] == first.id
    assert health["damaged"]["version"] == third.id
    assert f"{damaged.name}: 100 bytes" in health["damaged"]["problem"]
    # A server started now does the same from its start.
    fresh = start_server("newskg.cli", "serve", "--store", store_dir, "--workers", "1")
    assert requests.get(f"{fresh}/healthz", timeout=10).json()["version"] == first.id
    assert all(answered(fresh, route) == 200 for route in ROUTES)

    verified = newskg("verify", "--store", store_dir)
    assert verified.returncode == 1, verified.stderr
    print("\n" + verified.stdout)
    assert f"* {third.id}  DAMAGED" in verified.stdout
    assert f"  {second.id}  DAMAGED" in verified.stdout
    assert f"  {first.id}  intact" in verified.stdout
    assert f"{damaged.name} is the same file (hard link) as in {second.id}" in verified.stdout
    assert f"`newskg rollback {first.id} --store {store_dir}`" in verified.stdout

    for args in (("rollback", second.id), ("add", synthetic.write(folder.parent / "more", 9))):
        refused = newskg(*args, "--store", store_dir)
        assert refused.returncode == 2, (args, refused.stderr)
        assert "Traceback" not in refused.stderr
        assert "is damaged" in refused.stderr and damaged.name in refused.stderr
        assert store.published(store_dir) == third

    # A build writes every file anew, keeping the article only the damaged version held.
    rebuilt = newskg("build", "--articles", folder, "--store", store_dir, "-q", "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert check_published(store_dir).id != third.id
    deadline = time.monotonic() + 10
    while (health := requests.get(f"{url}/healthz", timeout=10).json())["status"] != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(0.1)
    assert (
        requests.get(
            f"{url}/id/article/story-007", timeout=30, headers={"Accept": "text/turtle"}
        ).status_code
        == 200
    )
