"""Issue 11, SSRF through the SERVICE check: queries such as
``SELECT * WHERE { BIND(2<'>#' AS ?z) SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } }``
slipped past the endpoint's lexer (which read the query differently from oxigraph's parser),
and pyoxigraph POSTed to the loopback listener and returned its answer.

The fix does not rely on a parser: each query process installs a seccomp filter before it
reads a request (``src/newskg/sparql/sandbox.py``), so ``socket()`` of any family but AF_UNIX and
``connect()`` fail with EPERM. These tests replay the attack with the endpoint's check
switched off (fault injection, ``TESTING_SKIP_SERVICE_CHECK=1``): a real server must still
make no connection, and answer 400, not 500. Where the filter cannot be installed the query
process refuses every query (503) unless the operator allows it explicitly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newskg import formats
from newskg.sparql import query_worker, sandbox
from newskg.sparql.engine import Engine, Limits, QueryRequest, _answer
from newskg.web.http.errors import APIError
from tests.conftest import ROOT, assert_no_connection

JSON = formats.by_name("json")

# A child that installs the filter with the query processes' own function, then tries the
# network every way a SERVICE could; it prints what each attempt gave.
PROBE = """
import errno, json, socket
from newskg.sparql import sandbox
sandbox.deny_network()
results = {}
for name, family, kind in [("inet", socket.AF_INET, socket.SOCK_STREAM),
                           ("inet6", socket.AF_INET6, socket.SOCK_STREAM),
                           ("udp", socket.AF_INET, socket.SOCK_DGRAM),
                           ("netlink", socket.AF_NETLINK, socket.SOCK_RAW),
                           ("packet", socket.AF_PACKET, socket.SOCK_RAW)]:
    try:
        socket.socket(family, kind).close()
        results[name] = "opened"
    except OSError as exc:
        results[name] = errno.errorcode.get(exc.errno, str(exc.errno))
unix = socket.socket(socket.AF_UNIX)
try:
    unix.connect("/nonexistent")
    results["unix_connect"] = "connected"
except OSError as exc:
    results["unix_connect"] = errno.errorcode.get(exc.errno, str(exc.errno))
results["unix"] = "opened"
with open("/proc/self/status") as status:
    fields = dict(line.split(":", 1) for line in status if ":" in line)
results["no_new_privs"] = fields["NoNewPrivs"].strip()
results["denied"] = sandbox.network_denied()
print(json.dumps(results))
"""


def test_filter_refuses_network_sockets_and_connect() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results == {
        "inet": "EPERM",
        "inet6": "EPERM",
        "udp": "EPERM",
        "netlink": "EPERM",
        "packet": "EPERM",
        "unix": "opened",
        "unix_connect": "EPERM",
        "no_new_privs": "1",
        "denied": True,
    }


def test_every_query_process_runs_under_the_filter(store_dir: Path) -> None:
    engine = Engine(1)
    request = Engine.message(
        store_dir / "current",
        QueryRequest("ASK { ?s ?p ?o }", results_format=JSON, max_rows=10, timeout=30),
        f"{engine.spool}/0",
    )
    reply, _ = engine.run(request, 30)
    assert reply["ok"], reply
    (process,) = engine.idle
    status = Path(f"/proc/{process.proc.pid}/status").read_text()
    assert "\nSeccomp:\t2\n" in status and "\nNoNewPrivs:\t1\n" in status


# --- fail closed where the filter cannot be installed --------------------------------------


def test_no_libseccomp_means_no_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyseccomp", None)  # as when libseccomp2 is missing
    with pytest.raises(sandbox.SandboxUnavailable, match="libseccomp"):
        sandbox.deny_network()
    refusal = query_worker.confine(0, allow_unsandboxed=False)
    assert refusal is not None and "apt-get install libseccomp2" in refusal
    assert "--allow-unsandboxed-queries" in refusal
    assert query_worker.confine(0, allow_unsandboxed=True) is None


def test_query_process_without_libseccomp_answers_503(
    tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real query process whose libseccomp cannot be loaded (a stand-in module raises as
    pyseccomp does then) runs no query; the engine answers 503 naming the fix."""
    (tmp_path / "pyseccomp.py").write_text("raise RuntimeError('Unable to find libseccomp')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    request = Engine.message(
        store_dir / "current",
        QueryRequest("ASK { ?s ?p ?o }", results_format=JSON, max_rows=10, timeout=30),
        "",
    )
    reply, inline = Engine(1).run(request, 30)
    assert reply["error"] == "sandbox"
    with pytest.raises(APIError) as refused:
        _answer(reply, inline, "", 10)
    assert refused.value.status == 503
    assert "libseccomp2" in refused.value.hint
    allowed, _ = Engine(1, limits=Limits(allow_unsandboxed=True)).run(request, 30)
    assert allowed["ok"], allowed


# --- the attack, replayed against a real server with the endpoint's check switched off -------


