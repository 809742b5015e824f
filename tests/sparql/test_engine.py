"""The query engine: killable query processes, every result format, row cap, DESCRIBE."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from newskg import formats
from newskg.backends import versions as store
from newskg.sparql.answers import QueryRequest
from newskg.sparql.engine import DatasetSpec, Engine, NotAcceptable, QueryTimeout
from newskg.web.http.errors import APIError

ID = "http://localhost:8000/id/"
NKG = "https://w3id.org/newskg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EVIDENCE = f"""
@prefix nkg: <{NKG}> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<http://localhost:8000/graph/a1> {{
  <{ID}statement/a1-0f3a9c2b7d10> nkg:evidence <{ID}span/a1/0-10> .
  <{ID}span/a1/0-10> nif:beginIndex 0 ; nif:endIndex 10 ; nif:anchorOf "We will re" .
}}
"""
# Six-way cross product of every triple: ~10^10 solutions, i.e. minutes of work.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = Engine(size=2)
    yield engine
    Engine._kill_all(engine.idle)


@pytest.fixture
def version_path(store_dir: Path, publish_version) -> Path:  # type: ignore[no-untyped-def]
    publish_version(store_dir, extra=EVIDENCE)
    return store.published(store_dir).path  # type: ignore[union-attr]


def run(
    engine: Engine,
    path: Path,
    query: str,
    fmt: str = "json",
    graph: str = "turtle",
    timeout: float = 10,
    max_rows: int = 1000,
    dataset: DatasetSpec | None = None,
) -> bytes:
    answer = engine.execute(
        path,
        QueryRequest(
            query,
            dataset or DatasetSpec(),
            formats.by_name(fmt),
            formats.by_name(graph),
            max_rows=max_rows,
            timeout=timeout,
        ),
    )
    with answer.body:
        data = answer.body.read()
    assert len(data) == answer.size
    return data


def in_process(path: Path, query: str) -> set[tuple[str | None, ...]]:
    solutions = pyoxigraph.Store.read_only(str(path)).query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return {tuple(None if s[n] is None else str(s[n]) for n in names) for s in solutions}


SELECT = f"SELECT ?s ?label WHERE {{ ?s <{RDFS_LABEL}> ?label OPTIONAL {{ ?s <{NKG}nope> ?x }} }}"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_in_every_results_format(engine: Engine, version_path: Path, fmt: str) -> None:
    data = run(engine, version_path, SELECT, fmt)
    if fmt == "csv":  # CSV carries values only: compare those
        lines = data.decode().split("\r\n")
        assert lines[0] == "s,label"
        got = {tuple(line.split(",", 1)) for line in lines[1:] if line}
        want = {
            (s.strip("<>"), label.split('"')[1]) for s, label in in_process(version_path, SELECT)
        }
        assert got == want
        return
    parsed = pyoxigraph.parse_query_results(io.BytesIO(data), formats.by_name(fmt).results_format)
    names = [v.value for v in parsed.variables]
    assert names == ["s", "label"]
    got = {tuple(None if s[n] is None else str(s[n]) for n in names) for s in parsed}
    assert got == in_process(version_path, SELECT)
    assert len(got) == 5  # the fixture's distinct labelled resources


def test_ask_and_construct(engine: Engine, version_path: Path) -> None:
    assert b"true" in run(engine, version_path, f"ASK {{ ?s a <{NKG}Actor> }}")
    construct = (
        f"CONSTRUCT {{ ?s <{RDFS_LABEL}> ?l }} WHERE {{ ?s a <{NKG}Actor> ; <{RDFS_LABEL}> ?l }}"
    )
    got = Graph().parse(data=run(engine, version_path, construct, graph="ntriples"), format="nt")
    want = Graph()
    want.add(
        (URIRef(ID + "actor/hassan-nasrallah"), URIRef(RDFS_LABEL), Literal("Hassan Nasrallah"))
    )
    want.add((URIRef(ID + "actor/esmail-qaani"), URIRef(RDFS_LABEL), Literal("Esmail Qaani")))
    assert isomorphic(got, want)


def test_describe_adds_labels_of_linked_resources_and_evidence(
    engine: Engine, version_path: Path
) -> None:
    statement = f"<{ID}statement/a1-0f3a9c2b7d10>"
    graph = Graph().parse(data=run(engine, version_path, f"DESCRIBE {statement}"), format="turtle")
    speaker = URIRef(ID + "actor/hassan-nasrallah")
    assert (speaker, URIRef(RDFS_LABEL), None) in graph  # the label of what it links to
    span = URIRef(ID + "span/a1/0-10")
    anchor = URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf")
    assert str(graph.value(span, anchor)) == "We will re"  # its provenance


def test_dataset_parameters_replace_the_union(engine: Engine, version_path: Path) -> None:
    query = f"SELECT ?s WHERE {{ ?s a <{NKG}Actor> }}"
    only_a1 = DatasetSpec(default_graphs=("http://localhost:8000/graph/a1",))
    data = run(engine, version_path, query, "tsv", dataset=only_a1).decode().split("\n")
    assert data[1:-1] == [f"<{ID}actor/hassan-nasrallah>"]


def test_syntax_error_names_line_and_column(engine: Engine, version_path: Path) -> None:
    with pytest.raises(APIError) as info:
        run(engine, version_path, "SELECT *\nWHERE { ?s ?p }")
    assert info.value.status == 400 and "2:" in info.value.message


def test_row_cap_is_an_error_not_a_truncation(engine: Engine, version_path: Path) -> None:
    with pytest.raises(APIError) as info:
        run(engine, version_path, "SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert info.value.status == 422 and "more than 5 rows" in info.value.message
    assert (
        len(
            run(engine, version_path, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", max_rows=5).split(
                b'"s":'
            )
        )
        == 6
    )


def test_not_acceptable_kind(engine: Engine, version_path: Path) -> None:
    with pytest.raises(NotAcceptable) as info:
        engine.execute(
            version_path,
            QueryRequest(
                "CONSTRUCT WHERE { ?s ?p ?o }",
                results_format=formats.by_name("json"),
                timeout=10,
                max_rows=100,
            ),
        )
    assert info.value.kind == "graph"


def query_processes() -> set[int]:
    """PIDs of this process's live query processes (from /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if (
            int(stat[1]) == os.getpid()
            and b"newskg.sparql.query_worker" in cmdline
            and stat[0] != "Z"
        ):
            pids.add(int(entry.name))
    return pids


