"""The one registry of serialisation formats: name, media type, file extension.

Content negotiation, ``format=`` parameters, dump file names and every ``--format`` option
read this table, so a format is added in one place.

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


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    kind: Kind  # graph: triples; dataset: quads (named graphs); results: SELECT/ASK tables
    rdflib: str | None  # rdflib's parser/serializer name
    aliases: tuple[str, ...] = ()  # other media types and short names clients send

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
    Format("turtle", "text/turtle", "ttl", "graph", "turtle", ("ttl", "application/x-turtle")),
    Format("ntriples", "application/n-triples", "nt", "graph", "nt", ("nt", "text/plain")),
    Format("rdfxml", "application/rdf+xml", "rdf", "graph", "xml", ("xml", "rdf")),
    Format("jsonld", "application/ld+json", "jsonld", "dataset", "json-ld", ("json-ld",)),
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
    Format("xml", "application/sparql-results+xml", "srx", "results", None, ("srx",)),
    Format("csv", "text/csv", "csv", "results", None, ()),
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
