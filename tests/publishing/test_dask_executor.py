"""``--executor dask://HOST:PORT``: extraction on a real Dask cluster publishes what a local
build publishes, and what cannot reach one is a typed error that publishes nothing.

The cluster is real: a ``dask scheduler`` and two ``dask worker`` processes (one thread
each) on 127.0.0.1, started by :func:`newskg.extraction.dask_cluster.local_cluster` and
stopped at the end of the module. Builds run the real ``newskg`` command.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newskg.backends import versions as store
from newskg.extraction.dask_cluster import local_cluster
from newskg.extraction.pool import CHUNK
from tests.ops import synthetic
from tests.ops.publishing import ROOT, assert_same_graphs, newskg, report

pytest.importorskip(
    "distributed",
    reason="dask is not installed: `pip install --require-hashes --no-deps -r "
    "requirements.lock` (or `pip install 'newskg[dask]'`) brings it",
)

pytestmark = pytest.mark.slow

BBC = ROOT.parent / "shared" / "corpus-bulk" / "bbc"
BBC_ARTICLES = 10  # with the bundled two: two batches of CHUNK, so both workers extract
INSTALL = "pip install 'newskg[dask]'"


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The executor URL of a scheduler and two workers on loopback."""
    with local_cluster(workers=2, threads=1) as url:
        yield url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled articles and a handful of BBC ones (linked from ../shared), or made-up
    ones where ../shared is absent: more than one batch either way."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "articles").iterdir()):
        (folder / path.name).symlink_to(path)
    bbc = sorted(BBC.glob("*/*.txt"))[:: max(1, len(list(BBC.glob("*/*.txt"))) // BBC_ARTICLES)]
    for path in bbc[:BBC_ARTICLES]:
        (folder / f"bbc-{path.parent.name}-{path.name}").symlink_to(path)
    for n in range(BBC_ARTICLES - len(bbc[:BBC_ARTICLES])):
        synthetic.write(folder, n)
    assert len(list(folder.glob("*.txt"))) > CHUNK
    return folder


@pytest.fixture(scope="module")
def builds(
    cluster: str, corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """The corpus built on the cluster and locally: store and command run, by name."""
    folder = tmp_path_factory.mktemp("builds")
    runs = {}
    for name, extra in (("dask", ("--executor", cluster)), ("local", ("--jobs", "1"))):
        stored = folder / name
        args = ("build", "--articles", corpus, "--store", stored, "--json", "-q", *extra)
        runs[name] = (stored, newskg(*args))
    return runs


def test_a_build_on_the_cluster_publishes_the_graphs_of_a_local_build(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], corpus: Path, cluster: str
) -> None:
    (on_dask, dask_run), (local, local_run) = builds["dask"], builds["local"]
    assert local_run.returncode in (0, 1), local_run.stderr  # 1: some article rejected
    assert dask_run.returncode == local_run.returncode, dask_run.stderr
    mine, theirs = report(dask_run), report(local_run)
    articles = len(list(corpus.glob("*.txt")))
    assert len(mine["extracted"]) == articles  # every article went through the cluster
    for key in ("extracted", "published", "rejected", "warnings", "counts", "triples"):
        assert mine[key] == theirs[key], key
    assert_same_graphs(on_dask, local)
    # Both workers extracted (two batches at least), each loading the model once.
    assert models_loaded(cluster) == [1, 1]


def models_loaded(executor: str) -> list[int]:
    """How many times each worker of ``executor`` has loaded the spaCy model."""
    import distributed

    from newskg.extraction.dask_pool import scheduler_address

    with distributed.Client(scheduler_address(executor), set_as_default=False) as client:
        loads = client.run(
            lambda: (
                __import__("newskg.extraction.nlp", fromlist=["get_nlp"])
                .get_nlp.cache_info()
                .misses
            )
        )
    return sorted(loads.values())


def test_an_add_on_the_cluster_publishes_what_a_local_add_does(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
    cluster: str,
    tmp_path: Path,
) -> None:
    new = synthetic.write(tmp_path / "new", 41, name="council-follow-up")
    stores = {}
    for name, extra in (("dask", ("--executor", cluster)), ("local", ())):
        stores[name] = tmp_path / name
        shutil.copytree(builds[name][0], stores[name], symlinks=True)
        run = newskg("add", new, "--store", stores[name], "--json", "-q", *extra)
        assert run.returncode == 0, run.stderr
        assert report(run)["added"] == ["council-follow-up"]
        assert report(run)["extracted"] == ["council-follow-up"]
    assert_same_graphs(stores["dask"], stores["local"])


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_scheduler_is_an_error_that_publishes_nothing(
    builds: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], tmp_path: Path
) -> None:
    executor = f"dask://127.0.0.1:{free_port()}"
    corpus = tmp_path / "articles"
    synthetic.write(corpus, 7)

    fresh = newskg(
        "build", "--articles", corpus, "--store", tmp_path / "fresh", "-q", "--executor", executor
    )
    assert fresh.returncode == 2, fresh.stderr
    assert f"no Dask scheduler answered at {executor}" in fresh.stderr
    assert "dask scheduler" in fresh.stderr  # how to start one
    with pytest.raises(store.StoreError):
        store.open_published(tmp_path / "fresh")

    published = tmp_path / "published"
    shutil.copytree(builds["local"][0], published, symlinks=True)
    before = store.open_published(published)[0].id
    add = newskg(
        "add",
        corpus / "story-007.txt",
        "--store",
        published,
        "--json",
        "-q",
        "--executor",
        executor,
    )
    assert add.returncode == 2, add.stderr
    failed = report(add)
    assert failed["version"] is None and failed["new_version"] is False
    assert f"no Dask scheduler answered at {executor}" in failed["error"]["message"]
    assert store.open_published(published)[0].id == before


def without_dask(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``newskg ARGS`` in a Python where dask and distributed cannot be imported."""
    code = (
        "import runpy, sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
        "runpy.run_module('newskg.cli', run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_without_dask_the_setting_says_what_to_install(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    synthetic.write(corpus, 3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    env["NEWSKG_EXECUTOR"] = "dask://127.0.0.1:8786"  # the setting, from the environment
    run = without_dask("build", "--articles", corpus, "--store", tmp_path / "store", "-q", env=env)
    assert run.returncode == 2, run.stderr
    assert "--executor dask://127.0.0.1:8786 needs Dask" in run.stderr
    assert INSTALL in run.stderr
    with pytest.raises(store.StoreError):
        store.open_published(tmp_path / "store")


@pytest.mark.parametrize(
    "executor", ["spark://127.0.0.1:7077", "dask://127.0.0.1", "127.0.0.1:8786"]
)
def test_an_executor_that_is_not_a_dask_address_is_refused(tmp_path: Path, executor: str) -> None:
    corpus = tmp_path / "articles"
    synthetic.write(corpus, 5)
    run = newskg(
        "build", "--articles", corpus, "--store", tmp_path / "store", "-q", "--executor", executor
    )
    assert run.returncode == 2, run.stderr
    assert f"--executor {executor!r} is not an executor newskg knows" in run.stderr
    assert "dask://HOST:PORT" in run.stderr
