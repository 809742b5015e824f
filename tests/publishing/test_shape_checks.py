"""The compiled SPARQL shape checks agree with pySHACL (the reference), result for result.

* every case of tests/shapes/cases, loaded into a pyoxigraph store;
* the graphs of the bundled corpus (``newskg build`` of articles/);
* a focus restriction gives pySHACL's results for the same focus;
* a shape using a component the compiler does not implement is refused at compile time.

Mutations of the corpus, one per constraint, are in test_shape_mutations.py.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH

from newskg.backends.versions.layout import published
from newskg.publishing.shape_checks import check_store, run_checks
from newskg.publishing.shape_compiler import ShapeCompileError, compile_shapes
from newskg.publishing.validation import validate_file
from tests.conftest import CorpusBuild
from tests.publishing.shape_agreement import assert_agree, store_of

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(
    p for p in (ROOT / "tests" / "shapes" / "cases").iterdir() if (p / "data.ttl").exists()
)
GRAPH = pyoxigraph.NamedNode("http://example.org/graph/case")


def _case_store(case: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(path=str(case / "data.ttl"), format=pyoxigraph.RdfFormat.TURTLE, to_graph=GRAPH)
    return store


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_agrees_with_pyshacl(case: Path) -> None:
    mine = assert_agree(_case_store(case))
    # the cases survive Oxigraph's normalisation: pySHACL on the file itself says the same
    assert mine.results == validate_file(case / "data.ttl").results


def test_cases_cover_violations() -> None:
    reports = [check_store(_case_store(case)) for case in CASES]
    assert sum(not r.conforms for r in reports) >= 10  # the agreement above is not vacuous


def test_graphs_select_the_data_graph() -> None:
    """``graphs`` makes the data graph the union of those graphs only."""
    case = ROOT / "tests" / "shapes" / "cases" / "entity-missing-label"
    store = _case_store(case)
    assert not check_store(store).conforms
    assert not check_store(store, graphs=[GRAPH]).conforms
    assert (
        check_store(store, graphs=[pyoxigraph.NamedNode("http://example.org/other")]).results == []
    )


@pytest.fixture(scope="module")
def corpus(corpus_build: CorpusBuild) -> list[pyoxigraph.Quad]:
    version = published(corpus_build.store)
    assert version is not None
    return list(pyoxigraph.Store.read_only(str(version.path)))


def test_corpus_agrees_with_pyshacl(corpus: list[pyoxigraph.Quad]) -> None:
    store = store_of(corpus)
    assert assert_agree(store).conforms  # the build publishes valid data
    assert len(store) > 1000


def _article_nodes(store: pyoxigraph.Store, graph: str) -> list[str]:
    return sorted(
        {
            quad.subject.value
            for quad in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))
            if isinstance(quad.subject, pyoxigraph.NamedNode)
        }
    )


def test_focus_agrees_with_pyshacl(corpus: list[pyoxigraph.Quad]) -> None:
    """One article's nodes as the focus, on data where other nodes are broken too."""
    broken = [
        q for q in corpus if q.predicate.value != "http://www.w3.org/2000/01/rdf-schema#label"
    ]
    store = store_of(broken)
    graphs = sorted(g.value for g in store.named_graphs() if "/graph/" in g.value)
    focus = _article_nodes(store, graphs[0])
    whole = assert_agree(store)
    focused = assert_agree(store, focus)
    assert focused.results and len(focused.results) < len(whole.results)
    assert {r.focus_node for r in focused.results} <= set(focus)
    assert focused.results == [r for r in whole.results if r.focus_node in set(focus)]


def test_empty_focus_checks_nothing(corpus: list[pyoxigraph.Quad]) -> None:
    store = store_of(q for q in corpus if q.predicate.value != "http://schema.org/headline")
    assert not check_store(store).conforms
    assert check_store(store, focus=[]).results == []  # pySHACL would check everything


SHAPES_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


TARGETED = "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "


