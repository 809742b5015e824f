"""A useful DESCRIBE, and the row cap while an answer is written: one definition for the query
processes (:mod:`newskg.sparql.query_worker`) and for a remote triple store
(:mod:`newskg.backends.remote.engine`).

A DESCRIBE answers the resources' own triples plus the labels and types of what they link to
and their evidence spans whole (offsets and exact words), so a description can be read and
checked without a second query. Where those extra triples come from is the caller's
``fetch``: a local store reads them pattern by pattern, a remote one in a few batched
queries. This module imports pyoxigraph and nothing of Flask (query processes start light).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pyoxigraph

RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NKG_EVIDENCE = pyoxigraph.NamedNode("https://w3id.org/newskg/ontology#evidence")

T = TypeVar("T")
#: What a DESCRIBE adds, asked for as (resource, predicate): ``None`` is every predicate.
Wanted = list[tuple[pyoxigraph.NamedNode, pyoxigraph.NamedNode | None]]


class TooManyRows(Exception):
    """The answer has more rows than the cap; the writer stops and nothing is sent."""


def capped(items: Iterable[T], max_rows: int) -> Iterator[T]:
    """``items``, raising :class:`TooManyRows` at the first one past ``max_rows``."""
    for count, item in enumerate(items, 1):
        if count > max_rows:
            raise TooManyRows
        yield item


def wanted(triples: list[Any]) -> Wanted:
    """What a DESCRIBE of ``triples`` adds, in the order it is added: the label and type of
    each resource they link to (not one described itself), every triple of an evidence span."""
    described = {t.subject for t in triples}
    asked: Wanted = []
    for triple in triples:
        linked = triple.object
        if isinstance(linked, pyoxigraph.NamedNode) and linked not in described:
            asked += [(linked, RDFS_LABEL), (linked, RDF_TYPE)]
        if triple.predicate == NKG_EVIDENCE and isinstance(linked, pyoxigraph.NamedNode):
            asked.append((linked, None))
    return asked


def with_context(
    triples: list[Any], fetch: Callable[[Wanted], Iterable[Any]], max_rows: int
) -> list[Any]:
    """``triples`` and, once each, the triples ``fetch`` returns for :func:`wanted`; raises
    :class:`TooManyRows` when they are more than ``max_rows`` together."""
    seen = set(triples)
    extra: list[Any] = []
    for triple in fetch(wanted(triples)):
        if triple not in seen:
            seen.add(triple)
            extra.append(triple)
    if len(triples) + len(extra) > max_rows:
        raise TooManyRows
    return triples + extra


def from_store(
    store: pyoxigraph.Store, graphs: list[pyoxigraph.NamedNode] | None = None
) -> Callable[[Wanted], Iterator[pyoxigraph.Triple]]:
    """A ``fetch`` for :func:`with_context` reading a local store, pattern by pattern: from
    every graph (the union default graph), or only from ``graphs`` when the request gave
    the default graph (``default-graph-uri``): the context stays inside the dataset."""
    among: list[pyoxigraph.NamedNode | None] = [None] if graphs is None else list(graphs)

    def fetch(asked: Wanted) -> Iterator[pyoxigraph.Triple]:
        for subject, predicate in asked:
            for graph in among:
                for quad in store.quads_for_pattern(subject, predicate, None, graph):
                    yield pyoxigraph.Triple(quad.subject, quad.predicate, quad.object)

    return fetch
