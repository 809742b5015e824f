"""The triple stores the remote backend is tested against, each started for real on loopback:
``oxigraph serve`` (from the venv) and OpenLink Virtuoso 7 (``virtuoso-t``, Debian's
``virtuoso-opensource``; its tests skip where it is absent, ``.ci/run`` installs it).

:class:`Remote` says how to reach a running one: its ``--store`` parameters, the credentials
``newskg`` gets from the environment, and what the tests' own checks use (query and Graph
Store Protocol endpoints, auth), so that one test body runs against either store.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from requests.auth import AuthBase, HTTPDigestAuth

from tests.conftest import free_port

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
#: The remote's own time limit: it stops a query the web server gave up on (see docs/backends.md).
REMOTE_TIMEOUT_S = 5
#: The user newskg publishes to Virtuoso as: a user of its own with the SPARQL_UPDATE role
#: (docs/backends.md), not dba; the password is the test's only.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "newskg", "newskg-test-password"


@dataclass(frozen=True)
class Remote:
    """A running triple store."""

    kind: str  # "oxigraph" or "virtuoso"
    url: str  # http://127.0.0.1:PORT/
    params: dict[str, str] = field(default_factory=dict)  # the --store URL's parameters
    env: dict[str, str] = field(default_factory=dict)  # NEWSKG_REMOTE_* for newskg
    query_url: str = ""
    gsp_url: str = ""
    auth: AuthBase | None = None  # for the tests' own writes and GSP reads
    own_graphs: frozenset[str] = frozenset()  # graphs the store holds by itself (Virtuoso)


def _wait(process: subprocess.Popen[bytes], url: str, log_path: Path, name: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"{name} did not start:\n{log_path.read_text()}")
        time.sleep(0.1)


@contextlib.contextmanager
def running_oxigraph(workdir: Path) -> Iterator[Remote]:
    """``oxigraph serve`` on a fresh directory and a free loopback port until the block ends."""
    port = free_port()
    log_path = workdir / f"oxigraph-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                OXIGRAPH,
                "serve",
                "--location",
                workdir / f"oxigraph-{port}",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(REMOTE_TIMEOUT_S),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait(process, url + "query", log_path, "oxigraph")
        yield Remote("oxigraph", url, query_url=url + "query", gsp_url=url + "store")
    finally:
        process.kill()
        process.wait(timeout=10)


# A small Virtuoso: the database in the test's directory, both ports on loopback, little
# memory; no answer cut short below a dataset's size (ResultSetMaxRows), its own time limit.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
ThreadsPerQuery = 2
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
"""

#: The publishing user, as an administrator creates it (docs/backends.md, Virtuoso).
VIRTUOSO_SETUP = (
    f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); "
    f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";'
)


@contextlib.contextmanager
def running_virtuoso(
    workdir: Path, max_rows: int = 1_000_000, timeout: int = REMOTE_TIMEOUT_S
) -> Iterator[Remote]:
    """``virtuoso-t`` on a fresh database and free loopback ports until the block ends, with
    a user of its own for newskg (SPARQL_UPDATE role); skips where Virtuoso is absent.
    ``max_rows`` and ``timeout``: its own caps (ResultSetMaxRows, MaxQueryExecutionTime)."""
    if VIRTUOSO is None or ISQL is None:
        pytest.skip(
            "OpenLink Virtuoso 7 is not installed (virtuoso-t, isql-vt): "
            "apt-get install virtuoso-opensource (.ci/run does)"
        )
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:  # two calls may get the same free port
        http_port = free_port()
    directory = workdir / f"virtuoso-{http_port}"
    directory.mkdir()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            dir=directory,
            sql_port=sql_port,
            http_port=http_port,
            max_rows=max_rows,
            timeout=timeout,
        )
    )
    log_path = directory / "out.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", ini],
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{http_port}/"
    try:
        _wait(process, url + "sparql", log_path, "virtuoso-t")
        setup = subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_SETUP}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert setup.returncode == 0 and "Error" not in setup.stdout, setup.stdout + setup.stderr
        yield Remote(
            "virtuoso",
            url,
            params=VIRTUOSO_PARAMS,
            env={"NEWSKG_REMOTE_USER": VIRTUOSO_USER, "NEWSKG_REMOTE_PASSWORD": VIRTUOSO_PASSWORD},
            query_url=url + "sparql",
            gsp_url=url + "sparql-graph-crud-auth",
            auth=HTTPDigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD),
            own_graphs=frozenset(graph_names(url + "sparql")),
        )
    finally:
        process.kill()
        process.wait(timeout=30)


#: The --store parameters for Virtuoso (docs/backends.md): reads anonymous on /sparql, writes
#: on the endpoints that ask for digest credentials.
VIRTUOSO_PARAMS = {
    "query": "sparql",
    "update": "sparql-auth",
    "gsp": "sparql-graph-crud-auth",
    "union": "",
    "auth": "digest",
}

RUNNERS: dict[str, Callable[[Path], AbstractContextManager[Remote]]] = {
    "oxigraph": running_oxigraph,
    "virtuoso": running_virtuoso,
}


def graph_names(query_url: str, auth: AuthBase | None = None) -> set[str]:
    """The names of the graphs a store holds a triple in."""
    response = requests.post(
        query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        auth=auth,
        timeout=30,
    )
    response.raise_for_status()
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]}