@pytest.mark.parametrize(
    ("shape", "named"),
    [
        (TARGETED + "sh:closed true .", "sh:closed"),
        (TARGETED + "sh:property [ sh:path ex:p ; sh:uniqueLang true ] .", "sh:uniqueLang"),
        (TARGETED + "sh:property [ sh:path ex:p ; sh:maxLength 3 ] .", "sh:maxLength"),
        (
            TARGETED + "sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
            "IRI or [sh:inversePath IRI] path",
        ),
        (TARGETED + "sh:property [ sh:path ex:p ; sh:or ( [ sh:node ex:T ] ) ] .", "sh:node"),
        (TARGETED + "sh:property [ sh:path ex:p ; sh:datatype xsd:double ] .", "xsd:double"),
        ("ex:S a sh:NodeShape ; sh:targetNode ex:n .", "sh:targetNode"),
        (
            TARGETED + 'sh:sparql [ sh:select "SELECT ?x WHERE { $this ex:p ?x }" ] .',
            "project \\$this",
        ),
        (
            TARGETED + 'sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?x } LIMIT 1" ] .',
            "LIMIT",
        ),
        (  # ex: is not declared with sh:prefixes: the query does not parse
            TARGETED + 'sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?x }" ] .',
            "does not parse",
        ),
    ],
)
def test_unsupported_component_is_refused(shape: str, named: str) -> None:
    shapes = Graph().parse(data=SHAPES_PREFIXES + shape, format="turtle")
    with pytest.raises(
        ShapeCompileError, match=named.replace("[", r"\[").replace("(", r"\(")
    ) as info:
        compile_shapes(shapes)
    assert "ex:S" in str(info.value) or "_:" in str(info.value)  # names the shape


def test_supported_shapes_compile_once() -> None:
    assert compile_shapes() == compile_shapes()
    assert compile_shapes()[0] is compile_shapes()[0]  # cached, not compiled again


def test_shape_without_targets_checks_nothing() -> None:
    """As in pySHACL, a node shape that targets nothing has no focus nodes."""
    shapes = Graph().parse(
        data=SHAPES_PREFIXES
        + "ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        format="turtle",
    )
    assert compile_shapes(shapes) == []


PATTERN_SHAPES = """
ex:Plain a sh:NodeShape ; sh:targetSubjectsOf ex:plain ;
    sh:property [ sh:path ex:plain ; sh:pattern "^ab+c$" ] .
ex:Caseless a sh:NodeShape ; sh:targetSubjectsOf ex:caseless ;
    sh:property [ sh:path ex:caseless ; sh:pattern "^ab+c$" ; sh:flags "i" ;
                  sh:severity sh:Warning ] .
ex:Lines a sh:NodeShape ; sh:targetSubjectsOf ex:lines ;
    sh:property [ sh:path ex:lines ; sh:pattern "^ab+c$" ; sh:flags "m" ] .
ex:Off a sh:NodeShape ; sh:targetSubjectsOf ex:plain ; sh:deactivated true ;
    sh:property [ sh:path ex:plain ; sh:minCount 2 ] .
ex:OffProperty a sh:NodeShape ; sh:targetSubjectsOf ex:plain ;
    sh:property [ sh:path ex:plain ; sh:maxLength 0 ; sh:deactivated true ] .
"""
PATTERN_VALUES = ['"abc"', '"abbbc"', '"ABC"', '"abc\\n"', '"x\\nabc\\ny"', '"abc"@en', "ex:abc"]


def _pyshacl_results(shapes: Graph, data: Graph) -> tuple[bool, list[tuple[str, str, str]]]:
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True
    )
    found = sorted(
        (
            str(results.value(r, SH.focusNode)),
            str(results.value(r, SH.resultPath)),
            str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
        )
        for r in results.subjects(RDF.type, SH.ValidationResult)
    )
    return bool(conforms), found


