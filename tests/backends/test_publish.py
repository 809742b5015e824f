"""Publishing to an existing triple store: ``newskg build|rollback|push|dump --store
sparql+http://…`` against a real ``oxigraph serve``, checked through the Graph Store Protocol.

The tests of this module run in order on one remote and one staging directory."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from newskg.backends import remote
from newskg.backends.versions import published
from tests.backends.conftest import (
    Newskg,
    assert_same_graphs,
    local_graphs,
    nquads_graphs,
    remote_graph,
    remote_graph_names,
    store_url,
)
from tests.conftest import ROOT, StartServer, free_port

pytestmark = pytest.mark.slow

ARTICLES = ROOT / "articles"
MARKER = "http://localhost:8000/graph/version"
DCT, OWL = "http://purl.org/dc/terms/", "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module")
def staging(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("publish") / "staging"


@pytest.fixture(scope="module")
def store(oxigraph: str, staging: Path) -> str:
    return store_url(oxigraph, staging)


@pytest.fixture(scope="module")
def first(newskg: Newskg, store: str, staging: Path) -> tuple[str, str]:
    """The corpus built into the remote: (version id, the build's output)."""
    result = newskg("build", "--articles", ARTICLES, "--store", store, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    version = published(staging)
    assert version is not None
    return version.id, result.stdout


def remote_holds(oxigraph: str, staging: Path) -> None:
    """The remote holds exactly the graphs of the locally published version, plus the
    marker naming it."""
    version = published(staging)
    assert version is not None
    expected = local_graphs(version.path)
    names = remote_graph_names(oxigraph)
    assert names == set(expected) | {MARKER}
    assert_same_graphs(expected, {name: remote_graph(oxigraph, name) for name in expected})
    marker = remote_graph(oxigraph, MARKER)
    assert marker is not None
    assert {str(o) for o in marker.objects(predicate=_iri(OWL + "versionInfo"))} == {version.id}
    assert {str(o) for o in marker.objects(predicate=_iri(DCT + "hasPart"))} == set(expected)


def _iri(value: str):  # noqa: ANN202 - an rdflib URIRef
    from rdflib import URIRef

    return URIRef(value)


def test_build_pushes_every_graph_then_the_marker(
    first: tuple[str, str], oxigraph: str, staging: Path
) -> None:
    version_id, output = first
    assert (
        f"pushed version {version_id} to {oxigraph}: 4 graphs sent, 0 unchanged, "
        "0 deleted" in output
    )
    remote_holds(oxigraph, staging)
    record = json.loads((staging / remote.PUSHED).read_text())
    assert record["version"] == version_id and record["pending"] == []


def test_a_new_version_is_followed_by_the_remote_and_a_running_server(
    first: tuple[str, str],
    newskg: Newskg,
    store: str,
    oxigraph: str,
    staging: Path,
    tmp_path: Path,
    start_server: StartServer,
) -> None:
    server = start_server("newskg.cli", "serve", "--store", store, "--workers", "1")
    assert requests.get(server + "/healthz", timeout=10).json()["version"] == first[0]
    kept = sorted(ARTICLES.glob("*.txt"))[0]
    dropped = sorted(ARTICLES.glob("*.txt"))[1].stem
    fewer = tmp_path / "articles"
    fewer.mkdir()
    for path in ARTICLES.glob(kept.stem + "*"):
        shutil.copy(path, fewer / path.name)

    # --prune: the article left out is withdrawn (a build keeps published articles otherwise)
    result = newskg("build", "--articles", fewer, "--store", store, "--quiet", "--prune")

    assert result.returncode == 0, result.stdout + result.stderr
    second = published(staging)
    assert second is not None and second.id != first[0]
    assert ", 1 deleted" in result.stdout
    assert remote_graph(oxigraph, f"http://localhost:8000/graph/{dropped}") is None
    remote_holds(oxigraph, staging)
    deadline = time.monotonic() + 10
    while requests.get(server + "/healthz", timeout=10).json()["version"] != second.id:
        assert time.monotonic() < deadline, "the server did not pick up the new version"
        time.sleep(0.2)
    assert requests.get(server + f"/graph/{dropped}", timeout=10).status_code == 404


def test_push_sends_nothing_when_the_remote_is_up_to_date(newskg: Newskg, store: str) -> None:
    result = newskg("push", "--store", store)
    assert result.returncode == 0, result.stderr
    assert (
        ": 0 graphs sent, 4 unchanged, 0 deleted" in result.stdout
        or ": 0 graphs sent, 3 unchanged, 0 deleted" in result.stdout
    )


def test_push_repairs_a_remote_that_lost_graphs(
    newskg: Newskg, store: str, oxigraph: str, staging: Path
) -> None:
    for graph in (MARKER, "http://localhost:8000/graph/entities"):
        requests.delete(oxigraph + "store", params={"graph": graph}, timeout=10)

    result = newskg("push", "--store", store)

    assert result.returncode == 0, result.stderr
    version = published(staging)
    assert version is not None
    sent = len(local_graphs(version.path))
    assert f": {sent} graphs sent, 0 unchanged" in result.stdout  # marker gone: all of them
    remote_holds(oxigraph, staging)


def test_a_failed_push_exits_3_and_the_next_push_completes(
    first: tuple[str, str], newskg: Newskg, store: str, oxigraph: str, staging: Path, tmp_path: Path
) -> None:
    before = published(staging)
    broken = store_url(oxigraph, staging, gsp="no-such-endpoint")

    result = newskg("rollback", first[0], "--store", broken)

    assert result.returncode == 3, result.stdout + result.stderr
    assert "newskg push --store" in result.stderr and "HTTP 404" in result.stderr
    assert published(staging).id == first[0]  # type: ignore[union-attr]
    marker = remote_graph(oxigraph, MARKER)  # the remote still names the version before
    assert before is not None and before.id in {str(o) for o in marker.objects()}  # type: ignore[union-attr]

    result = newskg("push", "--store", store)

    assert result.returncode == 0, result.stdout + result.stderr
    remote_holds(oxigraph, staging)


def test_dump_reads_the_remote(
    newskg: Newskg, store: str, oxigraph: str, staging: Path, tmp_path: Path
) -> None:
    result = newskg("dump", "--store", store, "--out", tmp_path / "dumps")

    assert result.returncode == 0, result.stderr
    version = published(staging)
    assert version is not None
    dumped = nquads_graphs((tmp_path / "dumps" / f"newskg-{version.id}.nq.gz").read_bytes())
    assert_same_graphs(local_graphs(version.path), dict(dumped))
    sums = (tmp_path / "dumps" / "SHA256SUMS").read_text()
    assert f"newskg-{version.id}-void.ttl" in sums


def test_validate_reads_the_remote(newskg: Newskg, store: str) -> None:
    result = newskg("validate", "--store", store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith(": conforms")


def test_an_unreachable_remote_fails_before_building(newskg: Newskg, tmp_path: Path) -> None:
    nowhere = store_url(f"http://127.0.0.1:{free_port()}/", tmp_path / "staging")

    result = newskg("build", "--articles", ARTICLES, "--store", nowhere, "--quiet")

    assert result.returncode == 2
    assert "cannot reach the triple store" in result.stderr
    assert "nothing was published" in result.stderr
    assert published(tmp_path / "staging") is None


# --- the store URL and credentials (no remote needed) ---------------------------------------

URLS = [  # (store setting, query endpoint, GSP endpoint, union parameter)
    (
        "sparql+http://127.0.0.1:7878",
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/store",
        "union-default-graph",
    ),
    (
        "sparql+https://fuseki.example:3030/ds?query=sparql&gsp=data&union=",
        "https://fuseki.example:3030/ds/sparql",
        "https://fuseki.example:3030/ds/data",
        "",
    ),
    (
        "sparql+http://graphdb:7200/?query=/repositories/news&"
        "gsp=/repositories/news/rdf-graphs/service&union=",
        "http://graphdb:7200/repositories/news",
        "http://graphdb:7200/repositories/news/rdf-graphs/service",
        "",
    ),
    (
        "sparql+https://virtuoso.example/?query=sparql-auth&gsp=sparql-graph-crud-auth&union=&"
        "auth=digest",
        "https://virtuoso.example/sparql-auth",
        "https://virtuoso.example/sparql-graph-crud-auth",
        "",
    ),
    (
        "sparql+https://neptune.example:8182/?query=sparql&gsp=sparql/gsp/&union=",
        "https://neptune.example:8182/sparql",
        "https://neptune.example:8182/sparql/gsp/",
        "",
    ),
]


@pytest.mark.parametrize(("setting", "query", "gsp", "union"), URLS)
def test_store_urls_name_the_endpoints(setting: str, query: str, gsp: str, union: str) -> None:
    target = remote.Target.parse(setting)
    assert (target.query_url, target.gsp_url, target.union_param) == (query, gsp, union)


BAD_URLS = [  # (store setting, what the error says)
    ("sparql+http://user:secret@host:7878/", "credentials do not go in the store URL"),
    ("sparql+http://host:7878/?qeury=sparql", "unknown parameter 'qeury'"),
    ("sparql+http://host:7878/?auth=ntlm", "auth=ntlm"),
    ("sparql+http:///nohost", "is not a remote store URL"),
]


@pytest.mark.parametrize(("setting", "message"), BAD_URLS)
def test_bad_store_urls_are_explained(setting: str, message: str) -> None:
    with pytest.raises(remote.RemoteError, match=message):
        remote.Target.parse(setting)


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str | None]]]:
    """A loopback SPARQL endpoint holding no version; records each Authorization header."""
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append(self.headers.get("Authorization"))
            body = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"sparql+http://127.0.0.1:{server.server_port}/", seen
    finally:
        server.shutdown()
        server.server_close()


CREDENTIALS = [  # (settings, Authorization header sent)
    ({}, None),
    (
        {"REMOTE_USER": "newskg", "REMOTE_PASSWORD": "s3cret"},
        "Basic " + base64.b64encode(b"newskg:s3cret").decode(),
    ),
    ({"REMOTE_TOKEN": "t0ken"}, "Bearer t0ken"),
]


@pytest.mark.parametrize(("config", "header"), CREDENTIALS)
def test_credentials_come_from_the_settings(
    recorder: tuple[str, list[str | None]], config: dict[str, str], header: str | None
) -> None:
    url, seen = recorder
    client = remote.connect(url, config)
    assert client.published() is None
    assert seen == [header]