@pytest.fixture
def unchecked_server(start_server, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real server whose endpoint does not refuse SERVICE itself (fault injection)."""
    monkeypatch.setenv("TESTING_SKIP_SERVICE_CHECK", "1")
    return start_server("newskg.serve", "--store", store_dir, "--workers", "1")


def _send(base: str, how: str, query: str) -> tuple[int, dict]:
    headers = {"Accept": "application/sparql-results+json, text/turtle, application/json"}
    if how == "GET":
        request = urllib.request.Request(
            base + "/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers
        )
    elif how == "form":
        request = urllib.request.Request(
            base + "/sparql",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
    else:
        request = urllib.request.Request(
            base + "/sparql",
            data=query.encode(),
            headers={**headers, "Content-Type": "application/sparql-query"},
        )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


REFUSED = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    # The two queries of the issue that the lexer misread.
    "SELECT * WHERE {{ BIND(2<'>#' AS ?z) SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?i) "
    "SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> "
    "{{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/x> "
    "{{ ?s ?p ?o }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    # A host name (its lookup is refused too), IPv6, a service named by a variable.
    "SELECT * WHERE {{ SERVICE <http://localhost:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://[::1]:{port}/x> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/x> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
]


@pytest.mark.slow
def test_service_past_the_check_makes_no_connection(unchecked_server: str, listener) -> None:
    sock, port = listener
    for template in REFUSED:
        query = template.format(port=port)
        for how in ("GET", "form", "direct"):
            status, body = _send(unchecked_server, how, query)
            assert status == 400, (how, query, body)
            assert body["error"]["message"] == (
                "SERVICE is not allowed: this endpoint never fetches anything from elsewhere"
            )
    # SERVICE SILENT swallows the refusal, as SPARQL says it must: an empty answer, no fetch.
    silent = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
    for how in ("GET", "form", "direct"):
        status, body = _send(unchecked_server, how, silent)
        assert status == 200 and body["results"]["bindings"] == [{}], (how, body)
    assert_no_connection(sock)


# --- remote-store mode: the store runs the query, so its text may not name SERVICE ----------


@pytest.mark.parametrize(
    "query",
    [
        *(template.format(port=7878) for template in REFUSED),
        "SELECT * WHERE { S\\u0045RVICE <http://127.0.0.1:7878/x> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053ervice <http://127.0.0.1:7878/x> { ?s ?p ?o } }",
        "select * where { ?s ?p ?o SeRvIcE silent <http://127.0.0.1:7878/x> { ?s ?p ?o } }",
    ],
)
def test_remote_mode_refuses_any_service(query: str) -> None:
    from newskg.backends.remote.engine import refuse_service

    with pytest.raises(APIError) as refused:
        refuse_service(query)
    assert refused.value.status == 400
    assert refused.value.message.startswith("SERVICE is not allowed")


def test_remote_mode_passes_queries_without_service() -> None:
    from newskg.backends.remote.engine import refuse_service

    refuse_service("SELECT * WHERE { ?s <http://e/serv\\u0069> ?o } LIMIT 1")


@pytest.mark.slow
def test_remote_store_is_never_asked_to_fetch(
    tmp_path: Path, store_dir: Path, listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Served from a real ``oxigraph serve`` (which does fetch SERVICE) with the endpoint's
    check switched off: the query is refused before it is sent, and nobody connects."""
    import shutil

    from tests.backends.conftest import run_newskg, running_oxigraph, store_url
    from tests.conftest import running_server

    sock, port = listener
    with running_oxigraph(tmp_path) as oxigraph:
        staging = tmp_path / "staging"
        shutil.copytree(store_dir, staging, symlinks=True)
        store = store_url(oxigraph, staging)
        pushed = run_newskg("push", "--store", store)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        monkeypatch.setenv("TESTING_SKIP_SERVICE_CHECK", "1")
        with running_server(
            "newskg.cli", "serve", "--store", store, "--workers", "1", workdir=tmp_path
        ) as base:
            for template in REFUSED:
                for how in ("GET", "form", "direct"):
                    status, body = _send(base, how, template.format(port=port))
                    assert status == 400, (how, template, body)
                    assert body["error"]["message"].startswith("SERVICE is not allowed")
            status, body = _send(base, "GET", "ASK { ?s ?p ?o }")
            assert status == 200 and body["boolean"] is True
    assert_no_connection(sock)


def test_point_lookups_naming_service_go_to_a_query_process() -> None:
    """The fast lane evaluates in the web worker, which has the network: a lookup-shaped
    text that names SERVICE anywhere is never tried there, whatever the lexer read."""
    from newskg.sparql.engine import NO_DATASET
    from newskg.sparql.lookup import eligible

    assert eligible("SELECT ?p ?o WHERE { <http://e/x> ?p ?o }", NO_DATASET)
    for query in (
        "SELECT ?p ?o WHERE { <http://e/x> ?p ?o } # SERVICE",
        "SELECT ?p ?o WHERE { <http://e/x> ?p <http://e/S\\u0045RVICE> }",
    ):
        assert not eligible(query, NO_DATASET)
