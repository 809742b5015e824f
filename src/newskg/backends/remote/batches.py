"""Sending many graphs in few requests: :class:`Batches`, what a push writes through.

A push of a large build would otherwise cost one HTTP request (and on most stores one
transaction) per graph. Graphs are instead gathered into SPARQL 1.1 Updates of at most
:data:`BATCH_BYTES` of N-Triples each, every one ``DROP SILENT GRAPH`` for the graphs it
replaces or withdraws, then one ``INSERT DATA`` with their triples: a graph is replaced
within one request (on stores that run an update as one transaction, readers never see it
half-written), and no request grows without bound (stores limit the size of a request and of
a query text). Every SPARQL 1.1 store has an update endpoint; no store-specific loader is
needed, so the same code is tested on Oxigraph server and Virtuoso.

Two kinds of graph go by the Graph Store Protocol instead (one ``PUT`` each, streamed): one
larger than a batch, which cannot be split (its blank nodes would become different nodes in
two requests), and one with blank nodes at all, which ``INSERT DATA`` does not take
everywhere (Virtuoso: "Blank node is not allowed in a constant clause"). newskg mints IRIs for
what it extracts; only the ontology's OWL lists have blank nodes.

A graph the remote holds as an older version has it (the shared entities graph after an add)
is *patched* instead: only the triples removed (``DELETE DATA``) and added (``INSERT DATA``)
are sent, so the push of a small change stays small however large that graph has grown.
"""

from __future__ import annotations

import tempfile
from typing import IO

import pyoxigraph

from newskg.backends.remote.answers import SPOOL_BYTES
from newskg.backends.remote.client import Client

#: N-Triples bytes per update request. Measured on 200 BBC articles (docs/backends.md):
#: larger batches gain little on Oxigraph server and Virtuoso compiles a long update slowly.
BATCH_BYTES = 1024 * 1024
#: Graphs per update request (each a DROP): a withdrawal of many graphs has no triples to
#: count, and its text must stay bounded too.
BATCH_GRAPHS = 1000


class Batches:
    """Graphs to replace and graphs to drop, sent in updates as they fill up (``limit`` bytes
    of N-Triples, :data:`BATCH_GRAPHS` graphs); :meth:`flush` sends the rest. ``requests``
    counts what was sent."""

    def __init__(self, client: Client, limit: int | None = None) -> None:
        self.client = client
        self.limit = BATCH_BYTES if limit is None else limit
        self.drops: list[str] = []
        self.deletes: list[bytes] = []
        self.inserts: list[bytes] = []
        self.size = 0
        self.requests = 0

    def drop(self, graph: str) -> None:
        self.drops.append(f"DROP SILENT GRAPH <{graph}>")
        self._flush_when_full()

    def replace(self, local: pyoxigraph.Store, graph: str) -> None:
        """Make the remote's ``graph`` what it is in ``local``."""
        name = pyoxigraph.NamedNode(graph)
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as body:
            local.dump(body, pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name)
            size = body.tell()
            body.seek(0)
            if size > self.limit or _has_blank_nodes(local, name, body):
                body.seek(0)
                self.client.put_graph(graph, body)
                self.requests += 1
                return
            body.seek(0)
            data = body.read()
        self.drops.append(f"DROP SILENT GRAPH <{graph}>")
        self.inserts.append(_graph_block(graph, data))
        self.size += len(data)
        self._flush_when_full()

    def patch(self, local: pyoxigraph.Store, before: pyoxigraph.Store, graph: str) -> None:
        """Make the remote's ``graph``, which holds what it is in ``before``, what it is in
        ``local`` by sending the difference (``DELETE DATA`` / ``INSERT DATA``): the shared
        entities graph grows with the store while an add changes a few of its triples. Sent
        whole instead (:meth:`replace`) when it has blank nodes (a pattern cannot name them)
        or the difference is over the bound."""
        name = pyoxigraph.NamedNode(graph)
        new = _lines(local, name)
        old = _lines(before, name)
        removed, added = sorted(old - new), sorted(new - old)
        size = sum(map(len, removed)) + sum(map(len, added))
        if size > self.limit or any(b"_:" in line for line in (*removed, *added)):
            self.replace(local, graph)  # (a "_:" in a literal only costs the whole graph)
            return
        if removed:
            self.deletes.append(_graph_block(graph, b"".join(removed)))
        if added:
            self.inserts.append(_graph_block(graph, b"".join(added)))
        self.size += size
        self._flush_when_full()

    def _flush_when_full(self) -> None:
        if self.size >= self.limit or len(self.drops) >= BATCH_GRAPHS:
            self.flush()

    def flush(self) -> None:
        operations = [drop.encode() for drop in self.drops]
        if self.deletes:
            operations.append(b"DELETE DATA {\n" + b"".join(self.deletes) + b"}")
        if self.inserts:
            operations.append(b"INSERT DATA {\n" + b"".join(self.inserts) + b"}")
        if not operations:
            return
        self.client.update(b" ;\n".join(operations))
        self.requests += 1
        self.drops, self.deletes, self.inserts, self.size = [], [], [], 0


def _graph_block(graph: str, ntriples: bytes) -> bytes:
    return b"GRAPH <" + graph.encode() + b"> {\n" + ntriples + b"}\n"


def _lines(store: pyoxigraph.Store, graph: pyoxigraph.NamedNode) -> set[bytes]:
    """The graph's triples as N-Triples lines: the same term is written the same way by the
    same writer, so equal lines are equal triples."""
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return {line + b"\n" for line in data.splitlines() if line.strip()}


def _has_blank_nodes(local: pyoxigraph.Store, graph: pyoxigraph.NamedNode, body: IO[bytes]) -> bool:
    """Whether the graph has a blank node; the N-Triples are looked at first (no ``_:`` in
    them: none), the store only when they have one (it may be inside a literal)."""
    if not any(b"_:" in line for line in body):
        return False
    return any(
        isinstance(quad.subject, pyoxigraph.BlankNode)
        or isinstance(quad.object, pyoxigraph.BlankNode)
        for quad in local.quads_for_pattern(None, None, None, graph)
    )
