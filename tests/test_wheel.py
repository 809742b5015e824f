"""The wheel is the product: built from this checkout, installed into a fresh virtualenv, it
builds the bundled corpus and serves it with nothing from the checkout.

The fresh venv gets newskg only from the wheel (``--no-deps --no-index``). Its dependencies
come from the project's ``.venv`` through a ``.pth`` file naming that venv's site-packages as
a plain path: Python does not process the ``.pth`` files inside a directory added that way,
so the editable install's ``src/`` path stays out and ``import newskg`` can only find the
wheel's copy (asserted). Every package-data file the server needs (ontology, shapes, example
queries, extraction data, templates, static files incl. YASGUI) is therefore checked by use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import OWL, RDF, Graph, URIRef

from newskg.backends.versions import published
from tests.conftest import ROOT, CorpusBuild, free_port, stop_group

pytestmark = pytest.mark.slow

YASGUI = ROOT / "src" / "newskg" / "web" / "static" / "vendor" / "yasgui"
STARTUP_SECONDS = 60


def _run(*args: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result


def _clean_env() -> dict[str, str]:
    """The caller's environment without NEWSKG_* settings or a PYTHONPATH that could reach
    the checkout."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NEWSKG_")
        and k not in ("PYTHONPATH", "PROMETHEUS_MULTIPROC_DIR", "VIRTUAL_ENV")
    }


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the wheel of this checkout installed; its ``bin`` directory."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and egg-info into the tree it builds, and
    # would package files left in an old build/ by a module since moved or deleted.
    tree = work / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    shutil.copytree(ROOT / "src", tree / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    dist = work / "dist"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--quiet", "-w", dist, tree,
        cwd=work,
    )  # fmt: skip
    (wheel,) = dist.glob("newskg-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    fresh_site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work
        ).stdout.strip()
    )
    # The dependencies, without network: the project venv's site-packages as a plain path.
    (fresh_site / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--no-deps", "--no-index", wheel,
        cwd=work,
    )  # fmt: skip
    return venv / "bin"


def test_wheel_holds_the_package_data(fresh_venv: Path, tmp_path: Path) -> None:
    """The installed package is the wheel's, with every data file beside its code."""
    script = """
import json, newskg
from pathlib import Path
root = Path(newskg.__file__).parent
print(json.dumps({"file": newskg.__file__, "files": sorted(
    str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc")}))
"""
    found = json.loads(_run(fresh_venv / "python", "-c", script, cwd=tmp_path).stdout)
    venv = fresh_venv.parent.resolve()
    assert Path(found["file"]).resolve().is_relative_to(venv), (
        f"newskg was imported from {found['file']}, not from the fresh venv {venv}"
    )
    # Every file of the source package ships (not caches, not dotfiles like `make`'s stamp).
    source = ROOT / "src" / "newskg"
    expected = {
        str(path.relative_to(source))
        for path in source.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not path.name.startswith(".")
        and path.suffix != ".pyc"
    }
    missing = sorted(expected - set(found["files"]))
    assert not missing, f"the wheel lacks {missing}: add them to package-data in pyproject.toml"


@pytest.fixture(scope="module")
def wheel_server(fresh_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``newskg build`` then ``newskg serve`` of the bundled corpus, run from the fresh venv
    in a directory outside the checkout with a relative ``--store``, as a new user would."""
    assert (YASGUI / "yasgui.min.js").is_file(), "run `make assets` first (make test does)"
    cwd = tmp_path_factory.mktemp("user")
    shutil.copytree(ROOT / "articles", cwd / "articles")
    newskg = fresh_venv / "newskg"
    _run(newskg, "build", "--articles", "articles", "--store", "store", "--quiet", cwd=cwd)
    assert (cwd / "store").is_dir()
    port = free_port()
    log_path = cwd / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [newskg, "serve", "--store", "store", "--host", "127.0.0.1", "--port", str(port),
             "--cache-dir", cwd / "cache"],
            cwd=cwd,
            env=_clean_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: master and workers stop together
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"newskg serve exited {process.returncode}:\n{log_path.read_text()}")
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no /healthz in {STARTUP_SECONDS} s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        stop_group(process)


def _get(url: str, accept: str = "text/html") -> tuple[int, str, str]:
    """Status, content type and body (as text) of a GET."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode("utf-8")
            return response.status, response.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8")


def test_sparql_counts_the_corpus(wheel_server: str, corpus_build: CorpusBuild) -> None:
    """The installed wheel publishes the very triples the checkout does from the same corpus."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    query = urllib.parse.urlencode({"query": count})
    status, _, body = _get(f"{wheel_server}/sparql?{query}", "application/sparql-results+json")
    assert status == 200, body
    served = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    version = published(corpus_build.store)
    assert version is not None
    store = pyoxigraph.Store.read_only(str(version.path))
    solutions = store.query(count, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    assert served == int(next(iter(solutions))["n"].value) > 1000


def test_home_page_renders(wheel_server: str) -> None:
    status, content_type, body = _get(wheel_server + "/")
    assert status == 200, body
    assert content_type.startswith("text/html")
    assert "<nav>" in body


def test_query_page_lists_examples_and_loads_its_assets(wheel_server: str) -> None:
    status, _, page = _get(wheel_server + "/sparql")
    assert status == 200, page
    examples = sorted((ROOT / "src" / "newskg" / "queries").glob("*.rq"))
    assert examples and f"example={examples[0].stem}" in page, "no example query listed"
    for name in ("sparql-page.js", "vendor/yasgui/yasgui.min.js", "vendor/yasgui/yasgui.min.css"):
        path = f"/static/{name}"
        assert path in page, f"the query page does not load {path}"
        status, _, _ = _get(wheel_server + path, "*/*")
        assert status == 200, f"{path} answered {status}"


def test_ontology_is_served(wheel_server: str) -> None:
    status, _, body = _get(wheel_server + "/ontology")
    assert status == 200, body
    status, content_type, body = _get(wheel_server + "/ontology", "text/turtle")
    assert status == 200, body
    assert content_type.startswith("text/turtle")
    served = Graph().parse(data=body, format="turtle")
    shipped = Graph().parse(ROOT / "src" / "newskg" / "ontology" / "newskg.ttl")
    assert (None, RDF.type, OWL.Ontology) in served
    named = {c for c in shipped.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert len(named) >= 7 and named <= set(served.subjects(RDF.type, OWL.Class))
