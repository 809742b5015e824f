"""The bundled corpus built under a base IRI that is not the server's address, served live,
and SPARQL over its published version: the oracle of the tests of lists, timelines and
networks (each module gets its own build and server from ``tests/web/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

from newskg.backends import versions
from tests.ops.publishing import newskg

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://news.example.org/kg/"


def build(store: Path, base: str = BASE) -> Path:
    """``newskg build`` of the bundled corpus into ``store`` under ``base``."""
    result = newskg("build", "--articles", ROOT / "articles", "--store", store, "--base-iri", base)
    assert result.returncode == 0, result.stderr
    return store


def sparql(store: Path, query: str) -> list[tuple[str, ...]]:
    """The rows of ``query`` over the union of the published version's graphs (an unbound
    value is "")."""
    rows = versions.open_published(store)[1].query(query, use_default_graph_as_union=True)
    return [tuple("" if term is None else term.value for term in row) for row in rows]
