"""Query evaluation: the one place a SPARQL query meets the store.

INTERFACE (stable; the implementation behind it is being replaced by a pool of query
processes that can be killed at the time limit):

    execute(store_path, query, dataset, results_format=…, graph_format=…,
            timeout=…, max_rows=…) -> Answer

- ``results_format`` is used for SELECT/ASK, ``graph_format`` for CONSTRUCT/DESCRIBE; pass
  None for a kind the client does not accept: a query of that kind raises NotAcceptable.
- Raises ``APIError`` 400 (syntax error, with line and column), 503 (time limit), 422 (more
  than ``max_rows`` rows: signalled, never truncated).
- The answer is fully evaluated before it returns, so the caller can still send an error
  status; ``Answer.body`` is a file (on disk when large) positioned at 0, which the caller
  streams and closes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import pyoxigraph

from newskg.formats import Format
from server.errors import APIError

Kind = Literal["solutions", "boolean", "graph"]
SPOOL_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class DatasetSpec:
    """The query's dataset: empty tuples mean the protocol's defaults (the default graph is
    the union of all graphs; every named graph is available to GRAPH)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass
class Answer:
    kind: Kind
    format: Format
    body: IO[bytes]
    size: int
    rows: int  # solutions or triples (1 for a boolean)


class NotAcceptable(Exception):
    """The query's result kind has no format the client accepts."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.kind = kind


def execute(store_path: Path, query: str, dataset: DatasetSpec = DatasetSpec(), *,
            results_format: Format | None, graph_format: Format | None,
            timeout: float, max_rows: int) -> Answer:
    """Evaluate ``query`` against the store at ``store_path`` (see the module docstring)."""
    store = pyoxigraph.Store.read_only(str(store_path))
    kwargs: dict[str, object] = {}
    if dataset.default_graphs:
        kwargs["default_graph"] = [pyoxigraph.NamedNode(g) for g in dataset.default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if dataset.named_graphs:
        kwargs["named_graphs"] = [pyoxigraph.NamedNode(g) for g in dataset.named_graphs]
    try:
        results = store.query(query, **kwargs)
    except SyntaxError as exc:
        raise APIError(400, f"SPARQL syntax error: {exc}",
                       "Check the query near the position given (line:column).") from exc
    kind: Kind = ("graph" if isinstance(results, pyoxigraph.QueryTriples) else
                  "boolean" if isinstance(results, pyoxigraph.QueryBoolean) else "solutions")
    fmt = graph_format if kind == "graph" else results_format
    if fmt is None:
        raise NotAcceptable(kind)
    body: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115
    results.serialize(body, fmt.oxigraph)
    size = body.tell()
    body.seek(0)
    return Answer(kind, fmt, body, size, rows=-1)
