"""What every version's store holds besides the articles' graphs, and what names a version:
the ontology graph, and the digest of its content (its articles and their graphs)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pyoxigraph

from newskg.publishing import validation
from newskg.publishing.incremental import ArticleRecord
from newskg.vocab import NKG_ONTOLOGY


def content_digest(records: Mapping[str, ArticleRecord]) -> str:
    """A digest of a version's articles and their graphs (it names the version)."""
    h = hashlib.sha256()
    for article_id in sorted(records):
        h.update(f"{article_id}\0{records[article_id].graph}\n".encode())
    return h.hexdigest()


def load_ontology(target: pyoxigraph.Store) -> int:
    """(Re)write the ontology graph, so every version carries the ontology it was made with;
    returns the triples added less those removed."""
    name = pyoxigraph.NamedNode(str(NKG_ONTOLOGY))
    before = sum(1 for _ in target.quads_for_pattern(None, None, None, name))
    target.clear_graph(name)
    target.load(
        path=str(validation.ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE, to_graph=name
    )
    return sum(1 for _ in target.quads_for_pattern(None, None, None, name)) - before
