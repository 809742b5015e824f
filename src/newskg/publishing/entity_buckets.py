"""The shared entities graph cut into buckets, so that its dump members and VoID figures are
made again only where a change rewrote descriptions.

The entities graph holds one description per entity, and every change rewrites a few of them
(:class:`newskg.publishing.assembly.Assembled` ``.entities``). Its triples are split into
:data:`BUCKETS` buckets by a hash of the subject; each bucket is one dump part
(:mod:`newskg.publishing.dump_parts`) named by the graph and its number and identified by a
digest of its content, like an article's graph.

A bucket's digest is known without reading the whole graph: a version made by a change
records the version it was made from and the entities whose description it rewrote
(:func:`changed_from`, in its summary). A bucket holding none of them is the same as in the
version it was made from (its digest is read from that version's VoID state,
:mod:`newskg.publishing.void_counts`); a bucket holding some is read again, entity by entity:
its entities before (the subjects its cached figures list) and the rewritten ones. Without
that record, or when the triple counts do not add up to the graph's, the whole graph is read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph

from newskg.publishing.void_counts import PartStats, Prior

log = logging.getLogger(__name__)

#: Buckets of the entities graph (fixed: changing it makes every bucket anew once).
BUCKETS = 256
#: A change rewriting more descriptions than this touches nearly every bucket: its version
#: records none (the whole entities graph is read), which keeps the summary small.
MOST_DESCRIBED = 4 * BUCKETS

#: bucket -> (digest, its quads when they were read)
Buckets = dict[int, tuple[str, list[pyoxigraph.Quad] | None]]


def bucket(subject: str) -> int:
    """The bucket of a subject (an IRI, or ``_:id``)."""
    return int.from_bytes(hashlib.blake2b(subject.encode(), digest_size=4).digest()) % BUCKETS


def part_name(graph: str, number: int) -> str:
    """A bucket's part name: the graph's IRI, a space (no IRI has one) and its number."""
    return f"{graph} bucket {number:03d}"


def changed_from(base: str | None, described: Sequence[str]) -> dict[str, Any]:
    """What a version's summary records for its entities graph's buckets: the version it was
    made from and the entities whose description was rewritten ({}: made anew)."""
    if base is None:
        return {}
    listed = sorted(described) if len(described) <= MOST_DESCRIBED else None
    return {"changed_from": {"version": base, "described": listed}}


def digest(quads: Iterable[pyoxigraph.Quad]) -> str:
    """A digest of a graph's (or a bucket's) content: its sorted N-Triples lines."""
    h = hashlib.sha256()
    for line in sorted(str(q.triple) for q in quads):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def buckets(
    opened: Any,
    graph: pyoxigraph.NamedNode,
    summary: dict[str, Any],
    prior: Prior | None,
    cached: Callable[[str, str], PartStats | None],
) -> Buckets:
    """Every bucket's digest (and its quads, when they had to be read) of ``graph`` in the
    version ``summary`` describes, from ``prior`` (the state of the version it was made
    from, or of itself) when possible; ``cached`` gives a part's cached figures."""
    found = None
    if prior is not None and prior.version == summary.get("version"):  # dumped again
        found = _from_prior(opened, graph, prior, set(), cached)
    elif prior is not None:
        change = summary.get("changed_from") or {}
        described = change.get("described")
        if change.get("version") == prior.version and described is not None:
            found = _from_prior(opened, graph, prior, set(described), cached)
    return found if found is not None else read_all(opened, graph)


def read_all(opened: Any, graph: pyoxigraph.NamedNode) -> Buckets:
    """Every bucket of ``graph``, read whole."""
    split: dict[int, list[pyoxigraph.Quad]] = {n: [] for n in range(BUCKETS)}
    for quad in opened.quads_for_pattern(None, None, None, graph):
        split[bucket(_key(quad.subject))].append(quad)
    return {n: (digest(quads), quads) for n, quads in split.items()}


def _from_prior(
    opened: Any,
    graph: pyoxigraph.NamedNode,
    prior: Prior,
    described: set[str],
    cached: Callable[[str, str], PartStats | None],
) -> Buckets | None:
    touched: dict[int, set[str]] = {}
    for entity in described:
        touched.setdefault(bucket(entity), set()).add(entity)
    found: Buckets = {}
    total = 0
    for number in range(BUCKETS):
        name = part_name(graph.value, number)
        before = prior.parts.get(name)
        if before is None:
            return None
        if number not in touched:
            found[number] = (before, None)
            total += prior.triples[name]
            continue
        stats = cached(name, before)
        if stats is None:
            return None
        quads = list(_describe(opened, graph, stats.members() | touched[number]))
        found[number] = (digest(quads), quads)
        total += len(quads)
    counted = _count(opened, graph)
    if counted != total:
        log.warning(
            "the entities graph holds %d triples, its buckets %d: read whole", counted, total
        )
        return None
    return found


def _describe(opened: Any, graph: pyoxigraph.NamedNode, entities: set[str]) -> Iterator[Any]:
    for entity in sorted(entities):
        yield from opened.quads_for_pattern(pyoxigraph.NamedNode(entity), None, None, graph)


def _count(opened: Any, graph: pyoxigraph.NamedNode) -> int:
    rows = opened.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)


def _key(subject: object) -> str:
    return subject.value if isinstance(subject, pyoxigraph.NamedNode) else str(subject)
