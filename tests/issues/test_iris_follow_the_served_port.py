"""IRIs minted for localhost:8000 whatever port served them (issue 15, "Linked data that
machines can follow").

The attack: `make run PORT=8123`. The store was built under the default base
``http://localhost:8000/``, so every IRI a client read from port 8123 (in RDF documents and
SPARQL answers) led to port 8000, where nothing answers. Now the base IRI's default is
``http://localhost:PORT/`` with PORT the ``port`` setting, which ``make run`` gives both the
build and the server (``NEWSKG_PORT``); a server whose published version was minted for
another port of this machine says so at start-up, with the fix. Replayed as a new user runs
it: a relative store path, from the user's own directory, a live server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from tests.conftest import StartServer, free_port

ROOT = Path(__file__).resolve().parents[2]
ACTOR = "https://w3id.org/newskg/ontology#Actor"


def build(cwd: Path, port: int) -> None:
    """``make run PORT=port``'s build, from ``cwd``, into the relative ``var/store``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    done = subprocess.run(
        [sys.executable, "-m", "newskg.cli", "build", "--articles", str(ROOT / "articles")],
        cwd=cwd,
        env={**env, "NEWSKG_PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (cwd / "var" / "store" / "current").exists()


def turtle(url: str) -> Graph:
    request = urllib.request.Request(url, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return Graph().parse(data=answer.read(), format="turtle")


@pytest.mark.slow
def test_every_iri_of_a_document_dereferences_on_the_port_it_was_served_from(
    tmp_path: Path, start_server: StartServer
) -> None:
    port = free_port()
    build(tmp_path, port)
    server = start_server(
        "newskg.serve", "--store", tmp_path / "var" / "store", "--workers", "1", port=port
    )
    listing = urllib.request.urlopen(server + "/actors", timeout=30).read().decode()
    path = re.search(r'href="(/id/actor/[^"#?]+)"', listing)
    assert path is not None, listing
    document = turtle(server + path.group(1))
    base = f"http://localhost:{port}/"
    minted = {
        str(term)
        for triple in document
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(base)
    }
    assert URIRef(base + path.group(1)[1:]) in set(document.subjects())
    assert len(minted) > 3, minted
    for iri in sorted(minted):  # each answers with its own document, about it
        about = turtle(iri.replace("localhost", "127.0.0.1"))
        assert (URIRef(iri), None, None) in about or (None, None, URIRef(iri)) in about, iri
    log = (tmp_path / f"server-{port}.log").read_text()
    assert "warning" not in log, log


@pytest.mark.slow
def test_a_server_on_another_port_than_its_iris_says_so(
    tmp_path: Path, start_server: StartServer
) -> None:
    minted_for, served_on = free_port(), free_port()
    build(tmp_path, minted_for)
    start_server("newskg.serve", "--store", tmp_path / "var" / "store", port=served_on)
    log = (tmp_path / f"server-{served_on}.log").read_text()
    assert (
        f"newskg serve: warning: the published version mints IRIs under "
        f"http://localhost:{minted_for}/, but this server listens on port {served_on}"
    ) in log, log
    assert f"`newskg build --base-iri http://localhost:{served_on}/`" in log, log
