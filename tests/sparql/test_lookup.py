"""Point lookups answered in the web worker (:mod:`newskg.sparql.lookup`, "the fast lane"),
through the test client: they send the engine's very bytes, are counted by
``newskg_fast_lane_total`` and not by the answer cache, keep the row cap, ETags and
throttling, and leave to the engine what it must answer (a dataset given by the request,
more than ``LANE_ROWS`` rows, an answer too large for memory, a syntax error)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from rdflib.query import Result

from newskg import formats
from newskg.backends.versions import published
from newskg.sparql import lookup
from newskg.sparql.answers import QueryRequest
from newskg.sparql.engine import Engine
from newskg.sparql.lexer import point_lookup
from newskg.web import create_app
from newskg.web.http import throttle
from tests.web.mini import G1, ID, LABELS, NKG

JSON = {"Accept": "application/json"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NASRALLAH = f"<{ID}actor/hassan-nasrallah>"
# Nasrallah is in both graphs of mini.trig: over their union each triple comes twice.
LOOKUP = f"SELECT ?p ?o WHERE {{ {NASRALLAH} ?p ?o }}"
NASRALLAH_ROWS = {
    (RDF_TYPE, NKG + "Actor"),
    (RDFS_LABEL, "Hassan Nasrallah"),
    (NKG + "mentionedIn", ID + "article/a1"),
    (NKG + "mentionedIn", ID + "article/a2"),
}
# A subject with every kind of term a results writer must get right: language tags,
# non-ASCII text, typed literals, a blank node, and text CSV/TSV/XML must escape.
RICH = f"<{ID}place/rich>"
RICH_TRIG = f"""
<http://localhost:8000/graph/rich> {{
  {RICH} <http://www.w3.org/2004/02/skos/core#prefLabel> "Beyrouth"@fr , "بيروت"@ar ;
    <http://schema.org/description> "comma, \\"quote\\" <tag> & amp\\nnew line\\ttab" ;
    <http://schema.org/foundingDate> "1920-09-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
    <http://schema.org/population> 2400000 ;
    <http://schema.org/geo> [ <http://schema.org/latitude> 33.89 ] ;
    <http://schema.org/sameAs> <http://www.wikidata.org/entity/Q3820> .
}}
"""
RICH_LOOKUP = f"SELECT * {{ {RICH} ?p ?o }}"
ASK_LOOKUP = f"ASK {{ {NASRALLAH} a <{NKG}Actor> }}"


@pytest.fixture
def app(store_dir: Path, tmp_path: Path, publish_version) -> Flask:  # type: ignore[no-untyped-def]
    """mini.trig plus RICH_TRIG, with an answer cache of its own."""
    publish_version(store_dir, extra=RICH_TRIG)
    return make_app(store_dir, tmp_path)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """A query process pool of the tests' own, to get the engine's bytes without the app."""
    engine = Engine(size=1)
    yield engine
    Engine._kill_all(engine.idle, engine.spool)


def make_app(store_dir: Path, tmp_path: Path, **config: object) -> Flask:
    return create_app(
        {"STORE": str(store_dir), "TESTING": True, "CACHE_DIR": str(tmp_path / "cache"), **config}
    )


def get(client: FlaskClient, headers: dict[str, str] | None = None, **params):
    return client.get("/sparql", query_string=params, headers=headers or {})


def rows(response, fmt: str = "json") -> list[tuple[str, ...]]:
    """A SELECT answer's rows as strings, in order (parsed by rdflib's result parsers)."""
    assert response.status_code == 200, response.data
    result = Result.parse(io.BytesIO(response.data), format=fmt)
    return [tuple(str(row[v]) for v in result.vars) for row in result]


def error(response) -> dict:
    assert response.mimetype == "application/json", response.data
    return json.loads(response.data)["error"]


def metric(client: FlaskClient, name: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


def counters(client: FlaskClient) -> tuple[float, float, float]:
    """(lane answers, cache hits, cache misses) so far."""
    return (
        metric(client, "newskg_fast_lane_total"),
        metric(client, "newskg_cache_hits_total"),
        metric(client, "newskg_cache_misses_total"),
    )


def engine_bytes(engine: Engine, store_dir: Path, query: str, fmt: str) -> bytes:
    version = published(store_dir)
    assert version is not None
    answer = engine.execute(
        version.path,
        QueryRequest(query, results_format=formats.by_name(fmt), timeout=10, max_rows=100_000),
    )
    with answer.body:
        return answer.body.read()


# --- the lane's bytes are the engine's ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(
    "query", [LOOKUP, RICH_LOOKUP, ASK_LOOKUP], ids=["duplicates", "every-term-kind", "ask"]
)
def test_lane_sends_the_engines_bytes(
    client: FlaskClient,
    engine: Engine,
    store_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    fmt: str,
) -> None:
    """Same query, same format: the lane's body and Content-Type are the engine's.

    The engine's answer comes two ways: straight from a query process (``Engine.execute``,
    the bytes alone), and through the endpoint with the lane switched off (the whole
    response). Sending the lookup with ``default-graph-uri`` would not be a true comparison:
    naming the graphs makes the default graph their merge, read graph by graph, so the rows
    come in another order than over the union of all graphs that the lane and engine use."""
    lane_before = metric(client, "newskg_fast_lane_total")
    lane = get(client, query=query, format=fmt)
    assert lane.status_code == 200
    assert metric(client, "newskg_fast_lane_total") == lane_before + 1
    assert lane.data == engine_bytes(engine, store_dir, query, fmt)

    monkeypatch.setattr(lookup, "eligible", lambda *args: False)
    engine_answer = get(client, query=query, format=fmt)
    assert metric(client, "newskg_fast_lane_total") == lane_before + 1  # not the lane
    assert engine_answer.data == lane.data
    assert engine_answer.headers["Content-Type"] == lane.headers["Content-Type"]
    assert lane.headers["Content-Length"] == str(len(lane.data))


def test_lane_answer_is_right(client: FlaskClient) -> None:
    """Not only the engine's bytes: the rows are the subject's triples, once per graph (3 in
    a1, 3 in a2: the same type and label in both)."""
    got = rows(get(client, query=LOOKUP))
    assert set(got) == NASRALLAH_ROWS and len(got) == 6
    ask = get(client, query=ASK_LOOKUP)
    assert Result.parse(io.BytesIO(ask.data), format="json").askAnswer is True


# --- metrics and the answer cache ---------------------------------------------------------------


def test_lane_is_counted_and_bypasses_the_cache(client: FlaskClient, tmp_path: Path) -> None:
    """Each lookup moves the lane counter only, twice the same text included (it is made
    again, not cached); a query that is no lookup still goes through the cache."""
    lane, hits, misses = counters(client)
    for query in (LOOKUP, LOOKUP, ASK_LOOKUP):
        assert get(client, query=query).status_code == 200
    assert counters(client) == (lane + 3, hits, misses)
    cache = tmp_path / "cache"
    assert not [f for f in cache.rglob("*") if f.is_file()]  # nothing written either

    assert get(client, query=LABELS).status_code == 200
    assert counters(client) == (lane + 3, hits, misses + 1)
    assert len([f for f in cache.rglob("*") if f.is_file()]) == 1


def test_dataset_parameters_go_to_the_engine(client: FlaskClient) -> None:
    """A lookup with default-graph-uri is the engine's (the lane has no dataset but the
    union): only graph a1's triples come back, and the cache counts it."""
    lane, hits, misses = counters(client)
    got = rows(get(client, query=LOOKUP, **{"default-graph-uri": G1}))
    assert sorted(got) == sorted(NASRALLAH_ROWS - {(NKG + "mentionedIn", ID + "article/a2")})
    assert counters(client) == (lane, hits, misses + 1)


