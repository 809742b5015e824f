"""The query process's streaming writers (:mod:`newskg.sparql.solutions`) write, byte for byte, what
pyoxigraph's own serialisers write for the same solutions: a point lookup answered by the
fast lane (pyoxigraph's serialiser) and the same query answered by the engine (these
writers) are one representation, as their shared ETag promises."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from newskg.sparql.solutions import writer

XSD = "http://www.w3.org/2001/XMLSchema#"
SUBJECT = ox.NamedNode("http://example.org/s")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


# Every kind of value a writer must get right: language tags, non-ASCII and control
# characters, markup and quotes, numbers and booleans Turtle writes bare (and ones it must
# not), other datatypes, a blank node, an IRI with a query string.
OBJECTS = [
    ox.Literal("Beyrouth", language="fr"),
    ox.Literal("بيروت", language="ar"),
    ox.Literal("comma, \"quote\" <tag> & 'apos'\nline\ttab\r\x01\x7f/\\ é \u2028 \U0001f600"),
    ox.Literal("a\bb\fc\x00d\x1f"),
    ox.Literal(""),
    typed("1920-09-01", "date"),
    typed("2400000", "integer"),
    typed("-5", "integer"),
    typed("01", "integer"),
    typed("x", "integer"),
    typed("33.89", "decimal"),
    typed("1", "decimal"),
    typed("-0.5", "decimal"),
    typed("1.5E3", "double"),
    typed("1e300", "double"),
    typed("-1.25e-7", "double"),
    typed("INF", "double"),
    typed("NaN", "double"),
    typed("1.5", "float"),
    typed("true", "boolean"),
    typed("0", "boolean"),
    typed("12", "int"),
    typed("5", "long"),
    ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt")),
    ox.BlankNode("b0"),
    ox.NamedNode("http://www.wikidata.org/entity/Q1?a=1&b=é"),
]
QUERY = "SELECT ?p ?o ?unbound WHERE { <http://example.org/s> ?p ?o } ORDER BY ?p"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for index, value in enumerate(OBJECTS):
        store.add(
            ox.Quad(
                SUBJECT, ox.NamedNode(f"http://example.org/p{index:03d}"), value, ox.DefaultGraph()
            )
        )
    return store


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_writers_write_what_pyoxigraph_writes(store: ox.Store, name: str) -> None:
    native = io.BytesIO()
    store.query(QUERY).serialize(
        native, ox.QueryResultsFormat.from_extension({"json": "srj", "xml": "srx"}.get(name, name))
    )
    ours = io.BytesIO()
    solutions = store.query(QUERY)
    rows = writer(name, ours, [v.value for v in solutions.variables])
    for solution in solutions:
        rows.row(tuple(solution))
    rows.close()
    assert rows.rows == len(OBJECTS)
    assert ours.getvalue() == native.getvalue()
