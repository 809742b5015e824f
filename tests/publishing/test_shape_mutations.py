"""Mutations of the corpus graphs, at least one violating each constraint of the shapes:
the compiled checks and pySHACL report the same results on every mutated store.

The mutations (shape_mutations.py) are generated from the compiled checks, plus hand-written
ones for the SPARQL constraints and, here, for literal edge cases.
``test_every_constraint_is_violated`` fails when a constraint added to the shapes has no
mutation that violates it. pySHACL is slow, so mutations that touch different nodes share a
store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from newskg.backends.versions.layout import published
from newskg.publishing.shape_checks import check_store, run_checks
from newskg.publishing.shape_compiler import CompiledShape, compile_shapes
from tests.conftest import CorpusBuild
from tests.publishing.shape_agreement import assert_agree
from tests.publishing.shape_mutations import (
    EX,
    NIF,
    NKG,
    PREFIXES,
    XSD_NS,
    Data,
    Mutation,
    batches_of,
    check_mutations,
    mutated,
    replace_values,
)


def _edge_cases(data: Data) -> Iterator[Mutation]:
    """Literal edge cases where engines tend to differ: only agreement is required."""
    xsd = {
        name: ox.NamedNode(XSD_NS + name)
        for name in ("integer", "decimal", "date", "gYear", "string")
    }
    q = (
        PREFIXES
        + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX schema: <http://schema.org/> "
    )
    cases: list[tuple[str, str, str, ox.NamedNode | ox.Literal | ox.BlankNode]] = [
        (
            "ill-typed decimal confidence",
            "SELECT ?n WHERE { ?n nkg:confidence ?c } ORDER BY DESC(?n)",
            NKG + "confidence",
            ox.Literal("abc", datatype=xsd["decimal"]),
        ),
        (
            "integer confidence",
            "SELECT ?n WHERE { ?n nkg:confidence ?c } ORDER BY DESC(?n) OFFSET 1",
            NKG + "confidence",
            ox.Literal("1", datatype=xsd["integer"]),
        ),
        (
            "language-tagged label",
            "SELECT ?n WHERE { ?n nkg:mentionedIn ?a } ORDER BY DESC(?n)",
            "http://www.w3.org/2000/01/rdf-schema#label",
            ox.Literal("Name", language="en"),
        ),
        (
            "explicit xsd:string label",
            "SELECT ?n WHERE { ?n nkg:mentionedIn ?a } ORDER BY DESC(?n) OFFSET 1",
            "http://www.w3.org/2000/01/rdf-schema#label",
            ox.Literal("Name", datatype=xsd["string"]),
        ),
        (
            "IRI as headline (minLength on an IRI)",
            "SELECT ?n WHERE { ?n a nkg:Article } ORDER BY DESC(?n)",
            "http://schema.org/headline",
            ox.NamedNode(EX + "headline"),
        ),
        (
            "Wikidata IRI as a string with a newline",
            "SELECT ?n WHERE { ?n nkg:mentionedIn ?a } ORDER BY DESC(?n) OFFSET 2",
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            ox.Literal("http://www.wikidata.org/entity/Q42\n"),
        ),
        (
            "Wikidata page IRI",
            "SELECT ?n WHERE { ?n nkg:mentionedIn ?a } ORDER BY DESC(?n) OFFSET 3",
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            ox.NamedNode("https://www.wikidata.org/wiki/Q42"),
        ),
        (
            "impossible date",
            "SELECT ?n WHERE { ?n a nkg:Event } ORDER BY ?n",
            NKG + "date",
            ox.Literal("2020-02-30", datatype=xsd["date"]),
        ),
        (
            "malformed year",
            "SELECT ?n WHERE { ?n a nkg:Event } ORDER BY ?n OFFSET 1",
            NKG + "date",
            ox.Literal("20x0", datatype=xsd["gYear"]),
        ),
        (
            "date as a plain string",
            "SELECT ?n WHERE { ?n a nkg:Event } ORDER BY ?n OFFSET 2",
            NKG + "date",
            ox.Literal("2020-01-05"),
        ),
        (
            "upper-case block kind",
            "SELECT ?n WHERE { ?n nkg:blockKind ?k } ORDER BY DESC(?n)",
            NKG + "blockKind",
            ox.Literal("Body"),
        ),
        (
            "blank node as a speaker",
            "SELECT ?n WHERE { ?n a nkg:Statement } ORDER BY DESC(?n)",
            NKG + "speaker",
            ox.BlankNode("speaker"),
        ),
    ]
    for name, select, predicate, value in cases:
        node = data.one(q + select)["n"]
        assert isinstance(node, ox.NamedNode)
        remove, add = replace_values(data, node, predicate, value)
        yield Mutation(name, node.value, remove, add)


@pytest.fixture(scope="module")
def data(corpus_build: CorpusBuild) -> Data:
    version = published(corpus_build.store)
    assert version is not None
    return Data(list(ox.Store.read_only(str(version.path))))


@pytest.fixture(scope="module")
def batches(data: Data) -> list[list[Mutation]]:
    return batches_of(check_mutations(data) + list(_edge_cases(data)))


def test_every_constraint_is_violated(data: Data, batches: list[list[Mutation]]) -> None:
    """Each compiled check reports its mutation's focus node on the mutated store."""
    shapes, missed = compile_shapes(), []
    for batch in batches:
        store = mutated(data, batch)
        for mutation in batch:
            if mutation.check is None:
                continue
            i, j = mutation.check
            alone = CompiledShape(
                shapes[i].name,
                shapes[i].prologue,
                shapes[i].targets,
                (shapes[i].checks[j],),
                shapes[i].focus_ask,
            )
            if mutation.focus not in {r.focus_node for r in run_checks(store, [alone]).results}:
                missed.append(mutation.name)
    covered = {m.check for batch in batches for m in batch if m.check is not None}
    assert covered == {(i, j) for i, s in enumerate(shapes) for j in range(len(s.checks))}
    assert not missed, f"mutations that violate nothing: {missed}"


def test_mutations_agree_with_pyshacl(data: Data, batches: list[list[Mutation]]) -> None:
    failures = []
    for batch in batches:
        try:
            report = assert_agree(mutated(data, batch), sparql_leeway=True)
        except AssertionError as disagreement:  # report every batch, not just the first
            failures.append(f"{[m.name for m in batch]}: {disagreement}")
            continue
        assert not report.conforms
    assert not failures, "\n\n".join(failures)


# Offsets on which pySHACL itself fails (rdflib's SPARQL recurses without end on "abc" + 1
# and slices with a decimal): the compiled checks report them like any wrong datatype.
OFFSETS_PYSHACL_CANNOT_CHECK = [
    ox.Literal("abc", datatype=ox.NamedNode(XSD_NS + "integer")),
    ox.Literal("3.5", datatype=ox.NamedNode(XSD_NS + "decimal")),
]


@pytest.mark.parametrize("offset", OFFSETS_PYSHACL_CANNOT_CHECK, ids=["ill-typed", "decimal"])
def test_offsets_pyshacl_cannot_check(data: Data, offset: ox.Literal) -> None:
    span = data.one(PREFIXES + "SELECT ?s WHERE { ?s nif:anchorOf ?a } ORDER BY ?s OFFSET 3")["s"]
    assert isinstance(span, ox.NamedNode)
    remove, add = replace_values(data, span, NIF + "beginIndex", offset)
    store = mutated(data, [Mutation("offset", span.value, remove, add)])
    found = {(r.focus_node, r.path) for r in check_store(store).results}
    assert found == {(span.value, "nif:beginIndex")}  # the sh:or of integer datatypes