# --- the row cap --------------------------------------------------------------------------------


def test_lane_signals_the_row_cap(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MAX_ROWS under LANE_ROWS and a lookup over it: the lane itself answers 422 (the cache,
    which the engine's way goes through, is not asked), in the engine's words (the one error
    shape), never a truncated answer."""
    client = make_app(store_dir, tmp_path, MAX_ROWS=5).test_client()
    _, hits, misses = counters(client)
    capped = get(client, JSON, query=LOOKUP)  # 6 rows
    assert capped.status_code == 422
    assert counters(client)[1:] == (hits, misses)
    shape = error(capped)
    assert set(shape) == {"status", "title", "message", "hint"} and shape["status"] == 422
    assert "more than 5 rows" in shape["message"] and "LIMIT 5" in shape["hint"]
    assert len(rows(get(client, query=LOOKUP + " LIMIT 5"))) == 5

    monkeypatch.setattr(lookup, "eligible", lambda *args: False)
    assert get(client, JSON, query=LOOKUP).data == capped.data  # the engine says the same


BIG_ROWS = 1100
BIG = f"<{ID}thing/big>"
BIG_TRIG = (
    "<http://localhost:8000/graph/big> {\n"
    + "".join(f'{BIG} <{NKG}tag> "tag {n}" .\n' for n in range(BIG_ROWS))
    + "}\n"
)


def test_more_than_lane_rows_is_the_engines(
    store_dir: Path, tmp_path: Path, publish_version
) -> None:  # type: ignore[no-untyped-def]
    """A subject with more than LANE_ROWS triples and MAX_ROWS above that: the answer is
    whole, and it came from the engine (lane counter still, one cache miss)."""
    assert lookup.LANE_ROWS < BIG_ROWS
    publish_version(store_dir, extra=BIG_TRIG)
    client = make_app(store_dir, tmp_path).test_client()  # MAX_ROWS: 100000 by default
    lane, hits, misses = counters(client)
    got = rows(get(client, query=f"SELECT ?o {{ {BIG} <{NKG}tag> ?o }}", format="tsv"), "tsv")
    assert sorted(got) == sorted((f"tag {n}",) for n in range(BIG_ROWS))
    assert counters(client) == (lane, hits, misses + 1)


@pytest.mark.parametrize(
    ("modifiers", "expected", "by_lane"),
    [
        ("LIMIT 10", 10, True),
        ("OFFSET 990", BIG_ROWS - 990, True),
        ("LIMIT 5 OFFSET 1000", 5, True),
        ("LIMIT 2000", BIG_ROWS, False),
        ("OFFSET 1050 LIMIT 20", 20, False),
    ],
)
def test_limit_and_offset_bound_the_lanes_work(
    store_dir: Path, tmp_path: Path, publish_version, modifiers: str, expected: int, by_lane: bool
) -> None:  # type: ignore[no-untyped-def]
    """The lane reads at most LANE_ROWS + 1 rows after skipping at most LANE_ROWS: a LIMIT or
    OFFSET over that is the engine's. Either way the rows are those asked for."""
    publish_version(store_dir, extra=BIG_TRIG)
    client = make_app(store_dir, tmp_path).test_client()
    lane, _, misses = counters(client)
    query = f"SELECT ?o {{ {BIG} <{NKG}tag> ?o }} {modifiers}"
    assert len(rows(get(client, query=query, format="tsv"), "tsv")) == expected
    assert counters(client)[0::2] == ((lane + 1, misses) if by_lane else (lane, misses + 1))


def test_answer_too_large_for_memory_is_the_engines(
    store_dir: Path, tmp_path: Path, publish_version
) -> None:  # type: ignore[no-untyped-def]
    """One row can outgrow the lane's memory (INLINE_MAX): the engine answers it in full."""
    text = "x" * (1024 * 1024 + 10)
    publish_version(store_dir, extra=f'<{ID}g/huge> {{ <{ID}thing/huge> <{NKG}text> "{text}" }}')
    client = make_app(store_dir, tmp_path).test_client()
    lane, _, misses = counters(client)
    got = rows(get(client, query=f"SELECT ?o {{ <{ID}thing/huge> <{NKG}text> ?o }}"))
    assert got == [(text,)]
    assert counters(client)[0::2] == (lane, misses + 1)


# --- syntax errors, HTTP caching, throttling ----------------------------------------------------


def test_broken_lookup_gets_the_engines_400(client: FlaskClient) -> None:
    """The lexer accepts ``LIMIT 1 0``; the parser does not, and the engine words the 400
    with the line and column (the lane does not answer it)."""
    query = "SELECT ?p ?o WHERE {\n  <http://x/s> ?p ?o\n} LIMIT 1 0"
    assert point_lookup(query)
    lane = metric(client, "newskg_fast_lane_total")
    response = get(client, JSON, query=query)
    assert response.status_code == 400
    assert re.search(r"\b3:\d+", error(response)["message"]), error(response)
    assert metric(client, "newskg_fast_lane_total") == lane


def test_etag_and_304_for_a_lane_answer(client: FlaskClient) -> None:
    """A lane answer has validators, and revalidating it is a 304 that evaluates nothing."""
    first = get(client, query=LOOKUP)
    etag = first.headers["ETag"]
    lane = metric(client, "newskg_fast_lane_total")
    again = get(client, {"If-None-Match": etag}, query=LOOKUP)
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert (
        get(client, {"If-Modified-Since": first.headers["Last-Modified"]}, query=LOOKUP).status_code
        == 304
    )
    assert metric(client, "newskg_fast_lane_total") == lane
    other = get(client, {"If-None-Match": etag}, query=LOOKUP, format="tsv")
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_lane_time_is_charged_to_the_client(store_dir: Path, tmp_path: Path) -> None:
    """A budget of a nanosecond that drains at 1e-18 s/s: the first lookup is let through
    (no debt yet) and its lane time alone (no query process ran) makes the next one 429."""
    client = make_app(
        store_dir, tmp_path, THROTTLE_QUERY_SECONDS=1e-9, THROTTLE_WINDOW=1e9
    ).test_client()
    lane = metric(client, "newskg_fast_lane_total")
    assert get(client, query=LOOKUP).status_code == 200
    assert metric(client, "newskg_fast_lane_total") == lane + 1
    refused = get(client, JSON, query=LOOKUP)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert error(refused)["status"] == 429


def test_lane_time_is_recorded_for_the_throttle(store_dir: Path, tmp_path: Path) -> None:
    """What newskg.web.http.throttle keeps: the client's debt grows by the lane's time, for a
    plain lookup and for one with a parameter the endpoint ignores."""
    app = make_app(store_dir, tmp_path, THROTTLE_QUERY_SECONDS=60.0, THROTTLE_WINDOW=1e9)
    budgets = app.extensions[throttle.EXTENSION]
    client = app.test_client()
    lane = metric(client, "newskg_fast_lane_total")
    assert get(client, query=LOOKUP).status_code == 200
    first = budgets.debt("127.0.0.1")
    assert get(client, query=LOOKUP, stray="1").status_code == 200
    second = budgets.debt("127.0.0.1")
    assert metric(client, "newskg_fast_lane_total") == lane + 2
    assert 0 < first < second < 1


def test_a_percent_encoded_name_is_charged(store_dir: Path, tmp_path: Path) -> None:
    """``%71uery=`` is ``query=``: the lane answers it and charges it, with a stray parameter
    too (issue 11's throttle bypass)."""
    from urllib.parse import quote

    app = make_app(store_dir, tmp_path, THROTTLE_QUERY_SECONDS=60.0, THROTTLE_WINDOW=1e9)
    budgets = app.extensions[throttle.EXTENSION]
    client = app.test_client()
    lane = metric(client, "newskg_fast_lane_total")
    assert client.get("/sparql?%71uery=" + quote(LOOKUP)).status_code == 200
    first = budgets.debt("127.0.0.1")
    assert client.get("/sparql?stray=1&%71uery=" + quote(LOOKUP)).status_code == 200
    assert metric(client, "newskg_fast_lane_total") == lane + 2
    assert 0 < first < budgets.debt("127.0.0.1")


def test_text_hidden_from_the_lexer_is_not_the_lanes(client: FlaskClient) -> None:
    """``e:x\\#`` is one prefixed name to the parser (an escaped ``#``); a lexer that ends the
    name at the backslash reads the rest of the line as a comment and takes this path and
    join for a point lookup, which the lane would then run with no time limit."""
    query = (
        f"PREFIX e: <http://e/>\nSELECT * WHERE {{ <{ID}place/beirut> "
        f"e:x\\#|^<{NKG}place>/<{NKG}participant> ?who . ?who ?p\n?o }}"
    )
    lane, _, misses = counters(client)
    response = get(client, query=query)
    assert response.status_code == 200, response.data
    who = {row["who"]["value"] for row in json.loads(response.data)["results"]["bindings"]}
    assert who == {ID + "actor/esmail-qaani", ID + "actor/hassan-nasrallah"}
    assert counters(client)[0::2] == (lane, misses + 1)


# --- sorted lookups (issue 15) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        "ORDER BY ?p ?o",
        "order by desc(?o) ASC( ?p ) LIMIT 3 OFFSET 1",
        "ORDER BY ?o # a comment\nOFFSET 2",
    ],
)
def test_a_sorted_lookup_is_the_lanes(
    client: FlaskClient, engine: Engine, store_dir: Path, order: str
) -> None:
    """A point lookup sorted by its variables (then paged) is answered in the web worker,
    not cached, with the engine's very bytes."""
    query = f"{LOOKUP} {order}"
    lane, hits, misses = counters(client)
    response = get(client, query=query, format="tsv")
    assert response.status_code == 200, response.data
    assert counters(client) == (lane + 1, hits, misses)
    assert response.data == engine_bytes(engine, store_dir, query, "tsv")
    everything = sorted(rows(get(client, query=f"{LOOKUP} ORDER BY ?p ?o")))
    assert rows(get(client, query=f"{LOOKUP} ORDER BY ?p ?o")) == everything


