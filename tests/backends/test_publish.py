"""Publishing to an existing triple store: ``newskg build|rollback|push|dump --store
sparql+http://…`` against each real store of :mod:`tests.backends.stores` (Oxigraph server,
Virtuoso), checked through the Graph Store Protocol.

One remote per store serves the whole module, and the corpus is built into it once
(``first``); each test then starts from that build, in a staging directory of its own, with
the remote pushed back to it (``staging``): any test runs alone, or after any other."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from newskg.backends.remote import PUSHED, Batches, RemoteError, Target, connect
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
from tests.backends.stores import Remote, running_virtuoso
from tests.conftest import ROOT, StartServer, free_port

pytestmark = pytest.mark.slow

ARTICLES = ROOT / "articles"
MARKER = "http://localhost:8000/graph/version"
DCT, OWL = "http://purl.org/dc/terms/", "http://www.w3.org/2002/07/owl#"


@dataclass(frozen=True)
class Built:
    """The corpus built into the remote by ``newskg build``."""

    version_id: str
    output: str  # what the build printed
    staging: Path  # where it was built (the tests work on copies)


@pytest.fixture(scope="module")
def first(newskg: Newskg, remote: Remote, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The corpus built into the remote, once per store (the remote holds no version yet:
    the build sends every graph)."""
    staging = tmp_path_factory.mktemp(f"publish-{remote.kind}") / "staging"
    result = newskg(
        "build", "--articles", ARTICLES, "--store", store_url(remote, staging), "--quiet"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    version = published(staging)
    assert version is not None
    return Built(version.id, result.stdout, staging)


@pytest.fixture
def staging(
    first: Built, newskg: Newskg, remote: Remote, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A copy of the build's staging directory, the test's own, with the remote holding its
    version again: a push from it puts back whatever an earlier test published, removed or
    deleted on the remote (the remote's marker names another version, or none: every graph
    is sent and the graphs that marker lists are dropped)."""
    staging = tmp_path_factory.mktemp(f"staging-{remote.kind}") / "staging"
    shutil.copytree(first.staging, staging, symlinks=True)  # `current` is a relative link
    result = newskg("push", "--store", store_url(remote, staging))
    assert result.returncode == 0, result.stdout + result.stderr
    assert published(staging).id == first.version_id  # type: ignore[union-attr]
    return staging


@pytest.fixture
def store(remote: Remote, staging: Path) -> str:
    """The ``--store`` setting of the test's staging directory."""
    return store_url(remote, staging)


def remote_holds(remote: Remote, staging: Path) -> None:
    """The remote holds exactly the graphs of the locally published version, plus the
    marker naming it."""
    version = published(staging)
    assert version is not None
    expected = local_graphs(version.path)
    names = remote_graph_names(remote)
    assert names == set(expected) | {MARKER}
    assert_same_graphs(expected, {name: remote_graph(remote, name) for name in expected})
    marker = remote_graph(remote, MARKER)
    assert marker is not None
    assert {str(o) for o in marker.objects(predicate=_iri(OWL + "versionInfo"))} == {version.id}
    assert {str(o) for o in marker.objects(predicate=_iri(DCT + "hasPart"))} == set(expected)


def _iri(value: str):  # noqa: ANN202 - an rdflib URIRef
    from rdflib import URIRef

    return URIRef(value)


def test_build_pushes_every_graph_then_the_marker(
    first: Built, remote: Remote, staging: Path
) -> None:
    assert (
        f"pushed version {first.version_id} to {remote.url}: 4 graphs sent, 0 unchanged, "
        "0 deleted" in first.output
    )
    remote_holds(remote, staging)
    record = json.loads((staging / PUSHED).read_text())
    assert record["version"] == first.version_id and record["pending"] == []


def test_a_new_version_is_followed_by_the_remote_and_a_running_server(
    first: Built,
    newskg: Newskg,
    store: str,
    remote: Remote,
    staging: Path,
    tmp_path: Path,
    start_server: StartServer,
) -> None:
    server = start_server("newskg.cli", "serve", "--store", store, "--workers", "1")
    assert requests.get(server + "/healthz", timeout=10).json()["version"] == first.version_id
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
    assert second is not None and second.id != first.version_id
    assert ", 1 deleted" in result.stdout
    assert remote_graph(remote, f"http://localhost:8000/graph/{dropped}") is None
    remote_holds(remote, staging)
    deadline = time.monotonic() + 10
    while requests.get(server + "/healthz", timeout=10).json()["version"] != second.id:
        assert time.monotonic() < deadline, "the server did not pick up the new version"
        time.sleep(0.2)
    assert requests.get(server + f"/graph/{dropped}", timeout=10).status_code == 404


def test_push_sends_nothing_when_the_remote_is_up_to_date(newskg: Newskg, store: str) -> None:
    result = newskg("push", "--store", store)
    assert result.returncode == 0, result.stderr
    assert ": 0 graphs sent, 4 unchanged, 0 deleted" in result.stdout


def test_push_repairs_a_remote_that_lost_graphs(
    newskg: Newskg, store: str, remote: Remote, staging: Path
) -> None:
    for graph in (MARKER, "http://localhost:8000/graph/entities"):
        deleted = requests.delete(
            remote.gsp_url, params={"graph": graph}, auth=remote.auth, timeout=10
        )
        assert deleted.status_code in (200, 204), deleted.text

    result = newskg("push", "--store", store)

    assert result.returncode == 0, result.stderr
    version = published(staging)
    assert version is not None
    sent = len(local_graphs(version.path))
    assert f": {sent} graphs sent, 0 unchanged" in result.stdout  # marker gone: all of them
    remote_holds(remote, staging)


def test_a_failed_push_exits_3_and_the_next_push_completes(
    first: Built, newskg: Newskg, store: str, remote: Remote, staging: Path
) -> None:
    withdrawn = sorted(ARTICLES.glob("*.txt"))[1].stem  # a second version to roll back from
    result = newskg("remove", withdrawn, "--store", store, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    before = published(staging)
    assert before is not None and before.id != first.version_id
    broken = store_url(remote, staging, update="no-such-endpoint", gsp="no-such-endpoint")

    result = newskg("rollback", first.version_id, "--store", broken)

    assert result.returncode == 3, result.stdout + result.stderr
    assert "newskg push --store" in result.stderr
    assert "the triple store answered a SPARQL update with HTTP 40" in result.stderr
    assert published(staging).id == first.version_id  # type: ignore[union-attr]
    marker = remote_graph(remote, MARKER)  # the remote still names the version before
    assert before.id in {str(o) for o in marker.objects()}  # type: ignore[union-attr]

    result = newskg("push", "--store", store)

    assert result.returncode == 0, result.stdout + result.stderr
    remote_holds(remote, staging)


def _sent_line(changed: int, unchanged: int, deleted: int) -> str:
    return (
        f": {changed} graph{'' if changed == 1 else 's'} sent, {unchanged} unchanged, "
        f"{deleted} deleted"
    )


def test_add_and_remove_push_only_what_changed(
    newskg: Newskg, store: str, remote: Remote, staging: Path, tmp_path: Path
) -> None:
    """The push after an add or a remove sends the graphs that differ from the version
    before (compared here as graphs) and drops the withdrawn one, nothing else."""
    before = published(staging)
    assert before is not None
    old = local_graphs(before.path)
    added = tmp_path / "added_copy.txt"  # an article of the corpus under a new id
    shutil.copy(sorted(ARTICLES.glob("*.txt"))[0], added)

    result = newskg("add", added, "--store", store, "--quiet")

    assert result.returncode == 0, result.stdout + result.stderr
    after = published(staging)
    assert after is not None
    new = local_graphs(after.path)
    changed = {g for g in new if g not in old or not isomorphic(old[g], new[g])}
    assert "http://localhost:8000/graph/added_copy" in changed
    assert _sent_line(len(changed), len(new) - len(changed), 0) in result.stdout
    remote_holds(remote, staging)

    result = newskg("remove", "added_copy", "--store", store)

    assert result.returncode == 0, result.stdout + result.stderr
    final = published(staging)
    assert final is not None
    last = local_graphs(final.path)
    changed = {g for g in last if not isomorphic(new[g], last[g])}
    assert _sent_line(len(changed), len(last) - len(changed), 1) in result.stdout
    remote_holds(remote, staging)


# Literals a store must give back as they were sent: escapes, a "_:" that is no blank node,
# non-ASCII text, a language tag in upper case (Virtuoso answers it in lower case, the same
# tag for RDF), typed values that a store keeps as native values (Virtuoso).
XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = "\n".join(
    f"<http://example.org/s{{i}}> <http://example.org/{line} ."
    for line in [
        r'text> "line\nnext \"quoted\" back\\slash _:nb"',
        'text> "caf\u00e9 \u2014 Zo\u00eb"@en-GB',
        f'n> "{{i}}"^^<{XSD}integer>',
        f'when> "2024-02-06T10:15:00.5Z"^^<{XSD}dateTime>',
        f'on> "2024-02-06"^^<{XSD}date>',
    ]
)
BLANK = '<http://example.org/list> <http://example.org/first> _:b1 .\n_:b1 <http://x.org/v> "x" .'


def _ntriples(local: pyoxigraph.Store, graph: str) -> bytes:
    name = pyoxigraph.NamedNode(graph)
    return local.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name) or b""


def test_batches_bound_their_requests_and_keep_every_term(remote: Remote, tmp_path: Path) -> None:
    """Graphs go in updates of at most the bound (whole graphs: a batch reaching it is
    sent), a graph with a blank node by itself; each comes back isomorphic; a drop and a
    replacement go in one request; a patch sends the difference and leaves the graph equal."""
    local = pyoxigraph.Store()
    names = [f"http://example.org/batch/{i}" for i in range(4)]
    for i, name in enumerate(names):
        local.load(
            TRICKY.format(i=i).encode(),
            pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(name),
        )
    name2 = pyoxigraph.NamedNode(names[2])
    blank = "http://example.org/batch/blank"
    local.load(BLANK.encode(), pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(blank))
    sizes = [len(_ntriples(local, name)) for name in names]
    config = {k.removeprefix("NEWSKG_"): v for k, v in remote.env.items()}
    client = connect(store_url(remote, tmp_path / "staging"), config)

    batches = Batches(client, limit=sum(sizes[:3]))
    for name in [*names, blank]:
        batches.replace(local, name)
    batches.flush()

    assert batches.requests == 3  # names 0-2 reach the bound, then the blank one, then 3
    for name in [*names, blank]:
        expected = Graph().parse(data=_ntriples(local, name).decode(), format="nt")
        assert isomorphic(remote_graph(remote, name) or Graph(), expected), name

    local.remove_graph(pyoxigraph.NamedNode(names[0]))
    local.load(
        TRICKY.format(i=9).encode(),
        pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(names[1]),
    )
    batches = Batches(client)
    batches.drop(names[0])
    batches.replace(local, names[1])
    batches.flush()

    assert batches.requests == 1
    assert remote_graph(remote, names[0]) is None
    replaced = remote_graph(remote, names[1])
    assert replaced is not None and len(replaced) == 10
    before = pyoxigraph.Store()  # names[2] as the remote holds it; then changed locally
    before.load(_ntriples(local, names[2]), pyoxigraph.RdfFormat.N_TRIPLES, to_graph=name2)
    for quad in list(local.quads_for_pattern(None, None, None, name2)):
        if isinstance(quad.object, pyoxigraph.Literal) and (
            quad.object.language or quad.object.datatype.value == XSD + "dateTime"
        ):
            local.remove(quad)  # what a store keeps as native values must still match
    local.load(
        TRICKY.format(i=7).split("\n")[2].encode(), pyoxigraph.RdfFormat.N_TRIPLES, to_graph=name2
    )
    batches = Batches(client)
    batches.patch(local, before, names[2])
    assert batches.drops == [] and len(batches.deletes) == len(batches.inserts) == 1
    batches.flush()

    assert batches.requests == 1
    expected = Graph().parse(data=_ntriples(local, names[2]).decode(), format="nt")
    assert len(expected) == 4
    assert isomorphic(remote_graph(remote, names[2]) or Graph(), expected)

    batches = Batches(client)  # the store holds newskg's graphs only again
    for name in [*names, blank]:
        batches.drop(name)
    batches.flush()
    assert remote_graph_names(remote) & {*names, blank} == set()


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_answers_virtuoso_cuts_short_are_errors(tmp_path: Path) -> None:
    """Virtuoso cuts an answer at its own row cap or time limit and says so only in a header
    or a 500: neither may pass for a whole answer."""
    with running_virtuoso(tmp_path, max_rows=3, timeout=1) as store:
        client = connect(store_url(store, tmp_path / "staging"))
        with pytest.raises(RemoteError, match="cut its answer short at 3 rows") as capped:
            client.query("SELECT * WHERE { ?s ?p ?o }", union=True)
        with pytest.raises(RemoteError, match="its own time limit") as stopped:
            client.query(CROSS, union=True).close()
    assert "ResultSetMaxRows" in str(capped.value)
    assert (capped.value.status, stopped.value.status) == (502, 503)


def test_dump_reads_the_remote(newskg: Newskg, store: str, staging: Path, tmp_path: Path) -> None:
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
    nowhere = store_url(Remote("none", f"http://127.0.0.1:{free_port()}/"), tmp_path / "staging")

    result = newskg("build", "--articles", ARTICLES, "--store", nowhere, "--quiet")

    assert result.returncode == 2
    assert "cannot reach the triple store" in result.stderr
    assert "nothing was published" in result.stderr
    assert published(tmp_path / "staging") is None


# --- the store URL and credentials (no remote needed) ---------------------------------------

URLS = [  # (store setting, query endpoint, update endpoint, GSP endpoint, union parameter)
    (
        "sparql+http://127.0.0.1:7878",
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
        "union-default-graph",
    ),
    (
        "sparql+https://fuseki.example:3030/ds?query=sparql&gsp=data&union=",
        "https://fuseki.example:3030/ds/sparql",
        "https://fuseki.example:3030/ds/update",
        "https://fuseki.example:3030/ds/data",
        "",
    ),
    (
        "sparql+http://graphdb:7200/?query=/repositories/news&"
        "update=/repositories/news/statements&gsp=/repositories/news/rdf-graphs/service&union=",
        "http://graphdb:7200/repositories/news",
        "http://graphdb:7200/repositories/news/statements",
        "http://graphdb:7200/repositories/news/rdf-graphs/service",
        "",
    ),
    (
        "sparql+https://virtuoso.example/?query=sparql&update=sparql-auth&"
        "gsp=sparql-graph-crud-auth&union=&auth=digest",
        "https://virtuoso.example/sparql",
        "https://virtuoso.example/sparql-auth",
        "https://virtuoso.example/sparql-graph-crud-auth",
        "",
    ),
    (
        "sparql+https://neptune.example:8182/?query=sparql&update=sparql&gsp=sparql/gsp/&union=",
        "https://neptune.example:8182/sparql",
        "https://neptune.example:8182/sparql",
        "https://neptune.example:8182/sparql/gsp/",
        "",
    ),
]


@pytest.mark.parametrize(("setting", "query", "update", "gsp", "union"), URLS)
def test_store_urls_name_the_endpoints(
    setting: str, query: str, update: str, gsp: str, union: str
) -> None:
    target = Target.parse(setting)
    endpoints = (target.query_url, target.update_url, target.gsp_url, target.union_param)
    assert endpoints == (query, update, gsp, union)


BAD_URLS = [  # (store setting, what the error says)
    ("sparql+http://user:secret@host:7878/", "credentials do not go in the store URL"),
    ("sparql+http://host:7878/?qeury=sparql", "unknown parameter 'qeury'"),
    ("sparql+http://host:7878/?auth=ntlm", "auth=ntlm"),
    ("sparql+http:///nohost", "is not a remote store URL"),
]


@pytest.mark.parametrize(("setting", "message"), BAD_URLS)
def test_bad_store_urls_are_explained(setting: str, message: str) -> None:
    with pytest.raises(RemoteError, match=message):
        Target.parse(setting)


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
    client = connect(url, config)
    assert client.published() is None
    assert seen == [header]
