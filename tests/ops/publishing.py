"""Helpers of the publishing tests: run the real ``newskg`` command, read a store back as
graphs, and check that a published version is complete and valid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from newskg.backends import versions as store
from newskg.publishing import validation

ROOT = Path(__file__).resolve().parents[2]
NEWSKG = [sys.executable, "-m", "newskg.cli"]
ONTOLOGY = "https://w3id.org/newskg/ontology"
BASE = "http://localhost:8000/"


def write_articles(directory: Path, names: dict[str, str]) -> Path:
    """Write each ``name -> text`` as ``directory/name.txt``; returns ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in names.items():
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    return directory


def assert_dumps_hold(folder: Path, version_id: str, opened: pyoxigraph.Store) -> None:
    """The four full dumps in ``folder`` hold exactly ``opened``: N-Quads and TriG each
    named graph (compared as graphs), Turtle and N-Triples their union."""
    import gzip

    from rdflib import URIRef

    from newskg import formats

    expected = Dataset()
    expected.parse(data=opened.dump(format=pyoxigraph.RdfFormat.N_QUADS), format="nquads")
    union = Graph()
    for s, p, o, _ in expected.quads():
        union.add((s, p, o))
    assert len(union) == len(opened)  # no triple is stored in two graphs
    names = {str(g.identifier) for g in expected.graphs() if len(g)}
    for ext in ("nq", "trig", "ttl", "nt"):
        fmt = formats.by_extension(ext)
        data = gzip.decompress((folder / f"newskg-{version_id}.{ext}.gz").read_bytes())
        if fmt.holds_quads:
            got = Dataset()
            got.parse(data=data, format=fmt.rdflib)
            assert {str(g.identifier) for g in got.graphs() if len(g)} == names, ext
            for name in names:
                assert isomorphic(got.graph(URIRef(name)), expected.graph(URIRef(name))), name
        else:
            assert isomorphic(Graph().parse(data=data, format=fmt.rdflib), union), ext


def build_synthetic(folder: Path, numbers: tuple[int, ...] = (0, 1)) -> Path:
    """Build made-up articles ``numbers`` (tests.ops.synthetic) into ``folder/store``."""
    from tests.ops import synthetic

    for n in numbers:
        synthetic.write(folder / "articles", n)
    result = newskg("build", "--articles", folder / "articles", "--store", folder / "store", "-q")
    assert result.returncode == 0, result.stderr
    return folder / "store"


def newskg(
    *args: str | Path, timeout: float = 600, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``newskg ARGS`` (settings only from ARGS, none from NEWSKG_* of the caller)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    return subprocess.run(
        [*NEWSKG, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON report a ``--json`` run printed."""
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"no JSON report:\n{result.stdout}\n{result.stderr}") from exc


def graphs(store_dir: Path) -> dict[str, Graph]:
    """The published version's named graphs, by name."""
    _, opened = store.open_published(store_dir)
    data = Dataset()
    data.parse(data=opened.dump(format=pyoxigraph.RdfFormat.N_QUADS).decode(), format="nquads")
    return {str(g.identifier): g for g in data.graphs() if len(g)}


def assert_same_graphs(actual: Path, expected: Path) -> None:
    """Both stores' published versions hold the same named graphs, each isomorphic."""
    mine, theirs = graphs(actual), graphs(expected)
    assert sorted(mine) == sorted(theirs)
    for name in theirs:
        assert isomorphic(mine[name], theirs[name]), f"graph {name} differs"


def article_graphs(store_dir: Path) -> set[str]:
    return {
        name.removeprefix(BASE + "graph/")
        for name in graphs(store_dir)
        if name.startswith(BASE + "graph/") and name != BASE + "graph/entities"
    }


def check_published(store_dir: Path) -> store.Version:
    """The published version opens read-only, holds exactly the articles and triples its
    summary lists, and conforms to the shapes; returns it."""
    version, opened = store.open_published(store_dir)
    summary = version.summary()
    names = {
        q.graph_name.value
        for q in opened.quads_for_pattern(None, None, None)
        if isinstance(q.graph_name, pyoxigraph.NamedNode)
    }
    expected = {BASE + "graph/" + a for a in summary["published"]}
    assert names == expected | {BASE + "graph/entities", ONTOLOGY}, (version.id, names)
    assert len(opened) == summary["triples"], version.id
    assert store.count_classes(opened) == summary["counts"], version.id  # (kept by delta too)
    report = validation.validate_store(opened)
    assert report.conforms, report.text(version.id)
    return version