def test_runaway_query_is_stopped_and_its_cpu_freed(engine: Engine, version_path: Path) -> None:
    # Query processes of other tests' engines (apps not yet collected) are not this one's.
    others = query_processes()
    started = time.monotonic()
    seen: set[int] = set()

    def watch() -> None:  # the query process exists while the query runs
        while time.monotonic() - started < 1.5:
            seen.update(query_processes() - others)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    with pytest.raises(QueryTimeout) as info:
        run(engine, version_path, RUNAWAY, timeout=1.0)
    elapsed = time.monotonic() - started
    watcher.join()
    assert info.value.status == 503 and "time limit of 1 s" in info.value.message
    assert 1.0 <= elapsed < 2.0
    assert seen, "no query process was seen running"
    time.sleep(0.2)
    assert not (seen & query_processes()), "the runaway query process still exists"
    assert engine.timeouts == 1
    # The engine answers the next query at once with a fresh process.
    assert b"true" in run(engine, version_path, "ASK { ?s ?p ?o }", timeout=5)


def test_other_queries_are_answered_while_one_runs_away(engine: Engine, version_path: Path) -> None:
    errors: list[BaseException] = []

    def runaway() -> None:
        try:
            run(engine, version_path, RUNAWAY, timeout=3.0)
        except QueryTimeout as exc:
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert b"true" in run(engine, version_path, "ASK { ?s ?p ?o }", timeout=5)
    assert time.monotonic() - started < 1.0
    thread.join()
    assert len(errors) == 1


def test_engine_lives_on_the_published_store(app: Flask, version_path: Path) -> None:
    """One engine per app (its published store's), made once however many threads ask."""
    from newskg.backends.local_published import LocalPublishedStore
    from newskg.backends.published import published_store
    from newskg.backends.versions import Version

    with app.app_context():
        store = published_store()
        assert isinstance(store, LocalPublishedStore)
        assert store.engine() is store.engine()
        answer = store.execute(
            Version(version_path.name, version_path),
            QueryRequest("ASK {}", results_format=formats.by_name("json"), timeout=5, max_rows=10),
        )
        with answer.body:
            assert b"true" in answer.body.read()
