"""How newskg names things: deterministic IRIs under a configurable base.

The same input always yields the same IRI, so two builds of one corpus are identical and the
same person in two articles is one resource. Layout (``{base}`` ends with ``/``)::

    {base}id/actor/{key}            {base}id/organization/{key}      {base}id/place/{key}
    {base}id/article/{article}      {base}graph/{article}            (the article's named graph)
    {base}graph/entities            (labels and links of every entity, stored once)
    {base}id/statement/{article}-{digest}
    {base}id/event/{article}-{digest}
    {base}id/membership/{article}-{digest}
    {base}id/span/{article}/{begin}-{end}   (an evidence or mention span, NIF offsets)

>>> iris = Iris("http://localhost:8000/")
>>> str(iris.entity("actor", "jane-doe"))
'http://localhost:8000/id/actor/jane-doe'
>>> slugify("Zoë O'Brien's")
'zoe-o-brien-s'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef

NKG = Namespace("https://w3id.org/newskg/ontology#")
NKG_ONTOLOGY = URIRef("https://w3id.org/newskg/ontology")
SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
WD = Namespace("http://www.wikidata.org/entity/")

DEFAULT_BASE = "http://localhost:8000/"


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by ``-``: accents folded, everything else dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "x"


def event_type_iri(label: str) -> URIRef:
    """The ontology concept for an event type label: ``"military deployment"`` ->
    ``nkg:event-military-deployment``."""
    return NKG["event-" + slugify(label)]


def digest(*parts: object) -> str:
    """A short stable hash of ``parts`` (IRIs must not depend on run order or Python's hash)."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def normalize_base(base: str) -> str:
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", base):
        raise ValueError(
            f"base IRI {base!r} is not an http(s) IRI; give one like http://localhost:8000/"
        )
    return base if base.endswith("/") else base + "/"


class Iris:
    """Mints every data IRI for one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = normalize_base(base)

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def entity(self, kind: str, key: str) -> URIRef:
        return self._iri(f"id/{kind}/{key}")

    def article(self, article_id: str) -> URIRef:
        return self._iri(f"id/article/{article_id}")

    def graph(self, article_id: str) -> URIRef:
        return self._iri(f"graph/{article_id}")

    def entities_graph(self) -> URIRef:
        return self._iri("graph/entities")

    def statement(self, article_id: str, *identity: object) -> URIRef:
        return self._iri(f"id/statement/{article_id}-{digest(*identity)}")

    def event(self, article_id: str, *identity: object) -> URIRef:
        return self._iri(f"id/event/{article_id}-{digest(*identity)}")

    def membership(self, article_id: str, *identity: object) -> URIRef:
        return self._iri(f"id/membership/{article_id}-{digest(*identity)}")

    def span(self, article_id: str, begin: int, end: int) -> URIRef:
        return self._iri(f"id/span/{article_id}/{begin}-{end}")
