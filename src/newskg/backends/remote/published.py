"""Reading the published version from the remote: :class:`RemoteStore`, what
:meth:`newskg.backends.remote.backend.RemoteBackend.open_published` and a server's published
store (:mod:`newskg.backends.remote.served`) hand to newskg's readers."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from typing import IO, Any

import pyoxigraph

from newskg.backends.remote.answers import SPOOL_BYTES, boolean_answer, parse_results
from newskg.backends.remote.client import PUSH_SECONDS, RESULTS_JSON, Client
from newskg.backends.remote.marker import RemoteVersion
from newskg.sparql.lexer import query_form


def _names(graphs: Any) -> list[str]:
    if graphs is None:
        return []
    if isinstance(graphs, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph):
        graphs = [graphs]
    names = []
    for graph in graphs:
        if not isinstance(graph, pyoxigraph.NamedNode):
            raise ValueError(f"a remote store's dataset names graphs by IRI, not {graph!r}")
        names.append(graph.value)
    return names


class RemoteStore:
    """A remote version, read through the methods of ``pyoxigraph.Store`` that newskg's
    pages, VoID, dumps and validation use; what they return are pyoxigraph objects.

    Differences from a local store: a query's default graph is the remote's (the union of
    all graphs with ``use_default_graph_as_union``; stores configured that way give it
    always); blank nodes in a pattern match nothing (their labels do not survive a round
    trip); the version marker is one more named graph, left out of ``len()``, iteration,
    ``named_graphs()`` and whole-store dumps but seen by SPARQL."""

    def __init__(self, client: Client, version: RemoteVersion) -> None:
        self.client = client
        self.version = version
        self._graphs: list[str] | None = None

    def query(
        self,
        query: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: Any = None,
        **_ignored: Any,
    ) -> Any:
        seconds = self.client.timeout
        response = self.client.query(
            query,
            union=use_default_graph_as_union,
            default_graphs=_names(default_graph),
            named_graphs=_names(named_graphs),
        )
        parsed = parse_results(response, RESULTS_JSON, time.monotonic() + seconds, seconds)
        answer = boolean_answer(parsed) if query_form(query) == "ASK" else None
        return parsed if answer is None else answer

    def quads_for_pattern(
        self,
        subject: Any,
        predicate: Any,
        object: Any,  # noqa: A002
        graph_name: Any = None,
    ) -> Iterator[pyoxigraph.Quad]:
        terms = (subject, predicate, object)
        if any(isinstance(t, pyoxigraph.BlankNode) for t in (*terms, graph_name)) or isinstance(
            graph_name, pyoxigraph.DefaultGraph
        ):
            return  # newskg keeps nothing in the default graph; see the class docstring
        if subject is None and predicate is None and object is None and graph_name is not None:
            # A whole graph (the dumps read them one by one): fetched as one document, which
            # is cheaper than a SELECT and keeps what SPARQL results cannot (blank nodes).
            yield from self.graph_quads(_names(graph_name)[0])
            return
        pattern = " ".join(
            str(term) if term is not None else f"?{name}"
            for term, name in zip(terms, "spo", strict=True)
        )
        graph = str(graph_name) if graph_name is not None else "?g"
        for row in self.query(f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} }}"):
            yield pyoxigraph.Quad(
                subject or row["s"],
                predicate or row["p"],
                object if object is not None else row["o"],
                graph_name or row["g"],
            )

    def contains_named_graph(self, graph_name: Any) -> bool:
        if not isinstance(graph_name, pyoxigraph.NamedNode):
            return False
        return bool(self.query(f"ASK {{ GRAPH {graph_name} {{ ?s ?p ?o }} }}"))

    def graphs(self) -> list[str]:
        """The version's graphs, as its marker lists them."""
        if self._graphs is None:
            self._graphs = self.client.marker_parts(self.version.marker)
        return self._graphs

    def named_graphs(self) -> Iterator[pyoxigraph.NamedNode]:
        return (pyoxigraph.NamedNode(g) for g in self.graphs())

    def __len__(self) -> int:
        if self.version.triples:  # the marker's count: a store's own graphs are left out
            return self.version.triples
        rows = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{self.version.marker}>) }}"
        )
        return int(next(iter(rows))["n"].value)

    def graph_quads(self, graph: str) -> Iterator[pyoxigraph.Quad]:
        """One graph's quads, fetched with the Graph Store Protocol."""
        name = pyoxigraph.NamedNode(graph)
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
            self.client.get_graph(graph, spool, timeout=PUSH_SECONDS)
            spool.seek(0)
            for quad in pyoxigraph.parse(spool, pyoxigraph.RdfFormat.N_TRIPLES):
                yield pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, name)

    def __iter__(self) -> Iterator[pyoxigraph.Quad]:
        for graph in self.graphs():
            yield from self.graph_quads(graph)

    def dump(
        self,
        output: IO[bytes] | None = None,
        format: Any = None,  # noqa: A002
        *,
        from_graph: Any = None,
        prefixes: dict[str, str] | None = None,
        **_ignored: Any,
    ) -> bytes | None:
        if from_graph is not None:
            quads: Iterator[Any] = self.graph_quads(_names(from_graph)[0])
            if not format.supports_datasets:
                quads = (quad.triple for quad in quads)
        elif format.supports_datasets:
            quads = iter(self)
        else:
            raise ValueError(
                f"{format} holds one graph: give from_graph to dump a remote store in it"
            )
        return pyoxigraph.serialize(quads, output, format, prefixes=prefixes)
