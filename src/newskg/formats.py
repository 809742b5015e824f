"""The one registry of serialisation formats: name, media type, file extension.

Content negotiation, ``format=`` parameters, dump file names and every ``--format`` option
read this table, so a format is added in one place.

Besides its own media type a format answers to ``aliases`` (short names and media types
clients send for it, as strongly as its own) and to ``generic`` media types: the XML and JSON
types a ``+xml`` or ``+json`` type may be read as (RFC 6839), which Oxigraph's and Fuseki's
clients send (``Accept: application/xml`` for SPARQL XML results, ``application/json`` for
JSON-LD), and ``text/plain`` for a table (CSV, as Oxigraph answers). A generic type names
a format only when nothing else the client accepts does
(:func:`newskg.web.http.negotiation.choose`): a browser's ``application/xml;q=0.9,
*/*;q=0.8`` still gets the server's default.

N3 is answered as Turtle: every Turtle document is an N3 document, so ``n3`` and the N3
media types are aliases of Turtle, and the answer says ``text/turtle``, what its body is
(SPARQLWrapper and rdflib read it as N3; Oxigraph labels the same bytes ``text/n3``).

>>> by_name("turtle").media_type
'text/turtle'
>>> by_extension("nq").name
'nquads'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph

from newskg.errors import NewskgError

Kind = Literal["graph", "dataset", "results"]

# N3's name and media types: answered as Turtle (see the module docstring).
N3_NAMES = ("n3", "text/n3", "text/rdf+n3", "application/n3")
GENERIC_XML = ("application/xml", "text/xml")
GENERIC_JSON = ("application/json",)


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    kind: Kind  # graph: triples; dataset: quads (named graphs); results: SELECT/ASK tables
    rdflib: str | None  # rdflib's parser/serializer name
    aliases: tuple[str, ...] = ()  # other media types and short names clients send
    generic: tuple[str, ...] = ()  # XML/JSON types that name it when nothing else does

    @property
    def rdf_format(self) -> pyoxigraph.RdfFormat:
        """pyoxigraph's format of a graph or dataset format (triples or quads)."""
        found = (
            None
            if self.kind == "results"
            else pyoxigraph.RdfFormat.from_media_type(self.media_type)
        )
        if found is None:
            raise UnknownFormat(f"{self.name} is not an RDF format pyoxigraph reads or writes")
        return found

    @property
    def results_format(self) -> pyoxigraph.QueryResultsFormat:
        """pyoxigraph's format of a SELECT/ASK results format."""
        found = (
            pyoxigraph.QueryResultsFormat.from_media_type(self.media_type)
            if self.kind == "results"
            else None
        )
        if found is None:
            raise UnknownFormat(f"{self.name} is not a SPARQL results format pyoxigraph writes")
        return found

    @property
    def holds_quads(self) -> bool:
        return self.kind == "dataset"


FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        "text/turtle",
        "ttl",
        "graph",
        "turtle",
        ("ttl", "application/x-turtle", "application/turtle", *N3_NAMES),
    ),
    Format("ntriples", "application/n-triples", "nt", "graph", "nt", ("nt", "text/plain")),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "rdf",
        "graph",
        "xml",
        ("xml", "rdf", "rdf+xml"),
        GENERIC_XML,
    ),
    Format(
        "jsonld",
        "application/ld+json",
        "jsonld",
        "dataset",
        "json-ld",
        ("json-ld", "application/x-json+ld"),
        GENERIC_JSON,
    ),
    Format("nquads", "application/n-quads", "nq", "dataset", "nquads", ("nq",)),
    Format("trig", "application/trig", "trig", "dataset", "trig", ()),
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        "results",
        None,
        ("srj", "application/json"),
    ),
    Format("xml", "application/sparql-results+xml", "srx", "results", None, ("srx",), GENERIC_XML),
    # text/plain: the plainest table, as Oxigraph answers it (for a graph it is N-Triples)
    Format("csv", "text/csv", "csv", "results", None, (), ("text/plain",)),
    Format("tsv", "text/tab-separated-values", "tsv", "results", None, ()),
)


class UnknownFormat(NewskgError, ValueError):
    """No registered format has that name, media type or extension."""


def _find(attr: str, value: str) -> Format:
    value = value.strip().lower()
    for fmt in FORMATS:
        if getattr(fmt, attr) == value:
            return fmt
    offered = ", ".join(sorted({getattr(f, attr) for f in FORMATS}))
    raise UnknownFormat(f"unknown format {value!r}; use one of: {offered}")


def by_name(name: str) -> Format:
    """A format by its name, or by a short alias such as ``ttl``."""
    try:
        return _find("name", name)
    except UnknownFormat:
        for fmt in FORMATS:
            if name.strip().lower() in fmt.aliases:
                return fmt
        raise


def by_media_type(media_type: str) -> Format:
    return _find("media_type", media_type)


def by_extension(extension: str) -> Format:
    return _find("extension", extension.lstrip("."))


def names(*kinds: Kind) -> list[str]:
    """Format names of the given kinds, for ``--format`` choices and error messages."""
    return [f.name for f in FORMATS if not kinds or f.kind in kinds]
