"""The vocabulary of newskg: its namespaces, the one prefix table, and how it names things.

Every module that writes or shows RDF takes its namespaces and prefixes from here, so a
namespace is spelt once. Each output keeps the prefixes it has always written (a Turtle dump,
the query page's autocompleter, a linked-data page), chosen from the one table with
:func:`prefixes`.

Data IRIs are deterministic under a configurable base: the same input always yields the same
IRI, so two builds of one corpus are identical and the same person in two articles is one
resource. Layout (``{base}`` ends with ``/``)::

    {base}id/actor/{key}            {base}id/organization/{key}      {base}id/place/{key}
    {base}id/article/{article}      {base}graph/{article}            (the article's named graph)
    {base}graph/entities            (labels and links of every entity, stored once)
    {base}id/statement/{article}-{digest}
    {base}id/event/{article}-{digest}
    {base}id/membership/{article}-{digest}
    {base}id/span/{article}/{begin}-{end}   (an evidence or mention span, NIF offsets)
    {base}id/block/{article}/{begin}-{end}  (a text block as the reader split the article)

>>> iris = Iris("http://localhost:8000/")
>>> str(iris.entity("actor", "jane-doe"))
'http://localhost:8000/id/actor/jane-doe'
>>> slugify("Zoë O'Brien's")
'zoe-obriens'

Entity keys keep the letters of every script (an IRI may hold them; the key is NFC and case
folded) and never collapse two names into one: the key is the folded name with ``-`` for its
spaces, and a name with no letter or digit, or over 80 characters, adds a hash of the name.

>>> entity_key("Иван Петров"), entity_key("Сергей Смирнов"), entity_key("José") == "jose"
('иван-петров', 'сергей-смирнов', True)
>>> entity_key("!!!") != entity_key("???"), entity_key("!!!")
(True, 'name--e84c538e')
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace, URIRef

from newskg.base_iri import DEFAULT_PORT, default_base
from newskg.text import fold

NKG = Namespace("https://w3id.org/newskg/ontology#")
NKG_ONTOLOGY = URIRef("https://w3id.org/newskg/ontology")
SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
WD = Namespace("http://www.wikidata.org/entity/")

#: The one prefix table: every prefix newskg writes or offers.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "nkg": str(NKG),
    "schema": str(SCHEMA),
    "nif": str(NIF),
    "itsrdf": str(ITSRDF),
    "wd": str(WD),
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "formats": "http://www.w3.org/ns/formats/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def prefixes(*names: str) -> dict[str, str]:
    """The named prefixes of :data:`PREFIXES`, in the order given (an output's prefix lines
    keep their order).

    >>> prefixes("nkg", "rdfs")
    {'nkg': 'https://w3id.org/newskg/ontology#', 'rdfs': 'http://www.w3.org/2000/01/rdf-schema#'}
    """
    unknown = [name for name in names if name not in PREFIXES]
    if unknown:
        raise KeyError(f"prefixes {unknown} are not in newskg.vocab.PREFIXES; add them there")
    return {name: PREFIXES[name] for name in names}


DEFAULT_BASE = default_base(
    DEFAULT_PORT
)  # a version whose summary names no base (made before it did)
MAX_KEY = 80  # characters of slug in an entity key; longer names are cut and hashed


def slugify(text: str) -> str:
    """The words of :func:`~newskg.text.fold` ``text`` (letters, digits and marks of any
    script) joined by ``-``; empty when it has none."""
    return fold(text).replace(" ", "-")


def entity_key(name: str) -> str:
    """The key (IRI slug) of an entity named ``name``: its slug, which reads back as the
    folded name, so names that fold apart never share it; a name with no letter or digit, or
    a slug over :data:`MAX_KEY` characters (cut between words), gets ``--`` and a hash of the
    folded name (``--`` is in no slug). Keys that meet anyway (a name and a gazetteer entry,
    two kinds in one article) are told apart where entities are resolved and linked."""
    folded = fold(name)
    slug = folded.replace(" ", "-")
    if slug and len(slug) <= MAX_KEY:
        return slug
    short = slug[:MAX_KEY]
    if len(slug) > MAX_KEY and "-" in short and slug[MAX_KEY] != "-":
        short = short.rsplit("-", 1)[0]  # cut between words
    return f"{short or 'name'}--{digest(folded or name)[:8]}"


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

    def block(self, article_id: str, begin: int, end: int) -> URIRef:
        return self._iri(f"id/block/{article_id}/{begin}-{end}")
