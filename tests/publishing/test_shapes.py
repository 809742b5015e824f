"""The ontology, the SHACL shapes and the RDF writer agree with each other.

* every case folder in tests/shapes/cases/ (data.ttl + expected.txt, see its README.md)
  conforms or fails with exactly the expected messages;
* every nkg: term the shapes, the ontology or newskg.extraction.graph uses is declared in the
ontology
  with rdfs:label and rdfs:comment; the event type scheme is exactly ``EVENT_TYPES``;
* a hand-built Extraction written by ``newskg.extraction.graph.to_graph`` conforms.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import get_args

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SH

from newskg.extraction.graph import article_triples, choose_label, to_graph
from newskg.extraction.model import (
    EVENT_TYPES,
    ArticleText,
    Entity,
    Event,
    EventArgument,
    Extraction,
    Membership,
    RoleInEvent,
    Span,
    Statement,
)
from newskg.publishing import validation
from newskg.publishing.entities_graph import contributions, description
from newskg.publishing.validation import ONTOLOGY_PATH, SHAPES_PATH, Report, load_shapes, validate
from newskg.vocab import NKG, NKG_ONTOLOGY, Iris, event_type_iri

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "shapes" / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "data.ttl").exists())
VANN = "http://purl.org/vocab/vann/"
BASE = "http://example.org/"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


# --------------------------------------------------------------------------- test cases


def _expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_enough_cases() -> None:
    conforming = [c for c in CASE_DIRS if _expected(c) == ["CONFORMS"]]
    assert conforming, "at least one conforming case"
    assert len(CASE_DIRS) - len(conforming) >= 10, "at least ten violating cases"


@pytest.mark.parametrize("case", CASE_DIRS, ids=[c.name for c in CASE_DIRS])
def test_case(case: Path) -> None:
    expected = _expected(case)
    report = validation.validate_file(case / "data.ttl")
    lines = [str(r) for r in report.results]
    shown = report.text(case.name) or "(no results)"
    if expected == ["CONFORMS"]:
        assert report.conforms and not lines, shown
        return
    assert not report.conforms, f"{case.name} should not conform"
    for want in expected:
        assert any(want in line for line in lines), f"{want!r} not in:\n{shown}"
    for line in lines:
        assert any(want in line for want in expected), f"unexpected result:\n{line}"
    for result in report.results:  # every message says what is wrong and how to fix it
        assert ":" in result.message and len(result.message) > 40, result.message


# --------------------------------------------------------------------------- ontology


def test_ontology_header(ontology: Graph) -> None:
    assert (NKG_ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, OWL.versionInfo, DCTERMS.license):
        assert ontology.value(NKG_ONTOLOGY, prop) is not None, prop
    assert str(ontology.value(NKG_ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "nkg"
    assert str(ontology.value(NKG_ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == str(NKG)


def _nkg_terms(graph: Graph) -> set[URIRef]:
    return {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(NKG))
    }


def _writer_terms() -> set[URIRef]:
    """nkg: terms in src/newskg/extraction/graph.py's source (``NKG.x``) and in what it writes."""
    source = (ROOT / "src" / "newskg" / "extraction" / "graph.py").read_text(encoding="utf-8")
    terms = {NKG[name] for name in re.findall(r"\bNKG\.([A-Za-z_]\w*)", source)}
    terms |= {NKG[role] for role in get_args(RoleInEvent)}  # NKG[arg.role]
    return terms | _nkg_terms(to_graph(full_extraction(), Iris(BASE)))


def test_every_term_is_declared(ontology: Graph) -> None:
    used = _nkg_terms(load_shapes()) | _nkg_terms(ontology) | _writer_terms()
    assert NKG.evidence in used and NKG.Membership in used  # the collection works
    problems = []
    for term in sorted(used):
        if ontology.value(term, RDF.type) is None:
            problems.append(f"{term} is not declared (no rdf:type)")
        if ontology.value(term, RDFS.label) is None:
            problems.append(f"{term} has no rdfs:label")
        if ontology.value(term, RDFS.comment) is None:
            problems.append(f"{term} has no rdfs:comment")
    assert not problems, "\n".join(problems)


