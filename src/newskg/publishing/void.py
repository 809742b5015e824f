"""The dataset's own description: VoID statistics and DCAT distributions, as an rdflib graph.

The same function describes the dataset inside the dumps (URLs under the base IRI) and at
``/.well-known/void`` on a running server (URLs under the request's root). ``void:uriSpace``
and ``void:exampleResource`` always name the data IRIs as stored, under the base IRI.

>>> g = describe(Statistics(triples=1), base="http://example.org/", root="http://example.org/",
...              version="20240101T000000000000Z-abcdef12", dumps=[])
>>> (None, VOID.triples, None) in g
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from newskg.backends.versions import version_time
from newskg.vocab import NKG, NKG_ONTOLOGY, PREFIXES, prefixes

VOID = Namespace(PREFIXES["void"])
SPDX = Namespace(PREFIXES["spdx"])
IANA = "https://www.iana.org/assignments/media-types/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "newskg: a knowledge graph of news articles"
DESCRIPTION = (
    "People, organizations, places, events, statements and memberships extracted "
    "from news articles, each fact with the exact source words (NIF offsets)."
)
#: The classes whose first instance (in SPARQL's order) the description gives as an example.
EXAMPLE_CLASSES = ("Article", "Actor", "Event", "Statement")


@dataclass
class Statistics:
    """Counts over every graph of one version (no triple is stored in two graphs)."""

    triples: int = 0
    entities: int = 0  # distinct subjects under the base IRI
    distinct_subjects: int = 0
    distinct_objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property IRI -> triples
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Distribution:
    """One downloadable file: where, what it holds, how big, its SHA-256."""

    url: str
    media_type: str
    size: int | None  # None: not known (a dump served decompressed as it is sent)
    sha256: str | None
    compressed: bool = False
    title: str = ""
    data_dump: bool = True  # a dump of the dataset itself (not the ontology or the shapes)


def _select(store: pyoxigraph.Store, query: str, union: bool = False) -> pyoxigraph.QuerySolutions:
    """The solutions of a SELECT ``query`` (typed: ``Store.query`` may also answer ASK or
    CONSTRUCT); ``union``: the default graph is the union of all graphs."""
    solutions = store.query(query, use_default_graph_as_union=union)
    assert isinstance(solutions, pyoxigraph.QuerySolutions), query
    return solutions


def _count(store: pyoxigraph.Store, query: str) -> int:
    return int(next(iter(_select(store, query)))["n"].value)


def statistics(store: pyoxigraph.Store, base: str) -> Statistics:
    """Compute the VoID figures of ``store`` by full scans (the dumps keep them per version
    at the cost of each change instead: :mod:`newskg.publishing.void_counts`; this is what
    they are checked against, and what a store without them falls back to)."""
    stats = Statistics(triples=len(store))
    stats.distinct_subjects = _count(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    stats.distinct_objects = _count(
        store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    stats.entities = _count(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?s), {_string(base)})) }}",
    )
    for row in _select(
        store,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        "FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c",
    ):
        stats.classes[row["c"].value] = int(row["n"].value)
    for row in _select(
        store, "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"
    ):
        stats.properties[row["p"].value] = int(row["n"].value)
    for name in EXAMPLE_CLASSES:
        for row in _select(
            store,
            f"SELECT ?s WHERE {{ ?s a <{NKG[name]}> }} ORDER BY ?s LIMIT 1",
            union=True,
        ):
            stats.examples.append(row["s"].value)
    return stats


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(
    stats: Statistics, *, base: str, root: str, version: str, dumps: Iterable[Distribution]
) -> Graph:
    """The VoID + DCAT description. ``root`` ends with ``/`` and prefixes every URL the
    description gives (SPARQL endpoint, downloads); ``base`` is the data IRIs' base."""
    g = Graph()
    for prefix, ns in prefixes("void", "dcat", "dct", "spdx", "foaf", "nkg").items():
        g.bind(prefix, ns)
    ds = URIRef(root + ".well-known/void#dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.identifier, Literal(version)))
    g.add((ds, FOAF.homepage, URIRef(root)))
    g.add((ds, DCAT.landingPage, URIRef(root)))
    if (when := version_time(version)) is not None:
        g.add((ds, DCTERMS.modified, Literal(when.isoformat(), datatype=XSD.dateTime)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(base + "id/")))
    g.add((ds, VOID.vocabulary, URIRef(str(NKG))))
    g.add((ds, VOID.vocabulary, NKG_ONTOLOGY))
    g.add((ds, VOID.triples, _int(stats.triples)))
    g.add((ds, VOID.entities, _int(stats.entities)))
    g.add((ds, VOID.distinctSubjects, _int(stats.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, _int(stats.distinct_objects)))
    g.add((ds, VOID.classes, _int(len(stats.classes))))
    g.add((ds, VOID.properties, _int(len(stats.properties))))
    for example in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(example)))
    for index, (cls, n) in enumerate(sorted(stats.classes.items())):
        part = URIRef(f"{ds}-class-{index}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, _int(n)))
    for index, (prop, n) in enumerate(sorted(stats.properties.items())):
        part = URIRef(f"{ds}-property-{index}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, _int(n)))
    for dump in dumps:
        dist = URIRef(dump.url)
        if dump.data_dump:
            g.add((ds, VOID.dataDump, dist))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.accessURL, URIRef(root + "dumps/")))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
        g.add((dist, DCTERMS.format, Literal(dump.media_type)))
        if dump.compressed:
            g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        if dump.title:
            g.add((dist, DCTERMS.title, Literal(dump.title, lang="en")))
        g.add((dist, DCTERMS.license, LICENSE))
        if dump.size is not None:
            g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        if dump.sha256 is not None:
            checksum = URIRef(f"{dist}#sha256")
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    return g


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)
