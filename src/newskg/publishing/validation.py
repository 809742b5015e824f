"""SHACL validation of newskg RDF against ``shapes/newskg.ttl``, with readable reports.

The shapes target the exact ``rdf:type`` s that :mod:`newskg.extraction.graph` writes, so validation
runs without inference and without the ontology (fast, and it checks what is published, not
what a reasoner could add). The evidence invariant (``nif:anchorOf`` equals the article text
between the offsets) is a SHACL-SPARQL constraint, hence ``advanced=True``.

>>> from rdflib import Graph
>>> validate(Graph()).conforms
True
"""

from __future__ import annotations

import json
import xml.sax
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import RDF, Dataset, Graph, Namespace
from rdflib.graph import ConjunctiveGraph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as SPARQLResult
from rdflib.term import Node

from newskg import formats
from newskg.errors import NewskgError

# The package's own folder: the ontology and shapes are package data beside the code.
ROOT = Path(__file__).resolve().parent.parent
SHAPES_PATH = ROOT / "shapes" / "newskg.ttl"
ONTOLOGY_PATH = ROOT / "ontology" / "newskg.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """The shapes graph, parsed once per process (callers must not modify it)."""
    return Graph().parse(SHAPES_PATH, format="turtle")


@dataclass
class Result:
    """One SHACL validation result, as plain strings."""

    focus_node: str
    path: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    shape: str | None = None

    def __str__(self) -> str:
        where = f"<{self.focus_node}>"
        if self.path:
            where += f" {self.path}"
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Report:
    """Whether the data conforms, and every result (violations first)."""

    conforms: bool
    results: list[Result] = field(default_factory=list)

    def text(self, source: str) -> str:
        """One ``source: severity: <focus> path: message`` line per result (empty if none)."""
        return "\n".join(f"{source}: {result}" for result in self.results)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class _QueryCachingGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL runs every SHACL-SPARQL constraint once per focus node, passing the same query
    text each time; rdflib would re-parse it every time (~20 ms, most of the validation time
    for a corpus with thousands of spans). Preparing it once makes the whole run fast.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> SPARQLResult:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _union(data: Graph) -> Graph:
    """A graph holding every triple of ``data``; for a Dataset, the union of all its graphs
    (pySHACL would otherwise validate each named graph on its own). A plain Graph is not
    copied: the result is a view on the same store."""
    if not isinstance(data, ConjunctiveGraph | Dataset):
        view = _QueryCachingGraph(store=data.store, identifier=data.identifier)
        view.namespace_manager = data.namespace_manager
        return view
    merged = _QueryCachingGraph()
    for prefix, namespace in data.namespaces():
        merged.bind(prefix, namespace, override=False)
    for s, p, o, _ in data.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def _short(graph: Graph, node: Node | None) -> str | None:
    """A path or shape for display: a prefixed name where a prefix is bound, else N3."""
    if node is None:
        return None
    try:
        return node.n3(graph.namespace_manager)
    except Exception:  # a blank-node path or a literal; fall back to the plain form
        return str(node)


def _results(results_graph: Graph, shapes: Graph) -> list[Result]:
    results: list[Result] = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(node, SH.focusNode)
        message = results_graph.value(node, SH.resultMessage)
        severity = results_graph.value(node, SH.resultSeverity)
        path = results_graph.value(node, SH.resultPath)
        shape = results_graph.value(node, SH.sourceShape)
        results.append(
            Result(
                focus_node=str(focus),
                path=_short(shapes, path),
                message=str(message) if message is not None else "constraint not satisfied",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                shape=_short(shapes, shape),
            )
        )
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda r: (rank.get(r.severity, 3), r.focus_node, r.path or "", r.message))
    return results


def validate(data: Graph | Dataset, focus: Iterable[Node] | None = None) -> Report:
    """Validate ``data`` (a graph, or the union of a dataset's graphs) against the shapes;
    only the nodes ``focus`` names when given (the rest of ``data`` is still read, for the
    constraints that follow links).

    Warnings and infos are reported but do not make the data non-conforming. ``inplace``
    spares pySHACL a copy of the data: with no inference and no SHACL rules in the shapes,
    validation never writes to the data graph.
    """
    import pyshacl  # here: a build checks its store with the compiled shapes, not pySHACL

    shapes = load_shapes()
    conforms, results_graph, _ = pyshacl.validate(
        _union(data),
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        inplace=True,
        focus_nodes=None if focus is None else [str(node) for node in focus],
    )
    return Report(conforms=bool(conforms), results=_results(results_graph, shapes))


def _position(exc: BaseException) -> str:
    """``line L, column C`` (or just the line) from an rdflib/JSON/XML parse error."""
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, xml.sax.SAXParseException):
        return f"line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int):  # rdflib's Turtle/TriG BadSyntax: 0-based line, char index
        where = f"line {lines + 1}"
        raw, index = getattr(exc, "_str", None), getattr(exc, "_i", None)
        if isinstance(raw, bytes) and isinstance(index, int):
            text = raw.decode("utf-8", "replace")
            where += f", column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"
        return where
    return ""


def _reason(exc: BaseException) -> str:
    """The parser's own explanation, on one line."""
    why = getattr(exc, "_why", None)
    if why:
        return str(why)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class RDFFileError(NewskgError, ValueError):
    """An RDF file that cannot be read or parsed: names the file, and the line and column
    where known. A ``ValueError`` too, as :func:`parse_file` has always raised."""


def parse_file(path: str | Path) -> Graph | Dataset:
    """Parse an RDF file, choosing the syntax by its extension (``newskg.formats``).

    Quad formats (TriG, N-Quads, JSON-LD) give a :class:`~rdflib.Dataset`, others a Graph.
    Raises :class:`RDFFileError` naming the file, and the line and column where known.
    """
    path = Path(path)
    try:
        fmt = formats.by_extension(path.suffix)
    except formats.UnknownFormat as exc:
        raise RDFFileError(f"{path}: cannot tell the RDF syntax from the extension: {exc}") from exc
    if fmt.rdflib is None:
        raise RDFFileError(f"{path}: {fmt.name} is a query-results format, not RDF")
    target: Graph | Dataset = Dataset() if fmt.holds_quads else Graph()
    try:
        target.parse(path, format=fmt.rdflib)
    except OSError as exc:
        raise RDFFileError(f"{path}: cannot read: {exc}") from exc
    except Exception as exc:  # rdflib raises many types (BadSyntax, ParseError, SAX, JSON)
        position = _position(exc)
        where = f"{path}:{' ' + position + ':' if position else ''}"
        raise RDFFileError(f"{where} invalid {fmt.name}: {_reason(exc)}") from exc
    return target


def validate_file(path: str | Path) -> Report:
    """Parse ``path`` (syntax by extension) and validate it; see :func:`parse_file`."""
    return validate(parse_file(path))


def validate_store(store: pyoxigraph.Store) -> Report:
    """Validate the union of a store's graphs (the ontology's graph included, which the
    shapes do not target), as ``newskg validate --store`` does."""
    data = Dataset()
    data.parse(data=store.dump(format=pyoxigraph.RdfFormat.N_QUADS), format="nquads")
    return validate(data)