def test_terms_have_the_right_kind(ontology: Graph) -> None:
    g = to_graph(full_extraction(), Iris(BASE))
    for cls in set(g.objects(None, RDF.type)) & _nkg_terms(g):
        assert (cls, RDF.type, OWL.Class) in ontology, cls
    for prop in set(g.predicates()) & _nkg_terms(g):
        kinds = set(ontology.objects(prop, RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, prop


def test_event_type_scheme(ontology: Graph) -> None:
    concepts = set(ontology.subjects(SKOS.inScheme, NKG.EventTypeScheme))
    labels = {str(ontology.value(c, SKOS.prefLabel)): c for c in concepts}
    assert sorted(labels) == sorted(EVENT_TYPES)
    assert len(concepts) == len(EVENT_TYPES)
    assert (NKG.EventTypeScheme, RDF.type, SKOS.ConceptScheme) in ontology
    for label, concept in labels.items():
        assert concept == event_type_iri(label)
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, SKOS.topConceptOf, NKG.EventTypeScheme) in ontology
        assert (NKG.EventTypeScheme, SKOS.hasTopConcept, concept) in ontology
        assert len(list(ontology.objects(concept, SKOS.prefLabel))) == 1
        assert ontology.value(concept, SKOS.definition) is not None


def test_shapes_event_types_match_scheme(ontology: Graph) -> None:
    shapes = load_shapes()
    (prop,) = shapes.subjects(SH.path, NKG.eventType)
    allowed = set(Collection(shapes, shapes.value(prop, SH["in"])))
    assert allowed == set(ontology.subjects(SKOS.inScheme, NKG.EventTypeScheme))


def test_paths() -> None:
    assert SHAPES_PATH.is_file() and ONTOLOGY_PATH.is_file()
    assert load_shapes() is load_shapes()  # cached


# --------------------------------------------------------------------------- the writer

TEXT = (
    "Nasrallah vows revenge\n\n"
    "Hezbollah Secretary General Hassan Nasrallah met Iranian officials in Beirut on "
    '5 January 2020. "The response will come," Nasrallah said. Protesters rallied in Tehran.'
)


def _find(words: str, start: int = 0) -> Span:
    begin = TEXT.index(words, start)
    return Span(begin, begin + len(words))


def full_extraction(article_id: str = "a1") -> Extraction:
    """One article with every kind of fact: entities of all kinds, a quote with and one
    without speaker, an event of every type (all roles, all date precisions), a membership."""
    article = ArticleText(
        id=article_id,
        source=f"{article_id}.txt",
        text=TEXT,
        headline="Nasrallah vows revenge",
        headline_span=_find("Nasrallah vows revenge"),
        date_published="2020-01-06",
        authors=["Jane Doe", "John Roe"],
        publisher="Example News",
        url=f"https://news.example.org/{article_id}",
    )
    meeting = _find("Hezbollah Secretary General Hassan Nasrallah met Iranian officials")
    said = _find('"The response will come," Nasrallah said.')
    rally = _find("Protesters rallied in Tehran.")
    entities = [
        Entity(
            "hassan-nasrallah",
            "actor",
            "Hassan Nasrallah",
            {"Nasrallah"},
            None,
            [_find("Hassan Nasrallah"), _find("Nasrallah", said.begin)],
        ),
        Entity("hezbollah", "organization", "Hezbollah", set(), None, [_find("Hezbollah")]),
        Entity("beirut", "place", "Beirut", set(), "Q3820", [_find("Beirut")]),
        Entity("tehran", "place", "Tehran", set(), None, [_find("Tehran")]),
    ]
    quote = _find("The response will come,")
    statements = [
        Statement(quote.of(TEXT), quote, "hassan-nasrallah", [said], 0.9, "quote-said"),
        Statement("Protesters", _find("Protesters"), None, [rally], 0.5, "test-unattributed"),
    ]
    dates = ["2020-01-05", "2020-01", "2020", None]
    roles = get_args(RoleInEvent)
    events = [
        Event(
            type=kind,
            label=f"{kind} trigger",
            arguments=[
                EventArgument("hassan-nasrallah", roles[i % len(roles)]),
                EventArgument("hezbollah", roles[(i + 1) % len(roles)]),
                EventArgument("tehran", roles[(i + 2) % len(roles)]),
            ],
            # distinct first evidence per event, so each gets its own IRI
            evidence=[Span(meeting.begin + i, meeting.end), said],
            confidence=i / (len(EVENT_TYPES) - 1),
            rule=f"trigger-{kind}",
            date=dates[i % len(dates)],
            place="beirut" if i % 2 else None,
        )
        for i, kind in enumerate(EVENT_TYPES)
    ]
    memberships = [
        Membership("hassan-nasrallah", "hezbollah", "secretary general", [meeting], 0.95, "role")
    ]
    return Extraction(article, entities, statements, events, memberships)


def test_writer_output_conforms() -> None:
    graph = to_graph(full_extraction(), Iris(BASE))
    assert len(set(graph.subjects(RDF.type, NKG.Event))) == len(EVENT_TYPES)
    report = validate(graph)
    assert report.conforms, report.text("to_graph")
    assert report.results == []


def test_minimal_article_conforms() -> None:
    article = ArticleText(id="a0", source="a0.txt", text="Hello", headline=None)
    report = validate(to_graph(Extraction(article=article), Iris(BASE)))
    assert report.conforms, report.text("to_graph")


def test_writer_output_with_a_bad_span_fails() -> None:
    """The shapes see what the writer wrote: corrupt one anchor and validation says so."""
    graph = to_graph(full_extraction(), Iris(BASE))
    span = URIRef(f"{BASE}id/span/a1/{_find('Beirut').begin}-{_find('Beirut').end}")
    graph.set(
        (
            span,
            URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf"),
            Literal("Beyrouth"),
        )
    )
    report = validate(graph)
    assert not report.conforms
    assert [r.focus_node for r in report.results] == [str(span)]
    assert '"Beyrouth" is not the article text' in report.results[0].message


def _dataset(graphs: dict[str, Graph]) -> Dataset:
    ds = Dataset()
    for name, graph in graphs.items():
        named = ds.graph(URIRef(f"{BASE}graph/{name}"))
        for triple in graph:
            named.add(triple)
    return ds


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_dataset_is_validated_as_a_union() -> None:
    iris = Iris(BASE)
    first, second = full_extraction("a1"), full_extraction("a2")
    second.entities[1].label = "Hizbullah"  # same entity key, another label
    graphs = {"a1": to_graph(first, iris), "a2": to_graph(second, iris)}
    for graph in graphs.values():  # each article alone is fine
        assert validate(graph).conforms
    report = validate(_dataset(graphs))  # together the organization has two labels
    assert not report.conforms
    assert {(r.focus_node, r.path) for r in report.results} == {
        (f"{BASE}id/organization/hezbollah", "rdfs:label")
    }
    # What the pipeline does: one description per entity, made from every article's.
    entity = f"{BASE}id/organization/hezbollah"
    given = [contributions(article_triples(x, iris)[0])[entity] for x in (first, second)]
    labels = [t.object.value for t in description(entity, given) if t.predicate.value == RDFS_LABEL]
    assert labels == [choose_label({first.entities[1].label: 1, "Hizbullah": 1})]


@pytest.mark.parametrize("extension", ["ttl", "nt", "rdf", "jsonld", "nq", "trig"])
def test_validate_file_formats(tmp_path: Path, extension: str) -> None:
    from newskg import formats

    fmt = formats.by_extension(extension)
    graph = to_graph(full_extraction(), Iris(BASE))
    data = _dataset({"a1": graph}) if fmt.holds_quads else graph
    path = tmp_path / f"a1.{extension}"
    data.serialize(path, format=fmt.rdflib, encoding="utf-8")  # N-Triples is UTF-8 only
    report = validation.validate_file(path)
    assert report.conforms, report.text(path.name)


def test_validate_file_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n")
    with pytest.raises(ValueError, match=r"broken\.ttl: line 4, column \d+: invalid turtle"):
        validation.validate_file(path)


def test_validate_file_json_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@id": "http://example.org/a",\n  oops\n}\n')
    with pytest.raises(ValueError, match=r"broken\.jsonld: line 3, column 3"):
        validation.validate_file(path)


def test_validate_file_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("")
    with pytest.raises(ValueError, match="data.txt: cannot tell the RDF syntax"):
        validation.validate_file(path)


def test_report_text() -> None:
    result = validation.Result("http://x/a", "rdfs:label", "Entity must ...", "Violation", None)
    report = Report(conforms=False, results=[result])
    assert report.text("f.ttl") == "f.ttl: Violation: <http://x/a> rdfs:label: Entity must ..."
    assert Report(conforms=True).text("f.ttl") == ""


def test_validation_is_fast() -> None:
    """SHACL-SPARQL constraints run per span; 50 articles must still take seconds."""
    iris = Iris(BASE)
    graph = Graph()
    for i in range(50):
        graph += to_graph(full_extraction(f"a{i}"), iris)
    started = time.perf_counter()
    assert validate(graph).conforms
    assert time.perf_counter() - started < 20
