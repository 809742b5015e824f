"""The SPARQL 1.1 Service Description of ``/sparql`` (what GET without a query answers).

It states what a client can rely on: the endpoint's own URL, SPARQL 1.1 Query (not Update),
every result format the endpoint offers (as W3C format IRIs), the features it really has
(the default graph is the union of the named graphs; no federation, no dereferencing), and
the default dataset: the union default graph and every named graph with its triple count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from newskg.formats import Format
from newskg.sparql.solutions import select
from newskg.vocab import prefixes
from newskg.web.http.negotiation import GRAPH_FORMATS, RESULT_FORMATS

PREFIXES = prefixes("sd", "void", "dct", "formats")
SD = PREFIXES["sd"]
VOID = PREFIXES["void"]
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = NamedNode(PREFIXES["dct"] + "title")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# W3C's IRIs for media formats (https://www.w3.org/ns/formats/), by registry name.
FORMAT_IRIS = {
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "nquads": "http://www.w3.org/ns/formats/N-Quads",
    "trig": "http://www.w3.org/ns/formats/TriG",
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
}

_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_UNION_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
)


@dataclass(frozen=True)
class DatasetStats:
    default_triples: int  # distinct triples of the union default graph
    graphs: tuple[tuple[str, int], ...]  # (named graph IRI, triples), sorted by IRI


def dataset_stats(store: pyoxigraph.Store) -> DatasetStats:
    """Graph names and sizes of a published version (a full scan: cache it per version)."""
    graphs = sorted(
        (solution["g"].value, int(solution["n"].value)) for solution in select(store, _GRAPH_COUNTS)
    )
    union = next(iter(select(store, _UNION_COUNT)))
    return DatasetStats(int(union["n"].value), tuple(graphs))


def _count(n: int) -> Literal:
    return Literal(str(n), datatype=XSD_INTEGER)


def description(endpoint: str, stats: DatasetStats) -> list[Quad]:
    """The service description's triples (in the default graph)."""
    sd = lambda term: NamedNode(SD + term)  # noqa: E731 - a local shorthand
    service = NamedNode(endpoint)
    dataset, default_graph = BlankNode("dataset"), BlankNode("defaultGraph")
    triples: list[tuple[NamedNode | BlankNode, NamedNode, NamedNode | BlankNode | Literal]] = [
        (service, RDF_TYPE, sd("Service")),
        (service, sd("endpoint"), service),
        (service, DCT_TITLE, Literal("newskg SPARQL endpoint (read-only)")),
        (service, sd("supportedLanguage"), sd("SPARQL11Query")),
        # The default graph, unless the request names one, is the union of the named graphs.
        # Not claimed: sd:BasicFederatedQuery (SERVICE is refused), sd:DereferencesURIs
        # (FROM never fetches), sd:EmptyGraphs (nothing can be written).
        (service, sd("feature"), sd("UnionDefaultGraph")),
        (service, sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, sd("Dataset")),
        (dataset, sd("defaultGraph"), default_graph),
        (default_graph, RDF_TYPE, sd("Graph")),
        (default_graph, NamedNode(VOID + "triples"), _count(stats.default_triples)),
    ]
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        if fmt.name in FORMAT_IRIS:
            triples.append((service, sd("resultFormat"), NamedNode(FORMAT_IRIS[fmt.name])))
    for index, (name, size) in enumerate(stats.graphs):
        named, graph = BlankNode(f"named{index}"), BlankNode(f"graph{index}")
        triples += [
            (dataset, sd("namedGraph"), named),
            (named, RDF_TYPE, sd("NamedGraph")),
            (named, sd("name"), NamedNode(name)),
            (named, sd("graph"), graph),
            (graph, RDF_TYPE, sd("Graph")),
            (graph, NamedNode(VOID + "triples"), _count(size)),
        ]
    return [Quad(s, p, o) for s, p, o in triples]


def serialize(quads: list[Quad], fmt: Format) -> bytes:
    """The description in an RDF format of the registry."""
    data = pyoxigraph.serialize(quads, format=fmt.rdf_format, prefixes=PREFIXES)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data