def _agree_on(shapes: Graph, values: list[str], predicates: list[str]) -> list[tuple[str, ...]]:
    """Each value on its own node for each predicate; the compiled checks of ``shapes`` give
    pySHACL's (focus, path, severity) results on them, which are returned."""
    triples = [f"ex:n{i}{p} ex:{p} {v} ." for i, v in enumerate(values) for p in predicates]
    store = pyoxigraph.Store()
    store.load(
        SHAPES_PREFIXES + "\n".join(triples), format=pyoxigraph.RdfFormat.TURTLE, to_graph=GRAPH
    )
    data = Graph().parse(
        data=store.dump(format=pyoxigraph.RdfFormat.N_QUADS, from_graph=GRAPH), format="nt"
    )
    report = run_checks(store, compile_shapes(shapes))
    mine = sorted(
        (r.focus_node, str(shapes.namespace_manager.expand_curie(r.path or "")), r.severity)
        for r in report.results
    )
    assert (report.conforms, mine) == _pyshacl_results(shapes, data)
    return mine


def test_patterns_flags_and_deactivation_agree_with_pyshacl() -> None:
    """sh:pattern as Python's re.search (``$`` before a final newline, flags i and m),
    sh:severity and sh:deactivated, on shapes of their own (newskg's use none of these)."""
    shapes = Graph().parse(data=SHAPES_PREFIXES + PATTERN_SHAPES, format="turtle")
    try:
        compile_shapes(shapes)
    except ShapeCompileError as refused:  # sh:maxLength is deactivated: must not be refused
        pytest.fail(str(refused))
    mine = _agree_on(shapes, PATTERN_VALUES, ["plain", "caseless", "lines"])
    # "ABC" fails 2 patterns, "x\nabc\ny" 2 (not with m), the IRI all 3; "abc\n" passes "c$"
    assert len(mine) == 7 and {r[2] for r in mine} == {"Violation", "Warning"}


LITERAL_SHAPES = """
ex:Int a sh:NodeShape ; sh:targetSubjectsOf ex:int ;
    sh:property [ sh:path ex:int ; sh:datatype xsd:integer ] .
ex:Dec a sh:NodeShape ; sh:targetSubjectsOf ex:dec ;
    sh:property [ sh:path ex:dec ; sh:datatype xsd:decimal ] .
ex:Range a sh:NodeShape ; sh:targetSubjectsOf ex:range ;
    sh:property [ sh:path ex:range ; sh:minInclusive 0 ; sh:maxInclusive 1 ] .
ex:Date a sh:NodeShape ; sh:targetSubjectsOf ex:date ;
    sh:property [ sh:path ex:date ; sh:datatype xsd:date ] .
ex:Str a sh:NodeShape ; sh:targetSubjectsOf ex:str ;
    sh:property [ sh:path ex:str ; sh:datatype xsd:string ; sh:minLength 2 ] .
"""
LITERAL_VALUES = [
    '"abc"^^xsd:integer', '"5"^^xsd:integer', '"+5"^^xsd:integer', '"1.5"^^xsd:integer',
    '"true"^^xsd:integer', '"0.5"^^xsd:decimal', '"abc"^^xsd:decimal', '"1"^^xsd:decimal',
    '"-0.5"^^xsd:decimal', '"2020-01-05"^^xsd:date', '"2020-02-30"^^xsd:date',
    '"2020-01-05Z"^^xsd:date', '"2020-1-5"^^xsd:date', '"x"@en', '"xy"@en', '"xy"',
    '"xy"^^xsd:string', "ex:xy", '"true"^^xsd:boolean', '"0.5"^^xsd:double',
]  # fmt: skip


def test_literals_agree_with_pyshacl() -> None:
    """Ill-typed literals fail sh:datatype and compare in ranges as pySHACL (rdflib) has it;
    language-tagged strings are not xsd:string; sh:minLength counts an IRI's characters."""
    shapes = Graph().parse(data=SHAPES_PREFIXES + LITERAL_SHAPES, format="turtle")
    mine = _agree_on(shapes, LITERAL_VALUES, ["int", "dec", "range", "date", "str"])
    failing = {(focus.rsplit("/", 1)[-1], path.rsplit("/", 1)[-1]) for focus, path, _ in mine}
    assert ("n0int", "int") in failing and ("n1int", "int") not in failing  # "abc", 5
    assert ("n13str", "str") in failing and ("n15str", "str") not in failing  # "x"@en, "xy"
