"""Several replicas: the procedure of docs/operations.md ("Running several replicas"), run as
written.

Two replica store directories get the published version of a built store through the
shipped script ``deploy/ship-version.sh``; two ``newskg serve`` processes serve them; requests
alternate between them as a load balancer would send them. A new version is built and
shipped to both while requests keep coming: none fails, both serve the new version within
a second or two, and for each version both replicas answer with identical ETags and
bodies."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from newskg.backends.published import CHECK_INTERVAL
from newskg.backends.versions import published
from newskg.publishing import dumps as dumplib
from tests.conftest import ROOT, CorpusBuild, running_server
from tests.ops.raw_http import Reply, exchange

pytestmark = pytest.mark.slow

HOST = {"Host": "kg.example.org"}  # what a load balancer passes on: the public name
ADDED = (
    '\n\n"The figures will be published on Friday," said Jonas Berg, a spokesman for '
    "the Baltic Shipping Council, in Riga on Tuesday.\n"
)
QUERY = (
    "SELECT ?s ?label WHERE { ?s a <https://w3id.org/newskg/ontology#Actor> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"
)


SHIP_VERSION = ROOT / "deploy" / "ship-version.sh"  # the script docs/operations.md prescribes


def ship(script: Path, store: Path, replica: Path) -> None:
    done = subprocess.run(
        ["sh", str(script), str(store), str(replica)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + file.read_bytes())
    return digest.hexdigest()


def ask(base: str, path: str, headers: dict[str, str] | None = None) -> Reply:
    return exchange(base, "GET", path, {**HOST, **(headers or {})})


def version_of(base: str) -> str:
    return json.loads(ask(base, "/healthz").body)["version"]


def same_answers(replicas: list[str], actor: str, dump: str) -> str:
    """Both replicas answer alike; returns the query's ETag."""
    query = "/sparql?query=" + urllib.parse.quote(QUERY)
    answers = [ask(b, query, {"Accept": "application/sparql-results+json"}) for b in replicas]
    assert all(a.status == 200 for a in answers)
    assert answers[0].header("ETag") == answers[1].header("ETag")
    assert answers[0].header("Last-Modified") == answers[1].header("Last-Modified")
    assert answers[0].body == answers[1].body
    pages = [ask(b, actor, {"Accept": "text/turtle"}) for b in replicas]
    graphs = [rdflib.Graph().parse(data=p.body, format="turtle") for p in pages]
    assert len(graphs[0]) > 0 and isomorphic(graphs[0], graphs[1])
    dumps = [ask(b, dump, {"Range": "bytes=0-99"}) for b in replicas]
    assert [d.status for d in dumps] == [206, 206]
    assert dumps[0].header("ETag") == dumps[1].header("ETag")
    assert dumps[0].body == dumps[1].body
    return answers[0].header("ETag") or ""


def test_replicas_serve_shipped_versions_alike(corpus_build: CorpusBuild, tmp_path: Path) -> None:
    script = SHIP_VERSION
    primary = tmp_path / "primary"
    shutil.copytree(corpus_build.store, primary, symlinks=True)
    first = published(primary)
    assert first is not None
    replicas_dirs = [tmp_path / "replica-1", tmp_path / "replica-2"]
    for replica in replicas_dirs:
        ship(script, primary, replica)
    with (
        running_server(
            "newskg.serve", "--store", replicas_dirs[0], "--workers", "2", workdir=tmp_path
        ) as one,
        running_server(
            "newskg.serve", "--store", replicas_dirs[1], "--workers", "2", workdir=tmp_path
        ) as two,
    ):
        replicas = [one, two]
        assert [version_of(b) for b in replicas] == [first.id, first.id]
        actor_iri = json.loads(
            ask(
                one,
                "/sparql?query=" + urllib.parse.quote(QUERY),
                {"Accept": "application/sparql-results+json"},
            ).body
        )["results"]["bindings"][0]["s"]["value"]
        actor = "/id/" + actor_iri.split("/id/", 1)[1]
        old_dump = "/dumps/" + dumplib.listing(dumplib.dumps_dir(primary, first.id))[0].name
        etag_first = same_answers(replicas, actor, old_dump)
        digest = tree_digest(replicas_dirs[0] / "versions" / first.id)

        # Requests keep alternating between the replicas while a new version is shipped.
        failures: list[str] = []
        served = 0
        stop = threading.Event()

        def balance() -> None:
            nonlocal served
            while not stop.is_set():
                for base in replicas:
                    reply = ask(base, actor, {"Accept": "text/html"})
                    served += 1
                    if reply.status != 200:
                        failures.append(f"{base}: {reply.status}")

        balancer = threading.Thread(target=balance)
        balancer.start()
        try:
            # The same articles, one with a paragraph more: every page asked for stays.
            changed = tmp_path / "articles"
            shutil.copytree(ROOT / "articles", changed)
            first_article = sorted(changed.glob("*.txt"))[0]
            first_article.write_text(
                first_article.read_text(encoding="utf-8") + ADDED, encoding="utf-8"
            )
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newskg.cli",
                    "build",
                    "--articles",
                    changed,
                    "--store",
                    primary,
                    "--quiet",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode in (0, 1), done.stderr
            second = published(primary)
            assert second is not None and second.id != first.id
            for replica in replicas_dirs:
                ship(script, primary, replica)
            shipped = time.monotonic()
            waits = []
            for base in replicas:
                while version_of(base) != second.id:
                    assert time.monotonic() - shipped < 2.5, f"{base} still serves {first.id}"
                    time.sleep(0.05)
                waits.append(time.monotonic() - shipped)
            # /healthz reached one web worker; each worker looks for a new version at most
            # every CHECK_INTERVAL, so the other may serve the old one that much longer.
            time.sleep(CHECK_INTERVAL + 0.2)
        finally:
            stop.set()
            balancer.join()
        assert served > 0 and not failures, failures
        print(
            f"\nboth replicas served {second.id} {max(waits):.2f} s after shipping; "
            f"{served} requests alternated between them during the switch, none failed"
        )

        new_dump = "/dumps/" + dumplib.listing(dumplib.dumps_dir(primary, second.id))[0].name
        etag_second = same_answers(replicas, actor, new_dump)
        assert etag_second != etag_first
        # A download of the old version's dump begun before the switch can still finish.
        assert [ask(b, old_dump, {"Range": "bytes=0-9"}).status for b in replicas] == [206, 206]
        # The servers read their copies and never wrote into them.
        assert tree_digest(replicas_dirs[0] / "versions" / first.id) == digest