def test_a_sorted_lookup_over_lane_rows_is_the_engines(
    store_dir: Path, tmp_path: Path, publish_version
) -> None:  # type: ignore[no-untyped-def]
    """Sorting reads every triple of the subject, whatever LIMIT says: with more than
    LANE_ROWS of them the engine answers (counted as a cache miss), and rightly."""
    publish_version(store_dir, extra=BIG_TRIG)
    client = make_app(store_dir, tmp_path).test_client()
    lane, _, misses = counters(client)
    query = f"SELECT ?o {{ {BIG} <{NKG}tag> ?o }} ORDER BY DESC(?o) LIMIT 3"
    got = rows(get(client, query=query, format="tsv"), "tsv")
    assert got == sorted(((f"tag {n}",) for n in range(BIG_ROWS)), reverse=True)[:3]
    assert counters(client)[0::2] == (lane, misses + 1)


@pytest.mark.parametrize(
    ("order", "status"),
    [
        ("ORDER BY STRLEN(?o)", 200),  # an expression: its cost is not bounded here
        ("ORDER BY ?p #\rSTRLEN(?o)\n", 200),  # a comment ends at CR: STRLEN is a sort key
        ("ORDER BY ?p LIMIT 1 0", 400),  # the parser refuses it: the engine words the 400
        ("ORDER BY ?p FILTER", 400),
    ],
)
def test_other_sorts_are_the_engines(client: FlaskClient, order: str, status: int) -> None:
    lane = metric(client, "newskg_fast_lane_total")
    response = get(client, JSON, query=f"{LOOKUP} {order}")
    assert response.status_code == status, response.data
    if status == 200:
        assert len(rows(response)) == 6  # every triple of the subject, in both graphs
    assert metric(client, "newskg_fast_lane_total") == lane
