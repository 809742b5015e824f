"""The version marker: the graph ``{base}graph/version`` that names the version a remote
holds, the query that finds it, :class:`RemoteVersion` (what it says) and its triples."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph

from newskg.backends import versions as store
from newskg.backends.versions import version_time
from newskg.base_iri import DEFAULT_PORT, default_base

MARKER_PATH = "graph/version"
DEFAULT_BASE = default_base(DEFAULT_PORT)  # a version whose summary names no base

DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Any newskg marker (the readers do not know the base before they read it); the newest wins.
MARKER_QUERY = f"""
SELECT ?g ?version ?modified ?base ?triples WHERE {{
  GRAPH ?g {{ ?g a <{VOID}Dataset> ; <{OWL}versionInfo> ?version ;
               <{DCT}modified> ?modified ; <{VOID}uriSpace> ?base .
             OPTIONAL {{ ?g <{VOID}triples> ?triples }} }}
  FILTER(STRENDS(STR(?g), "/{MARKER_PATH}"))
}} ORDER BY DESC(?modified) LIMIT 1"""


@dataclass(frozen=True)
class RemoteVersion(store.Version):
    """The version a remote's marker names; ``path`` is where the staging directory keeps
    it (it may not exist on a machine that only serves)."""

    base_iri: str = DEFAULT_BASE
    modified: datetime | None = None
    marker: str = ""
    triples: int = 0

    def modified_time(self) -> datetime | None:
        """What the marker says: a machine that only serves has no files of it to look at."""
        return self.modified.replace(microsecond=0) if self.modified else None

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.id,
            "base_iri": self.base_iri,
            "marker": self.marker,
            "triples": self.triples,
            "modified": self.modified.isoformat() if self.modified else None,
        }


def marker_triples(
    marker: str, version_id: str, base: str, graphs: Iterable[str], triples: int
) -> bytes:
    """The version marker graph, as N-Triples."""
    m = pyoxigraph.NamedNode(marker)
    stamp = version_time(version_id) or datetime.now(UTC)

    def about(predicate: str, value: str, datatype: str | None = None) -> pyoxigraph.Triple:
        term: Any = (
            pyoxigraph.NamedNode(value)
            if datatype == "iri"
            else pyoxigraph.Literal(
                value, datatype=pyoxigraph.NamedNode(datatype) if datatype else None
            )
        )
        return pyoxigraph.Triple(m, pyoxigraph.NamedNode(predicate), term)

    items = [
        about(RDF_TYPE, VOID + "Dataset", "iri"),
        about(OWL + "versionInfo", version_id),
        about(DCT + "modified", stamp.isoformat().replace("+00:00", "Z"), XSD + "dateTime"),
        about(VOID + "uriSpace", base),
        about(VOID + "triples", str(triples), XSD + "integer"),
        *(about(DCT + "hasPart", graph, "iri") for graph in sorted(graphs)),
    ]
    return pyoxigraph.serialize(items, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
